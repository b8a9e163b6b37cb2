/* The subcommand table: 'disco help' lists exactly these, in this order. */
#include "cli/cli.h"

int cmd_capture(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_figures(int argc, char **argv);
int cmd_results(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_asm(int argc, char **argv);
int cmd_params(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_record(int argc, char **argv);

const struct cli_command cli_commands[] = {
	{ "capture", cmd_capture, "run a workload on the live model and record its trace" },
	{ "import", cmd_import, "turn a real program's trace (din, lackey, champsim) into a trace" },
	{ "record", cmd_record, "run a program under valgrind and import its references as they come" },
	{ "replay", cmd_replay, "replay a trace: native, under the monitor, or uma" },
	{ "sweep", cmd_sweep, "replay traces over the cartesian product of parameter values into one file" },
	{ "figures", cmd_figures, "reproduce the paper's figures that exist into a folder with a report" },
	{ "results", cmd_results, "print the runs of a results file (table, csv or json)" },
	{ "plot", cmd_plot, "draw a results file's runs: time breakdown or locality bars, sweep curves" },
	{ "inspect", cmd_inspect, "check a trace file and describe it (--repair: write a missing index)" },
	{ "dump", cmd_dump, "print a trace's records as text" },
	{ "asm", cmd_asm, "assemble a trace file from its text form" },
	{ "params", cmd_params, "list the parameters, their defaults, ranges and help" },
	{ NULL, NULL, NULL },
};
