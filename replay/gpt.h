/*
 * The guest's page table, from the trace's pte records (replay/gpt.c).
 */
#ifndef REPLAY_GPT_H
#define REPLAY_GPT_H

#include <stddef.h>
#include <stdint.h>

/* (asid, vpn) -> gppn and protection; open addressing. */
struct gpt {
	uint64_t *vpn;
	uint64_t *val;               /* gppn | prot << GPT_PROT_SHIFT; 0: empty slot */
	uint32_t *asid;
	size_t cap, n;               /* cap a power of two; n < cap / 2 */
};

#define GPT_PROT_SHIFT 56
#define GPT_GPPN_MASK ((1ull << GPT_PROT_SHIFT) - 1)

int gpt_init(struct gpt *g);
void gpt_free(struct gpt *g);
/* The slot of (asid, vpn), or -1 when the guest has no PTE for it. */
long gpt_find(const struct gpt *g, uint32_t asid, uint64_t vpn);
/* Set (asid, vpn)'s value; SIM_ENOMEM when the table cannot grow. */
int gpt_set(struct gpt *g, uint32_t asid, uint64_t vpn, uint64_t val);
void gpt_clear(struct gpt *g, uint32_t asid, uint64_t vpn);

#endif
