/*
 * A sweep file's table for people and for programs.  CSV is the whole table
 * (or the --columns picked); the aligned table shows what a reader compares:
 * the parameters that vary (not the capture.* settings that only tell the
 * traces apart), and the headline figures with their 95% confidence
 * intervals, in four significant digits, sizes as K/M/G, run names short.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis/report.h"
#include "analysis/sweep.h"
#include "base/mem.h"
#include "cli/cli.h"

/* The figures shown when --columns does not pick. */
static const char *const headline[] = { "seconds", "monitor", "locality", "l2tlb_hits" };

struct view_col {
	char title[160];
	int col;        /* table column */
	int ci;         /* its 95% CI column, or -1 */
	int short_name; /* a run name: its first 9 characters, +N more */
	int base_name;  /* a path: its base name */
};

/* A CSV cell (column c). */
static void csv_cell(FILE *f, int c, const char *s)
{
	if (c)
		fputc(',', f);
	an_csv_str(f, s);
}

/* How a number is shown: divided by div, with decimals, and a suffix. */
struct fmt {
	double div;
	int decimals;
	char suffix;
};

/* The form of x with four significant digits: sizes (unit bytes) as K/M/G
 * when exact, other large numbers with k/M/G. */
static struct fmt fmt_of(double x, const char *unit)
{
	struct fmt f = { 1, 0, 0 };
	double a = fabs(x);
	int e;
	if (!strcmp(unit, "bytes") && a >= 1024) {
		static const char sfx[] = "KMGT";
		int k = -1;
		double d = 1;
		while (a / d >= 1024 && k < 3 && fmod(x, d * 1024) == 0) {
			d *= 1024;
			k++;
		}
		if (k >= 0)
			return (struct fmt){ d, 0, sfx[k] };
	}
	if (a >= 1e4) {
		static const char dsfx[] = "kMGT";
		int k = 0;
		f.div = 1e3;
		while (a / f.div >= 1e3 && k < 3) {
			f.div *= 1e3;
			k++;
		}
		f.suffix = dsfx[k];
		a /= f.div;
	}
	if (!f.suffix && x == floor(x))
		return f;   /* whole numbers as they are: 256, not 256.0 */
	e = a > 0 ? (int)floor(log10(a)) : 0;
	f.decimals = 3 - e < 0 ? 0 : 3 - e;
	return f;
}

static void put(char *buf, size_t n, double x, struct fmt f)
{
	if (f.suffix)
		snprintf(buf, n, "%.*f%c", f.decimals, x / f.div, f.suffix);
	else
		snprintf(buf, n, "%.*f", f.decimals, x / f.div);
}

static void view_cell(const struct an_table *t, const struct view_col *v, int r, char *buf, size_t n)
{
	const struct an_col *k = &t->cols[v->col];
	if (k->kind == AN_COL_STR) {
		const char *s = k->s[r] ? k->s[r] : "";
		if (v->base_name && strrchr(s, '/'))
			s = strrchr(s, '/') + 1;
		if (v->short_name) {
			/* the runs of one row (a point's seeds) are joined by spaces */
			int more = 0;
			for (const char *p = s; *p; p++)
				more += *p == ' ';
			snprintf(buf, n, "%.9s%s", s, more ? "+" : "");
			if (more)
				snprintf(buf + strlen(buf), n - strlen(buf), "%d", more);
			return;
		}
		/* a size parameter is stored as text: show it as a size too */
		snprintf(buf, n, "%s", s);
		return;
	}
	double x = k->kind == AN_COL_I64 ? (double)k->i[r] : k->f[r];
	struct fmt f = fmt_of(x, k->unit);
	if (isnan(x)) {
		snprintf(buf, n, "n/a");
		return;
	}
	put(buf, n, x, f);
	if (v->ci >= 0) {   /* the CI in the mean's units and decimals */
		char c[64];
		const struct an_col *ci = &t->cols[v->ci];
		double y = ci->kind == AN_COL_I64 ? (double)ci->i[r] : ci->f[r];
		if (isnan(y))
			snprintf(c, sizeof c, "n/a");
		else
			put(c, sizeof c, y, f);
		snprintf(buf + strlen(buf), n - strlen(buf), " ± %s", c);
	}
}

/* 1 if column c holds more than one value. */
static int varies(const struct an_table *t, int c)
{
	char a[256], b[256];
	for (int r = 1; r < t->nrows; r++) {
		an_table_cell(t, c, 0, a, sizeof a);
		an_table_cell(t, c, r, b, sizeof b);
		if (strcmp(a, b))
			return 1;
	}
	return 0;
}

static void add(struct view_col *v, int *nv, const char *title, int col, int ci, int short_name,
		int base_name)
{
	struct view_col *x = &v[(*nv)++];
	snprintf(x->title, sizeof x->title, "%s", title);
	x->col = col;
	x->ci = ci;
	x->short_name = short_name;
	x->base_name = base_name;
}

/* Add the column named name (a table column, or a figure: its mean and CI
 * when the table has seeds). */
static int pick(const struct an_table *t, const char *name, struct view_col *v, int *nv)
{
	char buf[200];
	int c = an_table_col(t, name);
	if (c < 0 && t->replicated) {
		snprintf(buf, sizeof buf, "%s_mean", name);
		if ((c = an_table_col(t, buf)) >= 0) {
			snprintf(buf, sizeof buf, "%s_ci95", name);
			add(v, nv, name, c, an_table_col(t, buf), 0, 0);
			return 0;
		}
	}
	if (c < 0)
		return -1;
	add(v, nv, t->cols[c].name, c, -1, !strcmp(name, "group"), !strcmp(name, "trace"));
	return 0;
}

int cli_sweep_print_table(FILE *f, const char *path, int csv, const char *columns, struct sim_err *err)
{
	struct an_table t;
	struct view_col *v;
	int rc = an_sweep_table_read(path, &t, err), *w, nv = 0;
	char cell[256];
	if (rc)
		return rc;
	v = sim_calloc((size_t)t.ncols + 8, sizeof *v);
	w = sim_calloc((size_t)t.ncols + 8, sizeof *w);
	if (!v || !w) {
		rc = sim_errf(err, SIM_ENOMEM, "out of memory");
		goto out;
	}
	if (columns) {
		char *list = sim_strdup(columns), *save = NULL;
		if (!list) {
			rc = sim_errf(err, SIM_ENOMEM, "out of memory");
			goto out;
		}
		for (char *tok = strtok_r(list, ",", &save); tok && nv < t.ncols; tok = strtok_r(NULL, ",", &save))
			if (pick(&t, tok, v, &nv) < 0) {
				char have[1024] = "";
				for (int c = 0; c < t.ncols; c++) {
					size_t l = strlen(have);
					snprintf(have + l, sizeof have - l, "%s%s", c ? ", " : "", t.cols[c].name);
				}
				rc = sim_errf(err, SIM_EINVAL, "--columns: %s has no column '%s' (columns: %s)",
					      path, tok, have);
				sim_free(list);
				goto out;
			}
		sim_free(list);
	} else if (csv) {
		for (int c = 0; c < t.ncols; c++)
			add(v, &nv, t.cols[c].name, c, -1, 0, 0);
	} else {
		pick(&t, "group", v, &nv);
		if (varies(&t, an_table_col(&t, "trace")))
			pick(&t, "trace", v, &nv);
		if (varies(&t, an_table_col(&t, "mode")))
			pick(&t, "mode", v, &nv);
		for (int c = t.first_param; c < t.first_param + t.nparams; c++)
			if (strncmp(t.cols[c].name, "capture.", 8) && varies(&t, c))
				add(v, &nv, t.cols[c].name, c, -1, 0, 0);
		for (size_t i = 0; i < sizeof headline / sizeof headline[0]; i++)
			pick(&t, headline[i], v, &nv);
	}
	if (csv) {
		for (int i = 0; i < nv; i++)
			csv_cell(f, i, v[i].ci >= 0 ? t.cols[v[i].col].name : v[i].title);
		for (int i = 0; i < nv; i++)
			if (v[i].ci >= 0)
				csv_cell(f, 1, t.cols[v[i].ci].name);
		fputc('\n', f);
		for (int r = 0; r < t.nrows; r++) {
			for (int i = 0; i < nv; i++) {
				an_table_cell(&t, v[i].col, r, cell, sizeof cell);
				csv_cell(f, i, cell);
			}
			for (int i = 0; i < nv; i++)
				if (v[i].ci >= 0) {
					an_table_cell(&t, v[i].ci, r, cell, sizeof cell);
					csv_cell(f, 1, cell);
				}
			fputc('\n', f);
		}
		goto out;
	}
	for (int i = 0; i < nv; i++) {
		w[i] = (int)strlen(v[i].title);
		for (int r = 0; r < t.nrows; r++) {
			view_cell(&t, &v[i], r, cell, sizeof cell);
			if ((int)strlen(cell) > w[i])
				w[i] = (int)strlen(cell);
		}
	}
	for (int i = 0; i < nv; i++)
		fprintf(f, "%s%-*s", i ? "  " : "", w[i], v[i].title);
	fputc('\n', f);
	for (int r = 0; r < t.nrows; r++) {
		for (int i = 0; i < nv; i++) {
			const struct an_col *k = &t.cols[v[i].col];
			view_cell(&t, &v[i], r, cell, sizeof cell);
			/* '±' is two bytes in UTF-8 and one column: pad by hand */
			int pad = w[i] - (int)strlen(cell) + (strstr(cell, "±") ? 1 : 0);
			if (k->kind == AN_COL_STR && v[i].col < t.first_param + t.nparams)
				fprintf(f, "%s%s%*s", i ? "  " : "", cell, pad > 0 ? pad : 0, "");
			else
				fprintf(f, "%s%*s%s", i ? "  " : "", pad > 0 ? pad : 0, "", cell);
		}
		fputc('\n', f);
	}
out:
	sim_free(v);
	sim_free(w);
	an_table_free(&t);
	return rc;
}
