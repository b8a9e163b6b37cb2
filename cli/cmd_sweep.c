/* disco sweep TRACE...: replay traces over the cartesian product of parameter
 * values into one sweep file; or write the points as batch jobs, or merge
 * the jobs' files. */
#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analysis/report.h"
#include "analysis/results.h"
#include "analysis/sweep.h"
#include "base/cpus.h"
#include "base/mem.h"
#include "base/outfile.h"
#include "cli/cli.h"
#include "replay/replay.h"
#include "replay/sweep.h"
#include "traces/trace.h"


static const char usage[] =
	"usage: disco sweep TRACE... --vary name=v1,v2,... [--vary name=lo:hi:step|lo:hi:*k ...]\n"
	"                   [--mode native|disco|uma|plain] [--policy kind=name ...] [--set name=value ...]\n"
	"                   [--config FILE] [--seeds N] [-j N] [--batch N] -o SWEEP.h5\n"
	"       disco sweep TRACE... --vary ... --emit-jobs DIR      (write batch jobs, run nothing)\n"
	"       disco sweep --merge DIR -o SWEEP.h5                  (gather the jobs' files)\n"
	"\n"
	"Replay each trace under every combination of the --vary values (the\n"
	"cartesian product), times --seeds replicas (seed k sets machine.tlb.seed to\n"
	"the base value + k).  Each trace's configuration is built as for disco\n"
	"replay: the trace's own, then --config, --set and --policy in order, then\n"
	"the point's values.  Points of one trace share passes: a worker replays a\n"
	"batch of points decoding the trace once.  Points that differ only in the\n"
	"monitor's parameters (monitor.*, policy.l2tlb*, policy.sched) in a mode\n"
	"without the monitor (native, uma) are replayed once; each is still written.\n"
	"\n"
	"Finished points are written to SWEEP.h5 every second, as runs named\n"
	"p<hash of the configuration>-<trace fingerprint>; rerunning the same command\n"
	"after an interruption skips the points already there.  At the end the\n"
	"table `sweep` (one row per point; with --seeds, mean, sd and 95% CI per\n"
	"figure) is rewritten; analysis/RESULTS.md gives its layout.\n"
	"\n"
	"  --vary name=v1,v2   values of one parameter (lo:hi:step for a numeric range,\n"
	"                      lo:hi:*k for lo, lo*k, lo*k*k, ... up to hi)\n"
	"  --seeds N           N replicas of each point (N >= 2 gives confidence intervals)\n"
	"  -j, --jobs N        worker processes (default: the CPUs this process may\n"
	"                      use, which taskset and a Slurm allocation set)\n"
	"  --batch N           most points in one shared pass (default 8, and at most\n"
	"                      points / N, so every worker has some): a point is\n"
	"                      written (within a second) when its batch ends, so\n"
	"                      smaller batches lose less to an interruption and\n"
	"                      larger ones decode the trace less; with --emit-jobs,\n"
	"                      the points of one job (default 1), in one pass\n"
	"  -o FILE             the sweep file (HDF5), created or completed\n"
	"  --emit-jobs DIR     write DIR/jobs.txt (one disco sweep command per point, or\n"
	"                      per --batch points, each writing DIR/points/KEY.h5;\n"
	"                      every path absolute) and DIR/sweep.slurm (a Slurm job\n"
	"                      array running line $SLURM_ARRAY_TASK_ID); every point\n"
	"                      is checked first, and one the model cannot take\n"
	"                      writes nothing\n"
	"  --merge DIR         add every DIR/points/*.h5 to -o FILE and write its table\n"
	"  --only KEY,...      run only the points with these run names (jobs use it)\n"
	"  --table             print the sweep table at the end\n"
	"  --quiet             no summary line\n";

#define SEED_PARAM "machine.tlb.seed"   /* --seeds varies it */

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

struct trace_pts {
	const char *path;
	cfg *base;
	struct rpl_point *pts;
	int npts;
	uint64_t tag;
	uint32_t nstreams;    /* the trace's */
	char (*key)[32];      /* [npts] */
	const struct rpl_point **todo;
	char (**todo_key)[32];
	int ntodo;
	/* points the replay of another gives: a parameter that varies between
	 * them does not matter in the trace's mode (rpl_param_matters) */
	const struct rpl_point **copy;
	char (**copy_key)[32];
	int *copy_of;         /* index in todo of the point replayed for it */
	int ncopies;
};

/* Points are added to the sweep file in one session (analysis/results.h):
 * the file is read and checked once, and each commit writes it whole, so
 * committing every point would cost the file's size per point.  A commit
 * comes once a second, or, once the file is large, once COMMIT_RATIO times
 * the last commit's time has passed, so commits take at most about
 * 1/COMMIT_RATIO of a sweep however large its file grows (and at the end);
 * that bounds what a kill -9 loses. */
#define COMMIT_SECONDS 1.0
#define COMMIT_RATIO 10.0

