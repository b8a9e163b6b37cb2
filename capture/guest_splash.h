/*
 * The SPLASH-2 program runtime (capture/guest_splash.c): one thread per
 * vCPU in one address space, on SPLASHOS or under one IRIX kernel, with its
 * page tables, faults and barriers; the programs (guest_radix.c,
 * guest_raytrace.c) plug into it.  Internal to capture/.
 */
#ifndef CAPTURE_GUEST_SPLASH_H
#define CAPTURE_GUEST_SPLASH_H

#include "capture/guest_int.h"

/* The programs' text starts here; a program lays out its code and data
 * above it, and leaves the barrier's code (SPLASH_BARRIER_PC) alone. */
#define SPLASH_TEXT 0x00400000ull
#define SPLASH_BARRIER_PC (SPLASH_TEXT + 0x1000)

/* A step's return when it touched a page the thread has not mapped (IRIX):
 * the runtime takes the step back and runs the fault first. */
#define SPLASH_FAULT 1

struct splash;

/* A program: its state, hung on splash.state, and its steps.  On IRIX a
 * step that faults is taken back: save before it, undo after it, restore
 * what the step changed of the thread's state and of the state its threads
 * share (both NULL on SPLASHOS, where steps never fault). */
struct splash_prog {
	const char *name;                /* for messages: "radix", "raytrace" */
	/* Make the state (x->state), set x->upages and x->text_pages; on
	 * failure x->state may hold what destroy frees. */
	int (*create)(struct splash *x, const cfg *c, struct sim_err *err);
	int (*step)(struct splash *x, int t);   /* SIM_OK, SPLASH_FAULT or an error */
	void (*save)(struct splash *x, int t);
	void (*undo)(struct splash *x, int t);
	void (*destroy)(void *state);
};

extern const struct splash_prog splash_radix;      /* guest_radix.c */
extern const struct splash_prog splash_raytrace;   /* guest_raytrace.c */

/* The runtime's part of a thread. */
struct splash_thread {
	int done;                   /* the program ended on it (the program sets it) */
	uint8_t *mapped;            /* irix: [upages] this thread's page table holds the page */
	/* irix */
	int started;                /* its ASID is set */
	uint32_t sleeps;            /* its sleeps on the region's lock so far: the number of
				     * the next one's wake-up (wake_sem, guest_splash.c) */
	int fstate;                 /* where it is in a fault (guest_splash.c) */
	unsigned fsvc;              /* the fault's service (DEMAND-ZERO or QUICK-FAULT) */
	uint64_t fvpn, fi;          /* the page it faults on: its VPN, its index in frame[] */
};

struct splash {
	const struct splash_prog *prog;
	void *state;                /* the program's */
	int irix;                   /* personality: IRIX, else SPLASHOS */
	int nthreads;
	int out_of_pages;           /* irix: a fault found no free page */
	uint64_t upages;            /* user pages from SPLASH_TEXT to the layout's end */
	uint64_t text_pages;        /* the program's text, in the page cache before the run */
	struct splash_thread *th;   /* [nthreads] */
	struct gos g;               /* the kernel's paths (capture.os.*), for guest_kernel.c; g.c[t]:
				     * thread t's vCPU (its records and random draws) */
	/* irix */
	struct gkern k;
	uint64_t *frame;            /* [upages] the page's guest physical page, 0: none yet */
	uint64_t free_next, free_end;
	int holder;                 /* the thread + 1 holding the region's lock, 0: free */
	int wake_all;               /* capture.radix.region_wake = all: a release wakes every sleeper */
	int *sleepq, nsleep;        /* [nthreads] threads asleep on it, the first to wake first */
	uint64_t sleeps;            /* faults that found the lock held */
};

/* ---- the user stream: what a program's step emits ---- */

/* Whether the page of va is mapped for thread t: SIM_OK, or SPLASH_FAULT
 * with the page noted for the fault (IRIX: a thread's first touch faults). */
static inline int splash_touch(struct splash *x, int t, uint64_t va)
{
	uint64_t vpn, i;
	if (!x->irix)
		return SIM_OK;
	vpn = va >> x->g.pshift;
	i = vpn - (SPLASH_TEXT >> x->g.pshift);
	if (x->th[t].mapped[i])
		return SIM_OK;
	x->th[t].fvpn = vpn;
	x->th[t].fi = i;
	return SPLASH_FAULT;
}

/* n instructions at pc, by thread t. */
static inline int splash_insn(struct splash *x, int t, uint64_t pc, uint64_t n)
{
	int rc = splash_touch(x, t, pc);
	if (!rc)
		push(&x->g.c[t], TRC_INSN, 0, 0, (uint32_t)n, pc, 0);
	return rc;
}

/* A load or store of size bytes at va, by thread t. */
static inline int splash_ref(struct splash *x, int t, int store, uint64_t va, unsigned size)
{
	int rc = splash_touch(x, t, va);
	if (!rc)
		push(&x->g.c[t], store ? TRC_STORE : TRC_LOAD, 0, size, 0, va, 0);
	return rc;
}

/* Barrier b (0, 1, ...), by thread t: its code, then its semaphores. */
int splash_barrier(struct splash *x, int t, int b);

#endif
