/* Sweeps (sweep.h): --vary parsing and the cartesian product of points,
 * then running them in batches in a pool of forked worker processes that
 * send each point's results back over a pipe (NOTES below, "Running"). */
#include "replay/sweep.h"

#include <errno.h>
#include <signal.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "base/mem.h"
#include "base/worker.h"
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
 * worker replays in one shared pass; a message is what a worker writes on
 * its pipe: a header, then either one point's results (rpl_results_pack:
 * struct rpl_results, its per-CPU array and its samples) or an error text.
 * Invariants:
 *   (1) at most o->jobs workers are alive, each with its own pipe;
 *   (2) a worker writes nothing but messages to its pipe, and ends with
 *       _exit, so the caller's stdio buffers and open files (HDF5) are never
 *       flushed or closed twice;
 *   (3) every worker forked is reaped before rpl_sweep_run returns, killed
 *       first if the run stops early (error or *stop).
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

enum { MSG_RESULT = 1, MSG_ERROR = 2, MSG_PROGRESS = 3 };

struct msg_hdr {
	int32_t kind;
	int32_t point;      /* index in the batch (MSG_PROGRESS: 0) */
	int32_t code;       /* MSG_ERROR: the SIM_E* code */
	uint32_t len;       /* payload bytes (MSG_PROGRESS: a double, the batch's fraction done) */
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

/* 1: n bytes read; 0: end of file before the first byte; -1: error or a short read. */
static int read_all(int fd, void *buf, size_t n)
{
	char *p = buf;
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, p + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			return got ? -1 : 0;
		got += (size_t)r;
	}
	return 1;
}

static void worker_progress(void *ctx, uint64_t records, uint64_t cycles)
{
	struct wprog *w = ctx;
	struct msg_hdr h = { MSG_PROGRESS, 0, 0, sizeof(double) };
	double t = mono(), frac;
	if (t - w->last < 0.25 || w->total == 0)
		return;
	w->last = t;
	frac = (double)records / (double)w->total;
	if (frac > 1)
		frac = 1;
	if (sim_write_all(w->fd, &h, sizeof h) || sim_write_all(w->fd, &frac, sizeof frac))
		_exit(1);   /* the caller is gone */
}

/* The worker: never returns (keeps (2)). */
static void worker(const struct rpl_sweep_task *t, int first, int n, int fd, pid_t parent)
{
	struct sim_err err = { 0 };
	struct msg_hdr h = { 0 };
	struct rpl_results *res = NULL;
	const cfg **cfgs = NULL;
	int *modes = NULL;
	trc_reader *r = NULL;
	struct wprog wp = { 0 };
	int rc;

	/* the caller's handlers are not ours; the fork blocked signals (see rpl_sweep_run) */
	if (sim_worker_begin(parent))
		_exit(1);
	res = sim_calloc((size_t)n, sizeof *res);
	cfgs = sim_calloc((size_t)n, sizeof *cfgs);
	modes = sim_calloc((size_t)n, sizeof *modes);
	if (!res || !cfgs || !modes) {
		rc = sim_errf(&err, SIM_ENOMEM, "out of memory");
		goto out_error;
	}
	for (int i = 0; i < n; i++) {
		cfgs[i] = t->points[first + i]->c;
		modes[i] = t->points[first + i]->mode;
	}
	if ((rc = trc_reader_open(&r, t->trace_path, &err)) != SIM_OK)
		goto out_error;
	wp.fd = fd;
	wp.last = mono();
	for (uint32_t st = 0; st < trc_reader_info(r)->nstreams; st++) {
		struct trc_stream_stats ss = { 0 };
		if (trc_reader_stream_stats(r, st, &ss) == 0)
			wp.total += ss.records;
	}
	if ((rc = rpl_run_shared(cfgs, modes, n, r, res, worker_progress, &wp, &err)) != SIM_OK)
		goto out_error;
	for (int i = 0; i < n; i++) {
		size_t len = rpl_results_wire_size(&res[i]);
		char *buf = sim_malloc(len);
		if (!buf)
			_exit(1);
		rpl_results_pack(&res[i], buf);
		h.kind = MSG_RESULT;
		h.point = i;
		h.len = (uint32_t)len;
		if (sim_write_all(fd, &h, sizeof h) || sim_write_all(fd, buf, len))
			_exit(1);
		sim_free(buf);
	}
	_exit(0);
out_error:
	sim_err_prefix(&err, "%s", t->trace_path);
	h.kind = MSG_ERROR;
	h.code = rc;
	h.len = (uint32_t)strlen(err.msg);
	if (sim_write_all(fd, &h, sizeof h) == 0)
		sim_write_all(fd, err.msg, h.len);
	_exit(1);
}

struct batch { int task, first, n; };

struct slot {
	pid_t pid;         /* 0: free */
	int fd;
	struct batch b;
	int got;           /* results received */
	double frac;       /* the batch's fraction done, from its progress messages */
};

static void reap(struct slot *s, int *status)
{
	int st = 0;
	close(s->fd);
	while (waitpid(s->pid, &st, 0) < 0 && errno == EINTR)
		;
	if (status)
		*status = st;
	s->pid = 0;
}

static void kill_all(struct slot *sl, int n)
{
	for (int i = 0; i < n; i++)
		if (sl[i].pid > 0)
			kill(sl[i].pid, SIGTERM);
	for (int i = 0; i < n; i++)
		if (sl[i].pid > 0)
			reap(&sl[i], NULL);
}

/* Reads one message of slot s; returns 0 (go on), 1 (the worker is done and
 * reaped) or an error code (the worker is reaped). */
static int receive(const struct rpl_sweep_task *tasks, struct slot *s, const struct rpl_sweep_opts *o,
		   struct sim_err *err)
{
	const struct rpl_sweep_task *t = &tasks[s->b.task];
	struct msg_hdr h;
	char *buf = NULL;
	int got = read_all(s->fd, &h, sizeof h), st, rc = SIM_OK;

	if (got == 0) {   /* end of the pipe: the worker has ended */
		reap(s, &st);
		if (s->got == s->b.n && WIFEXITED(st) && WEXITSTATUS(st) == 0)
			return 1;
		if (WIFSIGNALED(st))
			return sim_errf(err, SIM_EIO, "%s: the worker replaying points %d-%d died (signal %d)",
					t->trace_path, s->b.first + 1, s->b.first + s->b.n, WTERMSIG(st));
		return sim_errf(err, SIM_EIO, "%s: the worker replaying points %d-%d ended early "
				"(exit status %d)", t->trace_path, s->b.first + 1, s->b.first + s->b.n,
				WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	}
	if (got < 0 || h.len > (1u << 30) || h.point < 0 || h.point >= s->b.n ||
	    (h.kind != MSG_RESULT && h.kind != MSG_ERROR && h.kind != MSG_PROGRESS) ||
	    (h.kind == MSG_PROGRESS && h.len != sizeof(double))) {
		rc = sim_errf(err, SIM_EINTERNAL, "%s: a worker's message is garbled", t->trace_path);
		goto out_reap;
	}
	buf = sim_malloc(h.len + 1);
	if (!buf) {
		rc = sim_errf(err, SIM_ENOMEM, "out of memory reading a worker's results");
		goto out_reap;
	}
	if (h.len && read_all(s->fd, buf, h.len) != 1) {
		rc = sim_errf(err, SIM_EIO, "%s: a worker's message was cut short", t->trace_path);
		goto out_reap;
	}
	if (h.kind == MSG_PROGRESS) {
		memcpy(&s->frac, buf, sizeof s->frac);
		sim_free(buf);
		return SIM_OK;
	}
	if (h.kind == MSG_ERROR) {
		buf[h.len] = '\0';
		rc = sim_errf(err, h.code ? h.code : SIM_EIO, "%s", buf);
		goto out_reap;
	} else {
		struct rpl_results r;
		rc = rpl_results_unpack(buf, h.len, &r);
		if (rc == SIM_ENOMEM) {
			rc = sim_errf(err, SIM_ENOMEM, "out of memory reading a worker's results");
			goto out_reap;
		}
		if (rc) {
			rc = sim_errf(err, SIM_EINTERNAL, "%s: a worker's message is garbled", t->trace_path);
			goto out_reap;
		}
		s->got++;
		rc = o->done ? o->done(o->ctx, s->b.task, s->b.first + h.point, &r, err) : SIM_OK;
		rpl_results_free(&r);
		sim_free(buf);
		if (rc) {
			kill(s->pid, SIGTERM);
			reap(s, NULL);
		}
		return rc;
	}
out_reap:
	sim_free(buf);
	kill(s->pid, SIGTERM);
	reap(s, NULL);
	return rc;
}

int rpl_sweep_run(const struct rpl_sweep_task *tasks, int ntasks, const struct rpl_sweep_opts *o,
		  struct sim_err *err)
{
	int want = o->jobs < 1 ? 1 : o->jobs, jobs = want, nb = 0, pipe_set = 0, next = 0, running = 0, rc = SIM_OK;
	struct batch *b = NULL;
	struct slot *sl = NULL;
	struct pollfd *pf = NULL;
	int *pslot = NULL;
	pid_t self = getpid();
	sigset_t block, oldmask;
	int done = 0;   /* points received */
	struct sigaction ign, old_pipe;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGALRM);

	for (int t = 0; t < ntasks; t++)
		if (tasks[t].npoints > 0)
			nb += (tasks[t].npoints + rpl_sweep_batch_size(tasks[t].npoints, want, o->batch) - 1) /
			      rpl_sweep_batch_size(tasks[t].npoints, want, o->batch);
	if (nb == 0)
		return SIM_OK;
	if (jobs > nb)
		jobs = nb;
	b = sim_calloc((size_t)nb, sizeof *b);
	sl = sim_calloc((size_t)jobs, sizeof *sl);
	pf = sim_calloc((size_t)jobs, sizeof *pf);
	pslot = sim_calloc((size_t)jobs, sizeof *pslot);
	if (!b || !sl || !pf || !pslot) {
		rc = sim_errf(err, SIM_ENOMEM, "out of memory for a sweep");
		goto out_free;
	}
	nb = 0;
	for (int t = 0; t < ntasks; t++) {
		int per = rpl_sweep_batch_size(tasks[t].npoints, want, o->batch);
		for (int first = 0; first < tasks[t].npoints; first += per) {
			b[nb].task = t;
			b[nb].first = first;
			b[nb].n = tasks[t].npoints - first < per ? tasks[t].npoints - first : per;
			nb++;
		}
	}
	/* a dead worker is seen on its pipe, not by a signal (restored at the end) */
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &old_pipe);
	pipe_set = 1;
	for (;;) {
		int np = 0, pr;
		/* start workers: keeps (1) */
		for (int i = 0; i < jobs && next < nb && !(o->stop && *o->stop); i++) {
			int fds[2];
			pid_t pid;
			if (sl[i].pid)
				continue;
			if (pipe(fds) != 0) {
				rc = sim_errf(err, SIM_EIO, "cannot create a pipe: %s", strerror(errno));
				goto out_kill;
			}
			fflush(NULL);
			/* signals wait until the worker has its own handlers */
			sigprocmask(SIG_BLOCK, &block, &oldmask);
			pid = fork();
			if (pid != 0)
				sigprocmask(SIG_SETMASK, &oldmask, NULL);
			if (pid < 0) {
				close(fds[0]);
				close(fds[1]);
				rc = sim_errf(err, SIM_EIO, "cannot start a worker: %s", strerror(errno));
				goto out_kill;
			}
			if (pid == 0) {
				close(fds[0]);
				for (int k = 0; k < jobs; k++)
					if (sl[k].pid)
						close(sl[k].fd);
				worker(&tasks[b[next].task], b[next].first, b[next].n, fds[1], self);
			}
			close(fds[1]);
			fcntl(fds[0], F_SETFD, FD_CLOEXEC);
			sl[i] = (struct slot){ .pid = pid, .fd = fds[0], .b = b[next] };
			next++;
			running++;
		}
		if (running == 0) {
			if (next < nb)   /* stopped before every batch started */
				rc = sim_errf(err, SIM_EIO, "interrupted");
			break;
		}
		for (int i = 0; i < jobs; i++)
			if (sl[i].pid) {
				pf[np].fd = sl[i].fd;
				pf[np].events = POLLIN;
				pf[np].revents = 0;
				pslot[np++] = i;
			}
		pr = poll(pf, (nfds_t)np, 200);
		if (o->stop && *o->stop) {
			rc = sim_errf(err, SIM_EIO, "interrupted");
			goto out_kill;
		}
		if (pr < 0 && errno != EINTR) {
			rc = sim_errf(err, SIM_EIO, "waiting for the workers: %s", strerror(errno));
			goto out_kill;
		}
		for (int k = 0; pr > 0 && k < np; k++) {
			struct slot *s = &sl[pslot[k]];
			if (!(pf[k].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			int before = s->got;
			rc = receive(tasks, s, o, err);
			done += s->got - before;
			if (rc == 1) {
				running--;
				rc = SIM_OK;
			} else if (rc != SIM_OK) {
				running--;
				goto out_kill;
			}
		}
		if (o->progress) {
			double partial = done;
			for (int i = 0; i < jobs; i++)
				if (sl[i].pid)
					partial += sl[i].frac * (sl[i].b.n - sl[i].got);
			o->progress(o->ctx, partial);
		}
	}
	goto out_free;
out_kill:
	kill_all(sl, jobs);   /* keeps (3) */
out_free:
	if (pipe_set)
		sigaction(SIGPIPE, &old_pipe, NULL);
	sim_free(b);
	sim_free(sl);
	sim_free(pf);
	sim_free(pslot);
	return rc;
}
