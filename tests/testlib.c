/* Test helpers; see testlib.h. */
#include "tests/testlib.h"

#include "analysis/tables.h"
#include "traces/trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <unistd.h>

static char dir[256];

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* Each test process removes its own directory when it exits. */
static void remove_dir(void)
{
	if (dir[0])
		nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *t_path(const char *name)
{
	static char ring[8][512];
	static int k;
	char *out = ring[k++ & 7];
	if (!dir[0]) {
		const char *base = getenv("TMPDIR");
		snprintf(dir, sizeof dir, "%s/disco-test-XXXXXX", base && *base ? base : "/tmp");
		ck_assert_ptr_nonnull(mkdtemp(dir));
		atexit(remove_dir);
	}
	snprintf(out, 512, "%s/%s", dir, name);
	return out;
}

void t_write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

char *t_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

const char *t_srcdir(void) { return DISCO_SRCDIR; }

cfg *t_cfg(const char *const *sets)
{
	cfg *c;
	struct sim_err err = { 0 };
	ck_assert_msg(cfg_new(&c, disco_param_tables, &err) == SIM_OK, "%s", err.msg);
	for (; sets && *sets; sets++)
		ck_assert_msg(cfg_set_assignment(c, *sets, "test", &err) == SIM_OK, "%s", err.msg);
	return c;
}

void t_replay_trace(const char *path, int mode, struct rpl_results *res)
{
	struct sim_err err = { 0 };
	trc_reader *r;
	struct rpl_source src;
	cfg *base = t_cfg(NULL), *c;
	ck_assert_msg(trc_reader_open(&r, path, &err) == SIM_OK, "%s", err.msg);
	ck_assert_msg(rpl_trace_cfg(base, r, path, &c, &err) == SIM_OK, "%s", err.msg);
	rpl_source_from_reader(&src, r);
	ck_assert_msg(rpl_run(c, mode, &src, res, NULL, NULL, &err) == SIM_OK, "%s", err.msg);
	trc_reader_close(r);
	cfg_free(c);
	cfg_free(base);
}

void t_same_results(const struct rpl_results *a, const struct rpl_results *b)
{
	struct rpl_results x = *a, y = *b;
	ck_assert_int_eq(a->ncpus, b->ncpus);
	ck_assert_int_eq(memcmp(a->cpu, b->cpu, (size_t)a->ncpus * sizeof *a->cpu), 0);
	x.cpu = y.cpu = NULL;
	ck_assert_uint_eq(a->nsamples, b->nsamples);
	ck_assert_int_eq(memcmp(a->samples, b->samples, a->nsamples * sizeof *a->samples), 0);
	x.samples = y.samples = NULL;
	x.wall_seconds = y.wall_seconds = 0;
	x.peak_rss_kb = y.peak_rss_kb = 0;
	ck_assert_uint_eq(x.cycles, y.cycles);
	ck_assert_uint_eq(x.records, y.records);
	ck_assert_int_eq(memcmp(&x, &y, sizeof x), 0);
}