struct progress {
	const char *out;
	struct trace_pts *tp;
	int total, done;      /* done: points committed to the file */
	size_t expect;        /* the runs a new file is made for (an_open_expect) */
	an_file *f;           /* the open session, NULL if none */
	int added;            /* points added since the last commit */
	double start, committed, last_line;
	double commit_s;      /* the last commit's wall time, in seconds */
	int shown;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Write the open session's points to the file (if any), and end the
 * session if last. */
static int commit(struct progress *p, int last, struct sim_err *err)
{
	double t0 = now();
	int rc;
	if (!p->f)
		return SIM_OK;
	if (last) {
		rc = an_close(p->f, err);
		p->f = NULL;
	} else
		rc = an_commit(p->f, err);
	if (rc == SIM_OK)
		p->done += p->added;
	p->added = 0;
	p->committed = now();
	p->commit_s = p->committed - t0;
	return rc;
}

static int on_point(void *ctx, int task, int point, const struct rpl_results *r, struct sim_err *err)
{
	struct progress *p = ctx;
	struct trace_pts *t = &p->tp[task];
	int rc;
	if (!p->f && (rc = an_open_expect(&p->f, p->out, AN_APPEND, p->expect, err)) != SIM_OK)
		return rc;
	if ((rc = an_add_run(p->f, *t->todo_key[point], t->todo[point]->c, r, t->path, err)) != SIM_OK)
		return rc;
	p->added++;
	for (int k = 0; k < t->ncopies; k++) {
		if (t->copy_of[k] != point)
			continue;
		if ((rc = an_add_run(p->f, *t->copy_key[k], t->copy[k]->c, r, t->path, err)) != SIM_OK)
			return rc;
		p->added++;
	}
	if (now() - p->committed >= fmax(COMMIT_SECONDS, COMMIT_RATIO * p->commit_s))
		return commit(p, 0, err);
	return SIM_OK;
}

/* The progress line: points written, rate and time left from the points done
 * including the running batches' fractions. */
static void on_progress(void *ctx, double points)
{
	struct progress *p = ctx;
	double el = now() - p->start, rate = el > 0 ? points / el : 0;
	int due = cli_progress_due(&p->last_line);
	if (!due)
		return;
	fprintf(stderr, "%ssweep: %d/%d points written, %.2f points/s, ", due == 2 ? "\r\033[K" : "",
		p->done, p->total, rate);
	if (rate > 0)
		fprintf(stderr, "%.0f s left", (p->total - points) / rate);
	else
		fprintf(stderr, "time left not known yet");
	if (due == 1)
		fputc('\n', stderr);
	p->shown = due == 2;
}

/* Replay once the points of t->todo that differ only in parameters that
 * do not matter in their mode: each later one becomes a copy of the first. */
static int share_replays(struct trace_pts *t, struct sim_err *err)
{
	uint64_t *h;
	int n = 0;
	if (t->ntodo < 2 || t->todo[0]->mode == RPL_DISCO)
		return SIM_OK;
	if (!(h = sim_calloc((size_t)t->ntodo, sizeof *h)))
		return sim_errf(err, SIM_ENOMEM, "out of memory");
	for (int j = 0; j < t->ntodo; j++) {
		int rep = -1;
		h[n] = rpl_effective_hash(t->todo[j]->c, t->todo[j]->mode);
		for (int i = 0; i < n && rep < 0 && h[n]; i++)
			if (h[i] == h[n])
				rep = i;
		if (rep >= 0) {
			t->copy[t->ncopies] = t->todo[j];
			t->copy_key[t->ncopies] = t->todo_key[j];
			t->copy_of[t->ncopies++] = rep;
			continue;
		}
		t->todo[n] = t->todo[j];
		t->todo_key[n] = t->todo_key[j];
		n++;
	}
	t->ntodo = n;
	sim_free(h);
	return SIM_OK;
}

/* A word for the shell: single-quoted unless plain. */
static void shq(FILE *f, const char *s)
{
	if (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+=.,:/@%") == strlen(s)) {
		fputs(s, f);
		return;
	}
	fputc('\'', f);
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	fputc('\'', f);
}

static const char *opt_name(int opt)
{
	return opt == CLI_OPT_SET ? "--set" : opt == CLI_OPT_CONFIG ? "--config" : "--policy";
}

/* SIM_EINVAL if s holds a line break: quoting cannot keep it inside one line
 * of jobs.txt, and the rest would run as a command of its own. */
static int one_line(const char *what, const char *s, struct sim_err *err)
{
	if (strpbrk(s, "\n\r"))
		return sim_errf(err, SIM_EINVAL, "--emit-jobs: %s contains a line break, which cannot be "
				"written into a one-line job; rename it", what);
	return SIM_OK;
}

/* An #SBATCH line is split into words by Slurm, not by sh: a word may be
 * quoted with " or ', with no escapes inside, and in a file name % starts a
 * pattern (%% is a %) and a backslash turns the patterns off.  SIM_EINVAL if
 * the jobs folder cannot be written so. */
static int sbatch_quotable(const char *dir, struct sim_err *err)
{
	if (strchr(dir, '\\') || (strchr(dir, '"') && strchr(dir, '\'')))
		return sim_errf(err, SIM_EINVAL, "--emit-jobs: the jobs folder %s holds %s, which an "
				"#SBATCH line of sweep.slurm cannot; choose another folder", dir,
				strchr(dir, '\\') ? "a backslash" : "both kinds of quotes");
	return SIM_OK;
}

/* dir + tail as one word of an #SBATCH line (sbatch_quotable holds). */
static void sbatch_path(FILE *f, const char *dir, const char *tail)
{
	char q = strchr(dir, '"') ? '\'' : '"';
	fputc(q, f);
	for (const char *s = dir; *s; s++) {
		if (*s == '%')
			fputc('%', f);
		fputc(*s, f);
	}
	fputs(tail, f);
	fputc(q, f);
}

/* The absolute form of path, which exists, into buf (PATH_MAX bytes). */
static int absolute(const char *what, const char *path, char *buf, struct sim_err *err)
{
	if (!realpath(path, buf))
		return sim_errf(err, errno == ENOENT ? SIM_EINVAL : SIM_EIO, "--emit-jobs: %s %s: %s", what,
				path, strerror(errno));
	return SIM_OK;
}

/* DIR/sweep.slurm (adir absolute): a Slurm job array of n tasks, task i
 * running line i of DIR/jobs.txt. */
static int write_slurm(const char *adir, int n, struct sim_err *err)
{
	char path[PATH_MAX + 64];
	sim_out *o;
	FILE *f;
	int rc;

	snprintf(path, sizeof path, "%s/sweep.slurm", adir);
	if ((rc = sim_out_open(&o, path, err)) != SIM_OK)
		return rc;
	if (!(f = sim_out_stream(o, err))) {
		sim_out_abort(o);
		return err->code ? err->code : SIM_EIO;
	}
	fprintf(f, "#!/bin/sh\n"
		   "# A Slurm job array over the points of a disco sweep: task i runs line i\n"
		   "# of jobs.txt, which writes points/KEY.h5.  Submit with\n"
		   "#   sbatch %s/sweep.slurm\n"
		   "# and when every task is done, gather the points with\n"
		   "#   disco sweep --merge %s -o SWEEP.h5\n"
		   "# Every path in jobs.txt is absolute: a task may start in any folder.\n"
		   "#SBATCH --job-name=disco-sweep\n"
		   "#SBATCH --array=1-%d\n"
		   "#SBATCH --ntasks=1\n"
		   "#SBATCH --cpus-per-task=1\n"
		   "#SBATCH --output=", adir, adir, n);
	sbatch_path(f, adir, "/logs/%A_%a.log");
	fputs("\nset -eu\n", f);
	fputs("line=$(sed -n \"${SLURM_ARRAY_TASK_ID}p\" ", f);
	snprintf(path, sizeof path, "%s/jobs.txt", adir);
	shq(f, path);
	fputs(")\n[ -n \"$line\" ] || { echo \"no job line $SLURM_ARRAY_TASK_ID\" >&2; exit 2; }\n"
	      "exec sh -c \"$line\"\n", f);
	fchmod(sim_out_fd(o), 0755);
	return sim_out_commit(o, err);
}

/* Write DIR/jobs.txt and DIR/sweep.slurm; returns the job count or -1.
 * Every path in them is absolute (the traces, --config files, the outputs,
 * disco itself): a job runs wherever and from whatever folder the batch
 * system starts it.  adir receives the jobs folder's absolute path. */
static int emit_jobs(const char *dir, struct trace_pts *tp, int ntp, const char *mode_arg,
		     const struct cli_cfg_ops *ops, char *const *vary, int nvary, int nseeds, int per_job,
		     char adir[PATH_MAX], struct sim_err *err)
{
	char path[PATH_MAX + 64], self[PATH_MAX];
	struct stat st;
	char (*trace)[PATH_MAX] = NULL, (*arg)[PATH_MAX] = NULL;
	ssize_t sl;
	sim_out *o;
	FILE *f;
	int n = 0, bad = SIM_OK;

	trace = sim_calloc((size_t)ntp, sizeof *trace);
	arg = sim_calloc((size_t)ops->n + 1, sizeof *arg);
	if (!trace || !arg) {
		sim_errf(err, SIM_ENOMEM, "out of memory");
		goto fail;
	}
	for (int t = 0; t < ntp && !bad; t++)
		if (!(bad = absolute("trace", tp[t].path, trace[t], err)))
			bad = one_line("a trace path", trace[t], err);
	for (int i = 0; i < ops->n && !bad; i++) {
		const char *a = ops->op[i].arg;
		/* a --config file (cfg_load: a readable file, else a preset's name) */
		if (ops->op[i].opt == CLI_OPT_CONFIG && access(a, R_OK) == 0)
			bad = absolute("--config", a, arg[i], err);
		else if (strlen(a) < sizeof arg[i])
			strcpy(arg[i], a);
		else
			bad = sim_errf(err, SIM_EINVAL, "--emit-jobs: an argument of %s is longer than %d bytes",
				       opt_name(ops->op[i].opt), PATH_MAX - 1);
		if (!bad)
			bad = one_line("a --set, --config or --policy argument", arg[i], err);
	}
	for (int i = 0; i < nvary && !bad; i++)
		bad = one_line("a --vary argument", vary[i], err);
	if (!bad && mode_arg)
		bad = one_line("--mode", mode_arg, err);
	if (!bad)
		bad = one_line("the jobs folder", dir, err);
	if (!bad)
		bad = sbatch_quotable(dir, err);
	if (bad)
		goto fail;
	sl = readlink("/proc/self/exe", self, sizeof self - 1);
	if (sl <= 0) {
		sim_errf(err, SIM_EIO, "--emit-jobs: cannot find the path of disco itself (/proc/self/exe): %s",
			 sl < 0 ? strerror(errno) : "empty");
		goto fail;
	}
	self[sl] = '\0';
	if (one_line("the path of disco", self, err))
		goto fail;
	if ((mkdir(dir, 0777) != 0 && errno != EEXIST) || !realpath(dir, adir)) {
		sim_errf(err, SIM_EIO, "%s: %s", dir, strerror(errno));
		goto fail;
	}
	if (stat(adir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		sim_errf(err, SIM_EINVAL, "--emit-jobs %s: not a folder (the jobs go into a folder)", dir);
		goto fail;
	}
	if (one_line("the jobs folder", adir, err) || sbatch_quotable(adir, err))
		goto fail;
	snprintf(path, sizeof path, "%s/points", adir);
	if (mkdir(path, 0777) != 0 && errno != EEXIST) {
		sim_errf(err, SIM_EIO, "%s: %s", path, strerror(errno));
		goto fail;
	}
	snprintf(path, sizeof path, "%s/logs", adir);
	mkdir(path, 0777);

	snprintf(path, sizeof path, "%s/jobs.txt", adir);
	if (sim_out_open(&o, path, err) != SIM_OK)
		goto fail;
	if (!(f = sim_out_stream(o, err))) {
		sim_out_abort(o);
		goto fail;
	}
	for (int t = 0; t < ntp; t++)
		for (int k = 0; k < tp[t].npts; k += per_job) {
			char out[PATH_MAX + 64];
			shq(f, self);
			fputs(" sweep ", f);
			shq(f, trace[t]);
			if (mode_arg) {
				fputs(" --mode ", f);
				shq(f, mode_arg);
			}
			for (int i = 0; i < ops->n; i++) {
				fprintf(f, " %s ", opt_name(ops->op[i].opt));
				shq(f, arg[i]);
			}
			for (int i = 0; i < nvary; i++) {
				fputs(" --vary ", f);
				shq(f, vary[i]);
			}
			if (nseeds > 1)
				fprintf(f, " --seeds %d", nseeds);
			/* a job's points are replayed in one pass into the first's file */
			fprintf(f, " --only %s", tp[t].key[k]);
			for (int i = k + 1; i < k + per_job && i < tp[t].npts; i++)
				fprintf(f, ",%s", tp[t].key[i]);
			if (per_job > 1)
				fprintf(f, " --batch %d", per_job);
			fputs(" -j 1 --quiet -o ", f);
			snprintf(out, sizeof out, "%s/points/%s.h5", adir, tp[t].key[k]);
			shq(f, out);
			fputc('\n', f);
			n++;
		}
	if (sim_out_commit(o, err) != SIM_OK)
		goto fail;

	if (write_slurm(adir, n, err) != SIM_OK)
		goto fail;
	sim_free(trace);
	sim_free(arg);
	return n;
fail:
	sim_free(trace);
	sim_free(arg);
	return -1;
}

/* A merge's progress on stderr: the point files read and the runs added,
 * then the writing of the file (a large merge's last seconds). */
struct merge_prog {
	double last;
	int lines;   /* lines printed */
	int shown;   /* a line is on the terminal, to be cleared */
};

static void merge_progress(void *ctx, int done, int nin, int added)
{
	struct merge_prog *m = ctx;
	int due = cli_progress_due(&m->last);
	/* in a log, the writing is said when the reading was: a short merge is silent */
	if (!due && !(done == nin && m->lines))
		return;
	m->lines++;
	fprintf(stderr, "%smerge: %d of %d point files read, %d runs added%s%s", due == 2 ? "\r" : "", done, nin,
		added, done == nin ? "; writing the file" : "", due == 2 ? "\033[K" : "\n");
	m->shown = due == 2;
}

static int merge(const char *dir, const char *out, int quiet, int show_table)
{
	struct merge_prog mp = { 0 };
	struct sim_err err = { 0 };
	char *pat = sim_malloc(2 * strlen(dir) + 16), *p;
	glob_t g;
	cfg *proto = NULL;
	int added = 0, present = 0, rows = 0, rc;

	if (!(p = pat)) {
		fprintf(stderr, "disco sweep: out of memory\n");
		return 1;
	}
	for (const char *d = dir; *d; d++) {   /* the folder's name is not a pattern */
		if (strchr("*?[\\", *d))
			*p++ = '\\';
		*p++ = *d;
	}
	strcpy(p, "/points/*.h5");
	rc = glob(pat, 0, NULL, &g);
	sim_free(pat);
	if (rc == GLOB_NOMATCH || (rc == 0 && g.gl_pathc == 0)) {
		fprintf(stderr, "disco sweep: %s: no point files (points/*.h5) to merge\n", dir);
		return 2;
	}
	if (rc != 0) {
		fprintf(stderr, "disco sweep: %s: cannot list the point files\n", dir);
		return 1;
	}
	rc = cli_new_cfg(&proto, &err);
	if (rc == SIM_OK)
		rc = an_sweep_merge(out, (const char *const *)g.gl_pathv, (int)g.gl_pathc, proto, &added,
				    &present, &rows, quiet ? NULL : merge_progress, &mp, &err);
	if (mp.shown)
		fprintf(stderr, "\r\033[K");
	if (rc != SIM_OK) {
		cfg_free(proto);
		globfree(&g);
		return cli_fail("sweep", &err);
	}
	if (!quiet)
		printf("merged %zu point files into %s: %d runs added, %d already there; table: %d rows\n",
		       g.gl_pathc, out, added, present, rows);
	globfree(&g);
	cfg_free(proto);
	if (show_table && cli_sweep_print_table(stdout, out, 0, NULL, &err) != SIM_OK)
		return cli_fail("sweep", &err);
	return 0;
}

struct key_ref {
	const char *key;
	int trace, point;
};

static int cmp_key_ref(const void *a, const void *b)
{
	const struct key_ref *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : x->trace != y->trace ? x->trace - y->trace : x->point - y->point;
}

/* SIM_EINVAL if two points are one run (same configuration and trace
 * contents): a value given twice (1M and 1024K), or one trace given twice
 * (or a copy of it).  Checked before any work; the run names are unique in
 * the sweep file. */
static int distinct_points(const struct trace_pts *tp, int ntp, struct sim_err *err)
{
	struct key_ref *k;
	size_t n = 0;
	int rc = SIM_OK;
	for (int t = 0; t < ntp; t++)
		n += (size_t)tp[t].npts;
	if (!(k = sim_calloc(n + 1, sizeof *k)))
		return sim_errf(err, SIM_ENOMEM, "out of memory");
	n = 0;
	for (int t = 0; t < ntp; t++)
		for (int p = 0; p < tp[t].npts; p++)
			k[n++] = (struct key_ref){ tp[t].key[p], t, p };
	qsort(k, n, sizeof *k, cmp_key_ref);
	for (size_t i = 1; i < n && rc == SIM_OK; i++) {
		const struct key_ref *a = &k[i - 1], *b = &k[i];
		if (strcmp(a->key, b->key))
			continue;
		if (a->trace != b->trace)
			rc = sim_errf(err, SIM_EINVAL, "traces %d and %d have the same contents (run '%s' "
				      "twice); give each trace once", a->trace + 1, b->trace + 1, a->key);
		else
			rc = sim_errf(err, SIM_EINVAL, "points %d and %d of the sweep are the same "
				      "configuration (run '%s' twice): is a --vary value given twice "
				      "(such as 1M and 1024K)?", a->point + 1, b->point + 1, a->key);
	}
	sim_free(k);
	return rc;
}

/* The names of nvary "name=values" options into names[] (malloc'd; free
 * each, set or not, with sim_free). */
static int vary_names(char **names, char *const *vary_arg, int nvary, struct sim_err *err)
{
	for (int i = 0; i < nvary; i++) {
		size_t len = strcspn(vary_arg[i], "=");
		if (!(names[i] = sim_malloc(len + 1)))
			return sim_errf(err, SIM_ENOMEM, "out of memory");
		memcpy(names[i], vary_arg[i], len);
		names[i][len] = '\0';
	}
	return SIM_OK;
}

/* SIM_EINVAL, naming the trace and the value at fault, unless every one
 * of pts can start a replay of t (rpl_sweep_check): a value the parameter
 * table accepts but the model does not is refused before any work. */
static int check_points(const struct trace_pts *t, const struct rpl_point *const *pts, int n,
			char *const *vary_arg, int nvary, struct sim_err *err)
{
	char *names[64] = { 0 };
	int nbad, rc = vary_names(names, vary_arg, nvary, err);
	if (rc == SIM_OK &&
	    (rc = rpl_sweep_check(t->base, pts, n, (const char *const *)names, nvary, t->nstreams, &nbad,
				  err)) != SIM_OK)
		sim_err_prefix(err, "%s", t->path);
	for (int i = 0; i < nvary; i++)
		sim_free(names[i]);
	return rc;
}

static int has_key(const char *list, const char *key)
{
	size_t n = strlen(key);
	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, ",");
		if (len == n && !strncmp(p, key, n))
			return 1;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* --vary options that cannot go together: a name given twice, or the seed
 * with --seeds.  0, or the usage error's exit status. */
static int check_vary_args(char *const *vary_arg, int nvary, int nseeds)
{
	for (int i = 0; i < nvary; i++) {
		size_t len = strcspn(vary_arg[i], "=");
		if (nseeds > 1 && len == strlen(SEED_PARAM) && !strncmp(vary_arg[i], SEED_PARAM, len))
			return cli_usage_error("sweep", "--vary %s and --seeds both set the seed; give one",
					       SEED_PARAM);
		for (int j = 0; j < i; j++)
			if (strcspn(vary_arg[j], "=") == len && !strncmp(vary_arg[i], vary_arg[j], len))
				return cli_usage_error("sweep", "--vary %.*s is given twice; give all its values "
						       "in one (name=v1,v2,...)", (int)len, vary_arg[i]);
	}
	return 0;
}

struct only_ctx {
	const char *only;     /* --only KEY,... */
	uint64_t tag;         /* the trace's */
};

static int only_keep(void *ctx, uint64_t hash)
{
	const struct only_ctx *oc = ctx;
	char key[32];
	an_sweep_key(key, sizeof key, hash, oc->tag);
	return has_key(oc->only, key);
}

/* One trace's configuration, points and their keys into *t (t->path set).
 * With keep_only (--only KEY,... of a job), only the points it names get a
 * configuration of their own; every point still has its hash and label. */
static int trace_points(struct trace_pts *t, int mode_opt, const struct cli_cfg_ops *ops,
			char *const *vary_arg, int nvary, int nseeds, const char *keep_only,
			struct sim_err *err)
{
	struct rpl_vary vary[64];
	trc_reader *r;
	int mode = mode_opt, rc;
	if ((rc = trc_reader_open(&r, t->path, err)) != SIM_OK)
		return rc;
	rc = cli_trace_cfg(r, t->path, ops, &t->base, err);
	t->tag = rpl_trace_tag(r);
	t->nstreams = trc_reader_info(r)->nstreams;
	trc_reader_close(r);
	if (rc)
		return rc;
	if (mode < 0)
		mode = rpl_mode_of(t->base);
	for (int i = 0; i < nvary; i++) {
		if ((rc = rpl_vary_parse(t->base, vary_arg[i], &vary[i], err)) != SIM_OK) {
			while (i-- > 0)
				rpl_vary_free(&vary[i]);
			return rc;
		}
	}
	if (keep_only) {
		struct only_ctx oc = { keep_only, t->tag };
		rc = rpl_sweep_points_kept(t->base, mode, vary, nvary, nseeds, only_keep, &oc, &t->pts,
					   &t->npts, err);
	} else
		rc = rpl_sweep_points(t->base, mode, vary, nvary, nseeds, &t->pts, &t->npts, err);
	for (int i = 0; i < nvary; i++)
		rpl_vary_free(&vary[i]);
	if (rc)
		return rc;
	t->key = sim_calloc((size_t)t->npts, sizeof *t->key);
	t->todo = sim_calloc((size_t)t->npts, sizeof *t->todo);
	t->todo_key = sim_calloc((size_t)t->npts, sizeof *t->todo_key);
	t->copy = sim_calloc((size_t)t->npts, sizeof *t->copy);
	t->copy_key = sim_calloc((size_t)t->npts, sizeof *t->copy_key);
	t->copy_of = sim_calloc((size_t)t->npts, sizeof *t->copy_of);
	if (!t->key || !t->todo || !t->todo_key || !t->copy || !t->copy_key || !t->copy_of)
		return sim_errf(err, SIM_ENOMEM, "out of memory");
	for (int k = 0; k < t->npts; k++)
		an_sweep_key(t->key[k], sizeof t->key[k], t->pts[k].hash, t->tag);
	return SIM_OK;
}

/* Every point of every trace, before any job is written (check_points): a
 * job that cannot start would fail only once the batch system runs it. */
static int check_every_point(const struct trace_pts *tp, int ntp, char *const *vary_arg, int nvary,
			     struct sim_err *err)
{
	for (int t = 0; t < ntp; t++) {
		const struct rpl_point **all = sim_calloc((size_t)tp[t].npts, sizeof *all);
		int rc;
		if (!all)
			return sim_errf(err, SIM_ENOMEM, "out of memory");
		for (int k = 0; k < tp[t].npts; k++)
			all[k] = &tp[t].pts[k];
		rc = check_points(&tp[t], all, tp[t].npts, vary_arg, nvary, err);
		sim_free(all);
		if (rc != SIM_OK) {
			struct sim_err e = *err;
			return sim_errf(err, e.code, "%s; no job written", e.msg);
		}
	}
	return SIM_OK;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What is left to do: each trace's points (those --only names) not yet in
 * the sweep file (done_names, which it sorts), checked (check_points),
 * sharing replays where they can, as tasks[]; counts into *total, *skipped
 * and *copied. */
static int plan_todo(struct trace_pts *tp, int ntp, const char *only, char **done_names, size_t ndone,
		     char *const *vary_arg, int nvary, struct rpl_sweep_task *tasks, int *total, int *skipped,
		     int *copied, struct sim_err *err)
{
	int nonly = 0, rc;
	/* the names done, sorted: a point is looked up, not compared with each */
	if (ndone)
		qsort(done_names, ndone, sizeof *done_names, cmp_name);
	*total = 0;
	for (int t = 0; t < ntp; t++) {
		for (int k = 0; k < tp[t].npts; k++) {
			const char *key = tp[t].key[k];
			if (only && !has_key(only, key))
				continue;
			nonly++;
			(*total)++;
			if (ndone && bsearch(&key, done_names, ndone, sizeof *done_names, cmp_name)) {
				(*skipped)++;
				continue;
			}
			tp[t].todo[tp[t].ntodo] = &tp[t].pts[k];
			tp[t].todo_key[tp[t].ntodo] = &tp[t].key[k];
			tp[t].ntodo++;
		}
		if ((rc = check_points(&tp[t], tp[t].todo, tp[t].ntodo, vary_arg, nvary, err)) != SIM_OK ||
		    (rc = share_replays(&tp[t], err)) != SIM_OK)
			return rc;
		*copied += tp[t].ncopies;
		tasks[t].trace_path = tp[t].path;
		tasks[t].points = tp[t].todo;
		tasks[t].npoints = tp[t].ntodo;
	}
	if (only && nonly == 0)
		return sim_errf(err, SIM_EINVAL, "--only %s: no point of this sweep has that name", only);
	return SIM_OK;
}

/* The varied parameters' names, and each one's values in the order given
 * (a plot keeps it), into the sweep file. */
static int note_vary(const char *out, const cfg *base, char *const *vary_arg, int nvary,
		     struct sim_err *err)
{
	char *names[64] = { 0 };
	int rc = vary_names(names, vary_arg, nvary, err);
	if (rc == SIM_OK)
		rc = an_sweep_note_vary(out, (const char *const *)names, nvary, err);
	for (int i = 0; i < nvary && rc == SIM_OK; i++) {
		struct rpl_vary v;
		if ((rc = rpl_vary_parse(base, vary_arg[i], &v, err)) != SIM_OK)
			break;
		rc = an_sweep_note_order(out, names[i], (const char *const *)v.vals, v.nvals, err);
		rpl_vary_free(&v);
	}
	for (int i = 0; i < nvary; i++)
		sim_free(names[i]);
	return rc;
}

/* SIGINT and SIGTERM set stop_signal while they are caught: from before the
 * points are checked (which takes a while on a large sweep) to the end of the
 * replays, and restored on every way out. */
struct caught_signals {
	struct sigaction old_int, old_term;
	int on;               /* old_int and old_term to restore */
};

static void catch_signals(struct caught_signals *c)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &c->old_int);
	sigaction(SIGTERM, &sa, &c->old_term);
	c->on = 1;
}

static void restore_signals(struct caught_signals *c)
{
	if (!c->on)
		return;
	sigaction(SIGINT, &c->old_int, NULL);
	sigaction(SIGTERM, &c->old_term, NULL);
	c->on = 0;
}

/* Replay the tasks in worker processes, committing what finishes (even
 * after a failure); a caught SIGINT or SIGTERM stops it (stop_signal). */
static int run_points(const struct rpl_sweep_task *tasks, int ntp, int jobs, int batch,
		      struct progress *prog, struct sim_err *err)
{
	struct rpl_sweep_opts so = { .jobs = jobs, .batch = batch, .stop = &stop_signal,
				     .done = on_point, .progress = on_progress, .ctx = prog };
	struct sim_err cerr = { 0 };
	int rc, crc;

	rc = rpl_sweep_run(tasks, ntp, &so, err);
	crc = commit(prog, 1, &cerr);   /* whatever finished, even after a failure */
	if (rc == SIM_OK && crc != SIM_OK) {
		rc = crc;
		*err = cerr;
	}
	if (prog->shown)
		fprintf(stderr, "\r\033[K");
	return rc;
}

static void free_trace_pts(struct trace_pts *tp, int ntp)
{
	for (int t = 0; tp && t < ntp; t++) {
		rpl_sweep_points_free(tp[t].pts, tp[t].npts);
		cfg_free(tp[t].base);
		sim_free(tp[t].key);
		sim_free(tp[t].todo);
		sim_free(tp[t].todo_key);
		sim_free(tp[t].copy);
		sim_free(tp[t].copy_key);
		sim_free(tp[t].copy_of);
	}
	sim_free(tp);
}

/* What the command line asks for. */
struct sweep_args {
	struct cli_cfg_ops ops;
	char *vary_arg[64];
	int nvary, mode_opt, nseeds, jobs, batch, batch_given, quiet, show_table;
	const char *out, *emit, *merge_dir, *only, *mode_arg;
};

/* argv's options into *a (optind then names the first trace); -1 to go on,
 * else the exit status (--help, or a usage error). */
static int parse_args(int argc, char **argv, struct sweep_args *a)
{
	static const struct option opts[] = {
		{ "help", no_argument, 0, 'h' },
		{ "vary", required_argument, 0, 'v' },
		{ "mode", required_argument, 0, 'm' },
		{ "set", required_argument, 0, CLI_OPT_SET },
		{ "config", required_argument, 0, CLI_OPT_CONFIG },
		{ "policy", required_argument, 0, CLI_OPT_POLICY },
		{ "seeds", required_argument, 0, 's' },
		{ "jobs", required_argument, 0, 'j' },
		{ "batch", required_argument, 0, 'b' },
		{ "output", required_argument, 0, 'o' },
		{ "emit-jobs", required_argument, 0, 'E' },
		{ "merge", required_argument, 0, 'M' },
		{ "only", required_argument, 0, 'O' },
		{ "table", no_argument, 0, 'T' },
		{ "quiet", no_argument, 0, 'q' },
		{ 0, 0, 0, 0 },
	};
	int o;

	memset(a, 0, sizeof *a);
	a->mode_opt = -1;
	a->nseeds = 1;
	a->jobs = sim_cpus_usable();
	a->batch = 8;
	optind = 1;
	while ((o = getopt_long(argc, argv, "hj:o:", opts, NULL)) != -1) {
		char *end;
		long v;
		switch (o) {
		case 'h': fputs(usage, stdout); return 0;
		case 'v':
			if (a->nvary == 64)
				return cli_usage_error("sweep", "more than 64 --vary options");
			a->vary_arg[a->nvary++] = optarg;
			break;
		case 'm':
			if (rpl_mode_parse(optarg, &a->mode_opt))
				return cli_usage_error("sweep", "--mode: '%s' is not native, disco, uma or plain", optarg);
			a->mode_arg = optarg;
			break;
		case CLI_OPT_SET: case CLI_OPT_CONFIG: case CLI_OPT_POLICY:
			if (cli_cfg_ops_add(&a->ops, o, optarg, "sweep"))
				return 2;
			break;
		case 's': case 'j': case 'b':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end || errno || v < 1 || v > 100000)
				return cli_usage_error("sweep", "%s: '%s' is not a whole number from 1 to 100000",
						       o == 's' ? "--seeds" : o == 'j' ? "-j" : "--batch", optarg);
			if (o == 's')
				a->nseeds = (int)v;
			else if (o == 'j')
				a->jobs = (int)v;
			else {
				a->batch = (int)v;
				a->batch_given = 1;
			}
			break;
		case 'o': a->out = optarg; break;
		case 'E': a->emit = optarg; break;
		case 'M': a->merge_dir = optarg; break;
		case 'O': a->only = optarg; break;
		case 'T': a->show_table = 1; break;
		case 'q': a->quiet = 1; break;
		default: return cli_bad_option("sweep");
		}
	}
	return -1;
}

/* --emit-jobs: every point checked, then the jobs and the Slurm script
 * written (a job per point, or per --batch points). */
static int emit_sweep(const struct sweep_args *a, struct trace_pts *tp, int ntp, struct sim_err *err)
{
	char adir[PATH_MAX];
	int n, rc;
	if ((rc = check_every_point(tp, ntp, a->vary_arg, a->nvary, err)) != SIM_OK)
		return rc;
	n = emit_jobs(a->emit, tp, ntp, a->mode_arg, &a->ops, a->vary_arg, a->nvary, a->nseeds,
		      a->batch_given ? a->batch : 1, adir, err);
	if (n < 0)
		return err->code ? err->code : SIM_EIO;
	if (!a->quiet)
		printf("wrote %d jobs to %s/jobs.txt and a Slurm job array to %s/sweep.slurm\n"
		       "run them (sbatch %s/sweep.slurm, or each line of jobs.txt), then:\n"
		       "  disco sweep --merge %s -o SWEEP.h5\n", n, adir, adir, adir, adir);
	return SIM_OK;
}

int cmd_sweep(int argc, char **argv)
{
	struct sweep_args a;
	struct sim_err err = { 0 };
	struct trace_pts *tp = NULL;
	struct rpl_sweep_task *tasks = NULL;
	struct progress prog = { 0 };
	char **done_names = NULL;
	size_t ndone = 0;
	int ntp = 0, rc = 0, total = 0, skipped = 0, rows = 0, copied = 0;
	struct sim_lock *lock = NULL;
	struct caught_signals sigs = { .on = 0 };

	if ((rc = parse_args(argc, argv, &a)) >= 0)
		return rc;
	if (a.merge_dir) {
		if (!a.out)
			return cli_usage_error("sweep", "--merge needs -o SWEEP.h5");
		if (optind < argc || a.nvary || a.emit)
			return cli_usage_error("sweep", "--merge takes no traces, --vary or --emit-jobs");
		if ((rc = cli_lock("sweep", a.out, &lock)) != 0)
			return rc;
		rc = merge(a.merge_dir, a.out, a.quiet, a.show_table);
		sim_lock_release(lock);
		return rc;
	}
	if (optind >= argc)
		return cli_usage_error("sweep", "which traces?");
	if (!a.out && !a.emit)
		return cli_usage_error("sweep", "name the sweep file with -o SWEEP.h5 (or --emit-jobs DIR)");
	if (a.nvary == 0 && a.nseeds < 2)
		return cli_usage_error("sweep", "nothing to sweep: give --vary name=v1,v2,... (or --seeds N)");
	if ((rc = check_vary_args(a.vary_arg, a.nvary, a.nseeds)) != 0)
		return rc;
	/* the sweep file belongs to this process until it ends: a second sweep
	 * on it stops here, before any work */
	if (a.out && !a.emit) {
		for (int t = optind; t < argc; t++)
			if (sim_out_not_input(a.out, argv[t], &err) != SIM_OK)
				return cli_fail("sweep", &err);
		if ((rc = cli_lock("sweep", a.out, &lock)) != 0)
			return rc;
	}

	ntp = argc - optind;
	tp = sim_calloc((size_t)ntp, sizeof *tp);
	tasks = sim_calloc((size_t)ntp, sizeof *tasks);
	if (!tp || !tasks) {
		sim_errf(&err, SIM_ENOMEM, "out of memory");
		goto fail;
	}
	/* every trace's points */
	for (int t = 0; t < ntp; t++) {
		tp[t].path = argv[optind + t];
		/* a job (--only, not --emit-jobs): only its own points need configurations */
		if ((rc = trace_points(&tp[t], a.mode_opt, &a.ops, a.vary_arg, a.nvary, a.nseeds,
				       a.emit ? NULL : a.only, &err)) != SIM_OK)
			goto fail;
		total += tp[t].npts;
	}
	if ((rc = distinct_points(tp, ntp, &err)) != SIM_OK)
		goto fail;
	if (a.emit) {
		if ((rc = emit_sweep(&a, tp, ntp, &err)) != SIM_OK)
			goto fail;
		goto done;
	}

	/* from here on an interruption keeps what is done and says so (the
	 * points are checked first, which takes a while on a large sweep) */
	catch_signals(&sigs);

	/* what is left to do */
	if (access(a.out, F_OK) == 0 && (rc = an_list_runs(a.out, &done_names, &ndone, &err)) != SIM_OK)
		goto fail;
	if ((rc = plan_todo(tp, ntp, a.only, done_names, ndone, a.vary_arg, a.nvary, tasks, &total,
			    &skipped, &copied, &err)) != SIM_OK)
		goto fail;
	prog.expect = (size_t)total;   /* a new file: none is done */
	/* made for its runs before note_vary would make it without the estimate */
	if (a.nvary && (rc = an_ensure(a.out, prog.expect, &err)) != SIM_OK)
		goto fail;
	if (a.nvary && (rc = note_vary(a.out, tp[0].base, a.vary_arg, a.nvary, &err)) != SIM_OK)
		goto fail;

	prog.out = a.out;
	prog.tp = tp;
	prog.total = total - skipped;
	prog.start = now();
	rc = run_points(tasks, ntp, a.jobs, a.batch, &prog, &err);
	restore_signals(&sigs);
	{
		/* the table of whatever is done, even after a failure */
		struct sim_err terr = { 0 };
		int trc = an_sweep_table_write(a.out, tp[0].base, &rows, &terr);
		if (rc == SIM_OK && trc != SIM_OK) {
			rc = trc;
			err = terr;
		}
	}
	if (stop_signal) {
		fprintf(stderr, "disco sweep: interrupted: %d of %d points done and kept in %s; "
			"run the same command again to finish\n", skipped + prog.done, total, a.out);
		rc = 128 + stop_signal;
		goto out_free;
	}
	if (rc)
		goto fail;
	if (!a.quiet) {
		printf("sweep: %d points: %d replayed, ", total, prog.done - copied);
		if (copied)
			printf("%d copied from those (they differ only in the monitor's parameters, and "
			       "their mode runs without it), ", copied);
		printf("%d skipped (already in %s); table: %d rows\n", skipped, a.out, rows);
	}
	if (a.show_table && (rc = cli_sweep_print_table(stdout, a.out, 0, NULL, &err)) != SIM_OK)
		goto fail;
done:
	rc = 0;
	goto out_free;
fail:
	rc = cli_fail("sweep", &err);
out_free:
	restore_signals(&sigs);
	free_trace_pts(tp, ntp);
	sim_free(tasks);
	an_free_names(done_names, ndone);
	sim_lock_release(lock);
	return rc;
}

