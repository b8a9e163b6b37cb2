/*
 * The R10000-style TLB (tlb.h).
 *
 * NOTES ON THE DESIGN
 *
 * Definitions.  An entry maps an even/odd pair of virtual pages: its tag is
 * (vpn2, asid, global).  An entry is live from the moment it is written until
 * it is flushed or invalidated; a live entry may have both halves invalid (it
 * still answers tlbp, as on the MIPS).  (asid, vpn) matches a live entry when
 * vpn >> 1 == vpn2 and (global or asid equal).
 *
 * Invariants:
 *   (1) no two live entries can match the same (asid, vpn): every write first
 *       drops the live entries whose tag overlaps the new one (same vpn2 and
 *       either global or equal asid), so lookups and probes have one answer.
 *   (2) tc[h], the translation cache, is empty (vpn2 == TC_NONE) or an exact
 *       copy of live entry tc[h].slot, whose vpn2 hashes to h: every change
 *       to an entry (put, kill) updates or empties the copy naming it.  A
 *       lookup that finds its (vpn2, asid) in tc[h] is answered from that one
 *       small record; otherwise it scans and refills tc[h].
 *   (3) a dead entry reads back as all zeros (tlbr after a flush).
 *   (4) nlive[h] counts the live entries whose vpn2 hashes to h: a lookup or
 *       a write whose bucket is empty needs no scan (most TLB misses).
 *
 * Random replacement: splitmix64 (base/rng.h) seeded by the seed given to tlb_new; each
 * tlbwr draws one number and writes index wired + x % (entries - wired).  The
 * same seed and the same sequence of calls give the same indices.
 */
#include "machine/tlb.h"

#include <assert.h>
#include <string.h>

#include "base/mem.h"
#include "base/rng.h"

#define TC_NONE UINT64_MAX          /* vpn2 of an empty tc record (vpn2 < 2^63) */

struct tc {
	uint64_t vpn2;
	uint64_t pfn[2];
	uint32_t asid;
	uint8_t global;
	uint8_t bits;                /* 1 << half: valid; 4 << half: dirty */
	int16_t slot;
};

struct tlb {
	int entries, wired;
	uint64_t rng;                /* splitmix64 state */
	/* x % (entries - wired) without a division (Lemire, Kaser and Kurz,
	 * "Faster remainder by direct computation", 2019: exact for every
	 * 64-bit x and divisor): rnd_m = 2^128 / rnd_d rounded up, 0 when
	 * rnd_d is 1 */
	uint64_t rnd_d;
	unsigned __int128 rnd_m;
	struct tlb_entry *e;         /* [entries] */
	uint8_t *live;               /* [entries] */
	struct tc *tc;               /* [1 << lg_hint]: translation cache, (2) */
	uint16_t *nlive;             /* [1 << lg_hint]: live entries whose vpn2 hashes here */
	int lg_hint;
};

static inline unsigned hint_of(const struct tlb *t, uint64_t vpn2)
{
	return (unsigned)((vpn2 * 0x9E3779B97F4A7C15ull) >> (64 - t->lg_hint));
}

static inline uint8_t half_bits(const struct tlb_entry *e)
{
	return (uint8_t)((e->valid[0] != 0) | (e->valid[1] != 0) << 1 | (e->dirty[0] != 0) << 2 |
			 (e->dirty[1] != 0) << 3);
}

int tlb_check(const struct tlb *t)
{
	for (unsigned h = 0; h < 1u << t->lg_hint; h++) {
		unsigned n = 0;
		for (int i = 0; i < t->entries; i++)
			n += t->live[i] && hint_of(t, t->e[i].vpn2) == h;
		if (n != t->nlive[h])
			return 0;
		const struct tc *c = &t->tc[h];
		if (c->vpn2 != TC_NONE) {
			const struct tlb_entry *e = &t->e[c->slot];
			if (!t->live[c->slot] || e->vpn2 != c->vpn2 || hint_of(t, e->vpn2) != h ||
			    e->asid != c->asid || !e->global != !c->global ||
			    c->bits != half_bits(e) ||
			    (e->valid[0] && e->pfn[0] != c->pfn[0]) || (e->valid[1] && e->pfn[1] != c->pfn[1]))
				return 0;
		}
	}
	return 1;
}

int tlb_new(struct tlb **out, int entries, int wired, uint64_t seed, struct sim_err *err)
{
	struct tlb *t;
	int lg = 4;

	*out = NULL;
	if (entries < 1 || entries > 16384)
		return sim_errf(err, SIM_EINVAL, "tlb: %d entries: must be in [1, 16384]", entries);
	if (wired < 0 || wired >= entries)
		return sim_errf(err, SIM_EINVAL,
				"tlb: %d wired entries: must be in [0, entries - 1 = %d]", wired,
				entries - 1);
	while ((1 << lg) < 4 * entries)
		lg++;
	t = sim_calloc(1, sizeof *t);
	if (!t)
		goto out_nomem;
	t->entries = entries;
	t->wired = wired;
	t->rng = seed;
	t->rnd_d = (uint64_t)(entries - wired);
	t->rnd_m = t->rnd_d == 1 ? 0 : ~(unsigned __int128)0 / t->rnd_d + 1;
	t->lg_hint = lg;
	t->e = sim_calloc((size_t)entries, sizeof *t->e);
	t->live = sim_calloc((size_t)entries, 1);
	t->tc = sim_malloc(sizeof *t->tc << lg);
	t->nlive = sim_calloc((size_t)1 << lg, sizeof *t->nlive);
	if (!t->e || !t->live || !t->tc || !t->nlive)
		goto out_free_tlb;
	for (unsigned h = 0; h < 1u << lg; h++)
		t->tc[h] = (struct tc){ .vpn2 = TC_NONE, .slot = -1 };
	*out = t;
	return SIM_OK;

out_free_tlb:
	tlb_free(t);
out_nomem:
	return sim_errf(err, SIM_ENOMEM, "tlb: out of memory for %d entries", entries);
}

void tlb_free(struct tlb *t)
{
	if (!t)
		return;
	sim_free(t->e);
	sim_free(t->live);
	sim_free(t->tc);
	sim_free(t->nlive);
	sim_free(t);
}

static inline int matches(const struct tlb *t, int i, uint32_t asid, uint64_t vpn2)
{
	const struct tlb_entry *e = &t->e[i];
	return t->live[i] && e->vpn2 == vpn2 && (e->global || e->asid == asid);
}

static inline int tc_hit(const struct tc *c, uint32_t asid, uint64_t vpn2)
{
	return c->vpn2 == vpn2 && (c->asid == asid || c->global);
}

static void tc_fill(struct tlb *t, unsigned h, int i)
{
	const struct tlb_entry *e = &t->e[i];
	struct tc *c = &t->tc[h];
	c->vpn2 = e->vpn2;
	c->asid = e->asid;
	c->global = e->global;
	c->pfn[0] = e->pfn[0];
	c->pfn[1] = e->pfn[1];
	c->bits = half_bits(e);
	c->slot = (int16_t)i;
}

static int find(const struct tlb *t, uint32_t asid, uint64_t vpn2)
{
	unsigned hi = hint_of(t, vpn2);
	if (tc_hit(&t->tc[hi], asid, vpn2))
		return t->tc[hi].slot;
	if (t->nlive[hi] == 0)   /* (4) */
		return -1;
	if (t->nlive[hi] == 1 && t->tc[hi].vpn2 != TC_NONE)
		return -1;   /* the bucket's one live entry is tc[hi] (2), which does not match */
	for (int i = 0; i < t->entries; i++)
		if (matches(t, i, asid, vpn2))
			return i;
	return -1;
}

/* The slow part of a lookup, out of line so the hit path saves no registers. */
static __attribute__((noinline)) int refill(struct tlb *t, unsigned hi, uint32_t asid, uint64_t vpn2)
{
	int i = find(t, asid, vpn2);
	if (i < 0)
		return 0;
	tc_fill(t, hi, i);   /* (2) */
	return 1;
}

int tlb_lookup(struct tlb *t, uint32_t asid, uint64_t vpn, uint64_t *pfn, int *writable)
{
	uint64_t vpn2 = vpn >> 1;
	unsigned hi = hint_of(t, vpn2), odd = (unsigned)(vpn & 1);
	const struct tc *c = &t->tc[hi];

	if (__builtin_expect(!tc_hit(c, asid, vpn2), 0) && !refill(t, hi, asid, vpn2))
		return 0;
	if (!(c->bits >> odd & 1))
		return 0;
	*pfn = c->pfn[odd];
	*writable = c->bits >> (2 + odd) & 1;
	return 1;
}

/* Take live entry i out of nlive and the translation cache (keeps (2),
 * (4) for its going). */
static inline void unlink_live(struct tlb *t, int i)
{
	unsigned h = hint_of(t, t->e[i].vpn2);
	t->nlive[h]--;
	if (t->tc[h].slot == i)   /* (2) */
		t->tc[h] = (struct tc){ .vpn2 = TC_NONE, .slot = -1 };
}

static void kill(struct tlb *t, int i)
{
	if (t->live[i])
		unlink_live(t, i);
	memset(&t->e[i], 0, sizeof t->e[i]);   /* (3) */
	t->live[i] = 0;
}

/* Keeps (1): drop every live entry other than `keep` whose tag overlaps e's
 * (h: the bucket of e's vpn2). */
static void drop_overlaps(struct tlb *t, const struct tlb_entry *e, int keep, unsigned h)
{
	if (t->nlive[h] == 0)   /* (4) */
		return;
	if (t->nlive[h] == 1 && t->tc[h].vpn2 != TC_NONE) {
		/* the bucket's one live entry is tc[h] (2): only it can overlap */
		int i = t->tc[h].slot;
		if (i != keep && t->e[i].vpn2 == e->vpn2 &&
		    (e->global || t->e[i].global || t->e[i].asid == e->asid))
			kill(t, i);
		return;
	}
	for (int i = 0; i < t->entries; i++) {
		if (i == keep || !t->live[i] || t->e[i].vpn2 != e->vpn2)
			continue;
		if (e->global || t->e[i].global || t->e[i].asid == e->asid)
			kill(t, i);
	}
}

/* Write e at index i: kill(i) and the new entry in its place, without
 * the zeroing that the entry's copy overwrites at once. */
static void put(struct tlb *t, int i, const struct tlb_entry *e)
{
	unsigned h = hint_of(t, e->vpn2);
	drop_overlaps(t, e, i, h);
	if (t->live[i])
		unlink_live(t, i);
	t->e[i] = *e;
	t->e[i].global = e->global ? 1 : 0;
	t->live[i] = 1;
	t->nlive[h]++;
	tc_fill(t, h, i);   /* (2) */
}

/* x % t->rnd_d: the low 128 bits of rnd_m * x, times rnd_d, >> 128. */
static inline uint64_t rnd_mod(const struct tlb *t, uint64_t x)
{
	unsigned __int128 low = t->rnd_m * x;
	unsigned __int128 bottom = ((unsigned __int128)(uint64_t)low * t->rnd_d) >> 64;
	unsigned __int128 top = (unsigned __int128)(uint64_t)(low >> 64) * t->rnd_d;
	return (uint64_t)((bottom + top) >> 64);
}

int tlb_replace_random(struct tlb *t, const struct tlb_entry *e, uint64_t *gone)
{
	uint64_t x = sim_rng_next(&t->rng);
	int i = t->wired + (int)rnd_mod(t, x);
	*gone = t->live[i] ? t->e[i].vpn2 : TLB_NO_PAIR;
	put(t, i, e);
	return i;
}

int tlb_write_random(struct tlb *t, const struct tlb_entry *e)
{
	uint64_t gone;
	return tlb_replace_random(t, e, &gone);
}

int tlb_write_indexed(struct tlb *t, int index, const struct tlb_entry *e)
{
	assert(index >= 0 && index < t->entries);
	put(t, index, e);
	return index;
}

int tlb_probe(const struct tlb *t, uint32_t asid, uint64_t vpn)
{
	return find(t, asid, vpn >> 1);
}

const struct tlb_entry *tlb_read(const struct tlb *t, int index)
{
	assert(index >= 0 && index < t->entries);
	return &t->e[index];
}

void tlb_flush(struct tlb *t)
{
	for (int i = 0; i < t->entries; i++)
		kill(t, i);
}

void tlb_flush_nonwired(struct tlb *t)
{
	for (int i = t->wired; i < t->entries; i++)
		kill(t, i);
}

void tlb_invalidate(struct tlb *t, uint32_t asid, uint64_t vpn)
{
	int i = find(t, asid, vpn >> 1);
	if (i >= 0)
		kill(t, i);
}

int tlb_invalidate_pfn(struct tlb *t, uint64_t pfn)
{
	int n = 0;
	for (int i = 0; i < t->entries; i++) {
		const struct tlb_entry *e = &t->e[i];
		/* the frames first: they rule out nearly every entry (a dead
		 * one's halves are invalid, (3), so its zeros match nothing) */
		if ((e->pfn[0] == pfn && e->valid[0]) || (e->pfn[1] == pfn && e->valid[1])) {
			assert(t->live[i]);
			kill(t, i);
			n++;
		}
	}
	return n;
}

int tlb_entries(const struct tlb *t) { return t->entries; }
int tlb_wired(const struct tlb *t) { return t->wired; }
