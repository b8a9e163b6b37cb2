/*
 * The guest's page table as the engine knows it from the trace's pte.set and
 * pte.clear records: (asid, vpn) -> guest physical page and protection, in
 * an open-addressing hash table.  The TLB refill the engine synthesizes
 * reads it (replay/engine.c, tlb_miss).
 */
#include "base/err.h"
#include "base/mem.h"
#include "replay/gpt.h"

int gpt_init(struct gpt *g)
{
	g->cap = 1024;
	g->n = 0;
	g->s = sim_calloc(g->cap, sizeof *g->s);
	return g->s ? SIM_OK : SIM_ENOMEM;
}

void gpt_free(struct gpt *g)
{
	sim_free(g->s);
}

int gpt_set(struct gpt *g, uint32_t asid, uint64_t vpn, uint64_t val)
{
	long f = gpt_find(g, asid, vpn);
	size_t i;

	if (f >= 0) {
		g->s[f].val = val;
		return SIM_OK;
	}
	if ((g->n + 1) * 2 > g->cap) {
		struct gpt ng = { 0 };
		ng.cap = g->cap * 2;
		ng.s = sim_calloc(ng.cap, sizeof *ng.s);
		if (!ng.s)
			return SIM_ENOMEM;
		for (size_t j = 0; j < g->cap; j++)
			if (g->s[j].val) {
				size_t k = gpt_hash(g->s[j].asid, g->s[j].vpn, ng.cap);
				while (ng.s[k].val)
					k = (k + 1) & (ng.cap - 1);
				ng.s[k] = g->s[j];
			}
		ng.n = g->n;
		gpt_free(g);
		*g = ng;
	}
	i = gpt_hash(asid, vpn, g->cap);
	while (g->s[i].val)
		i = (i + 1) & (g->cap - 1);
	g->s[i] = (struct gpt_slot){ .vpn = vpn, .val = val, .asid = asid };
	g->n++;
	return SIM_OK;
}

/* Backward-shift deletion keeps every probe chain unbroken. */
void gpt_clear(struct gpt *g, uint32_t asid, uint64_t vpn)
{
	long f = gpt_find(g, asid, vpn);
	size_t i, j;

	if (f < 0)
		return;
	i = (size_t)f;
	g->s[i].val = 0;
	g->n--;
	for (j = (i + 1) & (g->cap - 1); g->s[j].val; j = (j + 1) & (g->cap - 1)) {
		size_t h = gpt_hash(g->s[j].asid, g->s[j].vpn, g->cap);
		/* move j back to i if its home is not in (i, j] cyclically */
		if ((j > i && (h <= i || h > j)) || (j < i && (h <= i && h > j))) {
			g->s[i] = g->s[j];
			g->s[j].val = 0;
			i = j;
		}
	}
}
