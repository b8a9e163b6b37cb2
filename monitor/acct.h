/*
 * Time accounting (DESIGN 5): every cycle of every CPU is charged to exactly
 * one category, and memory stalls within their category to local or remote
 * memory.  Time while a service (system call, fault, interrupt, the
 * synthesized UTLB-MISS) is the innermost open one also goes to that service,
 * split into Table 2's five parts.  The engine and the monitor charge through
 * vcpu_spend() and vcpu_stall() (monitor/vcpu.h); results (replay/replay.h)
 * carry these tables.
 */
#ifndef MONITOR_ACCT_H
#define MONITOR_ACCT_H

#include <stdint.h>

/* Time categories. */
enum acct_cat { ACCT_USER, ACCT_KERNEL, ACCT_SYNC, ACCT_MONITOR, ACCT_IDLE, ACCT_NCATS };
const char *acct_cat_name(int cat);   /* "user", "kernel", "kernel_sync", "monitor", "idle" */

/* The five parts of a service's time under disco (Table 2's columns). */
enum acct_split { ACCT_SPLIT_KERNEL, ACCT_SPLIT_TLB_WRITE, ACCT_SPLIT_OTHER_PRIV,
		  ACCT_SPLIT_MONITOR, ACCT_SPLIT_KTLB, ACCT_NSPLITS };
const char *acct_split_name(int s);

struct acct_cpu {
	uint64_t cycles[ACCT_NCATS];        /* cycles by category, stalls included */
	uint64_t stall_local[ACCT_NCATS];   /* of which: memory stall to local memory (L2 hits counted local) */
	uint64_t stall_remote[ACCT_NCATS];  /* of which: memory stall to remote memory */
	uint64_t stall_comm[ACCT_NCATS];    /* of the two: communication misses (the line was
					       dirty in another CPU's cache, or another CPU's
					       store took it from ours: machine.h) */
	uint64_t instructions;
	uint64_t loads, stores;
	uint64_t misses_local, misses_remote;   /* L2 misses served by memory */
};

struct acct_service {
	uint64_t count;
	uint64_t cycles;                    /* non-idle cycles while it was the innermost service */
	uint64_t split[ACCT_NSPLITS];       /* cycles, summing to `cycles` */
};

/* Where a run's time goes: per CPU, and per service id. */
struct acct {
	struct acct_cpu *cpu;               /* [machine CPUs] */
	struct acct_service *service;       /* [TRC_NSERVICES] */
};

#endif
