/* The text form: every record type prints and parses back; asm -> dump ->
 * asm gives identical bytes; errors name the text file and line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/testlib.h"
#include "tests/traces/gen.h"
#include "traces/text.h"
#include "traces/trace.h"

START_TEST(format_parse_every_type)
{
	uint64_t s = 1234;
	char line[256], why[256];
	for (int i = 0; i < 20000; i++) {
		struct trc_rec a = gen_rec(&s, (unsigned)(1 + i % (TRC_NTYPES - 1))), b;
		trc_text_format(&a, line, sizeof line);
		ck_assert_msg(trc_text_parse(line, &b, why, sizeof why) == SIM_OK, "'%s': %s", line, why);
		ck_assert_msg(memcmp(&a, &b, sizeof a) == 0, "'%s' parsed differently", line);
	}
}
END_TEST

START_TEST(parse_examples)
{
	struct trc_rec r;
	char why[256];
	ck_assert_int_eq(trc_text_parse("load 0x7fff0010 4 kernel kseg0", &r, why, sizeof why), SIM_OK);
	ck_assert_uint_eq(r.type, TRC_LOAD);
	ck_assert_uint_eq(r.flags, TRC_F_KERNEL | TRC_F_KSEG0);
	ck_assert_uint_eq(r.addr, 0x7fff0010);
	ck_assert_int_eq(trc_text_parse("pte.set asid=3 vpn=0x400 ppn=0x123 prot=valid,write", &r, why, sizeof why),
			 SIM_OK);
	ck_assert_uint_eq(r.aux, TRC_PROT_VALID | TRC_PROT_WRITE);
	ck_assert_uint_eq(r.val, 0x123);
	ck_assert_int_eq(trc_text_parse("svc.begin DEMAND-ZERO", &r, why, sizeof why), SIM_OK);
	ck_assert_uint_eq(r.aux, TRC_SVC_DEMAND_ZERO);
	ck_assert_int_eq(trc_text_parse("moncall ZERO_PAGE 0x12", &r, why, sizeof why), SIM_OK);
	ck_assert_uint_eq(r.addr, 0x12);
	ck_assert_int_eq(trc_text_parse("insn 0x400000 12", &r, why, sizeof why), SIM_OK);   /* user by default */
	ck_assert_uint_eq(r.flags, 0);
	ck_assert_int_eq(trc_text_parse("load 0x10 256 user", &r, why, sizeof why), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "size"));
	ck_assert_int_eq(trc_text_parse("svc.begin NOPE", &r, why, sizeof why), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "DEMAND-ZERO"));   /* the choices are listed */
	ck_assert_int_eq(trc_text_parse("lock.acq 7 extra", &r, why, sizeof why), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "unexpected 'extra'"));
	ck_assert_int_eq(trc_text_parse("asid 0x1ffffffff", &r, why, sizeof why), SIM_EINVAL);
	ck_assert_int_eq(trc_text_parse("time 12x", &r, why, sizeof why), SIM_EINVAL);
	ck_assert_int_eq(trc_text_parse("dma.req id=1 disk=0 sector=1 count=1", &r, why, sizeof why), SIM_EINVAL);
}
END_TEST

/* A random multi-stream text file; asm -> dump -> asm -> identical bytes.
 * Loop 0 writes each stream's records together (as dump prints them): the
 * first file is reproduced.  Loop 1 interleaves the streams: the first file
 * holds the same records but its chunks in another order, and from the
 * first dump on, files and dumps are reproduced exactly. */
START_TEST(asm_dump_asm_identical)
{
	int interleave = _i;
	uint64_t s = 77;
	char line[256];
	const char *txt = t_path("r.txt"), *d1 = t_path("r1.dtr"), *dump = t_path("r.dump"), *d2 = t_path("r2.dtr");
	struct trc_text_opts o = { .chunk_size = 0, .zstd_level = 0 };
	struct sim_err err = { 0 };
	trc_reader *r;
	FILE *f = fopen(txt, "w");
	struct trc_dump_opts all = { .stream = -1 };
	size_t n1, n2, nt1, nt2;
	char *a, *b, *t1, *t2;

	ck_assert_ptr_nonnull(f);
	fprintf(f, "# random\n.streams 3\n.page_size 16384\n.config trace.chunk_size = 512\n.config x = y\n");
	unsigned nest[3] = { 0 };
	for (int i = 0; i < 3000; i++) {
		int k = interleave ? (i / 100) % 3 : i / 1000;
		struct trc_rec rec = gen_rec_nest(&s, 0, &nest[k]);
		if (interleave ? i % 100 == 0 : i % 1000 == 0)
			fprintf(f, ".stream %d\n", interleave ? (i / 100) % 3 : i / 1000);
		trc_text_format(&rec, line, sizeof line);
		fprintf(f, "%s   # comment\n", line);
	}
	fclose(f);
	ck_assert_int_eq(trc_text_asm(txt, d1, &o, &err), SIM_OK);
	ck_assert_int_eq(trc_reader_open(&r, d1, &err), SIM_OK);
	ck_assert_uint_eq(trc_reader_info(r)->page_size, 16384);
	{
		struct trc_stream_stats st;
		trc_reader_stream_stats(r, 0, &st);
		ck_assert_uint_gt(st.chunks, 3);   /* trace.chunk_size from .config */
	}
	f = fopen(dump, "w");
	ck_assert_int_eq(trc_text_dump(r, f, &all, &err), SIM_OK);
	fclose(f);
	trc_reader_close(r);
	ck_assert_int_eq(trc_text_asm(dump, d2, &o, &err), SIM_OK);
	if (interleave) {   /* one generation more: d1 becomes the file made from a dump */
		d1 = d2;
		d2 = t_path("r3.dtr");
		ck_assert_int_eq(trc_reader_open(&r, d1, &err), SIM_OK);
		f = fopen(dump, "w");
		ck_assert_int_eq(trc_text_dump(r, f, &all, &err), SIM_OK);
		fclose(f);
		trc_reader_close(r);
		ck_assert_int_eq(trc_text_asm(dump, d2, &o, &err), SIM_OK);
	}
	a = t_read_file(d1, &n1);
	b = t_read_file(d2, &n2);
	ck_assert_uint_eq(n1, n2);
	ck_assert(memcmp(a, b, n1) == 0);
	/* and the dumps agree too */
	ck_assert_int_eq(trc_reader_open(&r, d2, &err), SIM_OK);
	f = fopen(t_path("r2.dump"), "w");
	ck_assert_int_eq(trc_text_dump(r, f, &all, &err), SIM_OK);
	fclose(f);
	trc_reader_close(r);
	t1 = t_read_file(dump, &nt1);
	t2 = t_read_file(t_path("r2.dump"), &nt2);
	ck_assert_str_eq(t1, t2);
	free(a);
	free(b);
	free(t1);
	free(t2);
}
END_TEST

static void expect_asm_error(const char *text, const char *what)
{
	const char *p = t_path("e.txt");
	struct trc_text_opts o = { 0 };
	struct sim_err err = { 0 };
	t_write_file(p, text, strlen(text));
	ck_assert_int_eq(trc_text_asm(p, t_path("e.dtr"), &o, &err), SIM_EINVAL);
	ck_assert_msg(strstr(err.msg, what) != NULL, "'%s' not in '%s'", what, err.msg);
	ck_assert_ptr_nonnull(strstr(err.msg, "e.txt:"));
}

START_TEST(asm_errors)
{
	expect_asm_error("insn 0x1 1\n\n# c\nbogus 1\n", "e.txt:4: unknown record type 'bogus'");
	expect_asm_error(".streams 2\n.stream 2\n", "e.txt:2: .stream '2'");
	expect_asm_error(".streams 0\n", "e.txt:1: .streams '0'");
	expect_asm_error(".page_size 1000\n", "e.txt:1: .page_size '1000'");
	expect_asm_error("lock.acq 1\n.config a = b\n", "e.txt:2: .config after the first record");
	expect_asm_error(".frob\n", "e.txt:1: unknown directive '.frob'");
	expect_asm_error(".config trace.chunk_size = 12\n", "e.txt:1: trace.chunk_size");
	expect_asm_error("load 0x10 0 user\n", "e.txt:1: size 0");
}
END_TEST

START_TEST(dump_selection)
{
	const char *p = t_path("s.txt"), *d = t_path("s.dtr"), *out = t_path("s.out");
	const char *text = ".streams 2\n.stream 1\nlock.acq 1\nlock.acq 2\nlock.acq 3\nlock.acq 4\n";
	struct trc_text_opts o = { 0 };
	struct trc_dump_opts sel = { .stream = 1, .from = 1, .limit = 2 };
	struct sim_err err = { 0 };
	trc_reader *r;
	FILE *f;
	char *got;

	t_write_file(p, text, strlen(text));
	ck_assert_int_eq(trc_text_asm(p, d, &o, &err), SIM_OK);
	ck_assert_int_eq(trc_reader_open(&r, d, &err), SIM_OK);
	f = fopen(out, "w");
	ck_assert_int_eq(trc_text_dump(r, f, &sel, &err), SIM_OK);
	fclose(f);
	trc_reader_close(r);
	got = t_read_file(out, NULL);
	ck_assert_ptr_nonnull(strstr(got, ".stream 1\nlock.acq 2\nlock.acq 3\n"));
	ck_assert_ptr_null(strstr(got, "lock.acq 4"));
	ck_assert_ptr_null(strstr(got, ".stream 0"));
	free(got);
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("lines");
	tcase_add_test(tc, format_parse_every_type);
	tcase_add_test(tc, parse_examples);
	suite_add_tcase(s, tc);
	tc = tcase_create("files");
	tcase_add_loop_test(tc, asm_dump_asm_identical, 0, 2);
	tcase_add_test(tc, asm_errors);
	tcase_add_test(tc, dump_selection);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN
