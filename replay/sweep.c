/* Sweeps (sweep.h): --vary parsing and the cartesian product of points,
 * then running them in batches in a pool of forked worker processes that
 * send each point's results back over a pipe (NOTES below, "Running"). */
#include "replay/sweep.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "base/mem.h"
#include "base/pool.h"
#include "replay/replay.h"
#include "traces/trace.h"

static int add_value(struct rpl_vary *v, const char *text, struct sim_err *err)
{
	if (v->nvals == RPL_MAX_VALUES)
		return sim_errf(err, SIM_EINVAL, "--vary %s: more than %d values", v->name, RPL_MAX_VALUES);
	v->vals[v->nvals] = sim_strdup(text);
	if (!v->vals[v->nvals])
		return sim_errf(err, SIM_ENOMEM, "out of memory");
	v->nvals++;
	return SIM_OK;
}

void rpl_vary_free(struct rpl_vary *v)
{
	for (int i = 0; i < v->nvals; i++)
		sim_free(v->vals[i]);
	v->nvals = 0;
}

/* Parse a number of the parameter's kind (sizes may carry suffixes). */
static int number(const struct param_def *d, const char *s, double *out)
{
	char *end;
	if (d->type == PARAM_SIZE) {
		int64_t x;
		if (param_parse_size(s, &x))
			return SIM_EINVAL;
		*out = (double)x;
		return SIM_OK;
	}
	errno = 0;
	*out = strtod(s, &end);
	return (*s && !*end && errno == 0 && isfinite(*out)) ? SIM_OK : SIM_EINVAL;
}

