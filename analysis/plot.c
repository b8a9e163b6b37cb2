/*
 * Figures through gnuplot.  Each plot computes its bars (struct bars: one row
 * per run, one column per stacked segment, already normalized), writes them
 * and a script into a fresh temporary directory, runs gnuplot there with its
 * output to a temporary file beside the final path (base/outfile.h), checks
 * gnuplot's exit status and that the file is not empty, renames it into
 * place and removes the temporary files.  gnuplot's own messages go to a log in that directory and
 * come back, first line only, in the error message.
 *
 * Interface (plot.h): the paper's figures (an_plot_breakdown, _footprint,
 * _footprint_time, _locality, and the grouped _breakdown_grouped and
 * _locality_grouped), sweep curves (an_plot_sweep, an_plot_sweep_base), and
 * an_gnuplot_find and an_locality_parts for their callers.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
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
#include "analysis/sweep.h"
#include "base/mem.h"
#include "base/outfile.h"

extern char **environ;

#define MAX_SEGS 6

struct bars {
	int n, nseg;
	const char *seg_names[MAX_SEGS];   /* bottom to top */
	const char *seg_colors[MAX_SEGS];
	double (*v)[MAX_SEGS];             /* [n][nseg], percent of the baseline */
	char (*above)[32];                 /* [n] text above each bar */
	const char *ylabel;
	const char *xlabel;                /* NULL: none */
	double ytop;                       /* the y axis reaches at least this (0: the bars decide) */
	char title[256];
	/* optional: the paper's value on a bar, lo == hi for one value, a
	 * range otherwise (NaN: no mark), and its label */
	double (*mark)[2];                 /* [n] or NULL */
	char (*mark_label)[32];            /* [n] */
	/* optional: names under groups of bars, centred at x; with groups the
	 * key goes above the plot, across, to leave the bars the width */
	int ngroups;
	double group_x[16];
	const char *group_name[16];
};

int an_plot_or_note(int rc, const struct sim_err *err, char *note, size_t n)
{
	if (rc != SIM_ENOTSUP)
		return rc;
	snprintf(note, n, "not drawn: %s", err->msg);
	return SIM_OK;
}

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

/* Create dir/plot.gp (its path into p) with the terminal, the output and the
 * title lines; the caller goes on from the title's end.  NULL if it cannot
 * be created (errno says why). */
static FILE *script_open(const char *dir, const char *term, const char *out_tmp, const char *title,
			 char *p, size_t plen)
{
	FILE *f;
	snprintf(p, plen, "%s/plot.gp", dir);
	if (!(f = fopen(p, "w")))
		return NULL;
	fputs(term, f);
	fputs("set output ", f);
	gp_quote(f, out_tmp);
	fputs("\nset title ", f);
	gp_quote(f, title);
	fputs(" font ',14'", f);
	return f;
}

/* A label in a data file: double-quoted, with no double quote inside. */
static void data_label(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++)
		fputc(*s == '"' ? '\'' : (*s == '\n' || *s == '\t') ? ' ' : *s, f);
	fputc('"', f);
}

static double bar_total(const struct bars *b, int i)
{
	double tot = 0;
	for (int s = 0; s < b->nseg; s++)
		tot += b->v[i][s];
	return tot;
}

/* A paper mark a little above its bar would cross the text above the bar
 * (two lines): the text goes above the mark instead. */
static int mark_in_text(const struct bars *b, int i, double ymax)
{
	double lo = b->mark ? b->mark[i][0] : NAN, tot = bar_total(b, i);
	return lo == lo && lo > tot && lo < tot + 0.12 * ymax;
}

/* The y axis's top: room above the tallest bar and paper mark. */
static double bars_ymax(const struct bars *b)
{
	double ymax = b->ytop;
	for (int i = 0; i < b->n; i++) {
		double tot = bar_total(b, i), hi = b->mark ? b->mark[i][1] : NAN;
		if (tot * 1.15 > ymax)
			ymax = tot * 1.15;
		if (hi == hi && hi * 1.15 > ymax)
			ymax = hi * 1.15;
	}
	return ymax;
}

/* dir/bars.dat: a row per bar (label, segments, total, where the text
 * above goes, the text). */
static int write_bars_data(const char *dir, const struct bars *b, const char *const *labels,
			   double ymax, struct sim_err *err)
{
	char p[4200];
	FILE *f;

	snprintf(p, sizeof p, "%s/bars.dat", dir);
	if (!(f = fopen(p, "w")))
		return sim_errf(err, SIM_EIO, "%s: %s", p, strerror(errno));
	fprintf(f, "# label");
	for (int s = 0; s < b->nseg; s++)
		fprintf(f, " %s", b->seg_names[s]);
	fprintf(f, " total text_y above\n");
	for (int i = 0; i < b->n; i++) {
		char dflt[32];
		double tot = bar_total(b, i);
		snprintf(dflt, sizeof dflt, "run %d", i);
		data_label(f, labels && labels[i] ? labels[i] : dflt);
		for (int s = 0; s < b->nseg; s++)
			fprintf(f, " %.6f", b->v[i][s]);
		fprintf(f, " %.6f %.6f ", tot, mark_in_text(b, i, ymax) ? b->mark[i][1] + 0.03 * ymax : tot);
		data_label(f, b->above[i]);
		fputc('\n', f);
	}
	if (fclose(f) != 0)
		return sim_errf(err, SIM_EIO, "%s: write failed", p);
	return SIM_OK;
}

/* dir/marks.dat: a row per bar with a paper value (x, mid, lo, hi, label,
 * side of its text). */
static int write_marks(const char *dir, const struct bars *b, double ymax, struct sim_err *err)
{
	char p[4200];
	FILE *f;

	snprintf(p, sizeof p, "%s/marks.dat", dir);
	if (!(f = fopen(p, "w")))
		return sim_errf(err, SIM_EIO, "%s: %s", p, strerror(errno));
	/* side: the text goes right of the bar (0) where nothing is
	 * there at its height: no next bar, or the next bar and its
	 * label (two lines at most) end below it. Else it is centred
	 * on the bar: below the line, over the bar, where the paper's
	 * value is inside the bar or the bar's own text went above the
	 * line (-1), above the line otherwise (+1) */
	fprintf(f, "# x mid lo hi label side\n");
	for (int i = 0; i < b->n; i++) {
		double lo = b->mark[i][0], hi = b->mark[i][1], tot = 0, next = 0;
		int side;
		if (lo != lo)
			continue;
		for (int s = 0; s < b->nseg; s++) {
			tot += b->v[i][s];
			next += i + 1 < b->n ? b->v[i + 1][s] : 0;
		}
		if (next <= 0 || (lo + hi) / 2 > next + 0.12 * ymax)
			side = 0;
		else
			side = lo <= tot || mark_in_text(b, i, ymax) ? -1 : 1;
		fprintf(f, "%d %.6f %.6f %.6f ", i, (lo + hi) / 2, lo, hi);
		data_label(f, b->mark_label[i]);
		fprintf(f, " %d", side);
		fputc('\n', f);
	}
	if (fclose(f) != 0)
		return sim_errf(err, SIM_EIO, "%s: write failed", p);
	return SIM_OK;
}

