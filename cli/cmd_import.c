/* disco import, disco record: traces of real programs. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture/import.h"
#include "cli/cli.h"

static const char import_usage[] =
	"usage: disco import din|lackey|champsim FILE|- -o TRACE [--set name=value ...]\n"
	"                    [--config FILE] [--quiet]\n"
	"\n"
	"Turn a real program's reference stream into a trace of one user address\n"
	"space on one vCPU, which 'disco replay' runs natively and under the monitor.\n"
	"\n"
	"  din        Dinero IV's traditional text input: 'LABEL ADDRESS' per line,\n"
	"             label 0 read, 1 write, 2 instruction fetch, address in hex; the\n"
	"             rest of a line is ignored.  Labels 3 and 4 (Dinero's escapes:\n"
	"             unknown access type, cache flush) are skipped and counted; any\n"
	"             other label is an error.  References are 4 bytes.\n"
	"  lackey     valgrind --tool=lackey --trace-mem=yes output: 'I  ADDR,SIZE',\n"
	"             ' L ADDR,SIZE', ' S ADDR,SIZE', ' M ADDR,SIZE' (a load and a\n"
	"             store); valgrind's '==PID==' lines are ignored.\n"
	"  champsim   ChampSim binary instruction traces (64-byte input_instr\n"
	"             records), plain or xz-compressed; each memory operand is a\n"
	"             1-byte reference (the format has no sizes), loads first.\n"
	"\n"
	"FILE '-' reads standard input (din, lackey).  Every virtual page gets a\n"
	"guest physical page of its L2 colour at its first touch, with the page-table\n"
	"records; consecutive fetches become instruction runs; a data reference that\n"
	"crosses a line (machine.l1d.line) or a page is split there.  The header\n"
	"records machine.cpus = 1, the parameters --set and --config changed, and\n"
	"import.format, import.source (traces/FORMAT.md).\n"
	"\n"
	"  -o FILE          the trace to write (.dtr)\n"
	"  --set name=value machine parameters the import depends on: machine.page_size,\n"
	"                   machine.l2.size and .ways (page colours), machine.mem.size\n"
	"                   (the pages there are), trace.* (an import's defaults:\n"
	"                   machine.cpus = 1, trace.zstd_level = 9, trace.chunk_size =\n"
	"                   4M); all kept in the header\n"
	"  --config FILE    the same from a file or preset\n"
	"  --quiet          no summary\n";

static const char record_usage[] =
	"usage: disco record [-o TRACE] [--set name=value ...] [--config FILE] [--quiet]\n"
	"                    -- PROGRAM [ARGS...]\n"
	"\n"
	"Run PROGRAM under valgrind's lackey tool and import its references as they\n"
	"are produced (through a pipe: no text file is written), like 'disco import\n"
	"lackey'.  PROGRAM keeps its standard input, output and error; progress and\n"
	"the summary go to standard error (progress when it is a terminal).  The\n"
	"header records import.program and import.args.  Needs valgrind (Debian\n"
	"package valgrind).  A program that exits with a non-zero status still gives\n"
	"a trace, with a warning.\n"
	"\n"
	"  -o FILE          the trace to write (default: PROGRAM's base name + .dtr)\n"
	"  --set, --config  as for disco import\n"
	"  --quiet          no summary\n";

static int progress_shown;

static void progress(void *ctx, uint64_t refs)
{
	if (!isatty(2))
		return;
	fprintf(stderr, "\r%s: %.1f M references imported ", (const char *)ctx, (double)refs / 1e6);
	progress_shown = 1;
}

static void progress_done(void)
{
	if (progress_shown)
		fprintf(stderr, "\r\033[K");
	progress_shown = 0;
}

static void summary(FILE *f, const char *out, const struct cap_import_stats *st)
{
	struct stat sb;
	uint64_t refs = st->insns + st->loads + st->stores;
	double size = stat(out, &sb) == 0 ? (double)sb.st_size : 0;
	fprintf(f, "%s: %" PRIu64 " references (%" PRIu64 " instruction fetches in %" PRIu64 " runs, %" PRIu64
	       " loads, %" PRIu64 " stores), %" PRIu64 " pages, %.0f bytes, %.4f bytes/reference\n",
	       out, refs, st->insns, st->runs, st->loads, st->stores, st->pages, size,
	       refs ? size / (double)refs : 0.0);
	if (st->split)
		fprintf(f, "  %" PRIu64 " data references split at a line or page boundary\n", st->split);
}

/* Options shared by import and record; returns -1 to go on, else an exit status. */
struct imp_opts {
	const char *out;
	int quiet;
	struct cli_cfg_ops ops;
};

static int parse_opts(int argc, char **argv, const char *cmd, const char *usage, int in_order,
		      struct imp_opts *io)
{
	static const struct option opts[] = {
		{ "help", no_argument, 0, 'h' },
		{ "output", required_argument, 0, 'o' },
		{ "set", required_argument, 0, CLI_OPT_SET },
		{ "config", required_argument, 0, CLI_OPT_CONFIG },
		{ "quiet", no_argument, 0, 'q' },
		{ 0, 0, 0, 0 },
	};
	int o;
	optind = 1;
	/* in order: stop at the first operand (record: the program's own options follow) */
	while ((o = getopt_long(argc, argv, in_order ? "+ho:q" : "ho:q", opts, NULL)) != -1) {
		switch (o) {
		case 'h': fputs(usage, stdout); return 0;
		case 'o': io->out = optarg; break;
		case 'q': io->quiet = 1; break;
		case CLI_OPT_SET: case CLI_OPT_CONFIG:
			if (cli_cfg_ops_add(&io->ops, o, optarg, cmd))
				return 2;
			break;
		default: return cli_bad_option(cmd);
		}
	}
	return -1;
}

static int open_import(cap_import **im, const struct imp_opts *io, const struct cap_import_origin *o,
		       struct sim_err *err)
{
	cfg *c;
	int rc = cli_new_cfg(&c, err);
	if (rc)
		return rc;
	rc = cap_import_defaults(c, err);
	if (!rc)
		rc = cli_cfg_ops_apply(&io->ops, c, err);
	if (!rc)
		rc = cap_import_open(im, io->out, c, o, err);
	cfg_free(c);
	return rc;
}

int cmd_import(int argc, char **argv)
{
	struct imp_opts io = { 0 };
	struct cap_import_origin origin = { 0 };
	struct cap_import_stats st;
	struct sim_err err = { 0 };
	cap_import *im = NULL;
	const char *path, *name;
	int fd, rc, format;

	if ((rc = parse_opts(argc, argv, "import", import_usage, 0, &io)) >= 0)
		return rc;
	if (optind < argc && cap_import_format_parse(argv[optind], &format))
		return cli_usage_error("import", "'%s' is not a format: din, lackey or champsim", argv[optind]);
	if (optind + 2 != argc)
		return cli_usage_error("import", optind + 2 < argc ? "one FILE only" :
				       optind < argc ? "FILE missing" : "which format and file?");
	path = argv[optind + 1];
	if (!io.out)
		return cli_usage_error("import", "-o TRACE is required");
	if (!strcmp(path, "-")) {
		if (format == CAP_IMPORT_CHAMPSIM)
			return cli_usage_error("import", "champsim reads a file, not standard input");
		fd = 0;
		name = "<stdin>";
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "disco import: %s: %s\n", path, strerror(errno));
			return errno == ENOENT ? 2 : 1;
		}
		name = path;
	}
	origin.format = format;
	origin.source = path;
	if ((rc = open_import(&im, &io, &origin, &err)) != SIM_OK)
		goto fail;
	cap_import_set_progress(im, progress, "import");
	rc = format == CAP_IMPORT_DIN ? cap_import_din(im, fd, name, &err) :
	     format == CAP_IMPORT_LACKEY ? cap_import_lackey(im, fd, name, &err) :
	     cap_import_champsim(im, fd, name, &err);
	progress_done();
	if (rc) {
		cap_import_abandon(im);
		unlink(io.out);
		goto fail;
	}
	if ((rc = cap_import_close(im, &st, &err)) != SIM_OK) {
		unlink(io.out);
		goto fail;
	}
	if (fd > 0)
		close(fd);
	if (st.skipped)
		fprintf(stderr, "disco import: warning: %s: %" PRIu64 " din escape records (labels 3, 4) skipped\n",
			name, st.skipped);
	if (!io.quiet)
		summary(stdout, io.out, &st);
	return 0;
fail:
	if (fd > 0)
		close(fd);
	return cli_fail("import", &err);
}

int cmd_record(int argc, char **argv)
{
	struct imp_opts io = { 0 };
	struct cap_import_origin origin = { 0 };
	struct cap_import_stats st;
	struct sim_err err = { 0 };
	cap_import *im = NULL;
	char outbuf[4096], fdarg[32];
	char **vargv;
	int p[2], rc, status = 0;
	pid_t pid;

	if ((rc = parse_opts(argc, argv, "record", record_usage, 1, &io)) >= 0)
		return rc;
	if (optind >= argc)
		return cli_usage_error("record", "which program? (disco record -- PROGRAM ARGS...)");
	if (!io.out) {
		const char *b = strrchr(argv[optind], '/') ? strrchr(argv[optind], '/') + 1 : argv[optind];
		snprintf(outbuf, sizeof outbuf, "%s.dtr", b);
		io.out = outbuf;
	}
	origin.format = CAP_IMPORT_LACKEY;
	origin.program = argv[optind];
	origin.argv = (const char *const *)argv + optind + 1;
	if ((rc = open_import(&im, &io, &origin, &err)) != SIM_OK)
		return cli_fail("record", &err);
	if (pipe(p) != 0) {
		cap_import_abandon(im);
		fprintf(stderr, "disco record: pipe: %s\n", strerror(errno));
		return 1;
	}
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	vargv = calloc((size_t)(argc - optind) + 5, sizeof *vargv);
	if (!vargv) {
		cap_import_abandon(im);
		fprintf(stderr, "disco record: out of memory\n");
		return 1;
	}
	snprintf(fdarg, sizeof fdarg, "--log-fd=%d", p[1]);
	vargv[0] = "valgrind";
	vargv[1] = "--tool=lackey";
	vargv[2] = "--trace-mem=yes";
	vargv[3] = fdarg;
	for (int i = optind; i < argc; i++)
		vargv[4 + i - optind] = argv[i];
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		cap_import_abandon(im);
		free(vargv);
		fprintf(stderr, "disco record: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		execvp("valgrind", vargv);
		fprintf(stderr, "disco record: cannot run valgrind: %s (Debian: apt-get install valgrind)\n",
			strerror(errno));
		_exit(127);
	}
	free(vargv);
	close(p[1]);
	cap_import_set_progress(im, progress, "record");
	rc = cap_import_lackey(im, p[0], "valgrind output", &err);
	progress_done();
	if (rc)
		kill(pid, SIGTERM);   /* bad output: stop the program rather than fill the pipe */
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!rc && WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		cap_import_abandon(im);
		unlink(io.out);
		return 1;
	}
	if (rc) {
		cap_import_abandon(im);
		unlink(io.out);
		return cli_fail("record", &err);
	}
	if ((rc = cap_import_close(im, &st, &err)) != SIM_OK) {
		unlink(io.out);
		if (WIFEXITED(status) && WEXITSTATUS(status))
			fprintf(stderr, "disco record: valgrind exited with status %d\n", WEXITSTATUS(status));
		return cli_fail("record", &err);
	}
	if (WIFSIGNALED(status))
		fprintf(stderr, "disco record: warning: %s was killed by signal %d; the trace holds what it did before\n",
			origin.program, WTERMSIG(status));
	else if (WEXITSTATUS(status))
		fprintf(stderr, "disco record: warning: %s exited with status %d\n", origin.program,
			WEXITSTATUS(status));
	if (!io.quiet)   /* on stderr: stdout is the program's */
		summary(stderr, io.out, &st);
	return 0;
}
