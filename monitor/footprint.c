/*
 * Footprint accounting: the guests' page records and a scan of the pmap (see
 * monitor/footprint.h).  The monitor's own memory is an estimate from its
 * structures' sizes (monitor.mem.* parameters, each with its source).
 */
#include <inttypes.h>
#include <string.h>

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
	return SIM_OK;
}

void vmm_fp_note_shared(struct vmm *x, uint64_t mpn, uint64_t g)
{
	x->mcat[mpn] = x->gpage[g];
}

void vmm_footprint(const struct vmm *x, struct vmm_footprint *fp)
{
	uint64_t psize = x->pmask + 1, mpages = machine_npages(x->m);
	const uint64_t *owner = pmap_owners(x->pm);
	const uint8_t *gseen = pmap_seen_guest(x->pm), *mseen = pmap_seen_machine(x->pm);
	memset(fp, 0, sizeof *fp);
	/* blocks of pages never used hold only PMAP_NONE (pmap.h): skipped */
	for (int k = 0; k < x->nvms; k++) {
		const struct vmm_vm *vm = &x->vm[k];
		for (uint64_t g = vm->base, end = vm->base + vm->pages; g < end;) {
			uint64_t next = ((g >> PMAP_SEEN_SHIFT) + 1) << PMAP_SEEN_SHIFT;
			if (next > end)
				next = end;
			if (gseen[g >> PMAP_SEEN_SHIFT])
				for (; g < next; g++)
					if (x->pmarr[g] != PMAP_NONE)
						fp->v[cat_now(x->gpage[g])] += psize;
			g = next;
		}
	}
	for (uint64_t m = 0; m < mpages; m += PMAP_SEEN_PAGES) {
		uint64_t next = m + PMAP_SEEN_PAGES < mpages ? m + PMAP_SEEN_PAGES : mpages;
		if (!mseen[m >> PMAP_SEEN_SHIFT])
			continue;
		for (uint64_t i = m; i < next; i++) {
			uint64_t g = owner[i];
			if (g == PMAP_SHARED)
				fp->m[cat_now(x->mcat[i])] += psize;
			else if (g != PMAP_NONE && g < x->guest_pages)   /* the monitor's own: below */
				fp->m[cat_now(x->gpage[g])] += psize;
		}
	}
	if (x->l2st)
		fp->m[FP_DISCO] = x->own_bytes + pmap_backmap_bytes(x->pm);
}
