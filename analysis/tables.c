/* Every parameter table of the program. */
#include "analysis/tables.h"
#include "machine/params.h"
#include "traces/params.h"
#include "capture/capture.h"
#include "capture/guest_os.h"
#include "capture/import.h"
#include "monitor/costs.h"
#include "policies/policy.h"
#include "replay/replay.h"

const struct param_table *const disco_param_tables[] = {
	&machine_param_table,
	&trace_param_table,
	&monitor_param_table,
	&policy_param_table,
	&replay_param_table,
	&capture_param_table,
	&guest_os_param_table,
	&guest_splash_param_table,
	&guest_radix_param_table,
	&guest_raytrace_param_table,
	&import_param_table,
	NULL,
};
