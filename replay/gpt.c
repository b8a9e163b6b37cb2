/*
 * The guest's page table as the engine knows it from the trace's pte.set and
 * pte.clear records: (asid, vpn) -> guest physical page and protection, in
 * an open-addressing hash table.  The TLB refill the engine synthesizes
 * reads it (replay/engine.c, tlb_miss).
 */
#include "base/err.h"
#include "base/mem.h"
#include "replay/gpt.h"

static inline size_t gpt_hash(uint32_t asid, uint64_t vpn, size_t cap)
{
	uint64_t h = (vpn ^ ((uint64_t)asid << 40)) * 0x9E3779B97F4A7C15ull;
	return (size_t)(h >> 20) & (cap - 1);
}

int gpt_init(struct gpt *g)
{
	g->cap = 1024;
	g->n = 0;
	g->vpn = sim_calloc(g->cap, sizeof *g->vpn);
	g->val = sim_calloc(g->cap, sizeof *g->val);
	g->asid = sim_calloc(g->cap, sizeof *g->asid);
	return g->vpn && g->val && g->asid ? SIM_OK : SIM_ENOMEM;
}

void gpt_free(struct gpt *g)
{
	sim_free(g->vpn);
	sim_free(g->val);
	sim_free(g->asid);
}

long gpt_find(const struct gpt *g, uint32_t asid, uint64_t vpn)
{
	for (size_t i = gpt_hash(asid, vpn, g->cap); g->val[i]; i = (i + 1) & (g->cap - 1))
		if (g->vpn[i] == vpn && g->asid[i] == asid)
			return (long)i;
	return -1;
}

int gpt_set(struct gpt *g, uint32_t asid, uint64_t vpn, uint64_t val)
{
	long f = gpt_find(g, asid, vpn);
	size_t i;
	if (f >= 0) {
		g->val[f] = val;
		return SIM_OK;
	}
	if ((g->n + 1) * 2 > g->cap) {
		struct gpt ng = { 0 };
		ng.cap = g->cap * 2;
		ng.vpn = sim_calloc(ng.cap, sizeof *ng.vpn);
		ng.val = sim_calloc(ng.cap, sizeof *ng.val);
		ng.asid = sim_calloc(ng.cap, sizeof *ng.asid);
		if (!ng.vpn || !ng.val || !ng.asid) {
			gpt_free(&ng);
			return SIM_ENOMEM;
		}
		for (size_t j = 0; j < g->cap; j++)
			if (g->val[j]) {
				size_t k = gpt_hash(g->asid[j], g->vpn[j], ng.cap);
				while (ng.val[k])
					k = (k + 1) & (ng.cap - 1);
				ng.vpn[k] = g->vpn[j];
				ng.val[k] = g->val[j];
				ng.asid[k] = g->asid[j];
			}
		ng.n = g->n;
		gpt_free(g);
		*g = ng;
	}
	i = gpt_hash(asid, vpn, g->cap);
	while (g->val[i])
		i = (i + 1) & (g->cap - 1);
	g->vpn[i] = vpn;
	g->asid[i] = asid;
	g->val[i] = val;
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
	g->val[i] = 0;
	g->n--;
	for (j = (i + 1) & (g->cap - 1); g->val[j]; j = (j + 1) & (g->cap - 1)) {
		size_t h = gpt_hash(g->asid[j], g->vpn[j], g->cap);
		/* move j back to i if its home is not in (i, j] cyclically */
		if ((j > i && (h <= i || h > j)) || (j < i && (h <= i && h > j))) {
			g->vpn[i] = g->vpn[j];
			g->asid[i] = g->asid[j];
			g->val[i] = g->val[j];
			g->val[j] = 0;
			i = j;
		}
	}
}

