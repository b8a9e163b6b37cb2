/*
 * A set-associative cache with LRU replacement: the tag store only (no data),
 * physically indexed by line number (byte address >> log2 line).  Used for
 * the L1s and the L2 of every CPU; what the per-line state bits mean is the
 * owner's business (machine.c).  Internal to machine/.
 */
#ifndef MACHINE_CACHE_H
#define MACHINE_CACHE_H

#include <stdint.h>

#include "base/err.h"
#include "machine/machine.h"

#define CACHE_NONE UINT64_MAX   /* tag of an invalid slot */

/* Struct-of-arrays, indexed by slot = set << lg_ways | way. */
struct cache {
	int lg_line, lg_sets, lg_ways;
	uint64_t set_mask;      /* (1 << lg_sets) - 1 */
	uint64_t tick;          /* LRU clock: bumped by every touch */
	uint64_t *tag;          /* line number, or CACHE_NONE */
	uint64_t *stamp;        /* tick of the last touch; larger is more recent */
	uint8_t *state;         /* owner's bits; 0 when the slot is invalid */
};

/* Validate a geometry: powers of two, ways * line divides size.  name names
 * the parameters in the message ("machine.l2"). */
int cache_geom_check(const struct cache_geom *g, const char *name, struct sim_err *err);

/* Allocate the arrays (every slot invalid); cache_fini frees them. */
int cache_init(struct cache *c, const struct cache_geom *g, struct sim_err *err);
void cache_fini(struct cache *c);
void cache_clear(struct cache *c);

static inline uint64_t cache_nslots(const struct cache *c)
{
	return (uint64_t)1 << (c->lg_sets + c->lg_ways);
}

/* Whether a set of 1 << lg_ways ways (its tags from t) holds line, and in
 * which way (*way); lg_ways a constant where it is inlined (cache_find_ways,
 * and machine/hit.h's loop over consecutive sets).  Compares every way into
 * a mask rather than stopping at the first match: which way hits is close
 * to random, and a branch on it is mispredicted about half the time (ways
 * <= 64). */
static inline __attribute__((always_inline)) int cache_set_find(const uint64_t *t, uint64_t line, int lg_ways,
								 uint64_t *way)
{
	uint64_t hit = 0;
	if (lg_ways == 1) {
		/* way 1 if it holds the line, else way 0, whose tag then
		 * decides: a line is in one way of its set at most (CACHE_NONE
		 * is no line), so the same way as the mask's, in fewer steps */
		*way = t[1] == line;
		return t[*way] == line;
	}
	for (unsigned w = 0; w < 1u << lg_ways; w++)
		hit |= (uint64_t)(t[w] == line) << w;
	*way = (uint64_t)__builtin_ctzll(hit | (uint64_t)1 << 63);
	return hit != 0;
}

/* cache_find() for a cache of 1 << lg_ways ways, a constant where it is
 * inlined (the callers that specialize on it: machine/hit.h, and
 * cache_find itself). */
static inline __attribute__((always_inline)) int64_t cache_find_ways(const struct cache *c, uint64_t line,
								     int lg_ways)
{
	uint64_t base = (line & c->set_mask) << lg_ways, w;
	return cache_set_find(c->tag + base, line, lg_ways, &w) ? (int64_t)(base + w) : -1;
}

/* The slot holding line, or -1. */
static inline int64_t cache_find(const struct cache *c, uint64_t line)
{
	switch (c->lg_ways) {   /* the common associativities unrolled */
	case 0: return cache_find_ways(c, line, 0);
	case 1: return cache_find_ways(c, line, 1);
	case 2: return cache_find_ways(c, line, 2);
	default: return cache_find_ways(c, line, c->lg_ways);
	}
}

static inline void cache_touch(struct cache *c, int64_t slot) { c->stamp[slot] = ++c->tick; }

/* The slot a new line would replace: the lowest invalid way of its set, or
 * else the least recently touched (the lowest such way on a tie).  Inline,
 * two ways unrolled: each L1 and L2 miss asks. */
static inline int64_t cache_victim(const struct cache *c, uint64_t line)
{
	uint64_t base = (line & c->set_mask) << c->lg_ways;
	const uint64_t *t = c->tag + base, *st = c->stamp + base;
	unsigned n = 1u << c->lg_ways, best = 0;
	if (c->lg_ways == 1) {
		if (t[0] == CACHE_NONE)
			return (int64_t)base;
		if (t[1] == CACHE_NONE)
			return (int64_t)base + 1;
		return (int64_t)(base + (st[1] < st[0]));
	}
	for (unsigned w = 0; w < n; w++) {
		if (t[w] == CACHE_NONE)
			return (int64_t)(base + w);
		if (st[w] < st[best])
			best = w;
	}
	return (int64_t)(base + best);
}

/* Put line in slot (the caller has dealt with what was there) and touch it. */
static inline void cache_install(struct cache *c, int64_t slot, uint64_t line, uint8_t state)
{
	c->tag[slot] = line;
	c->state[slot] = state;
	cache_touch(c, slot);
}

static inline void cache_drop(struct cache *c, int64_t slot)
{
	c->tag[slot] = CACHE_NONE;
	c->state[slot] = 0;
	c->stamp[slot] = 0;
}

/* A whole access for simple users and tests: returns 1 on a hit (touched);
 * on a miss installs line with state `state` and sets *evicted to the line
 * it replaced (CACHE_NONE if the slot was free); returns 0. */
int cache_access(struct cache *c, uint64_t line, uint8_t state, uint64_t *evicted);

#endif