int rpl_vary_parse(const cfg *c, const char *spec, struct rpl_vary *v, struct sim_err *err)
{
	const char *eq = strchr(spec, '=');
	const struct param_def *d;
	char list[4096];
	long idx;
	cfg *probe = NULL;
	int rc = SIM_OK;

	memset(v, 0, sizeof *v);
	if (!eq || eq == spec || (size_t)(eq - spec) >= sizeof v->name)
		return sim_errf(err, SIM_EINVAL, "--vary %s: expected name=v1,v2,... or name=lo:hi:step", spec);
	memcpy(v->name, spec, (size_t)(eq - spec));
	v->name[eq - spec] = '\0';
	idx = cfg_find(c, v->name);
	if (idx < 0) {
		/* let cfg_set word the error, with its suggestions */
		cfg *tmp;
		if (cfg_copy(&tmp, c, err))
			return SIM_ENOMEM;
		rc = cfg_set(tmp, v->name, "0", "--vary", err);
		cfg_free(tmp);
		return rc ? rc : SIM_EINVAL;
	}
	d = cfg_def(c, (size_t)idx);
	if (strlen(eq + 1) >= sizeof list)
		return sim_errf(err, SIM_EINVAL, "--vary %s: the list of values is longer than %zu bytes",
				v->name, sizeof list - 1);
	snprintf(list, sizeof list, "%s", eq + 1);
	if (strchr(list, ':') && !strchr(list, ',')) {
		char *a = list, *b = strchr(a, ':'), *s2;
		double lo, hi, step;
		*b++ = '\0';
		s2 = strchr(b, ':');
		if (!s2)
			return sim_errf(err, SIM_EINVAL, "--vary %s: a range is lo:hi:step", spec);
		*s2++ = '\0';
		if (d->type != PARAM_INT && d->type != PARAM_SIZE && d->type != PARAM_REAL)
			return sim_errf(err, SIM_EINVAL, "--vary %s: %s is not numeric; list its values", spec, v->name);
		if (*s2 == '*') {   /* geometric: lo, lo*k, lo*k*k, ... up to hi */
			char *end;
			errno = 0;
			step = strtod(s2 + 1, &end);
			if (number(d, a, &lo) || number(d, b, &hi) || !s2[1] || *end || errno || !isfinite(step) ||
			    step <= 1 || lo <= 0 || hi < lo)
				return sim_errf(err, SIM_EINVAL, "--vary %s: lo:hi:*k must be numbers with k > 1, "
						"lo > 0 and hi >= lo", spec);
			if (log(hi / lo) / log(step) > RPL_MAX_VALUES)
				return sim_errf(err, SIM_EINVAL, "--vary %s: more than %d values", spec, RPL_MAX_VALUES);
			for (double x = lo; x <= hi * (1 + 1e-12) && rc == SIM_OK; x *= step) {
				char t[64];
				if (d->type == PARAM_REAL)
					snprintf(t, sizeof t, "%.10g", x);
				else
					snprintf(t, sizeof t, "%lld", (long long)llround(x));
				rc = add_value(v, t, err);
			}
			goto values_done;
		}
		if (number(d, a, &lo) || number(d, b, &hi) || number(d, s2, &step) || step <= 0 || hi < lo)
			return sim_errf(err, SIM_EINVAL, "--vary %s: lo:hi:step must be numbers with step > 0 and hi >= lo", spec);
		if ((hi - lo) / step > RPL_MAX_VALUES)
			return sim_errf(err, SIM_EINVAL, "--vary %s: more than %d values", spec, RPL_MAX_VALUES);
		for (double x = lo; x <= hi * (1 + 1e-12) + 1e-12 && rc == SIM_OK; x += step) {
			char t[64];
			if (d->type == PARAM_REAL)
				snprintf(t, sizeof t, "%.10g", x);
			else
				snprintf(t, sizeof t, "%lld", (long long)llround(x));
			rc = add_value(v, t, err);
		}
	} else {
		char *rest = list, *tok;
		while ((tok = strsep(&rest, ",")) && rc == SIM_OK)
			rc = *tok ? add_value(v, tok, err)
				  : sim_errf(err, SIM_EINVAL, "--vary %s: an empty value (value %d)", spec,
					     v->nvals + 1);
	}
values_done:
	if (rc == SIM_OK && v->nvals == 0)
		rc = sim_errf(err, SIM_EINVAL, "--vary %s: no values", spec);
	/* every value must be valid for the parameter */
	if (rc == SIM_OK && (rc = cfg_copy(&probe, c, err)) == SIM_OK) {
		for (int i = 0; i < v->nvals && rc == SIM_OK; i++)
			rc = cfg_set(probe, v->name, v->vals[i], "--vary", err);
		cfg_free(probe);
	}
	if (rc)
		rpl_vary_free(v);
	return rc;
}

int rpl_param_matters(const char *name, int mode)
{
	if (mode == RPL_DISCO)
		return 1;
	return strncmp(name, "monitor.cost.", 13) != 0 && strncmp(name, "monitor.mem.", 12) != 0 &&
	       strncmp(name, "monitor.path", 12) != 0 &&   /* monitor.paths, monitor.path.* */
	       strncmp(name, "policy.l2tlb", 12) != 0 && strcmp(name, "policy.sched") != 0 &&
	       strncmp(name, "policy.migration", 16) != 0 && strncmp(name, "policy.verghese.", 16) != 0;
}

uint64_t rpl_effective_hash(const cfg *c, int mode)
{
	cfg *e;
	uint64_t h;
	if (cfg_copy(&e, c, NULL) != SIM_OK)
		return 0;
	for (size_t i = 0; i < cfg_count(e); i++) {
		const struct param_def *d = cfg_def(e, i);
		if (!rpl_param_matters(d->name, mode))
			cfg_set(e, d->name, d->dflt, NULL, NULL);   /* a default always parses */
	}
	h = cfg_hash(e) ^ ((uint64_t)(mode + 1) * 0x9E3779B97F4A7C15ull);
	cfg_free(e);
	return h ? h : 1;
}

void rpl_sweep_points_free(struct rpl_point *points, int npoints)
{
	for (int i = 0; points && i < npoints; i++)
		cfg_free(points[i].c);
	sim_free(points);
}

