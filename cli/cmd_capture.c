/* disco capture WORKLOAD: run a guest on the live model and record its trace. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "analysis/report.h"
#include "analysis/results.h"
#include "capture/capture.h"
#include "base/mem.h"
#include "base/outfile.h"
#include "cli/cli.h"

static const char usage[] =
	"usage: disco capture WORKLOAD -o TRACE [--cpus N] [--mem SIZE] [--mode native|disco|uma|plain]\n"
	"                     [--os irix53|irix62] [--hal plain|disco] [--scale F] [--seed S] [--set name=value ...]\n"
	"                     [--config FILE] [--format table|csv|json] [--results FILE.h5] [--quiet]\n"
	"\n"
	"Run a workload's guest on the machine + monitor model, write its trace, and\n"
	"print the same summary 'disco replay' prints.  Replaying the trace without\n"
	"options reproduces these results exactly.\n"
	"\n"
	"WORKLOAD is a workload file's name (capture/workloads/NAME.wl: pmake,\n"
	"engineering, raytrace, database, radix; tlbmiss, Table 3's TLB\n"
	"micro-benchmark), a path to one, or the built-in synthetic (a parametric\n"
	"program on a minimal kernel: capture.synth.*).  A workload file is a config\n"
	"file of capture.* parameters (the IRIX guest: capture.os.*, capture.wl.*;\n"
	"radix: capture.radix.*, and on SPLASHOS --set capture.guest=splashos --mode\n"
	"disco), loaded after the defaults and before --config and --set.\n"
	"\n"
	"  -o FILE           the trace to write (.dtr)\n"
	"  --cpus N          virtual CPUs (capture.cpus)\n"
	"  --mem SIZE        the VM's memory (vm.mem.size), e.g. 64M\n"
	"  --mode M          native (default), disco or uma (capture.mode)\n"
	"  --os OS           irix53 (default: 4KB pages) or irix62 (16KB pages): sets capture.os,\n"
	"                    machine.page_size and monitor.mem.l2tlb_entry (16 or 32 bytes: IRIX 6.2\n"
	"                    ran on the 64-bit Disco)\n"
	"  --hal H           plain (default) or disco: the Disco-aware HAL (capture.hal)\n"
	"  --scale F         shrink or grow the workload (capture.scale)\n"
	"  --seed S          the guest's random seed (capture.seed)\n"
	"  --set, --config, --policy   as for disco replay\n"
	"  --format F        summary: table (default), csv or json\n"
	"  --results FILE    also write the results as HDF5\n"
	"  --quiet           no summary\n";

/* Add "name=value" to ops as a --set; sets[] keeps the text (freed by the
 * caller).  0, or the exit status of a usage error. */
static int add_set(struct cli_cfg_ops *ops, char **sets, int *nsets, const char *name, const char *value)
{
	size_t n = strlen(name) + strlen(value) + 2;
	char *s;
	if (*nsets >= 256)
		return cli_usage_error("capture", "too many options");
	if (!(s = sim_malloc(n))) {
		fprintf(stderr, "disco capture: out of memory\n");
		return 1;
	}
	snprintf(s, n, "%s=%s", name, value);
	sets[(*nsets)++] = s;
	return cli_cfg_ops_add(ops, CLI_OPT_SET, s, "capture") ? 2 : 0;
}

int cmd_capture(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, 0, 'h' },
		{ "output", required_argument, 0, 'o' },
		{ "cpus", required_argument, 0, 'c' },
		{ "mem", required_argument, 0, 'M' },
		{ "mode", required_argument, 0, 'm' },
		{ "hal", required_argument, 0, 'H' },
		{ "os", required_argument, 0, 'O' },
		{ "scale", required_argument, 0, 's' },
		{ "seed", required_argument, 0, 'S' },
		{ "set", required_argument, 0, CLI_OPT_SET },
		{ "config", required_argument, 0, CLI_OPT_CONFIG },
		{ "policy", required_argument, 0, CLI_OPT_POLICY },
		{ "format", required_argument, 0, 'f' },
		{ "results", required_argument, 0, 'r' },
		{ "quiet", no_argument, 0, 'q' },
		{ 0, 0, 0, 0 },
	};
	char *sets[256];   /* the shorthand options' --set text, one per entry of ops */
	struct cli_cfg_ops ops = { 0 };
	struct sim_err err = { 0 };
	struct rpl_results res = { 0 };
	const struct cap_guest_ops *g;
	const char *out = NULL, *results = NULL;
	int format = AN_FMT_TABLE, quiet = 0, o, nsets = 0, rc;
	cfg *c = NULL;

	optind = 1;
	while ((o = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		const char *param = NULL;
		switch (o) {
		case 'h': fputs(usage, stdout); rc = 0; goto out_sets;
		case 'o': out = optarg; break;
		case 'c': param = "capture.cpus"; break;
		case 'M': param = "vm.mem.size"; break;
		case 'm': param = "capture.mode"; break;
		case 'H': param = "capture.hal"; break;
		case 'O':
			if (strcmp(optarg, "irix53") && strcmp(optarg, "irix62")) {
				rc = cli_usage_error("capture", "--os: '%s' is not irix53 or irix62", optarg);
				goto out_sets;
			}
			if ((rc = add_set(&ops, sets, &nsets, "machine.page_size",
					  strcmp(optarg, "irix53") ? "16K" : "4K")) != 0 ||
			    (rc = add_set(&ops, sets, &nsets, "monitor.mem.l2tlb_entry",
					  strcmp(optarg, "irix53") ? "32" : "16")) != 0)
				goto out_sets;
			param = "capture.os";
			break;
		case 's': param = "capture.scale"; break;
		case 'S': param = "capture.seed"; break;
		case CLI_OPT_SET: case CLI_OPT_CONFIG: case CLI_OPT_POLICY:
			if (cli_cfg_ops_add(&ops, o, optarg, "capture")) {
				rc = 2;
				goto out_sets;
			}
			break;
		case 'f':
			if (an_format_parse(optarg, &format)) {
				rc = cli_usage_error("capture", "--format: '%s' is not table, csv or json", optarg);
				goto out_sets;
			}
			break;
		case 'r': results = optarg; break;
		case 'q': quiet = 1; break;
		default: rc = cli_bad_option("capture"); goto out_sets;
		}
		/* the shorthand options are --set in disguise, applied in order */
		if (param && (rc = add_set(&ops, sets, &nsets, param, optarg)) != 0)
			goto out_sets;
	}
	rc = 2;
	if (optind + 1 != argc) {
		cli_usage_error("capture", optind < argc ? "one workload, please" : "which workload?");
		goto out_sets;
	}
	if (!out) {
		cli_usage_error("capture", "-o TRACE is required");
		goto out_sets;
	}
	if (results && (!strcmp(results, out) || sim_out_not_input(results, out, &err) != SIM_OK)) {
		cli_usage_error("capture", "-o and --results name the same file");
		goto out_sets;
	}
	if (cli_check_output(out, NULL, &err) != SIM_OK || (results && cli_check_output(results, NULL, &err))) {
		rc = cli_fail("capture", &err);
		goto out_sets;
	}
	if ((rc = cli_new_cfg(&c, &err)) != SIM_OK) {
		rc = cli_fail("capture", &err);
		goto out_sets;
	}
	if (cap_load_workload(c, argv[optind], &err) != SIM_OK) {
		cfg_free(c);
		rc = cli_usage_error("capture", "%s", err.msg);
		goto out_sets;
	}
	rc = cli_cfg_ops_apply(&ops, c, &err);
	if (rc == SIM_OK)
		rc = cap_cfg_follow(c, &err);
	g = cap_guest_of(c);
	if (rc == SIM_OK)
		rc = cap_run(c, g, out, &res, cli_progress, "capture", &err);
	cli_progress_done();
	if (rc) {
		rpl_results_free(&res);   /* a run that failed midway has allocated it */
		cfg_free(c);
		rc = cli_fail("capture", &err);
		goto out_sets;
	}
	if (res.warning[0])
		fprintf(stderr, "disco capture: warning: %s\n", res.warning);
	if (!quiet)
		an_print_results(stdout, &res, format);
	if (results) {
		rc = an_write_results(results, rpl_mode_name(rpl_mode_of(c)), c, &res, out, &err);
	}
	rpl_results_free(&res);
	cfg_free(c);
	rc = rc ? cli_fail("capture", &err) : 0;
out_sets:
	for (int i = 0; i < nsets; i++)
		sim_free(sets[i]);
	return rc;
}
