/* disco replay TRACE: re-run a trace on the machine + monitor model. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "analysis/report.h"
#include "analysis/results.h"
#include "base/cpus.h"
#include "base/outfile.h"
#include "cli/cli.h"
#include "replay/replay.h"
#include "traces/trace.h"

static const char usage[] =
	"usage: disco replay TRACE [--mode native|disco|uma|plain] [--policy kind=name ...]\n"
	"                    [--set name=value ...] [--config FILE] [--format table|csv|json]\n"
	"                    [-o RESULTS.h5 [--name NAME]] [--threads auto|1|2] [--quiet]\n"
	"\n"
	"Replay a trace on the machine model: natively (the guest on bare hardware),\n"
	"under the monitor (disco), or natively with every miss at local latency\n"
	"(uma, the lower bound of Figure 9).  The trace's own configuration applies\n"
	"first, then --config, --set and --policy in the order given.\n"
	"\n"
	"  --mode M             native, disco, uma or plain (default: the mode it was captured in)\n"
	"%s"   /* --policy: from the registry */
	"                       (a policy that reads the whole trace ahead, such as\n"
	"                       migration=oracle, replays it twice)\n"
	"  --set name=value     any parameter (disco params lists them)\n"
	"  --config FILE        a config file or preset (flash8, flash16, origin200, plain)\n"
	"  --format F           summary on stdout: table (default), csv or json\n"
	"  -o FILE              also write the results as HDF5 (analysis/RESULTS.md):\n"
	"                       the run is added to FILE (created if absent) beside\n"
	"                       the runs already there; a run of the same name is\n"
	"                       replaced (a note says so)\n"
	"  --name NAME          the run's name in FILE (default: the mode), so that\n"
	"                       runs replayed apart can be compared: replay natively\n"
	"                       and under the monitor into one file, then plot both\n"
	"  --threads N          2: a second thread reads and decodes the trace ahead of\n"
	"                       the model, on a second core (the same numbers, to the\n"
	"                       last counter); 1: one thread; auto (default): 2 when\n"
	"                       this process may run on two CPUs or more (its affinity,\n"
	"                       which taskset and Slurm set), else 1\n"
	"  --quiet              no summary on stdout\n";

/* What a trace says of itself cannot be changed at replay: how it was
 * captured (capture.*: the mode it replays in by default, the workload and
 * guest stored with the results) and its page size.  SIM_EINVAL naming the
 * option that tried: a config file with every parameter in it would
 * otherwise turn a disco trace's replay native, or fail later with a
 * page-table error. */
static int trace_facts_kept(const cfg *before, const cfg *c, const char *path,
			    const struct cli_cfg_op *op, struct sim_err *err)
{
	const char *how = op->opt == CLI_OPT_CONFIG ? "--config" : op->opt == CLI_OPT_SET ? "--set" : "--policy";
	long ps = cfg_find(c, "machine.page_size");
	if (strcmp(cfg_value(before, (size_t)ps), cfg_value(c, (size_t)ps)) != 0)   /* the first to name */
		return sim_errf(err, SIM_EINVAL, "%s %s: sets machine.page_size = %s, but %s has "
				"%s-byte pages (the page size is the trace's own)", how, op->arg,
				cfg_value(c, (size_t)ps), path, cfg_value(before, (size_t)ps));
	for (size_t i = 0; i < cfg_count(c); i++) {
		const char *name = cfg_def(c, i)->name;
		if (strncmp(name, "capture.", 8) != 0 || strcmp(cfg_value(before, i), cfg_value(c, i)) == 0)
			continue;
		return sim_errf(err, SIM_EINVAL, "%s %s: sets %s = %s, but %s was captured with %s: "
				"capture.* settings describe the trace and cannot change at replay%s",
				how, op->arg, name, cfg_value(c, i), path, cfg_value(before, i),
				strcmp(name, "capture.mode") ? "" : " (another mode: --mode)");
	}
	return SIM_OK;
}

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
	/* one option at a time, so that a contradiction names its option */
	for (int i = 0; i < ops->n && rc == SIM_OK; i++) {
		struct cli_cfg_ops one = { .n = 1 };
		cfg *before;
		one.op[0] = ops->op[i];
		if ((rc = cfg_copy(&before, c, err)) != SIM_OK)
			break;
		if ((rc = cli_cfg_ops_apply(&one, c, err)) == SIM_OK)
			rc = trace_facts_kept(before, c, path, &ops->op[i], err);
		cfg_free(before);
	}
	if (rc) {
		cfg_free(c);
		return rc;
	}
	*out = c;
	return SIM_OK;
}

static int is_device(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && !S_ISREG(st.st_mode);
}

/* Add run `name` to the results file out, replacing one of that name. */
static int add_run(const char *out, const char *name, const cfg *c, const struct rpl_results *res,
		   const char *trace, struct sim_err *err)
{
	an_file *f;
	int replaced = 0, rc = an_open(&f, out, AN_APPEND, err);
	if (rc != SIM_OK)
		return rc;
	if (an_has_run(f, name)) {
		if ((rc = an_remove_run(f, name, err)) != SIM_OK) {
			an_abort(f);
			return rc;
		}
		replaced = 1;
	}
	if ((rc = an_add_run(f, name, c, res, trace, err)) != SIM_OK) {
		an_abort(f);
		return rc;
	}
	if ((rc = an_close(f, err)) != SIM_OK)
		return rc;
	if (replaced)
		fprintf(stderr, "disco replay: note: replaced the run '%s' of %s (another name: --name)\n",
			name, out);
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
		{ "name", required_argument, 0, 'n' },
		{ "threads", required_argument, 0, 't' },
		{ 0, 0, 0, 0 },
	};
	struct cli_cfg_ops ops = { 0 };
	struct sim_err err = { 0 };
	struct rpl_results res = { 0 };
	struct rpl_source src = { 0 };
	const char *out = NULL, *path, *name = NULL;
	struct sim_lock *lock = NULL;
	int mode = -1, format = AN_FMT_TABLE, quiet = 0, o, rc;
	trc_reader *r = NULL;
	struct rpl_profile *prof = NULL;
	rpl_prefetch *pf = NULL;
	int threads = 0;            /* 0: auto */
	cfg *c = NULL;

	optind = 1;
	while ((o = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (o) {
		case 'h': {
			/* the usage with the registry's policies in place of its %s */
			const char *mark = strstr(usage, "%s");
			fwrite(usage, 1, (size_t)(mark - usage), stdout);
			cli_print_policies(stdout);
			fputs(mark + 2, stdout);
			return 0;
		}
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
		case 'n': name = optarg; break;
		case 't':
			if (strcmp(optarg, "auto") && strcmp(optarg, "1") && strcmp(optarg, "2"))
				return cli_usage_error("replay", "--threads: '%s' is not auto, 1 or 2", optarg);
			threads = optarg[0] == 'a' ? 0 : optarg[0] - '0';
			break;
		default: return cli_bad_option("replay");
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("replay", optind < argc ? "one trace, please" : "which trace?");
	path = argv[optind];
	if (name && !out)
		return cli_usage_error("replay", "--name names the run in the results file: give -o FILE");
	if (out && cli_check_output(out, path, &err) != SIM_OK)
		return cli_fail("replay", &err);
	/* the results file is ours until the run is in it: a sweep or another
	 * replay adding to it stops here, before any work (a device such as
	 * /dev/null is written directly and needs no lock beside it) */
	if (out && !is_device(out) && (rc = cli_lock("replay", out, &lock)) != 0)
		return rc;
	if ((rc = trc_reader_open(&r, path, &err)) != SIM_OK)
		return cli_fail("replay", &err);
	if (trc_reader_info(r)->warning[0])
		fprintf(stderr, "disco replay: warning: %s\n", trc_reader_info(r)->warning);
	if ((rc = cli_trace_cfg(r, path, &ops, &c, &err)) != SIM_OK)
		goto fail;
	if (mode < 0)
		mode = rpl_mode_of(c);
	rpl_source_from_reader(&src, r);
	/* a migration policy that reads ahead (POL_MIG_READ_AHEAD): a first pass */
	if ((rc = rpl_read_ahead(c, mode, r, &prof, &err)) != SIM_OK) {
		sim_err_prefix(&err, "%s", path);
		goto fail;
	}
	src.profile = prof;
	if (threads == 0)
		threads = sim_cpus_usable() >= 2 ? 2 : 1;
	if (threads == 2) {
		const struct rpl_profile *keep = src.profile;
		if ((rc = rpl_prefetch_start(&pf, &src, r, &err)) != SIM_OK)
			goto fail;
		src.profile = keep;
	}
	rc = rpl_run(c, mode, &src, &res, cli_progress, "replay", &err);
	res.threads = threads;
	rpl_prefetch_stop(pf);
	pf = NULL;
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
	if (out && (rc = add_run(out, name ? name : rpl_mode_name(mode), c, &res, path, &err)) != SIM_OK) {
		rpl_results_free(&res);
		goto fail;
	}
	rpl_results_free(&res);
	rpl_profile_free(prof);
	cfg_free(c);
	trc_reader_close(r);
	sim_lock_release(lock);
	return 0;
fail:
	rpl_profile_free(prof);
	cfg_free(c);
	trc_reader_close(r);
	sim_lock_release(lock);
	return cli_fail("replay", &err);
}