int rpl_sweep_points(const cfg *base, int mode, const struct rpl_vary *vary, int nvary,
		     int nseeds, struct rpl_point **points, int *npoints, struct sim_err *err)
{
	return rpl_sweep_points_kept(base, mode, vary, nvary, nseeds, NULL, NULL, points, npoints, err);
}

int rpl_sweep_points_kept(const cfg *base, int mode, const struct rpl_vary *vary, int nvary, int nseeds,
			  int (*keep)(void *ctx, uint64_t hash), void *keep_ctx,
			  struct rpl_point **points, int *npoints, struct sim_err *err)
{
	long total = nseeds < 1 ? 1 : nseeds;
	int idx[64] = { 0 };
	struct rpl_point *p;
	int64_t seed0 = cfg_int(base, "machine.tlb.seed");
	cfg *s;   /* base + the point's values: every point sets the same names */
	int rc = SIM_OK;

	*points = NULL;
	*npoints = 0;
	if (nvary > 64)
		return sim_errf(err, SIM_EINVAL, "more than 64 --vary options");
	for (int i = 0; i < nvary; i++) {
		total *= vary[i].nvals;
		if (total > 1000000)
			return sim_errf(err, SIM_EINVAL, "the sweep has more than a million points");
	}
	p = sim_calloc((size_t)total, sizeof *p);
	if (!p)
		return sim_errf(err, SIM_ENOMEM, "out of memory for %ld sweep points", total);
	if ((rc = cfg_copy(&s, base, err)) != SIM_OK) {
		sim_free(p);
		return rc;
	}
	for (long k = 0; k < total && rc == SIM_OK; k++) {
		struct rpl_point *q = &p[k];
		size_t used = 0;
		long rest = k;
		q->seed = (int)(rest % (nseeds < 1 ? 1 : nseeds));
		rest /= (nseeds < 1 ? 1 : nseeds);
		for (int i = nvary - 1; i >= 0; i--) {
			idx[i] = (int)(rest % vary[i].nvals);
			rest /= vary[i].nvals;
		}
		for (int i = 0; i < nvary && rc == SIM_OK; i++) {
			rc = cfg_set(s, vary[i].name, vary[i].vals[idx[i]], "--vary", err);
			used += (size_t)snprintf(q->label + used, sizeof q->label - used, "%s%s=%s",
						 i ? " " : "", vary[i].name, vary[i].vals[idx[i]]);
			if (used >= sizeof q->label)
				used = sizeof q->label - 1;
		}
		if (rc == SIM_OK && nseeds > 1) {
			char t[32];
			snprintf(t, sizeof t, "%lld", (long long)(seed0 + q->seed));
			rc = cfg_set(s, "machine.tlb.seed", t, "--seeds", err);
			snprintf(q->label + used, sizeof q->label - used, "%sseed=%d", used ? " " : "", q->seed);
		}
		if (rc != SIM_OK)
			break;
		q->mode = mode;
		q->hash = cfg_hash(s) ^ ((uint64_t)(mode + 1) * 0x9E3779B97F4A7C15ull);
		/* a configuration holds every parameter, 280 bytes each: only the
		 * points kept get one */
		if (!keep || keep(keep_ctx, q->hash))
			rc = cfg_copy(&q->c, s, err);
	}
	cfg_free(s);
	if (rc != SIM_OK) {
		rpl_sweep_points_free(p, (int)total);
		return rc;
	}
	*points = p;
	*npoints = (int)total;
	return SIM_OK;
}

/* The --vary value of point p at fault, when base with that value alone
 * cannot start a run either: its index in names, or -1. */
static int culprit(const cfg *base, const struct rpl_point *p, const char *const *names, int nnames,
		   uint32_t nstreams)
{
	struct sim_err ignore;
	cfg *c;
	if (rpl_check(base, p->mode, nstreams, &ignore) != SIM_OK)
		return -1;   /* base alone fails: no single value is to blame */
	for (int i = 0; i < nnames; i++) {
		int rc;
		if (cfg_copy(&c, base, NULL) != SIM_OK)
			return -1;
		rc = cfg_set(c, names[i], cfg_str(p->c, names[i]), "--vary", NULL);
		if (rc == SIM_OK)
			rc = rpl_check(c, p->mode, nstreams, &ignore);
		cfg_free(c);
		if (rc != SIM_OK)
			return i;
	}
	return -1;
}

int rpl_sweep_check(const cfg *base, const struct rpl_point *const *pts, int n, const char *const *names,
		    int nnames, uint32_t nstreams, int *nbad, struct sim_err *err)
{
	struct sim_err first = { 0 }, e;
	int bad = -1, rc;

	*nbad = 0;
	for (int k = 0; k < n; k++) {
		rc = rpl_check(pts[k]->c, pts[k]->mode, nstreams, &e);
		if (rc == SIM_ENOMEM)
			return sim_errf(err, rc, "%s", e.msg);
		if (rc == SIM_OK)
			continue;
		if ((*nbad)++ == 0) {
			bad = k;
			first = e;
		}
	}
	if (bad < 0)
		return SIM_OK;
	{
		const struct rpl_point *p = pts[bad];
		int i = culprit(base, p, names, nnames, nstreams);
		char tail[96];
		if (*nbad == n)
			snprintf(tail, sizeof tail, " (%s)", n == 1 ? "the only point" : "every point fails");
		else
			snprintf(tail, sizeof tail, " (%d of the %d points %s)", *nbad, n, *nbad == 1 ? "fails" : "fail");
		if (i >= 0)
			return sim_errf(err, first.code ? first.code : SIM_EINVAL, "--vary %s=%s: %s%s",
					names[i], cfg_str(p->c, names[i]), first.msg, tail);
		return sim_errf(err, first.code ? first.code : SIM_EINVAL, "point %d (%s): %s%s", bad + 1,
				p->label[0] ? p->label : "no values varied", first.msg, tail);
	}
}

/* ---------- Running: batches in worker processes ----------
 *
 * Definitions: a batch is a run of consecutive points of one task that one
 * worker of a pool (base/pool.c) replays in one shared pass; a message is
 * what that worker sends: one point's results (MSG_RESULT: rpl_results_pack,
 * struct rpl_results, its per-CPU array and its samples) or how far it is
 * (MSG_PROGRESS).
 * Invariants:
 *   (1) o->done is called in this process for each point as its results
 *       come; a batch whose worker ends without every point's is an error;
 *   (2) the pool's: at most o->jobs workers are alive; each ends with
 *       _exit, so the caller's stdio buffers and open files (HDF5) are never
 *       flushed or closed twice; every worker forked is reaped before
 *       rpl_sweep_run returns, killed first if the run stops early (error
 *       or *stop).
 */

uint64_t rpl_trace_tag(const struct trc_reader *r)
{
	const struct trc_info *info = trc_reader_info(r);
	XXH3_state_t *st = XXH3_createState();
	uint64_t h;
	if (!st)
		return 0;
	XXH3_64bits_reset(st);
	XXH3_64bits_update(st, info->config_text, strlen(info->config_text) + 1);
	XXH3_64bits_update(st, &info->nstreams, sizeof info->nstreams);
	XXH3_64bits_update(st, &info->page_size, sizeof info->page_size);
	for (uint32_t s = 0; s < info->nstreams; s++) {
		struct trc_stream_stats ss = { 0 };
		uint64_t v[4];
		trc_reader_stream_stats(r, s, &ss);
		v[0] = ss.records;
		v[1] = ss.chunks;
		v[2] = ss.raw_bytes;
		v[3] = ss.compressed_bytes;
		XXH3_64bits_update(st, v, sizeof v);
	}
	h = XXH3_64bits_digest(st);
	XXH3_freeState(st);
	return h;
}

