/*
 * Replay and capture throughput: the synthetic guest (a realistic mix of
 * instruction runs, stack/heap/random/shared data references, system calls
 * and demand-zero faults) captured once to a trace, then replayed natively
 * and under the monitor with the full TLB + L1 + L2 + directory + counters
 * model, and through the caches alone (the plain mode).  One core.  Printed, not asserted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analysis/tables.h"
#include "capture/capture.h"
#include "capture/guest_os.h"
#include "machine/params.h"
#include "monitor/costs.h"
#include "policies/policy.h"
#include "replay/replay.h"
#include "traces/params.h"
#include "traces/trace.h"

static void die(const char *what, const struct sim_err *err)
{
	fprintf(stderr, "bench_replay: %s: %s\n", what, err->msg);
	exit(1);
}

static void replay_set(const char *path, int mode, const char *label, const char *set)
{
	struct sim_err err = { 0 };
	struct rpl_results r;
	struct rpl_source src = { 0 };
	trc_reader *rd;
	cfg *base, *c;
	if (cfg_new(&base, disco_param_tables, &err) || trc_reader_open(&rd, path, &err) ||
	    rpl_trace_cfg(base, rd, path, &c, &err))
		die("open", &err);
	cfg_free(base);
	if (set && cfg_set_assignment(c, set, NULL, &err))
		die("set", &err);
	rpl_source_from_reader(&src, rd);
	if (rpl_run(c, mode, &src, &r, NULL, NULL, &err))
		die("replay", &err);
	printf("  replay %-14s %6.1f M references/s  (%llu references, %llu records, %.2f s; "
	       "TLB misses %llu, L2TLB hits %llu, pages migrated %llu, replicated %llu)\n", label,
	       (double)r.references / r.wall_seconds / 1e6, (unsigned long long)r.references,
	       (unsigned long long)r.records, r.wall_seconds, (unsigned long long)r.tlb_misses,
	       (unsigned long long)r.l2tlb_hits, (unsigned long long)r.migrations,
	       (unsigned long long)r.replications);
	rpl_results_free(&r);
	trc_reader_close(rd);
	cfg_free(c);
}

static void replay(const char *path, int mode, const char *label)
{
	replay_set(path, mode, label, NULL);
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* A 16-point sweep (L2TLB size x L2 size, under the monitor): 16 separate
 * replays against one pass that decodes each chunk once for all 16. */
static void sweep16(const char *path)
{
	static const char *const l2tlb[] = { "64", "256", "1024", "4096" };
	static const char *const l2[] = { "256K", "512K", "1M", "2M" };
	struct sim_err err = { 0 };
	const cfg *cfgs[16];
	int modes[16];
	struct rpl_results res[16];
	trc_reader *rd;
	double t0, sep, shr;

	for (int i = 0; i < 16; i++) {
		cfg *base, *c;
		if (cfg_new(&base, disco_param_tables, &err) || trc_reader_open(&rd, path, &err) ||
		    rpl_trace_cfg(base, rd, path, &c, &err))
			die("open", &err);
		cfg_free(base);
		trc_reader_close(rd);
		cfg_set(c, "policy.l2tlb.entries", l2tlb[i / 4], NULL, &err);
		cfg_set(c, "machine.l2.size", l2[i % 4], NULL, &err);
		cfgs[i] = c;
		modes[i] = RPL_DISCO;
	}
	t0 = now();
	for (int i = 0; i < 16; i++) {
		struct rpl_source src;
		if (trc_reader_open(&rd, path, &err))
			die("open", &err);
		rpl_source_from_reader(&src, rd);
		if (rpl_run(cfgs[i], RPL_DISCO, &src, &res[i], NULL, NULL, &err))
			die("replay", &err);
		rpl_results_free(&res[i]);
		trc_reader_close(rd);
	}
	sep = now() - t0;
	t0 = now();
	if (trc_reader_open(&rd, path, &err))
		die("open", &err);
	if (rpl_run_shared(cfgs, modes, 16, rd, res, NULL, NULL, &err))
		die("shared replay", &err);
	shr = now() - t0;
	trc_reader_close(rd);
	for (int i = 0; i < 16; i++) {
		rpl_results_free(&res[i]);
		cfg_free((cfg *)cfgs[i]);
	}
	printf("  sweep of 16 points (L2TLB entries x L2 size, disco): 16 replays %.2f s, "
	       "one shared pass %.2f s (%.2fx)\n", sep, shr, sep / shr);
}

/* Capture speed and trace size of each workload of the paper (IRIX 5.3, one
 * CPU, the scales of disco figures --quick). */
static void workloads(const char *path)
{
	static const char *const names[] = { "pmake", "engineering", "raytrace", "database" };
	static const char *const scales[] = { "0.1", "0.03", "0.01", "0.05" };
	printf("capture of the paper's workloads (IRIX 5.3, 1 CPU, natively, quick scale), and the "
	       "replay of each trace under the monitor (disco):\n");
	for (int i = 0; i < 4; i++) {
		struct sim_err err = { 0 };
		struct rpl_results r;
		struct stat st;
		cfg *c;
		if (cfg_new(&c, disco_param_tables, &err) || cap_load_workload(c, names[i], &err) ||
		    cfg_set(c, "capture.scale", scales[i], NULL, &err) ||
		    cfg_set(c, "machine.cpus", "1", NULL, &err) ||
		    cap_run(c, cap_guest_of(c), path, &r, NULL, NULL, &err))
			die(names[i], &err);
		stat(path, &st);
		printf("  %-12s %6.1f M references/s  (%llu references, %.3f trace bytes per reference)\n",
		       names[i], (double)r.references / r.wall_seconds / 1e6,
		       (unsigned long long)r.references, (double)st.st_size / (double)r.references);
		rpl_results_free(&r);
		cfg_free(c);
		replay(path, RPL_DISCO, names[i]);
	}
}

int main(int argc, char **argv)
{
	const char *refs = argc > 1 ? argv[1] : "8000000";
	char path[] = "/tmp/bench-replay-XXXXXX";
	struct sim_err err = { 0 };
	struct rpl_results r;
	struct stat st;
	char set[64];
	cfg *c;
	int fd = mkstemp(path);
	if (fd < 0)
		return 1;
	close(fd);
	if (cfg_new(&c, disco_param_tables, &err))
		die("cfg", &err);
	snprintf(set, sizeof set, "capture.synth.refs=%s", refs);
	cfg_set_assignment(c, set, NULL, &err);
	cfg_set(c, "machine.cpus", "1", NULL, &err);
	printf("replay (synthetic guest, 1 vCPU, %s user data references):\n", refs);
	if (cap_run(c, cap_find_guest("synthetic"), path, &r, NULL, NULL, &err))
		die("capture", &err);
	stat(path, &st);
	printf("  capture        %6.1f M references/s  (%.3f trace bytes per reference)\n",
	       (double)r.references / r.wall_seconds / 1e6, (double)st.st_size / (double)r.references);
	rpl_results_free(&r);
	replay(path, RPL_NATIVE, "native");
	replay(path, RPL_DISCO, "disco");
	replay(path, RPL_PLAIN, "plain");
	sweep16(path);
	/* page migration on and off, 4 vCPUs on 4 nodes, round-robin layout */
	cfg_set(c, "capture.cpus", "4", NULL, &err);
	cfg_set(c, "machine.cpus", "4", NULL, &err);
	cfg_set(c, "capture.synth.refs", "2000000", NULL, &err);
	cfg_set(c, "capture.synth.shared", "0.3", NULL, &err);
	cfg_set(c, "policy.placement", "round-robin", NULL, &err);
	if (cap_run(c, cap_find_guest("synthetic"), path, &r, NULL, NULL, &err))
		die("capture", &err);
	rpl_results_free(&r);
	printf("4 vCPUs on 4 nodes, round-robin layout:\n");
	replay_set(path, RPL_DISCO, "disco", NULL);
	replay_set(path, RPL_DISCO, "disco+verghese", "policy.migration=verghese");
	workloads(path);
	unlink(path);
	cfg_free(c);
	return 0;
}
