/*
 * Figures through gnuplot.  Each plot computes its bars (struct bars: one row
 * per run, one column per stacked segment, already normalized), writes them
 * and a script into a fresh temporary directory, runs gnuplot there with its
 * output to OUT.tmp-PID beside the final path, checks gnuplot's exit status
 * and that the file is not empty, renames it into place and removes the
 * temporary files.  gnuplot's own messages go to a log in that directory and
 * come back, first line only, in the error message.
 *
 * Interface: an_plot_breakdown / an_plot_locality (plot.h); nothing else here
 * is exported but an_gnuplot_find.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "analysis/plot.h"
#include "analysis/results.h"
#include "base/mem.h"

extern char **environ;

#define MAX_SEGS 5

struct bars {
	int n, nseg;
	const char *seg_names[MAX_SEGS];   /* bottom to top */
	const char *seg_colors[MAX_SEGS];
	double (*v)[MAX_SEGS];             /* [n][nseg], percent of the baseline */
	char (*above)[32];                 /* [n] text above each bar */
	const char *ylabel;
	char title[256];
};

int an_gnuplot_find(char *buf, size_t n, struct sim_err *err)
{
	const char *path = getenv("PATH");
	char dir[4096];
	if (!path || !*path)
		path = "/usr/bin:/bin";
	while (*path) {
		size_t len = strcspn(path, ":");
		if (len && len < sizeof dir) {
			memcpy(dir, path, len);
			dir[len] = '\0';
			snprintf(buf, n, "%s/gnuplot", dir);
			if (access(buf, X_OK) == 0)
				return SIM_OK;
		}
		path += len;
		if (*path == ':')
			path++;
	}
	buf[0] = '\0';
	return sim_errf(err, SIM_ENOTSUP, "gnuplot is not on PATH: plots need it "
			"(Debian: apt-get install gnuplot-nox)");
}

/* The gnuplot terminal line for the output's extension. */
static int terminal_for(const char *out, const char **term, struct sim_err *err)
{
	const char *dot = strrchr(out, '.');
	if (dot && !strchr(dot, '/')) {
		if (!strcasecmp(dot, ".png")) {
			*term = "if (strstrt(GPVAL_TERMINALS, ' pngcairo ') > 0) {\n"
				"  set terminal pngcairo size 1000,640 noenhanced font 'Sans,12'\n"
				"} else {\n"
				"  set terminal png size 1000,640 noenhanced\n"
				"}\n";
			return SIM_OK;
		}
		if (!strcasecmp(dot, ".svg")) {
			*term = "set terminal svg size 1000,640 noenhanced font 'Sans,12' background '#ffffff'\n";
			return SIM_OK;
		}
		if (!strcasecmp(dot, ".pdf")) {
			*term = "if (strstrt(GPVAL_TERMINALS, ' pdfcairo ') == 0) {\n"
				"  print 'this gnuplot has no pdfcairo terminal: write .png or .svg'\n"
				"  exit status 3\n"
				"}\n"
				"set terminal pdfcairo size 10in,6.4in noenhanced font 'Sans,11'\n";
			return SIM_OK;
		}
	}
	return sim_errf(err, SIM_EINVAL, "%s: the plot's name must end in .png, .svg or .pdf", out);
}

/* A gnuplot single-quoted string: quotes doubled, newlines dropped. */
static void gp_quote(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("''", f);
		else if (*s != '\n' && *s != '\r')
			fputc(*s, f);
	}
	fputc('\'', f);
}

/* A label in a data file: double-quoted, with no double quote inside. */
static void data_label(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++)
		fputc(*s == '"' ? '\'' : (*s == '\n' || *s == '\t') ? ' ' : *s, f);
	fputc('"', f);
}

