/*
 * Footprint accounting (paper 5.3, Figure 7; DESIGN 5).  Two footprints, in
 * bytes, each split by category:
 *   V  virtual physical: the guest pages every VM has in use, summed over
 *      VMs: the memory the VMs would need if the monitor shared nothing;
 *   M  machine: the machine pages in use, each counted once, plus the
 *      monitor's own memory (category disco).
 * A guest page is in use from its page.alloc record to its page.free, in
 * the category the record gives; a page the guest touches without any such
 * record counts from its first touch, as "unlabelled".  A machine page
 * takes the category of the guest page it belongs to.
 */
#ifndef MONITOR_FOOTPRINT_H
#define MONITOR_FOOTPRINT_H

#include <stdint.h>

enum fp_cat {
	FP_KERNEL_TEXT, FP_KERNEL_DATA, FP_BUFFER_CACHE, FP_USER, FP_UNLABELLED, FP_DISCO,
	FP_NCATS
};
const char *fp_cat_name(int cat);   /* "kernel_text", ..., "unlabelled", "disco" */

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
