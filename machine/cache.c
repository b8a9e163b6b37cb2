/*
 * Set-associative LRU tag store (cache.h).
 *
 * NOTES ON THE DESIGN
 *
 * A line number L lives in set L & set_mask, in one of 1 << lg_ways slots
 * numbered (set << lg_ways) + way; the arrays tag, stamp and state are kept
 * apart (struct-of-arrays) so a lookup reads one small run of tags.
 *
 * Invariants:
 *   (1) tag[s] == CACHE_NONE  <=>  state[s] == 0 and stamp[s] == 0;
 *   (2) a valid tag in slot s belongs to set s >> lg_ways;
 *   (3) no line is in two slots;
 *   (4) stamps of valid slots are distinct and <= tick, so LRU is a total
 *       order within a set (the victim is the minimum).
 */
#include "machine/cache.h"

#include <string.h>

#include "base/mem.h"

static int is_pow2(uint64_t x) { return x && !(x & (x - 1)); }

static int lg2(uint64_t x)
{
	int n = 0;
	while (x > 1) {
		x >>= 1;
		n++;
	}
	return n;
}

int cache_geom_check(const struct cache_geom *g, const char *name, struct sim_err *err)
{
	if (!is_pow2(g->size))
		return sim_errf(err, SIM_EINVAL, "%s.size = %llu: must be a power of two", name,
				(unsigned long long)g->size);
	if (!is_pow2(g->line))
		return sim_errf(err, SIM_EINVAL, "%s.line = %u: must be a power of two", name, g->line);
	if (!is_pow2(g->ways))
		return sim_errf(err, SIM_EINVAL, "%s.ways = %u: must be a power of two", name, g->ways);
	if ((uint64_t)g->ways * g->line > g->size)
		return sim_errf(err, SIM_EINVAL,
				"%s: ways * line = %u * %u exceeds size %llu: no set would be left",
				name, g->ways, g->line, (unsigned long long)g->size);
	return SIM_OK;
}

int cache_init(struct cache *c, const struct cache_geom *g, struct sim_err *err)
{
	int rc = cache_geom_check(g, "cache", err);
	size_t n;

	memset(c, 0, sizeof *c);
	if (rc)
		return rc;
	c->lg_line = lg2(g->line);
	c->lg_ways = lg2(g->ways);
	c->lg_sets = lg2(g->size / ((uint64_t)g->ways * g->line));
	c->set_mask = ((uint64_t)1 << c->lg_sets) - 1;
	n = (size_t)cache_nslots(c);
	c->tag = sim_malloc(n * sizeof *c->tag);
	c->stamp = sim_calloc(n, sizeof *c->stamp);
	c->state = sim_calloc(n, 1);
	if (!c->tag || !c->stamp || !c->state) {
		cache_fini(c);
		return sim_errf(err, SIM_ENOMEM, "cache: out of memory for %zu lines", n);
	}
	memset(c->tag, 0xff, n * sizeof *c->tag);   /* CACHE_NONE */
	return SIM_OK;
}

void cache_fini(struct cache *c)
{
	sim_free(c->tag);
	sim_free(c->stamp);
	sim_free(c->state);
	c->tag = c->stamp = NULL;
	c->state = NULL;
}

void cache_clear(struct cache *c)
{
	size_t n = (size_t)cache_nslots(c);
	memset(c->tag, 0xff, n * sizeof *c->tag);
	memset(c->stamp, 0, n * sizeof *c->stamp);
	memset(c->state, 0, n);
}

int cache_access(struct cache *c, uint64_t line, uint8_t state, uint64_t *evicted)
{
	int64_t s = cache_find(c, line);
	if (s >= 0) {
		cache_touch(c, s);
		return 1;
	}
	s = cache_victim(c, line);
	*evicted = c->tag[s];
	cache_install(c, s, line, state);
	return 0;
}
