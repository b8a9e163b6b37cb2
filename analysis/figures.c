/*
 * The reproduction pipeline.  Each reproduction captures its workloads once,
 * replays them in the modes and configurations its figure compares (one
 * pass per trace: rpl_run_shared), writes the runs to an HDF5 file, draws
 * the figure and adds its section to the report, with the paper's stated
 * numbers beside the model's.
 *
 * The paper's figures need the guest OS models (IRIX 5.3/6.2 with their
 * workloads), which capture/ does not have yet: until then the report says
 * so for each, and the pipeline runs on the synthetic guest, which checks
 * every stage (capture, shared replay, results, plots) without claiming any
 * of the paper's numbers.
 */
#include "analysis/figures.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "analysis/plot.h"
#include "analysis/results.h"
#include "base/mem.h"
#include "capture/capture.h"
#include "replay/replay.h"
#include "traces/trace.h"

static int mkdir_p(const char *path, struct sim_err *err)
{
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s", path);
	for (char *p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(tmp, 0777) && errno != EEXIST)
				return sim_errf(err, SIM_EIO, "%s: cannot create: %s", tmp, strerror(errno));
			*p = '/';
		}
	if (mkdir(tmp, 0777) && errno != EEXIST)
		return sim_errf(err, SIM_EIO, "%s: cannot create: %s", tmp, strerror(errno));
	return SIM_OK;
}

static void say(const struct an_fig_opts *o, const char *fmt, const char *arg)
{
	if (o->log) {
		fprintf(o->log, fmt, arg);
		fputc('\n', o->log);
		fflush(o->log);
	}
}

/* A configuration for replaying trace r: base, then the trace's header, then
 * the extra assignments (NULL-terminated). */
static int trace_cfg(const cfg *base, trc_reader *r, const char *const *extra, cfg **out,
		     struct sim_err *err)
{
	const struct trc_info *info = trc_reader_info(r);
	char ps[32];
	cfg *c;
	int rc = cfg_copy(&c, base, err);
	if (rc)
		return rc;
	snprintf(ps, sizeof ps, "%u", info->page_size);
	rc = cfg_set(c, "machine.page_size", ps, "trace header", err);
	if (!rc)
		rc = cfg_parse_text(c, info->config_text, strlen(info->config_text), "trace header", err);
	for (; !rc && extra && *extra; extra++)
		rc = cfg_set_assignment(c, *extra, "figures", err);
	if (rc) {
		cfg_free(c);
		return rc;
	}
	*out = c;
	return SIM_OK;
}

struct run_set {
	int n;
	const char *name[4];
	int mode[4];
	const char *const *extra[4];
	struct rpl_results res[4];
};

/* Capture `workload` with the assignments in cap, then replay it under each
 * of rs's configurations in one pass; write DIR/stem.h5. */
static int capture_and_replay(const struct an_fig_opts *o, const char *stem,
			      const char *const *cap, struct run_set *rs, struct sim_err *err)
{
	char trace[4096], h5[4096];
	struct rpl_results cres;
	const cfg *cfgs[4] = { 0 };
	cfg *c = NULL;
	trc_reader *r = NULL;
	an_file *f = NULL;
	int rc;

	snprintf(trace, sizeof trace, "%s/%s.dtr", o->outdir, stem);
	snprintf(h5, sizeof h5, "%s/%s.h5", o->outdir, stem);
	rc = cfg_copy(&c, o->base, err);
	for (; !rc && *cap; cap++)
		rc = cfg_set_assignment(c, *cap, "figures", err);
	if (rc)
		goto out;
	say(o, "figures: capturing %s", trace);
	rc = cap_run(c, cap_guest_of(c), trace, &cres, NULL, NULL, err);
	if (rc)
		goto out;
	rpl_results_free(&cres);
	rc = trc_reader_open(&r, trace, err);
	if (rc)
		goto out;
	for (int i = 0; i < rs->n && !rc; i++)
		rc = trace_cfg(o->base, r, rs->extra[i], (cfg **)&cfgs[i], err);
	if (rc)
		goto out;
	say(o, "figures: replaying %s (one pass, every configuration)", trace);
	rc = rpl_run_shared(cfgs, rs->mode, rs->n, r, rs->res, NULL, NULL, err);
	if (rc)
		goto out;
	rc = an_open(&f, h5, AN_CREATE, err);
	for (int i = 0; i < rs->n && !rc; i++)
		rc = an_add_run(f, rs->name[i], cfgs[i], &rs->res[i], trace, err);
	if (rc) {
		an_abort(f);
		for (int i = 0; i < rs->n; i++)
			rpl_results_free(&rs->res[i]);
	} else {
		rc = an_close(f, err);
	}
out:
	for (int i = 0; i < 4; i++)
		cfg_free((cfg *)cfgs[i]);
	if (r)
		trc_reader_close(r);
	cfg_free(c);
	return rc;
}

