/*
 * Figure 9: page migration and replication (paper 5.5).  For each workload
 * the guest is captured twice with one seed: natively with IRIX's
 * round-robin page layout (the "IRIX NUMA" bar; its trace replayed with
 * every miss local gives the "UMA" bar), and under the monitor with the
 * Disco-aware HAL, pages placed at first touch and the verghese policy
 * migrating and replicating hot pages (the "Disco" bar).  The oracle, which
 * reads the Disco trace ahead, is shown beside them as the bound an online
 * policy can approach.  Times are execution times (the run's length).
 */
#include "analysis/fig9.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

#include "analysis/plot.h"
#include "analysis/results.h"
#include "traces/trace.h"

static const char *const run_names[AN_F9_RUNS] = { "IRIX NUMA", "Disco", "IRIX UMA", "oracle" };
static const char *const run_ids[AN_F9_RUNS] = { "numa", "disco", "uma", "oracle" };

struct wspec {
	const char *workload;
	const char *preset;
	const char *cpus;
	const char *l2;
	double quick, full;   /* capture.scale */
	double paper_gain, paper_gap;
	const char *kernel;   /* capture.os.kernel */
	const char *start;    /* capture.wl.start_cpus */
	const char *program;  /* capture.wl.program */
	double cost;          /* a capture's run time, about (s at --quick): the job's cost */
};

/* Scales: a run must be long enough that the jobs' steady state outweighs
 * their start-up (exec, fork, cold misses), which no policy can move: at a
 * tenth of the quick scale engineering ran 76 ms simulated, shorter than one
 * counter interval, and even the oracle gained only a quarter. */
static const struct wspec specs[2] = {
	/* 5.5: "six Verilog simulations and six memory system simulations on
	 * eight processors of the same virtual machine": one IRIX kernel, six
	 * of its vCPUs start a VCS and a Flashlite each, and the run queue
	 * moves the twelve processes over the eight */
	{ "engineering", "flash8", "8", "1M", 0.03, 0.3, 0.33, 0.40, "smp", "6", "jobs", 6 },
	/* 5.5: 16 CPUs, 256KB L2; "The Raytrace workload spans 16 processors":
	 * SPLASH-2's raytrace -p16 car.env, one program whose 16 processes
	 * share an address space under one IRIX (capture/guest_raytrace.c).  The
	 * scale is the share of the image traced: 0.32 gives each CPU the
	 * instructions each of the sixteen -p1 copies ran at 0.02 before
	 * (68M), so the run is as long; the full run traces the whole image. */
	{ "raytrace", "flash16", "16", "256K", 0.32, 1.0, 0.38, 0.26, "smp", "0", "raytrace", 40 },
};

/* The configuration of a capture: disco 0 natively, 1 under the monitor,
 * 2 natively on the UMA machine */
static int capture_cfg(const struct an_fig_opts *o, const struct wspec *w, int disco, cfg **out,
		       struct sim_err *err)
{
	static const char *const modes[] = { "native", "disco", "uma" };
	char sc[64];
	snprintf(sc, sizeof sc, "%g", (o->full ? w->full : w->quick) * cfg_real(o->base, "capture.scale"));
	const char *sets[][2] = {
		{ "capture.cpus", w->cpus }, { "machine.cpus", w->cpus }, { "machine.l2.size", w->l2 },
		{ "capture.scale", sc }, { "capture.os.kernel", w->kernel },
		{ "capture.wl.start_cpus", w->start }, { "capture.wl.program", w->program },
		{ "capture.mode", modes[disco] },
		{ "capture.hal", disco == 1 ? "disco" : "plain" },
		{ "policy.placement", disco == 1 ? "first-touch" : "round-robin" },
		{ "policy.migration", disco == 1 ? "verghese" : "none" },
	};
	return an_fig_capture_cfg(o, w->preset, w->workload, sets, sizeof sets / sizeof sets[0], out, err);
}

/* Replay trace under c with policy.migration / mode changed. */
static int replay_one(const struct an_fig_opts *o, const char *trace, const cfg *c, int mode,
		      const char *migration, struct rpl_results *res, struct sim_err *err)
{
	struct rpl_source src = { 0 };
	struct rpl_profile *prof = NULL;
	trc_reader *r = NULL;
	cfg *rc_cfg = NULL;
	int rc = cfg_copy(&rc_cfg, c, err);
	if (!rc)
		rc = cfg_set(rc_cfg, "policy.migration", migration, "figures", err);
	if (!rc)
		rc = trc_reader_open(&r, trace, err);
	if (!rc)
		rc = rpl_read_ahead(rc_cfg, mode, r, &prof, err);
	if (!rc) {
		rpl_source_from_reader(&src, r);
		src.profile = prof;
		rc = rpl_run(rc_cfg, mode, &src, res, o->progress, o->progress_ctx, err);
	}
	rpl_profile_free(prof);
	if (r)
		trc_reader_close(r);
	cfg_free(rc_cfg);
	return rc;
}

/* A job: run j->run of its workload, a capture or a replay.  Each trace,
 * hundreds of MB, goes as soon as it is used (unless o->keep_traces), by
 * the job that used it last: the Disco trace after the oracle's replay, the
 * NUMA trace after the UMA replay when there is one, else after its capture,
 * and the UMA trace after its capture.  The HDF5 file keeps their paths. */
static int run_job(const struct an_fig_opts *o, void *ctx, struct sim_err *err)
{
	const struct an_fig9_job *j = ctx;
	struct an_fig9_w *fw = j->w;
	int k = j->run, rc;

	if (k == AN_F9_ORACLE) {
		an_fig_say(o, "Figure 9, %s: replaying %s under the oracle policy (reads it twice)",
			   fw->workload, fw->trace[AN_F9_DISCO]);
		rc = replay_one(o, fw->trace[AN_F9_DISCO], fw->c[AN_F9_DISCO], RPL_DISCO, "oracle",
				&fw->r[AN_F9_ORACLE], err);
		if (!rc && !o->keep_traces)
			unlink(fw->trace[AN_F9_DISCO]);
		return rc;
	}
	if (k == AN_F9_UMA && !fw->c[AN_F9_UMA]) {
		an_fig_say(o, "Figure 9, %s: replaying %s with every miss local (UMA)", fw->workload,
			   fw->trace[AN_F9_NUMA]);
		rc = replay_one(o, fw->trace[AN_F9_NUMA], fw->c[AN_F9_NUMA], RPL_UMA, "none",
				&fw->r[AN_F9_UMA], err);
		if (!rc && !o->keep_traces)
			unlink(fw->trace[AN_F9_NUMA]);
		return rc;
	}
	an_fig_say(o, "Figure 9, %s: capturing %s", fw->workload, fw->trace[k]);
	rc = an_fig_capture(o, fw->c[k], fw->trace[k], &fw->r[k], err);
	/* read by nothing after: the Disco trace by the oracle, the NUMA trace
	 * by the UMA replay when UMA is no capture of its own */
	if (!rc && !o->keep_traces && k != AN_F9_DISCO && (k == AN_F9_UMA || fw->c[AN_F9_UMA]))
		unlink(fw->trace[k]);
	return rc;
}

/* The three captures (IRIX NUMA, Disco, IRIX UMA) and the oracle's replay
 * of the Disco trace, which waits for its capture. */
static int workload_jobs(const struct an_fig_opts *o, const struct wspec *w, struct an_fig9_w *fw,
			 struct an_fig_plan *p, struct sim_err *err)
{
	int idx[AN_F9_RUNS];
	int rc = SIM_OK;

	fw->workload = w->workload;
	for (int k = 0; k < AN_F9_ORACLE; k++)
		snprintf(fw->trace[k], sizeof fw->trace[k], "%s/fig9-%s-%s.dtr", o->outdir, w->workload,
			 run_ids[k]);
	rc = capture_cfg(o, w, 0, &fw->c[AN_F9_NUMA], err);
	if (!rc)
		rc = capture_cfg(o, w, 1, &fw->c[AN_F9_DISCO], err);
	/* an smp kernel's schedule follows the timing it was captured at, so
	 * its UMA run is a capture of its own; otherwise the NUMA trace's
	 * replay with every miss local */
	if (!rc && !strcmp(w->kernel, "smp"))
		rc = capture_cfg(o, w, 2, &fw->c[AN_F9_UMA], err);
	if (rc)
		return rc;
	for (int k = 0; k < AN_F9_RUNS; k++) {
		static const char *const what[AN_F9_RUNS] = { "IRIX NUMA capture", "Disco capture",
							       "IRIX UMA capture", "oracle replay" };
		struct an_job *j;
		/* the Disco capture and the oracle's replay after it are the
		 * longest chain: they go first */
		double cost = k == AN_F9_DISCO ? 2 * w->cost : k == AN_F9_ORACLE ? w->cost + 1 : w->cost;
		fw->job[k] = (struct an_fig9_job){ fw, k };
		j = an_fig_job(p, o, run_job, &fw->job[k], cost, "Figure 9, %s, %s", w->workload,
			       k == AN_F9_UMA && !fw->c[AN_F9_UMA] ? "IRIX UMA replay" : what[k]);
		if (!j)
			return sim_errf(err, SIM_EINTERNAL, "Figure 9: too many jobs");
		idx[k] = (int)(j - p->job);
		j->res[0] = &fw->r[k];
		j->nres = 1;
		if (k == AN_F9_ORACLE)
			j->after = idx[AN_F9_DISCO];
		else if (k == AN_F9_UMA && !fw->c[AN_F9_UMA])
			j->after = idx[AN_F9_NUMA];
	}
	return SIM_OK;
}

/* Once its jobs have run: DIR/fig9-W.h5 (the jobs deleted the traces). */
static int workload_finish(const struct an_fig_opts *o, struct an_fig9_w *fw, struct sim_err *err)
{
	char h5[4096];
	an_file *f = NULL;
	const cfg *cu = fw->c[AN_F9_UMA];
	int rc;

	snprintf(h5, sizeof h5, "%s/fig9-%s.h5", o->outdir, fw->workload);
	fw->ok = 1;
	rc = an_open(&f, h5, AN_CREATE, err);
	for (int i = 0; i < AN_F9_RUNS && !rc; i++)
		rc = an_add_run(f, run_ids[i],
				i == AN_F9_UMA && cu ? cu : i == AN_F9_NUMA || i == AN_F9_UMA ? fw->c[AN_F9_NUMA]
											: fw->c[AN_F9_DISCO],
				&fw->r[i],
				i == AN_F9_UMA && cu ? fw->trace[AN_F9_UMA]
				: i == AN_F9_NUMA || i == AN_F9_UMA ? fw->trace[AN_F9_NUMA]
								    : fw->trace[AN_F9_DISCO], err);
	if (rc) {
		an_abort(f);
		return rc;
	}
	return an_close(f, err);
}

/* One figure for both workloads, as the paper's: each group normalized to
 * its IRIX NUMA bar, the paper's values marked (Disco at 1 - gain, UMA at
 * Disco / (1 + gap): derived from the two numbers the text states), the
 * oracle labelled as the model's own. */
static int plot_fig9(const struct an_fig_opts *o, struct an_fig9 *f, struct sim_err *err)
{
	static const char *const labels[AN_F9_RUNS] = { "IRIX\\nNUMA", "Disco", "IRIX\\nUMA",
							"oracle\\n(model\\nonly)" };
	static const int order[AN_F9_RUNS] = { AN_F9_NUMA, AN_F9_DISCO, AN_F9_UMA, AN_F9_ORACLE };
	struct an_bar bars[2 * AN_F9_RUNS];
	char png[4096];
	int n = 0, rc;
	for (int i = 0; i < 2; i++) {
		const struct an_fig9_w *w = &f->w[i];
		double disco = 100 * (1 - specs[i].paper_gain), uma = disco / (1 + specs[i].paper_gap);
		if (!w->ok)
			continue;
		for (int k = 0; k < AN_F9_RUNS; k++) {
			int r = order[k];
			double mark = r == AN_F9_DISCO ? disco : r == AN_F9_UMA ? uma : NAN;
			bars[n++] = (struct an_bar){ &w->r[r], &w->r[AN_F9_NUMA], labels[k], specs[i].workload,
						     mark, mark };
		}
	}
	if (!n)
		return SIM_OK;
	snprintf(png, sizeof png, "%s/fig9.png", o->outdir);
	rc = an_plot_locality_grouped(png, bars, n,
				      "Figure 9: page migration and replication (IRIX NUMA = 100; % misses local)",
				      "Normalized non-idle time (IRIX NUMA = 100)", err);
	rc = an_plot_or_note(rc, err, f->note, sizeof f->note);
	return rc;
}

int an_fig9_jobs(const struct an_fig_opts *o, struct an_fig9 *f, struct an_fig_plan *p,
		 struct sim_err *err)
{
	memset(f, 0, sizeof *f);
	for (int i = 0; i < 2; i++) {
		int rc = workload_jobs(o, &specs[i], &f->w[i], p, err);
		if (rc) {
			sim_err_prefix(err, "Figure 9, %s", specs[i].workload);
			return rc;
		}
	}
	return SIM_OK;
}

int an_fig9_finish(const struct an_fig_opts *o, struct an_fig9 *f, struct sim_err *err)
{
	for (int i = 0; i < 2; i++) {
		int rc = workload_finish(o, &f->w[i], err);
		if (rc) {
			sim_err_prefix(err, "Figure 9, %s", specs[i].workload);
			return rc;
		}
	}
	return plot_fig9(o, f, err);
}

void an_fig9_free(struct an_fig9 *f)
{
	for (int i = 0; i < 2; i++) {
		for (int k = 0; k < AN_F9_RUNS; k++)
			rpl_results_free(&f->w[i].r[k]);
		for (int k = 0; k < AN_F9_ORACLE; k++) {
			cfg_free(f->w[i].c[k]);
			f->w[i].c[k] = NULL;
		}
	}
}

/* The monitor's share of a run's non-idle time. */
static double mon_share(const struct rpl_results *r)
{
	double part[4];
	double busy;
	an_locality_parts(r, part);
	busy = part[0] + part[1] + part[2] + part[3];
	return busy > 0 ? part[3] / busy : 0;
}

/* Remote memory stall of a run in user mode (user) or kernel mode (kernel
 * and its synchronization), cycles summed over CPUs. */
static double remote_stall(const struct rpl_results *r, int user)
{
	double t = 0;
	for (int c = 0; c < r->ncpus; c++)
		t += user ? (double)r->cpu[c].stall_remote[ACCT_USER]
			  : (double)(r->cpu[c].stall_remote[ACCT_KERNEL] + r->cpu[c].stall_remote[ACCT_SYNC]);
	return t;
}

/* Disco's remote stall in one mode over IRIX NUMA's (NAN when NUMA had none). */
static double remote_ratio(const struct an_fig9_w *w, int user)
{
	double numa = remote_stall(&w->r[AN_F9_NUMA], user);
	return numa > 0 ? remote_stall(&w->r[AN_F9_DISCO], user) / numa : NAN;
}

void an_fig9_report(FILE *md, const struct an_fig9 *f, an_num_fn num, void *ctx)
{
	fprintf(md, "## Figure 9: page migration and replication (5.5)\n\n"
		    "Engineering on 8 CPUs of one IRIX (six of them start the workload file's two jobs, "
		    "and the run queue moves the twelve processes over the eight; its UMA run is a capture "
		    "of its own, since the schedule follows the timing), Raytrace "
		    "on 16 CPUs with a 256 KB L2.  IRIX NUMA: natively, IRIX's round-robin page "
		    "layout; Disco: the monitor with the Disco-aware HAL, first-touch placement and "
		    "`policy.migration = verghese`; IRIX UMA: the IRIX trace with every miss at local "
		    "latency; oracle: the Disco trace read ahead and every page placed (or "
		    "replicated) where its misses come from, a page written then read-shared "
		    "replicated after its last store.  Time is non-idle time summed over the "
		    "CPUs (the run's length beside it).\n\n");
	for (int i = 0; i < 2; i++) {
		const struct an_fig9_w *w = &f->w[i];
		const struct wspec *s = &specs[i];
		double t[AN_F9_RUNS], busy[AN_F9_RUNS], p[AN_F9_RUNS][4], gain, gap;
		char id[128];
		if (!w->ok)
			continue;
		/* the paper's execution time is its four parts (5.5: instruction
		 * execution, local stall, remote stall, Disco overhead): the
		 * non-idle time, summed over the CPUs, as the bars; the run's
		 * length is printed beside it */
		for (int k = 0; k < AN_F9_RUNS; k++) {
			t[k] = (double)w->r[k].cycles;
			an_locality_parts(&w->r[k], p[k]);
			busy[k] = p[k][0] + p[k][1] + p[k][2] + p[k][3];
		}
		gain = busy[AN_F9_NUMA] > 0 ? 1 - busy[AN_F9_DISCO] / busy[AN_F9_NUMA] : NAN;
		gap = busy[AN_F9_UMA] > 0 ? busy[AN_F9_DISCO] / busy[AN_F9_UMA] - 1 : NAN;
		fprintf(md, "### %s\n\n", s->workload);
		fprintf(md, "| run | non-idle time (IRIX NUMA = 100) | run's length | execution | local stall | "
			    "remote stall | monitor | misses local | migrated / replicated |\n"
			    "|---|---|---|---|---|---|---|---|---|\n");
		for (int k = 0; k < AN_F9_RUNS; k++) {
			const struct rpl_results *r = &w->r[k];
			double b = busy[k] / 100;
			if (b <= 0)
				b = 1;   /* an empty run: every share 0 */
			fprintf(md, "| %s | %.1f | %.1f | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %llu / %llu |\n",
				run_names[k], busy[AN_F9_NUMA] > 0 ? 100 * busy[k] / busy[AN_F9_NUMA] : NAN,
				100 * t[k] / t[AN_F9_NUMA],
				p[k][0] / b, p[k][1] / b, p[k][2] / b, p[k][3] / b,
				100 * an_locality(r), (unsigned long long)r->migrations,
				(unsigned long long)r->replications);
		}
		fprintf(md, "\n| | paper | model |\n|---|---|---|\n");
		fprintf(md, "| Disco faster than IRIX NUMA by (non-idle time, as the bars) | %.0f%% | %.1f%% |\n",
			100 * s->paper_gain, 100 * gain);
		fprintf(md, "| Disco slower than IRIX UMA by (non-idle time) | %.0f%% | %.1f%% |\n",
			100 * s->paper_gap, 100 * gap);
		fprintf(md, "| the same two by the run's length (idle included) | | %.1f%% / %.1f%% |\n",
			100 * (1 - t[AN_F9_DISCO] / t[AN_F9_NUMA]), 100 * (t[AN_F9_DISCO] / t[AN_F9_UMA] - 1));
		fprintf(md, "| misses satisfied locally, IRIX NUMA -> Disco | \"a large fraction\" under Disco | "
			    "%.1f%% -> %.1f%% |\n", 100 * an_locality(&w->r[AN_F9_NUMA]),
			100 * an_locality(&w->r[AN_F9_DISCO]));
		fprintf(md, "| remote stall, Disco over IRIX NUMA: user mode / kernel mode | \"Both user and "
			    "kernel modes see a substantial reduction in remote stall time\" | %.2f / %.2f |\n",
			remote_ratio(w, 1), remote_ratio(w, 0));
		fprintf(md, "| monitor overhead, share of the run | \"only a small increase\" | %.1f%% "
			    "(the oracle, virtualization without moves: %.1f%%) |\n",
			100 * mon_share(&w->r[AN_F9_DISCO]), 100 * mon_share(&w->r[AN_F9_ORACLE]));
		fprintf(md, "| oracle faster than IRIX NUMA by | (not in the paper) | %.1f%% |\n",
			busy[AN_F9_NUMA] > 0 ? 100 * (1 - busy[AN_F9_ORACLE] / busy[AN_F9_NUMA]) : NAN);
		fprintf(md, "\n");
		snprintf(id, sizeof id, "fig9.%s.gain", s->workload);
		num(ctx, id, s->paper_gain, gain, "fraction");
		snprintf(id, sizeof id, "fig9.%s.gap_uma", s->workload);
		num(ctx, id, s->paper_gap, gap, "fraction");
		for (int k = 0; k < 3; k++) {
			snprintf(id, sizeof id, "fig9.%s.local_fraction.%s", s->workload, run_ids[k]);
			/* the paper prints these under its bars; the text states none */
			num(ctx, id, NAN, an_locality(&w->r[k]), "fraction");
		}
		/* the paper: "a substantial reduction" in both modes, no number */
		snprintf(id, sizeof id, "fig9.%s.remote_stall_ratio.user", s->workload);
		num(ctx, id, NAN, remote_ratio(w, 1), "ratio");
		snprintf(id, sizeof id, "fig9.%s.remote_stall_ratio.kernel", s->workload);
		num(ctx, id, NAN, remote_ratio(w, 0), "ratio");
	}
	fprintf(md, "![Figure 9](fig9.png)\n\nThe paper's marks are derived from the two numbers "
		    "its text states per workload: Disco at 100 x (1 - gain), UMA at Disco / (1 + gap); "
		    "the bars, and the gain and gap scored, are non-idle time summed over the CPUs, as "
		    "the paper's four parts are; the tables give the run's length beside it.  The "
		    "oracle is not in the paper.\n\n");
	if (f->note[0])
		fprintf(md, "Plots: %s\n\n", f->note);
}
