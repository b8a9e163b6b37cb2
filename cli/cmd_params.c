/* disco params [PREFIX]: the parameter table, as text a person reads. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char usage[] =
	"usage: disco params [--config FILE] [--set name=value ...] [--changed] [--format table|conf] [PREFIX]\n"
	"\n"
	"List every parameter whose name starts with PREFIX (all when absent): name,\n"
	"value, unit, allowed values and one line of help.  With --config and --set,\n"
	"shows the values those give; --changed lists only values that differ from\n"
	"the defaults; --format conf prints 'name = value' lines, a config file.\n";

static const char *type_word(const struct param_def *d, char *buf, size_t n)
{
	switch (d->type) {
	case PARAM_INT: snprintf(buf, n, "%.0f..%.0f", d->lo, d->hi); break;
	case PARAM_SIZE: snprintf(buf, n, "size"); break;
	case PARAM_REAL: snprintf(buf, n, "%g..%g", d->lo, d->hi); break;
	case PARAM_BOOL: snprintf(buf, n, "bool"); break;
	case PARAM_CHOICE: snprintf(buf, n, "%s", d->choices); break;
	case PARAM_STR: snprintf(buf, n, "text"); break;
	}
	return buf;
}

int cmd_params(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, 0, 'h' },
		{ "set", required_argument, 0, 's' },
		{ "config", required_argument, 0, 'c' },
		{ "changed", no_argument, 0, 'C' },
		{ "format", required_argument, 0, 'f' },
		{ 0, 0, 0, 0 },
	};
	struct sim_err err = { 0 };
	const char *prefix = "";
	int changed = 0, conf = 0, o, shown = 0;
	cfg *c;

	if (cli_new_cfg(&c, &err) != SIM_OK)
		return cli_fail("params", &err);
	optind = 1;
	while ((o = getopt_long(argc, argv, "hs:c:", opts, NULL)) != -1) {
		switch (o) {
		case 'h': fputs(usage, stdout); cfg_free(c); return 0;
		case 's':
			if (cfg_set_assignment(c, optarg, "--set", &err) != SIM_OK)
				goto fail;
			break;
		case 'c':
			if (cfg_load(c, optarg, &err) != SIM_OK)
				goto fail;
			break;
		case 'C': changed = 1; break;
		case 'f':
			if (!strcmp(optarg, "conf")) conf = 1;
			else if (strcmp(optarg, "table")) {
				cfg_free(c);
				return cli_usage_error("params", "--format: '%s' is not table or conf", optarg);
			}
			break;
		default: cfg_free(c); return cli_usage_error("params", "bad option");
		}
	}
	if (optind < argc)
		prefix = argv[optind++];
	if (optind < argc) {
		cfg_free(c);
		return cli_usage_error("params", "unexpected argument '%s'", argv[optind]);
	}
	for (size_t i = 0; i < cfg_count(c); i++) {
		const struct param_def *d = cfg_def(c, i);
		char allowed[128];
		if (strncmp(d->name, prefix, strlen(prefix)) != 0)
			continue;
		if (changed && cfg_is_default(c, i))
			continue;
		shown++;
		if (conf) {
			printf("%s = %s\n", d->name, cfg_value(c, i));
			continue;
		}
		printf("%-34s %-10s %-8s %-22s %s\n", d->name, cfg_value(c, i), d->unit,
		       type_word(d, allowed, sizeof allowed), d->help);
	}
	cfg_free(c);
	if (!shown && *prefix) {
		fprintf(stderr, "disco params: no parameter starts with '%s'\n", prefix);
		return 2;
	}
	return 0;
fail:
	cfg_free(c);
	return cli_fail("params", &err);
}