int rpl_sweep_batch_size(int n, int jobs, int batch)
{
	int per;
	if (n < 1)
		return 1;
	if (jobs < 1)
		jobs = 1;
	per = (n + jobs - 1) / jobs;
	if (batch >= 1 && per > batch)
		per = batch;
	return per < 1 ? 1 : per;
}

enum { MSG_RESULT = 1, MSG_PROGRESS = 2 };

struct batch {
	int task, first, n;
	int got;            /* results received */
	double frac;        /* the batch's fraction done, from its progress messages */
};

/* One rpl_sweep_run: the pool's ctx. */
struct sweep {
	const struct rpl_sweep_task *tasks;
	const struct rpl_sweep_opts *o;
	struct batch *b;
	int done;           /* points received */
};

/* A worker's progress: the slowest configuration's records over the trace's. */
struct wprog {
	int fd;
	uint64_t total;     /* records in the trace */
	double last;        /* when the last message went, s */
};

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void worker_progress(void *ctx, uint64_t records, uint64_t cycles)
{
	struct wprog *w = ctx;
	double t = mono(), frac;
	if (t - w->last < 0.25 || w->total == 0)
		return;
	w->last = t;
	frac = (double)records / (double)w->total;
	if (frac > 1)
		frac = 1;
	sim_pool_send(w->fd, MSG_PROGRESS, 0, &frac, sizeof frac);
}

/* In the worker: batch k's replay, then each point's results.  Nothing is
 * freed: the worker ends when this returns. */
static int run_batch(void *ctx, int k, int fd, struct sim_err *err)
{
	const struct sweep *sw = ctx;
	const struct batch *b = &sw->b[k];
	const struct rpl_sweep_task *t = &sw->tasks[b->task];
	struct rpl_results *res = sim_calloc((size_t)b->n, sizeof *res);
	const cfg **cfgs = sim_calloc((size_t)b->n, sizeof *cfgs);
	int *modes = sim_calloc((size_t)b->n, sizeof *modes);
	trc_reader *r = NULL;
	struct wprog wp = { 0 };
	int rc;

	if (!res || !cfgs || !modes) {
		rc = sim_errf(err, SIM_ENOMEM, "out of memory");
		goto out_error;
	}
	for (int i = 0; i < b->n; i++) {
		cfgs[i] = t->points[b->first + i]->c;
		modes[i] = t->points[b->first + i]->mode;
	}
	if ((rc = trc_reader_open(&r, t->trace_path, err)) != SIM_OK)
		goto out_error;
	wp.fd = fd;
	wp.last = mono();
	for (uint32_t st = 0; st < trc_reader_info(r)->nstreams; st++) {
		struct trc_stream_stats ss = { 0 };
		if (trc_reader_stream_stats(r, st, &ss) == 0)
			wp.total += ss.records;
	}
	if ((rc = rpl_run_shared(cfgs, modes, b->n, r, res, worker_progress, &wp, err)) != SIM_OK)
		goto out_error;
	for (int i = 0; i < b->n; i++) {
		size_t len = rpl_results_wire_size(&res[i]);
		char *buf = sim_malloc(len);
		if (!buf)
			_exit(1);   /* as a worker that cannot send */
		rpl_results_pack(&res[i], buf);
		sim_pool_send(fd, MSG_RESULT, i, buf, len);
		sim_free(buf);
	}
	return SIM_OK;
out_error:
	sim_err_prefix(err, "%s", t->trace_path);
	return rc;
}

/* A message of batch k's worker: its progress, or a point's results for
 * o->done (keeps (1)). */
static int receive(void *ctx, int k, int kind, int index, const void *p, size_t len, struct sim_err *err)
{
	struct sweep *sw = ctx;
	struct batch *b = &sw->b[k];
	const char *path = sw->tasks[b->task].trace_path;
	struct rpl_results r;
	int rc;

	if (kind == MSG_PROGRESS && index == 0 && len == sizeof b->frac) {
		memcpy(&b->frac, p, len);
		return SIM_OK;
	}
	if (kind != MSG_RESULT || index < 0 || index >= b->n || len > (1u << 30))
		return sim_errf(err, SIM_EINTERNAL, "%s: a worker's message is garbled", path);
	rc = rpl_results_unpack(p, len, &r);
	if (rc == SIM_ENOMEM)
		return sim_errf(err, SIM_ENOMEM, "out of memory reading a worker's results");
	if (rc)
		return sim_errf(err, SIM_EINTERNAL, "%s: a worker's message is garbled", path);
	b->got++;
	sw->done++;
	rc = sw->o->done ? sw->o->done(sw->o->ctx, b->task, b->first + index, &r, err) : SIM_OK;
	rpl_results_free(&r);
	return rc;
}

/* Batch k's worker has ended: well only with every point's results (keeps (1)). */
static int batch_ended(void *ctx, int k, const struct sim_pool_end *e, struct sim_err *err)
{
	const struct sweep *sw = ctx;
	const struct batch *b = &sw->b[k];
	const char *path = sw->tasks[b->task].trace_path;

	if (e->error)
		return e->error;
	if (e->cut)
		return sim_errf(err, SIM_EIO, "%s: a worker's message was cut short", path);
	if (b->got == b->n && WIFEXITED(e->status) && WEXITSTATUS(e->status) == 0)
		return SIM_OK;
	if (WIFSIGNALED(e->status))
		return sim_errf(err, SIM_EIO, "%s: the worker replaying points %d-%d died (signal %d)",
				path, b->first + 1, b->first + b->n, WTERMSIG(e->status));
	return sim_errf(err, SIM_EIO, "%s: the worker replaying points %d-%d ended early "
			"(exit status %d)", path, b->first + 1, b->first + b->n,
			WIFEXITED(e->status) ? WEXITSTATUS(e->status) : -1);
}

/* The points done, counting the running batches' fractions, for o->progress. */
static void progress(void *ctx, const int *running, int nrunning)
{
	const struct sweep *sw = ctx;
	double partial = sw->done;
	for (int i = 0; i < nrunning; i++) {
		const struct batch *b = &sw->b[running[i]];
		partial += b->frac * (b->n - b->got);
	}
	sw->o->progress(sw->o->ctx, partial);
}

int rpl_sweep_run(const struct rpl_sweep_task *tasks, int ntasks, const struct rpl_sweep_opts *o,
		  struct sim_err *err)
{
	int want = o->jobs < 1 ? 1 : o->jobs, nb = 0, rc;
	struct sweep sw = { tasks, o, NULL, 0 };
	struct sim_pool_opts po = { .workers = want, .stop = o->stop, .run = run_batch,
				    .message = receive, .ended = batch_ended,
				    .tick = o->progress ? progress : NULL, .ctx = &sw };

	for (int t = 0; t < ntasks; t++)
		if (tasks[t].npoints > 0)
			nb += (tasks[t].npoints + rpl_sweep_batch_size(tasks[t].npoints, want, o->batch) - 1) /
			      rpl_sweep_batch_size(tasks[t].npoints, want, o->batch);
	if (nb == 0)
		return SIM_OK;
	sw.b = sim_calloc((size_t)nb, sizeof *sw.b);
	if (!sw.b)
		return sim_errf(err, SIM_ENOMEM, "out of memory for a sweep");
	nb = 0;
	for (int t = 0; t < ntasks; t++) {
		int per = rpl_sweep_batch_size(tasks[t].npoints, want, o->batch);
		for (int first = 0; first < tasks[t].npoints; first += per) {
			struct batch *b = &sw.b[nb++];
			b->task = t;
			b->first = first;
			b->n = tasks[t].npoints - first < per ? tasks[t].npoints - first : per;
		}
	}
	rc = sim_pool_run(nb, &po, err);
	sim_free(sw.b);
	return rc;
}
