/* The CPUs a process may run on: its affinity mask, not the online count. */
#include <sched.h>

#include "base/cpus.h"
#include "tests/testlib.h"

/* Pinned to one CPU of its mask, the count is 1; given two (where the
 * machine has two), 2; the whole mask back, its size. */
START_TEST(the_affinity_mask_counts)
{
	cpu_set_t all, one;
	int first = -1, second = -1;

	ck_assert_int_eq(sched_getaffinity(0, sizeof all, &all), 0);
	ck_assert_int_eq(sim_cpus_usable(), CPU_COUNT(&all));
	for (int i = 0; i < CPU_SETSIZE && second < 0; i++)
		if (CPU_ISSET(i, &all)) {
			if (first < 0)
				first = i;
			else
				second = i;
		}
	ck_assert_int_ge(first, 0);
	CPU_ZERO(&one);
	CPU_SET(first, &one);
	ck_assert_int_eq(sched_setaffinity(0, sizeof one, &one), 0);
	ck_assert_int_eq(sim_cpus_usable(), 1);
	if (second >= 0) {
		CPU_SET(second, &one);
		ck_assert_int_eq(sched_setaffinity(0, sizeof one, &one), 0);
		ck_assert_int_eq(sim_cpus_usable(), 2);
	}
	ck_assert_int_eq(sched_setaffinity(0, sizeof all, &all), 0);
	ck_assert_int_eq(sim_cpus_usable(), CPU_COUNT(&all));
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("cpus");
	TCase *tc = tcase_create("cpus");
	tcase_add_test(tc, the_affinity_mask_counts);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN
