/* disco plot FILE: figures from the runs of a results file, through gnuplot. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/plot.h"
#include "analysis/results.h"
#include "analysis/sweep.h"
#include "base/mem.h"
#include "cli/cli.h"

static const char usage[] =
	"usage: disco plot FILE... [--kind breakdown|locality|footprint|footprint-time]\n"
	"                  [--groups a,b,c] [--labels x,y,z]\n"
	"                  [--base NAME] [--title TEXT] -o OUT.png|OUT.svg|OUT.pdf\n"
	"       disco plot SWEEP.h5 --kind sweep [--x PARAM] [--y FIGURE] [--baseline COLUMN=VALUE]\n"
	"                  [--title TEXT] -o OUT.png\n"
	"\n"
	"Draw one bar per run of the results files (every run in the order written,\n"
	"file after file, or those --groups names, in that order), normalized to the\n"
	"baseline run (--base, default the first) = 100.  A run is named NAME, or\n"
	"FILE:NAME when several files have a run of that name.\n"
	"\n"
	"  breakdown  execution time by category, stacked bottom to top: user,\n"
	"             kernel, kernel sync, monitor, idle (Figures 6 and 8)\n"
	"  locality   non-idle time as instruction execution, local stall, remote\n"
	"             stall and monitor overhead, with the % of cache misses served\n"
	"             locally above each bar (Figure 9)\n"
	"  footprint  memory at the end of each run, in MB: a V bar (guest pages in\n"
	"             use over every VM: no sharing) and an M bar (machine pages,\n"
	"             shared ones once, and the monitor's own), stacked by category\n"
	"             (Figure 7); no baseline\n"
	"  footprint-time  V (dashed) and M of each run over simulated time, in MB,\n"
	"             with a dotted line where a run's boot ends (its statistics\n"
	"             start there: replay.measure)\n"
	"\n"
	"  sweep      a sweep file's table (disco sweep): FIGURE against PARAM (a\n"
	"             varied parameter, default the first), one curve per value of\n"
	"             the other varied parameters; with --seeds, the mean with 95%\n"
	"             confidence intervals as error bars.  FIGURE (default seconds):\n"
	"             cycles, seconds, user, kernel, kernel_sync, monitor, idle,\n"
	"             stall_local, stall_remote, instructions, references, tlb_misses,\n"
	"             utlb_misses, l2tlb_hits, l2tlb_misses, misses_local,\n"
	"             misses_remote, locality, pages_touched.  --baseline mode=native\n"
	"             divides each point by the native point of the same parameters\n"
	"             (the overhead of the monitor; any COLUMN=VALUE of the sweep:\n"
	"             trace=NAME, policy.l2tlb=off, ...) and leaves the baseline out.\n"
	"             Powers of two go on a log2 axis; the legend names only what\n"
	"             differs between the curves; y starts at 0.\n"
	"\n"
	"--labels names the bars (default: the run names; a sweep's runs by the\n"
	"values of the parameters it varied).  Needs gnuplot\n"
	"(Debian: gnuplot-nox).\n";

/* Split a comma-separated list in place; returns the count (at most max). */
static int split(char *s, char **out, int max)
{
	int n = 0;
	for (char *save = NULL, *t = strtok_r(s, ",", &save); t && n < max; t = strtok_r(NULL, ",", &save))
		out[n++] = t;
	return n;
}

#define MAX_BARS 64

/* The default name of a sweep's run: the values of the parameters the
 * sweep varied ("policy.migration=oracle"), from the file's sweep table;
 * the run's own name when the file has none or the run is not in it. */
static void sweep_label(const struct an_table *t, const char *run, char *buf, size_t n)
{
	int g = t ? an_table_col(t, "group") : -1;
	for (int r = 0; g >= 0 && r < t->nrows; r++) {
		char cell[160];
		size_t len = 0;
		an_table_cell(t, g, r, cell, sizeof cell);
		if (strcmp(cell, run) != 0)
			continue;
		buf[0] = 0;
		for (int c = t->first_param; c < t->first_param + t->nparams && len < n; c++) {
			an_table_cell(t, c, r, cell, sizeof cell);
			len += (size_t)snprintf(buf + len, n - len, "%s%s=%s", len ? ", " : "", t->cols[c].name,
						cell);
		}
		if (t->nparams > 0)
			return;
	}
	snprintf(buf, n, "%s", run);
}

/* disco plot SWEEP.h5 --kind sweep: the exit status. */
static int plot_sweep(const char *path, const char *out, const char *xp, const char *yf,
		      const char *baseline, const char *title)
{
	struct sim_err err = { 0 };
	struct an_table t;
	const char *xname;
	char **order = NULL;
	int norder = 0, rc;

	if (an_sweep_table_read(path, &t, &err) != SIM_OK)
		return cli_fail("plot", &err);
	if (!xp && t.nparams < 1) {
		an_table_free(&t);
		return cli_usage_error("plot", "%s: the sweep varies no parameter to plot against", path);
	}
	xname = xp ? xp : t.cols[t.first_param].name;
	/* text values in the order given to --vary (none in older files) */
	rc = an_sweep_read_order(path, xname, &order, &norder, &err);
	if (rc == SIM_OK)
		rc = an_plot_sweep_base(out, &t, xname, yf, baseline, (const char *const *)order, norder,
					title, &err);
	an_sweep_free_order(order, norder);
	an_table_free(&t);
	return rc == SIM_OK ? 0 : cli_fail("plot", &err);
}

/* The bars' names when --labels gives none: one sweep file's runs by what
 * the sweep varied, other runs by their own names. */
static void default_labels(const struct cli_runs *all, int nfiles, char *const *groups, int ng,
			   char **labels, char (*buf)[160])
{
	struct an_table t = { 0 };
	struct sim_err terr = { 0 };
	int have = nfiles == 1 && an_sweep_table_read(all->run[0].path, &t, &terr) == SIM_OK;
	for (int i = 0; i < ng; i++) {
		sweep_label(have ? &t : NULL, groups[i], buf[i], sizeof buf[i]);
		labels[i] = buf[i];
	}
	if (have)
		an_table_free(&t);
}

int cmd_plot(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, 0, 'h' },
		{ "kind", required_argument, 0, 'k' },
		{ "groups", required_argument, 0, 'g' },
		{ "labels", required_argument, 0, 'l' },
		{ "base", required_argument, 0, 'b' },
		{ "title", required_argument, 0, 't' },
		{ "output", required_argument, 0, 'o' },
		{ "x", required_argument, 0, 'X' },
		{ "y", required_argument, 0, 'Y' },
		{ "baseline", required_argument, 0, 'B' },
		{ 0, 0, 0, 0 },
	};
	struct sim_err err = { 0 };
	const char *path = NULL, *out = NULL, *kind = "breakdown", *base_name = NULL, *title = NULL;
	const char *xp = NULL, *yf = "seconds", *baseline = NULL;
	char *groups_arg = NULL, *labels_arg = NULL;
	char *groups[MAX_BARS], *labels[MAX_BARS];
	static char sweep_lab[MAX_BARS][160];
	struct rpl_results runs[MAX_BARS];
	const struct rpl_results *rp[MAX_BARS];
	struct cli_runs all = { 0 };
	an_reader *rd = NULL;
	int ng = 0, nl = 0, nread = 0, base = 0, nfiles, o, rc = 0;

	optind = 1;
	while ((o = getopt_long(argc, argv, "hk:g:l:b:t:o:", opts, NULL)) != -1) {
		switch (o) {
		case 'h': fputs(usage, stdout); return 0;
		case 'k': kind = optarg; break;
		case 'g': groups_arg = optarg; break;
		case 'l': labels_arg = optarg; break;
		case 'b': base_name = optarg; break;
		case 't': title = optarg; break;
		case 'o': out = optarg; break;
		case 'X': xp = optarg; break;
		case 'Y': yf = optarg; break;
		case 'B': baseline = optarg; break;
		default: return cli_bad_option("plot");
		}
	}
	if (optind >= argc)
		return cli_usage_error("plot", "name a results file (.h5)");
	nfiles = argc - optind;
	path = argv[optind];
	if (!out)
		return cli_usage_error("plot", "name the figure with -o OUT.png (or .svg, .pdf)");
	for (int i = optind; i < argc; i++)
		if (cli_check_output(out, argv[i], &err) != SIM_OK)
			return cli_fail("plot", &err);
	if (!strcmp(kind, "sweep")) {
		if (nfiles > 1)
			return cli_usage_error("plot", "--kind sweep draws one sweep file");
		return plot_sweep(path, out, xp, yf, baseline, title);
	}
	if (strcmp(kind, "breakdown") && strcmp(kind, "locality") && strcmp(kind, "footprint") &&
	    strcmp(kind, "footprint-time"))
		return cli_usage_error("plot", "--kind: '%s' is not breakdown, locality, footprint, "
				       "footprint-time or sweep", kind);

	if (cli_runs_collect(&all, argv + optind, nfiles, &err) != SIM_OK)
		return cli_fail("plot", &err);
	if (groups_arg) {
		groups_arg = sim_strdup(groups_arg);
		ng = groups_arg ? split(groups_arg, groups, MAX_BARS) : 0;
		if (ng == 0) {
			rc = cli_usage_error("plot", "--groups: no run named");
			goto out_free;
		}
		for (int i = 0; i < ng; i++) {
			long k = cli_runs_find(&all, groups[i], &err);
			if (k < 0) {
				rc = cli_fail("plot", &err);
				goto out_free;
			}
			all.sel[i] = (size_t)k;
		}
		all.nsel = (size_t)ng;
	} else {
		if (all.n > MAX_BARS) {
			fprintf(stderr, "disco plot: %s%s: hold %zu runs (1 to %d can be drawn; name them "
				"with --groups)\n", path, nfiles > 1 ? " and the others" : "", all.n, MAX_BARS);
			rc = 2;
			goto out_free;
		}
		ng = (int)all.nsel;
	}
	for (int i = 0; i < ng; i++)
		groups[i] = (char *)cli_runs_label(&all, (size_t)i);
	if (labels_arg) {
		labels_arg = sim_strdup(labels_arg);
		nl = labels_arg ? split(labels_arg, labels, MAX_BARS) : 0;
		if (nl != ng) {
			rc = cli_usage_error("plot", "--labels gives %d names for %d runs", nl, ng);
			goto out_free;
		}
	} else {
		default_labels(&all, nfiles, groups, ng, labels, sweep_lab);
	}
	if (base_name) {
		base = -1;
		for (int i = 0; i < ng; i++)
			if (!strcmp(groups[i], base_name) || !strcmp(labels[i], base_name))
				base = i;
		if (base < 0) {
			rc = cli_usage_error("plot", "--base: '%s' is not one of the plotted runs", base_name);
			goto out_free;
		}
	}
	for (nread = 0; nread < ng; nread++) {
		const struct cli_run *ru = &all.run[all.sel[nread]];
		if (cli_run_read(&rd, ru, &runs[nread], NULL, &err) != SIM_OK) {
			rc = cli_fail("plot", &err);
			goto out_free;
		}
		rp[nread] = &runs[nread];
	}
	if (!strcmp(kind, "breakdown"))
		rc = an_plot_breakdown(out, rp, (const char *const *)labels, ng, base, title, &err);
	else if (!strcmp(kind, "footprint"))
		rc = an_plot_footprint(out, rp, (const char *const *)labels, ng, title, &err);
	else if (!strcmp(kind, "footprint-time"))
		rc = an_plot_footprint_time(out, rp, (const char *const *)labels, ng, title, &err);
	else
		rc = an_plot_locality(out, rp, (const char *const *)labels, ng, base, title, &err);
	rc = rc == SIM_OK ? 0 : cli_fail("plot", &err);
out_free:
	for (int i = 0; i < nread; i++)
		an_results_free(&runs[i]);
	an_reader_close(rd);
	cli_runs_free(&all);
	sim_free(groups_arg);
	sim_free(labels_arg);
	return rc;
}
