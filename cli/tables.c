/* Every parameter table of the program. */
#include "cli/cli.h"
#include "machine/params.h"
#include "traces/params.h"

const struct param_table *const disco_param_tables[] = {
	&machine_param_table,
	&trace_param_table,
	NULL,
};
