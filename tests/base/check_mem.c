/* Allocation: the huge-page hint changes no byte of the array it is given,
 * whatever its size and alignment. */
#include <stdint.h>
#include <string.h>

#include "base/mem.h"
#include "tests/testlib.h"

/* sizes: none, below a huge page, one and a half, several (a directory's) */
static const size_t huge_sizes[] = { 0, 4096, 3u << 20, 9u << 20 };

START_TEST(huge_hint_keeps_the_bytes)
{
	size_t n = huge_sizes[_i];
	for (size_t skew = 0; skew < 2; skew++) {   /* the array at the block's start, and one byte on */
		uint8_t *block = sim_calloc(n + 1, 1), *a = block + skew;
		ck_assert_ptr_nonnull(block);
		for (size_t k = 0; k < n; k += 4093)
			a[k] = (uint8_t)(k * 7 + 1);
		sim_mem_huge(a, n);
		for (size_t k = 0; k < n; k++)
			ck_assert_uint_eq(a[k], k % 4093 ? 0 : (uint8_t)(k * 7 + 1));
		if (n > 0)
			a[n - 1] = 5;   /* still writable to its end */
		sim_free(block);
	}
	sim_mem_huge(NULL, 0);
	sim_mem_huge(NULL, 8u << 20);
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("mem");
	TCase *tc = tcase_create("huge");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, huge_hint_keeps_the_bytes, 0,
			    (int)(sizeof huge_sizes / sizeof huge_sizes[0]));
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN
