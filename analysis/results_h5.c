/*
 * NOTES ON THE DESIGN OF RESULTS FILES
 *
 * A results file is HDF5 (layout in analysis/RESULTS.md): the root carries the
 * attribute disco_results_version; each run is one group whose attributes are
 * the run's scalars and its configuration (one string attribute per parameter,
 * recognised by the dot in its name), and whose datasets are plain uint64 or
 * float64 arrays with a `columns` attribute, so h5py and pandas read them
 * without our code.
 *
 * Invariants:
 *  (1) a group visible under its own name is complete: a run is written as
 *      an unlinked group and linked (H5Olink) once every dataset is written
 *      (older files may hold ".partial-NAME" groups; readers skip them);
 *  (2) a file appears at its path, or changes, only complete: the file is
 *      built in memory (HDF5's core driver) and an_close writes its image
 *      through base/outfile.h (temporary file, fsync, rename), so a failed
 *      write (disk full) leaves the old file as it was;
 *  (3) HDF5's automatic error printing is off in every entry point: errors
 *      reach the caller as a struct sim_err naming the file, never stderr;
 *  (4) what is read was written so: every group and dataset carries a
 *      digest (analysis/h5util.h) checked on read, and a file opened to
 *      append is checked first, so damage is never written back under a
 *      new digest.
 *
 * States of an an_file: an_open -> open (an_add_run any number of times,
 * an_commit to write the image so far and stay open) -> an_close (write the
 * image unless a run failed) or an_abort (discard what was not committed).
 * The file is read and checked once, at an_open, however often it is
 * committed; each run is sealed (its digest) by an_add_run, so a commit
 * writes the image and renews only the root's digest.
 */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#include "analysis/h5util.h"
#include "analysis/results.h"
#include "base/mem.h"
#include "base/outfile.h"

#define MAX_CPUS (1 << 16)        /* bound on a file's CPU count before allocating */
#define NSVC_ROWS (TRC_NSERVICES - 1)
#define NSVC_COLS (2 + ACCT_NSPLITS)
#define NCOUNTS 5                 /* cpu_counts columns */

struct an_file {
	hid_t fid;
	int mode;
	char *path;       /* final path */
	int failed;       /* first error code of the session */
	struct sim_err first;
};


/* ---------- Writing helpers: each returns 0 or -1 (HDF5 failure). ---------- */

static int attr_write(hid_t obj, const char *name, hid_t ftype, hid_t mtype, hid_t space,
		      const void *buf)
{
	hid_t a = H5Acreate2(obj, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT);
	int rc;
	if (a < 0)
		return -1;
	rc = H5Awrite(a, mtype, buf) < 0 ? -1 : 0;
	H5Aclose(a);
	return rc;
}

static int attr_scalar(hid_t obj, const char *name, hid_t ftype, hid_t mtype, const void *buf)
{
	hid_t s = H5Screate(H5S_SCALAR);
	int rc;
	if (s < 0)
		return -1;
	rc = attr_write(obj, name, ftype, mtype, s, buf);
	H5Sclose(s);
	return rc;
}

static int attr_str(hid_t obj, const char *name, const char *value)
{
	hid_t t = an_h5_str_type();
	int rc;
	if (t < 0)
		return -1;
	value = value ? value : "";
	rc = attr_scalar(obj, name, t, t, &value);
	H5Tclose(t);
	return rc;
}

static int attr_strs(hid_t obj, const char *name, const char *const *v, size_t n)
{
	hsize_t dim = n;
	hid_t t = an_h5_str_type(), s;
	int rc = -1;
	if (t < 0)
		return -1;
	s = H5Screate_simple(1, &dim, NULL);
	if (s >= 0) {
		rc = attr_write(obj, name, t, t, s, v);
		H5Sclose(s);
	}
	H5Tclose(t);
	return rc;
}

static int attr_f64(hid_t obj, const char *name, double v)
{
	return attr_scalar(obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &v);
}

static int attr_u64(hid_t obj, const char *name, uint64_t v)
{
	return attr_scalar(obj, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &v);
}

static int attr_i32(hid_t obj, const char *name, int v)
{
	return attr_scalar(obj, name, H5T_STD_I32LE, H5T_NATIVE_INT, &v);
}

/* A rows x cols uint64 dataset with attributes columns, units (and rows). */
static int dset_table(hid_t g, const char *name, size_t rows, size_t cols, const uint64_t *data,
		      const char *const *colnames, const char *const *rownames, const char *units)
{
	hsize_t dims[2] = { rows, cols };
	hid_t s = H5Screate_simple(2, dims, NULL), d, dcpl = an_h5_dcpl(2, dims);
	int rc = -1;
	if (s < 0) {
		an_h5_dcpl_close(dcpl);
		return -1;
	}
	d = H5Dcreate2(g, name, H5T_STD_U64LE, s, H5P_DEFAULT, dcpl, H5P_DEFAULT);
	an_h5_dcpl_close(dcpl);
	if (d >= 0) {
		rc = 0;
		if (rows && cols && H5Dwrite(d, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
			rc = -1;
		if (!rc && attr_strs(d, "columns", colnames, cols) < 0)
			rc = -1;
		if (!rc && rownames && attr_strs(d, "rows", rownames, rows) < 0)
			rc = -1;
		if (!rc && attr_str(d, "units", units) < 0)
			rc = -1;
		H5Dclose(d);
	}
	H5Sclose(s);
	return rc;
}

/* The counters compound laid over struct rpl_results itself: the memory type
 * has the struct's size and offsets, the file type is the packed copy.  Its
 * fields are the counters of replay/counters.h that are not attributes, in
 * that order, then wall_seconds.  For reading, file is the file's type: a
 * field the file lacks (one added since it was written) is left out, so it
 * reads as 0. */
static int in_compound(size_t i) { return !(rpl_counters[i].flags & RPL_C_H5_ATTR); }

/* Counter i is in the memory type for reading a file of type `file` (-1:
 * for writing). */
static int in_mtype(hid_t file, size_t i)
{
	return in_compound(i) && (file < 0 || H5Tget_member_index(file, rpl_counters[i].name) >= 0);
}

static hid_t counters_mtype(hid_t file)
{
	hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(struct rpl_results));
	if (t < 0)
		return -1;
	for (size_t i = 0; i < rpl_ncounters; i++)
		if (in_mtype(file, i) &&
		    H5Tinsert(t, rpl_counters[i].name, rpl_counters[i].off, H5T_NATIVE_UINT64) < 0)
			goto out_close;
	if (H5Tinsert(t, "wall_seconds", offsetof(struct rpl_results, wall_seconds),
		      H5T_NATIVE_DOUBLE) < 0)
		goto out_close;
	return t;
out_close:
	H5Tclose(t);
	return -1;
}

static hid_t counters_ftype(void)
{
	size_t off = 0, n = 0;
	hid_t t;
	for (size_t i = 0; i < rpl_ncounters; i++)
		n += (size_t)in_compound(i);
	t = H5Tcreate(H5T_COMPOUND, n * 8 + 8);
	if (t < 0)
		return -1;
	for (size_t i = 0; i < rpl_ncounters; i++) {
		if (!in_compound(i))
			continue;
		if (H5Tinsert(t, rpl_counters[i].name, off, H5T_STD_U64LE) < 0)
			goto out_close;
		off += 8;
	}
	if (H5Tinsert(t, "wall_seconds", off, H5T_IEEE_F64LE) < 0)
		goto out_close;
	return t;
out_close:
	H5Tclose(t);
	return -1;
}

static int write_counters(hid_t g, const struct rpl_results *r)
{
	hsize_t dim = 1;
	hid_t mt = counters_mtype(-1), ft = counters_ftype(), s = H5Screate_simple(1, &dim, NULL), d = -1;
	hid_t dcpl = an_h5_dcpl(1, &dim), dxpl;
	int rc = -1;
	if (mt < 0 || ft < 0 || s < 0)
		goto out;
	d = H5Dcreate2(g, "counters", ft, s, H5P_DEFAULT, dcpl, H5P_DEFAULT);
	if (d < 0)
		goto out;
	/* one record: a conversion buffer its size, not HDF5's 1 MiB */
	dxpl = an_h5_dxpl(H5Tget_size(mt) > H5Tget_size(ft) ? H5Tget_size(mt) : H5Tget_size(ft));
	rc = H5Dwrite(d, mt, H5S_ALL, H5S_ALL, dxpl, r) < 0 ? -1 : 0;
	an_h5_dxpl_close(dxpl);
out:
	an_h5_dcpl_close(dcpl);
	if (d >= 0) H5Dclose(d);
	if (s >= 0) H5Sclose(s);
	if (ft >= 0) H5Tclose(ft);
	if (mt >= 0) H5Tclose(mt);
	return rc;
}

static int write_scalar_f64(hid_t g, const char *name, double v, const char *units)
{
	hid_t s = H5Screate(H5S_SCALAR), d;
	int rc = -1;
	if (s < 0)
		return -1;
	d = H5Dcreate2(g, name, H5T_IEEE_F64LE, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
	if (d >= 0) {
		rc = H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &v) < 0 ? -1 : 0;
		if (!rc && attr_str(d, "units", units) < 0)
			rc = -1;
		H5Dclose(d);
	}
	H5Sclose(s);
	return rc;
}

/* The footprint at the end (rows V, M) and over time; 0 or -1. */
static int write_footprint(hid_t g, const struct rpl_results *r)
{
	const char *cols[FP_NCATS], *rows[2] = { "V", "M" }, *scols[1 + 2 * FP_NCATS];
	char names[2 * FP_NCATS][32];
	uint64_t fp[2 * FP_NCATS], *t;
	int rc;

	if (attr_i32(g, "nvms", r->nvms) < 0)
		return -1;
	for (size_t i = 0; i < rpl_ncounters; i++)
		if (!in_compound(i) && attr_u64(g, rpl_counters[i].name, rpl_counter_get(r, i)) < 0)
			return -1;
	scols[0] = "cycle";
	for (int k = 0; k < FP_NCATS; k++) {
		cols[k] = fp_cat_name(k);
		fp[k] = r->footprint.v[k];
		fp[FP_NCATS + k] = r->footprint.m[k];
		snprintf(names[k], sizeof names[k], "V.%s", fp_cat_name(k));
		snprintf(names[FP_NCATS + k], sizeof names[k], "M.%s", fp_cat_name(k));
	}
	for (int k = 0; k < 2 * FP_NCATS; k++)
		scols[1 + k] = names[k];
	if (dset_table(g, "footprint", 2, FP_NCATS, fp, cols, rows, "bytes") < 0)
		return -1;
	if (!r->nsamples)
		return 0;
	t = sim_malloc(r->nsamples * (1 + 2 * FP_NCATS) * sizeof *t);
	if (!t)
		return -1;
	for (size_t i = 0; i < r->nsamples; i++) {
		uint64_t *row = t + i * (1 + 2 * FP_NCATS);
		row[0] = r->samples[i].cycle;
		memcpy(row + 1, r->samples[i].fp.v, sizeof r->samples[i].fp.v);
		memcpy(row + 1 + FP_NCATS, r->samples[i].fp.m, sizeof r->samples[i].fp.m);
	}
	rc = dset_table(g, "footprint_samples", r->nsamples, 1 + 2 * FP_NCATS, t, scols, NULL,
			"cycle: cycles; others: bytes");
	sim_free(t);
	return rc;
}

/* Every dataset and attribute of one run into group g; 0 or -1. */
static int write_run(hid_t g, const cfg *c, const struct rpl_results *r, const char *trace_path)
{
	const char *cats[ACCT_NCATS], *svc_rows[NSVC_ROWS], *svc_cols[NSVC_COLS];
	static const char *const count_cols[NCOUNTS] = {
		"instructions", "loads", "stores", "misses_local", "misses_remote",
	};
	size_t n = (size_t)r->ncpus;
	uint64_t *buf = NULL, svc[NSVC_ROWS * NSVC_COLS];
	double loc = an_locality(r);
	int rc = -1;

	for (int k = 0; k < ACCT_NCATS; k++)
		cats[k] = acct_cat_name(k);
	svc_cols[0] = "count";
	svc_cols[1] = "cycles";
	for (int k = 0; k < ACCT_NSPLITS; k++)
		svc_cols[2 + k] = acct_split_name(k);

	/* Attributes: the run's scalars, then the configuration. */
	if (attr_str(g, "mode", rpl_mode_name(r->mode)) < 0 || attr_str(g, "trace", trace_path) < 0 ||
	    attr_f64(g, "clock_mhz", r->clock_mhz) < 0 || attr_u64(g, "cycles", r->cycles) < 0 ||
	    attr_f64(g, "seconds", r->clock_mhz > 0 ? (double)r->cycles / (r->clock_mhz * 1e6) : 0) < 0 ||
	    attr_i32(g, "ncpus", r->ncpus) < 0 || attr_i32(g, "nvcpus", r->nvcpus) < 0 ||
	    attr_f64(g, "wall_seconds", r->wall_seconds) < 0 || attr_str(g, "warning", r->warning) < 0)
		return -1;
	for (size_t i = 0; c && i < cfg_count(c); i++)
		if (attr_str(g, cfg_def(c, i)->name, cfg_value(c, i)) < 0)
			return -1;

	buf = sim_malloc((n ? n : 1) * ACCT_NCATS * sizeof *buf);
	if (!buf)
		return -1;
	for (size_t i = 0; i < n; i++)
		memcpy(buf + i * ACCT_NCATS, r->cpu[i].cycles, sizeof r->cpu[i].cycles);
	if (dset_table(g, "breakdown", n, ACCT_NCATS, buf, cats, NULL, "cycles") < 0)
		goto out_free;
	for (size_t i = 0; i < n; i++)
		memcpy(buf + i * ACCT_NCATS, r->cpu[i].stall_local, sizeof r->cpu[i].stall_local);
	if (dset_table(g, "stall_local", n, ACCT_NCATS, buf, cats, NULL, "cycles") < 0)
		goto out_free;
	for (size_t i = 0; i < n; i++)
		memcpy(buf + i * ACCT_NCATS, r->cpu[i].stall_remote, sizeof r->cpu[i].stall_remote);
	if (dset_table(g, "stall_remote", n, ACCT_NCATS, buf, cats, NULL, "cycles") < 0)
		goto out_free;
	for (size_t i = 0; i < n; i++)
		memcpy(buf + i * ACCT_NCATS, r->cpu[i].stall_comm, sizeof r->cpu[i].stall_comm);
	if (dset_table(g, "stall_comm", n, ACCT_NCATS, buf, cats, NULL, "cycles") < 0)
		goto out_free;
	_Static_assert(NCOUNTS == ACCT_NCATS, "cpu_counts reuses the breakdown buffer");
	for (size_t i = 0; i < n; i++) {
		uint64_t *row = buf + i * NCOUNTS;
		row[0] = r->cpu[i].instructions;
		row[1] = r->cpu[i].loads;
		row[2] = r->cpu[i].stores;
		row[3] = r->cpu[i].misses_local;
		row[4] = r->cpu[i].misses_remote;
	}
	if (dset_table(g, "cpu_counts", n, NCOUNTS, buf, count_cols, NULL, "count") < 0)
		goto out_free;

	for (int s = 1; s < TRC_NSERVICES; s++) {
		uint64_t *row = svc + (size_t)(s - 1) * NSVC_COLS;
		svc_rows[s - 1] = trc_service_name(s);
		row[0] = r->service[s].count;
		row[1] = r->service[s].cycles;
		for (int k = 0; k < ACCT_NSPLITS; k++)
			row[2 + k] = r->service[s].split[k];
	}
	if (dset_table(g, "services", NSVC_ROWS, NSVC_COLS, svc, svc_cols, svc_rows,
		       "count: events; other columns: cycles") < 0)
		goto out_free;
	if (write_counters(g, r) < 0)
		goto out_free;
	if (write_scalar_f64(g, "locality", loc < 0 ? NAN : loc, "fraction") < 0)
		goto out_free;
	if (write_footprint(g, r) < 0)
		goto out_free;
	rc = 0;
out_free:
	sim_free(buf);
	return rc;
}

/* ---------- Open, add, close ---------- */

static int valid_group(const char *g, struct sim_err *err)
{
	if (!g || !*g || strchr(g, '/') || g[0] == '.' || strlen(g) > 200)
		return sim_errf(err, SIM_EINVAL, "run name '%s': must be 1-200 characters, no '/', "
				"not starting with '.'", g ? g : "");
	return SIM_OK;
}

/* A new results file whose root expects `runs` runs (an_open_expect). */
static hid_t create_file(const char *path, size_t runs)
{
	hid_t fcpl = H5Pcreate(H5P_FILE_CREATE), fapl = an_h5_fapl_mem(), fid = -1;
	int version = AN_RESULTS_VERSION;
	if (fcpl < 0 || fapl < 0)
		goto out;
	/* creation order: runs list in the order written; v1.8 format: dense attribute storage */
	if (H5Pset_link_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0 ||
	    an_h5_links_compact(fcpl) < 0)
		goto out;
	/* The root's links live in its object header (an_h5_links_compact).
	 * Without an estimate HDF5 adds a small piece to that header for each
	 * few links, and every link added then searches all the pieces; with
	 * one, the header starts with room for them all (about 50 bytes a run,
	 * names of a sweep key's 26 characters).  Capped at the most links a
	 * header keeps. */
	if (runs > 0 && H5Pset_est_link_info(fcpl, (unsigned)(runs < AN_H5_MAX_COMPACT ? runs : AN_H5_MAX_COMPACT),
					     26) < 0)
		goto out;
	fid = H5Fcreate(path, H5F_ACC_TRUNC, fcpl, fapl);
	if (fid >= 0 && (attr_scalar(fid, "disco_results_version", H5T_STD_I32LE, H5T_NATIVE_INT,
				     &version) < 0 || attr_str(fid, "creator", "disco") < 0)) {
		H5Fclose(fid);
		fid = -1;
	}
out:
	if (fcpl >= 0) H5Pclose(fcpl);
	if (fapl >= 0) H5Pclose(fapl);
	return fid;
}

static int check_version(hid_t fid, const char *path, struct sim_err *err)
{
	int v = 0;
	hid_t a;
	if (H5Aexists(fid, "disco_results_version") <= 0)
		return SIM_OK;   /* written by other tools after RESULTS.md: accepted */
	a = H5Aopen(fid, "disco_results_version", H5P_DEFAULT);
	if (a < 0 || H5Aread(a, H5T_NATIVE_INT, &v) < 0) {
		if (a >= 0) H5Aclose(a);
		return sim_errf(err, SIM_ECORRUPT, "%s: unreadable attribute disco_results_version", path);
	}
	H5Aclose(a);
	if (v > AN_RESULTS_VERSION)
		return sim_errf(err, SIM_EVERSION, "%s: results format version %d is newer than this "
				"disco reads (%d)", path, v, AN_RESULTS_VERSION);
	return SIM_OK;
}

/* Checks that path names an HDF5 file: SIM_EINVAL if absent, SIM_ECORRUPT if not HDF5. */
static int check_file(const char *path, struct sim_err *err)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return sim_errf(err, errno == ENOENT ? SIM_EINVAL : SIM_EIO, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return sim_errf(err, SIM_EINVAL, "%s: not a regular file", path);
	if (H5Fis_hdf5(path) <= 0)
		return sim_errf(err, SIM_ECORRUPT, "%s: not an HDF5 results file", path);
	return SIM_OK;
}

/* 1 if AN_APPEND must read path: a regular file (through links) that is not
 * empty; nothing there, an empty file or a device (/dev/null) start afresh. */
static int append_target(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return 0;
	return !S_ISREG(st.st_mode) ? 0 : st.st_size > 0;
}

int an_open(an_file **out, const char *path, int mode, struct sim_err *err)
{
	return an_open_expect(out, path, mode, 0, err);
}

int an_ensure(const char *path, size_t runs, struct sim_err *err)
{
	an_file *f;
	int rc;
	if (access(path, F_OK) == 0)
		return SIM_OK;
	if ((rc = an_open_expect(&f, path, AN_APPEND, runs, err)) != SIM_OK)
		return rc;
	return an_close(f, err);
}

int an_open_expect(an_file **out, const char *path, int mode, size_t runs, struct sim_err *err)
{
	an_file *f;
	sim_out *probe;
	hid_t fapl;
	int rc;

	an_h5_quiet();
	*out = NULL;
	if (mode != AN_CREATE && mode != AN_APPEND)
		return sim_errf(err, SIM_EINTERNAL, "an_open: bad mode %d", mode);
	if (mode == AN_APPEND && !append_target(path))
		mode = AN_CREATE;
	/* refuse an unwritable target (a folder, a FIFO, no permission) before
	 * the caller does any work */
	if (sim_file_has_magic(path, "DISCOTRC", 8))   /* traces/FORMAT.md */
		return sim_errf(err, SIM_EINVAL, "%s: is a disco trace; refusing to replace it with "
				"results (remove it first)", path);
	if (mode == AN_CREATE) {
		if ((rc = sim_out_open(&probe, path, err)) != SIM_OK)
			return rc;
		sim_out_abort(probe);
	}
	f = sim_calloc(1, sizeof *f);
	if (!f || !(f->path = sim_strdup(path)))
		goto out_nomem;
	f->mode = mode;
	f->fid = -1;
	if (mode == AN_CREATE) {
		f->fid = create_file(path, runs);
		if (f->fid < 0) {
			rc = sim_errf(err, SIM_EIO, "%s: cannot create the results file (out of memory?)", path);
			goto out_free;
		}
	} else {
		if (H5Fis_hdf5(path) <= 0) {
			rc = sim_errf(err, SIM_EINVAL, "%s: not an HDF5 results file; refusing to replace "
				      "it with results (remove it first)", path);
			goto out_free;
		}
		if ((rc = check_file(path, err)) != SIM_OK)
			goto out_free;
		if ((rc = an_h5_check_heaps(path, err)) != SIM_OK)
			goto out_free;
		if ((fapl = an_h5_fapl_mem()) >= 0) {
			f->fid = H5Fopen(path, H5F_ACC_RDWR, fapl);
			H5Pclose(fapl);
		}
		if (f->fid < 0) {
			rc = sim_errf(err, SIM_ECORRUPT, "%s: cannot open as HDF5 (damaged?)", path);
			goto out_free;
		}
		/* what is damaged is not rewritten with a new digest */
		if ((rc = check_version(f->fid, path, err)) != SIM_OK ||
		    (rc = an_h5_check_root(f->fid, path, err)) != SIM_OK)
			goto out_free;
	}
	*out = f;
	return SIM_OK;
out_nomem:
	rc = sim_errf(err, SIM_ENOMEM, "%s: out of memory", path);
out_free:
	if (f) {
		if (f->fid >= 0)
			H5Fclose(f->fid);
		sim_free(f->path);
		sim_free(f);
	}
	return rc;
}

hid_t an_file_hid(an_file *f)
{
	return f->fid;
}

int an_has_run(an_file *f, const char *group)
{
	an_h5_quiet();
	return H5Lexists(f->fid, group, H5P_DEFAULT) > 0;
}

int an_remove_run(an_file *f, const char *group, struct sim_err *err)
{
	an_h5_quiet();
	if (!an_has_run(f, group))
		return sim_errf(err, SIM_EINVAL, "%s: has no run named '%s'", f->path, group);
	if (H5Ldelete(f->fid, group, H5P_DEFAULT) < 0)
		return sim_errf(err, SIM_EIO, "%s: cannot remove run '%s'", f->path, group);
	return SIM_OK;
}

int an_add_run(an_file *f, const char *group, const cfg *c, const struct rpl_results *r,
	       const char *trace_path, struct sim_err *err)
{
	char partial[256];
	hid_t g, gcpl;
	int rc;

	an_h5_quiet();
	if ((rc = valid_group(group, err)) != SIM_OK)
		return rc;
	if (r->ncpus < 0 || r->ncpus > MAX_CPUS || (r->ncpus && !r->cpu))
		return sim_errf(err, SIM_EINVAL, "run %s: bad CPU count %d", group, r->ncpus);
	if (an_has_run(f, group))
		return sim_errf(err, SIM_EINVAL, "%s: already has a run named '%s'", f->path, group);
	snprintf(partial, sizeof partial, ".partial-%s", group);
	if (H5Lexists(f->fid, partial, H5P_DEFAULT) > 0)
		H5Ldelete(f->fid, partial, H5P_DEFAULT);   /* left by an older writer */
	/* written unlinked and linked whole: keeps (1) without a rename, whose
	 * removal from the root's compact links rewrites its header (each run
	 * of a 1,000-run merge paid for all the runs before it) */
	gcpl = H5Pcreate(H5P_GROUP_CREATE);
	g = gcpl < 0 || an_h5_links_compact(gcpl) < 0 ? -1 : H5Gcreate_anon(f->fid, gcpl, H5P_DEFAULT);
	if (gcpl >= 0)
		H5Pclose(gcpl);
	if (g < 0) {
		rc = sim_errf(err, SIM_EIO, "%s: cannot create group for run '%s'", f->path, group);
		goto out_fail;
	}
	/* sealed now, whole: a commit only renews the root's digest */
	if (write_run(g, c, r, trace_path) < 0 || an_h5_seal(g) < 0) {
		H5Gclose(g);
		rc = sim_errf(err, SIM_EIO, "%s: writing run '%s' failed (out of memory?)", f->path, group);
		goto out_fail;
	}
	if (H5Olink(g, f->fid, group, H5P_DEFAULT, H5P_DEFAULT) < 0) {
		H5Gclose(g);
		rc = sim_errf(err, SIM_EIO, "%s: cannot complete run '%s'", f->path, group);
		goto out_fail;
	}
	H5Gclose(g);
	return SIM_OK;
out_fail:
	if (!f->failed) {
		f->failed = rc;
		f->first = *err;
	}
	return rc;
}

static void free_file(an_file *f)
{
	sim_free(f->path);
	sim_free(f);
}

int an_commit(an_file *f, struct sim_err *err)
{
	an_h5_quiet();
	if (f->failed) {
		if (err)
			*err = f->first;
		return f->failed;
	}
	return an_h5_write_image(f->fid, f->path, err);   /* keeps (2) */
}

int an_close(an_file *f, struct sim_err *err)
{
	int rc;
	if (!f)
		return SIM_OK;
	an_h5_quiet();
	if (f->failed) {
		H5Fclose(f->fid);
		if (err)
			*err = f->first;
		rc = f->failed;
	} else
		rc = an_h5_commit(f->fid, f->path, err);   /* keeps (2) */
	free_file(f);
	return rc;
}

void an_abort(an_file *f)
{
	if (!f)
		return;
	an_h5_quiet();
	H5Fclose(f->fid);
	free_file(f);
}

int an_write_runs(const char *path, int n, const char *const *names, cfg *const *cs,
		  const struct rpl_results *r, const char *trace_path, struct sim_err *err)
{
	an_file *f;
	int rc = an_open(&f, path, AN_CREATE, err);
	for (int k = 0; k < n && rc == SIM_OK; k++)
		rc = an_add_run(f, names[k], cs[k], &r[k], trace_path, err);
	if (rc != SIM_OK) {
		an_abort(f);
		return rc;
	}
	return an_close(f, err);
}

int an_write_results(const char *path, const char *group_name, const cfg *c,
		     const struct rpl_results *r, const char *trace_path, struct sim_err *err)
{
	cfg *cs[1] = { (cfg *)c };
	return an_write_runs(path, 1, &group_name, cs, r, trace_path, err);
}

/* ---------- Reading ---------- */

static int open_read(const char *path, hid_t *fid, struct sim_err *err)
{
	int rc;
	an_h5_quiet();
	if ((rc = check_file(path, err)) != SIM_OK)
		return rc;
	if ((rc = an_h5_check_heaps(path, err)) != SIM_OK)
		return rc;
	*fid = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
	if (*fid < 0)
		return sim_errf(err, SIM_ECORRUPT, "%s: cannot open as HDF5 (damaged, or open for writing by another process?)", path);
	if ((rc = check_version(*fid, path, err)) != SIM_OK ||
	    (rc = an_h5_check_root(*fid, path, err)) != SIM_OK) {
		H5Fclose(*fid);
		return rc;
	}
	return SIM_OK;
}

struct names { char **v; size_t n, cap; int nomem; };

static herr_t collect_group(hid_t loc, const char *name, const H5L_info_t *info, void *arg)
{
	struct names *ns = arg;
	hid_t o;
	int is_group;
	if (name[0] == '.' || info->type != H5L_TYPE_HARD)
		return 0;
	o = H5Oopen(loc, name, H5P_DEFAULT);
	if (o < 0)
		return 0;
	is_group = H5Iget_type(o) == H5I_GROUP;
	H5Oclose(o);
	if (!is_group)
		return 0;
	if (ns->n == ns->cap) {
		size_t cap = ns->cap ? 2 * ns->cap : 8;
		char **v = sim_realloc(ns->v, cap * sizeof *v);
		if (!v) {
			ns->nomem = 1;
			return -1;
		}
		ns->v = v;
		ns->cap = cap;
	}
	if (!(ns->v[ns->n] = sim_strdup(name))) {
		ns->nomem = 1;
		return -1;
	}
	ns->n++;
	return 0;
}

void an_free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sim_free(names[i]);
	sim_free(names);
}

static int list_fid(hid_t fid, const char *path, struct names *ns, struct sim_err *err)
{
	hsize_t idx = 0;
	memset(ns, 0, sizeof *ns);
	if (H5Literate(fid, H5_INDEX_CRT_ORDER, H5_ITER_INC, &idx, collect_group, ns) < 0 && !ns->nomem) {
		an_free_names(ns->v, ns->n);
		memset(ns, 0, sizeof *ns);
		idx = 0;   /* creation order not tracked: name order */
		if (H5Literate(fid, H5_INDEX_NAME, H5_ITER_INC, &idx, collect_group, ns) < 0 && !ns->nomem) {
			an_free_names(ns->v, ns->n);
			return sim_errf(err, SIM_ECORRUPT, "%s: cannot list its groups", path);
		}
	}
	if (ns->nomem) {
		an_free_names(ns->v, ns->n);
		return sim_errf(err, SIM_ENOMEM, "%s: out of memory listing groups", path);
	}
	return SIM_OK;
}

int an_list_runs(const char *path, char ***names, size_t *n, struct sim_err *err)
{
	an_reader *rd;
	int rc;
	*names = NULL;
	*n = 0;
	if ((rc = an_reader_open(&rd, path, err)) != SIM_OK)
		return rc;
	rc = an_reader_list(rd, names, n, err);
	an_reader_close(rd);
	return rc;
}

/* A string attribute (variable or fixed length) as a malloc'd string in *out.
 * Returns 1, 0 if it is not a readable string (*out NULL), -1 out of memory. */
static int read_str_attr_by(hid_t a, char **out)
{
	hid_t t = H5Aget_type(a), s = -1, mt = -1;
	int rc = 0;
	*out = NULL;
	if (t < 0 || H5Tget_class(t) != H5T_STRING)
		goto out;
	s = H5Aget_space(a);
	if (s < 0 || H5Sget_simple_extent_npoints(s) != 1)
		goto out;
	if (H5Tis_variable_str(t) > 0) {
		char *v = NULL;
		mt = an_h5_str_type();
		if (mt >= 0 && H5Aread(a, mt, &v) >= 0 && v) {
			*out = sim_strdup(v);
			rc = *out ? 1 : -1;
			H5free_memory(v);
		}
	} else {
		size_t n = H5Tget_size(t);
		if (n == 0 || n > (1 << 20))
			goto out;
		mt = H5Tcopy(H5T_C_S1);
		if (mt < 0 || H5Tset_size(mt, n + 1) < 0 || H5Tset_strpad(mt, H5T_STR_NULLTERM) < 0)
			goto out;
		*out = sim_calloc(1, n + 1);
		rc = *out ? 1 : -1;
		if (*out && H5Aread(a, mt, *out) < 0) {
			sim_free(*out);
			*out = NULL;
			rc = 0;
		}
	}
out:
	if (mt >= 0) H5Tclose(mt);
	if (s >= 0) H5Sclose(s);
	if (t >= 0) H5Tclose(t);
	return rc;
}

/* As read_str_attr_by, by name: 0 also when absent. */
static int read_str_attr(hid_t obj, const char *name, char **out)
{
	hid_t a;
	int rc;
	*out = NULL;
	if (H5Aexists(obj, name) <= 0)
		return 0;
	a = H5Aopen(obj, name, H5P_DEFAULT);
	if (a < 0)
		return 0;
	rc = read_str_attr_by(a, out);
	H5Aclose(a);
	return rc;
}

static int read_num_attr(hid_t obj, const char *name, hid_t mtype, void *v)
{
	hid_t a;
	int rc;
	if (H5Aexists(obj, name) <= 0)
		return -1;
	a = H5Aopen(obj, name, H5P_DEFAULT);
	if (a < 0)
		return -1;
	rc = H5Aread(a, mtype, v) < 0 ? -1 : 0;
	H5Aclose(a);
	return rc;
}

/* The configuration: attributes whose name has a dot, as "name = value" lines. */
struct text { char *s; size_t len, cap; int nomem; };

static herr_t collect_param(hid_t loc, const char *name, const H5A_info_t *info, void *arg)
{
	struct text *t = arg;
	hid_t a;
	char *v;
	size_t need;
	if (!strchr(name, '.'))
		return 0;
	a = H5Aopen(loc, name, H5P_DEFAULT);
	if (a < 0)
		return 0;
	if (read_str_attr_by(a, &v) < 0) {
		H5Aclose(a);
		t->nomem = 1;
		return -1;
	}
	H5Aclose(a);
	if (!v)
		return 0;
	need = t->len + strlen(name) + strlen(v) + 5;
	if (need > t->cap) {
		size_t cap = need * 2;
		char *s = sim_realloc(t->s, cap);
		if (!s) {
			sim_free(v);
			t->nomem = 1;
			return -1;
		}
		t->s = s;
		t->cap = cap;
	}
	t->len += (size_t)sprintf(t->s + t->len, "%s = %s\n", name, v);
	sim_free(v);
	return 0;
}

/* A rows x cols uint64 table into a new buffer; rows is checked against
 * want_rows unless that is negative (then bounded by MAX_CPUS). */
static int read_table_max(hid_t g, const char *path, const char *group, const char *name,
			  long want_rows, size_t cols, hsize_t max_rows, uint64_t **out, size_t *rows,
			  struct sim_err *err);

static int read_table(hid_t g, const char *path, const char *group, const char *name,
		      long want_rows, size_t cols, uint64_t **out, size_t *rows, struct sim_err *err)
{
	return read_table_max(g, path, group, name, want_rows, cols, MAX_CPUS, out, rows, err);
}

static int read_table_max(hid_t g, const char *path, const char *group, const char *name,
			  long want_rows, size_t cols, hsize_t max_rows, uint64_t **out, size_t *rows,
			  struct sim_err *err)
{
	hid_t d, s = -1;
	hsize_t dims[2];
	int rc = SIM_OK;
	*out = NULL;
	if (H5Lexists(g, name, H5P_DEFAULT) <= 0)
		return sim_errf(err, SIM_ECORRUPT, "%s: run '%s' has no dataset '%s'", path, group, name);
	d = H5Dopen2(g, name, H5P_DEFAULT);
	if (d < 0)
		return sim_errf(err, SIM_ECORRUPT, "%s: run '%s': '%s' is not a dataset", path, group, name);
	s = H5Dget_space(d);
	if (s < 0 || H5Sget_simple_extent_ndims(s) != 2 || H5Sget_simple_extent_dims(s, dims, NULL) != 2 ||
	    dims[1] != cols || (want_rows >= 0 && dims[0] != (hsize_t)want_rows) || dims[0] > max_rows) {
		rc = sim_errf(err, SIM_ECORRUPT, "%s: run '%s': dataset '%s' should have shape (%s, %zu)",
			      path, group, name, want_rows >= 0 ? "rows" : "ncpus", cols);
		goto out;
	}
	*rows = dims[0];
	*out = sim_calloc(dims[0] * cols + 1, sizeof **out);
	if (!*out) {
		rc = sim_errf(err, SIM_ENOMEM, "%s: out of memory", path);
		goto out;
	}
	if (dims[0] && H5Dread(d, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, *out) < 0) {
		sim_free(*out);
		*out = NULL;
		rc = sim_errf(err, SIM_ECORRUPT, "%s: run '%s': cannot read dataset '%s' (damaged: its "
			      "checksum does not match?)", path, group, name);
	}
out:
	if (s >= 0) H5Sclose(s);
	H5Dclose(d);
	return rc;
}

static int read_counters(hid_t g, const char *path, const char *group, struct rpl_results *r,
			 struct sim_err *err)
{
	struct rpl_results *tmp = NULL;
	hid_t d, s = -1, mt = -1, ft = -1, dxpl;
	herr_t got;
	int rc = SIM_OK;
	if (H5Lexists(g, "counters", H5P_DEFAULT) <= 0)
		return sim_errf(err, SIM_ECORRUPT, "%s: run '%s' has no dataset 'counters'", path, group);
	d = H5Dopen2(g, "counters", H5P_DEFAULT);
	if (d < 0)
		return sim_errf(err, SIM_ECORRUPT, "%s: run '%s': 'counters' is not a dataset", path, group);
	s = H5Dget_space(d);
	ft = H5Dget_type(d);
	mt = ft < 0 ? -1 : counters_mtype(ft);
	if (s < 0 || mt < 0 || H5Sget_simple_extent_npoints(s) != 1) {
		rc = sim_errf(err, SIM_ECORRUPT, "%s: run '%s': 'counters' should hold one record", path, group);
		goto out;
	}
	/* Fields are matched by name; one the file lacks reads as 0.  The read
	 * goes to a scratch copy, as HDF5 may use the bytes between fields (and
	 * so those of the fields a file lacks). */
	if (!(tmp = sim_calloc(1, sizeof *tmp))) {
		rc = sim_errf(err, SIM_ENOMEM, "%s: out of memory", path);
		goto out;
	}
	dxpl = an_h5_dxpl(H5Tget_size(mt) > H5Tget_size(ft) ? H5Tget_size(mt) : H5Tget_size(ft));
	got = H5Dread(d, mt, H5S_ALL, H5S_ALL, dxpl, tmp);
	an_h5_dxpl_close(dxpl);
	if (got < 0) {
		rc = sim_errf(err, SIM_ECORRUPT, "%s: run '%s': cannot read 'counters': damaged (its "
			      "checksum does not match), or a field is missing or of the wrong type "
			      "(see RESULTS.md)", path, group);
		goto out;
	}
	for (size_t i = 0; i < rpl_ncounters; i++)
		if (in_mtype(ft, i))
			rpl_counter_set(r, i, rpl_counter_get(tmp, i));
	r->wall_seconds = tmp->wall_seconds;
out:
	sim_free(tmp);
	if (mt >= 0) H5Tclose(mt);
	if (ft >= 0) H5Tclose(ft);
	if (s >= 0) H5Sclose(s);
	H5Dclose(d);
	return rc;
}

/* The footprint datasets, when the run has them (files from before they
 * existed do not: their footprint reads as zero). */
static int read_footprint(hid_t g, const char *path, const char *group, struct rpl_results *r,
			  struct sim_err *err)
{
	uint64_t *t;
	size_t rows;
	int rc;
	if (read_num_attr(g, "nvms", H5T_NATIVE_INT, &r->nvms) < 0)
		r->nvms = 1;
	/* counters kept as attributes: absent from older files, zero */
	for (size_t i = 0; i < rpl_ncounters; i++)
		if (!in_compound(i))
			read_num_attr(g, rpl_counters[i].name, H5T_NATIVE_UINT64,
				      (char *)r + rpl_counters[i].off);
	if (H5Lexists(g, "footprint", H5P_DEFAULT) <= 0)
		return SIM_OK;
	if ((rc = read_table(g, path, group, "footprint", 2, FP_NCATS, &t, &rows, err)) != SIM_OK)
		return rc;
	memcpy(r->footprint.v, t, sizeof r->footprint.v);
	memcpy(r->footprint.m, t + FP_NCATS, sizeof r->footprint.m);
	sim_free(t);
	if (H5Lexists(g, "footprint_samples", H5P_DEFAULT) <= 0)
		return SIM_OK;
	if ((rc = read_table_max(g, path, group, "footprint_samples", -1, 1 + 2 * FP_NCATS,
				 1u << 20, &t, &rows, err)) != SIM_OK)
		return rc;
	r->samples = sim_calloc(rows ? rows : 1, sizeof *r->samples);
	if (!r->samples) {
		sim_free(t);
		return sim_errf(err, SIM_ENOMEM, "%s: out of memory", path);
	}
	for (size_t i = 0; i < rows; i++) {
		const uint64_t *row = t + i * (1 + 2 * FP_NCATS);
		r->samples[i].cycle = row[0];
		memcpy(r->samples[i].fp.v, row + 1, sizeof r->samples[i].fp.v);
		memcpy(r->samples[i].fp.m, row + 1 + FP_NCATS, sizeof r->samples[i].fp.m);
	}
	r->nsamples = rows;
	sim_free(t);
	return SIM_OK;
}

static int read_run(hid_t g, const char *path, const char *group, struct rpl_results *r,
		    struct sim_err *err)
{
	uint64_t *t = NULL;
	size_t rows, n;
	char *mode, *w;
	int rc, ncpus_attr;

	memset(r, 0, sizeof *r);
	if (read_str_attr(g, "mode", &mode) < 0 || read_str_attr(g, "warning", &w) < 0) {
		sim_free(mode);
		return sim_errf(err, SIM_ENOMEM, "%s: out of memory", path);
	}
	if (w) {
		snprintf(r->warning, sizeof r->warning, "%s", w);
		sim_free(w);
	}
	if (!mode || rpl_mode_parse(mode, &r->mode) != SIM_OK) {
		rc = sim_errf(err, SIM_ECORRUPT, "%s: run '%s': attribute 'mode' missing or not "
			      "native, disco, uma or plain", path, group);
		sim_free(mode);
		return rc;
	}
	sim_free(mode);
	if (read_num_attr(g, "clock_mhz", H5T_NATIVE_DOUBLE, &r->clock_mhz) < 0)
		return sim_errf(err, SIM_ECORRUPT, "%s: run '%s': attribute 'clock_mhz' missing", path, group);
	if (read_num_attr(g, "nvcpus", H5T_NATIVE_INT, &r->nvcpus) < 0)
		r->nvcpus = 0;

	if ((rc = read_table(g, path, group, "breakdown", -1, ACCT_NCATS, &t, &n, err)) != SIM_OK)
		return rc;
	if (read_num_attr(g, "ncpus", H5T_NATIVE_INT, &ncpus_attr) == 0 && (size_t)ncpus_attr != n) {
		sim_free(t);
		return sim_errf(err, SIM_ECORRUPT, "%s: run '%s': attribute ncpus = %d but breakdown has "
				"%zu rows", path, group, ncpus_attr, n);
	}
	r->ncpus = (int)n;
	r->cpu = sim_calloc(n ? n : 1, sizeof *r->cpu);
	if (!r->cpu) {
		sim_free(t);
		return sim_errf(err, SIM_ENOMEM, "%s: out of memory", path);
	}
	for (size_t i = 0; i < n; i++)
		memcpy(r->cpu[i].cycles, t + i * ACCT_NCATS, sizeof r->cpu[i].cycles);
	sim_free(t);
	if ((rc = read_table(g, path, group, "stall_local", (long)n, ACCT_NCATS, &t, &rows, err)) != SIM_OK)
		goto out_free;
	for (size_t i = 0; i < n; i++)
		memcpy(r->cpu[i].stall_local, t + i * ACCT_NCATS, sizeof r->cpu[i].stall_local);
	sim_free(t);
	if ((rc = read_table(g, path, group, "stall_remote", (long)n, ACCT_NCATS, &t, &rows, err)) != SIM_OK)
		goto out_free;
	for (size_t i = 0; i < n; i++)
		memcpy(r->cpu[i].stall_remote, t + i * ACCT_NCATS, sizeof r->cpu[i].stall_remote);
	sim_free(t);
	/* absent from files written before communication stall was kept */
	if (H5Lexists(g, "stall_comm", H5P_DEFAULT) > 0) {
		if ((rc = read_table(g, path, group, "stall_comm", (long)n, ACCT_NCATS, &t, &rows, err)) !=
		    SIM_OK)
			goto out_free;
		for (size_t i = 0; i < n; i++)
			memcpy(r->cpu[i].stall_comm, t + i * ACCT_NCATS, sizeof r->cpu[i].stall_comm);
		sim_free(t);
	}
	if ((rc = read_table(g, path, group, "cpu_counts", (long)n, NCOUNTS, &t, &rows, err)) != SIM_OK)
		goto out_free;
	for (size_t i = 0; i < n; i++) {
		const uint64_t *row = t + i * NCOUNTS;
		r->cpu[i].instructions = row[0];
		r->cpu[i].loads = row[1];
		r->cpu[i].stores = row[2];
		r->cpu[i].misses_local = row[3];
		r->cpu[i].misses_remote = row[4];
	}
	sim_free(t);
	if ((rc = read_table(g, path, group, "services", NSVC_ROWS, NSVC_COLS, &t, &rows, err)) != SIM_OK)
		goto out_free;
	for (int s = 1; s < TRC_NSERVICES; s++) {
		const uint64_t *row = t + (size_t)(s - 1) * NSVC_COLS;
		r->service[s].count = row[0];
		r->service[s].cycles = row[1];
		for (int k = 0; k < ACCT_NSPLITS; k++)
			r->service[s].split[k] = row[2 + k];
	}
	sim_free(t);
	if ((rc = read_counters(g, path, group, r, err)) != SIM_OK)
		goto out_free;
	if ((rc = read_footprint(g, path, group, r, err)) != SIM_OK)
		goto out_free;
	return SIM_OK;
out_free:
	an_results_free(r);
	return rc;
}

/* Run `group` of the open file fid into r (see an_read_results), after
 * checking the group's digest and its datasets': what is read is checked,
 * each time it is read. */
static int read_group(hid_t fid, const char *path, const char *group, struct rpl_results *r,
		      char **config_text, char **trace_path, struct sim_err *err)
{
	struct text txt = { 0 };
	char what[260];
	hid_t g;
	int rc;

	memset(r, 0, sizeof *r);
	if (config_text)
		*config_text = NULL;
	if (trace_path)
		*trace_path = NULL;
	if (strchr(group, '/') || H5Lexists(fid, group, H5P_DEFAULT) <= 0 ||
	    (g = H5Gopen2(fid, group, H5P_DEFAULT)) < 0)
		return sim_errf(err, SIM_EINVAL, "%s: no run named '%s'", path, group);
	snprintf(what, sizeof what, "run '%s'", group);
	if ((rc = an_h5_check_group(g, path, what, err)) != SIM_OK)
		goto out_close;
	if ((rc = read_run(g, path, group, r, err)) != SIM_OK)
		goto out_close;
	if (config_text) {
		hsize_t idx = 0;
		if ((txt.s = sim_malloc(1)) == NULL ||
		    (H5Aiterate2(g, H5_INDEX_NAME, H5_ITER_INC, &idx, collect_param, &txt) < 0 && txt.nomem)) {
			rc = sim_errf(err, SIM_ENOMEM, "%s: out of memory", path);
			goto out_free_run;
		}
		if (H5Aget_num_attrs(g) < 0 || idx < (hsize_t)H5Aget_num_attrs(g)) {
			rc = sim_errf(err, SIM_ECORRUPT, "%s: run '%s': its configuration cannot be read "
				      "(the file is damaged)", path, group);
			goto out_free_run;
		}
		txt.s[txt.len] = '\0';
	}
	if (trace_path) {
		char *tp;
		int got = read_str_attr(g, "trace", &tp);
		*trace_path = got > 0 ? tp : got == 0 ? sim_strdup("") : NULL;
		if (!*trace_path) {
			rc = sim_errf(err, SIM_ENOMEM, "%s: out of memory", path);
			goto out_free_run;
		}
	}
	if (config_text)
		*config_text = txt.s;
	rc = SIM_OK;
	goto out_close;
out_free_run:
	an_results_free(r);
	sim_free(txt.s);
out_close:
	H5Gclose(g);
	return rc;
}

/* ---------- Readers: a file opened and checked once, read many times ---------- */

struct an_reader {
	hid_t fid;
	char *path;
	int own;          /* 1: fid is ours to close (not an an_file's) */
};

int an_reader_open(an_reader **out, const char *path, struct sim_err *err)
{
	an_reader *rd;
	hid_t fid;
	int rc;
	*out = NULL;
	if ((rc = open_read(path, &fid, err)) != SIM_OK)
		return rc;
	if (!(rd = sim_calloc(1, sizeof *rd)) || !(rd->path = sim_strdup(path))) {
		sim_free(rd);
		H5Fclose(fid);
		return sim_errf(err, SIM_ENOMEM, "%s: out of memory", path);
	}
	rd->fid = fid;
	rd->own = 1;
	*out = rd;
	return SIM_OK;
}

int an_reader_of_file(an_reader **out, an_file *f, struct sim_err *err)
{
	an_reader *rd;
	*out = NULL;
	if (!(rd = sim_calloc(1, sizeof *rd)) || !(rd->path = sim_strdup(f->path))) {
		sim_free(rd);
		return sim_errf(err, SIM_ENOMEM, "%s: out of memory", f->path);
	}
	rd->fid = f->fid;
	*out = rd;
	return SIM_OK;
}

hid_t an_reader_hid(an_reader *rd)
{
	return rd->fid;
}

const char *an_reader_path(const an_reader *rd)
{
	return rd->path;
}

int an_reader_list(an_reader *rd, char ***names, size_t *n, struct sim_err *err)
{
	struct names ns;
	int rc;
	an_h5_quiet();
	*names = NULL;
	*n = 0;
	if ((rc = list_fid(rd->fid, rd->path, &ns, err)) == SIM_OK) {
		*names = ns.v;
		*n = ns.n;
	}
	return rc;
}

int an_reader_read(an_reader *rd, const char *group, struct rpl_results *r, char **config_text,
		   char **trace_path, struct sim_err *err)
{
	struct names ns = { 0 };
	int rc;
	an_h5_quiet();
	if (!group) {
		memset(r, 0, sizeof *r);
		if (config_text)
			*config_text = NULL;
		if (trace_path)
			*trace_path = NULL;
		if ((rc = list_fid(rd->fid, rd->path, &ns, err)) != SIM_OK)
			return rc;
		if (ns.n != 1) {
			rc = sim_errf(err, SIM_EINVAL, "%s: holds %zu runs: name one", rd->path, ns.n);
			an_free_names(ns.v, ns.n);
			return rc;
		}
		group = ns.v[0];
	}
	rc = read_group(rd->fid, rd->path, group, r, config_text, trace_path, err);
	an_free_names(ns.v, ns.n);
	return rc;
}

void an_reader_close(an_reader *rd)
{
	if (!rd)
		return;
	an_h5_quiet();
	if (rd->own)
		H5Fclose(rd->fid);
	sim_free(rd->path);
	sim_free(rd);
}

int an_read_results(const char *path, const char *group, struct rpl_results *r,
		    char **config_text, char **trace_path, struct sim_err *err)
{
	an_reader *rd;
	int rc;
	memset(r, 0, sizeof *r);
	if (config_text)
		*config_text = NULL;
	if (trace_path)
		*trace_path = NULL;
	if ((rc = an_reader_open(&rd, path, err)) != SIM_OK)
		return rc;
	rc = an_reader_read(rd, group, r, config_text, trace_path, err);
	an_reader_close(rd);
	return rc;
}

void an_results_free(struct rpl_results *r)
{
	rpl_results_free(r);
}
