/* disco replay TRACE: re-run a trace on the machine + monitor model. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "analysis/report.h"
#include "analysis/results.h"
#include "cli/cli.h"
#include "replay/replay.h"
#include "traces/trace.h"

static const char usage[] =
	"usage: disco replay TRACE [--mode native|disco|uma|plain] [--policy kind=name ...]\n"
	"                    [--set name=value ...] [--config FILE] [--format table|csv|json]\n"
	"                    [-o RESULTS.h5] [--quiet]\n"
	"\n"
	"Replay a trace on the machine model: natively (the guest on bare hardware),\n"
	"under the monitor (disco), or natively with every miss at local latency\n"
	"(uma, the lower bound of Figure 9).  The trace's own configuration applies\n"
	"first, then --config, --set and --policy in the order given.\n"
	"\n"
	"  --mode M             native, disco, uma or plain (default: the mode it was captured in)\n"
	"  --policy kind=name   placement=first-touch|round-robin|consecutive|node0,\n"
	"                       sched=pinned|round-robin, l2tlb=off|set-assoc,\n"
	"                       migration=none|migrate-only|replicate-only|verghese|oracle\n"
	"                       (oracle reads the whole trace ahead: two passes)\n"
	"  --set name=value     any parameter (disco params lists them)\n"
	"  --config FILE        a config file or preset (flash8, flash16, origin200, plain)\n"
	"  --format F           summary on stdout: table (default), csv or json\n"
	"  -o FILE              also write the results as HDF5 (analysis/RESULTS.md)\n"
	"  --quiet              no summary on stdout\n";

/* The configuration a trace replays under: defaults, the trace's header,
 * then the user's options. */
int cli_trace_cfg(trc_reader *r, const char *path, const struct cli_cfg_ops *ops, cfg **out,
		  struct sim_err *err)
{
	cfg *base, *c;
	int rc = cli_new_cfg(&base, err);
	if (rc)
		return rc;
	rc = rpl_trace_cfg(base, r, path, &c, err);
	cfg_free(base);
	if (rc)
		return rc;
	rc = cli_cfg_ops_apply(ops, c, err);
	if (rc) {
		cfg_free(c);
		return rc;
	}
	*out = c;
	return SIM_OK;
}

int cmd_replay(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, 0, 'h' },
		{ "mode", required_argument, 0, 'm' },
		{ "set", required_argument, 0, CLI_OPT_SET },
		{ "config", required_argument, 0, CLI_OPT_CONFIG },
		{ "policy", required_argument, 0, CLI_OPT_POLICY },
		{ "format", required_argument, 0, 'f' },
		{ "output", required_argument, 0, 'o' },
		{ "quiet", no_argument, 0, 'q' },
		{ 0, 0, 0, 0 },
	};
	struct cli_cfg_ops ops = { 0 };
	struct sim_err err = { 0 };
	struct rpl_results res = { 0 };
	struct rpl_source src = { 0 };
	const char *out = NULL, *path;
	int mode = -1, format = AN_FMT_TABLE, quiet = 0, o, rc;
	trc_reader *r = NULL;
	struct rpl_profile *prof = NULL;
	cfg *c = NULL;

	optind = 1;
	while ((o = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (o) {
		case 'h': fputs(usage, stdout); return 0;
		case 'm':
			if (rpl_mode_parse(optarg, &mode))
				return cli_usage_error("replay", "--mode: '%s' is not native, disco, uma or plain", optarg);
			break;
		case CLI_OPT_SET: case CLI_OPT_CONFIG: case CLI_OPT_POLICY:
			if (cli_cfg_ops_add(&ops, o, optarg, "replay"))
				return 2;
			break;
		case 'f':
			if (an_format_parse(optarg, &format))
				return cli_usage_error("replay", "--format: '%s' is not table, csv or json", optarg);
			break;
		case 'o': out = optarg; break;
		case 'q': quiet = 1; break;
		default: return cli_usage_error("replay", "bad option");
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("replay", optind < argc ? "one trace, please" : "which trace?");
	path = argv[optind];
	if (out && cli_check_output(out, path, &err) != SIM_OK)
		return cli_fail("replay", &err);
	if ((rc = trc_reader_open(&r, path, &err)) != SIM_OK)
		return cli_fail("replay", &err);
	if (trc_reader_info(r)->warning[0])
		fprintf(stderr, "disco replay: warning: %s\n", trc_reader_info(r)->warning);
	if ((rc = cli_trace_cfg(r, path, &ops, &c, &err)) != SIM_OK)
		goto fail;
	if (mode < 0 && rpl_mode_parse(cfg_str(c, "capture.mode"), &mode))
		mode = RPL_NATIVE;
	rpl_source_from_reader(&src, r);
	if (mode == RPL_DISCO && !strcmp(cfg_str(c, "policy.migration"), "oracle")) {
		/* the oracle reads the whole trace ahead: a first pass */
		trc_reader *r2 = NULL;
		struct rpl_source s2;
		if ((rc = trc_reader_open(&r2, path, &err)) != SIM_OK)
			goto fail;
		rpl_source_from_reader(&s2, r2);
		rc = rpl_profile_run(c, &s2, &prof, &err);
		trc_reader_close(r2);
		if (rc) {
			sim_err_prefix(&err, "%s: reading ahead for the oracle", path);
			goto fail;
		}
		src.profile = prof;
	}
	rc = rpl_run(c, mode, &src, &res, cli_progress, "replay", &err);
	cli_progress_done();
	if (rc) {
		if (strncmp(err.msg, path, strlen(path)) != 0)   /* the reader's errors name it already */
			sim_err_prefix(&err, "%s", path);
		rpl_results_free(&res);   /* a run that failed midway has allocated it */
		goto fail;
	}
	if (res.warning[0])
		fprintf(stderr, "disco replay: warning: %s\n", res.warning);
	if (*cfg_str(c, "import.format"))
		fprintf(stderr, "disco replay: note: %s was imported from a %s trace: one program's user "
			"references only (no kernel, no system calls, no faults, no I/O)\n", path,
			cfg_str(c, "import.format"));
	if (!quiet)
		an_print_results(stdout, &res, format);
	if (out && (rc = an_write_results(out, rpl_mode_name(mode), c, &res, path, &err)) != SIM_OK) {
		rpl_results_free(&res);
		goto fail;
	}
	rpl_results_free(&res);
	rpl_profile_free(prof);
	cfg_free(c);
	trc_reader_close(r);
	return 0;
fail:
	rpl_profile_free(prof);
	cfg_free(c);
	trc_reader_close(r);
	return cli_fail("replay", &err);
}
