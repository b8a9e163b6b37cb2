/* Helpers shared by the subcommands. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/mem.h"
#include "base/outfile.h"
#include "cli/cli.h"

void cli_put_text(FILE *f, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char b = (unsigned char)s[i];
		if ((b < 0x20 && b != '\t') || b == 0x7f)
			fprintf(f, "\\x%02x", b);
		else
			fputc(b, f);
	}
}

int cli_fail(const char *cmd, const struct sim_err *err)
{
	const char *m = err->msg[0] ? err->msg : sim_strerror(err->code);
	/* messages quote file names and header bytes: escape control characters */
	fprintf(stderr, "disco %s: ", cmd);
	cli_put_text(stderr, m, strlen(m));
	fputc('\n', stderr);
	return sim_exit_status(err->code ? err->code : SIM_EINTERNAL);
}

int cli_lock(const char *cmd, const char *path, struct sim_lock **l)
{
	struct sim_err err = { 0 };
	long stale;
	if (sim_lock_take(path, l, &err) != SIM_OK)
		return cli_fail(cmd, &err);
	if ((stale = sim_lock_stale_pid(*l)) > 0) {
		fprintf(stderr, "disco %s: note: %s.lock was left by process %ld, which ended without "
			"releasing it (killed?); taking it over\n", cmd, path, stale);
	}
	return 0;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "disco %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(disco %s --help shows the options)\n", cmd);
	return 2;
}

int cli_bad_option(const char *cmd)
{
	/* getopt has printed which option and why */
	fprintf(stderr, "(disco %s --help shows the options)\n", cmd);
	return 2;
}

int cli_new_cfg(cfg **out, struct sim_err *err)
{
	return cfg_new(out, disco_param_tables, err);
}

#include <string.h>
#include <time.h>
#include <unistd.h>

#include "policies/policy.h"

int cli_cfg_ops_add(struct cli_cfg_ops *ops, int opt, const char *arg, const char *cmd)
{
	if (ops->n >= (int)(sizeof ops->op / sizeof ops->op[0]))
		return cli_usage_error(cmd, "too many --set/--config/--policy options");
	ops->op[ops->n].opt = opt;
	ops->op[ops->n].arg = arg;
	ops->n++;
	return 0;
}

int cli_cfg_ops_apply(const struct cli_cfg_ops *ops, cfg *c, struct sim_err *err)
{
	for (int i = 0; i < ops->n; i++) {
		const char *arg = ops->op[i].arg;
		int rc = SIM_OK;
		switch (ops->op[i].opt) {
		case CLI_OPT_SET:
			rc = cfg_set_assignment(c, arg, "--set", err);
			break;
		case CLI_OPT_CONFIG:
			rc = cfg_load(c, arg, err);
			break;
		case CLI_OPT_POLICY: {
			char kind[64];
			const char *eq = strchr(arg, '=');
			const char *param;
			if (!eq || (size_t)(eq - arg) >= sizeof kind)
				return sim_errf(err, SIM_EINVAL, "--policy %s: expected kind=name "
						"(kinds: %s)", arg, pol_kinds());
			memcpy(kind, arg, (size_t)(eq - arg));
			kind[eq - arg] = '\0';
			param = pol_kind_param(kind);
			if (!param)
				return sim_errf(err, SIM_EINVAL, "--policy %s: no policy kind '%s' "
						"(kinds: %s)", arg, kind, pol_kinds());
			rc = cfg_set(c, param, eq + 1, "--policy", err);
			break;
		}
		}
		if (rc)
			return rc;
	}
	return SIM_OK;
}

static int progress_shown;

int cli_progress_due(double *last)
{
	struct timespec ts;
	double t;
	if (isatty(2))
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	t = (double)ts.tv_sec + ts.tv_nsec * 1e-9;
	if (*last == 0) {
		*last = t;   /* the first line after a period: short work stays silent */
		return 0;
	}
	if (t - *last < CLI_PROGRESS_SECONDS)
		return 0;
	*last = t;
	return 1;
}

void cli_progress(void *ctx, uint64_t records, uint64_t cycles)
{
	static double last;
	const char *what = ctx;
	int due = cli_progress_due(&last);
	if (!due)
		return;
	fprintf(stderr, "%s%s: %.1f M records, %.1f M cycles simulated%s", due == 2 ? "\r" : "",
		what ? what : "", (double)records / 1e6, (double)cycles / 1e6, due == 2 ? " " : "\n");
	progress_shown = due == 2;
}

void cli_progress_done(void)
{
	if (progress_shown)
		fprintf(stderr, "\r\033[K");
	progress_shown = 0;
}

int cli_check_output(const char *out, const char *in, struct sim_err *err)
{
	sim_out *o;
	int rc;
	if ((rc = sim_out_not_input(out, in, err)) != SIM_OK)
		return rc;
	if ((rc = sim_out_open(&o, out, err)) != SIM_OK)
		return rc;
	sim_out_abort(o);
	return SIM_OK;
}

struct cli_config_filter {
	cfg *dflt;
	cfg *scratch;
};

struct cli_config_filter *cli_config_filter_new(void)
{
	struct cli_config_filter *f = sim_calloc(1, sizeof *f);
	if (!f || cli_new_cfg(&f->dflt, NULL) != SIM_OK || cli_new_cfg(&f->scratch, NULL) != SIM_OK) {
		cli_config_filter_free(f);
		return NULL;
	}
	return f;
}

int cli_config_shown(void *ctx, const char *line, size_t len)
{
	struct cli_config_filter *f = ctx;
	char text[1024], *eq, *name, *value, *e;
	if (!f || len >= sizeof text)
		return 1;
	memcpy(text, line, len);
	text[len] = '\0';
	if (!(eq = strchr(text, '=')))
		return 1;
	*eq = '\0';
	name = text;
	while (*name == ' ' || *name == '\t')
		name++;
	for (e = eq; e > name && (e[-1] == ' ' || e[-1] == '\t'); )
		*--e = '\0';
	value = eq + 1;
	while (*value == ' ' || *value == '\t')
		value++;
	if (!strcmp(name, "machine.cpus") || cfg_set(f->scratch, name, value, NULL, NULL) != SIM_OK)
		return 1;
	return strcmp(cfg_str(f->scratch, name), cfg_str(f->dflt, name)) != 0;
}

void cli_config_filter_free(struct cli_config_filter *f)
{
	if (!f)
		return;
	cfg_free(f->dflt);
	cfg_free(f->scratch);
	sim_free(f);
}

void cli_print_policies(FILE *f)
{
	fputs("  --policy kind=name   ", f);
	for (int i = 0; pol_kind_name(i); i++) {
		char names[512], *p;
		snprintf(names, sizeof names, "%s", pol_names(pol_kind_name(i)));
		for (p = names; (p = strchr(p, ',')); )
			*p = '|';
		fprintf(f, "%s%s=%s%s\n", i ? "                       " : "", pol_kind_name(i), names,
			pol_kind_name(i + 1) ? "," : "");
	}
}