/* dir/plot.gp: the stacked bars of bars.dat to out_tmp, with marks.dat's
 * paper values when there are any. */
static int write_bars_script(const char *dir, const char *out_tmp, const struct bars *b,
			     const char *const *labels, const char *term, double ymax,
			     struct sim_err *err)
{
	char p[4200], data[4200];
	FILE *f;

	snprintf(data, sizeof data, "%s/bars.dat", dir);
	if (!(f = script_open(dir, term, out_tmp, b->title, p, sizeof p)))
		return sim_errf(err, SIM_EIO, "%s: %s", p, strerror(errno));
	fputs("\nset ylabel ", f);
	gp_quote(f, b->ylabel);
	if (b->xlabel) {
		fputs("\nset xlabel ", f);
		gp_quote(f, b->xlabel);
	}
	if (b->ngroups) {
		/* the group names go below the bars' labels, which may run to
		 * several lines ("\\n" in a label) */
		int lines = 1;
		for (int i = 0; i < b->n; i++) {
			int k = 1;
			for (const char *q = labels && labels[i] ? labels[i] : ""; (q = strstr(q, "\\n")); q += 2)
				k++;
			lines = k > lines ? k : lines;
		}
		for (int g = 0; g < b->ngroups; g++) {
			fputs("\nset label ", f);
			gp_quote(f, b->group_name[g]);
			fprintf(f, " at %.2f, graph %.3f center font ',12'", b->group_x[g],
				-0.05 - 0.045 * lines);
		}
		fprintf(f, "\nset bmargin %d", 3 + (7 * lines) / 5);
	}
	fprintf(f, "\n"
		   "set style data histograms\n"
		   "set style textbox opaque noborder margins 1,0.5\n"
		   "set style histogram rowstacked\n"
		   "set style fill solid 0.9 border rgb '#333333'\n"
		   "set boxwidth 0.6 relative\n"
		   "set yrange [0:%.1f]\n"
		   "set xrange [-0.6:%.1f]\n"
		   "set grid ytics lc rgb '#dddddd'\n"
		   "set xtics nomirror scale 0%s\n"
		   "set ytics nomirror\n"
		   "set border 3\n"
		   "set key %s\n"
		   "set datafile commentschars '#'\n"
		   "plot ", ymax, b->n - 1 + (b->mark ? 1.1 : 0.6),
		/* more bars than their labels fit side by side: slanted (grouped
		 * figures have short labels under each bar and fit) */
		b->n > 8 && !b->ngroups ? " rotate by 30 right" : "",
		b->ngroups ? "outside top center horizontal reverse Left samplen 2 box"
			   : "outside right top vertical invert reverse Left samplen 2 spacing 1.3 box");
	for (int s = 0; s < b->nseg; s++) {
		if (s)
			fputs("''", f);
		else
			gp_quote(f, data);
		fprintf(f, " using %d%s title '%s' lc rgb '%s', \\\n     ", 2 + s, s ? "" : ":xtic(1)", b->seg_names[s], b->seg_colors[s]);
	}
	fprintf(f, "'' using 0:%d:%d with labels offset 0,%s notitle", 3 + b->nseg, 4 + b->nseg,
		b->ngroups ? "1.3 font ',10'" : "0.9");
	if (b->mark) {
		char marks[4200];
		snprintf(marks, sizeof marks, "%s/marks.dat", dir);
		fputs(", \\\n     ", f);
		gp_quote(f, marks);
		/* a dashed line across the bar at the paper's value (at both
		 * ends of a range, joined at the bar's right edge), its text
		 * on the side chosen above, in a white box */
		fputs(" using ($1 - 0.34):3:(0.68):(0) with vectors nohead lc rgb 'black' lw 2 dt 2 "
		      "title 'paper', \\\n"
		      "     '' using ($1 - 0.34):4:(0.68):(0) with vectors nohead lc rgb 'black' lw 2 dt 2 "
		      "notitle, \\\n"
		      "     '' using ($1 + 0.34):3:(0):($4 - $3) with vectors nohead lc rgb 'black' lw 1 "
		      "notitle, \\\n"
		      "     '' using ($1 + 0.36):($6 == 0 ? $2 : 1/0):5 with labels left font ',8' "
		      "notitle, \\\n"
		      "     '' using 1:($6 < 0 ? $3 : 1/0):5 with labels center offset 0,-0.8 font ',8' "
		      "boxed notitle, \\\n"
		      "     '' using 1:($6 > 0 ? $4 : 1/0):5 with labels center offset 0,0.8 font ',8' "
		      "boxed notitle", f);
	}
	fputc('\n', f);
	if (fclose(f) != 0)
		return sim_errf(err, SIM_EIO, "%s: write failed", p);
	return SIM_OK;
}

static int write_files(const char *dir, const char *out_tmp, const struct bars *b,
		       const char *const *labels, const char *term, struct sim_err *err)
{
	double ymax = bars_ymax(b);
	int rc = write_bars_data(dir, b, labels, ymax, err);
	if (!rc && b->mark)
		rc = write_marks(dir, b, ymax, err);
	if (!rc)
		rc = write_bars_script(dir, out_tmp, b, labels, term, ymax, err);
	return rc;
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

/* The folder is ours (mkdtemp): remove whatever the writers put in it
 * (bars.dat, run0.dat ..., plot.gp, gnuplot.log), then the folder. */
static void remove_dir(const char *dir)
{
	char p[4200];
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

/* Writes the data and plot.gp into dir for a figure to out_tmp. */
typedef int (*writer_fn)(const char *dir, const char *out_tmp, const char *term, const void *ctx,
			 struct sim_err *err);

struct bars_ctx { const struct bars *b; const char *const *labels; };

static int write_bars(const char *dir, const char *out_tmp, const char *term, const void *ctx,
		      struct sim_err *err)
{
	const struct bars_ctx *bc = ctx;
	return write_files(dir, out_tmp, bc->b, bc->labels, term, err);
}

static int render_with(const char *out, writer_fn write, const void *ctx, struct sim_err *err);

static int render(const char *out, const struct bars *b, const char *const *labels,
		  struct sim_err *err)
{
	struct bars_ctx bc = { b, labels };
	return render_with(out, write_bars, &bc, err);
}

static int render_with(const char *out, writer_fn write, const void *ctx, struct sim_err *err)
{
	char gnuplot[4096], dir[4096];
	const char *term = NULL, *tmpdir = getenv("TMPDIR"), *out_tmp;
	sim_out *o = NULL;
	struct stat st;
	int rc;

	if ((rc = terminal_for(out, &term, err)) != SIM_OK)
		return rc;
	if ((rc = an_gnuplot_find(gnuplot, sizeof gnuplot, err)) != SIM_OK)
		return rc;
	snprintf(dir, sizeof dir, "%s/disco-plot-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	if (!mkdtemp(dir))
		return sim_errf(err, SIM_EIO, "%s: cannot create a temporary directory: %s", dir, strerror(errno));
	/* gnuplot writes the temporary file by name; commit renames it (keeps
	 * the target intact on any failure, base/outfile.h) */
	if ((rc = sim_out_open(&o, out, err)) != SIM_OK)
		goto out_rmdir;
	out_tmp = sim_out_path(o);
	if ((rc = write(dir, out_tmp, term, ctx, err)) != SIM_OK)
		goto out_abort;
	if ((rc = run_gnuplot(gnuplot, dir, err)) != SIM_OK)
		goto out_abort;
	if (stat(out_tmp, &st) != 0 || (S_ISREG(st.st_mode) && st.st_size == 0)) {
		rc = sim_errf(err, SIM_EIO, "%s: gnuplot wrote no figure", out);
		goto out_abort;
	}
	rc = sim_out_commit(o, err);
	goto out_rmdir;
out_abort:
	sim_out_abort(o);
out_rmdir:
	remove_dir(dir);
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
	static const char *const colors[ACCT_NCATS] = {
		"#4c72b0", "#dd8452", "#c44e52", "#55a868", "#c8c8c8",
	};
	static const char *const names[ACCT_NCATS] = { "user", "kernel", "kernel sync", "monitor", "idle" };
	struct bars b = { 0 };
	double total = 0;
	char lb[32];
	int rc;

	if ((rc = check_args(runs, n, base, err)) != SIM_OK)
		return rc;
	for (int k = 0; k < ACCT_NCATS; k++)
		total += (double)rpl_total_cat(runs[base], k);
	if (total <= 0)
		return sim_errf(err, SIM_EINVAL, "baseline run %d has no time to normalize to", base);
	if ((rc = alloc_bars(&b, n, err)) != SIM_OK)
		return rc;
	b.nseg = ACCT_NCATS;
	for (int k = 0; k < ACCT_NCATS; k++) {
		b.seg_names[k] = names[k];
		b.seg_colors[k] = colors[k];
	}
	for (int i = 0; i < n; i++) {
		double t = 0;
		for (int k = 0; k < ACCT_NCATS; k++) {
			b.v[i][k] = 100.0 * (double)rpl_total_cat(runs[i], k) / total;
			t += b.v[i][k];
		}
		snprintf(b.above[i], sizeof b.above[i], "%.1f", t);
	}
	b.ylabel = "Normalized execution time (% of baseline, all CPUs)";
	b.ytop = 110;
	if (title)
		snprintf(b.title, sizeof b.title, "%s", title);
	else
		snprintf(b.title, sizeof b.title, "Execution time breakdown, normalized to %s = 100",
			 label_of(labels, base, lb, sizeof lb));
	rc = render(out_path, &b, labels, err);
	free_bars(&b);
	return rc;
}

int an_plot_footprint(const char *out_path, const struct rpl_results *const *runs,
		      const char *const *labels, int n, const char *title, struct sim_err *err)
{
	static const char *const colors[FP_NCATS] = {
		"#8172b3", "#4c72b0", "#55a868", "#dd8452", "#c8c8c8", "#c44e52",
	};
	static const char *const names[FP_NCATS] = {
		"kernel text", "kernel data", "buffer cache", "user", "other", "Disco",
	};
	struct bars b = { 0 };
	char (*lab)[96] = NULL;
	const char **lp = NULL;
	int rc;

	if ((rc = check_args(runs, n, 0, err)) != SIM_OK)
		return rc;
	for (int i = 0; i < n; i++) {
		uint64_t t = 0;
		for (int k = 0; k < FP_NCATS; k++)
			t += runs[i]->footprint.v[k] + runs[i]->footprint.m[k];
		if (t == 0)
			return sim_errf(err, SIM_EINVAL,
					"run %d has no memory footprint (a results file from before it existed, or a run without guest memory?)", i);
	}
	if ((rc = alloc_bars(&b, 2 * n, err)) != SIM_OK)
		return rc;
	lab = sim_calloc(2 * (size_t)n, sizeof *lab);
	lp = sim_calloc(2 * (size_t)n, sizeof *lp);
	if (!lab || !lp) {
		rc = sim_errf(err, SIM_ENOMEM, "out of memory");
		goto out;
	}
	b.nseg = FP_NCATS;
	for (int k = 0; k < FP_NCATS; k++) {
		b.seg_names[k] = names[k];
		b.seg_colors[k] = colors[k];
	}
	for (int i = 0; i < n; i++)
		for (int vm = 0; vm < 2; vm++) {
			int j = 2 * i + vm;
			const uint64_t *x = vm ? runs[i]->footprint.m : runs[i]->footprint.v;
			double t = 0;
			char lb[32];
			for (int k = 0; k < FP_NCATS; k++) {
				b.v[j][k] = (double)x[k] / (1024.0 * 1024.0);
				t += b.v[j][k];
			}
			snprintf(b.above[j], sizeof b.above[j], "%.1f", t);
			snprintf(lab[j], sizeof lab[j], "%s %s", label_of(labels, i, lb, sizeof lb),
				 vm ? "M" : "V");
			lp[j] = lab[j];
		}
	b.ylabel = "Memory footprint (MB)";
	b.xlabel = "Configuration: V (virtual physical, no sharing) and M (machine)";
	snprintf(b.title, sizeof b.title, "%s", title ? title : "Memory footprint at the end of the run");
	rc = render(out_path, &b, lp, err);
out:
	sim_free(lab);
	sim_free(lp);
	free_bars(&b);
	return rc;
}

struct fpt_ctx {
	const struct rpl_results *const *runs;
	const char *const *labels;
	int n;
	const char *title;
};

/* One data file per run (time in ms, V and M in MB), one V and one M
 * curve per run in the run's colour, V dashed; a dotted line where a run's
 * boot ends. */
static int write_fp_time(const char *dir, const char *out_tmp, const char *term, const void *ctx,
			 struct sim_err *err)
{
	static const char *const colors[] = { "#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3",
					      "#937860", "#da8bc3", "#8c8c8c" };
	const struct fpt_ctx *c = ctx;
	char p[4200], lb[32];
	FILE *f;
	for (int i = 0; i < c->n; i++) {
		const struct rpl_results *r = c->runs[i];
		snprintf(p, sizeof p, "%s/run%d.dat", dir, i);
		if (!(f = fopen(p, "w")))
			return sim_errf(err, SIM_EIO, "%s: %s", p, strerror(errno));
		fprintf(f, "# ms V_MB M_MB\n");
		for (size_t k = 0; k < r->nsamples; k++) {
			double v = 0, m = 0;
			for (int q = 0; q < FP_NCATS; q++) {
				v += (double)r->samples[k].fp.v[q];
				m += (double)r->samples[k].fp.m[q];
			}
			fprintf(f, "%.6f %.6f %.6f\n",
				r->clock_mhz > 0 ? (double)r->samples[k].cycle / (r->clock_mhz * 1e3) : 0,
				v / (1024.0 * 1024.0), m / (1024.0 * 1024.0));
		}
		if (fclose(f) != 0)
			return sim_errf(err, SIM_EIO, "%s: write failed", p);
	}
	if (!(f = script_open(dir, term, out_tmp, c->title, p, sizeof p)))
		return sim_errf(err, SIM_EIO, "%s: %s", p, strerror(errno));
	fputs("\nset xlabel 'Simulated time (ms)'\nset ylabel 'Memory footprint (MB)'\n"
	      "set yrange [0:*]\nset grid lc rgb '#dddddd'\nset border 3\nset xtics nomirror\n"
	      "set ytics nomirror\nset key outside right top vertical Left reverse box\n", f);
	/* Where each run's statistics start (the boot's end, replay.measure):
	 * what comes before is the VMs reading their kernel and binaries. */
	for (int i = 0; i < c->n; i++) {
		const struct rpl_results *r = c->runs[i];
		double x;
		if (!r->measured_from || r->clock_mhz <= 0)
			continue;
		x = (double)r->measured_from / (r->clock_mhz * 1e3);
		fprintf(f, "set arrow from %.6f, graph 0 to %.6f, graph 1 nohead dt 3 lc rgb '%s'\n", x, x,
			colors[i % 8]);
		fprintf(f, "set label 'boot ends' at %.6f, graph %.2f right offset -0.5, 0 tc rgb '%s'\n", x,
			0.95 - 0.05 * (i % 8), colors[i % 8]);
	}
	fputs("plot ", f);
	for (int i = 0; i < c->n; i++) {
		const char *name = label_of(c->labels, i, lb, sizeof lb);
		const char *col = colors[i % 8];
		snprintf(p, sizeof p, "%s/run%d.dat", dir, i);
		for (int vm = 0; vm < 2; vm++) {
			char t[160];
			snprintf(t, sizeof t, "%s %s", name, vm ? "M" : "V");
			fputs(i || vm ? ", \\\n     " : "", f);
			gp_quote(f, p);
			fprintf(f, " using 1:%d with steps lw 2 dt %d lc rgb '%s' title ", 2 + vm, vm ? 1 : 2, col);
			gp_quote(f, t);
		}
	}
	fputc('\n', f);
	if (fclose(f) != 0)
		return sim_errf(err, SIM_EIO, "%s/plot.gp: write failed", dir);
	return SIM_OK;
}

int an_plot_footprint_time(const char *out_path, const struct rpl_results *const *runs,
			   const char *const *labels, int n, const char *title, struct sim_err *err)
{
	struct fpt_ctx c = { runs, labels, n, title ? title : "Memory footprint over time" };
	int rc = check_args(runs, n, 0, err);
	if (rc)
		return rc;
	for (int i = 0; i < n; i++)
		if (!runs[i]->nsamples)
			return sim_errf(err, SIM_EINVAL, "run %d has no footprint samples (a results file "
					"from before they existed?)", i);
	return render_with(out_path, write_fp_time, &c, err);
}

void an_locality_parts(const struct rpl_results *r, double part[4])
{
	double local = 0, remote = 0, busy = 0;
	for (int c = 0; c < r->ncpus; c++)
		for (int k = 0; k < ACCT_NCATS; k++) {
			if (k == ACCT_IDLE || k == ACCT_MONITOR)
				continue;
			busy += (double)r->cpu[c].cycles[k];
			local += (double)r->cpu[c].stall_local[k];
			remote += (double)r->cpu[c].stall_remote[k];
		}
	part[0] = busy - local - remote;
	part[1] = local;
	part[2] = remote;
	part[3] = (double)rpl_total_cat(r, ACCT_MONITOR);
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
	an_locality_parts(runs[base], part);
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
		an_locality_parts(runs[i], part);
		for (int k = 0; k < 4; k++)
			b.v[i][k] = 100.0 * part[k] / total;
		if (loc >= 0)
			snprintf(b.above[i], sizeof b.above[i], "%.1f%% local", 100 * loc);
		else
			snprintf(b.above[i], sizeof b.above[i], "no misses");
	}
	b.ylabel = "Normalized non-idle time (% of baseline, all CPUs)";
	b.ytop = 110;
	if (title)
		snprintf(b.title, sizeof b.title, "%s", title);
	else
		snprintf(b.title, sizeof b.title, "Memory locality: non-idle time normalized to %s = 100",
			 label_of(labels, base, lb, sizeof lb));
	rc = render(out_path, &b, labels, err);
	free_bars(&b);
	return rc;
}

/* ---------- Grouped bars with the paper's marks (Figures 6 and 9) ---------- */

/* Categories of one bar: the time breakdown (kind 0) or the locality parts
 * (kind 1), and what the bar is normalized to. */
static int bar_parts(int kind, const struct rpl_results *r, double *v, double *sum)
{
	double t = 0;
	if (kind == 0)
		for (int k = 0; k < ACCT_NCATS; k++)
			v[k] = (double)rpl_total_cat(r, k);
	else
		an_locality_parts(r, v);
	for (int k = 0; k < (kind ? 4 : ACCT_NCATS); k++)
		t += v[k];
	*sum = t;
	return kind ? 4 : ACCT_NCATS;
}

static int plot_grouped(int kind, const char *out_path, const struct an_bar *bars, int n,
			const char *title, const char *ylabel, struct sim_err *err)
{
	static const char *const bcolors[ACCT_NCATS] = {
		"#4c72b0", "#dd8452", "#c44e52", "#55a868", "#c8c8c8",
	};
	static const char *const bnames[ACCT_NCATS] = { "user", "kernel", "kernel sync", "monitor", "idle" };
	static const char *const lcolors[4] = { "#4c72b0", "#8fbc8f", "#c44e52", "#e5ae38" };
	static const char *const lnames[4] = { "instruction execution", "local stall", "remote stall",
					       "monitor overhead" };
	struct bars b = { 0 };
	const char **labels = NULL;
	int rows = 0, g0 = 0, rc;

	if (n < 1 || !bars)
		return sim_errf(err, SIM_EINVAL, "a plot needs at least one run");
	for (int i = 0; i < n; i++) {
		if (!bars[i].run || !bars[i].base)
			return sim_errf(err, SIM_EINVAL, "bar %d has no results", i);
		rows += 1 + (i > 0 && strcmp(bars[i].group, bars[i - 1].group) != 0);
	}
	if ((rc = alloc_bars(&b, rows, err)) != SIM_OK)
		return rc;
	b.mark = sim_calloc((size_t)rows, sizeof *b.mark);
	b.mark_label = sim_calloc((size_t)rows, sizeof *b.mark_label);
	labels = sim_calloc((size_t)rows, sizeof *labels);
	if (!b.mark || !b.mark_label || !labels) {
		rc = sim_errf(err, SIM_ENOMEM, "out of memory");
		goto out;
	}
	b.nseg = kind ? 4 : ACCT_NCATS;
	for (int k = 0; k < b.nseg; k++) {
		b.seg_names[k] = kind ? lnames[k] : bnames[k];
		b.seg_colors[k] = kind ? lcolors[k] : bcolors[k];
	}
	rows = 0;
	for (int i = 0; i < n; i++) {
		const struct an_bar *a = &bars[i];
		double v[MAX_SEGS], base[MAX_SEGS], t, tb, tot = 0;
		if (i > 0 && strcmp(a->group, bars[i - 1].group) != 0) {
			/* a gap between groups: an empty row */
			b.mark[rows][0] = b.mark[rows][1] = NAN;
			labels[rows++] = "";
		}
		if (i == 0 || strcmp(a->group, bars[i - 1].group) != 0) {
			if (b.ngroups > 0)
				b.group_x[b.ngroups - 1] = (g0 + rows - 2) / 2.0;
			if (b.ngroups < 16)
				b.group_name[b.ngroups++] = a->group;
			g0 = rows;
		}
		bar_parts(kind, a->run, v, &t);
		bar_parts(kind, a->base, base, &tb);
		if (tb <= 0) {
			rc = sim_errf(err, SIM_EINVAL, "bar %d: its baseline has no time to normalize to", i);
			goto out;
		}
		for (int k = 0; k < b.nseg; k++) {
			b.v[rows][k] = 100.0 * v[k] / tb;
			tot += b.v[rows][k];
		}
		if (kind) {
			double loc = an_locality(a->run);
			if (loc >= 0)
				snprintf(b.above[rows], sizeof b.above[rows], "%.1f\\n%.1f%% local", tot,
					 100 * loc);
			else
				snprintf(b.above[rows], sizeof b.above[rows], "%.1f", tot);
		} else {
			snprintf(b.above[rows], sizeof b.above[rows], "%.1f", tot);
		}
		b.mark[rows][0] = a->paper_lo;
		b.mark[rows][1] = a->paper_hi;
		if (a->paper_lo == a->paper_lo) {
			if (a->paper_hi > a->paper_lo)
				snprintf(b.mark_label[rows], sizeof b.mark_label[rows], "paper %.0f-%.0f",
					 a->paper_lo, a->paper_hi);
			else
				snprintf(b.mark_label[rows], sizeof b.mark_label[rows], "paper %.0f",
					 a->paper_lo);
		}
		labels[rows++] = a->label;
	}
	b.group_x[b.ngroups - 1] = (g0 + rows - 1) / 2.0;
	b.ylabel = ylabel ? ylabel : kind ? "Normalized non-idle time (% of the group's baseline)"
					  : "Normalized execution time (% of the group's baseline)";
	b.ytop = 110;
	snprintf(b.title, sizeof b.title, "%s", title ? title : "");
	rc = render(out_path, &b, labels, err);
out:
	sim_free(labels);
	sim_free(b.mark);
	sim_free(b.mark_label);
	free_bars(&b);
	return rc;
}

int an_plot_breakdown_grouped(const char *out_path, const struct an_bar *bars, int n,
			      const char *title, const char *ylabel, struct sim_err *err)
{
	return plot_grouped(0, out_path, bars, n, title, ylabel, err);
}

int an_plot_locality_grouped(const char *out_path, const struct an_bar *bars, int n,
			     const char *title, const char *ylabel, struct sim_err *err)
{
	return plot_grouped(1, out_path, bars, n, title, ylabel, err);
}

/* ---------- Sweep curves ---------- */

struct sweep_plot {
	const struct an_table *t;
	int xc, yc, ec;          /* columns: x, y, error (-1: none) */
	int xstr;                /* x is text: categories at 0, 1, ... */
	int ncurves;
	int *curve;              /* [nrows] */
	int *xcat;               /* [nrows], text x: the category's position (order of first appearance) */
	char (*label)[256];      /* [ncurves] */
	int logx;
	double *yv, *ev;         /* [nrows]: y and its error, divided by the baseline's */
	int *hide;               /* [nrows]: a baseline row, not drawn */
	char title[512], xlabel[256], ylabel[256];
};

static double cell_num(const struct an_col *k, int r)
{
	return k->kind == AN_COL_F64 ? k->f[r] : (double)k->i[r];
}

/* A byte count as 256K, 1M, 2G when it is a whole multiple. */
static void size_label(char *buf, size_t n, double v)
{
	if (v >= 1073741824.0 && fmod(v, 1073741824.0) == 0)
		snprintf(buf, n, "%.0fG", v / 1073741824.0);
	else if (v >= 1048576.0 && fmod(v, 1048576.0) == 0)
		snprintf(buf, n, "%.0fM", v / 1048576.0);
	else if (v >= 1024.0 && fmod(v, 1024.0) == 0)
		snprintf(buf, n, "%.0fK", v / 1024.0);
	else
		snprintf(buf, n, "%.0f", v);
}

static int write_sweep(const char *dir, const char *out_tmp, const char *term, const void *ctx,
		       struct sim_err *err)
{
	const struct sweep_plot *sp = ctx;
	const struct an_table *t = sp->t;
	const struct an_col *xk = &t->cols[sp->xc];
	char data[4200], p[4200];
	int *order = sim_calloc((size_t)t->nrows + 1, sizeof *order), n = 0;
	FILE *f;

	if (!order)
		return sim_errf(err, SIM_ENOMEM, "out of memory");
	snprintf(data, sizeof data, "%s/sweep.dat", dir);
	if (!(f = fopen(data, "w"))) {
		sim_free(order);
		return sim_errf(err, SIM_EIO, "%s: %s", data, strerror(errno));
	}
	for (int c = 0; c < sp->ncurves; c++) {
		/* this curve's rows by x (table rows are sorted already; keep it stable) */
		n = 0;
		for (int r = 0; r < t->nrows; r++)
			if (sp->curve[r] == c && !sp->hide[r])
				order[n++] = r;
		for (int i = 1; i < n; i++)
			for (int j = i; j > 0 && (sp->xstr ? sp->xcat[order[j - 1]] > sp->xcat[order[j]]
						       : cell_num(xk, order[j - 1]) > cell_num(xk, order[j])); j--) {
				int tmp = order[j];
				order[j] = order[j - 1];
				order[j - 1] = tmp;
			}
		if (n == 0)
			continue;   /* a baseline's curve: not drawn, no data block */
		fprintf(f, "# %s\n", sp->label[c]);
		for (int i = 0; i < n; i++) {
			int r = order[i];
			double x = sp->xstr ? sp->xcat[r] : cell_num(xk, r);
			fprintf(f, "%.10g %.10g %.10g ", x, sp->yv[r], isnan(sp->ev[r]) ? 0.0 : sp->ev[r]);
			data_label(f, sp->xstr ? xk->s[r] : "");
			fputc('\n', f);
		}
		fputs("\n\n", f);
	}
	sim_free(order);
	if (fclose(f) != 0)
		return sim_errf(err, SIM_EIO, "%s: write failed", data);

	if (!(f = script_open(dir, term, out_tmp, sp->title, p, sizeof p)))
		return sim_errf(err, SIM_EIO, "%s: %s", p, strerror(errno));
	fputs("\nset xlabel ", f);
	gp_quote(f, sp->xlabel);
	fputs("\nset ylabel ", f);
	gp_quote(f, sp->ylabel);
	fputs("\nset grid xtics ytics lc rgb '#dddddd'\n"
	      "set border 3\nset xtics nomirror\nset ytics nomirror\n"
	      "set key outside right top vertical Left reverse samplen 3 spacing 1.3 box\n"
	      "set offsets graph 0.03, graph 0.03, graph 0.08, 0\n"
	      "set datafile commentschars '#'\n", f);
	if ((!strcmp(xk->unit, "bytes") || sp->logx) && !sp->xstr) {
		/* one tic per value, named with K/M/G */
		fputs("set xtics (", f);
		for (int r = 0; r < t->nrows; r++) {
			double v = cell_num(xk, r);
			char lab[64];
			int seen = 0;
			for (int q = 0; q < r && !seen; q++)
				seen = cell_num(xk, q) == v;
			if (seen)
				continue;
			if (!strcmp(xk->unit, "bytes"))
				size_label(lab, sizeof lab, v);
			else
				snprintf(lab, sizeof lab, "%.0f", v);
			fprintf(f, "%s\"%s\" %.10g", r ? ", " : "", lab, v);
		}
		fputs(")\n", f);
	}
	if (sp->logx)
		fputs("set logscale x 2\n", f);
	{
		/* large counts read better as 28.0M than as 2.8e+07; every figure
		 * is a time, a count or a fraction: the axis starts at 0 */
		double ymax = 0;
		for (int r = 0; r < t->nrows; r++)
			if (!sp->hide[r] && fabs(sp->yv[r]) > ymax)
				ymax = fabs(sp->yv[r]);
		if (ymax >= 1e4)
			fputs("set format y '%.1s%c'\n", f);
		fputs("set yrange [0:*]\n", f);
	}
	fputs("plot ", f);
	for (int c = 0, first = 1, block = -1; c < sp->ncurves; c++) {
		int shown = 0;
		for (int r = 0; r < t->nrows && !shown; r++)
			shown = sp->curve[r] == c && !sp->hide[r];
		if (!shown)
			continue;   /* a baseline's curve */
		if (!first)
			fputs(", \\\n     '' ", f);
		else
			gp_quote(f, data);
		first = 0;
		block++;
		fprintf(f, " index %d using 1:2%s%s with %s lw 2 pt 7 ps 1.2 title ", block,
			sp->ec >= 0 ? ":3" : "", sp->xstr ? ":xtic(4)" : "",
			sp->ec >= 0 ? "yerrorlines" : "linespoints");
		gp_quote(f, sp->label[c]);
	}
	fputc('\n', f);
	if (fclose(f) != 0)
		return sim_errf(err, SIM_EIO, "%s: write failed", p);
	return SIM_OK;
}

/* "name (unit)", units spelled for an axis. */
static void axis_label(char *buf, size_t n, const char *name, const char *unit, const char *extra)
{
	const char *u = unit;
	if (!strcmp(name, "seconds"))
		name = "simulated time";
	else if (!strcmp(name, "cycles"))
		name = "simulated length";
	if (*u)
		snprintf(buf, n, "%s (%s%s)", name, u, extra);
	else
		snprintf(buf, n, "%s%s%s%s", name, *extra ? " (" : "", extra + (*extra ? 2 : 0), *extra ? ")" : "");
}

/* 1 if every row's x is a power of two >= 1 and they span a factor of 4 */
static int powers_of_two(const struct an_col *k, int nrows)
{
	double lo = INFINITY, hi = 0;
	for (int r = 0; r < nrows; r++) {
		double v = cell_num(k, r);
		int e;
		if (!(v >= 1) || frexp(v, &e) != 0.5)
			return 0;
		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
	}
	return hi / lo >= 4;
}

/* A legend's name for column c: the last part of a parameter's dotted name
 * when no other column of by[] ends the same way. */
static const char *short_name(const struct an_table *t, const int *by, int nby, int c)
{
	const char *n = t->cols[c].name, *d = strrchr(n, '.');
	if (!d)
		return n;
	for (int i = 0; i < nby; i++) {
		const char *o = t->cols[by[i]].name, *od = strrchr(o, '.');
		if (by[i] != c && od && !strcmp(od, d))
			return n;
	}
	return d + 1;
}

int an_plot_sweep(const char *out_path, const struct an_table *t, const char *x, const char *y,
		  const char *title, struct sim_err *err)
{
	return an_plot_sweep_base(out_path, t, x, y, NULL, NULL, 0, title, err);
}

/* The phases of a sweep plot, each filling part of sp from sp->t. */

/* The x, y and error columns; an error lists the choices. */
static int sweep_columns(struct sweep_plot *sp, const char *x, const char *y, struct sim_err *err)
{
	const struct an_table *t = sp->t;
	char name[200];

	sp->xc = an_table_col(t, x);
	if (sp->xc < 0 || sp->xc < t->first_param || sp->xc >= t->first_param + t->nparams) {
		char list[1024] = "";
		for (int c = t->first_param; c < t->first_param + t->nparams; c++)
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", c > t->first_param ? ", " : "",
				 t->cols[c].name);
		return sim_errf(err, SIM_EINVAL, "--x %s: not a varied parameter of this sweep (it has: %s)",
				x, list[0] ? list : "none");
	}
	if (t->replicated) {
		snprintf(name, sizeof name, "%s_mean", y);
		sp->yc = an_table_col(t, name);
		snprintf(name, sizeof name, "%s_ci95", y);
		sp->ec = an_table_col(t, name);
	} else {
		sp->yc = an_table_col(t, y);
		sp->ec = -1;
	}
	if (sp->yc < 0 || sp->yc < t->first_param + t->nparams || t->cols[sp->yc].kind == AN_COL_STR) {
		char list[2048] = "";
		for (int c = t->first_param + t->nparams; c < t->ncols; c++) {
			const char *nm = t->cols[c].name;
			size_t len = strlen(nm);
			if (t->replicated && (len < 5 || strcmp(nm + len - 5, "_mean")))
				continue;
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s%.*s", list[0] ? ", " : "",
				 (int)(t->replicated ? len - 5 : len), nm);
		}
		return sim_errf(err, SIM_EINVAL, "--y %s: not a figure of this sweep (figures: %s)", y, list);
	}
	sp->xstr = t->cols[sp->xc].kind == AN_COL_STR;
	return SIM_OK;
}

/* The baseline's rows (COLUMN=VALUE): they are divided by, not drawn
 * (sp->hide); its column into *bc and its value into *bval. */
static int sweep_baseline_rows(struct sweep_plot *sp, const char *baseline, int *bc, const char **bval,
			       struct sim_err *err)
{
	const struct an_table *t = sp->t;
	const char *eq = strchr(baseline, '=');
	int nbase = 0;
	char bname[160], a[256];

	if (!eq || eq == baseline || (size_t)(eq - baseline) >= sizeof bname)
		return sim_errf(err, SIM_EINVAL, "--baseline %s: expected COLUMN=VALUE (mode=native)", baseline);
	memcpy(bname, baseline, (size_t)(eq - baseline));
	bname[eq - baseline] = '\0';
	*bval = eq + 1;
	if ((*bc = an_table_col(t, bname)) < 0 || *bc >= t->first_param + t->nparams)
		return sim_errf(err, SIM_EINVAL, "--baseline %s: '%s' is not a column of the sweep "
				"(trace, mode or a varied parameter)", baseline, bname);
	for (int r = 0; r < t->nrows; r++) {
		an_table_cell(t, *bc, r, a, sizeof a);
		if (!strcmp(t->cols[*bc].unit, "bytes") && t->cols[*bc].kind == AN_COL_F64)
			size_label(a, sizeof a, t->cols[*bc].f[r]);
		sp->hide[r] = !strcmp(a, *bval) || (!strcmp(bname, "trace") && strrchr(a, '/') &&
						    !strcmp(strrchr(a, '/') + 1, *bval));
		nbase += sp->hide[r];
	}
	if (!nbase || nbase == t->nrows)
		return sim_errf(err, SIM_EINVAL, "--baseline %s: %s point of the sweep has %s = %s", baseline,
				nbase ? "every" : "no", bname, *bval);
	return SIM_OK;
}

