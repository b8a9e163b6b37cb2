/*
 * Results files at a sweep's scale: the wall time to add N runs to a new
 * results file in one session and write it (what `disco sweep --merge`
 * does with the runs it gathers), made for N runs (an_open_expect) and,
 * once, without that estimate (an_open, as before it existed), then the
 * time to build the sweep table from the file alone (every run read and
 * checked).  Each run has the whole parameter set, as a replay's has, and a
 * sweep key's name.  One core.  Printed, not asserted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analysis/results.h"
#include "analysis/sweep.h"
#include "analysis/tables.h"
#include "tests/analysis/sample.h"

static char dir[] = "/tmp/bench_results.XXXXXX";

static void die(const char *what, const struct sim_err *err)
{
	fprintf(stderr, "bench_results: %s: %s\n", what, err ? err->msg : "failed");
	exit(1);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* n runs into a new file at path, made for them (expect) or not; seconds. */
static double write_runs(const char *path, int n, int expect)
{
	static const char *const l2[] = { "256K", "512K", "1M", "2M", "4M" };
	struct sim_err err = { 0 };
	struct rpl_results r;
	an_file *f;
	double t0 = now();
	sample_results(&r, 1);
	if (an_open_expect(&f, path, AN_CREATE, expect ? (size_t)n : 0, &err) != SIM_OK)
		die("open", &err);
	for (int i = 0; i < n; i++) {
		char name[32], seed[16];
		cfg *c;
		if (cfg_new(&c, disco_param_tables, &err) != SIM_OK ||
		    cfg_set(c, "machine.l2.size", l2[i % 5], "bench", &err) != SIM_OK)
			die("config", &err);
		snprintf(seed, sizeof seed, "%d", 1 + i / 5);
		if (cfg_set(c, "machine.tlb.seed", seed, "bench", &err) != SIM_OK)
			die("config", &err);
		snprintf(name, sizeof name, "p%016llx-%08x", (unsigned long long)i * 0x9e3779b97f4a7c15ull, 0x5eedu);
		r.cycles = 1000000u + (unsigned)i;
		if (an_add_run(f, name, c, &r, "/traces/bench.dtr", &err) != SIM_OK)
			die("add", &err);
		cfg_free(c);
	}
	if (an_close(f, &err) != SIM_OK)
		die("close", &err);
	sample_free(&r);
	return now() - t0;
}

static void one(int n, int expect)
{
	char path[512];
	struct sim_err err = { 0 };
	struct an_table t;
	struct stat st;
	double w, b;
	cfg *proto;
	snprintf(path, sizeof path, "%s/r%d%s.h5", dir, n, expect ? "e" : "");
	w = write_runs(path, n, expect);
	if (cfg_new(&proto, disco_param_tables, &err) != SIM_OK)
		die("config", &err);
	b = now();
	if (an_sweep_table_build(path, proto, &t, &err) != SIM_OK)
		die("table", &err);
	b = now() - b;
	stat(path, &st);
	printf("  %5d runs, %-24s write %6.2f s (%.2f ms a run), table from the file %5.2f s (%.2f ms a run); %.0f MB\n",
	       n, expect ? "made for them:" : "without the estimate:", w, 1e3 * w / n, b, 1e3 * b / n,
	       (double)st.st_size / 1e6);
	an_table_free(&t);
	cfg_free(proto);
	unlink(path);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("bench_results: mkdtemp");
		return 1;
	}
	printf("results files: N runs added in one session and written, as a merge does\n");
	one(1000, 1);
	one(4000, 1);
	one(4000, 0);
	rmdir(dir);
	return 0;
}