static int write_files(const char *dir, const char *out_tmp, const struct bars *b,
		       const char *const *labels, const char *term, struct sim_err *err)
{
	char p[4200];
	FILE *f;
	double ymax = 110;

	char data[4200];
	snprintf(data, sizeof data, "%s/bars.dat", dir);
	snprintf(p, sizeof p, "%s", data);
	if (!(f = fopen(p, "w")))
		return sim_errf(err, SIM_EIO, "%s: %s", p, strerror(errno));
	fprintf(f, "# label");
	for (int s = 0; s < b->nseg; s++)
		fprintf(f, " %s", b->seg_names[s]);
	fprintf(f, " total above\n");
	for (int i = 0; i < b->n; i++) {
		char dflt[32];
		double tot = 0;
		snprintf(dflt, sizeof dflt, "run %d", i);
		data_label(f, labels && labels[i] ? labels[i] : dflt);
		for (int s = 0; s < b->nseg; s++) {
			fprintf(f, " %.6f", b->v[i][s]);
			tot += b->v[i][s];
		}
		fprintf(f, " %.6f ", tot);
		data_label(f, b->above[i]);
		fputc('\n', f);
		if (tot * 1.15 > ymax)
			ymax = tot * 1.15;
	}
	if (fclose(f) != 0)
		return sim_errf(err, SIM_EIO, "%s: write failed", p);

	snprintf(p, sizeof p, "%s/plot.gp", dir);
	if (!(f = fopen(p, "w")))
		return sim_errf(err, SIM_EIO, "%s: %s", p, strerror(errno));
	fputs(term, f);
	fputs("set output ", f);
	gp_quote(f, out_tmp);
	fputs("\nset title ", f);
	gp_quote(f, b->title);
	fputs(" font ',14'\nset ylabel ", f);
	gp_quote(f, b->ylabel);
	fprintf(f, "\nset xlabel 'Configuration'\n"
		   "set style data histograms\n"
		   "set style histogram rowstacked\n"
		   "set style fill solid 0.9 border rgb '#333333'\n"
		   "set boxwidth 0.6 relative\n"
		   "set yrange [0:%.1f]\n"
		   "set xrange [-0.6:%d.6]\n"
		   "set grid ytics lc rgb '#dddddd'\n"
		   "set xtics nomirror scale 0\n"
		   "set ytics nomirror\n"
		   "set border 3\n"
		   "set key outside right top vertical invert reverse Left samplen 2 spacing 1.3 box\n"
		   "set datafile commentschars '#'\n"
		   "plot ", ymax, b->n - 1);
	for (int s = 0; s < b->nseg; s++) {
		if (s)
			fputs("''", f);
		else
			gp_quote(f, data);
		fprintf(f, " using %d%s title '%s' lc rgb '%s', \\\n     ", 2 + s, s ? "" : ":xtic(1)", b->seg_names[s], b->seg_colors[s]);
	}
	fprintf(f, "'' using 0:%d:%d with labels offset 0,0.9 notitle\n", 2 + b->nseg, 3 + b->nseg);
	if (fclose(f) != 0)
		return sim_errf(err, SIM_EIO, "%s: write failed", p);
	return SIM_OK;
}

/* First non-empty line of gnuplot's log, for the error message. */
static void log_line(const char *dir, char *buf, size_t n)
{
	char p[4200];
	FILE *f;
	buf[0] = '\0';
	snprintf(p, sizeof p, "%s/gnuplot.log", dir);
	if (!(f = fopen(p, "r")))
		return;
	while (fgets(buf, (int)n, f)) {
		buf[strcspn(buf, "\n")] = '\0';
		if (buf[strspn(buf, " \t^")])
			break;
		buf[0] = '\0';
	}
	fclose(f);
}

static int run_gnuplot(const char *gnuplot, const char *dir, struct sim_err *err)
{
	char log[4200], script[4200], line[300];
	char *argv[] = { (char *)gnuplot, script, NULL };
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st, rc;

	snprintf(log, sizeof log, "%s/gnuplot.log", dir);
	snprintf(script, sizeof script, "%s/plot.gp", dir);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	rc = posix_spawn(&pid, gnuplot, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return sim_errf(err, SIM_EIO, "cannot run %s: %s", gnuplot, strerror(rc));
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return sim_errf(err, SIM_EIO, "waiting for gnuplot: %s", strerror(errno));
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		log_line(dir, line, sizeof line);
		return sim_errf(err, SIM_EIO, "gnuplot failed (%s %d)%s%s",
				WIFEXITED(st) ? "exit status" : "signal",
				WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), line[0] ? ": " : "", line);
	}
	return SIM_OK;
}

