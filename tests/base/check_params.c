/* Parameters: parsing, validation, suggestions, config files, dump. */
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/params.h"
#include "tests/testlib.h"

static const struct param_def defs[] = {
	{ "a.size", PARAM_SIZE, "32K", 1024, 1 << 30, NULL, "bytes", "a size" },
	{ "a.count", PARAM_INT, "4", 1, 64, NULL, "", "a count" },
	{ "a.ratio", PARAM_REAL, "0.5", 0, 1, NULL, "", "a ratio" },
	{ "b.flag", PARAM_BOOL, "false", 0, 0, NULL, "", "a flag" },
	{ "b.kind", PARAM_CHOICE, "lru", 0, 0, "lru,random,fifo", "", "a choice" },
	{ "b.name", PARAM_STR, "x", 0, 0, NULL, "", "a name" },
};
static const struct param_table tab = { "t", defs, sizeof defs / sizeof defs[0] };
static const struct param_table *const tabs[] = { &tab, NULL };

static cfg *mk(void)
{
	cfg *c;
	struct sim_err err = { 0 };
	ck_assert_int_eq(cfg_new(&c, tabs, &err), SIM_OK);
	return c;
}

START_TEST(defaults_parse)
{
	cfg *c = mk();
	ck_assert_int_eq(cfg_int(c, "a.size"), 32768);
	ck_assert_str_eq(cfg_str(c, "a.size"), "32K");
	ck_assert_int_eq(cfg_int(c, "a.count"), 4);
	ck_assert_double_eq(cfg_real(c, "a.ratio"), 0.5);
	ck_assert_int_eq(cfg_int(c, "b.flag"), 0);
	ck_assert_int_eq(cfg_int(c, "b.kind"), 0);
	ck_assert_str_eq(cfg_str(c, "b.kind"), "lru");
	ck_assert_uint_eq(cfg_count(c), 6);
	ck_assert_str_eq(cfg_def(c, 0)->name, "a.count"); /* sorted */
	cfg_free(c);
}
END_TEST

/* set, even to the default, is not the same as never set; copies keep it */
START_TEST(set_is_not_default)
{
	cfg *c = mk(), *d;
	struct sim_err err = { 0 };
	ck_assert_int_eq(cfg_is_set(c, "a.count"), 0);
	ck_assert_int_eq(cfg_set(c, "a.count", "4", NULL, &err), SIM_OK);
	ck_assert_int_eq(cfg_is_set(c, "a.count"), 1);
	ck_assert_int_eq(cfg_is_default(c, (size_t)cfg_find(c, "a.count")), 1);
	ck_assert_int_eq(cfg_parse_text(c, "b.kind = fifo\n", 14, "text", &err), SIM_OK);
	ck_assert_int_eq(cfg_is_set(c, "b.kind"), 1);
	ck_assert_int_eq(cfg_is_set(c, "a.size"), 0);
	ck_assert_int_eq(cfg_is_set(c, "no.such"), 0);
	ck_assert_int_eq(cfg_copy(&d, c, &err), SIM_OK);
	ck_assert_int_eq(cfg_is_set(d, "a.count"), 1);
	ck_assert_int_eq(cfg_is_set(d, "a.ratio"), 0);
	cfg_free(d);
	cfg_free(c);
}
END_TEST

START_TEST(sizes)
{
	int64_t v;
	ck_assert_int_eq(param_parse_size("4K", &v), SIM_OK);
	ck_assert_int_eq(v, 4096);
	ck_assert_int_eq(param_parse_size("1M", &v), SIM_OK);
	ck_assert_int_eq(v, 1 << 20);
	ck_assert_int_eq(param_parse_size("2GB", &v), SIM_OK);
	ck_assert_int_eq(v, 2LL << 30);
	ck_assert_int_eq(param_parse_size("0x100", &v), SIM_OK);
	ck_assert_int_eq(v, 256);
	ck_assert_int_eq(param_parse_size("12Q", &v), SIM_EINVAL);
	ck_assert_int_eq(param_parse_size("", &v), SIM_EINVAL);
	ck_assert_int_eq(param_parse_size("99999999999999999999", &v), SIM_EINVAL);
	ck_assert_int_eq(param_parse_size("9000000000000G", &v), SIM_EINVAL);
}
END_TEST

START_TEST(set_and_validate)
{
	cfg *c = mk();
	struct sim_err err = { 0 };
	ck_assert_int_eq(cfg_set(c, "a.size", "1M", NULL, &err), SIM_OK);
	ck_assert_int_eq(cfg_int(c, "a.size"), 1 << 20);
	ck_assert_int_eq(cfg_set(c, "a.size", "512", "--set", &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "out of range"));
	ck_assert_ptr_nonnull(strstr(err.msg, "--set"));
	ck_assert_int_eq(cfg_set(c, "a.count", "65", NULL, &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "from 1 to 64"));
	ck_assert_int_eq(cfg_set(c, "a.count", "3.5", NULL, &err), SIM_EINVAL);
	ck_assert_int_eq(cfg_set(c, "a.ratio", "nan", NULL, &err), SIM_EINVAL);
	ck_assert_int_eq(cfg_set(c, "b.flag", "yes", NULL, &err), SIM_OK);
	ck_assert_int_eq(cfg_int(c, "b.flag"), 1);
	ck_assert_int_eq(cfg_set(c, "b.flag", "maybe", NULL, &err), SIM_EINVAL);
	ck_assert_int_eq(cfg_set(c, "b.kind", "fifo", NULL, &err), SIM_OK);
	ck_assert_int_eq(cfg_int(c, "b.kind"), 2);
	ck_assert_int_eq(cfg_set(c, "b.kind", "lr", NULL, &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "lru,random,fifo"));
	/* a failed set leaves the old value */
	ck_assert_str_eq(cfg_str(c, "b.kind"), "fifo");
	cfg_free(c);
}
END_TEST

START_TEST(unknown_suggests)
{
	cfg *c = mk();
	struct sim_err err = { 0 };
	ck_assert_int_eq(cfg_set(c, "a.sise", "1M", NULL, &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "did you mean a.size"));
	ck_assert_int_eq(cfg_set(c, "zzzzzzzzzzzzzzzzzzzzz", "1", NULL, &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "unknown parameter"));
	ck_assert_int_eq(cfg_set_assignment(c, "a.count", NULL, &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "name=value"));
	ck_assert_int_eq(cfg_set_assignment(c, " a.count = 7 ", NULL, &err), SIM_OK);
	ck_assert_int_eq(cfg_int(c, "a.count"), 7);
	cfg_free(c);
}
END_TEST

START_TEST(text_and_dump_round_trip)
{
	cfg *c = mk(), *d = mk();
	struct sim_err err = { 0 };
	const char *text = "# comment\n a.size = 64K\n\nb.kind=random # trailing\nb.name = hello\n";
	char *dump;
	ck_assert_int_eq(cfg_parse_text(c, text, strlen(text), "hdr", &err), SIM_OK);
	dump = cfg_dump(c, 0);
	ck_assert_str_eq(dump, "a.size = 64K\nb.kind = random\nb.name = hello\n");
	ck_assert_int_eq(cfg_parse_text(d, dump, strlen(dump), "dump", &err), SIM_OK);
	ck_assert_uint_eq(cfg_hash(c), cfg_hash(d));
	ck_assert_int_eq(cfg_set(d, "a.count", "5", NULL, &err), SIM_OK);
	ck_assert_uint_ne(cfg_hash(c), cfg_hash(d));
	free(dump);
	ck_assert_int_eq(cfg_parse_text(c, "a.size = 1\n", 11, "hdr", &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "hdr:1"));
	ck_assert_int_eq(cfg_parse_text(c, "include x\n", 10, "hdr", &err), SIM_EINVAL);
	cfg_free(c);
	cfg_free(d);
}
END_TEST

START_TEST(files_and_includes)
{
	cfg *c = mk();
	struct sim_err err = { 0 };
	const char *inner = t_path("inner.conf"), *outer = t_path("outer.conf");
	const char *loop = t_path("loop.conf");
	t_write_file(inner, "a.count = 9\n", 12);
	t_write_file(outer, "include inner.conf\na.size = 2M\n", 31);
	ck_assert_int_eq(cfg_load(c, outer, &err), SIM_OK);
	ck_assert_int_eq(cfg_int(c, "a.count"), 9);
	ck_assert_int_eq(cfg_int(c, "a.size"), 2 << 20);
	t_write_file(loop, "include loop.conf\n", 18);
	ck_assert_int_eq(cfg_load(c, loop, &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "include cycle"));
	ck_assert_int_eq(cfg_load(c, t_path("absent.conf"), &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "absent.conf"));
	ck_assert_int_eq(cfg_load(c, "no-such-preset", &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "no-such-preset"));
	cfg_free(c);
}
END_TEST

/* Messages that name the real problem of a config file (reliability review,
 * section 5): an include cycle as a cycle, a NUL byte, the wrong kind of file
 * (its contents not repeated), a missing name as neither file nor preset; a
 * UTF-8 byte-order mark is skipped. */
START_TEST(config_file_messages)
{
	cfg *c = mk();
	struct sim_err err = { 0 };
	const char *a = t_path("cyc_a.conf"), *b = t_path("cyc_b.conf");
	t_write_file(a, "include cyc_b.conf\n", 19);
	t_write_file(b, "a.count = 3\ninclude cyc_a.conf\n", 31);
	ck_assert_int_eq(cfg_load(c, a, &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "include cycle"));
	ck_assert_ptr_null(strstr(err.msg, "nest"));
	ck_assert_uint_lt(strlen(err.msg), 300);

	t_write_file(t_path("nul.conf"), "a.count = 4\0junk\n", 18);
	ck_assert_int_eq(cfg_load(c, t_path("nul.conf"), &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "nul.conf:1: a NUL byte"));

	t_write_file(t_path("bom.conf"), "\xef\xbb\xbf" "a.count = 5\n", 15);
	ck_assert_int_eq(cfg_load(c, t_path("bom.conf"), &err), SIM_OK);
	ck_assert_int_eq(cfg_int(c, "a.count"), 5);

	t_write_file(t_path("pw.conf"), "root:x:0:0:root:/root:/bin/sh\n", 30);
	ck_assert_int_eq(cfg_load(c, t_path("pw.conf"), &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "pw.conf:1: not a configuration file"));
	ck_assert_ptr_null(strstr(err.msg, "root"));

	t_write_file(t_path("typo.conf"), "a.count 6\n", 10);
	ck_assert_int_eq(cfg_load(c, t_path("typo.conf"), &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "expected 'name = value', got 'a.count 6'"));

	ck_assert_int_eq(cfg_load(c, "no-such-name.conf", &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "no-such-name.conf: no such file, and no preset"));
	cfg_free(c);
}
END_TEST

START_TEST(duplicate_and_bad_default)
{
	static const struct param_def dup[] = {
		{ "x", PARAM_INT, "1", 0, 2, NULL, "", "" },
		{ "x", PARAM_INT, "1", 0, 2, NULL, "", "" },
	};
	static const struct param_def bad[] = { { "y", PARAM_INT, "7", 0, 2, NULL, "", "" } };
	static const struct param_table td = { "d", dup, 2 }, tb = { "b", bad, 1 };
	const struct param_table *const l1[] = { &td, NULL }, *const l2[] = { &tb, NULL };
	cfg *c;
	struct sim_err err = { 0 };
	ck_assert_int_eq(cfg_new(&c, l1, &err), SIM_EINTERNAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "twice"));
	ck_assert_int_eq(cfg_new(&c, l2, &err), SIM_EINTERNAL);
}
END_TEST

START_TEST(out_of_memory)
{
	cfg *c = NULL;
	struct sim_err err = { 0 };
	for (long n = 1; n <= 3; n++) {
		sim_mem_fail_after(n);
		ck_assert_int_eq(cfg_new(&c, tabs, &err), SIM_ENOMEM);
		ck_assert_ptr_null(c);
	}
	sim_mem_fail_after(0);
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("params");
	TCase *tc = tcase_create("params");
	tcase_add_test(tc, defaults_parse);
	tcase_add_test(tc, sizes);
	tcase_add_test(tc, set_is_not_default);
	tcase_add_test(tc, set_and_validate);
	tcase_add_test(tc, unknown_suggests);
	tcase_add_test(tc, text_and_dump_round_trip);
	tcase_add_test(tc, files_and_includes);
	tcase_add_test(tc, config_file_messages);
	tcase_add_test(tc, duplicate_and_bad_default);
	tcase_add_test(tc, out_of_memory);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN
