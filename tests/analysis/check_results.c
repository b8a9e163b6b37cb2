/* Results files, reports and figures: round trips, appends, bad files, formats. */
#include <errno.h>
#include <glob.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <hdf5.h>

#include "analysis/plot.h"
#include "analysis/report.h"
#include "analysis/results.h"
#include "base/mem.h"
#include "machine/params.h"
#include "tests/analysis/sample.h"
#include "tests/testlib.h"
#include "traces/params.h"

static cfg *mkcfg(void)
{
	static const struct param_table *const tabs[] = { &machine_param_table, &trace_param_table, NULL };
	struct sim_err err = { 0 };
	cfg *c;
	ck_assert_int_eq(cfg_new(&c, tabs, &err), SIM_OK);
	ck_assert_int_eq(cfg_set(c, "machine.cpus", "4", NULL, &err), SIM_OK);
	ck_assert_int_eq(cfg_set(c, "machine.l2.size", "256K", NULL, &err), SIM_OK);
	return c;
}

/* No temporary file of path's writer is left beside it. */
static void no_tmp_files(const char *path)
{
	char pat[700];
	glob_t g;
	snprintf(pat, sizeof pat, "%s.tmp-*", path);
	ck_assert_int_eq(glob(pat, 0, NULL, &g), GLOB_NOMATCH);
}

static void same_results(const struct rpl_results *a, const struct rpl_results *b)
{
	ck_assert_int_eq(a->mode, b->mode);
	ck_assert_int_eq(a->ncpus, b->ncpus);
	ck_assert_int_eq(a->nvcpus, b->nvcpus);
	ck_assert_double_eq(a->clock_mhz, b->clock_mhz);
	ck_assert_uint_eq(a->cycles, b->cycles);
	ck_assert_uint_eq(a->instructions, b->instructions);
	ck_assert_uint_eq(a->loads, b->loads);
	ck_assert_uint_eq(a->stores, b->stores);
	ck_assert_uint_eq(a->references, b->references);
	ck_assert_uint_eq(a->records, b->records);
	ck_assert_uint_eq(a->tlb_misses, b->tlb_misses);
	ck_assert_uint_eq(a->utlb_misses, b->utlb_misses);
	ck_assert_uint_eq(a->ktlb_faults, b->ktlb_faults);
	ck_assert_uint_eq(a->l2tlb_hits, b->l2tlb_hits);
	ck_assert_uint_eq(a->l2tlb_misses, b->l2tlb_misses);
	ck_assert_uint_eq(a->priv_emulated, b->priv_emulated);
	ck_assert_uint_eq(a->moncalls, b->moncalls);
	ck_assert_uint_eq(a->lock_acquires, b->lock_acquires);
	ck_assert_uint_eq(a->lock_contended, b->lock_contended);
	ck_assert_uint_eq(a->sem_waits_blocked, b->sem_waits_blocked);
	ck_assert_uint_eq(a->dma_requests, b->dma_requests);
	ck_assert_uint_eq(a->dma_interrupts, b->dma_interrupts);
	ck_assert_uint_eq(a->measured_from, b->measured_from);
	ck_assert_uint_eq(a->pages_touched, b->pages_touched);
	ck_assert_uint_eq(a->pages_reclaimed, b->pages_reclaimed);
	ck_assert_double_eq(a->wall_seconds, b->wall_seconds);
	ck_assert_str_eq(a->warning, b->warning);
	for (size_t i = 0; i < rpl_ncounters; i++)
		ck_assert_msg(rpl_counter_get(a, i) == rpl_counter_get(b, i), "counter %s",
			      rpl_counters[i].name);
	for (int c = 0; c < a->ncpus; c++) {
		const struct acct_cpu *p = &a->cpu[c], *q = &b->cpu[c];
		for (int k = 0; k < ACCT_NCATS; k++) {
			ck_assert_uint_eq(p->cycles[k], q->cycles[k]);
			ck_assert_uint_eq(p->stall_local[k], q->stall_local[k]);
			ck_assert_uint_eq(p->stall_remote[k], q->stall_remote[k]);
			ck_assert_uint_eq(p->stall_comm[k], q->stall_comm[k]);
		}
		ck_assert_uint_eq(p->instructions, q->instructions);
		ck_assert_uint_eq(p->loads, q->loads);
		ck_assert_uint_eq(p->stores, q->stores);
		ck_assert_uint_eq(p->misses_local, q->misses_local);
		ck_assert_uint_eq(p->misses_remote, q->misses_remote);
	}
	for (int s = 1; s < TRC_NSERVICES; s++) {
		ck_assert_uint_eq(a->service[s].count, b->service[s].count);
		ck_assert_uint_eq(a->service[s].cycles, b->service[s].cycles);
		for (int k = 0; k < ACCT_NSPLITS; k++)
			ck_assert_uint_eq(a->service[s].split[k], b->service[s].split[k]);
	}
}

