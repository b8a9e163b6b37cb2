/* Replica statistics: known data give known mean, sd and 95% CI. */
#include <math.h>

#include "analysis/stats.h"
#include "tests/testlib.h"

START_TEST(known_sample)
{
	/* mean 5, sum of squared deviations 32: sample sd sqrt(32/7) */
	const double x[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
	struct an_summary s;
	an_summarize(x, 8, &s);
	ck_assert_uint_eq(s.n, 8);
	ck_assert_double_eq_tol(s.mean, 5.0, 1e-12);
	ck_assert_double_eq_tol(s.sd, sqrt(32.0 / 7.0), 1e-12);
	/* t(0.975, 7) = 2.364624251592785 (tables) */
	ck_assert_double_eq_tol(an_t95(8), 2.364624251592785, 1e-9);
	ck_assert_double_eq_tol(s.ci95, 2.364624251592785 * sqrt(32.0 / 7.0) / sqrt(8.0), 1e-9);
}
END_TEST

START_TEST(two_values)
{
	/* n = 2: t(0.975, 1) = 12.706204736 and sd / sqrt(n) = 1 */
	const double x[] = { 1, 3 };
	struct an_summary s;
	an_summarize(x, 2, &s);
	ck_assert_double_eq_tol(s.mean, 2.0, 1e-12);
	ck_assert_double_eq_tol(s.sd, sqrt(2.0), 1e-12);
	ck_assert_double_eq_tol(s.ci95, 12.706204736174705, 1e-8);
}
END_TEST

START_TEST(degenerate)
{
	const double one[] = { 42 }, same[] = { 7, 7, 7 };
	struct an_summary s;
	an_summarize(one, 1, &s);
	ck_assert_double_eq(s.mean, 42);
	ck_assert(isnan(s.sd) && isnan(s.ci95));
	an_summarize(NULL, 0, &s);
	ck_assert(isnan(s.mean) && isnan(s.sd) && isnan(s.ci95));
	an_summarize(same, 3, &s);
	ck_assert_double_eq(s.mean, 7);
	ck_assert_double_eq(s.sd, 0);
	ck_assert_double_eq(s.ci95, 0);
	ck_assert(isnan(an_t95(1)));
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("stats");
	TCase *tc = tcase_create("summary");
	tcase_add_test(tc, known_sample);
	tcase_add_test(tc, two_values);
	tcase_add_test(tc, degenerate);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN
