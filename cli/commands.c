/* The subcommand table: 'disco help' lists exactly these. */
#include "cli/cli.h"

int cmd_params(int argc, char **argv);

const struct cli_command cli_commands[] = {
	{ "params", cmd_params, "list the parameters, their defaults, ranges and help" },
	{ NULL, NULL, NULL },
};
