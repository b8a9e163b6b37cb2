/* The id table: objects found, created zeroed, forgotten. */
#include <stdint.h>

#include "base/err.h"
#include "base/idtab.h"
#include "tests/testlib.h"

struct obj { uint32_t id; uint64_t v; };

/* Ids that collide (same home slot and neighbours) and a table grown past
 * its first size: deleting any of them leaves every other one found with its
 * value, and a deleted one comes back zeroed. */
START_TEST(delete_keeps_the_others)
{
	struct idtab t;
	const uint32_t n = 300;
	ck_assert_int_eq(idtab_init(&t, sizeof(struct obj)), SIM_OK);
	for (uint32_t id = 0; id < n; id++) {
		struct obj *o = idtab_get(&t, id * 64);   /* many share a home slot */
		ck_assert_ptr_nonnull(o);
		o->v = id + 1;
	}
	for (uint32_t id = 0; id < n; id += 3)
		idtab_del(&t, id * 64);
	idtab_del(&t, 7);   /* absent: nothing happens */
	ck_assert_uint_eq(t.n, n - n / 3);
	for (uint32_t id = 0; id < n; id++) {
		struct obj *o = idtab_get(&t, id * 64);
		ck_assert_uint_eq(o->id, id * 64);
		ck_assert_uint_eq(o->v, id % 3 ? id + 1 : 0);
	}
	ck_assert_uint_eq(t.n, n);
	idtab_free(&t);
}
END_TEST

/* Ids used once each and forgotten keep the table at its first size. */
START_TEST(forgotten_ids_take_no_room)
{
	struct idtab t;
	ck_assert_int_eq(idtab_init(&t, sizeof(struct obj)), SIM_OK);
	for (uint32_t id = 1; id < 100000; id++) {
		ck_assert_ptr_nonnull(idtab_get(&t, id));
		if (id > 4)
			idtab_del(&t, id - 4);
	}
	ck_assert_uint_eq(t.n, 4);
	ck_assert_uint_eq(t.cap, 64);
	idtab_free(&t);
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("idtab");
	TCase *tc = tcase_create("idtab");
	tcase_add_test(tc, delete_keeps_the_others);
	tcase_add_test(tc, forgotten_ids_take_no_room);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN
