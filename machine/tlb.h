/*
 * The R10000-style TLB: entries each mapping an even/odd pair of pages,
 * ASID-tagged (or global), fully associative; entries below `wired` are only
 * written by index; tlbwr picks a random entry in [wired, entries) from a
 * seeded generator.  Page frame numbers are whatever the caller maps to
 * (machine page numbers on the machine; the monitor's virtual TLB may hold
 * guest physical ones).
 */
#ifndef MACHINE_TLB_H
#define MACHINE_TLB_H

#include <stdint.h>

#include "base/err.h"

struct tlb_entry {
	uint64_t vpn2;        /* virtual page number >> 1: the even/odd pair */
	uint32_t asid;
	uint8_t global;       /* matches every ASID */
	uint8_t valid[2];     /* [0] even page, [1] odd page */
	uint8_t dirty[2];     /* writable (the MIPS D bit) */
	uint64_t pfn[2];
};

struct tlb;

int tlb_new(struct tlb **out, int entries, int wired, uint64_t seed, struct sim_err *err);
void tlb_free(struct tlb *t);

/* Translate (asid, vpn): returns 1 and the frame in *pfn, *writable on a hit
 * of a valid page; 0 on a miss (no entry, or the entry's half is invalid:
 * the MIPS TLB-invalid exception is counted as a miss too). */
int tlb_lookup(struct tlb *t, uint32_t asid, uint64_t vpn, uint64_t *pfn, int *writable);

/* Write: tlbwr (random index in [wired, entries)), tlbwi (given index).  An
 * existing entry for the same (vpn2, asid) is invalidated first, so that the
 * TLB never holds two matching entries.  Return the index written. */
int tlb_write_random(struct tlb *t, const struct tlb_entry *e);
/* tlbwr that also says which translations it may have changed: those of
 * e's pair (an overlapping entry dropped) and those of *gone, the pair of
 * the live entry it overwrote (TLB_NO_PAIR: the index held none). */
#define TLB_NO_PAIR UINT64_MAX
int tlb_replace_random(struct tlb *t, const struct tlb_entry *e, uint64_t *gone);
int tlb_write_indexed(struct tlb *t, int index, const struct tlb_entry *e);
/* tlbp: index of the entry matching (asid, vpn), or -1. */
int tlb_probe(const struct tlb *t, uint32_t asid, uint64_t vpn);
/* tlbr */
const struct tlb_entry *tlb_read(const struct tlb *t, int index);

/* Invalidate: every entry (a flush, e.g. on a vCPU switch), the non-wired
 * ones, the entry mapping (asid, vpn), or every entry that maps frame pfn. */
void tlb_flush(struct tlb *t);
void tlb_flush_nonwired(struct tlb *t);
void tlb_invalidate(struct tlb *t, uint32_t asid, uint64_t vpn);
int tlb_invalidate_pfn(struct tlb *t, uint64_t pfn);   /* returns entries dropped */

int tlb_entries(const struct tlb *t);
/* 1 if the internal invariants hold (tlb.c notes); slow: for tests and asserts. */
int tlb_check(const struct tlb *t);
int tlb_wired(const struct tlb *t);

#endif
