/*
 * pmap and memmap.
 *
 * Definitions: a guest page (gppn) is a page of a VM's physical memory; a
 * machine page (mpn) a page of the real machine; node n owns machine pages
 * [n * ppn, (n + 1) * ppn).
 * Invariants:
 *   (1) map[g] == m != NONE  <=>  owner[m] == g;
 *   (2) every machine page is either owned or on exactly one free list, that
 *       of its own node and its own color (mpn mod ncolors: the page's cache
 *       color, the bits of the machine address that index the L2 above the
 *       page offset);
 *   (3) a free list hands out its lowest page first, and a guest page gets a
 *       machine page of its own color (gppn mod ncolors) when its node has
 *       one, else of the next color that has (deterministic layout; with one
 *       color, consecutive guest pages touched in order land in consecutive
 *       pages).  Keeping colors makes where a page lies change the latency of
 *       its misses, not their number: the L2 sees the same set conflicts
 *       whatever the placement;
 *   (4') a replica is owned by its guest page like the master; the copies of
 *       a guest page (master and replicas) lie on pairwise different nodes;
 *       only guest pages with a master have replicas;
 *   (5) a shared machine page (owner[m] == PMAP_SHARED, paper 4.2.5) is
 *       mapped by refs[m] - held[m] guest pages, each with shared[g] set
 *       and no replica, plus held[m] holds of the monitor's disk cache;
 *       refs[m] >= 1.  It goes back to its free list when refs[m] reaches 0;
 *   (4) a page's backmap is its newest pair, in bm_first[g] (vpn BM_EMPTY
 *       when it has none), then a list of pool nodes, newest first; a pool
 *       node is on exactly one list: a guest page's, or the free list; a
 *       page's pairs are each (asid, vpn) at most once and at most
 *       PMAP_BACKMAP_MAX (past that the page is marked overflowed);
 *       bm_live counts every page's pairs, and bm_used - 1 is the most
 *       there ever were (what a pool of one node per pair would have grown
 *       to: the monitor's memory, pmap_backmap_bytes);
 *   (6) map[g] != NONE  =>  gseen[g / PMAP_SEEN_PAGES], and
 *       owner[m] != NONE  =>  mseen[m / PMAP_SEEN_PAGES]: a scan of all of
 *       memory (the footprint's, at every sample) skips the blocks never used;
 *   (7) a block's gchg (mchg) flag is set whenever map[] (owner[]) of one of
 *       its pages is written, and by pmap_note_change(): its reader (the
 *       footprint) counts again only the blocks flagged since it last looked.
 */
#include "monitor/pmap.h"

#include "base/mem.h"

#define BM_EMPTY UINT64_MAX   /* bm_first[g].vpn of a page without pairs: no page's vpn */

struct pmap {
	uint64_t guest_pages;
	int nnodes;
	uint64_t ppn;            /* machine pages per node */
	uint64_t *map;           /* [guest_pages] gppn -> mpn */
	uint64_t *owner;         /* [nnodes * ppn] mpn -> gppn */
	uint64_t ncolors;
	uint64_t *free_stack;    /* [nnodes * ppn]: list (n, c) in [start[l], start[l] + cfree[l]),
				  * l = n * ncolors + c */
	uint64_t *start, *cfree; /* [nnodes * ncolors] */
	uint64_t *nfree;         /* [nnodes]: free pages of node n, all colors */
	uint64_t in_use;
	uint32_t *refs;          /* [nnodes * ppn] shared pages: guest mappings + holds */
	uint8_t *held;           /* [nnodes * ppn] holds of the disk cache (0 or 1) */
	uint8_t *shared;         /* [guest_pages] the page maps a shared machine page */
	/* replicas: repl[gppn] indexes a row of nnodes machine pages (PMAP_NONE
	 * where the node has none; the master's node always NONE); 0: none */
	uint32_t *repl;          /* [guest_pages] */
	uint8_t *nrepl;          /* [guest_pages] */
	uint64_t *rows;          /* [rows_cap * nnodes]; row 0 unused */
	uint32_t rows_cap, rows_used, rows_free;
	/* backmaps (4): a page's newest pair inline, the older ones a singly
	 * linked list of nodes from one growing pool; index 0 is the end of a
	 * list.  Every TLB fill adds its pages' pairs, nearly always the pair
	 * a page has already: that one is found in the page's own 16 bytes,
	 * one host cache line, not in three arrays */
	struct bm_node { uint64_t vpn; uint32_t asid, next; } *bm_first;   /* [guest_pages] */
	uint8_t *bm_count;       /* [guest_pages]; PMAP_BACKMAP_MAX + 1: overflowed */
	struct bm_node *bm;      /* the pool */
	uint32_t bm_cap, bm_pool_used, bm_free;
	uint64_t bm_live;        /* pairs in every page's backmap */
	uint64_t bm_used;        /* 1 + the most pairs there ever were */
	/* blocks of PMAP_SEEN_PAGES pages ever mapped (guest) or allocated
	 * (machine), never cleared: (6) */
	uint8_t *gseen;          /* [guest_pages / PMAP_SEEN_PAGES rounded up] */
	uint8_t *mseen;          /* [nnodes * ppn / PMAP_SEEN_PAGES rounded up] */
	/* the same blocks, changed since their reader last cleared them: (7) */
	uint8_t *gchg, *mchg;
};

/* Every write of map[] and owner[] goes through these: keeps (7). */
static inline void set_map(pmap *p, uint64_t g, uint64_t m)
{
	p->map[g] = m;
	p->gchg[g >> PMAP_SEEN_SHIFT] = 1;
}

static inline void set_owner(pmap *p, uint64_t m, uint64_t g)
{
	p->owner[m] = g;
	p->mchg[m >> PMAP_SEEN_SHIFT] = 1;
}

int pmap_new(pmap **out, uint64_t guest_pages, int nnodes, uint64_t pages_per_node,
	     uint64_t ncolors, struct sim_err *err)
{
	pmap *p = sim_calloc(1, sizeof *p);
	uint64_t total = (uint64_t)nnodes * pages_per_node;

	*out = NULL;
	if (!p)
		goto out_nomem;
	p->guest_pages = guest_pages;
	p->nnodes = nnodes;
	p->ppn = pages_per_node;
	p->ncolors = ncolors < 1 ? 1 : ncolors > pages_per_node ? pages_per_node : ncolors;
	p->map = sim_malloc(guest_pages * sizeof *p->map);
	p->owner = sim_malloc(total * sizeof *p->owner);
	p->free_stack = sim_malloc(total * sizeof *p->free_stack);
	p->nfree = sim_calloc((size_t)nnodes, sizeof *p->nfree);
	p->start = sim_calloc((size_t)nnodes * p->ncolors, sizeof *p->start);
	p->cfree = sim_calloc((size_t)nnodes * p->ncolors, sizeof *p->cfree);
	p->repl = sim_calloc(guest_pages, sizeof *p->repl);
	p->refs = sim_calloc(total ? total : 1, sizeof *p->refs);
	p->held = sim_calloc(total ? total : 1, 1);
	p->shared = sim_calloc(guest_pages ? guest_pages : 1, 1);
	p->nrepl = sim_calloc(guest_pages, sizeof *p->nrepl);
	p->rows_cap = 16;
	p->rows_used = 1;
	p->rows = sim_malloc((size_t)p->rows_cap * (size_t)nnodes * sizeof *p->rows);
	p->bm_first = sim_malloc((guest_pages ? guest_pages : 1) * sizeof *p->bm_first);
	p->bm_count = sim_calloc(guest_pages, sizeof *p->bm_count);
	p->bm_cap = 1024;
	p->bm_pool_used = 1;   /* node 0 is the list end */
	p->bm_used = 1;
	p->bm = sim_malloc(p->bm_cap * sizeof *p->bm);
	p->gseen = sim_calloc((guest_pages >> PMAP_SEEN_SHIFT) + 1, 1);
	p->mseen = sim_calloc((total >> PMAP_SEEN_SHIFT) + 1, 1);
	p->gchg = sim_calloc((guest_pages >> PMAP_SEEN_SHIFT) + 1, 1);
	p->mchg = sim_calloc((total >> PMAP_SEEN_SHIFT) + 1, 1);
	if (!p->gseen || !p->mseen || !p->gchg || !p->mchg || !p->map || !p->owner || !p->free_stack || !p->nfree || !p->start || !p->cfree ||
	    !p->bm_first || !p->bm_count ||
	    !p->bm || !p->repl || !p->nrepl || !p->rows || !p->refs || !p->held || !p->shared)
		goto out_free;
	for (uint64_t g = 0; g < guest_pages; g++) {
		p->map[g] = PMAP_NONE;
		p->bm_first[g] = (struct bm_node){ .vpn = BM_EMPTY };
	}
	for (int n = 0; n < nnodes; n++) {
		uint64_t base = (uint64_t)n * pages_per_node, at = base;
		for (uint64_t c = 0; c < p->ncolors; c++) {
			uint64_t l = (uint64_t)n * p->ncolors + c;
			p->start[l] = at;
			/* node n's pages of color c, the lowest on top: keeps (3) */
			uint64_t first = base + (c + p->ncolors - base % p->ncolors) % p->ncolors;
			if (first < base + pages_per_node) {
				uint64_t k = (base + pages_per_node - 1 - first) / p->ncolors + 1;
				while (k--)
					p->free_stack[at++] = first + k * p->ncolors;
			}
			p->cfree[l] = at - p->start[l];
		}
		p->nfree[n] = pages_per_node;
	}
	for (uint64_t m = 0; m < total; m++)
		p->owner[m] = PMAP_NONE;
	*out = p;
	return SIM_OK;
out_free:
	pmap_free(p);
out_nomem:
	return sim_errf(err, SIM_ENOMEM, "out of memory for the pmap of %llu guest pages",
			(unsigned long long)guest_pages);
}

void pmap_free(pmap *p)
{
	if (!p)
		return;
	sim_free(p->map);
	sim_free(p->owner);
	sim_free(p->free_stack);
	sim_free(p->nfree);
	sim_free(p->start);
	sim_free(p->cfree);
	sim_free(p->repl);
	sim_free(p->nrepl);
	sim_free(p->refs);
	sim_free(p->held);
	sim_free(p->shared);
	sim_free(p->rows);
	sim_free(p->bm_first);
	sim_free(p->bm_count);
	sim_free(p->bm);
	sim_free(p->gseen);
	sim_free(p->mseen);
	sim_free(p->gchg);
	sim_free(p->mchg);
	sim_free(p);
}

uint64_t pmap_backmap_bytes(const pmap *p)
{
	return p->bm_used * sizeof *p->bm;
}

int pmap_backmap_add(pmap *p, uint64_t gppn, uint32_t asid, uint64_t vpn)
{
	struct bm_node *first = &p->bm_first[gppn];
	uint32_t i;
	if (first->vpn == vpn && first->asid == asid)
		return SIM_OK;   /* the newest pair, the common case: one line */
	if (p->bm_count[gppn] > PMAP_BACKMAP_MAX)
		return SIM_OK;
	if (p->bm_count[gppn] > 0) {
		for (i = first->next; i; i = p->bm[i].next)
			if (p->bm[i].vpn == vpn && p->bm[i].asid == asid)
				return SIM_OK;
		if (p->bm_count[gppn] == PMAP_BACKMAP_MAX) {
			p->bm_count[gppn]++;   /* overflowed: keeps (4) */
			return SIM_OK;
		}
		/* the newest pair so far moves to a pool node, the list's head */
		if (p->bm_free) {
			i = p->bm_free;
			p->bm_free = p->bm[i].next;
		} else {
			if (p->bm_pool_used == p->bm_cap) {
				struct bm_node *n = sim_realloc(p->bm, 2 * (size_t)p->bm_cap * sizeof *n);
				if (!n)
					return SIM_ENOMEM;
				p->bm = n;
				p->bm_cap *= 2;
			}
			i = p->bm_pool_used++;
		}
		p->bm[i] = *first;
	} else {
		i = 0;
	}
	*first = (struct bm_node){ .vpn = vpn, .asid = asid, .next = i };
	p->bm_count[gppn]++;
	if (++p->bm_live == p->bm_used)   /* keeps (4) */
		p->bm_used++;
	return SIM_OK;
}

int pmap_backmap_foreach(const pmap *p, uint64_t gppn,
			 void (*fn)(void *ctx, uint32_t asid, uint64_t vpn), void *ctx)
{
	const struct bm_node *first = &p->bm_first[gppn];
	if (first->vpn == BM_EMPTY)
		return 0;
	fn(ctx, first->asid, first->vpn);
	for (uint32_t i = first->next; i; i = p->bm[i].next)
		fn(ctx, p->bm[i].asid, p->bm[i].vpn);
	return p->bm_count[gppn] > PMAP_BACKMAP_MAX;
}

void pmap_backmap_clear(pmap *p, uint64_t gppn)
{
	uint32_t i = p->bm_first[gppn].next;
	while (i) {
		uint32_t next = p->bm[i].next;
		p->bm[i].next = p->bm_free;
		p->bm_free = i;
		i = next;
	}
	p->bm_live -= p->bm_count[gppn] > PMAP_BACKMAP_MAX ? PMAP_BACKMAP_MAX : p->bm_count[gppn];
	p->bm_first[gppn] = (struct bm_node){ .vpn = BM_EMPTY };
	p->bm_count[gppn] = 0;
}

const uint64_t *pmap_array(const pmap *p) { return p->map; }
uint64_t pmap_guest_pages(const pmap *p) { return p->guest_pages; }
uint64_t pmap_pages_in_use(const pmap *p) { return p->in_use; }
uint64_t pmap_owner(const pmap *p, uint64_t mpn) { return p->owner[mpn]; }

void pmap_prefetch_guest(const pmap *p, uint64_t gppn)
{
	__builtin_prefetch(&p->map[gppn]);
	__builtin_prefetch(&p->shared[gppn]);
	__builtin_prefetch(&p->bm_first[gppn]);
}

void pmap_prefetch_machine(const pmap *p, uint64_t mpn) { __builtin_prefetch(&p->owner[mpn]); }
const uint64_t *pmap_owners(const pmap *p) { return p->owner; }
const uint8_t *pmap_seen_guest(const pmap *p) { return p->gseen; }
const uint8_t *pmap_seen_machine(const pmap *p) { return p->mseen; }
uint8_t *pmap_changed_guest(pmap *p) { return p->gchg; }
uint8_t *pmap_changed_machine(pmap *p) { return p->mchg; }

void pmap_note_change(pmap *p, uint64_t gppn)
{
	uint64_t m = p->map[gppn];
	p->gchg[gppn >> PMAP_SEEN_SHIFT] = 1;
	if (m == PMAP_NONE)
		return;
	p->mchg[m >> PMAP_SEEN_SHIFT] = 1;
	if (p->repl[gppn]) {
		const uint64_t *row = &p->rows[(size_t)p->repl[gppn] * (size_t)p->nnodes];
		for (int n = 0; n < p->nnodes; n++)
			if (row[n] != PMAP_NONE)
				p->mchg[row[n] >> PMAP_SEEN_SHIFT] = 1;
	}
}

void pmap_note_machine_change(pmap *p, uint64_t mpn)
{
	p->mchg[mpn >> PMAP_SEEN_SHIFT] = 1;
}


int pmap_node_of(const pmap *p, uint64_t mpn) { return p->nnodes == 1 ? 0 : (int)(mpn / p->ppn); }

/* A free page of exactly node n, of gppn's color if it has one (3), or
 * PMAP_NONE; it becomes gppn's. */
static uint64_t alloc_on(pmap *p, int n, uint64_t gppn)
{
	uint64_t c = gppn % p->ncolors, *lists = &p->cfree[(uint64_t)n * p->ncolors], m;
	if (p->nfree[n] == 0)
		return PMAP_NONE;
	while (lists[c] == 0)   /* terminates: the node has a free page */
		c = c + 1 == p->ncolors ? 0 : c + 1;
	m = p->free_stack[p->start[(uint64_t)n * p->ncolors + c] + --lists[c]];
	p->nfree[n]--;
	set_owner(p, m, gppn);
	p->mseen[m >> PMAP_SEEN_SHIFT] = 1;   /* keeps (6) */
	p->in_use++;
	return m;
}

