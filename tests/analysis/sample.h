/*
 * Hand-made results shared by the analysis tests: shaped like the paper's
 * Figures 6 and 9 (4 CPUs at 400 MHz), every number distinct so that a
 * transposed row or column shows.  variant 0: native; 1: disco; 2: disco with
 * migration and replication (more local misses).  Free with sample_free.
 */
#ifndef TESTS_ANALYSIS_SAMPLE_H
#define TESTS_ANALYSIS_SAMPLE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay/replay.h"

#define SAMPLE_CPUS 4

static inline void sample_results(struct rpl_results *r, int variant)
{
	/* millions of cycles per CPU: user, kernel, kernel_sync, monitor, idle */
	static const double mcyc[3][ACCT_NCATS] = {
		{ 60, 25, 5, 0, 10 },
		{ 62, 21, 5, 14, 14 },
		{ 50, 16, 4, 10, 12 },
	};
	static const double local_frac[3] = { 0.25, 0.25, 0.75 };   /* of misses, by memory */
	memset(r, 0, sizeof *r);
	r->mode = variant == 0 ? RPL_NATIVE : RPL_DISCO;
	r->ncpus = SAMPLE_CPUS;
	r->nvcpus = SAMPLE_CPUS;
	r->clock_mhz = 400;
	r->cpu = calloc(SAMPLE_CPUS, sizeof *r->cpu);
	for (int c = 0; c < SAMPLE_CPUS; c++) {
		struct acct_cpu *p = &r->cpu[c];
		uint64_t busy = 0;
		for (int k = 0; k < ACCT_NCATS; k++) {
			uint64_t stall;
			p->cycles[k] = (uint64_t)(mcyc[variant][k] * 1e6) + 1000u * (unsigned)c + (unsigned)k;
			stall = k == ACCT_IDLE ? 0 : p->cycles[k] * (variant == 2 ? 2 : 4) / 10;
			p->stall_local[k] = (uint64_t)((double)stall * local_frac[variant]) + (unsigned)c;
			p->stall_remote[k] = stall - p->stall_local[k] + 7;
			p->stall_comm[k] = p->stall_remote[k] / 3 + (unsigned)k;
			if (k != ACCT_IDLE)
				busy += p->cycles[k];
		}
		p->instructions = busy / 2 + (unsigned)c;
		p->loads = busy / 5 + 11;
		p->stores = busy / 11 + 13;
		p->misses_local = (uint64_t)(100000 * local_frac[variant]) + (unsigned)c;
		p->misses_remote = 100000 - p->misses_local + 17;
		r->instructions += p->instructions;
		r->loads += p->loads;
		r->stores += p->stores;
		if (p->cycles[0] + p->cycles[1] + p->cycles[2] + p->cycles[3] + p->cycles[4] > r->cycles)
			r->cycles = p->cycles[0] + p->cycles[1] + p->cycles[2] + p->cycles[3] + p->cycles[4];
	}
	r->references = r->instructions + r->loads + r->stores;
	r->records = r->references / 3 + 1;
	r->tlb_misses = 123456 + (unsigned)variant;
	r->utlb_misses = 100000;
	r->ktlb_faults = variant ? 4321 : 0;
	r->l2tlb_hits = variant ? 90000 : 0;
	r->l2tlb_misses = variant ? 10001 : 0;
	r->priv_emulated = variant ? 777777 : 0;
	r->moncalls = variant ? 5555 : 0;
	r->lock_acquires = 22222;
	r->lock_contended = 333;
	r->sem_waits_blocked = 44;
	r->dma_requests = 55;
	r->dma_interrupts = 53;
	r->measured_from = 123456789;
	r->pages_touched = 6666;
	r->pages_reclaimed = 77;
	for (int s = 1; s < TRC_NSERVICES; s++) {
		struct acct_service *sv = &r->service[s];
		if (s % 3 == 0)
			continue;   /* some services unused */
		sv->count = 10u * (unsigned)s + 1;
		for (int k = 0; k < ACCT_NSPLITS; k++) {
			sv->split[k] = (variant || k == ACCT_SPLIT_KERNEL) ? 1000u * (unsigned)s + 100u * (unsigned)k : 0;
			sv->cycles += sv->split[k];
		}
	}
	r->wall_seconds = 0.25 + variant;
	if (variant == 2)
		snprintf(r->warning, sizeof r->warning, "sample \"warning\"\twith quotes");
}

static inline void sample_free(struct rpl_results *r)
{
	free(r->cpu);
	r->cpu = NULL;
}

#endif
