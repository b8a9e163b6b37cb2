/*
 * The guest's page table, from the trace's pte records (replay/gpt.c).
 */
#ifndef REPLAY_GPT_H
#define REPLAY_GPT_H

#include <stddef.h>
#include <stdint.h>

/* (asid, vpn) -> gppn and protection; open addressing, one slot a struct
 * (a probe reads one host cache line, not three arrays), the two pages of
 * an even/odd pair hashed to neighbouring slots (a TLB refill reads both). */
struct gpt_slot {
	uint64_t vpn;
	uint64_t val;                /* gppn | prot << GPT_PROT_SHIFT; 0: empty slot */
	uint32_t asid;
};
struct gpt {
	struct gpt_slot *s;          /* [cap] */
	size_t cap, n;               /* cap a power of two; n < cap / 2 */
};

#define GPT_PROT_SHIFT 56
#define GPT_GPPN_MASK ((1ull << GPT_PROT_SHIFT) - 1)

int gpt_init(struct gpt *g);
void gpt_free(struct gpt *g);

/* The home slot of (asid, vpn): the pair's hash, then the page's half.
 * The product's high half is folded into the bits taken: the ASID (<< 40)
 * reaches only the product's bits from 40 up, and the same pages of
 * several address spaces (every process's text, stack and heap at the
 * same addresses) must not share a home and a probe chain. */
static inline size_t gpt_hash(uint32_t asid, uint64_t vpn, size_t cap)
{
	uint64_t h = ((vpn >> 1) ^ ((uint64_t)asid << 40)) * 0x9E3779B97F4A7C15ull;
	h ^= h >> 32;
	return (size_t)((h >> 20) << 1 | (vpn & 1)) & (cap - 1);
}

/* The slot of (asid, vpn), or -1 when the guest has no PTE for it. */
static inline long gpt_find(const struct gpt *g, uint32_t asid, uint64_t vpn)
{
	for (size_t i = gpt_hash(asid, vpn, g->cap); g->s[i].val; i = (i + 1) & (g->cap - 1))
		if (g->s[i].vpn == vpn && g->s[i].asid == asid)
			return (long)i;
	return -1;
}

/* The value of slot i (gpt_find's). */
static inline uint64_t gpt_val(const struct gpt *g, long i) { return g->s[i].val; }

/* Set (asid, vpn)'s value; SIM_ENOMEM when the table cannot grow. */
int gpt_set(struct gpt *g, uint32_t asid, uint64_t vpn, uint64_t val);
void gpt_clear(struct gpt *g, uint32_t asid, uint64_t vpn);

#endif
