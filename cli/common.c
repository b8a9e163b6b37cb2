/* Helpers shared by the subcommands. */
#include <stdarg.h>
#include <stdio.h>

#include "cli/cli.h"

int cli_fail(const char *cmd, const struct sim_err *err)
{
	fprintf(stderr, "disco %s: %s\n", cmd, err->msg[0] ? err->msg : sim_strerror(err->code));
	return sim_exit_status(err->code ? err->code : SIM_EINTERNAL);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "disco %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(disco %s --help shows the options)\n", cmd);
	return 2;
}

int cli_new_cfg(cfg **out, struct sim_err *err)
{
	return cfg_new(out, disco_param_tables, err);
}
