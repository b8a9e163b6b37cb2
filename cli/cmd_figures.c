/* disco figures: every reproduction that exists, into one folder. */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "analysis/figures.h"
#include "cli/cli.h"

static const char usage[] =
	"usage: disco figures [--quick|--full] [--only LIST] [-o DIR] [--set name=value ...]\n"
	"                     [--config FILE]\n"
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
	"  --keep-traces  keep every trace (DIR/*.dtr): about 2 GB at --quick\n";

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
		{ 0, 0, 0, 0 },
	};
	/* in a log, a line every few seconds within a long step; on a terminal
	 * the step lines alone (a live line would run into them) */
	struct an_fig_opts fo = { .outdir = "out", .log = stderr,
				  .progress = isatty(2) ? NULL : cli_progress, .progress_ctx = "figures" };
	struct cli_cfg_ops ops = { 0 };
	struct sim_err err = { 0 };
	cfg *c;
	int o, rc;

	optind = 1;
	while ((o = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (o) {
		case 'h': fputs(usage, stdout); return 0;
		case 'q': fo.full = 0; break;
		case 'F': fo.full = 1; break;
		case 'K': fo.keep_traces = 1; break;
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
	rc = an_figures(&fo, &err);
	cfg_free(c);
	return rc ? cli_fail("figures", &err) : 0;
}
