/* Importers: din, lackey and ChampSim inputs, good and bad; the traces they
 * write (page-table records first, colours, runs, splits) replay natively
 * and under the monitor. */
#include <fcntl.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/mem.h"
#include "capture/import.h"
#include "replay/replay.h"
#include "tests/testlib.h"
#include "traces/trace.h"

/* Import data (len bytes) in format fmt under sets into out; returns the
 * importer's code, with err and st filled. */
static int import(int fmt, const void *data, size_t len, const char *const *sets, const char *out,
		  struct cap_import_stats *st, struct sim_err *err)
{
	const char *in = t_path(fmt == CAP_IMPORT_CHAMPSIM ? "in.champsim" : "in.txt");
	struct cap_import_origin o = { fmt, in, NULL, NULL };
	cap_import *im;
	cfg *c = t_cfg(NULL);
	int fd, rc;

	ck_assert_int_eq(cap_import_defaults(c, err), SIM_OK);
	for (int i = 0; sets && sets[i]; i++)
		ck_assert_int_eq(cfg_set_assignment(c, sets[i], "test", err), SIM_OK);

	t_write_file(in, data, len);
	fd = open(in, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	rc = cap_import_open(&im, out, c, &o, err);
	ck_assert_msg(rc == SIM_OK, "%s", err->msg);
	rc = fmt == CAP_IMPORT_DIN ? cap_import_din(im, fd, "in.txt", err) :
	     fmt == CAP_IMPORT_LACKEY ? cap_import_lackey(im, fd, "in.txt", err) :
	     cap_import_champsim(im, fd, "in.champsim", err);
	close(fd);
	if (rc)
		cap_import_abandon(im);
	else
		rc = cap_import_close(im, st, err);
	cfg_free(c);
	return rc;
}

static int import_text(int fmt, const char *text, const char *const *sets, struct cap_import_stats *st,
		       struct sim_err *err)
{
	return import(fmt, text, strlen(text), sets, t_path("t.dtr"), st, err);
}

/* Every record of stream 0 (malloc'd); *n records. */
static struct trc_rec *records(const char *path, size_t *n, char **config)
{
	struct sim_err err = { 0 };
	struct trc_rec *all = NULL;
	const struct trc_rec *b;
	size_t k, cap = 0;
	trc_reader *r;

	ck_assert_msg(trc_reader_open(&r, path, &err) == SIM_OK, "%s", err.msg);
	*n = 0;
	do {
		ck_assert_msg(trc_next_block(r, 0, &b, &k, &err) == SIM_OK, "%s", err.msg);
		if (*n + k > cap) {
			cap = 2 * (*n + k);
			all = realloc(all, cap * sizeof *all);
		}
		if (k)
			memcpy(all + *n, b, k * sizeof *b);
		*n += k;
	} while (k);
	if (config)
		*config = strdup(trc_reader_info(r)->config_text);
	trc_reader_close(r);
	return all;
}

/* Invariant (1) of capture/import.c: every page referenced was mapped before. */
static void check_mapped_first(const struct trc_rec *r, size_t n, unsigned pshift)
{
	uint64_t mapped[4096];
	size_t nm = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t first, last;
		if (r[i].type == TRC_PTE_SET) {
			ck_assert_uint_lt(nm, 4096);
			mapped[nm++] = r[i].addr;
			continue;
		}
		if (r[i].type == TRC_INSN) {
			first = r[i].addr >> pshift;
			last = (r[i].addr + 4ull * r[i].id - 1) >> pshift;
		} else if (r[i].type == TRC_LOAD || r[i].type == TRC_STORE) {
			first = r[i].addr >> pshift;
			last = (r[i].addr + r[i].aux - 1) >> pshift;
			ck_assert_uint_eq(first, last);   /* split at pages */
		} else {
			continue;
		}
		for (uint64_t p = first; p <= last; p++) {
			size_t j;
			for (j = 0; j < nm && mapped[j] != p; j++)
				;
			ck_assert_msg(j < nm, "record %zu touches page 0x%llx before its pte.set", i,
				      (unsigned long long)p);
		}
	}
}

static void replay_both(const char *path, uint64_t refs)
{
	for (int mode = RPL_NATIVE; mode <= RPL_DISCO; mode++) {
		struct sim_err err = { 0 };
		struct rpl_results res;
		struct rpl_source src;
		trc_reader *r;
		cfg *base = t_cfg(NULL), *c;
		ck_assert_msg(trc_reader_open(&r, path, &err) == SIM_OK, "%s", err.msg);
		ck_assert_msg(rpl_trace_cfg(base, r, path, &c, &err) == SIM_OK, "%s", err.msg);
		ck_assert_int_eq(cfg_int(c, "machine.cpus"), 1);
		rpl_source_from_reader(&src, r);
		ck_assert_msg(rpl_run(c, mode, &src, &res, NULL, NULL, &err) == SIM_OK, "%s", err.msg);
		ck_assert_uint_eq(res.references, refs);
		ck_assert_int_eq(res.nvcpus, 1);
		rpl_results_free(&res);
		trc_reader_close(r);
		cfg_free(c);
		cfg_free(base);
	}
}

START_TEST(din_good)
{
	static const char text[] =
		"2 400000\n2 400004\n2 0x400008\n0 10000000 extra words ignored\n"
		"2 40000c\n1 10000ffe\n\n3 0\n4 0\n2 400100\n";
	struct sim_err err = { 0 };
	struct cap_import_stats st;
	struct trc_rec *r;
	char *conf;
	size_t n;
	ck_assert_msg(import_text(CAP_IMPORT_DIN, text, NULL, &st, &err) == SIM_OK, "%s", err.msg);
	ck_assert_uint_eq(st.input_refs, 7);
	ck_assert_uint_eq(st.skipped, 2);
	ck_assert_uint_eq(st.insns, 5);
	ck_assert_uint_eq(st.runs, 3);           /* 3 fetches; 1 after the load; 1 after a jump */
	ck_assert_uint_eq(st.loads, 1);
	ck_assert_uint_eq(st.stores, 2);         /* 4 bytes at 0xffe: split at the line */
	ck_assert_uint_eq(st.split, 1);
	r = records(t_path("t.dtr"), &n, &conf);
	ck_assert_int_eq(r[0].type, TRC_ASID);
	ck_assert_int_eq(r[1].type, TRC_PAGE_ALLOC);
	ck_assert_int_eq(r[2].type, TRC_PTE_SET);
	ck_assert_int_eq(r[3].type, TRC_INSN);
	ck_assert_uint_eq(r[3].addr, 0x400000);
	ck_assert_uint_eq(r[3].id, 3);
	check_mapped_first(r, n, 12);
	ck_assert_ptr_nonnull(strstr(conf, "import.format = din\n"));
	ck_assert_ptr_nonnull(strstr(conf, "import.source = "));
	ck_assert_ptr_nonnull(strstr(conf, "machine.cpus = 1\n"));
	free(conf);
	free(r);
	replay_both(t_path("t.dtr"), 8);
}
END_TEST

/* References at the top of the address space do not wrap around to page 0. */
START_TEST(din_top_of_address_space)
{
	struct sim_err err = { 0 };
	struct cap_import_stats st;
	ck_assert_msg(import_text(CAP_IMPORT_DIN, "2 fffffffffffffffe\n1 ffffffffffffffff\n", NULL, &st, &err) ==
		      SIM_OK, "%s", err.msg);
	ck_assert_uint_eq(st.pages, 1);
	ck_assert_uint_eq(st.stores, 1);
	ck_assert_uint_eq(st.split, 0);
}
END_TEST

START_TEST(din_bad)
{
	static const char *const bad[][2] = {
		{ "2 400000\n0 1000\nx 1234\n", "in.txt:3: expected 'LABEL ADDRESS'" },
		{ "2 400000\n7 1234\n", "in.txt:2: label 7 is not a din label" },
		{ "0 zz\n", "in.txt:1: bad hexadecimal address" },
		{ "0 12345678901234567\n", "in.txt:1: bad hexadecimal address" },
		{ "0\n", "in.txt:1: expected" },
		{ "3 0\n", "no references" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct sim_err err = { 0 };
		struct cap_import_stats st;
		ck_assert_int_eq(import_text(CAP_IMPORT_DIN, bad[i][0], NULL, &st, &err), SIM_EINVAL);
		ck_assert_msg(strstr(err.msg, bad[i][1]), "'%s' not in '%s'", bad[i][1], err.msg);
	}
}
END_TEST

START_TEST(lackey_good)
{
	static const char text[] =
		"==123== Lackey, an example Valgrind tool\n"
		"==123== Command: ./a.out\n"
		"I  04000ef0,3\n"
		"I  04000ef3,5\n"
		" S 7ff000448,8\n"
		"I  04000ef8,2\n"
		" L 04016ab8,8\n"
		" M 0421c0d0,4\n"
		"I  04001000,4\n"      /* not after 0x4000efa: a new run */
		"I  04001004,7\n"
		" L 7ff00043c,16\n"    /* crosses a 32-byte line: two loads */
		"==123== \n"
		"==123== Exit code:       0\n";
	struct sim_err err = { 0 };
	struct cap_import_stats st;
	struct trc_rec *r;
	size_t n, loads = 0, stores = 0;
	ck_assert_msg(import_text(CAP_IMPORT_LACKEY, text, NULL, &st, &err) == SIM_OK, "%s", err.msg);
	ck_assert_uint_eq(st.input_refs, 10);
	ck_assert_uint_eq(st.insns, 5);
	ck_assert_uint_eq(st.runs, 3);
	ck_assert_uint_eq(st.loads, 4);
	ck_assert_uint_eq(st.stores, 2);
	ck_assert_uint_eq(st.split, 1);
	r = records(t_path("t.dtr"), &n, NULL);
	check_mapped_first(r, n, 12);
	for (size_t i = 0; i < n; i++) {
		if (r[i].type == TRC_INSN && r[i].addr == 0x4000ef0)
			ck_assert_uint_eq(r[i].id, 2);
		if (r[i].type == TRC_INSN && r[i].addr == 0x4001000)
			ck_assert_uint_eq(r[i].id, 2);
		if (r[i].type == TRC_LOAD && r[i].addr == 0x421c0d0) {   /* M: load, then store */
			ck_assert_int_eq(r[i + 1].type, TRC_STORE);
			ck_assert_uint_eq(r[i + 1].addr, 0x421c0d0);
			ck_assert_uint_eq(r[i + 1].aux, 4);
		}
		if (r[i].type == TRC_LOAD && r[i].addr == 0x7ff00043c)
			ck_assert_uint_eq(r[i].aux, 4);
		if (r[i].type == TRC_LOAD && r[i].addr == 0x7ff000440)
			ck_assert_uint_eq(r[i].aux, 12);
		loads += r[i].type == TRC_LOAD;
		stores += r[i].type == TRC_STORE;
	}
	ck_assert_uint_eq(loads, 4);
	ck_assert_uint_eq(stores, 2);
	free(r);
	replay_both(t_path("t.dtr"), 11);
}
END_TEST

START_TEST(lackey_bad)
{
	static const char *const bad[][2] = {
		{ "I  0400,3\n X 1234,4\n", "in.txt:2: not a lackey line" },
		{ "I  0400,3\n L 1234\n", "in.txt:2: not a lackey line" },
		{ "I  0400,3\n\n L 1234,x\n", "in.txt:3: not a lackey line" },
		{ "hello world\n", "in.txt:1: not a lackey line" },
		{ " L 1234,0\n", "in.txt:1: size 0" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct sim_err err = { 0 };
		struct cap_import_stats st;
		ck_assert_int_eq(import_text(CAP_IMPORT_LACKEY, bad[i][0], NULL, &st, &err), SIM_EINVAL);
		ck_assert_msg(strstr(err.msg, bad[i][1]), "'%s' not in '%s'", bad[i][1], err.msg);
	}
}
END_TEST

/* Pages keep their colour: gppn = vpn mod colours, whatever the order of
 * first touches; too many pages is an error that says what to raise. */
START_TEST(colours)
{
	/* 64K 2-way L2 of 4K pages: 8 colours */
	const char *sets[] = { "machine.l2.size=64K", "machine.l2.ways=2", NULL };
	char text[4096];
	size_t k = 0, n;
	struct sim_err err = { 0 };
	struct cap_import_stats st;
	struct trc_rec *r;
	for (int i = 0; i < 40; i++)   /* pages 0x1000 + 8i..: all colour 0; then mixed */
		k += (size_t)snprintf(text + k, sizeof text - k, "0 %x\n0 %x\n", (0x1000 + 8 * i) << 12,
				      (0x2003 + 5 * i) << 12);
	ck_assert_msg(import_text(CAP_IMPORT_DIN, text, sets, &st, &err) == SIM_OK, "%s", err.msg);
	ck_assert_uint_eq(st.pages, 80);
	r = records(t_path("t.dtr"), &n, NULL);
	for (size_t i = 0; i < n; i++)
		if (r[i].type == TRC_PTE_SET) {
			ck_assert_uint_eq(r[i].val % 8, r[i].addr % 8);
			for (size_t j = 0; j < i; j++)
				if (r[j].type == TRC_PTE_SET)
					ck_assert_uint_ne(r[j].val, r[i].val);
		}
	free(r);
	{
		/* 1 MB VM less 64 page-table pages: 192 pages, 24 per colour */
		const char *small[] = { "machine.l2.size=64K", "machine.l2.ways=2", "machine.mem.size=1M", NULL };
		k = 0;
		for (int i = 0; i < 25; i++)
			k += (size_t)snprintf(text + k, sizeof text - k, "0 %x\n", (0x1000 + 8 * i) << 12);
		ck_assert_int_eq(import_text(CAP_IMPORT_DIN, text, small, &st, &err), SIM_EINVAL);
		ck_assert_msg(strstr(err.msg, "in.txt:25:") && strstr(err.msg, "machine.mem.size"), "%s", err.msg);
	}
}
END_TEST

/* A ChampSim record (the 64-byte input_instr layout). */
static void cs_rec(uint8_t *p, uint64_t ip, int branch, int taken, uint64_t store, uint64_t load0,
		   uint64_t load1)
{
	memset(p, 0, 64);
	for (int i = 0; i < 8; i++) {
		p[i] = (uint8_t)(ip >> (8 * i));
		p[16 + i] = (uint8_t)(store >> (8 * i));
		p[32 + i] = (uint8_t)(load0 >> (8 * i));
		p[40 + i] = (uint8_t)(load1 >> (8 * i));
	}
	p[8] = (uint8_t)branch;
	p[9] = (uint8_t)taken;
	p[10] = 3;   /* registers: ignored */
	p[12] = 5;
}

static size_t cs_trace(uint8_t *buf)
{
	size_t k = 0;
	cs_rec(buf + 64 * k++, 0x401000, 0, 0, 0, 0, 0);
	cs_rec(buf + 64 * k++, 0x401003, 0, 0, 0, 0, 0);
	cs_rec(buf + 64 * k++, 0x401007, 0, 0, 0, 0x7ffe1000, 0x7ffe1040);   /* two loads: ends the run */
	cs_rec(buf + 64 * k++, 0x40100b, 1, 1, 0, 0, 0);                    /* a taken branch */
	cs_rec(buf + 64 * k++, 0x401200, 0, 0, 0x601008, 0, 0);             /* after it: a new run */
	cs_rec(buf + 64 * k++, 0x401204, 1, 0, 0, 0, 0);                    /* not taken */
	cs_rec(buf + 64 * k++, 0x401206, 0, 0, 0, 0, 0);
	return 64 * k;
}

static void cs_check(const char *path, const struct cap_import_stats *st)
{
	struct trc_rec *r;
	size_t n;
	ck_assert_uint_eq(st->input_refs, 10);
	ck_assert_uint_eq(st->insns, 7);
	ck_assert_uint_eq(st->runs, 4);
	ck_assert_uint_eq(st->loads, 2);
	ck_assert_uint_eq(st->stores, 1);
	r = records(path, &n, NULL);
	check_mapped_first(r, n, 12);
	for (size_t i = 0; i < n; i++)
		if (r[i].type == TRC_INSN)
			ck_assert_uint_eq(r[i].id, r[i].addr == 0x401000 ? 3 : r[i].addr == 0x401204 ? 2 : 1);
	free(r);
	replay_both(path, 10);
}

static size_t xz(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	size_t pos = 0;
	ck_assert_int_eq(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, in, len, out, &pos, cap), LZMA_OK);
	return pos;
}

START_TEST(champsim_plain_and_xz)
{
	uint8_t buf[64 * 16], z[4096];
	size_t len = cs_trace(buf), zlen;
	struct sim_err err = { 0 };
	struct cap_import_stats st;
	const char *a = t_path("cs.dtr"), *b = t_path("csxz.dtr");
	char *ta, *tb;
	size_t la, lb;
	ck_assert_msg(import(CAP_IMPORT_CHAMPSIM, buf, len, NULL, a, &st, &err) == SIM_OK, "%s", err.msg);
	cs_check(a, &st);
	zlen = xz(buf, len, z, sizeof z);
	ck_assert_msg(import(CAP_IMPORT_CHAMPSIM, z, zlen, NULL, b, &st, &err) == SIM_OK, "%s", err.msg);
	ck_assert_uint_eq(st.input_bytes, len);
	cs_check(b, &st);
	/* the same records and header: the same bytes */
	ta = t_read_file(a, &la);
	tb = t_read_file(b, &lb);
	ck_assert_uint_eq(la, lb);
	ck_assert_int_eq(memcmp(ta, tb, la), 0);
	free(ta);
	free(tb);
}
END_TEST

START_TEST(champsim_truncated)
{
	uint8_t buf[64 * 16], z[4096];
	size_t len = cs_trace(buf), zlen;
	struct sim_err err = { 0 };
	struct cap_import_stats st;
	/* the last record cut to 10 bytes */
	ck_assert_int_eq(import(CAP_IMPORT_CHAMPSIM, buf, 64 * 6 + 10, NULL, t_path("x.dtr"), &st, &err),
			 SIM_EINVAL);
	ck_assert_msg(strstr(err.msg, "in.champsim: byte 384: truncated record (10 of 64 bytes)"), "%s", err.msg);
	/* the same inside xz */
	zlen = xz(buf, 64 * 6 + 10, z, sizeof z);
	ck_assert_int_eq(import(CAP_IMPORT_CHAMPSIM, z, zlen, NULL, t_path("x.dtr"), &st, &err), SIM_EINVAL);
	ck_assert_msg(strstr(err.msg, "byte 384: truncated record") && strstr(err.msg, "decompressed"), "%s",
		      err.msg);
	/* a cut xz stream */
	zlen = xz(buf, len, z, sizeof z);
	ck_assert_int_eq(import(CAP_IMPORT_CHAMPSIM, z, zlen - 20, NULL, t_path("x.dtr"), &st, &err),
			 SIM_EINVAL);
	ck_assert_msg(strstr(err.msg, "in.champsim: compressed byte"), "%s", err.msg);
	/* empty */
	ck_assert_int_eq(import(CAP_IMPORT_CHAMPSIM, buf, 0, NULL, t_path("x.dtr"), &st, &err), SIM_EINVAL);
	ck_assert_msg(strstr(err.msg, "no references"), "%s", err.msg);
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("import");
	TCase *tc = tcase_create("import");
	tcase_add_test(tc, din_good);
	tcase_add_test(tc, din_top_of_address_space);
	tcase_add_test(tc, din_bad);
	tcase_add_test(tc, lackey_good);
	tcase_add_test(tc, lackey_bad);
	tcase_add_test(tc, colours);
	tcase_add_test(tc, champsim_plain_and_xz);
	tcase_add_test(tc, champsim_truncated);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN
