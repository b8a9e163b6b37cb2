/* disco params [PREFIX]: the parameter table, as text a person reads. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char usage[] =
	"usage: disco params [--config FILE] [--set name=value ...] [--changed] [--format table|conf]\n"
	"                    [--all] [WORD]\n"
	"\n"
	"List every parameter whose name starts with WORD (all when absent; when\n"
	"none starts with it, those whose name contains it): name, value, unit,\n"
	"allowed values and one line of help.  With --config and --set, shows the\n"
	"values those give; --changed lists only values that differ from the\n"
	"defaults.  --format conf prints 'name = value' lines, a config file, of\n"
	"the values that differ from the defaults (every value with --all).\n";

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
		{ "all", no_argument, 0, 'A' },
		{ 0, 0, 0, 0 },
	};
	struct sim_err err = { 0 };
	const char *prefix = "";
	int changed = 0, conf = 0, all = 0, o, shown = 0, substr = 0;
	int wname = 4, wval = 5, wunit = 4, wallowed = 7;
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
		case 'A': all = 1; break;
		case 'f':
			if (!strcmp(optarg, "conf")) conf = 1;
			else if (strcmp(optarg, "table")) {
				cfg_free(c);
				return cli_usage_error("params", "--format: '%s' is not table or conf", optarg);
			}
			break;
		default: cfg_free(c); return cli_bad_option("params");
		}
	}
	if (optind < argc)
		prefix = argv[optind++];
	if (optind < argc) {
		cfg_free(c);
		return cli_usage_error("params", "unexpected argument '%s'", argv[optind]);
	}
	if (conf && !all)
		changed = 1;   /* a config file of what differs: it does not pin the rest */
	/* a word no name starts with is looked for inside the names */
	substr = 1;
	for (size_t i = 0; i < cfg_count(c); i++)
		if (!strncmp(cfg_def(c, i)->name, prefix, strlen(prefix)))
			substr = 0;
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1 && !conf && shown)
			printf("%-*s  %-*s  %-*s  %-*s  %s\n", wname, "name", wval, "value", wunit, "unit",
			       wallowed, "allowed", "help");
		for (size_t i = 0; i < cfg_count(c); i++) {
			const struct param_def *d = cfg_def(c, i);
			const char *unit = d->unit ? d->unit : "";
			char allowed[128];
			if (substr ? !strstr(d->name, prefix) : strncmp(d->name, prefix, strlen(prefix)) != 0)
				continue;
			if (changed && cfg_is_default(c, i))
				continue;
			type_word(d, allowed, sizeof allowed);
			if (pass == 0) {   /* column widths */
				shown++;
				wname = (int)strlen(d->name) > wname ? (int)strlen(d->name) : wname;
				wval = (int)strlen(cfg_value(c, i)) > wval ? (int)strlen(cfg_value(c, i)) : wval;
				wunit = (int)strlen(unit) > wunit ? (int)strlen(unit) : wunit;
				wallowed = (int)strlen(allowed) > wallowed ? (int)strlen(allowed) : wallowed;
				/* a long list of choices overflows its column rather than widen it */
				wallowed = wallowed > 24 ? 24 : wallowed;
				wval = wval > 16 ? 16 : wval;
				continue;
			}
			if (conf) {
				printf("%s = %s\n", d->name, cfg_value(c, i));
				continue;
			}
			printf("%-*s  %-*s  %-*s  %-*s  %s\n", wname, d->name, wval, cfg_value(c, i), wunit,
			       unit, wallowed, allowed, d->help);
		}
	}
	cfg_free(c);
	if (!shown && *prefix && !changed) {
		fprintf(stderr, "disco params: no parameter's name starts with or contains '%s'\n", prefix);
		return 2;
	}
	return 0;
fail:
	cfg_free(c);
	return cli_fail("params", &err);
}
