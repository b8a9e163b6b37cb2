/*
 * Footprint accounting (paper 5.3, Figure 7; DESIGN 5).  Two footprints, in
 * bytes, each split by category:
 *   V  virtual physical: the guest pages of every VM that hold memory,
 *      summed over VMs: what the VMs would need if the monitor shared
 *      nothing;
 *   M  machine: the machine pages in use, each counted once, plus the
 *      monitor's own memory (category disco).
 * A guest page holds memory from its first touch (or the DMA into it) until
 * the monitor takes it back.  Its category is its page.alloc record's while
 * the guest has it allocated; "other" otherwise: touched with no record, or
 * freed by the guest but not given back (natively, or without the
 * Disco-aware HAL's page-freed hint).  A machine page takes the category of
 * the guest page it belongs to; a shared one, of the page that first had it.
 */
#ifndef MONITOR_FOOTPRINT_H
#define MONITOR_FOOTPRINT_H

#include <stdint.h>

enum fp_cat {
	FP_KERNEL_TEXT, FP_KERNEL_DATA, FP_BUFFER_CACHE, FP_USER, FP_OTHER, FP_DISCO,
	FP_NCATS
};
const char *fp_cat_name(int cat);   /* "kernel_text", ..., "other", "disco" */

struct vmm_footprint {
	uint64_t v[FP_NCATS];       /* bytes; v[FP_DISCO] is 0 */
	uint64_t m[FP_NCATS];       /* bytes */
};

/* The footprint at one simulated instant. */
struct vmm_footprint_sample {
	uint64_t cycle;
	struct vmm_footprint fp;
};

#endif