static void remove_dir(const char *dir)
{
	static const char *const names[] = { "bars.dat", "plot.gp", "gnuplot.log" };
	char p[4200];
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
}

static int render(const char *out, const struct bars *b, const char *const *labels,
		  struct sim_err *err)
{
	char gnuplot[4096], dir[4096], *out_tmp = NULL;
	const char *term = NULL, *tmpdir = getenv("TMPDIR");
	struct stat st;
	int rc;

	if ((rc = terminal_for(out, &term, err)) != SIM_OK)
		return rc;
	if ((rc = an_gnuplot_find(gnuplot, sizeof gnuplot, err)) != SIM_OK)
		return rc;
	snprintf(dir, sizeof dir, "%s/disco-plot-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	if (!mkdtemp(dir))
		return sim_errf(err, SIM_EIO, "%s: cannot create a temporary directory: %s", dir, strerror(errno));
	out_tmp = sim_malloc(strlen(out) + 32);
	if (!out_tmp) {
		rc = sim_errf(err, SIM_ENOMEM, "out of memory");
		goto out_rmdir;
	}
	sprintf(out_tmp, "%s.tmp-%ld", out, (long)getpid());
	if ((rc = write_files(dir, out_tmp, b, labels, term, err)) != SIM_OK)
		goto out_rmdir;
	if ((rc = run_gnuplot(gnuplot, dir, err)) != SIM_OK)
		goto out_unlink;
	if (stat(out_tmp, &st) != 0 || st.st_size == 0) {
		rc = sim_errf(err, SIM_EIO, "%s: gnuplot wrote no figure (is the folder writable?)", out);
		goto out_unlink;
	}
	if (rename(out_tmp, out) != 0) {
		rc = sim_errf(err, SIM_EIO, "%s: %s", out, strerror(errno));
		goto out_unlink;
	}
	rc = SIM_OK;
	goto out_rmdir;
out_unlink:
	unlink(out_tmp);
out_rmdir:
	remove_dir(dir);
	sim_free(out_tmp);
	return rc;
}

static int check_args(const struct rpl_results *const *runs, int n, int base, struct sim_err *err)
{
	if (n < 1 || !runs)
		return sim_errf(err, SIM_EINVAL, "a plot needs at least one run");
	if (base < 0 || base >= n)
		return sim_errf(err, SIM_EINVAL, "baseline %d is not one of the %d runs", base, n);
	for (int i = 0; i < n; i++)
		if (!runs[i] || (runs[i]->ncpus && !runs[i]->cpu))
			return sim_errf(err, SIM_EINVAL, "run %d has no results", i);
	return SIM_OK;
}

static int alloc_bars(struct bars *b, int n, struct sim_err *err)
{
	b->n = n;
	b->v = sim_calloc((size_t)n, sizeof *b->v);
	b->above = sim_calloc((size_t)n, sizeof *b->above);
	if (!b->v || !b->above) {
		sim_free(b->v);
		sim_free(b->above);
		return sim_errf(err, SIM_ENOMEM, "out of memory");
	}
	return SIM_OK;
}

static void free_bars(struct bars *b)
{
	sim_free(b->v);
	sim_free(b->above);
}

static const char *label_of(const char *const *labels, int i, char *buf, size_t n)
{
	if (labels && labels[i])
		return labels[i];
	snprintf(buf, n, "run %d", i);
	return buf;
}

int an_plot_breakdown(const char *out_path, const struct rpl_results *const *runs,
		      const char *const *labels, int n, int base, const char *title,
		      struct sim_err *err)
{
	static const char *const colors[RPL_NCATS] = {
		"#4c72b0", "#dd8452", "#c44e52", "#55a868", "#c8c8c8",
	};
	static const char *const names[RPL_NCATS] = { "user", "kernel", "kernel sync", "monitor", "idle" };
	struct bars b = { 0 };
	double total = 0;
	char lb[32];
	int rc;

