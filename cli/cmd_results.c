/* disco results FILE: print the runs of a results file. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "analysis/report.h"
#include "analysis/results.h"
#include "base/mem.h"
#include "cli/cli.h"

static const char usage[] =
	"usage: disco results FILE... [--group NAME] [--format table|csv|json] [--config]\n"
	"       disco results SWEEP.h5 --table [--format table|csv] [--columns a,b,...]\n"
	"\n"
	"Print the runs stored in results files (every run, in the order written,\n"
	"file after file, or the one --group names; with several files a run is\n"
	"shown as FILE:NAME): run length, instructions, references, time by category with\n"
	"percentages, memory stall local/remote, TLB and L2TLB counters, the\n"
	"services by time (count, average us at the run's clock, share), and the\n"
	"replay's own speed.  --config adds the stored configuration (table only).\n"
	"--table prints a sweep file's table instead: one row per point (disco\n"
	"sweep writes it).  As a table, for people: the varied parameters and the\n"
	"headline figures (seconds, monitor, locality, l2tlb_hits; mean +- 95% CI\n"
	"with seeds), four significant digits, sizes as K/M, run names short.  As\n"
	"CSV: every column, full precision.  --columns picks the columns of\n"
	"either (table columns, or figures by name: cycles, stall_remote, ...).\n"
	"\n"
	"  table  aligned text for people (default)\n"
	"  csv    long form: run,metric,value (one header line)\n"
	"  json   one object per run; an array of them when the file holds several\n"
	"         and no --group is given\n"
	"\n"
	"The file's layout, for reading it from Python: analysis/RESULTS.md.\n";

int cmd_results(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, 0, 'h' },
		{ "group", required_argument, 0, 'g' },
		{ "format", required_argument, 0, 'f' },
		{ "config", no_argument, 0, 'C' },
		{ "table", no_argument, 0, 'T' },
		{ "columns", required_argument, 0, 'L' },
		{ 0, 0, 0, 0 },
	};
	struct sim_err err = { 0 };
	const char *group = NULL, *columns = NULL;
	int fmt = AN_FMT_TABLE, show_config = 0, table = 0, o, rc = 0, nfiles, shown = 0;

	optind = 1;
	while ((o = getopt_long(argc, argv, "hg:f:", opts, NULL)) != -1) {
		switch (o) {
		case 'h': fputs(usage, stdout); return 0;
		case 'g': group = optarg; break;
		case 'f':
			if (an_format_parse(optarg, &fmt) != SIM_OK)
				return cli_usage_error("results", "--format: '%s' is not table, csv or json", optarg);
			break;
		case 'C': show_config = 1; break;
		case 'T': table = 1; break;
		case 'L': columns = optarg; break;
		default: return cli_bad_option("results");
		}
	}
	if (optind >= argc)
		return cli_usage_error("results", "name a results file (.h5)");
	nfiles = argc - optind;

	if (table) {
		if (fmt == AN_FMT_JSON)
			return cli_usage_error("results", "--table prints as table or csv");
		if (nfiles > 1)
			return cli_usage_error("results", "--table prints one sweep file's table");
		if (cli_sweep_print_table(stdout, argv[optind], fmt == AN_FMT_CSV, columns, &err) != SIM_OK)
			return cli_fail("results", &err);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	/* every file's runs first: a bad file fails before anything is printed */
	struct cli_runs runs = { 0 };
	an_reader *rd = NULL;
	if (cli_runs_collect(&runs, argv + optind, nfiles, &err) != SIM_OK)
		return cli_fail("results", &err);
	if (group) {
		int k = cli_runs_find(&runs, group, &err);
		if (k < 0) {
			cli_runs_free(&runs);
			return cli_fail("results", &err);
		}
		runs.sel[0] = k;
		runs.nsel = 1;
	}
	if (fmt == AN_FMT_JSON && runs.nsel > 1)
		fputs("[\n", stdout);
	for (size_t i = 0; i < runs.nsel; i++) {
		const struct cli_run *ru = &runs.run[runs.sel[i]];
		const char *name = nfiles > 1 ? ru->qualified : ru->name;
		struct rpl_results r;
		char *config = NULL;
		if (cli_run_read(&rd, ru, &r, show_config ? &config : NULL, &err) != SIM_OK) {
			fflush(stdout);
			rc = cli_fail("results", &err);
			break;
		}
		if (fmt == AN_FMT_TABLE && shown > 0)
			fputs("\n", stdout);
		if (fmt == AN_FMT_JSON && shown > 0)
			fputs(",\n", stdout);
		if (an_print_run(stdout, name, &r, fmt, shown > 0 ? AN_PRINT_NOHEADER : 0) != SIM_OK) {
			sim_errf(&err, SIM_EIO, "writing the output failed");
			rc = cli_fail("results", &err);
		}
		shown++;
		if (config && fmt == AN_FMT_TABLE)
			printf("\nconfiguration\n%s", config);
		sim_free(config);
		an_results_free(&r);
		if (rc)
			break;
	}
	if (!rc && fmt == AN_FMT_JSON && runs.nsel > 1)
		fputs("]\n", stdout);
	an_reader_close(rd);
	cli_runs_free(&runs);
	if (fflush(stdout) != 0 && !rc) {
		sim_errf(&err, SIM_EIO, "writing the output failed");
		rc = cli_fail("results", &err);
	}
	return rc;
}
