/* The subcommand table: 'disco help' lists exactly these. */
#include "cli/cli.h"

int cmd_params(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_asm(int argc, char **argv);

const struct cli_command cli_commands[] = {
	{ "params", cmd_params, "list the parameters, their defaults, ranges and help" },
	{ "inspect", cmd_inspect, "check a trace file and describe it (--repair: write a missing index)" },
	{ "dump", cmd_dump, "print a trace's records as text" },
	{ "asm", cmd_asm, "assemble a trace file from its text form" },
	{ NULL, NULL, NULL },
};