	if ((rc = check_args(runs, n, base, err)) != SIM_OK)
		return rc;
	for (int k = 0; k < RPL_NCATS; k++)
		total += (double)rpl_total_cat(runs[base], k);
	if (total <= 0)
		return sim_errf(err, SIM_EINVAL, "baseline run %d has no time to normalize to", base);
	if ((rc = alloc_bars(&b, n, err)) != SIM_OK)
		return rc;
	b.nseg = RPL_NCATS;
	for (int k = 0; k < RPL_NCATS; k++) {
		b.seg_names[k] = names[k];
		b.seg_colors[k] = colors[k];
	}
	for (int i = 0; i < n; i++) {
		double t = 0;
		for (int k = 0; k < RPL_NCATS; k++) {
			b.v[i][k] = 100.0 * (double)rpl_total_cat(runs[i], k) / total;
			t += b.v[i][k];
		}
		snprintf(b.above[i], sizeof b.above[i], "%.0f", t);
	}
	b.ylabel = "Normalized execution time (% of baseline, all CPUs)";
	if (title)
		snprintf(b.title, sizeof b.title, "%s", title);
	else
		snprintf(b.title, sizeof b.title, "Execution time breakdown, normalized to %s = 100",
			 label_of(labels, base, lb, sizeof lb));
	rc = render(out_path, &b, labels, err);
	free_bars(&b);
	return rc;
}

/* Figure 9's four parts of one run's non-idle time, in cycles. */
static void locality_parts(const struct rpl_results *r, double part[4])
{
	double local = 0, remote = 0, busy = 0;
	for (int c = 0; c < r->ncpus; c++)
		for (int k = 0; k < RPL_NCATS; k++) {
			if (k == RPL_IDLE || k == RPL_MONITOR)
				continue;
			busy += (double)r->cpu[c].cycles[k];
			local += (double)r->cpu[c].stall_local[k];
			remote += (double)r->cpu[c].stall_remote[k];
		}
	part[0] = busy - local - remote;
	part[1] = local;
	part[2] = remote;
	part[3] = (double)rpl_total_cat(r, RPL_MONITOR);
}

int an_plot_locality(const char *out_path, const struct rpl_results *const *runs,
		     const char *const *labels, int n, int base, const char *title,
		     struct sim_err *err)
{
	static const char *const colors[4] = { "#4c72b0", "#8fbc8f", "#c44e52", "#e5ae38" };
	static const char *const names[4] = { "instruction execution", "local stall", "remote stall",
					      "monitor overhead" };
	struct bars b = { 0 };
	double part[4], total = 0;
	char lb[32];
	int rc;

	if ((rc = check_args(runs, n, base, err)) != SIM_OK)
		return rc;
	locality_parts(runs[base], part);
	for (int k = 0; k < 4; k++)
		total += part[k];
	if (total <= 0)
		return sim_errf(err, SIM_EINVAL, "baseline run %d has no non-idle time to normalize to", base);
	if ((rc = alloc_bars(&b, n, err)) != SIM_OK)
		return rc;
	b.nseg = 4;
	for (int k = 0; k < 4; k++) {
		b.seg_names[k] = names[k];
		b.seg_colors[k] = colors[k];
	}
	for (int i = 0; i < n; i++) {
		double loc = an_locality(runs[i]);
		locality_parts(runs[i], part);
		for (int k = 0; k < 4; k++)
			b.v[i][k] = 100.0 * part[k] / total;
		if (loc >= 0)
			snprintf(b.above[i], sizeof b.above[i], "%.0f%% local", 100 * loc);
		else
			snprintf(b.above[i], sizeof b.above[i], "no misses");
	}
	b.ylabel = "Normalized non-idle time (% of baseline, all CPUs)";
	if (title)
		snprintf(b.title, sizeof b.title, "%s", title);
	else
		snprintf(b.title, sizeof b.title, "Memory locality: non-idle time normalized to %s = 100",
			 label_of(labels, base, lb, sizeof lb));
	rc = render(out_path, &b, labels, err);
	free_bars(&b);
	return rc;
}
