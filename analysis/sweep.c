/*
 * NOTES ON THE DESIGN OF SWEEP FILES
 *
 * A sweep file is a results file (results_h5.c) whose runs are sweep points
 * named by an_sweep_key, plus:
 *   - the root attribute sweep_vary: the parameter names given to --vary;
 *   - the dataset `sweep`: the table, one compound record per point.
 * The runs are the truth; the table is derived from them (an_sweep_table_build)
 * and rewritten whole whenever runs are added, so a sweep interrupted between
 * a run and the table loses nothing: the next sweep or merge rebuilds it.
 *
 * Invariants:
 *  (1) the table is visible only complete: written as ".partial-sweep" and
 *      renamed by H5Lmove over the old one;
 *  (2) a merge is all or nothing: its runs are added by an_add_run in one
 *      session, written (an_close) only if every input was read;
 *  (3) the runs listed by an_list_runs are groups, so the dataset `sweep` is
 *      never taken for a run.
 */
#include "analysis/sweep.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>
#include <xxhash.h>

#include "analysis/h5util.h"
#include "analysis/results.h"
#include "analysis/stats.h"
#include "base/mem.h"
#include "base/params.h"

#define TABLE "sweep"
#define VARY_ATTR "sweep_vary"
#define SEED_PARAM "machine.tlb.seed"

void an_sweep_key(char *buf, size_t n, uint64_t point_hash, uint64_t trace_tag)
{
	snprintf(buf, n, "p%016llx-%08llx", (unsigned long long)point_hash,
		 (unsigned long long)(trace_tag & 0xffffffffull));
}

/* ---------- Tables in memory ---------- */

void an_table_free(struct an_table *t)
{
	for (int c = 0; t->cols && c < t->ncols; c++) {
		for (int r = 0; t->cols[c].s && r < t->nrows; r++)
			sim_free(t->cols[c].s[r]);
		sim_free(t->cols[c].s);
		sim_free(t->cols[c].f);
		sim_free(t->cols[c].i);
	}
	sim_free(t->cols);
	memset(t, 0, sizeof *t);
}

int an_table_col(const struct an_table *t, const char *name)
{
	for (int c = 0; c < t->ncols; c++)
		if (!strcmp(t->cols[c].name, name))
			return c;
	return -1;
}

void an_table_cell(const struct an_table *t, int c, int r, char *buf, size_t n)
{
	const struct an_col *k = &t->cols[c];
	if (k->kind == AN_COL_STR)
		snprintf(buf, n, "%s", k->s[r] ? k->s[r] : "");
	else if (k->kind == AN_COL_I64)
		snprintf(buf, n, "%lld", (long long)k->i[r]);
	else if (isnan(k->f[r]))
		snprintf(buf, n, "nan");
	else
		snprintf(buf, n, "%.10g", k->f[r]);
}

/* Adds a column of nrows zeroed cells; returns it or NULL (out of memory). */
static struct an_col *add_col(struct an_table *t, const char *name, int kind, const char *unit)
{
	struct an_col *cols = sim_realloc(t->cols, (size_t)(t->ncols + 1) * sizeof *cols), *k;
	size_t n = (size_t)(t->nrows ? t->nrows : 1);
	if (!cols)
		return NULL;
	t->cols = cols;
	k = &cols[t->ncols];
	memset(k, 0, sizeof *k);
	snprintf(k->name, sizeof k->name, "%s", name);
	snprintf(k->unit, sizeof k->unit, "%s", unit ? unit : "");
	k->kind = kind;
	if (kind == AN_COL_STR)
		k->s = sim_calloc(n, sizeof *k->s);
	else if (kind == AN_COL_F64)
		k->f = sim_calloc(n, sizeof *k->f);
	else
		k->i = sim_calloc(n, sizeof *k->i);
	if (!k->s && !k->f && !k->i)
		return NULL;
	t->ncols++;
	return k;
}

/* ---------- HDF5 helpers ---------- */

/* The root's sweep_vary names (malloc'd array of malloc'd strings). */
static int read_strs(hid_t fid, const char *attr, char ***names, int *n)
{
	hid_t a, s = -1, t = -1;
	hssize_t np;
	char **v = NULL;
	int rc = -1;
	*names = NULL;
	*n = 0;
	if (H5Aexists(fid, attr) <= 0)
		return 0;
	if ((a = H5Aopen(fid, attr, H5P_DEFAULT)) < 0)
		return -1;
	s = H5Aget_space(a);
	t = an_h5_str_type();
	np = s >= 0 ? H5Sget_simple_extent_npoints(s) : -1;
	if (np < 0 || np > 4096 || t < 0)
		goto out;
	v = sim_calloc((size_t)np + 1, sizeof *v);
	if (!v || (np && H5Aread(a, t, v) < 0))
		goto out;
	*names = sim_calloc((size_t)np + 1, sizeof **names);
	if (!*names)
		goto out;
	for (hssize_t i = 0; i < np; i++)
		if (v[i] && ((*names)[(*n)++] = sim_strdup(v[i])) == NULL)
			goto out;
	rc = 0;
out:
	for (hssize_t i = 0; v && i < np; i++)
		if (v[i])
			H5free_memory(v[i]);
	sim_free(v);
	if (rc) {
		for (int i = 0; *names && i < *n; i++)
			sim_free((*names)[i]);
		sim_free(*names);
		*names = NULL;
		*n = 0;
	}
	if (t >= 0) H5Tclose(t);
	if (s >= 0) H5Sclose(s);
	H5Aclose(a);
	return rc;
}

static void free_names(char **v, int n)
{
	for (int i = 0; v && i < n; i++)
		sim_free(v[i]);
	sim_free(v);
}

static int read_vary(hid_t fid, char ***names, int *n) { return read_strs(fid, VARY_ATTR, names, n); }

/* Replace an attribute by names[0..n-1]. */
static int write_strs(hid_t fid, const char *attr, char *const *names, int n)
{
	hsize_t dim = (hsize_t)n;
	hid_t t = an_h5_str_type(), s = -1, a = -1;
	int rc = -1;
	if (t < 0)
		return -1;
	if (H5Aexists(fid, attr) > 0 && H5Adelete(fid, attr) < 0)
		goto out;
	if ((s = H5Screate_simple(1, &dim, NULL)) < 0)
		goto out;
	if ((a = H5Acreate2(fid, attr, t, s, H5P_DEFAULT, H5P_DEFAULT)) < 0)
		goto out;
	rc = (n == 0 || H5Awrite(a, t, names) >= 0) ? 0 : -1;
out:
	if (a >= 0) H5Aclose(a);
	if (s >= 0) H5Sclose(s);
	H5Tclose(t);
	return rc;
}

/* Union of *names (n) and more (m), in order, without repeats; returns how
 * many names were added (an attribute need not be rewritten for none), or
 * -1 out of memory. */
static int union_names(char ***names, int *n, char *const *more, int m)
{
	int added = 0;
	for (int j = 0; j < m; j++) {
		int seen = 0;
		char **v;
		for (int i = 0; i < *n && !seen; i++)
			seen = !strcmp((*names)[i], more[j]);
		if (seen)
			continue;
		if (!(v = sim_realloc(*names, (size_t)(*n + 2) * sizeof *v)))
			return -1;
		*names = v;
		if (!(v[*n] = sim_strdup(more[j])))
			return -1;
		(*n)++;
		added++;
	}
	return added;
}

/* Open path (a results file, made empty if there is none) read-write, in
 * memory until close_rw; *fid: the file, -1 on failure. */
static int open_rw(const char *path, hid_t *fid, struct sim_err *err)
{
	hid_t fapl;
	int rc;
	*fid = -1;
	an_h5_quiet();
	if ((rc = an_ensure(path, 0, err)) != SIM_OK)
		return rc;
	if (H5Fis_hdf5(path) <= 0)
		return sim_errf(err, SIM_ECORRUPT, "%s: not an HDF5 results file", path);
	if ((rc = an_h5_check_heaps(path, err)) != SIM_OK)
		return rc;
	if ((fapl = an_h5_fapl_mem()) < 0)
		return sim_errf(err, SIM_ENOMEM, "%s: out of memory", path);
	*fid = H5Fopen(path, H5F_ACC_RDWR, fapl);   /* in memory: written by close_rw */
	H5Pclose(fapl);
	if (*fid < 0)
		return sim_errf(err, SIM_ECORRUPT, "%s: cannot open as HDF5 (damaged?)", path);
	/* what is damaged is not rewritten with a new digest */
	if ((rc = an_h5_check_root(*fid, path, err)) != SIM_OK) {
		H5Fclose(*fid);
		return rc;
	}
	return SIM_OK;
}

/* Close a file from open_rw, writing it back (whole, atomically) if rc is
 * SIM_OK; returns rc or the write's failure. */
static int close_rw(hid_t fid, const char *path, int rc, struct sim_err *err)
{
	if (rc != SIM_OK) {
		H5Fclose(fid);
		return rc;
	}
	return an_h5_commit(fid, path, err);
}

int an_sweep_note_vary(const char *path, const char *const *names, int n, struct sim_err *err)
{
	char **have = NULL;
	int nhave = 0, rc;
	hid_t fid;
	if ((rc = open_rw(path, &fid, err)) != SIM_OK)
		return rc;
	if (read_vary(fid, &have, &nhave) < 0 || union_names(&have, &nhave, (char *const *)names, n) < 0 ||
	    write_strs(fid, VARY_ATTR, have, nhave) < 0)
		rc = sim_errf(err, SIM_EIO, "%s: cannot record the varied parameters", path);
	free_names(have, nhave);
	return close_rw(fid, path, rc, err);
}

int an_sweep_note_order(const char *path, const char *name, const char *const *values, int n,
			struct sim_err *err)
{
	char attr[200], **have = NULL;
	int nhave = 0, rc;
	hid_t fid;
	snprintf(attr, sizeof attr, "sweep_order:%s", name);
	if ((rc = open_rw(path, &fid, err)) != SIM_OK)
		return rc;
	if (read_strs(fid, attr, &have, &nhave) < 0 || union_names(&have, &nhave, (char *const *)values, n) < 0 ||
	    write_strs(fid, attr, have, nhave) < 0)
		rc = sim_errf(err, SIM_EIO, "%s: cannot record the order of %s's values", path, name);
	free_names(have, nhave);
	return close_rw(fid, path, rc, err);
}

int an_sweep_read_order(const char *path, const char *name, char ***values, int *n, struct sim_err *err)
{
	char attr[200];
	hid_t fid, fapl;
	int rc = SIM_OK;
	*values = NULL;
	*n = 0;
	an_h5_quiet();
	snprintf(attr, sizeof attr, "sweep_order:%s", name);
	if ((rc = an_h5_check_heaps(path, err)) != SIM_OK)
		return rc;
	if ((fapl = H5Pcreate(H5P_FILE_ACCESS)) < 0)
		return sim_errf(err, SIM_ENOMEM, "%s: out of memory", path);
	fid = H5Fopen(path, H5F_ACC_RDONLY, fapl);
	H5Pclose(fapl);
	if (fid < 0)
		return sim_errf(err, SIM_ECORRUPT, "%s: cannot open as HDF5", path);
	if ((rc = an_h5_check_root(fid, path, err)) == SIM_OK && read_strs(fid, attr, values, n) < 0)
		rc = sim_errf(err, SIM_ECORRUPT, "%s: unreadable attribute %s", path, attr);
	H5Fclose(fid);
	return rc;
}

void an_sweep_free_order(char **values, int n)
{
	free_names(values, n);
}

/* ---------- Building the table from the runs ---------- */

static const struct fig {
	const char *name, *unit;
	int is_int;
} figs[] = {
	{ "cycles", "cycles", 1 }, { "seconds", "s", 0 },
	{ "user", "cycles", 1 }, { "kernel", "cycles", 1 }, { "kernel_sync", "cycles", 1 },
	{ "monitor", "cycles", 1 }, { "idle", "cycles", 1 },
	{ "stall_local", "cycles", 1 }, { "stall_remote", "cycles", 1 },
	{ "instructions", "count", 1 }, { "references", "count", 1 },
	{ "tlb_misses", "count", 1 }, { "utlb_misses", "count", 1 },
	{ "l2tlb_hits", "count", 1 }, { "l2tlb_misses", "count", 1 },
	{ "misses_local", "count", 1 }, { "misses_remote", "count", 1 },
	{ "locality", "fraction", 0 }, { "pages_touched", "count", 1 },
};
#define NFIGS ((int)(sizeof figs / sizeof figs[0]))

