/*
 * Test helpers shared by the Check suites: a main() that runs one suite, and
 * small utilities (temporary files).  Each tests/<module>/check_<x>.c defines
 * `Suite *make_suite(void)` and ends with CHECK_MAIN.
 */
#ifndef TESTS_TESTLIB_H
#define TESTS_TESTLIB_H

#include <check.h>
#include <stddef.h>

#include "base/params.h"
#include "replay/replay.h"

Suite *make_suite(void);

/* A fresh temporary directory for this process (created once, removed when
 * the process exits); returns "DIR/name" in a static buffer ring. */
const char *t_path(const char *name);
/* Write len bytes to path; ck_assert on failure. */
void t_write_file(const char *path, const void *data, size_t len);
/* Read a whole file (malloc'd, NUL-terminated); *len gets its size. */
char *t_read_file(const char *path, size_t *len);
/* A configuration of the whole model at its defaults, then the assignments
 * in sets ("name=value", NULL-terminated; sets may be NULL); ck_asserts
 * they are valid. */
cfg *t_cfg(const char *const *sets);
/* Two runs' counters agree exactly (the replay's own run time aside). */
void t_same_results(const struct rpl_results *a, const struct rpl_results *b);
/* Replay trace file path in mode as `disco replay` would (its header's
 * configuration over the defaults); ck_asserts it works. */
void t_replay_trace(const char *path, int mode, struct rpl_results *res);
/* Source tree root (for shipped files). */
const char *t_srcdir(void);

#define CHECK_MAIN                                                   \
	int main(void)                                                   \
	{                                                                \
		SRunner *sr = srunner_create(make_suite());                  \
		int failed;                                                  \
		srunner_run_all(sr, CK_NORMAL);                              \
		failed = srunner_ntests_failed(sr);                          \
		srunner_free(sr);                                            \
		return failed ? 1 : 0;                                       \
	}

#endif
