/* The runs of several results files, as results and plot name them. */
#include <stdio.h>
#include <string.h>

#include "analysis/results.h"
#include "base/mem.h"
#include "cli/cli.h"

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

int cli_run_read(an_reader **rd, const struct cli_run *ru, struct rpl_results *r,
		 char **config_text, struct sim_err *err)
{
	int rc;
	if (*rd && strcmp(an_reader_path(*rd), ru->path) != 0) {
		an_reader_close(*rd);
		*rd = NULL;
	}
	if (!*rd && (rc = an_reader_open(rd, ru->path, err)) != SIM_OK) {
		memset(r, 0, sizeof *r);
		if (config_text)
			*config_text = NULL;
		return rc;
	}
	return an_reader_read(*rd, ru->name, r, config_text, NULL, err);
}

int cli_runs_collect(struct cli_runs *rs, char *const *paths, int npaths, struct sim_err *err)
{
	memset(rs, 0, sizeof *rs);
	for (int p = 0; p < npaths; p++) {
		char **names = NULL;
		size_t n = 0;
		struct cli_run *grown;
		int rc = an_list_runs(paths[p], &names, &n, err);
		if (rc != SIM_OK) {
			cli_runs_free(rs);
			return rc;
		}
		if (n == 0) {
			an_free_names(names, n);
			cli_runs_free(rs);
			return sim_errf(err, SIM_EINVAL, "%s: holds no runs", paths[p]);
		}
		grown = sim_realloc(rs->run, (rs->n + n) * sizeof *rs->run);
		if (!grown) {
			an_free_names(names, n);
			cli_runs_free(rs);
			return sim_errf(err, SIM_ENOMEM, "out of memory");
		}
		rs->run = grown;
		for (size_t i = 0; i < n; i++) {
			struct cli_run *r = &rs->run[rs->n++];
			size_t len = strlen(base_name(paths[p])) + strlen(names[i]) + 2;
			r->path = paths[p];
			r->name = sim_strdup(names[i]);
			r->qualified = sim_malloc(len);
			if (r->qualified)
				snprintf(r->qualified, len, "%s:%s", base_name(paths[p]), names[i]);
			if (!r->name || !r->qualified) {
				an_free_names(names, n);
				cli_runs_free(rs);
				return sim_errf(err, SIM_ENOMEM, "out of memory");
			}
		}
		an_free_names(names, n);
	}
	if (!(rs->sel = sim_calloc(rs->n ? rs->n : 1, sizeof *rs->sel))) {
		cli_runs_free(rs);
		return sim_errf(err, SIM_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < rs->n; i++)
		rs->sel[rs->nsel++] = i;
	return SIM_OK;
}

long cli_runs_find(const struct cli_runs *rs, const char *token, struct sim_err *err)
{
	long found = -1;
	const char *colon = strrchr(token, ':');
	size_t listed = 0;
	char have[512] = "";

	for (size_t i = 0; i < rs->n; i++) {
		if (strcmp(rs->run[i].name, token) != 0)
			continue;
		if (found >= 0) {
			sim_errf(err, SIM_EINVAL, "run '%s' is in %s and in %s: say which as %s or %s", token,
				 rs->run[found].path, rs->run[i].path, rs->run[found].qualified,
				 rs->run[i].qualified);
			return -1;
		}
		found = (long)i;
	}
	if (found >= 0)
		return found;
	if (colon) {
		size_t flen = (size_t)(colon - token);
		for (size_t i = 0; i < rs->n; i++) {
			const char *p = rs->run[i].path, *b = base_name(p);
			if (strcmp(rs->run[i].name, colon + 1) != 0)
				continue;
			if ((strlen(p) == flen && !strncmp(p, token, flen)) ||
			    (strlen(b) == flen && !strncmp(b, token, flen)))
				return (long)i;
		}
	}
	/* what there is, in the error: the newcomer's first question */
	for (size_t i = 0; i < rs->n && listed < 12; i++, listed++) {
		size_t l = strlen(have);
		snprintf(have + l, sizeof have - l, "%s%s", l ? ", " : "",
			 rs->run[0].path == rs->run[rs->n - 1].path ? rs->run[i].name : rs->run[i].qualified);
	}
	sim_errf(err, SIM_EINVAL, "no run named '%s' in %s%s (runs: %s%s)", token, rs->run[0].path,
		 rs->run[0].path == rs->run[rs->n - 1].path ? "" : " and the other files", have,
		 rs->n > listed ? ", ..." : "");
	return -1;
}

const char *cli_runs_label(const struct cli_runs *rs, size_t k)
{
	const struct cli_run *r = &rs->run[rs->sel[k]];
	for (size_t j = 0; j < rs->nsel; j++)
		if (j != k && !strcmp(rs->run[rs->sel[j]].name, r->name))
			return r->qualified;
	return r->name;
}

void cli_runs_free(struct cli_runs *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		sim_free(rs->run[i].name);
		sim_free(rs->run[i].qualified);
	}
	sim_free(rs->run);
	sim_free(rs->sel);
	memset(rs, 0, sizeof *rs);
}