static void fig_values(const struct rpl_results *r, double v[NFIGS])
{
	double ml = 0, mr = 0, loc = an_locality(r);
	for (int c = 0; c < r->ncpus; c++) {
		ml += (double)r->cpu[c].misses_local;
		mr += (double)r->cpu[c].misses_remote;
	}
	v[0] = (double)r->cycles;
	v[1] = r->clock_mhz > 0 ? (double)r->cycles / (r->clock_mhz * 1e6) : NAN;
	for (int k = 0; k < ACCT_NCATS; k++)
		v[2 + k] = (double)rpl_total_cat(r, k);
	v[7] = (double)rpl_total_stall_local(r);
	v[8] = (double)rpl_total_stall_remote(r);
	v[9] = (double)r->instructions;
	v[10] = (double)r->references;
	v[11] = (double)r->tlb_misses;
	v[12] = (double)r->utlb_misses;
	v[13] = (double)r->l2tlb_hits;
	v[14] = (double)r->l2tlb_misses;
	v[15] = ml;
	v[16] = mr;
	v[17] = loc < 0 ? NAN : loc;
	v[18] = (double)r->pages_touched;
}

struct run {
	char *name, *trace, *config;   /* config: "name = value\n" lines, split in place */
	const char *mode;
	char **pname, **pval;          /* [np], sorted by name */
	int np;
	double fig[NFIGS];
	uint64_t ident;                /* the point without its seed */
	int row;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Split config into sorted name/value pairs. */
static int parse_config(struct run *u)
{
	int cap = 0;
	char *p = u->config;
	for (char *q = p; *q; q++)
		cap += *q == '\n';
	u->pname = sim_calloc((size_t)cap + 1, sizeof *u->pname);
	u->pval = sim_calloc((size_t)cap + 1, sizeof *u->pval);
	if (!u->pname || !u->pval)
		return -1;
	while (*p) {
		char *nl = strchr(p, '\n'), *eq = strstr(p, " = ");
		if (nl)
			*nl = '\0';
		if (eq && u->np < cap) {
			*eq = '\0';
			u->pname[u->np] = p;
			u->pval[u->np] = eq + 3;
			u->np++;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	/* the lines come in name order from an_read_results; sort to be sure */
	for (int i = 1; i < u->np; i++)
		if (strcmp(u->pname[i - 1], u->pname[i]) > 0) {
			/* sort pairs together: pack as "name\0value" pointers */
			char **idx = sim_calloc((size_t)u->np, sizeof *idx);
			char **vals = sim_calloc((size_t)u->np, sizeof *vals);
			if (!idx || !vals) {
				sim_free(idx);
				sim_free(vals);
				return -1;
			}
			memcpy(idx, u->pname, (size_t)u->np * sizeof *idx);
			qsort(idx, (size_t)u->np, sizeof *idx, cmp_str);
			for (int k = 0; k < u->np; k++)
				vals[k] = idx[k] + strlen(idx[k]) + 3;   /* value follows " = " */
			memcpy(u->pname, idx, (size_t)u->np * sizeof *idx);
			memcpy(u->pval, vals, (size_t)u->np * sizeof *vals);
			sim_free(idx);
			sim_free(vals);
			break;
		}
	return 0;
}

static const char *param_of(const struct run *u, const char *name)
{
	int lo = 0, hi = u->np - 1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2, c = strcmp(u->pname[mid], name);
		if (c == 0)
			return u->pval[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

static uint64_t identity(const struct run *u, int seed_group)
{
	XXH3_state_t *st = XXH3_createState();
	uint64_t h;
	if (!st)
		return 0;
	XXH3_64bits_reset(st);
	XXH3_64bits_update(st, u->trace, strlen(u->trace) + 1);
	XXH3_64bits_update(st, u->mode, strlen(u->mode) + 1);
	for (int i = 0; i < u->np; i++) {
		if (seed_group && !strcmp(u->pname[i], SEED_PARAM))
			continue;
		XXH3_64bits_update(st, u->pname[i], strlen(u->pname[i]) + 1);
		XXH3_64bits_update(st, u->pval[i], strlen(u->pval[i]) + 1);
	}
	h = XXH3_64bits_digest(st);
	XXH3_freeState(st);
	return h;
}

/* A parameter value as a number: plain, or a size with a K/M/G suffix. */
static int as_number(const char *s, double *out)
{
	char *end;
	int64_t x;
	if (!s || !*s)
		return -1;
	errno = 0;
	*out = strtod(s, &end);
	if (!*end && errno == 0 && isfinite(*out))
		return 0;
	if (param_parse_size(s, &x) == SIM_OK) {
		*out = (double)x;
		return 0;
	}
	return -1;
}

struct sort_ctx {
	const struct run *u;
	char **cols;
	int ncols;
};

static int cmp_values(const char *a, const char *b)
{
	double x, y;
	a = a ? a : "";
	b = b ? b : "";
	if (as_number(a, &x) == 0 && as_number(b, &y) == 0)
		return x < y ? -1 : x > y;
	return strcmp(a, b);
}

static int cmp_rows(const void *pa, const void *pb, void *arg)
{
	const struct sort_ctx *sc = arg;
	const struct run *a = &sc->u[*(const int *)pa], *b = &sc->u[*(const int *)pb];
	int c = strcmp(a->trace, b->trace);
	if (!c)
		c = strcmp(a->mode, b->mode);
	for (int i = 0; !c && i < sc->ncols; i++)
		c = cmp_values(param_of(a, sc->cols[i]), param_of(b, sc->cols[i]));
	if (!c)
		c = strcmp(a->name, b->name);
	return c;
}

static void free_run(struct run *u)
{
	sim_free(u->name);
	sim_free(u->trace);
	sim_free(u->config);
	sim_free(u->pname);
	sim_free(u->pval);
}

static void free_runs(struct run *u, size_t n)
{
	for (size_t i = 0; u && i < n; i++)
		free_run(&u[i]);
	sim_free(u);
}

/* Runs whose table values are known without reading them back: those a
 * merge has just written (an_sweep_merge), each as read_runs would read it
 * (name, config text, trace, mode, figures; no pairs), sorted by name. */
struct known {
	struct run *u;
	size_t n, cap;
};

static int cmp_run_name(const void *a, const void *b)
{
	return strcmp(((const struct run *)a)->name, ((const struct run *)b)->name);
}

static const struct run *known_find(const struct known *kn, const char *name)
{
	struct run key = { .name = (char *)name };
	return kn && kn->n ? bsearch(&key, kn->u, kn->n, sizeof *kn->u, cmp_run_name) : NULL;
}

/* Run `name`, just written by an_add_run(c, r, trace), into kn: its
 * configuration as the reader gives it back (the parameters, one string
 * attribute each: results_h5.c's collect_param).  0 or -1 (out of memory). */
static int known_add(struct known *kn, const char *name, const cfg *c, const struct rpl_results *r,
		     const char *trace)
{
	struct run *u;
	size_t len = 1;
	char *t;
	if (kn->n == kn->cap) {
		size_t cap = kn->cap ? 2 * kn->cap : 64;
		struct run *nu = sim_realloc(kn->u, cap * sizeof *nu);
		if (!nu)
			return -1;
		kn->u = nu;
		kn->cap = cap;
	}
	u = memset(&kn->u[kn->n], 0, sizeof *u);
	for (size_t i = 0; i < cfg_count(c); i++)
		if (strchr(cfg_def(c, i)->name, '.'))
			len += strlen(cfg_def(c, i)->name) + strlen(cfg_value(c, i) ? cfg_value(c, i) : "") + 4;
	if (!(u->config = t = sim_malloc(len)) || !(u->name = sim_strdup(name)) ||
	    !(u->trace = sim_strdup(trace ? trace : ""))) {
		free_run(u);
		return -1;
	}
	for (size_t i = 0; i < cfg_count(c); i++)
		if (strchr(cfg_def(c, i)->name, '.'))
			t += sprintf(t, "%s = %s\n", cfg_def(c, i)->name, cfg_value(c, i) ? cfg_value(c, i) : "");
	*t = '\0';
	u->mode = rpl_mode_name(r->mode);
	fig_values(r, u->fig);
	kn->n++;
	return 0;
}

/* Each run's figures and configuration into u[k] (read from the file, or
 * copied from kn, which may be NULL), and the runs grouped in rows by
 * identity (replicas share a row): u[k].row, and per row its first run
 * (rowof) and count (rowcount); *nrows rows.  byid is scratch of nbyid
 * (a power of two above nruns) entries, -1 each: the rows by identity, so
 * that grouping takes time in proportion to the runs. */
static int read_runs(an_reader *rd, char **names, size_t nruns, const struct known *kn, int seed_group,
		     struct run *u, int *rowof, int *rowcount, int *nrows, int *byid, size_t nbyid,
		     struct sim_err *err)
{
	const char *path = an_reader_path(rd);
	int rc;
	for (size_t k = 0; k < nruns; k++) {
		const struct run *w = known_find(kn, names[k]);
		if (w) {
			memcpy(u[k].fig, w->fig, sizeof u[k].fig);
			u[k].mode = w->mode;
			if (!(u[k].config = sim_strdup(w->config)) || !(u[k].trace = sim_strdup(w->trace)))
				return sim_errf(err, SIM_ENOMEM, "%s: out of memory building the sweep table", path);
		} else {
			struct rpl_results r;
			if ((rc = an_reader_read(rd, names[k], &r, &u[k].config, &u[k].trace, err)) != SIM_OK)
				return rc;
			fig_values(&r, u[k].fig);
			u[k].mode = rpl_mode_name(r.mode);
			an_results_free(&r);
		}
		if (!(u[k].name = sim_strdup(names[k])) || parse_config(&u[k]) < 0)
			return sim_errf(err, SIM_ENOMEM, "%s: out of memory building the sweep table", path);
		u[k].ident = identity(&u[k], seed_group);
		/* open addressing, linear probing: the identity is a hash already */
		size_t h = (size_t)u[k].ident & (nbyid - 1);
		while (byid[h] >= 0 && u[rowof[byid[h]]].ident != u[k].ident)
			h = (h + 1) & (nbyid - 1);
		if (byid[h] >= 0) {
			u[k].row = byid[h];
			rowcount[u[k].row]++;
		} else {
			u[k].row = byid[h] = *nrows;
			rowof[*nrows] = (int)k;
			rowcount[(*nrows)++] = 1;
		}
	}
	return SIM_OK;
}

/* The varied parameters: sweep_vary, then any whose value differs between
 * runs (the seed only when it is not what tells replicas apart).  0 or -1
 * (out of memory). */
static int varied_columns(const struct run *u, size_t nruns, char **vary, int nvary, int seed_group,
			  char ***cols, int *ncols)
{
	if (union_names(cols, ncols, vary, nvary) < 0)
		return -1;
	if (nruns > 1)
		for (int i = 0; i < u[0].np; i++) {
			const char *name = u[0].pname[i];
			int differs = 0;
			if (seed_group && !strcmp(name, SEED_PARAM))
				continue;
			for (size_t k = 1; k < nruns && !differs; k++) {
				const char *v = param_of(&u[k], name);
				differs = !v || strcmp(v, u[0].pval[i]);
			}
			if (differs && union_names(cols, ncols, (char *const *)&name, 1) < 0)
				return -1;
		}
	return 0;
}

/* Rows in a stable order: by trace, mode, then the varied parameters;
 * renumbers u[].row, rowof and rowcount.  0 or -1 (out of memory). */
static int sort_rows(struct run *u, size_t nruns, char **cols, int ncols, int *rowof, int *rowcount,
		     int nrows)
{
	struct sort_ctx sc = { u, cols, ncols };
	int *perm = sim_calloc((size_t)nrows + 1, sizeof *perm), *cnt = sim_calloc((size_t)nrows + 1, sizeof *cnt);
	if (!perm || !cnt) {
		sim_free(perm);
		sim_free(cnt);
		return -1;
	}
	memcpy(perm, rowof, (size_t)nrows * sizeof *perm);
	qsort_r(perm, (size_t)nrows, sizeof *perm, cmp_rows, &sc);
	for (int j = 0; j < nrows; j++)
		cnt[j] = rowcount[u[perm[j]].row];
	/* rowcount, its counts now in cnt, maps an old row number to its new one */
	for (int j = 0; j < nrows; j++)
		rowcount[u[perm[j]].row] = j;
	for (size_t k = 0; k < nruns; k++)
		u[k].row = rowcount[u[k].row];
	memcpy(rowof, perm, (size_t)nrows * sizeof *perm);
	memcpy(rowcount, cnt, (size_t)nrows * sizeof *cnt);
	sim_free(perm);
	sim_free(cnt);
	return 0;
}

/* The runs of each row, in the order read: those of row j are
 * member[start[j]] .. member[start[j + 1] - 1] (start: nrows + 1 entries,
 * member: nruns). */
static void row_members(const struct run *u, size_t nruns, int nrows, int *start, int *member)
{
	memset(start, 0, ((size_t)nrows + 1) * sizeof *start);
	for (size_t k = 0; k < nruns; k++)
		start[u[k].row + 1]++;
	for (int j = 0; j < nrows; j++)
		start[j + 1] += start[j];
	for (size_t k = 0; k < nruns; k++)
		member[start[u[k].row]++] = (int)k;
	/* each start[j] is now row j's end: shift back */
	memmove(start + 1, start, (size_t)nrows * sizeof *start);
	start[0] = 0;
}

/* The columns that say what a row is: its runs' names, trace, mode and
 * number of seeds.  0 or -1 (out of memory). */
static int fill_row_columns(struct an_table *t, const struct run *u, const int *start, const int *member,
			    const int *rowof, const int *rowcount, int nrows)
{
	struct an_col *g = add_col(t, "group", AN_COL_STR, ""), *tr, *md, *ns;
	if (!g || !(tr = add_col(t, "trace", AN_COL_STR, "")) || !(md = add_col(t, "mode", AN_COL_STR, "")) ||
	    !(ns = add_col(t, "nseeds", AN_COL_I64, "count")))
		return -1;
	for (int j = 0; j < nrows; j++) {
		size_t len = 1, at = 0;
		char *s;
		for (int i = start[j]; i < start[j + 1]; i++)
			len += strlen(u[member[i]].name) + 1;
		if (!(s = sim_malloc(len)))
			return -1;
		for (int i = start[j]; i < start[j + 1]; i++)
			at += (size_t)sprintf(s + at, "%s%s", at ? " " : "", u[member[i]].name);
		s[at] = '\0';
		t->cols[0].s[j] = s;
		if (!(t->cols[1].s[j] = sim_strdup(u[rowof[j]].trace)) ||
		    !(t->cols[2].s[j] = sim_strdup(u[rowof[j]].mode)))
			return -1;
		t->cols[3].i[j] = rowcount[j];
	}
	return 0;
}

/* A column per varied parameter: numbers when every row's value is one,
 * text otherwise.  0 or -1 (out of memory). */
static int fill_param_columns(struct an_table *t, const struct run *u, const int *rowof, int nrows,
			      char **cols, int ncols, const cfg *proto)
{
	t->first_param = t->ncols;
	for (int c = 0; c < ncols; c++) {
		int numeric = 1;
		struct an_col *k;
		double x;
		for (int j = 0; j < nrows && numeric; j++)
			numeric = as_number(param_of(&u[rowof[j]], cols[c]), &x) == 0;
		long idx = proto ? cfg_find(proto, cols[c]) : -1;
		const char *unit = idx >= 0 ? cfg_def(proto, (size_t)idx)->unit : "";
		if (!(k = add_col(t, cols[c], numeric ? AN_COL_F64 : AN_COL_STR, unit)))
			return -1;
		for (int j = 0; j < nrows; j++) {
			const char *v = param_of(&u[rowof[j]], cols[c]);
			if (numeric)
				as_number(v, &k->f[j]);
			else if (!(k->s[j] = sim_strdup(v ? v : "")))
				return -1;
		}
	}
	t->nparams = t->ncols - t->first_param;
	return 0;
}

/* The figures: a column each, or with replicas its mean, standard
 * deviation and 95% confidence half-width.  0 or -1 (out of memory). */
static int fill_fig_columns(struct an_table *t, const struct run *u, size_t nruns, const int *start,
			    const int *member, const int *rowof, int nrows)
{
	for (int f = 0; f < NFIGS; f++) {
		if (!t->replicated) {
			struct an_col *k = add_col(t, figs[f].name, figs[f].is_int ? AN_COL_I64 : AN_COL_F64, figs[f].unit);
			if (!k)
				return -1;
			for (int j = 0; j < nrows; j++) {
				double v = u[rowof[j]].fig[f];
				if (figs[f].is_int)
					k->i[j] = (int64_t)v;
				else
					k->f[j] = v;
			}
		} else {
			char nm[3][160];
			struct an_col *k[3];
			double *x = sim_calloc(nruns + 1, sizeof *x);
			if (!x)
				return -1;
			snprintf(nm[0], sizeof nm[0], "%s_mean", figs[f].name);
			snprintf(nm[1], sizeof nm[1], "%s_sd", figs[f].name);
			snprintf(nm[2], sizeof nm[2], "%s_ci95", figs[f].name);
			for (int q = 0; q < 3; q++)
				if (!(k[q] = add_col(t, nm[q], AN_COL_F64, figs[f].unit))) {
					sim_free(x);
					return -1;
				}
			for (int j = 0; j < nrows; j++) {
				struct an_summary s;
				size_t n = 0;
				for (int i = start[j]; i < start[j + 1]; i++)
					if (!isnan(u[member[i]].fig[f]))
						x[n++] = u[member[i]].fig[f];
				an_summarize(x, n, &s);
				t->cols[t->ncols - 3].f[j] = s.mean;
				t->cols[t->ncols - 2].f[j] = s.sd;
				t->cols[t->ncols - 1].f[j] = s.ci95;
			}
			sim_free(x);
		}
	}
	return 0;
}

/* The table of every run rd reads (an_sweep_table_build). */
static int build_from(an_reader *rd, const cfg *proto, const struct known *kn, struct an_table *t,
		      struct sim_err *err)
{
	const char *path = an_reader_path(rd);
	char **names = NULL, **vary = NULL, **cols = NULL;
	size_t nruns = 0;
	int nvary = 0, ncols = 0, seed_group = 1, rc, nrows = 0;
	struct run *u = NULL;
	int *rowof = NULL;    /* [nrows]: first run of the row */
	int *rowcount = NULL;
	int *byid = NULL;     /* [nbyid]: rows by identity (read_runs), then row members (row_members) */
	size_t nbyid = 2;

	memset(t, 0, sizeof *t);
	if ((rc = an_reader_list(rd, &names, &nruns, err)) != SIM_OK)
		return rc;
	if (read_vary(an_reader_hid(rd), &vary, &nvary) < 0) {
		rc = sim_errf(err, SIM_ECORRUPT, "%s: unreadable attribute %s", path, VARY_ATTR);
		goto out;
	}
	for (int i = 0; i < nvary; i++)
		if (!strcmp(vary[i], SEED_PARAM))
			seed_group = 0;   /* the seed is a parameter of the study, not a replica */

	u = sim_calloc(nruns + 1, sizeof *u);
	rowof = sim_calloc(nruns + 1, sizeof *rowof);
	rowcount = sim_calloc(nruns + 1, sizeof *rowcount);
	while (nbyid <= 2 * nruns)   /* at most half full */
		nbyid *= 2;
	byid = sim_malloc(nbyid * sizeof *byid);
	if (!u || !rowof || !rowcount || !byid)
		goto out_nomem;
	memset(byid, -1, nbyid * sizeof *byid);
	if ((rc = read_runs(rd, names, nruns, kn, seed_group, u, rowof, rowcount, &nrows, byid, nbyid, err)) !=
	    SIM_OK)
		goto out;
	for (int j = 0; j < nrows; j++)
		if (rowcount[j] > 1)
			t->replicated = 1;
	if (varied_columns(u, nruns, vary, nvary, seed_group, &cols, &ncols) < 0 ||
	    sort_rows(u, nruns, cols, ncols, rowof, rowcount, nrows) < 0)
		goto out_nomem;
	t->nrows = nrows;
	/* byid's 2 * nruns + 2 entries or more: start's nrows + 1, then member's nruns */
	row_members(u, nruns, nrows, byid, byid + nrows + 1);
	if (fill_row_columns(t, u, byid, byid + nrows + 1, rowof, rowcount, nrows) < 0 ||
	    fill_param_columns(t, u, rowof, nrows, cols, ncols, proto) < 0 ||
	    fill_fig_columns(t, u, nruns, byid, byid + nrows + 1, rowof, nrows) < 0)
		goto out_nomem;
	rc = SIM_OK;
	goto out;
out_nomem:
	rc = sim_errf(err, SIM_ENOMEM, "%s: out of memory building the sweep table", path);
out:
	if (rc)
		an_table_free(t);
	free_names(cols, ncols);
	free_names(vary, nvary);
	free_runs(u, nruns);
	sim_free(rowof);
	sim_free(rowcount);
	sim_free(byid);
	an_free_names(names, nruns);
	return rc;
}

int an_sweep_table_build(const char *path, const cfg *proto, struct an_table *t, struct sim_err *err)
{
	an_reader *rd;
	int rc;
	memset(t, 0, sizeof *t);
	if ((rc = an_reader_open(&rd, path, err)) != SIM_OK)
		return rc;
	rc = build_from(rd, proto, NULL, t, err);
	an_reader_close(rd);
	return rc;
}

/* ---------- Writing and reading the table ---------- */

/* The compound type of t's rows: native (memory) or little-endian (file). */
static hid_t row_type(const struct an_table *t, int file, size_t *offs)
{
	size_t size = 0;
	hid_t ct, st = an_h5_str_type();
	if (st < 0)
		return -1;
	for (int c = 0; c < t->ncols; c++) {
		offs[c] = size;
		size += t->cols[c].kind == AN_COL_STR ? sizeof(char *) : 8;
	}
	ct = H5Tcreate(H5T_COMPOUND, size ? size : 1);
	for (int c = 0; ct >= 0 && c < t->ncols; c++) {
		hid_t m = t->cols[c].kind == AN_COL_STR ? st
			: t->cols[c].kind == AN_COL_F64 ? (file ? H5T_IEEE_F64LE : H5T_NATIVE_DOUBLE)
			: (file ? H5T_STD_I64LE : H5T_NATIVE_INT64);
		if (H5Tinsert(ct, t->cols[c].name, offs[c], m) < 0) {
			H5Tclose(ct);
			ct = -1;
		}
	}
	H5Tclose(st);
	return ct;
}

static int write_table(hid_t fid, const struct an_table *t)
{
	size_t *offs = sim_calloc((size_t)t->ncols + 1, sizeof *offs), rowsize;
	hsize_t dim = (hsize_t)t->nrows;
	hid_t mt = -1, ft = -1, s = -1, d = -1, st = -1, sa = -1, a = -1, dcpl;
	const char **units = NULL;
	char *buf = NULL;
	int rc = -1;
	if (!offs)
		return -1;
	if ((mt = row_type(t, 0, offs)) < 0 || (ft = row_type(t, 1, offs)) < 0)
		goto out;
	rowsize = H5Tget_size(mt);
	buf = sim_calloc((size_t)t->nrows + 1, rowsize);
	units = sim_calloc((size_t)t->ncols + 1, sizeof *units);
	if (!buf || !units)
		goto out;
	for (int r = 0; r < t->nrows; r++)
		for (int c = 0; c < t->ncols; c++) {
			char *p = buf + (size_t)r * rowsize + offs[c];
			const struct an_col *k = &t->cols[c];
			if (k->kind == AN_COL_STR) {
				const char *v = k->s[r] ? k->s[r] : "";
				memcpy(p, &v, sizeof v);
			} else if (k->kind == AN_COL_F64) {
				memcpy(p, &k->f[r], 8);
			} else {
				memcpy(p, &k->i[r], 8);
			}
		}
	if (H5Lexists(fid, ".partial-" TABLE, H5P_DEFAULT) > 0)
		H5Ldelete(fid, ".partial-" TABLE, H5P_DEFAULT);
	if ((s = H5Screate_simple(1, &dim, NULL)) < 0)
		goto out;
	dcpl = an_h5_dcpl(1, &dim);
	d = H5Dcreate2(fid, ".partial-" TABLE, ft, s, H5P_DEFAULT, dcpl, H5P_DEFAULT);
	an_h5_dcpl_close(dcpl);
	if (d < 0)
		goto out;
	if (t->nrows && H5Dwrite(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
		goto out;
	for (int c = 0; c < t->ncols; c++)
		units[c] = t->cols[c].unit;
	dim = (hsize_t)t->ncols;
	if ((st = an_h5_str_type()) < 0 || (sa = H5Screate_simple(1, &dim, NULL)) < 0 ||
	    (a = H5Acreate2(d, "units", st, sa, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
	    (t->ncols && H5Awrite(a, st, units) < 0))
		goto out;
	H5Aclose(a);
	a = -1;
	if (an_h5_seal(d) < 0)
		goto out;
	H5Dclose(d);
	d = -1;
	if (H5Lexists(fid, TABLE, H5P_DEFAULT) > 0 && H5Ldelete(fid, TABLE, H5P_DEFAULT) < 0)
		goto out;
	/* keeps (1) */
	if (H5Lmove(fid, ".partial-" TABLE, fid, TABLE, H5P_DEFAULT, H5P_DEFAULT) < 0)
		goto out;
	rc = H5Fflush(fid, H5F_SCOPE_GLOBAL) < 0 ? -1 : 0;
out:
	if (a >= 0) H5Aclose(a);
	if (sa >= 0) H5Sclose(sa);
	if (st >= 0) H5Tclose(st);
	if (d >= 0) H5Dclose(d);
	if (s >= 0) H5Sclose(s);
	if (ft >= 0) H5Tclose(ft);
	if (mt >= 0) H5Tclose(mt);
	sim_free(units);
	sim_free(buf);
	sim_free(offs);
	return rc;
}

/* The table of f's runs (those of this session too) written into f. */
static int table_into(an_file *f, const char *path, const cfg *proto, const struct known *kn, int *nrows,
		      struct sim_err *err)
{
	struct an_table t;
	an_reader *rd;
	int rc;
	if ((rc = an_reader_of_file(&rd, f, err)) != SIM_OK)
		return rc;
	rc = build_from(rd, proto, kn, &t, err);
	an_reader_close(rd);
	if (rc != SIM_OK)
		return rc;
	if (write_table(an_file_hid(f), &t) < 0)
		rc = sim_errf(err, SIM_EIO, "%s: writing the sweep table failed (out of memory?)", path);
	if (nrows)
		*nrows = t.nrows;
	an_table_free(&t);
	return rc;
}

int an_sweep_table_write(const char *path, const cfg *proto, int *nrows, struct sim_err *err)
{
	an_file *f;
	int rc;
	/* one session: the file is read and checked once, and written once */
	if ((rc = an_open(&f, path, AN_APPEND, err)) != SIM_OK)
		return rc;
	if ((rc = table_into(f, path, proto, NULL, nrows, err)) != SIM_OK) {
		an_abort(f);
		return rc;
	}
	return an_close(f, err);
}

int an_sweep_table_read(const char *path, struct an_table *t, struct sim_err *err)
{
	hid_t fid = -1, d = -1, ft = -1, s = -1, mt = -1, st = -1, a = -1, as = -1;
	size_t *offs = NULL, rowsize;
	hssize_t n;
	char *buf = NULL;
	int nm, rc = SIM_OK;

	memset(t, 0, sizeof *t);
	an_h5_quiet();
	if (access(path, F_OK) != 0)
		return sim_errf(err, SIM_EINVAL, "%s: %s", path, strerror(errno));
	if (H5Fis_hdf5(path) <= 0)
		return sim_errf(err, SIM_ECORRUPT, "%s: not an HDF5 results file", path);
	if ((rc = an_h5_check_heaps(path, err)) != SIM_OK)
		return rc;
	if ((fid = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0)
		return sim_errf(err, SIM_ECORRUPT, "%s: cannot open as HDF5", path);
	if (H5Lexists(fid, TABLE, H5P_DEFAULT) <= 0 || (d = H5Dopen2(fid, TABLE, H5P_DEFAULT)) < 0) {
		rc = sim_errf(err, SIM_EINVAL, "%s: has no sweep table (the dataset '%s'; "
			      "disco sweep writes it)", path, TABLE);
		goto out;
	}
	if ((rc = an_h5_check_root(fid, path, err)) != SIM_OK ||
	    (rc = an_h5_check(d, path, "dataset '" TABLE "'", err)) != SIM_OK)
		goto out;
	ft = H5Dget_type(d);
	s = H5Dget_space(d);
	n = s >= 0 ? H5Sget_simple_extent_npoints(s) : -1;
	if (ft < 0 || H5Tget_class(ft) != H5T_COMPOUND || n < 0 || n > (1 << 24) ||
	    (nm = H5Tget_nmembers(ft)) <= 0 || nm > 4096) {
		rc = sim_errf(err, SIM_ECORRUPT, "%s: '%s' is not a table of records", path, TABLE);
		goto out;
	}
	t->nrows = (int)n;
	for (int c = 0; c < nm; c++) {
		char *name = H5Tget_member_name(ft, (unsigned)c);
		H5T_class_t cl = H5Tget_member_class(ft, (unsigned)c);
		int kind = cl == H5T_STRING ? AN_COL_STR : cl == H5T_FLOAT ? AN_COL_F64 : cl == H5T_INTEGER ? AN_COL_I64 : -1;
		if (!name || kind < 0) {
			if (name)
				H5free_memory(name);
			rc = sim_errf(err, SIM_ECORRUPT, "%s: '%s': column %d is not a string or a number",
				      path, TABLE, c);
			goto out;
		}
		if (!add_col(t, name, kind, "")) {
			H5free_memory(name);
			rc = sim_errf(err, SIM_ENOMEM, "%s: out of memory", path);
			goto out;
		}
		H5free_memory(name);
	}
	if (!(offs = sim_calloc((size_t)nm + 1, sizeof *offs)) || (mt = row_type(t, 0, offs)) < 0) {
		rc = sim_errf(err, SIM_ENOMEM, "%s: out of memory", path);
		goto out;
	}
	rowsize = H5Tget_size(mt);
	if (!(buf = sim_calloc((size_t)n + 1, rowsize))) {
		rc = sim_errf(err, SIM_ENOMEM, "%s: out of memory", path);
		goto out;
	}
	if (n && H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
		rc = sim_errf(err, SIM_ECORRUPT, "%s: cannot read '%s'", path, TABLE);
		goto out;
	}
	for (int r = 0; r < n; r++)
		for (int c = 0; c < nm; c++) {
			char *p = buf + (size_t)r * rowsize + offs[c];
			struct an_col *k = &t->cols[c];
			if (k->kind == AN_COL_STR) {
				char *v;
				memcpy(&v, p, sizeof v);
				k->s[r] = sim_strdup(v ? v : "");
				if (v)
					H5free_memory(v);
				if (!k->s[r])
					rc = sim_errf(err, SIM_ENOMEM, "%s: out of memory", path);
			} else if (k->kind == AN_COL_F64) {
				memcpy(&k->f[r], p, 8);
			} else {
				memcpy(&k->i[r], p, 8);
			}
		}
	/* units, when present */
	if (rc == SIM_OK && H5Aexists(d, "units") > 0 && (a = H5Aopen(d, "units", H5P_DEFAULT)) >= 0) {
		as = H5Aget_space(a);
		st = an_h5_str_type();
		if (as >= 0 && st >= 0 && H5Sget_simple_extent_npoints(as) == nm) {
			char **u = sim_calloc((size_t)nm, sizeof *u);
			if (u && H5Aread(a, st, u) >= 0)
				for (int c = 0; c < nm; c++)
					if (u[c]) {
						snprintf(t->cols[c].unit, sizeof t->cols[c].unit, "%s", u[c]);
						H5free_memory(u[c]);
					}
			sim_free(u);
		}
	}
	t->first_param = 0;
	t->nparams = 0;
	for (int c = 0; c < nm; c++) {
		if (strchr(t->cols[c].name, '.')) {
			if (!t->nparams)
				t->first_param = c;
			t->nparams++;
		}
		if (strstr(t->cols[c].name, "_ci95"))
			t->replicated = 1;
	}
out:
	if (rc)
		an_table_free(t);
	sim_free(buf);
	sim_free(offs);
	if (a >= 0) H5Aclose(a);
	if (as >= 0) H5Sclose(as);
	if (st >= 0) H5Tclose(st);
	if (mt >= 0) H5Tclose(mt);
	if (s >= 0) H5Sclose(s);
	if (ft >= 0) H5Tclose(ft);
	if (d >= 0) H5Dclose(d);
	H5Fclose(fid);
	return rc;
}

/* ---------- Merging ---------- */

/* The runs results file `path` holds; 0 if it cannot be read (the merge
 * then says why, when it reads it). */
static size_t runs_in(const char *path)
{
	struct sim_err err = { 0 };
	char **names;
	size_t n = 0;
	if (an_list_runs(path, &names, &n, &err) != SIM_OK)
		return 0;
	an_free_names(names, n);
	return n;
}

int an_sweep_merge(const char *out, const char *const *in, int nin, const cfg *proto,
		   int *added, int *present, int *nrows, an_merge_progress *progress, void *progress_ctx,
		   struct sim_err *err)
{
	int nadd = 0, npres = 0, rc;
	struct known kn = { 0 };
	an_file *f;
	hid_t ofid;

	/* one session for the whole merge: the file is rewritten once, table
	 * included, and only if every input was read.  A new file expects as
	 * many runs from each input as the first has (the point files of an
	 * emitted job array hold as many each, but for the last). */
	if ((rc = an_open_expect(&f, out, AN_APPEND, nin > 0 ? (size_t)nin * runs_in(in[0]) : 0, err)) != SIM_OK)
		return rc;
	ofid = an_file_hid(f);
	for (int i = 0; i < nin && rc == SIM_OK; i++) {
		char **names = NULL, **vary = NULL, **have = NULL;
		size_t n = 0;
		int nvary = 0, nhave = 0;
		an_reader *rd;
		hid_t ifid;
		/* each input is opened and checked once; each run it gives is
		 * checked as it is read */
		if ((rc = an_reader_open(&rd, in[i], err)) != SIM_OK)
			break;
		if ((rc = an_reader_list(rd, &names, &n, err)) != SIM_OK) {
			an_reader_close(rd);
			break;
		}
		ifid = an_reader_hid(rd);
		for (size_t k = 0; k < n && rc == SIM_OK; k++) {
			struct rpl_results r;
			char *config = NULL, *trace = NULL;
			cfg *c = NULL;
			if (H5Lexists(ofid, names[k], H5P_DEFAULT) > 0) {
				npres++;
				continue;
			}
			/* through an_add_run, not H5Ocopy (which HDF5 1.10 gets wrong on
			 * groups with many attributes): keeps (2) */
			if ((rc = an_reader_read(rd, names[k], &r, &config, &trace, err)) != SIM_OK)
				break;
			if ((rc = cfg_copy(&c, proto, err)) == SIM_OK &&
			    (rc = cfg_parse_text(c, config, strlen(config), in[i], err)) == SIM_OK &&
			    (rc = an_add_run(f, names[k], c, &r, trace, err)) == SIM_OK) {
				nadd++;
				/* the table need not read it back */
				if (known_add(&kn, names[k], c, &r, trace) < 0)
					rc = sim_errf(err, SIM_ENOMEM, "%s: out of memory", out);
			}
			cfg_free(c);
			sim_free(config);
			sim_free(trace);
			an_results_free(&r);
		}
		/* the varied names and value orders are rewritten only when an input
		 * adds to them: rewriting a root attribute per input makes HDF5
		 * condense the root's header each time (most of a 1,000-point merge) */
		if (rc == SIM_OK && read_vary(ifid, &vary, &nvary) == 0 && nvary > 0) {
			int grew = -1;
			if (read_vary(ofid, &have, &nhave) < 0 || (grew = union_names(&have, &nhave, vary, nvary)) < 0 ||
			    (grew > 0 && write_strs(ofid, VARY_ATTR, have, nhave) < 0))
				rc = sim_errf(err, SIM_EIO, "%s: cannot record the varied parameters", out);
			/* and the order of each one's values */
			for (int v = 0; rc == SIM_OK && v < nvary; v++) {
				char attr[200], **a = NULL, **b = NULL;
				int na = 0, nb = 0, more = -1;
				snprintf(attr, sizeof attr, "sweep_order:%s", vary[v]);
				if (read_strs(ifid, attr, &a, &na) < 0 || read_strs(ofid, attr, &b, &nb) < 0 ||
				    (more = union_names(&b, &nb, a, na)) < 0 || (more > 0 && write_strs(ofid, attr, b, nb) < 0))
					rc = sim_errf(err, SIM_EIO, "%s: cannot record the order of %s's values", out,
						      vary[v]);
				free_names(a, na);
				free_names(b, nb);
			}
		}
		free_names(vary, nvary);
		free_names(have, nhave);
		an_reader_close(rd);
		an_free_names(names, n);
		if (rc == SIM_OK && progress && i + 1 < nin)
			progress(progress_ctx, i + 1, nin, nadd);
	}
	if (rc == SIM_OK) {
		if (kn.n)
			qsort(kn.u, kn.n, sizeof *kn.u, cmp_run_name);
		rc = table_into(f, out, proto, &kn, nrows, err);
	}
	if (rc == SIM_OK && progress)
		progress(progress_ctx, nin, nin, nadd);   /* what is left: writing out */
	free_runs(kn.u, kn.n);
	if (rc == SIM_OK)
		rc = an_close(f, err);
	else
		an_abort(f);
	if (added)
		*added = nadd;
	if (present)
		*present = npres;
	return rc;
}
