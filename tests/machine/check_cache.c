/* The set-associative LRU cache against a list-based reference. */
#include <stdlib.h>
#include <string.h>

#include "machine/cache.h"
#include "tests/testlib.h"

/* ---- reference: per set, a list of lines, most recent first ---- */
struct ref_cache {
	uint64_t sets, ways;
	uint64_t *lines;   /* [sets][ways], MRU first */
	int *n;            /* lines in each set */
};

static void ref_init(struct ref_cache *r, uint64_t sets, uint64_t ways)
{
	r->sets = sets;
	r->ways = ways;
	r->lines = calloc(sets * ways, sizeof *r->lines);
	r->n = calloc(sets, sizeof *r->n);
}

static void ref_fini(struct ref_cache *r)
{
	free(r->lines);
	free(r->n);
}

/* 1 on a hit; on a miss *evicted is the LRU line or CACHE_NONE */
static int ref_access(struct ref_cache *r, uint64_t line, uint64_t *evicted)
{
	uint64_t set = line % r->sets, *l = r->lines + set * r->ways;
	int n = r->n[set], i;
	for (i = 0; i < n; i++)
		if (l[i] == line)
			break;
	if (i < n) {
		memmove(l + 1, l, (size_t)i * sizeof *l);
		l[0] = line;
		return 1;
	}
	if (n == (int)r->ways) {
		*evicted = l[n - 1];
		n--;
	} else {
		*evicted = CACHE_NONE;
	}
	memmove(l + 1, l, (size_t)n * sizeof *l);
	l[0] = line;
	r->n[set] = n + 1;
	return 0;
}

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* geometries swept: size, ways, line */
static const struct cache_geom geoms[] = {
	{ 1024, 1, 32 }, { 1024, 2, 32 }, { 4096, 4, 64 }, { 32768, 2, 32 }, { 8192, 8, 128 },
	{ 2048, 16, 128 }, { 65536, 2, 128 }, { 512, 4, 128 },
};

/* stream kinds: 0 uniform random over 4x capacity, 1 conflict-heavy (one
 * set, ways + 1 lines mixed with others), 2 cyclic working set just above
 * capacity, 3 mixed locality */
static uint64_t next_line(int kind, uint64_t *s, uint64_t step, uint64_t sets, uint64_t ways)
{
	uint64_t cap = sets * ways;
	switch (kind) {
	case 0: return splitmix(s) % (4 * cap);
	case 1: return (splitmix(s) % (ways + 1)) * sets + (splitmix(s) % 8 == 0 ? splitmix(s) % sets : 3 % sets);
	case 2: return step % (cap + sets);
	default: {
		uint64_t x = splitmix(s) % 100;
		if (x < 70)
			return step / 4 % (cap / 2);
		if (x < 90)
			return 1000000 + splitmix(s) % 64;
		return splitmix(s) % (1u << 20);
	}
	}
}

START_TEST(against_reference)
{
	const struct cache_geom *g = &geoms[_i];
	struct cache c;
	struct ref_cache r;
	struct sim_err err = { 0 };
	uint64_t sets = g->size / (g->ways * g->line);

	ck_assert_int_eq(cache_init(&c, g, &err), SIM_OK);
	for (int kind = 0; kind < 4; kind++) {
		uint64_t s = (uint64_t)(_i * 10 + kind), hits = 0;
		cache_clear(&c);
		ref_init(&r, sets, g->ways);
		for (uint64_t step = 0; step < 60000; step++) {
			uint64_t line = next_line(kind, &s, step, sets, g->ways), ev = 7, rev = 9;
			int hit = cache_access(&c, line, 1, &ev), rhit = ref_access(&r, line, &rev);
			ck_assert_int_eq(hit, rhit);
			if (!hit)
				ck_assert_uint_eq(ev, rev);
			hits += (uint64_t)hit;
		}
		if (kind == 2)   /* cyclic over capacity + one line per set: LRU always misses */
			ck_assert_uint_eq(hits, 0);
		ref_fini(&r);
	}
	cache_fini(&c);
}
END_TEST

START_TEST(find_and_drop)
{
	struct cache c;
	struct sim_err err = { 0 };
	struct cache_geom g = { 1024, 2, 32 };   /* 16 sets */
	uint64_t ev;
	ck_assert_int_eq(cache_init(&c, &g, &err), SIM_OK);
	ck_assert_int_eq(cache_find(&c, 5), -1);
	ck_assert_int_eq(cache_access(&c, 5, 3, &ev), 0);
	ck_assert_uint_eq(ev, CACHE_NONE);
	ck_assert_int_ge(cache_find(&c, 5), 0);
	ck_assert_uint_eq(c.state[cache_find(&c, 5)], 3);
	ck_assert_int_eq(cache_access(&c, 21, 1, &ev), 0);
	ck_assert_int_eq(cache_access(&c, 5, 1, &ev), 1);      /* 21 is now LRU */
	ck_assert_int_eq(cache_access(&c, 37, 1, &ev), 0);
	ck_assert_uint_eq(ev, 21);
	cache_drop(&c, cache_find(&c, 5));
	ck_assert_int_eq(cache_find(&c, 5), -1);
	ck_assert_int_eq(cache_access(&c, 53, 1, &ev), 0);     /* takes the freed way */
	ck_assert_uint_eq(ev, CACHE_NONE);
	cache_fini(&c);
}
END_TEST

/* The slot of line by looking at every way: what cache_find returns. */
static int64_t find_by_scan(const struct cache *c, uint64_t line)
{
	uint64_t set = line & c->set_mask, n = 1ull << c->lg_ways;
	for (uint64_t w = 0; w < n; w++)
		if (c->tag[set * n + w] == line)
			return (int64_t)(set * n + w);
	return -1;
}

/* A two-way set: cache_find reads way 1's compare as the way to check,
 * and cache_find_ways (the ways a constant) finds the same slots. */
START_TEST(find_two_ways)
{
	struct cache c;
	struct sim_err err = { 0 };
	struct cache_geom g = { 1024, 2, 32 };   /* 16 sets: line 5's set 5 is slots 10 and 11 */
	uint64_t ev;
	ck_assert_int_eq(cache_init(&c, &g, &err), SIM_OK);
	ck_assert_int_eq(cache_find(&c, 5), -1);            /* both ways empty */
	ck_assert_int_eq(cache_find_ways(&c, 5, 1), -1);
	cache_access(&c, 5, 1, &ev);                       /* the lowest free way: slot 10 */
	ck_assert_int_eq(cache_find(&c, 5), 10);
	ck_assert_int_eq(cache_find_ways(&c, 5, 1), 10);
	ck_assert_int_eq(cache_find(&c, 21), -1);           /* way 0 holds another line */
	cache_access(&c, 21, 1, &ev);                      /* slot 11 */
	ck_assert_int_eq(cache_find(&c, 21), 11);
	ck_assert_int_eq(cache_find_ways(&c, 21, 1), 11);
	ck_assert_int_eq(cache_find(&c, 5), 10);
	ck_assert_int_eq(cache_find(&c, 37), -1);           /* neither way */
	ck_assert_int_eq(cache_find_ways(&c, 37, 1), -1);
	cache_drop(&c, 10);                                /* way 0 empty, way 1 full */
	ck_assert_int_eq(cache_find(&c, 5), -1);
	ck_assert_int_eq(cache_find(&c, 21), 11);
	ck_assert_int_eq(cache_find_ways(&c, 21, 1), 11);
	cache_fini(&c);
}
END_TEST

/* cache_find and cache_find_ways give the slot a scan of the set gives,
 * over the swept geometries' random streams. */
START_TEST(find_against_scan)
{
	const struct cache_geom *g = &geoms[_i];
	struct cache c;
	struct sim_err err = { 0 };
	uint64_t sets = g->size / (g->ways * g->line), s = 77 + (uint64_t)_i, ev;
	ck_assert_int_eq(cache_init(&c, g, &err), SIM_OK);
	for (uint64_t step = 0; step < 20000; step++) {
		uint64_t line = next_line(3, &s, step, sets, g->ways), probe = next_line(0, &s, step, sets, g->ways);
		cache_access(&c, line, 1, &ev);
		for (int k = 0; k < 2; k++) {
			uint64_t l = k ? probe : line;
			int64_t want = find_by_scan(&c, l);
			ck_assert_int_eq(cache_find(&c, l), want);
			switch (c.lg_ways) {
			case 0: ck_assert_int_eq(cache_find_ways(&c, l, 0), want); break;
			case 1: ck_assert_int_eq(cache_find_ways(&c, l, 1), want); break;
			case 2: ck_assert_int_eq(cache_find_ways(&c, l, 2), want); break;
			case 3: ck_assert_int_eq(cache_find_ways(&c, l, 3), want); break;
			}
		}
	}
	cache_fini(&c);
}
END_TEST

START_TEST(geometry_errors)
{
	struct sim_err err = { 0 };
	struct cache_geom g1 = { 3000, 2, 32 }, g2 = { 1024, 3, 32 }, g3 = { 1024, 2, 48 },
			  g4 = { 1024, 64, 32 }, ok = { 1024, 32, 32 };
	ck_assert_int_eq(cache_geom_check(&g1, "machine.l2", &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "machine.l2.size"));
	ck_assert_int_eq(cache_geom_check(&g2, "machine.l1d", &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "machine.l1d.ways"));
	ck_assert_int_eq(cache_geom_check(&g3, "machine.l1i", &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "machine.l1i.line"));
	ck_assert_int_eq(cache_geom_check(&g4, "machine.l2", &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "ways * line"));
	ck_assert_int_eq(cache_geom_check(&ok, "machine.l2", &err), SIM_OK);   /* fully associative */
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("cache");
	TCase *tc = tcase_create("cache");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, against_reference, 0, (int)(sizeof geoms / sizeof geoms[0]));
	tcase_add_test(tc, find_and_drop);
	tcase_add_test(tc, find_two_ways);
	tcase_add_loop_test(tc, find_against_scan, 0, (int)(sizeof geoms / sizeof geoms[0]));
	tcase_add_test(tc, geometry_errors);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN
