/*
 * Figure 8, Radix (paper 5.4): "Radix has an unfortunate interaction with
 * the lazy evaluation policies of the IRIX virtual memory system ... all
 * threads suffer many page faults on the same region causing serialization
 * ... The result is Radix spends one half of its time in the operating
 * system."  On SPLASHOS (4.4) the monitor handles the faults: "Both
 * configurations suffer from the same number of page faults ... This system
 * time is an order of magnitude larger for IRIX than it is for SPLASHOS on
 * top of Disco.  The NUMA-aware allocation policy of Disco also reduces hot
 * spots and improves user stall time."
 *
 * Runs: capture/workloads/radix.wl on 8 CPUs, 256 MB: IRIX 5.3 natively on
 * the round-robin layout (5.4), and SPLASHOS under the monitor with its
 * NUMA-aware placement (first touch) and no migration or replication (5.4).
 * Every number here comes out of the two runs; none is set.
 */
#include "analysis/fig8radix.h"

#include <math.h>
#include <string.h>

#include "analysis/plot.h"
#include "analysis/results.h"
#include "analysis/scorecard.h"

static const char *const ids[AN_RX_RUNS] = { "radix-irix", "radix-splashos" };
static const char *const names[AN_RX_RUNS] = { "IRIX", "SPLASHOS" };

static int capture_cfg(const struct an_fig_opts *o, double scale, int k, cfg **out, struct sim_err *err)
{
	char sc[64];
	int splash = k == AN_RX_SPLASHOS;
	snprintf(sc, sizeof sc, "%g", scale);
	const char *sets[][2] = {
		{ "capture.cpus", "8" }, { "machine.cpus", "8" }, { "capture.scale", sc },
		{ "capture.guest", splash ? "splashos" : "irix" },
		{ "capture.mode", splash ? "disco" : "native" },
		{ "capture.hal", splash ? "disco" : "plain" },
		/* 5.4: IRIX on the round-robin layout; Disco's NUMA-aware
		 * allocation, nothing moving */
		{ "policy.placement", splash ? "first-touch" : "round-robin" },
		{ "policy.migration", "none" },
	};
	return an_fig_capture_cfg(o, "flash8", "radix", sets, sizeof sets / sizeof sets[0], out, err);
}

static int capture_job(const struct an_fig_opts *o, void *ctx, struct sim_err *err)
{
	const struct an_fig8r_job *j = ctx;
	an_fig_say(o, "Figure 8, Radix on %s: capturing", names[j->run]);
	return an_fig_capture(o, j->f->c[j->run], NULL, &j->f->r[j->run], err);
}

int an_fig8r_jobs(const struct an_fig_opts *o, struct an_fig8r *f, struct an_fig_plan *p,
		  struct sim_err *err)
{
	memset(f, 0, sizeof *f);
	/* quick: a twentieth of the paper's 4M keys (the figures' quick scale) */
	f->scale = (o->full ? 1.0 : 0.05) * cfg_real(o->base, "capture.scale");
	for (int k = 0; k < AN_RX_RUNS; k++) {
		struct an_job *j;
		int rc = capture_cfg(o, f->scale, k, &f->c[k], err);
		if (rc) {
			sim_err_prefix(err, "Figure 8, Radix on %s", names[k]);
			return rc;
		}
		f->job[k] = (struct an_fig8r_job){ f, k };
		/* a few seconds each at --quick */
		if (!(j = an_fig_job(p, o, capture_job, &f->job[k], 3, "Figure 8, Radix on %s", names[k])))
			return sim_errf(err, SIM_EINTERNAL, "Figure 8: too many jobs");
		j->res[0] = &f->r[k];
		j->nres = 1;
	}
	return SIM_OK;
}

int an_fig8r_finish(const struct an_fig_opts *o, struct an_fig8r *f, struct sim_err *err)
{
	char h5[4096], png[4096];
	const struct rpl_results *runs[AN_RX_RUNS];
	int rc;

	snprintf(h5, sizeof h5, "%s/fig8radix.h5", o->outdir);
	snprintf(png, sizeof png, "%s/fig8radix.png", o->outdir);
	f->ok = 1;
	if ((rc = an_write_runs(h5, AN_RX_RUNS, ids, f->c, f->r, "", err)))
		return rc;
	for (int k = 0; k < AN_RX_RUNS; k++)
		runs[k] = &f->r[k];
	rc = an_plot_breakdown(png, runs, names, AN_RX_RUNS, AN_RX_IRIX,
			       "Figure 8: Radix, time normalized to IRIX", err);
	return an_plot_or_note(rc, err, f->note, sizeof f->note);
}

void an_fig8r_free(struct an_fig8r *f)
{
	for (int k = 0; k < AN_RX_RUNS; k++) {
		rpl_results_free(&f->r[k]);
		cfg_free(f->c[k]);
		f->c[k] = NULL;
	}
}

static double cat(const struct rpl_results *r, int c) { return (double)rpl_total_cat(r, c); }

static double all(const struct rpl_results *r)
{
	double t = 0;
	for (int k = 0; k < ACCT_NCATS; k++)
		t += cat(r, k);
	return t;
}

/* System time: the kernel's, its synchronization and the monitor's. */
static double sys_time(const struct rpl_results *r)
{
	return cat(r, ACCT_KERNEL) + cat(r, ACCT_SYNC) + cat(r, ACCT_MONITOR);
}

static double user_stall(const struct rpl_results *r)
{
	double t = 0;
	for (int c = 0; c < r->ncpus; c++)
		t += (double)(r->cpu[c].stall_local[ACCT_USER] + r->cpu[c].stall_remote[ACCT_USER]);
	return t;
}

static double faults(const struct rpl_results *r)
{
	return (double)(r->service[TRC_SVC_DEMAND_ZERO].count + r->service[TRC_SVC_QUICK_FAULT].count +
			r->service[TRC_SVC_PAGE_FAULT].count);
}

/* The cycles of the page-fault services alone (the faults' share of the
 * system time; the rest is TLB refills). */
static double fault_cycles(const struct rpl_results *r)
{
	return (double)(r->service[TRC_SVC_DEMAND_ZERO].cycles + r->service[TRC_SVC_QUICK_FAULT].cycles +
			r->service[TRC_SVC_PAGE_FAULT].cycles);
}

static double q(double a, double b) { return b > 0 ? a / b : NAN; }

struct rxnum { const char *id, *claim, *unit; double paper, model; };

static int numbers(const struct an_fig8r *f, struct rxnum *n)
{
	const struct rpl_results *ir = &f->r[AN_RX_IRIX], *sp = &f->r[AN_RX_SPLASHOS];
	int k = 0;
	n[k++] = (struct rxnum){ "fig8.radix.irix.os_share",
				 "Radix spends one half of its time in the operating system on IRIX",
				 "fraction", 0.5, q(cat(ir, ACCT_KERNEL) + cat(ir, ACCT_SYNC), all(ir)) };
	n[k++] = (struct rxnum){ "fig8.radix.system_time_factor",
				 "the system time is an order of magnitude larger for IRIX than for "
				 "SPLASHOS on Disco", "ratio", 10, q(sys_time(ir), sys_time(sp)) };
	n[k++] = (struct rxnum){ "fig8.radix.fault_ratio",
				 "both suffer from the same number of page faults (IRIX / SPLASHOS)",
				 "ratio", 1, q(faults(ir), faults(sp)) };
	n[k++] = (struct rxnum){ "fig8.radix.user_stall_ratio",
				 "Disco's NUMA-aware allocation improves user stall time (SPLASHOS / "
				 "IRIX)", "ratio", NAN, q(user_stall(sp), user_stall(ir)) };
	n[k++] = (struct rxnum){ "fig8.radix.splashos.ratio",
				 "drastic performance improvements on SPLASHOS (time / IRIX's)", "ratio",
				 NAN, q(all(sp), all(ir)) };
	n[k++] = (struct rxnum){ "fig8.radix.fault_time_factor",
				 "the page faults' own time, IRIX / SPLASHOS", "ratio", NAN,
				 q(fault_cycles(ir), fault_cycles(sp)) };
	return k;
}

void an_fig8r_report(FILE *md, const struct an_fig8r *f, an_num_fn num, void *ctx)
{
	struct rxnum n[8];
	double base;
	int k;

	if (!f->ok || (base = all(&f->r[AN_RX_IRIX])) <= 0)
		return;
	fprintf(md, "## Figure 8: scalability, Radix (5.4)\n\n"
		    "SPLASH-2 radix (`capture/workloads/radix.wl`: %.0f keys below 2^30, radix 256, "
		    "four passes; capture.scale %g of the paper's 4M keys), one thread per CPU on 8 "
		    "CPUs.  IRIX: IRIX 5.3 on the bare machine, round-robin layout; each thread's "
		    "first touch of each page faults (IRIX sets up each thread's page table lazily), "
		    "every fault under the shared region's sleeping lock (a thread that finds it held "
		    "switches out, the run queue's lock held over the queue work, and is handed it "
		    "at the holder's release) and memlock.  SPLASHOS: the "
		    "same user stream under the monitor, which takes every TLB miss and page fault "
		    "(no guest page tables); pages placed on the faulting CPU's node, migration and "
		    "replication off.  Time summed over the 8 CPUs, as %% of IRIX's.  System time: "
		    "kernel + kernel sync + monitor.  The faults' own time is the page-fault services' "
		    "(DEMAND-ZERO and QUICK-FAULT on IRIX, PAGE-FAULT on SPLASHOS); the rest of the "
		    "system time is TLB refills.  At the quick scale each thread's share of a bucket "
		    "is under a page, so every thread writes nearly every page of the destination "
		    "array: more faults per key than at the paper's 4M keys (analysis/CALIBRATION.md, "
		    "Radix).\n\n",
		    floor(4194304.0 * f->scale + 0.5), f->scale);
	fprintf(md, "| OS | time / IRIX | user | kernel | kernel sync | monitor | idle | page faults "
		    "| fault time (%% of IRIX's total) | user stall |\n"
		    "|---|---|---|---|---|---|---|---|---|---|\n");
	for (int r = 0; r < AN_RX_RUNS; r++) {
		const struct rpl_results *x = &f->r[r];
		fprintf(md, "| %s | %.3f", names[r], all(x) / base);
		for (int c = 0; c < ACCT_NCATS; c++)
			fprintf(md, " | %.1f", 100.0 * cat(x, c) / base);
		fprintf(md, " | %.0f | %.1f | %.1f |\n", faults(x), 100.0 * fault_cycles(x) / base,
			100.0 * user_stall(x) / base);
	}
	k = numbers(f, n);
	fprintf(md, "\n| the paper says (5.4) | paper | model | band | holds |\n|---|---|---|---|---|\n");
	for (int i = 0; i < k; i++) {
		const struct an_band *b = an_band_find(n[i].id);
		char band[64] = "not scored";
		if (b && b->lo <= 0)
			snprintf(band, sizeof band, "< %.2f", b->hi);
		else if (b)
			snprintf(band, sizeof band, "%.2f-%.2f", b->lo, b->hi);
		if (isnan(n[i].paper))
			fprintf(md, "| %s | | %.3f | %s | %s |\n", n[i].claim, n[i].model, band,
				!b ? "" : an_band_holds(b, NAN, n[i].model) ? "yes" : "**no**");
		else
			fprintf(md, "| %s | %g | %.3f | %s | %s |\n", n[i].claim, n[i].paper, n[i].model,
				band, !b ? "" : an_band_holds(b, n[i].paper, n[i].model) ? "yes" : "**no**");
		num(ctx, n[i].id, n[i].paper, n[i].model, n[i].unit);
	}
	fprintf(md, "\n![Figure 8, Radix](fig8radix.png)\n\n");
	if (f->note[0])
		fprintf(md, "Plot: %s\n\n", f->note);
}
