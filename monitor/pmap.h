/*
 * Physical-to-machine memory (paper 4.2.2, DESIGN 5): the pmap of a VM maps
 * each guest physical page to a machine page, given at first touch on the
 * node a placement policy chooses; the memmap maps each machine page back to
 * the guest page using it.  Machine pages come from per-node free lists.
 */
#ifndef MONITOR_PMAP_H
#define MONITOR_PMAP_H

#include <stdint.h>

#include "base/err.h"

#define PMAP_NONE UINT64_MAX

typedef struct pmap pmap;

/* Create: guest_pages guest physical pages over nnodes nodes of
 * pages_per_node machine pages each (node n owns [n*ppn, (n+1)*ppn)). */
int pmap_new(pmap **out, uint64_t guest_pages, int nnodes, uint64_t pages_per_node,
	     struct sim_err *err);
void pmap_free(pmap *p);

/* The machine page of gppn, PMAP_NONE if not yet touched. */
static inline uint64_t pmap_lookup(const uint64_t *map, uint64_t gppn) { return map[gppn]; }
const uint64_t *pmap_array(const pmap *p);   /* [guest_pages], for inline lookups */
uint64_t pmap_guest_pages(const pmap *p);

/* Give gppn a machine page on node `node`, or on the next node (in order)
 * with a free page.  Returns the machine page, PMAP_NONE when the machine is
 * full. */
uint64_t pmap_assign(pmap *p, uint64_t gppn, int node);
/* Take gppn's machine page back to its node's free list. */
void pmap_release(pmap *p, uint64_t gppn);

/* memmap: the guest page using machine page mpn, PMAP_NONE if free. */
uint64_t pmap_owner(const pmap *p, uint64_t mpn);
uint64_t pmap_pages_in_use(const pmap *p);

/* Backmaps: the virtual pages (asid, vpn) through which a guest page may be
 * mapped in some TLB or L2TLB, so that the monitor can invalidate them all
 * when the page's machine page changes or goes away.  add ignores a pair
 * already present; a page with more than PMAP_BACKMAP_MAX pairs is marked
 * overflowed (callers then flush everything).  Returns SIM_ENOMEM when the
 * pool cannot grow. */
#define PMAP_BACKMAP_MAX 64
int pmap_backmap_add(pmap *p, uint64_t gppn, uint32_t asid, uint64_t vpn);
/* Call fn for each pair of gppn; returns 1 if the page overflowed. */
int pmap_backmap_foreach(const pmap *p, uint64_t gppn,
			 void (*fn)(void *ctx, uint32_t asid, uint64_t vpn), void *ctx);
void pmap_backmap_clear(pmap *p, uint64_t gppn);

/* Invariant check for tests: pmap and memmap agree, free lists hold exactly
 * the unused pages.  Returns 1 when they hold. */
int pmap_check(const pmap *p);

#endif
