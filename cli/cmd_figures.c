/* disco figures: every reproduction that exists, into one folder. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analysis/figures.h"
#include "cli/cli.h"

static const char usage[] =
	"usage: disco figures [--quick|--full] [--only LIST] [--seeds LIST] [-j N] [-o DIR]\n"
	"                     [--set name=value ...] [--config FILE]\n"
	"\n"
	"Run every reproduction of the paper that exists (capture, replay, plots) and\n"
	"write DIR/report.md (the paper's numbers beside the model's, with the plots),\n"
	"DIR/numbers.json (each reproduced number under the ids of the paper's\n"
	"TARGETS.md) and the HDF5 results; the traces are deleted once used, unless\n"
	"--keep-traces.  --quick (the default) takes minutes on two cores; --full\n"
	"runs at the paper's scale.  --set capture.scale=F multiplies every\n"
	"workload's scale by F.  The report's first table says which figures are\n"
	"reproduced and what the others still need.\n"
	"\n"
	"  -o DIR         output folder (default: out)\n"
	"  --only LIST    some of fig6,table2,table3,fig7,fig8,fig9,synthetic (default: all;\n"
	"                 fig7 and fig8 are one set of runs)\n"
	"  --seeds LIST   run everything once per seed of the guest model (capture.seed),\n"
	"                 e.g. 1,2,3 or 1-3, each into DIR/seed-N/; DIR/report.md then\n"
	"                 gives each scored number per seed, its mean and range, and the\n"
	"                 verdict on the mean (at --quick some numbers move across a band's\n"
	"                 edge from seed to seed); takes as many times as long\n"
	"  -j, --jobs N   captures and replays at once, each in a worker process\n"
	"                 (default: the CPUs it may use, at most 8); the results are\n"
	"                 the same whatever N; -j 1 runs them one after another\n"
	"  --keep-traces  keep every trace (DIR/*.dtr): about 3 GB at --quick\n";

#define MAX_SEEDS 64

/* "1,2,5" or "1-3" or both mixed: the seeds, in order; 0, or -1 with a
 * message naming what is wrong. */
static int parse_seeds(const char *arg, long long *seeds, int *n, char *msg, size_t mlen)
{
	const char *p = arg;
	*n = 0;
	while (*p) {
		char *end;
		long long a, b;
		errno = 0;
		a = strtoll(p, &end, 10);
		b = a;
		if (end != p && *end == '-') {
			const char *q = end + 1;
			b = strtoll(q, &end, 10);
			if (end == q)
				end = (char *)p;
		}
		if (end == p || errno || a < 0 || b < a || b > 4294967295LL || (*end && *end != ',')) {
			snprintf(msg, mlen, "--seeds '%s': expected seeds (0 to 4294967295) as a list "
				 "such as 1,2,3 or a range such as 1-3, at '%s'", arg, p);
			return -1;
		}
		for (long long s = a; s <= b; s++) {
			if (*n == MAX_SEEDS) {
				snprintf(msg, mlen, "--seeds '%s': more than %d seeds", arg, MAX_SEEDS);
				return -1;
			}
			for (int k = 0; k < *n; k++)
				if (seeds[k] == s) {
					snprintf(msg, mlen, "--seeds '%s': seed %lld twice", arg, s);
					return -1;
				}
			seeds[(*n)++] = s;
		}
		p = *end ? end + 1 : end;
		if (*end && !*p) {
			snprintf(msg, mlen, "--seeds '%s': a comma with no seed after it", arg);
			return -1;
		}
	}
	if (!*n) {
		snprintf(msg, mlen, "--seeds: no seed given");
		return -1;
	}
	return 0;
}

/* Set by SIGINT and SIGTERM while workers run: they are killed and the
 * run ends ("interrupted"). */
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

/* The progress line's prefix for a job, in the process that runs it:
 * "figures: Figure 9, raytrace, Disco capture". */
static void *progress_job(void *ctx, const char *label)
{
	static char what[256];
	snprintf(what, sizeof what, "%s: %s", (const char *)ctx, label);
	return what;
}

int cmd_figures(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, 0, 'h' },
		{ "quick", no_argument, 0, 'q' },
		{ "full", no_argument, 0, 'F' },
		{ "output", required_argument, 0, 'o' },
		{ "set", required_argument, 0, CLI_OPT_SET },
		{ "config", required_argument, 0, CLI_OPT_CONFIG },
		{ "only", required_argument, 0, 'O' },
		{ "keep-traces", no_argument, 0, 'K' },
		{ "seeds", required_argument, 0, 'S' },
		{ "jobs", required_argument, 0, 'j' },
		{ 0, 0, 0, 0 },
	};
	/* in a log, a line every few seconds within a long step; on a terminal
	 * one live line under the step lines, which clear it */
	struct an_fig_opts fo = { .outdir = "out", .log = stderr, .progress = cli_progress,
				  .progress_ctx = "figures", .live_line = isatty(2),
				  .jobs = an_jobs_default(), .stop = &stop_signal,
				  .progress_job = progress_job };
	struct sigaction sa, old_int, old_term;
	struct timespec ts;
	struct cli_cfg_ops ops = { 0 };
	struct sim_err err = { 0 };
	cfg *c;
	long long seeds[MAX_SEEDS];
	char msg[512];
	int o, rc, nseeds = 0;

	optind = 1;
	while ((o = getopt_long(argc, argv, "hj:o:", opts, NULL)) != -1) {
		char *end;
		long v;
		switch (o) {
		case 'h': fputs(usage, stdout); return 0;
		case 'q': fo.full = 0; break;
		case 'F': fo.full = 1; break;
		case 'K': fo.keep_traces = 1; break;
		case 'S':
			if (parse_seeds(optarg, seeds, &nseeds, msg, sizeof msg))
				return cli_usage_error("figures", "%s", msg);
			break;
		case 'j':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end || errno || v < 1 || v > 64)
				return cli_usage_error("figures", "-j: '%s' is not a whole number from 1 to 64",
						       optarg);
			fo.jobs = (int)v;
			break;
		case 'o': fo.outdir = optarg; break;
		case 'O':
			if (an_figures_check_only(optarg, &err))
				return cli_usage_error("figures", "%s", err.msg);
			fo.only = optarg;
			break;
		case CLI_OPT_SET: case CLI_OPT_CONFIG:
			if (cli_cfg_ops_add(&ops, o, optarg, "figures"))
				return 2;
			break;
		default: return cli_bad_option("figures");
		}
	}
	if (optind < argc)
		return cli_usage_error("figures", "unexpected argument '%s'", argv[optind]);
	if ((rc = cli_new_cfg(&c, &err)) || (rc = cli_cfg_ops_apply(&ops, c, &err))) {
		cfg_free(c);
		return cli_fail("figures", &err);
	}
	fo.base = c;
	if (nseeds && cfg_is_set(c, "capture.seed")) {
		cfg_free(c);
		return cli_usage_error("figures", "--seeds and --set capture.seed: give the seeds once");
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	fo.start = (double)ts.tv_sec + ts.tv_nsec * 1e-9;
	/* with workers, Ctrl-C stops them all (an_jobs_run kills and reaps
	 * them); alone, the signal ends the process as it always did */
	if (fo.jobs > 1) {
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, &old_int);
		sigaction(SIGTERM, &sa, &old_term);
	}
	rc = nseeds ? an_figures_seeds(&fo, seeds, nseeds, &err) : an_figures(&fo, &err);
	if (fo.jobs > 1) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
	}
	cli_progress_done();
	cfg_free(c);
	return rc ? cli_fail("figures", &err) : 0;
}
