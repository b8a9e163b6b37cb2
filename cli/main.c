/* disco: the entry point only dispatches to a subcommand. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

#define DISCO_VERSION "0.1.0"

static void list_commands(FILE *f)
{
	fprintf(f, "usage: disco COMMAND [OPTIONS]   (disco help COMMAND, disco COMMAND --help)\n\n"
		   "Trace-driven model of the Disco virtual machine monitor on a CC-NUMA machine.\n\n"
		   "commands:\n");
	for (const struct cli_command *c = cli_commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
}

static const struct cli_command *find(const char *name)
{
	for (const struct cli_command *c = cli_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

/* "no command 'X'", with the closest command names when one is close. */
static void no_command(const char *name)
{
	size_t best = (size_t)-1, limit = strlen(name) / 3 + 1;
	int shown = 0;
	for (const struct cli_command *c = cli_commands; c->name; c++) {
		size_t d = sim_edit_distance(name, c->name);
		best = d < best ? d : best;
	}
	fprintf(stderr, "disco: no command '%s'", name);
	if (best <= limit)
		for (const struct cli_command *c = cli_commands; c->name; c++)
			if (sim_edit_distance(name, c->name) == best)
				fprintf(stderr, "%s%s", shown++ ? " or " : "; did you mean ", c->name);
	fprintf(stderr, "%s\n\n", shown ? "?" : "");
}

/* Standard output is a result like any file: a failure to write it (a full
 * disk, a closed pipe) fails the command. */
static int finish(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		int e = errno;
		fprintf(stderr, "disco: writing standard output failed: %s\n", e ? strerror(e) : "I/O error");
		return status ? status : 1;
	}
	return status;
}

int main(int argc, char **argv)
{
	const struct cli_command *c;

	/* A file over RLIMIT_FSIZE makes write() fail with EFBIG, reported like
	 * a full disk, instead of killing the process mid-file. */
	signal(SIGXFSZ, SIG_IGN);

	if (argc < 2) {
		list_commands(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		if (argc > 2 && strcmp(argv[1], "help") == 0) {
			char *sub[] = { argv[2], "--help", NULL };
			if (!strcmp(argv[2], "help")) {
				printf("usage: disco help [COMMAND]\n\nWithout COMMAND, lists the commands; "
				       "with one, prints its options (as disco COMMAND --help).\n");
				return finish(0);
			}
			c = find(argv[2]);
			if (!c) {
				no_command(argv[2]);
				list_commands(stderr);
				return 2;
			}
			return finish(c->fn(2, sub));
		}
		list_commands(stdout);
		return finish(0);
	}
	if (!strcmp(argv[1], "--version")) {
		printf("disco %s\n", DISCO_VERSION);
		return finish(0);
	}
	c = find(argv[1]);
	if (!c) {
		no_command(argv[1]);
		list_commands(stderr);
		return 2;
	}
	{
		/* getopt names the command in its messages as "disco CMD" */
		char name[64];
		snprintf(name, sizeof name, "disco %s", c->name);
		argv[1] = name;
		return finish(c->fn(argc - 1, argv + 1));
	}
}
