/* The scorecard: bands judge numbers as stated, and the scorecard over
 * several seeds gives each number per seed, its mean and range, and judges
 * the mean. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/scorecard.h"
#include "tests/testlib.h"

START_TEST(bands_judge)
{
	const struct an_band *b = an_band_find("table3.engineering.ratio");   /* 1.04-1.10 */
	ck_assert_ptr_nonnull(b);
	ck_assert(an_band_holds(b, 1.07, 1.04));
	ck_assert(an_band_holds(b, 1.07, 1.10));
	ck_assert(!an_band_holds(b, 1.07, 1.03));
	ck_assert(!an_band_holds(b, 1.07, NAN));
	/* slowdown within 25% and overhead within 40%: paper 1.53, overhead 0.53 */
	b = an_band_find("table2.irix53.read.slowdown");
	ck_assert_ptr_nonnull(b);
	ck_assert(!an_band_holds(b, 1.53, 1.53 * 1.2));    /* slowdown 20% over, overhead 58% */
	ck_assert(!an_band_holds(b, 1.53, 1.80));          /* overhead 0.80: 51% over */
	ck_assert(an_band_holds(b, 1.53, 1.70));           /* overhead 0.70: 32% over */
	ck_assert(!an_band_holds(b, 1.53, 1.30));          /* overhead 0.30: 43% under */
	ck_assert_ptr_null(an_band_find("table2.irix53.read.count"));   /* an input: not scored */
}
END_TEST

/* Three seeds: engineering's ratio 1.03, 1.05, 1.12 against its band
 * 1.04-1.10: one seed within, the mean (1.0667) within.  Table 3's TLB-miss
 * cycles 80, 82, 90 against 83-101: one within, the mean 84 within.  A
 * number the second seed lacks is averaged over the other two, and an
 * unscored number is not a row. */
START_TEST(seeds_mean_and_range)
{
	static struct an_scores runs[3], mean;
	const long long seeds[3] = { 1, 2, 7 };
	const double eng[3] = { 1.03, 1.05, 1.12 }, tlb[3] = { 80, 82, 90 };
	char *out = NULL;
	size_t len = 0;
	FILE *f;
	for (int k = 0; k < 3; k++) {
		an_scores_add(&runs[k], "table3.engineering.ratio", 1.07, eng[k], "ratio");
		an_scores_add(&runs[k], "table3.engineering.user_ratio", 1.07, 1.0, "ratio");
		an_scores_add(&runs[k], "table3.tlb_miss_cycles.disco", 92, tlb[k], "cycles");
		if (k != 1)
			an_scores_add(&runs[k], "table3.pmake.ratio", 1.08, k ? 1.10 : 1.04, "ratio");
	}
	ck_assert(isnan(an_scores_model(&runs[1], "table3.pmake.ratio")));
	ck_assert_double_eq(an_scores_model(&runs[2], "table3.tlb_miss_cycles.disco"), 90);
	f = open_memstream(&out, &len);
	ck_assert_ptr_nonnull(f);
	an_scorecard_seeds_write(f, runs, 3, seeds, &mean);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(mean.n, 3);
	ck_assert_str_eq(mean.s[0].id, "table3.engineering.ratio");
	ck_assert_double_eq_tol(mean.s[0].model, (1.03 + 1.05 + 1.12) / 3, 1e-12);
	ck_assert(mean.s[0].holds);
	ck_assert_double_eq_tol(mean.s[1].model, 84, 1e-12);
	ck_assert(mean.s[1].holds);
	ck_assert_double_eq_tol(mean.s[2].model, 1.07, 1e-12);   /* 1.04 and 1.10 */
	ck_assert(mean.s[2].holds);
	ck_assert_msg(strstr(out, "capture.seed 1, 2, 7, in that order"), "%s", out);
	ck_assert_msg(strstr(out, "**3 of 3 numbers within band on the mean; 0 within band for every seed.**"),
		      "%s", out);
	ck_assert_msg(strstr(out, "| `table3.engineering.ratio` | 1.030 / 1.050 / 1.120 | 1.07 | 1.067 | "
				  "1.030-1.120 | 1.04-1.10 | 1 of 3 | within band |"), "%s", out);
	ck_assert_msg(strstr(out, "| `table3.tlb_miss_cycles.disco` | 80.0 / 82.0 / 90.0 | 92 | 84.0 | "
				  "80.0-90.0 | 83-101 | 1 of 3 | within band |"), "%s", out);
	ck_assert_msg(strstr(out, "| `table3.pmake.ratio` | 1.040 / - / 1.100 |"), "%s", out);
	ck_assert_msg(!strstr(out, "user_ratio"), "%s", out);
	free(out);
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("scorecard");
	TCase *tc = tcase_create("scorecard");
	tcase_add_test(tc, bands_judge);
	tcase_add_test(tc, seeds_mean_and_range);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN
