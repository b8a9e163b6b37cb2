/*
 * Figures through gnuplot, run as an external program: stacked execution-time
 * bars normalized to a baseline (Figures 6, 8) and the locality bars of
 * Figure 9.  The output format follows the file's extension (.png, .svg, .pdf).
 */
#ifndef ANALYSIS_PLOT_H
#define ANALYSIS_PLOT_H

#include <stddef.h>

#include "base/err.h"
#include "replay/replay.h"

/* Find gnuplot on PATH: writes its path into buf.  SIM_ENOTSUP, with a message
 * naming the Debian package gnuplot-nox, when it is missing. */
int an_gnuplot_find(char *buf, size_t n, struct sim_err *err);

/* A plot's return code as a figure sees it: SIM_ENOTSUP (no gnuplot) is
 * not a failure, the figure goes on and its report says "not drawn: why"
 * (written into note); any other code is returned as it is. */
int an_plot_or_note(int rc, const struct sim_err *err, char *note, size_t n);

/* One stacked bar per run, cycles summed over CPUs, categories bottom to top
 * user, kernel, kernel_sync, monitor, idle, scaled so that run `base` totals
 * 100; each bar's total is printed above it.  labels[i] names bar i (NULL:
 * "run i"); title NULL: a default naming the baseline.  The figure is written
 * to out_path (a temporary file renamed into place).
 * Returns 0; SIM_EINVAL for bad arguments (n < 1, base out of range, a
 * baseline of zero time, an unknown extension); SIM_ENOTSUP without gnuplot;
 * SIM_EIO when gnuplot fails (its first error line in err). */
int an_plot_breakdown(const char *out_path, const struct rpl_results *const *runs,
		      const char *const *labels, int n, int base, const char *title,
		      struct sim_err *err);

/* Figure 7: for each run a V bar (guest pages in use, no sharing) and an M
 * bar (machine pages, shared ones once, and the monitor's own memory),
 * stacked by category, in MB, with the total above.  Arguments and returns
 * as an_plot_breakdown (no baseline). */
int an_plot_footprint(const char *out_path, const struct rpl_results *const *runs,
		      const char *const *labels, int n, const char *title, struct sim_err *err);

/* The footprint over time: per run a V curve (dashed) and an M curve, in
 * MB against simulated ms, from the run's samples.  SIM_EINVAL for a run
 * without samples; otherwise as an_plot_breakdown. */
int an_plot_footprint_time(const char *out_path, const struct rpl_results *const *runs,
			   const char *const *labels, int n, const char *title, struct sim_err *err);

/* Figure 9's four parts of a run's non-idle time, in cycles: instruction
 * execution, local stall, remote stall, monitor overhead (the monitor's own
 * stalls included: they are its overhead). */
void an_locality_parts(const struct rpl_results *r, double part[4]);

/* Figure 9: non-idle time split into instruction execution (user, kernel and
 * sync time not stalled), local stall, remote stall and monitor overhead,
 * normalized to run `base` = 100, with the percentage of L2 misses served
 * locally above each bar.  Arguments and returns as an_plot_breakdown. */
int an_plot_locality(const char *out_path, const struct rpl_results *const *runs,
		     const char *const *labels, int n, int base, const char *title,
		     struct sim_err *err);

/* One bar of a grouped figure (the paper's Figures 6 and 9 on one axis). */
struct an_bar {
	const struct rpl_results *run;
	const struct rpl_results *base;   /* the bar is normalized to this run = 100 */
	const char *label;                /* under the bar */
	const char *group;                /* under its group; consecutive bars of one group
					   * sit together, a gap between groups */
	double paper_lo, paper_hi;        /* the paper's value (lo == hi) or range, in percent
					   * of base, marked on the bar; NaN: none */
};

/* Grouped stacked bars: the time breakdown (an_plot_breakdown's categories,
 * normalized to each bar's base total) or the locality parts
 * (an_plot_locality's, normalized to the base's non-idle time; "% local" in
 * the label above each bar), the bar's total above it with one decimal, and
 * the paper's value as a black mark where there is one; ylabel NULL: a
 * default.  Returns as an_plot_breakdown. */
int an_plot_breakdown_grouped(const char *out_path, const struct an_bar *bars, int n,
			      const char *title, const char *ylabel, struct sim_err *err);
int an_plot_locality_grouped(const char *out_path, const struct an_bar *bars, int n,
			     const char *title, const char *ylabel, struct sim_err *err);

/* Sweep curves from a sweep table (analysis/sweep.h): figure y (a headline
 * figure: "cycles", "tlb_misses", ...) against the varied parameter x, one
 * curve per combination of the other columns that vary (parameters, trace,
 * mode), points joined in x order; with seed replicas, y is the mean and
 * error bars give the 95% confidence interval.  Axis labels carry units;
 * sizes in bytes are labelled with K/M prefixes, and x values that are
 * powers of two spread over a factor of 4 or more go on a log2 axis; the
 * legend, outside the plot, names only what differs between curves (not
 * the capture.* settings that come with each trace); y starts at 0.
 * Returns as an_plot_breakdown; SIM_EINVAL (naming what there is) when x is
 * not a varied parameter or y not a figure of the table. */
struct an_table;
int an_plot_sweep(const char *out_path, const struct an_table *t, const char *x, const char *y,
		  const char *title, struct sim_err *err);
/* As an_plot_sweep, with y divided by a baseline's (baseline "COLUMN=VALUE",
 * NULL: none): each row's baseline is the row with COLUMN = VALUE that
 * agrees with it on the most other varied columns (x first), so that
 * "mode=native" is the overhead against the native replay of the same
 * parameters.  The baseline's own curves are left out.  SIM_EINVAL when no
 * row has COLUMN = VALUE.  xorder (nxorder values, may be NULL) orders text
 * x values, as given to --vary (an_sweep_read_order); others follow. */
int an_plot_sweep_base(const char *out_path, const struct an_table *t, const char *x, const char *y,
		       const char *baseline, const char *const *xorder, int nxorder, const char *title,
		       struct sim_err *err);

#endif
