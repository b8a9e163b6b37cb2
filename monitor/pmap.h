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
#define PMAP_SHARED (UINT64_MAX - 1)   /* pmap_owner of a shared machine page */

typedef struct pmap pmap;

/* Create: guest_pages guest physical pages over nnodes nodes of
 * pages_per_node machine pages each (node n owns [n*ppn, (n+1)*ppn)).  With
 * ncolors > 1 a guest page gets, where its node has one, a machine page of
 * the same cache color (page number mod ncolors); 1 ignores colors. */
int pmap_new(pmap **out, uint64_t guest_pages, int nnodes, uint64_t pages_per_node,
	     uint64_t ncolors, struct sim_err *err);
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

/* memmap: the guest page using machine page mpn (master or replica),
 * PMAP_NONE if free, PMAP_SHARED if several may (below). */
uint64_t pmap_owner(const pmap *p, uint64_t mpn);
/* Every machine page's owner at once ([machine pages], as pmap_owner gives
 * them): for scans of all of memory.  Valid while p lives. */
const uint64_t *pmap_owners(const pmap *p);
/* Blocks of PMAP_SEEN_PAGES pages of which a page was ever mapped (guest,
 * indexed gppn >> PMAP_SEEN_SHIFT) or ever allocated (machine, mpn >>
 * PMAP_SEEN_SHIFT); never cleared.  Every page of a block not seen is
 * PMAP_NONE in pmap_array() (guest) or pmap_owners() (machine), so a scan
 * of all of memory may skip the block.  Valid while p lives. */
#define PMAP_SEEN_SHIFT 6
#define PMAP_SEEN_PAGES (1u << PMAP_SEEN_SHIFT)
const uint8_t *pmap_seen_guest(const pmap *p);
const uint8_t *pmap_seen_machine(const pmap *p);
/* The same blocks, flagged (1) whenever a page of theirs changes its
 * mapping (guest: pmap_array) or its owner (machine: pmap_owners), and by
 * the calls below; the one reader (the footprint) clears the flags of the
 * blocks it has looked at.  pmap_note_change: what the pmap does not see
 * changed about guest page gppn (its category): flags its block and those
 * of its machine pages (master and replicas); pmap_note_machine_change:
 * the same for machine page mpn. */
uint8_t *pmap_changed_guest(pmap *p);
uint8_t *pmap_changed_machine(pmap *p);
void pmap_note_change(pmap *p, uint64_t gppn);
void pmap_note_machine_change(pmap *p, uint64_t mpn);
uint64_t pmap_pages_in_use(const pmap *p);

/* NUMA page movement (paper 4.2.3).  A guest page has one master machine
 * page (pmap_lookup) and may have replicas on other nodes, each on a
 * different node; while it has replicas it must be mapped read-only.
 *   pmap_copy_on: the machine page of gppn on node (master or replica), or
 *       PMAP_NONE;
 *   pmap_nreplicas: replicas besides the master;
 *   pmap_migrate: move the master to a free page of `node` (exactly that
 *       node); *old gets the page given up.  PMAP_NONE when the node is full
 *       or the page has replicas;
 *   pmap_replicate: a new replica on `node`; PMAP_NONE when the node is full
 *       or already holds a copy;
 *   pmap_collapse: drop every copy but the one on keep_node (or the master
 *       if keep_node holds none), which becomes the master; the dropped
 *       machine pages go to dropped[] (room for nnodes), their count is
 *       returned. */
uint64_t pmap_copy_on(const pmap *p, uint64_t gppn, int node);
int pmap_nreplicas(const pmap *p, uint64_t gppn);
uint64_t pmap_migrate(pmap *p, uint64_t gppn, int node, uint64_t *old);
uint64_t pmap_replicate(pmap *p, uint64_t gppn, int node);
int pmap_collapse(pmap *p, uint64_t gppn, int keep_node, uint64_t *dropped);
int pmap_node_of(const pmap *p, uint64_t mpn);

/* Sharing (paper 4.2.5): a machine page mapped read-only by several guest
 * pages (of one VM or of several), and perhaps held by the monitor's disk
 * cache; freed when the last reference goes.  Shared pages are never
 * migrated or replicated.
 *   pmap_share: map the unmapped gppn to mpn, which is shared or becomes so
 *       (its private owner then shares it); -1 if mpn has replicas or gppn
 *       is mapped;
 *   pmap_hold: the disk cache keeps mpn (at most one hold); -1 otherwise;
 *   pmap_unshare: copy-on-write: gppn gets a private page (on `node` or the
 *       next with one) in place of its shared one, put in *old (still
 *       allocated while other references remain); PMAP_NONE when gppn is not
 *       shared or the machine is full;
 *   pmap_refs: references to mpn: 0 free, 1 private, else the sharers and
 *       holds. */
int pmap_share(pmap *p, uint64_t gppn, uint64_t mpn);
int pmap_hold(pmap *p, uint64_t mpn);
uint64_t pmap_unshare(pmap *p, uint64_t gppn, int node, uint64_t *old);
int pmap_is_shared(const pmap *p, uint64_t gppn);
uint32_t pmap_refs(const pmap *p, uint64_t mpn);

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
/* Bytes the backmap pool holds (the monitor's own memory). */
uint64_t pmap_backmap_bytes(const pmap *p);

/* Hints to the host's caches, which change nothing in the pmap: the
 * entries of guest page gppn a TLB fill reads (its machine page, whether
 * it is shared, its newest backmap pair), and the memmap entry of machine
 * page mpn (pmap_owner), are wanted soon: fetched while the monitor's
 * modelled paths run before that, their host cache misses overlap. */
void pmap_prefetch_guest(const pmap *p, uint64_t gppn);
void pmap_prefetch_machine(const pmap *p, uint64_t mpn);

/* Invariant check for tests: pmap and memmap agree, free lists hold exactly
 * the unused pages.  Returns 1 when they hold. */
int pmap_check(const pmap *p);

#endif
