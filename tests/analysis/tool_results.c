/*
 * Test helper for tests/e2e/results.sh: writes the sample results of
 * tests/analysis/sample.h to FILE, run "native" through an_write_results and
 * runs "disco" and "disco-migrate" appended with an_open(AN_APPEND), so that
 * the command line and Python can be tried on a file our writer made.
 */
#include <stdio.h>

#include "analysis/results.h"
#include "machine/params.h"
#include "tests/analysis/sample.h"
#include "traces/params.h"

int main(int argc, char **argv)
{
	static const struct param_table *const tabs[] = { &machine_param_table, &trace_param_table, NULL };
	static const char *const names[3] = { "native", "disco", "disco-migrate" };
	struct sim_err err = { 0 };
	struct rpl_results r;
	an_file *f;
	cfg *c;

	if (argc != 2) {
		fprintf(stderr, "usage: tool_results FILE.h5\n");
		return 2;
	}
	if (cfg_new(&c, tabs, &err) || cfg_set(c, "machine.cpus", "4", NULL, &err))
		goto fail;
	sample_results(&r, 0);
	if (an_write_results(argv[1], names[0], c, &r, "/traces/sample.dtr", &err))
		goto fail;
	sample_free(&r);
	if (an_open(&f, argv[1], AN_APPEND, &err))
		goto fail;
	for (int v = 1; v < 3; v++) {
		sample_results(&r, v);
		if (an_add_run(f, names[v], c, &r, "/traces/sample.dtr", &err)) {
			an_abort(f);
			goto fail;
		}
		sample_free(&r);
	}
	if (an_close(f, &err))
		goto fail;
	cfg_free(c);
	return 0;
fail:
	fprintf(stderr, "tool_results: %s\n", err.msg);
	return 1;
}