/* The columns that tell curves apart: trace, mode and the varied
 * parameters other than x that vary among the rows drawn (a trace's
 * capture settings come with it: the trace names them).  Returns how many,
 * into by[]. */
static int sweep_curve_columns(const struct sweep_plot *sp, int *by)
{
	const struct an_table *t = sp->t;
	int nby = 0;

	for (int c = 0; c < t->ncols; c++) {
		int param = c >= t->first_param && c < t->first_param + t->nparams;
		int varies = 0, r0 = 0;
		char a[256], b[256];
		if (c == sp->xc || !(param || !strcmp(t->cols[c].name, "trace") || !strcmp(t->cols[c].name, "mode")))
			continue;
		if (param && !strncmp(t->cols[c].name, "capture.", 8))
			continue;
		while (r0 < t->nrows - 1 && sp->hide[r0])
			r0++;
		an_table_cell(t, c, r0, a, sizeof a);
		for (int r = r0 + 1; r < t->nrows && !varies; r++) {
			if (sp->hide[r])
				continue;
			an_table_cell(t, c, r, b, sizeof b);
			varies = strcmp(a, b) != 0;
		}
		if (varies)
			by[nby++] = c;
	}
	return nby;
}

/* Each row's curve, one per combination of the by[] columns, labelled
 * with them (y's name when there is one curve). */
static void sweep_curves(struct sweep_plot *sp, const int *by, int nby, const char *y)
{
	const struct an_table *t = sp->t;

	for (int r = 0; r < t->nrows; r++) {
		char lab[256] = "", cell[128];
		for (int i = 0; i < nby; i++) {
			const char *v = cell;
			an_table_cell(t, by[i], r, cell, sizeof cell);
			if (!strcmp(t->cols[by[i]].unit, "bytes") && t->cols[by[i]].kind == AN_COL_F64)
				size_label(cell, sizeof cell, t->cols[by[i]].f[r]);
			if (!strcmp(t->cols[by[i]].name, "trace") && strrchr(cell, '/'))
				v = strrchr(cell, '/') + 1;
			snprintf(lab + strlen(lab), sizeof lab - strlen(lab), "%s%s=%s", i ? ", " : "",
				 short_name(t, by, nby, by[i]), v);
		}
		if (!nby)
			snprintf(lab, sizeof lab, "%s", y);
		sp->curve[r] = -1;
		for (int c = 0; c < sp->ncurves; c++)
			if (!strcmp(sp->label[c], lab))
				sp->curve[r] = c;
		if (sp->curve[r] < 0) {
			snprintf(sp->label[sp->ncurves], sizeof sp->label[0], "%s", lab);
			sp->curve[r] = sp->ncurves++;
		}
	}
}

/* The x axis: a text x's categories (the order given to --vary, then any
 * other value as it comes); log2 for sizes spread over a factor of 4 or
 * more, and for any parameter whose values are powers of two (L2TLB
 * entries, ways). */
static void sweep_x_axis(struct sweep_plot *sp, const char *const *xorder, int nxorder)
{
	const struct an_table *t = sp->t;

	if (sp->xstr) {
		int ncat = nxorder;
		for (int r = 0; r < t->nrows; r++) {
			const char *v = t->cols[sp->xc].s[r] ? t->cols[sp->xc].s[r] : "";
			sp->xcat[r] = -1;
			for (int i = 0; i < nxorder && sp->xcat[r] < 0; i++)
				if (!strcmp(xorder[i], v))
					sp->xcat[r] = i;
			for (int q = 0; q < r && sp->xcat[r] < 0; q++)
				if (!strcmp(t->cols[sp->xc].s[q] ? t->cols[sp->xc].s[q] : "", v))
					sp->xcat[r] = sp->xcat[q];
			if (sp->xcat[r] < 0)
				sp->xcat[r] = ncat++;
		}
		return;
	}
	if (!strcmp(t->cols[sp->xc].unit, "bytes")) {
		double lo = INFINITY, hi = 0;
		for (int r = 0; r < t->nrows; r++) {
			double v = cell_num(&t->cols[sp->xc], r);
			lo = v < lo ? v : lo;
			hi = v > hi ? v : hi;
		}
		sp->logx = lo > 0 && hi / lo >= 4;
	}
	if (!sp->logx)
		sp->logx = powers_of_two(&t->cols[sp->xc], t->nrows);
}

/* Each drawn row's y and error divided by its baseline row's: the one
 * with the same x first, then the most by[] columns (bc aside) alike. */
static void sweep_divide(struct sweep_plot *sp, const int *by, int nby, int bc)
{
	const struct an_table *t = sp->t;
	char a[256], b[256];

	for (int r = 0; r < t->nrows; r++) {
		int best = -1, bscore = -1;
		double base;
		if (sp->hide[r])
			continue;
		for (int q = 0; q < t->nrows; q++) {
			int score = 0;
			if (!sp->hide[q])
				continue;
			an_table_cell(t, sp->xc, r, a, sizeof a);
			an_table_cell(t, sp->xc, q, b, sizeof b);
			score += strcmp(a, b) ? 0 : 1000;
			for (int i = 0; i < nby; i++) {
				if (by[i] == bc)
					continue;
				an_table_cell(t, by[i], r, a, sizeof a);
				an_table_cell(t, by[i], q, b, sizeof b);
				score += !strcmp(a, b);
			}
			if (score > bscore) {
				bscore = score;
				best = q;
			}
		}
		base = sp->yv[best];
		sp->yv[r] = base != 0 ? sp->yv[r] / base : NAN;
		sp->ev[r] = base != 0 ? sp->ev[r] / base : NAN;
	}
}

/* Axis labels and the title. */
static void sweep_labels(struct sweep_plot *sp, const char *x, const char *y, int bc, const char *bval,
			 const char *title)
{
	const struct an_table *t = sp->t;
	int nseeds = 1, ns = an_table_col(t, "nseeds");

	for (int r = 0; ns >= 0 && r < t->nrows; r++)
		if (cell_num(&t->cols[ns], r) > nseeds)
			nseeds = (int)cell_num(&t->cols[ns], r);
	axis_label(sp->xlabel, sizeof sp->xlabel, x, t->cols[sp->xc].unit, "");
	axis_label(sp->ylabel, sizeof sp->ylabel, y, t->cols[sp->yc].unit,
		   !strcmp(t->cols[sp->yc].unit, "cycles") && strcmp(y, "cycles") ? ", summed over CPUs" : "");
	if (bc >= 0)
		snprintf(sp->ylabel, sizeof sp->ylabel, "%s relative to %s = %s (1 = the same)",
			 !strcmp(y, "seconds") ? "simulated time" : y, t->cols[bc].name, bval);
	if (title)
		snprintf(sp->title, sizeof sp->title, "%s", title);
	else if (sp->ec >= 0)
		snprintf(sp->title, sizeof sp->title, "%s against %s: mean and 95%% confidence interval over %d seeds",
			 y, x, nseeds);
	else
		snprintf(sp->title, sizeof sp->title, "%s against %s", y, x);
}

int an_plot_sweep_base(const char *out_path, const struct an_table *t, const char *x, const char *y,
		       const char *baseline, const char *const *xorder, int nxorder, const char *title,
		       struct sim_err *err)
{
	struct sweep_plot sp = { 0 };
	int *by = NULL, nby, rc, bc = -1;
	const char *bval = NULL;

	if (!t || t->nrows < 1)
		return sim_errf(err, SIM_EINVAL, "the sweep table has no rows to plot");
	sp.t = t;
	if ((rc = sweep_columns(&sp, x, y, err)) != SIM_OK)
		return rc;
	by = sim_calloc((size_t)t->ncols + 1, sizeof *by);
	sp.curve = sim_calloc((size_t)t->nrows + 1, sizeof *sp.curve);
	sp.label = sim_calloc((size_t)t->nrows + 1, sizeof *sp.label);
	sp.xcat = sim_calloc((size_t)t->nrows + 1, sizeof *sp.xcat);
	sp.yv = sim_calloc((size_t)t->nrows + 1, sizeof *sp.yv);
	sp.ev = sim_calloc((size_t)t->nrows + 1, sizeof *sp.ev);
	sp.hide = sim_calloc((size_t)t->nrows + 1, sizeof *sp.hide);
	if (!by || !sp.curve || !sp.label || !sp.xcat || !sp.yv || !sp.ev || !sp.hide) {
		rc = sim_errf(err, SIM_ENOMEM, "out of memory");
		goto out_free;
	}
	if (baseline && (rc = sweep_baseline_rows(&sp, baseline, &bc, &bval, err)) != SIM_OK)
		goto out_free;
	nby = sweep_curve_columns(&sp, by);
	sweep_curves(&sp, by, nby, y);
	sweep_x_axis(&sp, xorder, nxorder);
	for (int r = 0; r < t->nrows; r++) {
		sp.yv[r] = cell_num(&t->cols[sp.yc], r);
		sp.ev[r] = sp.ec >= 0 ? cell_num(&t->cols[sp.ec], r) : 0.0;
	}
	if (baseline)
		sweep_divide(&sp, by, nby, bc);
	sweep_labels(&sp, x, y, bc, bval, title);
	rc = render_with(out_path, write_sweep, &sp, err);
out_free:
	sim_free(by);
	sim_free(sp.curve);
	sim_free(sp.label);
	sim_free(sp.xcat);
	sim_free(sp.yv);
	sim_free(sp.ev);
	sim_free(sp.hide);
	return rc;
}
