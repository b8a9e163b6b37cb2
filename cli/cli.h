/*
 * The command line: one function per subcommand, each parsing its own options
 * and calling the libraries; only this folder prints errors and exits.
 */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "base/err.h"
#include "analysis/tables.h"
#include "base/params.h"

/* A subcommand returns a process exit status: 0, 1 (runtime failure) or
 * 2 (bad usage or bad input). */
typedef int (*cli_fn)(int argc, char **argv);

struct cli_command {
	const char *name;
	cli_fn fn;
	const char *summary;   /* one line, for 'disco help' */
};

extern const struct cli_command cli_commands[];


/* Write len bytes of s with control characters (but tab) as \xNN: text
 * from files (a trace header, a path) never reaches a terminal raw. */
void cli_put_text(FILE *f, const char *s, size_t len);
/* Print "disco CMD: message" for err (escaped as by cli_put_text) and
 * return its exit status. */
int cli_fail(const char *cmd, const struct sim_err *err);
/* Take the lock on path for the whole command (base/outfile.h
 * sim_lock_take): 0, saying on stderr when it takes over a lock file left
 * by a process that was killed; or prints why not and returns the exit
 * status. */
struct sim_lock;
int cli_lock(const char *cmd, const char *path, struct sim_lock **l);
/* Print "disco CMD: message" and a hint to --help; return 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An option getopt refused (it has said which and why): the help hint, 2. */
int cli_bad_option(const char *cmd);

/* Before any work: SIM_EINVAL if out is the input file in (NULL: none) or
 * cannot be replaced (a folder, a FIFO), SIM_EIO if it cannot be written. */
int cli_check_output(const char *out, const char *in, struct sim_err *err);

/* A configuration with every parameter at its default. */
int cli_new_cfg(cfg **out, struct sim_err *err);

/* Which lines of a trace header's configuration text to show a person:
 * those whose value differs from the default (and unknown names, and
 * machine.cpus, whose absence means one CPU per stream).  ctx is a struct
 * cli_config_filter from cli_config_filter_new (NULL if out of memory:
 * then every line is shown). */
struct cli_config_filter;
struct cli_config_filter *cli_config_filter_new(void);
int cli_config_shown(void *ctx, const char *line, size_t len);
void cli_config_filter_free(struct cli_config_filter *f);


/* Options that change a configuration, kept in command-line order and
 * applied after the defaults and a trace's own configuration:
 * --set name=value, --config FILE, --policy kind=name. */
struct cli_cfg_op {
	int opt;
	const char *arg;
};
struct cli_cfg_ops {
	int n;
	struct cli_cfg_op op[256];
};
enum { CLI_OPT_SET = 1000, CLI_OPT_CONFIG, CLI_OPT_POLICY };
int cli_cfg_ops_add(struct cli_cfg_ops *ops, int opt, const char *arg, const char *cmd);
int cli_cfg_ops_apply(const struct cli_cfg_ops *ops, cfg *c, struct sim_err *err);
/* The --policy line of a usage: every kind and its policies, from the
 * registry (policies/registry.c), so that a new policy is listed. */
void cli_print_policies(FILE *f);
/* The configuration a trace replays under (rpl_trace_cfg), then ops in
 * order, each refused if it contradicts what the trace fixes (its mode,
 * its page size).  *out is the caller's. */
struct trc_reader;
int cli_trace_cfg(struct trc_reader *r, const char *path, const struct cli_cfg_ops *ops, cfg **out,
		  struct sim_err *err);

/* The sweep table of a results file (analysis/sweep.h) on f.  csv = 1:
 * CSV with a header line, every column; csv = 0: aligned, for people: the
 * varied parameters and the headline figures (with their 95% CI when there
 * are seeds), four significant digits, sizes as K/M, run names short.
 * columns (NULL: those defaults) names the columns to show, a figure by its
 * name (its mean and CI with seeds); an unknown one is SIM_EINVAL listing
 * what there is. */
int cli_sweep_print_table(FILE *f, const char *path, int csv, const char *columns,
			  struct sim_err *err);

/* Progress on stderr (a replay/capture callback, ctx the command's name):
 * a line kept up to date on a terminal, otherwise (a log, nohup) a line
 * every CLI_PROGRESS_SECONDS once the work has taken that long. */
#define CLI_PROGRESS_SECONDS 10.0
void cli_progress(void *ctx, uint64_t records, uint64_t cycles);
/* For other progress lines: 2 on a terminal (update in place), 1 when a
 * line is due in a log (*last: when the previous one was, 0 at first), 0
 * when not. */
int cli_progress_due(double *last);
void cli_progress_done(void);

/* The runs of several results files, for results and plot: every run of
 * every file in order (path, name, and "FILE:NAME" with the file's base
 * name), and a selection of them (indices into run, at first all). */
struct cli_run {
	const char *path;
	char *name;
	char *qualified;
};
struct cli_runs {
	struct cli_run *run;
	size_t n;
	size_t *sel;
	size_t nsel;
};
int cli_runs_collect(struct cli_runs *rs, char *const *paths, int npaths, struct sim_err *err);
/* The index of the run a user names: NAME (in whichever file has it; an
 * error if several do) or FILE:NAME; -1 with err naming what there is. */
long cli_runs_find(const struct cli_runs *rs, const char *token, struct sim_err *err);
/* The name to show for run k of the selection: its name, or FILE:NAME when
 * another selected run has the same name. */
const char *cli_runs_label(const struct cli_runs *rs, size_t k);
void cli_runs_free(struct cli_runs *rs);
/* an_read_results of run ru through *rd, a reader kept open (NULL at
 * first; an_reader_close it at the end) while runs come from one file, so
 * the file is opened and checked once, not once per run. */
struct an_reader;
struct rpl_results;
int cli_run_read(struct an_reader **rd, const struct cli_run *ru, struct rpl_results *r,
		 char **config_text, struct sim_err *err);

#endif
