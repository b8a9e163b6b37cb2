/*
 * Footprint accounting: the guests' page records and a count of the pmap's
 * pages by category, kept by block of pages and redone for the blocks that
 * changed (see monitor/footprint.h).  The monitor's own memory is an estimate from its
 * structures' sizes (monitor.mem.* parameters, each with its source).
 */
#include <inttypes.h>
#include <string.h>

#include "base/mem.h"
#include "monitor/vmm.h"
#include "traces/record.h"

static const char *const names[FP_NCATS] = {
	"kernel_text", "kernel_data", "buffer_cache", "user", "other", "disco",
};

const char *fp_cat_name(int cat) { return cat >= 0 && cat < FP_NCATS ? names[cat] : "?"; }

/* gpage[] flags: the record's category in the low bits. */
#define GP_CAT 0x07
#define GP_SEEN 0x40   /* a page.alloc or page.free named it */
#define GP_ALLOC 0x80  /* allocated by the guest now */

static int fp_of(uint8_t flags)
{
	switch (flags & GP_CAT) {
	case TRC_CAT_KERNEL_TEXT: return FP_KERNEL_TEXT;
	case TRC_CAT_KERNEL_DATA: return FP_KERNEL_DATA;
	case TRC_CAT_BUFFER_CACHE: return FP_BUFFER_CACHE;
	case TRC_CAT_USER: return FP_USER;
	}
	return FP_OTHER;
}

/* A page's category now: its page.alloc's while allocated, else other. */
static int cat_now(uint8_t flags)
{
	return flags & GP_ALLOC ? fp_of(flags) : FP_OTHER;
}

int vmm_page_record(struct vmm *x, struct vmm_vcpu *v, uint64_t gppn, unsigned cat, int alloc)
{
	const struct vmm_vm *vm = &x->vm[v->vm];
	uint8_t *f;
	if (gppn >= vm->pages)
		return sim_errf(x->err, SIM_EINVAL, "page.%s of guest page 0x%" PRIx64 ", beyond the "
				"VM's %" PRIu64 " pages (vm.mem.size)", alloc ? "alloc" : "free", gppn,
				vm->pages);
	if (cat > TRC_CAT_USER)
		return sim_errf(x->err, SIM_EINVAL, "page.%s with category %u, which is none of "
				"1-%d", alloc ? "alloc" : "free", cat, TRC_CAT_USER);
	f = &x->gpage[vm->base + gppn];
	*f = (uint8_t)(GP_SEEN | (alloc ? GP_ALLOC | cat : (*f & GP_CAT)));
	pmap_note_change(x->pm, vm->base + gppn);   /* its pages' category */
	return SIM_OK;
}

void vmm_fp_note_shared(struct vmm *x, uint64_t mpn, uint64_t g)
{
	x->mcat[mpn] = x->gpage[g];
	pmap_note_machine_change(x->pm, mpn);
}

/* Pages of each category, by block of PMAP_SEEN_PAGES pages: what each
 * guest block adds to V and each machine block to M, and their sums, as of
 * the last vmm_footprint().  Only blocks the pmap flagged since are counted
 * again, so a sample costs the blocks that changed, not all of memory. */
struct vmm_fpcache {
	uint64_t gblocks, mblocks;
	uint32_t (*v)[FP_NCATS];     /* [gblocks] */
	uint32_t (*m)[FP_NCATS];     /* [mblocks] */
	uint64_t nv[FP_NCATS], nm[FP_NCATS];   /* the sums, in pages */
};

/* V of guest block b: its pages in some VM that hold memory. */
static void count_guest_block(const struct vmm *x, uint64_t b, uint32_t n[FP_NCATS])
{
	uint64_t lo = b << PMAP_SEEN_SHIFT, hi = lo + PMAP_SEEN_PAGES;
	memset(n, 0, FP_NCATS * sizeof *n);
	if (!pmap_seen_guest(x->pm)[b])
		return;   /* never mapped: every page PMAP_NONE (pmap.h) */
	for (int k = 0; k < x->nvms; k++) {
		const struct vmm_vm *vm = &x->vm[k];
		uint64_t g = vm->base > lo ? vm->base : lo, end = vm->base + vm->pages < hi ? vm->base + vm->pages : hi;
		for (; g < end; g++)
			if (x->pmarr[g] != PMAP_NONE)
				n[cat_now(x->gpage[g])]++;
	}
}

/* M of machine block b: its pages in use but the monitor's own. */
static void count_machine_block(const struct vmm *x, uint64_t b, uint32_t n[FP_NCATS])
{
	const uint64_t *owner = pmap_owners(x->pm);
	uint64_t lo = b << PMAP_SEEN_SHIFT, hi = lo + PMAP_SEEN_PAGES, mpages = machine_npages(x->m);
	memset(n, 0, FP_NCATS * sizeof *n);
	if (!pmap_seen_machine(x->pm)[b])
		return;   /* never allocated */
	for (uint64_t m = lo; m < hi && m < mpages; m++) {
		uint64_t g = owner[m];
		if (g == PMAP_SHARED)
			n[cat_now(x->mcat[m])]++;
		else if (g != PMAP_NONE && g < x->guest_pages)   /* the monitor's own: below */
			n[cat_now(x->gpage[g])]++;
	}
}

/* Count block b again into *cnt, moving the sums *sum with it. */
static void recount(const struct vmm *x, uint64_t b, uint32_t cnt[FP_NCATS], uint64_t sum[FP_NCATS],
		    void (*count)(const struct vmm *, uint64_t, uint32_t *))
{
	uint32_t n[FP_NCATS];
	count(x, b, n);
	for (int k = 0; k < FP_NCATS; k++) {
		sum[k] += (uint64_t)n[k] - cnt[k];
		cnt[k] = n[k];
	}
}

void vmm_fpcache_free(struct vmm *x)
{
	if (!x->fpc)
		return;
	sim_free(x->fpc->v);
	sim_free(x->fpc->m);
	sim_free(x->fpc);
	x->fpc = NULL;
}

/* The cache, every block counted; NULL when out of memory. */
static struct vmm_fpcache *fpcache(struct vmm *x)
{
	struct vmm_fpcache *f = sim_calloc(1, sizeof *f);
	uint64_t gp = pmap_guest_pages(x->pm);
	if (!f)
		return NULL;
	f->gblocks = (gp >> PMAP_SEEN_SHIFT) + 1;
	f->mblocks = (machine_npages(x->m) >> PMAP_SEEN_SHIFT) + 1;
	f->v = sim_calloc(f->gblocks, sizeof *f->v);
	f->m = sim_calloc(f->mblocks, sizeof *f->m);
	x->fpc = f;
	if (!f->v || !f->m) {
		vmm_fpcache_free(x);
		return NULL;
	}
	memset(pmap_changed_guest(x->pm), 1, f->gblocks);
	memset(pmap_changed_machine(x->pm), 1, f->mblocks);
	return f;
}

void vmm_footprint(struct vmm *x, struct vmm_footprint *fp)
{
	uint64_t psize = x->pmask + 1;
	struct vmm_fpcache *f = x->fpc ? x->fpc : fpcache(x);
	uint8_t *gchg = pmap_changed_guest(x->pm), *mchg = pmap_changed_machine(x->pm);
	memset(fp, 0, sizeof *fp);
	if (!f) {   /* out of memory for the cache: count every block, keep nothing */
		for (uint64_t b = 0; b <= pmap_guest_pages(x->pm) >> PMAP_SEEN_SHIFT; b++) {
			uint32_t n[FP_NCATS];
			count_guest_block(x, b, n);
			for (int k = 0; k < FP_NCATS; k++)
				fp->v[k] += n[k] * psize;
		}
		for (uint64_t b = 0; b <= machine_npages(x->m) >> PMAP_SEEN_SHIFT; b++) {
			uint32_t n[FP_NCATS];
			count_machine_block(x, b, n);
			for (int k = 0; k < FP_NCATS; k++)
				fp->m[k] += n[k] * psize;
		}
	} else {
		for (uint64_t b = 0; b < f->gblocks; b++)
			if (gchg[b]) {
				gchg[b] = 0;
				recount(x, b, f->v[b], f->nv, count_guest_block);
			}
		for (uint64_t b = 0; b < f->mblocks; b++)
			if (mchg[b]) {
				mchg[b] = 0;
				recount(x, b, f->m[b], f->nm, count_machine_block);
			}
		for (int k = 0; k < FP_NCATS; k++) {
			fp->v[k] = f->nv[k] * psize;
			fp->m[k] = f->nm[k] * psize;
		}
	}
	if (x->l2st)
		fp->m[FP_DISCO] = x->own_bytes + pmap_backmap_bytes(x->pm);
}

int vmm_fp_check(const struct vmm *x)
{
	const struct vmm_fpcache *f = x->fpc;
	const uint8_t *gchg, *mchg;
	uint64_t nv[FP_NCATS] = { 0 }, nm[FP_NCATS] = { 0 };
	if (!f)
		return 1;
	gchg = pmap_changed_guest(x->pm);
	mchg = pmap_changed_machine(x->pm);
	for (uint64_t b = 0; b < f->gblocks; b++) {
		uint32_t n[FP_NCATS];
		count_guest_block(x, b, n);
		for (int k = 0; k < FP_NCATS; k++) {
			if (!gchg[b] && n[k] != f->v[b][k])
				return 0;   /* a change the pmap did not flag */
			nv[k] += f->v[b][k];
		}
	}
	for (uint64_t b = 0; b < f->mblocks; b++) {
		uint32_t n[FP_NCATS];
		count_machine_block(x, b, n);
		for (int k = 0; k < FP_NCATS; k++) {
			if (!mchg[b] && n[k] != f->m[b][k])
				return 0;
			nm[k] += f->m[b][k];
		}
	}
	return !memcmp(nv, f->nv, sizeof nv) && !memcmp(nm, f->nm, sizeof nm);
}