static double total(const struct rpl_results *r)
{
	double t = 0;
	for (int k = 0; k < RPL_NCATS; k++)
		t += (double)rpl_total_cat(r, k);
	return t;
}

static void run_table(FILE *f, const struct run_set *rs)
{
	double base = total(&rs->res[0]);
	fprintf(f, "| run | time (native = 100) | user | kernel | sync | monitor | idle | TLB misses | L2TLB hits | misses local |\n");
	fprintf(f, "|---|---|---|---|---|---|---|---|---|---|\n");
	for (int i = 0; i < rs->n; i++) {
		const struct rpl_results *r = &rs->res[i];
		double t = total(r);
		uint64_t ml = 0, mr = 0;
		for (int c = 0; c < r->ncpus; c++) {
			ml += r->cpu[c].misses_local;
			mr += r->cpu[c].misses_remote;
		}
		fprintf(f, "| %s | %.1f |", rs->name[i], base > 0 ? 100.0 * t / base : 0);
		for (int k = 0; k < RPL_NCATS; k++)
			fprintf(f, " %.1f%% |", t > 0 ? 100.0 * (double)rpl_total_cat(r, k) / t : 0);
		fprintf(f, " %llu | %llu | %.1f%% |\n", (unsigned long long)r->tlb_misses,
			(unsigned long long)r->l2tlb_hits,
			ml + mr ? 100.0 * (double)ml / (double)(ml + mr) : 0);
	}
}

static const char *const pending[][3] = {
	{ "Figure 6", "overhead of virtualization: 3% (Raytrace) to 16% (Pmake, Database); Pmake system time x2.15",
	  "the IRIX 5.3 guest model and the pmake, engineering, raytrace, database workloads" },
	{ "Table 2", "per-service slowdowns of Pmake: DEMAND-ZERO 1.42, QUICK-FAULT 3.17, UTLB-MISS 1.35, ... (IRIX 5.3); IRIX 6.2 6% slower",
	  "the IRIX 5.3 and 6.2 guest models" },
	{ "Table 3", "Origin200: Pmake 1.08, Engineering 1.07; TLB miss 92 vs 62 cycles",
	  "the guest models on the origin200 preset" },
	{ "Figure 7", "footprint of eight Pmake copies: eight copies of IRIX data under 20 MB",
	  "multiple VMs, copy-on-write disks, the virtual network and footprint accounting" },
	{ "Figure 8", "8 VMs run Pmake in 60% of IRIX's time; Radix system time 10x smaller on SPLASHOS",
	  "multiple VMs and SPLASHOS" },
	{ "Figure 9", "migration and replication: Engineering 33% faster than IRIX on NUMA, Raytrace 38%",
	  "the guest models and page migration and replication" },
};

static int write_report(const struct an_fig_opts *o, const struct run_set *uni,
			const struct run_set *numa, const char *plot_note, struct sim_err *err)
{
	char path[4096], tmp[4200];
	struct utsname u;
	time_t now = time(NULL);
	FILE *f;

	snprintf(path, sizeof path, "%s/report.md", o->outdir);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return sim_errf(err, SIM_EIO, "%s: cannot write: %s", tmp, strerror(errno));
	uname(&u);
	fprintf(f, "# disco: the paper's figures, model beside paper\n\n");
	fprintf(f, "Made by `disco figures %s` on %s (%s %s), %s", o->full ? "--full" : "--quick",
		u.nodename, u.sysname, u.machine, ctime(&now));
	fprintf(f, "\n## Status\n\n");
	fprintf(f, "| figure | the paper says | model | needs |\n|---|---|---|---|\n");
	for (size_t i = 0; i < sizeof pending / sizeof pending[0]; i++)
		fprintf(f, "| %s | %s | not reproduced yet | %s |\n", pending[i][0], pending[i][1],
			pending[i][2]);
	fprintf(f, "\nNo figure of the paper is reproduced yet: each needs a part of the "
		   "model named above.  `numbers.json` lists reproduced numbers under the ids of "
		   "`paper/TARGETS.md`; it is empty until then.\n");
	fprintf(f, "\n## Pipeline check: the synthetic guest\n\n"
		   "Not a workload of the paper and not compared with it: a parametric program "
		   "(`disco capture synthetic`, parameters `capture.synth.*`) run through every "
		   "stage the reproductions use: capture to a trace, one-pass replay under several "
		   "configurations, HDF5 results, plots.\n\n");
	fprintf(f, "### One CPU: native, under the monitor, uma (`synthetic-1cpu.h5`)\n\n");
	run_table(f, uni);
	fprintf(f, "\n![time breakdown](synthetic-1cpu.png)\n");
	fprintf(f, "\n### Four CPUs on four NUMA nodes: IRIX-style round-robin layout, the monitor "
		   "with first-touch placement, uma (`synthetic-numa.h5`)\n\n");
	run_table(f, numa);
	fprintf(f, "\n![locality](synthetic-numa.png)\n");
	if (plot_note && *plot_note)
		fprintf(f, "\nPlots: %s\n", plot_note);
	if (fclose(f) || rename(tmp, path))
		return sim_errf(err, SIM_EIO, "%s: cannot write: %s", path, strerror(errno));
	snprintf(path, sizeof path, "%s/numbers.json", o->outdir);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return sim_errf(err, SIM_EIO, "%s: cannot write: %s", tmp, strerror(errno));
	fprintf(f, "[]\n");
	if (fclose(f) || rename(tmp, path))
		return sim_errf(err, SIM_EIO, "%s: cannot write: %s", path, strerror(errno));
	return SIM_OK;
}

int an_figures(const struct an_fig_opts *o, struct sim_err *err)
{
	static const char *const none[] = { NULL };
	static const char *const rr[] = { "policy.placement=round-robin", NULL };
	static const char *const ft[] = { "policy.placement=first-touch", NULL };
	const char *cap_uni[] = { "capture.workload=synthetic", "capture.cpus=1", "machine.cpus=1",
				  "capture.mode=native", o->full ? "capture.synth.refs=40000000"
								 : "capture.synth.refs=3000000", NULL };
	const char *cap_numa[] = { "capture.workload=synthetic", "capture.cpus=4", "machine.cpus=4",
				   "capture.mode=native", "capture.synth.shared=0.3",
				   "policy.placement=round-robin", "machine.l2.size=256K",
				   o->full ? "capture.synth.refs=10000000" : "capture.synth.refs=750000", NULL };
	struct run_set uni = { 3, { "native", "disco", "uma" }, { RPL_NATIVE, RPL_DISCO, RPL_UMA },
			       { none, none, none }, { { 0 } } };
	struct run_set numa = { 3, { "numa", "disco", "uma" }, { RPL_NATIVE, RPL_DISCO, RPL_UMA },
				{ rr, ft, rr }, { { 0 } } };
	const struct rpl_results *runs[4];
	char png[4096], note[1024] = "";
	int rc;

	rc = mkdir_p(o->outdir, err);
	if (rc)
		return rc;
	rc = capture_and_replay(o, "synthetic-1cpu", cap_uni, &uni, err);
	if (rc)
		return rc;
	rc = capture_and_replay(o, "synthetic-numa", cap_numa, &numa, err);
	if (rc)
		goto out_uni;
	for (int i = 0; i < 3; i++)
		runs[i] = &uni.res[i];
	snprintf(png, sizeof png, "%s/synthetic-1cpu.png", o->outdir);
	say(o, "figures: plotting %s", png);
	rc = an_plot_breakdown(png, runs, uni.name, 3, 0,
			       "Synthetic guest, 1 CPU: execution time (native = 100)", err);
	if (rc == SIM_OK) {
		for (int i = 0; i < 3; i++)
			runs[i] = &numa.res[i];
		snprintf(png, sizeof png, "%s/synthetic-numa.png", o->outdir);
		say(o, "figures: plotting %s", png);
		rc = an_plot_locality(png, runs, numa.name, 3, 0,
				      "Synthetic guest, 4 NUMA nodes (NUMA = 100)", err);
	}
	if (rc == SIM_ENOTSUP) {   /* no gnuplot: the report says so */
		snprintf(note, sizeof note, "not drawn: %s", err->msg);
		rc = SIM_OK;
	}
	if (rc == SIM_OK)
		rc = write_report(o, &uni, &numa, note, err);
	if (rc == SIM_OK)
		say(o, "figures: wrote %s/report.md and numbers.json", o->outdir);
	for (int i = 0; i < 3; i++)
		rpl_results_free(&numa.res[i]);
out_uni:
	for (int i = 0; i < 3; i++)
		rpl_results_free(&uni.res[i]);
	return rc;
}