static void free_page(pmap *p, uint64_t m)
{
	uint64_t n = m / p->ppn, l = n * p->ncolors + m % p->ncolors;
	set_owner(p, m, PMAP_NONE);
	p->free_stack[p->start[l] + p->cfree[l]++] = m;   /* keeps (2) */
	p->nfree[n]++;
	p->in_use--;
}

uint64_t pmap_assign(pmap *p, uint64_t gppn, int node)
{
	for (int k = 0; k < p->nnodes; k++) {
		uint64_t m = alloc_on(p, (node + k) % p->nnodes, gppn);
		if (m != PMAP_NONE) {
			set_map(p, gppn, m);   /* keeps (1) */
			p->gseen[gppn >> PMAP_SEEN_SHIFT] = 1;   /* keeps (6) */
			return m;
		}
	}
	return PMAP_NONE;
}

uint64_t pmap_copy_on(const pmap *p, uint64_t gppn, int node)
{
	uint64_t m = p->map[gppn];
	if (m == PMAP_NONE)
		return PMAP_NONE;
	if ((int)(m / p->ppn) == node)
		return m;
	if (!p->repl[gppn])
		return PMAP_NONE;
	return p->rows[(size_t)p->repl[gppn] * (size_t)p->nnodes + (size_t)node];
}

int pmap_nreplicas(const pmap *p, uint64_t gppn) { return p->nrepl[gppn]; }

uint64_t pmap_migrate(pmap *p, uint64_t gppn, int node, uint64_t *old)
{
	uint64_t m = p->map[gppn], nm;
	if (m == PMAP_NONE || p->nrepl[gppn] || p->shared[gppn] || (int)(m / p->ppn) == node)
		return PMAP_NONE;
	nm = alloc_on(p, node, gppn);
	if (nm == PMAP_NONE)
		return PMAP_NONE;
	free_page(p, m);
	set_map(p, gppn, nm);   /* keeps (1) */
	*old = m;
	return nm;
}

uint64_t pmap_replicate(pmap *p, uint64_t gppn, int node)
{
	uint64_t m = p->map[gppn], nm;
	uint64_t *row;
	if (m == PMAP_NONE || p->shared[gppn] || pmap_copy_on(p, gppn, node) != PMAP_NONE)
		return PMAP_NONE;
	if (!p->repl[gppn]) {
		uint32_t r;
		if (p->rows_free) {
			r = p->rows_free;
			p->rows_free = (uint32_t)p->rows[(size_t)r * (size_t)p->nnodes];
		} else {
			if (p->rows_used == p->rows_cap) {
				uint64_t *nr = sim_realloc(p->rows, 2 * (size_t)p->rows_cap *
							   (size_t)p->nnodes * sizeof *nr);
				if (!nr)
					return PMAP_NONE;
				p->rows = nr;
				p->rows_cap *= 2;
			}
			r = p->rows_used++;
		}
		for (int n = 0; n < p->nnodes; n++)
			p->rows[(size_t)r * (size_t)p->nnodes + (size_t)n] = PMAP_NONE;
		p->repl[gppn] = r;
	}
	nm = alloc_on(p, node, gppn);
	if (nm == PMAP_NONE) {
		if (!p->nrepl[gppn]) {   /* give the empty row back */
			p->rows[(size_t)p->repl[gppn] * (size_t)p->nnodes] = p->rows_free;
			p->rows_free = p->repl[gppn];
			p->repl[gppn] = 0;
		}
		return PMAP_NONE;
	}
	row = &p->rows[(size_t)p->repl[gppn] * (size_t)p->nnodes];
	row[node] = nm;   /* keeps (4'): node had no copy */
	p->nrepl[gppn]++;
	return nm;
}

int pmap_collapse(pmap *p, uint64_t gppn, int keep_node, uint64_t *dropped)
{
	uint64_t *row, keep;
	int k = 0;
	if (!p->repl[gppn])
		return 0;
	row = &p->rows[(size_t)p->repl[gppn] * (size_t)p->nnodes];
	keep = pmap_copy_on(p, gppn, keep_node);
	if (keep == PMAP_NONE)
		keep = p->map[gppn];
	if (p->map[gppn] != keep) {
		dropped[k++] = p->map[gppn];
		free_page(p, p->map[gppn]);
	}
	for (int n = 0; n < p->nnodes; n++)
		if (row[n] != PMAP_NONE && row[n] != keep) {
			dropped[k++] = row[n];
			free_page(p, row[n]);
		}
	set_map(p, gppn, keep);
	row[0] = p->rows_free;
	p->rows_free = p->repl[gppn];
	p->repl[gppn] = 0;
	p->nrepl[gppn] = 0;
	return k;
}

/* One reference to shared page m goes; the page is freed with the last. */
static void unref(pmap *p, uint64_t m)
{
	if (--p->refs[m] == 0) {
		set_owner(p, m, PMAP_NONE);   /* free_page's owner: it was shared */
		free_page(p, m);
	}
}

/* Make machine page m, owned privately by a guest page without replicas,
 * shared (5): 0, or -1 if it has replicas. */
static int make_shared(pmap *p, uint64_t m)
{
	uint64_t g = p->owner[m];
	if (g == PMAP_SHARED)
		return 0;
	if (g == PMAP_NONE || p->map[g] != m || p->nrepl[g])
		return -1;
	set_owner(p, m, PMAP_SHARED);
	p->refs[m] = 1;
	p->shared[g] = 1;
	return 0;
}

int pmap_share(pmap *p, uint64_t gppn, uint64_t mpn)
{
	if (p->map[gppn] != PMAP_NONE || make_shared(p, mpn))
		return -1;
	set_map(p, gppn, mpn);
	p->gseen[gppn >> PMAP_SEEN_SHIFT] = 1;   /* keeps (6) */
	p->shared[gppn] = 1;
	p->refs[mpn]++;
	return 0;
}

int pmap_hold(pmap *p, uint64_t mpn)
{
	if (p->held[mpn] || make_shared(p, mpn))
		return -1;
	p->held[mpn] = 1;
	p->refs[mpn]++;
	return 0;
}

int pmap_is_shared(const pmap *p, uint64_t gppn) { return p->shared[gppn]; }

uint32_t pmap_refs(const pmap *p, uint64_t mpn)
{
	return p->owner[mpn] == PMAP_SHARED ? p->refs[mpn] : p->owner[mpn] != PMAP_NONE;
}

uint64_t pmap_unshare(pmap *p, uint64_t gppn, int node, uint64_t *old)
{
	uint64_t m = p->map[gppn];
	if (m == PMAP_NONE || !p->shared[gppn])
		return PMAP_NONE;
	set_map(p, gppn, PMAP_NONE);
	p->shared[gppn] = 0;
	*old = m;
	m = pmap_assign(p, gppn, node);
	if (m == PMAP_NONE) {
		set_map(p, gppn, *old);
		p->shared[gppn] = 1;
		return PMAP_NONE;
	}
	unref(p, *old);   /* after the new page is taken: the copy needs the old */
	return m;
}

void pmap_release(pmap *p, uint64_t gppn)
{
	uint64_t m = p->map[gppn];
	uint64_t dropped[256];
	if (m == PMAP_NONE)
		return;
	if (p->shared[gppn]) {
		set_map(p, gppn, PMAP_NONE);
		p->shared[gppn] = 0;
		unref(p, m);
		return;
	}
	if (p->nrepl[gppn] && p->nnodes <= 256) {
		pmap_collapse(p, gppn, (int)(m / p->ppn), dropped);
		m = p->map[gppn];
	}
	set_map(p, gppn, PMAP_NONE);
	free_page(p, m);
}

int pmap_check(const pmap *p)
{
	uint64_t total = (uint64_t)p->nnodes * p->ppn, used = 0, freed = 0;
	uint64_t sharers = 0, shared_pages = 0, refsum = 0;
	for (uint64_t m = 0; m < total; m++)
		if (p->owner[m] != PMAP_NONE && !p->mseen[m >> PMAP_SEEN_SHIFT])
			return 0;
	for (uint64_t g = 0; g < p->guest_pages; g++)
		if (p->map[g] != PMAP_NONE && !p->gseen[g >> PMAP_SEEN_SHIFT])
			return 0;
	for (uint64_t m = 0; m < total; m++)
		if (p->owner[m] == PMAP_SHARED) {
			if (p->refs[m] < 1 || p->refs[m] < p->held[m])
				return 0;
			shared_pages++;
			refsum += p->refs[m] - p->held[m];
		} else if (p->held[m] || p->refs[m]) {
			return 0;
		}
	for (uint64_t g = 0; g < p->guest_pages; g++)
		if (p->map[g] != PMAP_NONE && p->shared[g]) {
			if (p->map[g] >= total || p->owner[p->map[g]] != PMAP_SHARED || p->repl[g])
				return 0;
			sharers++;
		} else if (p->shared[g]) {
			return 0;
		} else if (p->map[g] != PMAP_NONE) {
			int copies = 0;
			if (p->map[g] >= total || p->owner[p->map[g]] != g)
				return 0;
			used++;
			if (p->repl[g]) {
				const uint64_t *row = &p->rows[(size_t)p->repl[g] * (size_t)p->nnodes];
				if (row[p->map[g] / p->ppn] != PMAP_NONE)
					return 0;
				for (int n = 0; n < p->nnodes; n++)
					if (row[n] != PMAP_NONE) {
						if (row[n] / p->ppn != (uint64_t)n || p->owner[row[n]] != g)
							return 0;
						copies++;
					}
			}
			if (copies != p->nrepl[g])
				return 0;
			used += (uint64_t)copies;
		} else if (p->repl[g] || p->nrepl[g]) {
			return 0;
		}
	for (int n = 0; n < p->nnodes; n++) {
		uint64_t on_node = 0;
		for (uint64_t c = 0; c < p->ncolors; c++) {
			uint64_t l = (uint64_t)n * p->ncolors + c;
			for (uint64_t i = 0; i < p->cfree[l]; i++) {
				uint64_t m = p->free_stack[p->start[l] + i];
				if (m / p->ppn != (uint64_t)n || m % p->ncolors != c ||
				    p->owner[m] != PMAP_NONE)
					return 0;
				on_node++;
			}
		}
		if (on_node != p->nfree[n])
			return 0;
		freed += on_node;
	}
	if (sharers != refsum)
		return 0;
	used += shared_pages;
	if (used != p->in_use || used + freed != total)
		return 0;
	{
		uint64_t nodes = 0, pairs = 0;
		for (uint32_t i = p->bm_free; i; i = p->bm[i].next)
			nodes++;
		for (uint64_t g = 0; g < p->guest_pages; g++) {
			const struct bm_node *first = &p->bm_first[g];
			uint64_t k = 0;
			if (first->vpn == BM_EMPTY) {
				if (first->next || p->bm_count[g])
					return 0;
				continue;
			}
			for (uint32_t i = first->next; i; i = p->bm[i].next) {
				if (p->bm[i].vpn == first->vpn && p->bm[i].asid == first->asid)
					return 0;
				for (uint32_t j = p->bm[i].next; j; j = p->bm[j].next)
					if (p->bm[j].vpn == p->bm[i].vpn && p->bm[j].asid == p->bm[i].asid)
						return 0;
				k++;
			}
			nodes += k;
			k++;   /* the inline pair */
			if (k > PMAP_BACKMAP_MAX || k != (p->bm_count[g] > PMAP_BACKMAP_MAX ?
							  PMAP_BACKMAP_MAX : p->bm_count[g]))
				return 0;
			pairs += k;
		}
		return nodes == p->bm_pool_used - 1 && pairs == p->bm_live && p->bm_live < p->bm_used;
	}
}