START_TEST(round_trip)
{
	struct rpl_results w, r;
	struct sim_err err = { 0 };
	const char *path = t_path("rt.h5");
	char *config, *trace;
	cfg *c = mkcfg();

	for (int v = 0; v < 3; v++) {
		sample_results(&w, v);
		for (size_t i = 0; i < rpl_ncounters; i++)
			if (rpl_counters[i].flags & RPL_C_CACHE)
				rpl_counter_set(&w, i, (uint64_t)v * 7919 + i);
		ck_assert_int_eq(an_write_results(path, "run1", c, &w, "/x/y.dtr", &err), SIM_OK);
		no_tmp_files(path);   /* renamed into place */
		ck_assert_int_eq(an_read_results(path, NULL, &r, &config, &trace, &err), SIM_OK);
		same_results(&w, &r);
		ck_assert_str_eq(trace, "/x/y.dtr");
		ck_assert_ptr_nonnull(strstr(config, "machine.cpus = 4\n"));
		ck_assert_ptr_nonnull(strstr(config, "machine.l2.size = 256K\n"));
		ck_assert_ptr_nonnull(strstr(config, "trace.zstd_level = "));
		ck_assert_ptr_null(strstr(config, "mode ="));   /* run attributes are not parameters */
		free(config);
		free(trace);
		an_results_free(&r);
		sample_free(&w);
	}
	cfg_free(c);
}
END_TEST

/* A file written before a field of `counters` existed reads it as 0: here
 * one without the cache fields and dma_interrupts, and one that lacks
 * `cycles` too. */
START_TEST(older_counters)
{
	struct rpl_results w, r;
	struct sim_err err = { 0 };
	const char *path = t_path("older.h5");
	hsize_t dim = 1;

	for (int drop_cycles = 0; drop_cycles < 2; drop_cycles++) {
		hid_t fid, t, sp, d;
		size_t n = 0;
		sample_results(&w, 1);
		for (size_t i = 0; i < rpl_ncounters; i++)
			if (rpl_counters[i].flags & RPL_C_CACHE)
				rpl_counter_set(&w, i, 1000 + i);
		ck_assert_int_eq(an_write_results(path, "g", NULL, &w, NULL, &err), SIM_OK);
		fid = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
		ck_assert_int_ge(fid, 0);
		ck_assert_int_ge(H5Ldelete(fid, "g/counters", H5P_DEFAULT), 0);
		/* the compound as it was before the cache fields, over struct rpl_results */
		t = H5Tcreate(H5T_COMPOUND, sizeof w);
		for (size_t i = 0; i < rpl_ncounters; i++)
			if (!rpl_counters[i].flags && i != RPL_CI_dma_interrupts &&
			    (!drop_cycles || i != RPL_CI_cycles)) {
				ck_assert_int_ge(H5Tinsert(t, rpl_counters[i].name, rpl_counters[i].off,
							   H5T_NATIVE_UINT64), 0);
				n++;
			}
		ck_assert_uint_eq(n, drop_cycles ? 24 : 25);
		ck_assert_int_ge(H5Tinsert(t, "wall_seconds", offsetof(struct rpl_results, wall_seconds),
					   H5T_NATIVE_DOUBLE), 0);
		sp = H5Screate_simple(1, &dim, NULL);
		d = H5Dcreate2(fid, "g/counters", t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
		ck_assert_int_ge(d, 0);
		ck_assert_int_ge(H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, &w), 0);
		H5Dclose(d);
		H5Sclose(sp);
		H5Tclose(t);
		H5Fclose(fid);
		ck_assert_int_eq(an_read_results(path, "g", &r, NULL, NULL, &err), SIM_OK);
		ck_assert_uint_eq(r.cycles, drop_cycles ? 0 : w.cycles);
		ck_assert_uint_eq(r.instructions, w.instructions);
		ck_assert_uint_eq(r.shootdowns, w.shootdowns);
		ck_assert_uint_eq(r.dma_interrupts, 0);
		for (size_t i = 0; i < rpl_ncounters; i++)
			if (rpl_counters[i].flags & RPL_C_CACHE)
				ck_assert_uint_eq(rpl_counter_get(&r, i), 0);
		an_results_free(&r);
		sample_free(&w);
	}
}
END_TEST

START_TEST(no_cpus_no_config)
{
	struct rpl_results w = { 0 }, r;
	struct sim_err err = { 0 };
	const char *path = t_path("empty.h5");
	char *config;
	w.mode = RPL_UMA;
	w.clock_mhz = 200;
	ck_assert_int_eq(an_write_results(path, "e", NULL, &w, NULL, &err), SIM_OK);
	ck_assert_int_eq(an_read_results(path, "e", &r, &config, NULL, &err), SIM_OK);
	same_results(&w, &r);
	ck_assert_str_eq(config, "");
	ck_assert_double_eq(an_locality(&r), -1);
	free(config);
	an_results_free(&r);
}
END_TEST

START_TEST(append_and_list)
{
	struct rpl_results w[3], r;
	struct sim_err err = { 0 };
	const char *path = t_path("app.h5");
	static const char *const names[3] = { "zeta", "alpha", "mid" };
	char **ls;
	size_t n;
	an_file *f;

	for (int v = 0; v < 3; v++)
		sample_results(&w[v], v);
	unlink(path);
	/* AN_APPEND on a missing file creates it */
	ck_assert_int_eq(an_open(&f, path, AN_APPEND, &err), SIM_OK);
	ck_assert_int_eq(an_add_run(f, names[0], NULL, &w[0], NULL, &err), SIM_OK);
	ck_assert_int_eq(an_close(f, &err), SIM_OK);
	ck_assert_int_eq(an_open(&f, path, AN_APPEND, &err), SIM_OK);
	ck_assert(an_has_run(f, "zeta"));
	ck_assert(!an_has_run(f, "alpha"));
	ck_assert_int_eq(an_add_run(f, names[1], NULL, &w[1], NULL, &err), SIM_OK);
	ck_assert_int_eq(an_add_run(f, names[0], NULL, &w[0], NULL, &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "already has a run named 'zeta'"));
	ck_assert_int_eq(an_add_run(f, "a/b", NULL, &w[0], NULL, &err), SIM_EINVAL);
	ck_assert_int_eq(an_add_run(f, ".hidden", NULL, &w[0], NULL, &err), SIM_EINVAL);
	ck_assert_int_eq(an_add_run(f, names[2], NULL, &w[2], NULL, &err), SIM_OK);
	/* a refused name is not a failure of the file */
	ck_assert_int_eq(an_close(f, &err), SIM_OK);
	ck_assert_int_eq(an_list_runs(path, &ls, &n, &err), SIM_OK);
	ck_assert_uint_eq(n, 3);
	for (int v = 0; v < 3; v++)
		ck_assert_str_eq(ls[v], names[v]);   /* in the order written */
	an_free_names(ls, n);
	for (int v = 0; v < 3; v++) {
		ck_assert_int_eq(an_read_results(path, names[v], &r, NULL, NULL, &err), SIM_OK);
		same_results(&w[v], &r);
		an_results_free(&r);
	}
	ck_assert_int_eq(an_read_results(path, NULL, &r, NULL, NULL, &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "holds 3 runs"));
	ck_assert_int_eq(an_read_results(path, "nope", &r, NULL, NULL, &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "no run named 'nope'"));
	for (int v = 0; v < 3; v++)
		sample_free(&w[v]);
}
END_TEST

/* A file made for a number of runs (an_open_expect) takes fewer and more
 * than that, in a session and appended later, and lists and reads them as
 * any file; an estimate past what HDF5 can hold is capped, not refused. */
START_TEST(expected_runs)
{
	struct rpl_results w, r;
	struct sim_err err = { 0 };
	const char *path = t_path("expect.h5");
	static const size_t expect[] = { 4, 1000000 };
	char **ls, name[16];
	size_t n;
	an_file *f;

	sample_results(&w, 1);
	for (int e = 0; e < 2; e++) {
		unlink(path);
		ck_assert_int_eq(an_open_expect(&f, path, AN_APPEND, expect[e], &err), SIM_OK);
		for (int k = 0; k < 6; k++) {   /* past an estimate of 4 */
			snprintf(name, sizeof name, "run%d", 9 - k);
			w.cycles = 1000u + (unsigned)k;
			ck_assert_msg(an_add_run(f, name, NULL, &w, NULL, &err) == SIM_OK, "%s", err.msg);
		}
		ck_assert_int_eq(an_close(f, &err), SIM_OK);
		/* an existing file: the estimate has no say */
		ck_assert_int_eq(an_open_expect(&f, path, AN_APPEND, 2, &err), SIM_OK);
		w.cycles = 2000;
		ck_assert_int_eq(an_add_run(f, "run0", NULL, &w, NULL, &err), SIM_OK);
		ck_assert_int_eq(an_close(f, &err), SIM_OK);
		ck_assert_int_eq(an_list_runs(path, &ls, &n, &err), SIM_OK);
		ck_assert_uint_eq(n, 7);
		for (int k = 0; k < 7; k++) {   /* in the order written */
			snprintf(name, sizeof name, "run%d", k < 6 ? 9 - k : 0);
			ck_assert_str_eq(ls[k], name);
		}
		an_free_names(ls, n);
		ck_assert_int_eq(an_read_results(path, "run7", &r, NULL, NULL, &err), SIM_OK);
		ck_assert_uint_eq(r.cycles, 1002);
		an_results_free(&r);
		ck_assert_int_eq(an_read_results(path, "run0", &r, NULL, NULL, &err), SIM_OK);
		ck_assert_uint_eq(r.cycles, 2000);
		an_results_free(&r);
	}
	sample_free(&w);
}
END_TEST

/* A session committed several times: each commit writes the runs so far
 * and keeps the session; every run is sealed (its digest and its
 * datasets') as it is added, in any session; a value changed since in an
 * appended run is refused when that run is read, and only then, and a
 * later append does not give it a new digest. */
START_TEST(commits_seal_each_run)
{
	struct sim_err err = { 0 };
	struct rpl_results w[4], r;
	const char *path = t_path("commits.h5");
	static const char *const names[4] = { "a", "b", "c", "d" };
	an_reader *rd;
	char **ls;
	size_t n;
	double half = 0.5;
	hid_t fid, d;
	an_file *f;

	for (int v = 0; v < 4; v++)
		sample_results(&w[v], v % 3);   /* the sample has three variants */
	unlink(path);
	ck_assert_int_eq(an_open(&f, path, AN_APPEND, &err), SIM_OK);
	ck_assert_int_eq(an_add_run(f, "a", NULL, &w[0], NULL, &err), SIM_OK);
	ck_assert_int_eq(an_commit(f, &err), SIM_OK);
	ck_assert_int_eq(an_list_runs(path, &ls, &n, &err), SIM_OK);
	ck_assert_uint_eq(n, 1);   /* on disk, the session still open */
	an_free_names(ls, n);
	ck_assert_int_eq(an_add_run(f, "b", NULL, &w[1], NULL, &err), SIM_OK);
	ck_assert_int_eq(an_commit(f, &err), SIM_OK);
	ck_assert_int_eq(an_close(f, &err), SIM_OK);
	ck_assert_int_eq(an_open(&f, path, AN_APPEND, &err), SIM_OK);
	ck_assert_int_eq(an_add_run(f, "c", NULL, &w[2], NULL, &err), SIM_OK);
	ck_assert_int_eq(an_close(f, &err), SIM_OK);
	no_tmp_files(path);

	fid = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
	ck_assert_int_ge(fid, 0);
	for (int v = 0; v < 3; v++) {
		char ds[32];
		snprintf(ds, sizeof ds, "%s/locality", names[v]);
		ck_assert_int_gt(H5Aexists_by_name(fid, names[v], "digest", H5P_DEFAULT), 0);
		ck_assert_int_gt(H5Aexists_by_name(fid, ds, "digest", H5P_DEFAULT), 0);
	}
	ck_assert_int_gt(H5Aexists(fid, "digest"), 0);
	/* the appended run's scalar changed in place, its digest not renewed */
	d = H5Dopen2(fid, "c/locality", H5P_DEFAULT);
	ck_assert_int_ge(d, 0);
	ck_assert_int_ge(H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &half), 0);
	H5Dclose(d);
	H5Fclose(fid);

	ck_assert_int_eq(an_read_results(path, "c", &r, NULL, NULL, &err), SIM_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(err.msg, "run 'c': dataset 'locality' does not match its digest"));
	ck_assert_ptr_nonnull(strstr(err.msg, path));
	/* one reader, each run checked as it is read */
	ck_assert_int_eq(an_reader_open(&rd, path, &err), SIM_OK);
	for (int v = 0; v < 2; v++) {
		ck_assert_int_eq(an_reader_read(rd, names[v], &r, NULL, NULL, &err), SIM_OK);
		same_results(&w[v], &r);
		an_results_free(&r);
	}
	ck_assert_int_eq(an_reader_read(rd, "c", &r, NULL, NULL, &err), SIM_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(err.msg, "does not match its digest"));
	an_reader_close(rd);

	/* appending again seals the new run and leaves the damaged one refused */
	ck_assert_int_eq(an_open(&f, path, AN_APPEND, &err), SIM_OK);
	ck_assert_int_eq(an_add_run(f, "d", NULL, &w[3], NULL, &err), SIM_OK);
	ck_assert_int_eq(an_close(f, &err), SIM_OK);
	ck_assert_int_eq(an_read_results(path, "d", &r, NULL, NULL, &err), SIM_OK);
	same_results(&w[3], &r);
	an_results_free(&r);
	ck_assert_int_eq(an_read_results(path, "c", &r, NULL, NULL, &err), SIM_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(err.msg, "run 'c': dataset 'locality' does not match its digest"));
	for (int v = 0; v < 4; v++)
		sample_free(&w[v]);
}
END_TEST

START_TEST(abort_keeps_old_file)
{
	struct sim_err err = { 0 };
	struct rpl_results w;
	const char *path = t_path("aborted.h5");
	an_file *f;
	size_t len;
	char *got;
	cfg *c = mkcfg();

	ck_assert_int_eq(an_open(&f, path, AN_CREATE, &err), SIM_OK);
	an_abort(f);
	ck_assert_int_ne(access(path, F_OK), 0);
	no_tmp_files(path);
	t_write_file(path, "old", 3);
	sample_results(&w, 0);
	ck_assert_int_eq(an_open(&f, path, AN_CREATE, &err), SIM_OK);
	ck_assert_int_eq(an_add_run(f, "r", c, &w, NULL, &err), SIM_OK);
	an_abort(f);
	got = t_read_file(path, &len);
	ck_assert_uint_eq(len, 3);
	ck_assert_int_eq(memcmp(got, "old", 3), 0);
	no_tmp_files(path);
	free(got);
	sample_free(&w);
	cfg_free(c);
}
END_TEST

/* F1, F5: a write that fails (here EFBIG from RLIMIT_FSIZE, as on a full
 * disk) is an error naming the file and the cause; the file it would have
 * replaced, or appended to, is intact; nothing crashes at exit. */
START_TEST(failed_write_keeps_old_file)
{
	struct sim_err err = { 0 };
	struct rpl_results w;
	struct rlimit rl;
	const char *path = t_path("full.h5");
	char **names;
	size_t n, len0, len1;
	char *before, *after;
	an_file *f;
	cfg *c = mkcfg();

	sample_results(&w, 0);
	ck_assert_int_eq(an_write_results(path, "first", c, &w, NULL, &err), SIM_OK);
	before = t_read_file(path, &len0);
	signal(SIGXFSZ, SIG_IGN);
	rl.rlim_cur = rl.rlim_max = (rlim_t)len0 / 2;
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	/* replace */
	ck_assert_int_eq(an_write_results(path, "second", c, &w, NULL, &err), SIM_EIO);
	ck_assert_ptr_nonnull(strstr(err.msg, "full.h5"));
	ck_assert_ptr_nonnull(strstr(err.msg, strerror(EFBIG)));
	/* append, more runs than fit */
	ck_assert_int_eq(an_open(&f, path, AN_APPEND, &err), SIM_OK);
	for (int k = 0; k < 8; k++) {
		char g[16];
		snprintf(g, sizeof g, "more%d", k);
		ck_assert_int_eq(an_add_run(f, g, c, &w, NULL, &err), SIM_OK);
	}
	ck_assert_int_eq(an_close(f, &err), SIM_EIO);
	ck_assert_ptr_nonnull(strstr(err.msg, strerror(EFBIG)));
	after = t_read_file(path, &len1);
	ck_assert_uint_eq(len0, len1);
	ck_assert_int_eq(memcmp(before, after, len0), 0);
	no_tmp_files(path);
	ck_assert_int_eq(an_list_runs(path, &names, &n, &err), SIM_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(names[0], "first");
	an_free_names(names, n);
	free(before);
	free(after);
	sample_free(&w);
	cfg_free(c);
}
END_TEST

/* F15: the datasets carry Fletcher-32 checksums; a flipped bit in a
 * counter is an error on read, not a wrong number. */
START_TEST(flipped_bit_detected)
{
	struct sim_err err = { 0 };
	struct rpl_results w, r;
	const char *path = t_path("flip.h5");
	uint8_t pat[8];
	uint64_t v;
	size_t len, at;
	char *img;
	cfg *c = mkcfg();

	sample_results(&w, 0);
	ck_assert_int_eq(an_write_results(path, "run", c, &w, NULL, &err), SIM_OK);
	img = t_read_file(path, &len);
	v = w.tlb_misses;
	for (int i = 0; i < 8; i++)
		pat[i] = (uint8_t)(v >> (8 * i));
	for (at = 0; at + 8 <= len && memcmp(img + at, pat, 8); at++)
		;
	ck_assert_uint_lt(at + 8, len + 1);   /* found in 'counters' */
	img[at + 1] ^= 0x10;
	t_write_file(path, img, len);
	ck_assert_int_eq(an_read_results(path, NULL, &r, NULL, NULL, &err), SIM_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(err.msg, "checksum"));
	free(img);
	sample_free(&w);
	cfg_free(c);
}
END_TEST

START_TEST(bad_files)
{
	struct rpl_results w, r;
	struct sim_err err = { 0 };
	const char *missing = t_path("missing.h5"), *text = t_path("text.h5"), *lack = t_path("lack.h5");
	const char *newer = t_path("newer.h5");
	char **ls;
	size_t n;
	hid_t fid, a;
	int v = 99;

	ck_assert_int_eq(an_read_results(missing, NULL, &r, NULL, NULL, &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, missing));
	ck_assert_int_eq(an_list_runs(missing, &ls, &n, &err), SIM_EINVAL);
	t_write_file(text, "not hdf5 at all\n", 16);
	ck_assert_int_eq(an_read_results(text, NULL, &r, NULL, NULL, &err), SIM_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(err.msg, "not an HDF5"));
	ck_assert_ptr_nonnull(strstr(err.msg, text));

	sample_results(&w, 1);
	ck_assert_int_eq(an_write_results(lack, "g", NULL, &w, NULL, &err), SIM_OK);
	fid = H5Fopen(lack, H5F_ACC_RDWR, H5P_DEFAULT);
	ck_assert_int_ge(fid, 0);
	ck_assert_int_ge(H5Ldelete(fid, "g/services", H5P_DEFAULT), 0);
	H5Fclose(fid);
	/* the run's digest covers the names of its datasets */
	ck_assert_int_eq(an_read_results(lack, "g", &r, NULL, NULL, &err), SIM_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(err.msg, "run 'g' (its attributes and the names of its datasets) "
				     "does not match its digest"));
	/* a file without digests (older, or another tool's) */
	fid = H5Fopen(lack, H5F_ACC_RDWR, H5P_DEFAULT);
	ck_assert_int_ge(H5Adelete_by_name(fid, "g", "digest", H5P_DEFAULT), 0);
	H5Fclose(fid);
	ck_assert_int_eq(an_read_results(lack, "g", &r, NULL, NULL, &err), SIM_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(err.msg, "no dataset 'services'"));
	ck_assert_ptr_nonnull(strstr(err.msg, lack));

	ck_assert_int_eq(an_write_results(newer, "g", NULL, &w, NULL, &err), SIM_OK);
	fid = H5Fopen(newer, H5F_ACC_RDWR, H5P_DEFAULT);
	a = H5Aopen(fid, "disco_results_version", H5P_DEFAULT);
	ck_assert_int_ge(H5Awrite(a, H5T_NATIVE_INT, &v), 0);
	H5Aclose(a);
	H5Fclose(fid);
	ck_assert_int_eq(an_read_results(newer, "g", &r, NULL, NULL, &err), SIM_EVERSION);
	sample_free(&w);
}
END_TEST

START_TEST(out_of_memory)
{
	struct rpl_results w, r;
	struct sim_err err = { 0 };
	const char *path = t_path("oom.h5");
	char *config, *trace;
	int ok = 0;
	sample_results(&w, 2);
	ck_assert_int_eq(an_write_results(path, "g", NULL, &w, NULL, &err), SIM_OK);
	for (long k = 1; k < 400 && !ok; k++) {
		int rc;
		sim_mem_fail_after(k);
		rc = an_read_results(path, "g", &r, &config, &trace, &err);
		sim_mem_fail_after(0);
		ck_assert_msg(rc == SIM_OK || rc == SIM_ENOMEM, "k=%ld rc=%d %s", k, rc, err.msg);
		if (rc == SIM_OK) {
			same_results(&w, &r);
			sim_free(config);
			sim_free(trace);
			an_results_free(&r);
			ok = 1;
		}
	}
	ck_assert(ok);
	sample_free(&w);
}
END_TEST

static char *print(const struct rpl_results *r, const char *run, int fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(an_print_run(f, run, r, fmt, 0), SIM_OK);
	fclose(f);
	return buf;
}

/* Brackets balance outside strings, strings close, no NaN: enough to catch
 * a broken writer; the e2e test parses it with Python. */
static void json_shape_ok(const char *s)
{
	int depth = 0, in_str = 0;
	for (; *s; s++) {
		if (in_str) {
			if (*s == '\\')
				s++;
			else if (*s == '"')
				in_str = 0;
			else
				ck_assert_int_ge((unsigned char)*s, 0x20);
			continue;
		}
		if (*s == '"') in_str = 1;
		else if (*s == '{' || *s == '[') depth++;
		else if (*s == '}' || *s == ']') depth--;
		ck_assert_int_ge(depth, 0);
		ck_assert(strncmp(s, "nan", 3) && strncmp(s, "inf", 3));
	}
	ck_assert_int_eq(depth, 0);
	ck_assert(!in_str);
}

START_TEST(json_report)
{
	struct rpl_results r;
	char *s, want[128];
	sample_results(&r, 2);
	s = print(&r, "a \"quoted\" run", AN_FMT_JSON);
	json_shape_ok(s);
	for (int k = 0; k < ACCT_NCATS; k++) {
		snprintf(want, sizeof want, "\"%s\": %llu", acct_cat_name(k),
			 (unsigned long long)rpl_total_cat(&r, k));
		ck_assert_ptr_nonnull(strstr(s, want));
	}
	snprintf(want, sizeof want, "\"stall\": {\"local\": %llu, \"remote\": %llu}",
		 (unsigned long long)rpl_total_stall_local(&r), (unsigned long long)rpl_total_stall_remote(&r));
	ck_assert_ptr_nonnull(strstr(s, want));
	ck_assert_ptr_nonnull(strstr(s, "\"instructions\": "));
	ck_assert_ptr_nonnull(strstr(s, "\"references\": "));
	ck_assert_ptr_nonnull(strstr(s, "\"tlb_misses\": 123458"));
	ck_assert_ptr_nonnull(strstr(s, "\"l2tlb_hits\": 90000"));
	ck_assert_ptr_nonnull(strstr(s, "\"wall_seconds\": 2.25"));
	ck_assert_ptr_nonnull(strstr(s, "\"mode\": \"disco\""));
	ck_assert_ptr_nonnull(strstr(s, "\"run\": \"a \\\"quoted\\\" run\""));
	ck_assert_ptr_nonnull(strstr(s, "\"warning\": \"sample \\\"warning\\\"\\u0009with quotes\""));
	ck_assert_ptr_nonnull(strstr(s, "{\"name\": \"SCHED\", \"count\": 221"));
	ck_assert_ptr_null(strstr(s, "\"name\": \"QUICK-FAULT\""));   /* count 0: left out */
	ck_assert_ptr_nonnull(strstr(s, "\"locality\": 0.7498"));
	free(s);
	/* no misses: locality is null, still valid */
	for (int c = 0; c < r.ncpus; c++)
		r.cpu[c].misses_local = r.cpu[c].misses_remote = 0;
	r.warning[0] = '\0';
	s = print(&r, NULL, AN_FMT_JSON);
	json_shape_ok(s);
	ck_assert_ptr_nonnull(strstr(s, "\"locality\": null"));
	ck_assert_ptr_null(strstr(s, "\"warning\""));
	free(s);
	sample_free(&r);
}
END_TEST

START_TEST(table_and_csv)
{
	struct rpl_results r;
	char *s, want[128];
	sample_results(&r, 1);
	s = print(&r, "d", AN_FMT_TABLE);
	ck_assert_ptr_nonnull(strstr(s, "run d\n"));
	ck_assert_ptr_nonnull(strstr(s, "M references/s"));
	ck_assert_ptr_nonnull(strstr(s, "ms simulated"));
	ck_assert_ptr_nonnull(strstr(s, "kernel_sync"));
	/* services by time: SCHED (largest) before UTLB-MISS (smallest) */
	ck_assert_ptr_nonnull(strstr(s, "UTLB-MISS"));
	ck_assert(strstr(s, "SCHED") < strstr(s, "UTLB-MISS"));
	free(s);
	s = print(&r, "d,x", AN_FMT_CSV);
	ck_assert(strncmp(s, "run,metric,value\n", 17) == 0);
	snprintf(want, sizeof want, "\"d,x\",breakdown.user,%llu\n", (unsigned long long)rpl_total_cat(&r, ACCT_USER));
	ck_assert_ptr_nonnull(strstr(s, want));
	ck_assert_ptr_nonnull(strstr(s, "\"d,x\",service.read.count,71\n"));
	free(s);
	s = print(&r, NULL, AN_FMT_CSV);
	ck_assert(strncmp(s, "metric,value\nmode,disco\n", 24) == 0);
	free(s);
	sample_free(&r);
}
END_TEST

START_TEST(names)
{
	int m;
	ck_assert_str_eq(trc_service_name(TRC_SVC_UTLB_MISS), "UTLB-MISS");
	ck_assert_str_eq(trc_service_name(TRC_SVC_OTHER_SYSCALL), "other-syscall");
	ck_assert_str_eq(trc_service_name(TRC_SVC_SCHED), "SCHED");
	ck_assert_ptr_null(trc_service_name(0));
	ck_assert_ptr_null(trc_service_name(TRC_NSERVICES));
	for (int s = 1; s < TRC_NSERVICES; s++)
		ck_assert_ptr_nonnull(trc_service_name(s));
	ck_assert_int_eq(rpl_mode_parse("uma", &m), SIM_OK);
	ck_assert_int_eq(m, RPL_UMA);
	ck_assert_int_eq(rpl_mode_parse("bogus", &m), SIM_EINVAL);
	ck_assert_int_eq(an_format_parse("json", &m), SIM_OK);
	ck_assert_int_eq(m, AN_FMT_JSON);
	ck_assert_int_eq(an_format_parse("xml", &m), SIM_EINVAL);
}
END_TEST

static int png_file(const char *path)
{
	size_t len;
	char *s = t_read_file(path, &len);
	int ok = len > 8 && memcmp(s, "\x89PNG\r\n\x1a\n", 8) == 0;
	free(s);
	return ok;
}

START_TEST(plots)
{
	struct rpl_results w[3];
	const struct rpl_results *runs[3] = { &w[0], &w[1], &w[2] };
	const char *labels[3] = { "IRIX", "Disco's \"own\"", NULL };
	struct sim_err err = { 0 };
	char gp[4096];
	const char *out = t_path("b.png"), *old_path;
	char *saved;

	if (an_gnuplot_find(gp, sizeof gp, &err) != SIM_OK)
		return;   /* no gnuplot: the e2e test reports it */
	for (int v = 0; v < 3; v++)
		sample_results(&w[v], v);
	ck_assert_int_eq(an_plot_breakdown(out, runs, labels, 3, 0, NULL, &err), SIM_OK);
	ck_assert(png_file(out));
	ck_assert_int_eq(an_plot_locality(t_path("l.svg"), runs, labels, 3, 1, "it's a title", &err), SIM_OK);
	ck_assert_int_eq(an_plot_breakdown(t_path("b.gif"), runs, labels, 3, 0, NULL, &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, ".png, .svg or .pdf"));
	ck_assert_int_eq(an_plot_breakdown(out, runs, labels, 3, 3, NULL, &err), SIM_EINVAL);
	ck_assert_int_eq(an_plot_breakdown(out, runs, labels, 0, 0, NULL, &err), SIM_EINVAL);
	ck_assert_int_eq(an_plot_breakdown(t_path("nodir/x.png"), runs, labels, 3, 0, NULL, &err), SIM_EIO);
	old_path = getenv("PATH");
	saved = strdup(old_path ? old_path : "/usr/bin:/bin");
	setenv("PATH", "/nonexistent", 1);
	ck_assert_int_eq(an_plot_breakdown(out, runs, labels, 3, 0, NULL, &err), SIM_ENOTSUP);
	ck_assert_ptr_nonnull(strstr(err.msg, "gnuplot-nox"));
	setenv("PATH", saved, 1);
	free(saved);
	for (int v = 0; v < 3; v++)
		sample_free(&w[v]);
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("results");
	TCase *t = tcase_create("files");
	tcase_add_test(t, round_trip);
	tcase_add_test(t, older_counters);
	tcase_add_test(t, no_cpus_no_config);
	tcase_add_test(t, append_and_list);
	tcase_add_test(t, expected_runs);
	tcase_add_test(t, commits_seal_each_run);
	tcase_add_test(t, abort_keeps_old_file);
	tcase_add_test(t, failed_write_keeps_old_file);
	tcase_add_test(t, flipped_bit_detected);
	tcase_add_test(t, bad_files);
	tcase_add_test(t, out_of_memory);
	suite_add_tcase(s, t);
	t = tcase_create("reports");
	tcase_add_test(t, json_report);
	tcase_add_test(t, table_and_csv);
	tcase_add_test(t, names);
	suite_add_tcase(s, t);
	t = tcase_create("plots");
	tcase_set_timeout(t, 30);
	tcase_add_test(t, plots);
	suite_add_tcase(s, t);
	return s;
}

CHECK_MAIN
