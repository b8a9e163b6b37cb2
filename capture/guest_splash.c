/*
 * The SPLASH-2 program runtime: NOTES ON THE DESIGN.
 *
 * SPLASH-2's programs as the paper ran them: one thread per vCPU, all in
 * one address space, running one program (struct splash_prog):
 * guest_radix.c's radix sort (Figure 8) or guest_raytrace.c's ray tracer
 * (Figure 9, capture.wl.program = raytrace, IRIX only).  This file is what
 * they share: the threads and their streams, the personality under them,
 * each thread's page table and its faults, the barriers, the generation a
 * step at a time.
 *
 * Two personalities run the same user stream (the same records for every
 * instruction, load, store and barrier):
 *   splashos  (capture.guest = splashos) the library OS of paper 4.4: no
 *             virtual memory, so no page-table records and no fault
 *             handler; virtual page = guest physical page, and the monitor
 *             takes every TLB miss and page fault (vm.os = splashos, set
 *             for the replay by the capture).  It runs radix.
 *   irix      (capture.guest = irix, capture.wl.program = radix or
 *             raytrace) IRIX 5.3 on the whole machine (one kernel,
 *             capture.os.kernel = smp).  IRIX sets up each thread's
 *             page-table entries lazily (5.4: "IRIX defers setting up the
 *             page table entries of each parallel thread until the memory
 *             is touched by the thread"): each thread has a page table of
 *             its own (its ASID) and its first touch of each page faults:
 *             DEMAND-ZERO if no thread touched it before (a page allocated
 *             under memlock, zeroed), else QUICK-FAULT (the page found in
 *             the page cache under memlock).  Every fault holds the shared
 *             region's lock, a sleeping lock (SEM_REGION), from its start
 *             to its end, so faults of all threads on the region serialize
 *             (5.4: "all threads suffer many page faults on the same region
 *             causing serialization").
 * Hence the faults are the same in number on both: one per thread and page
 * it touches (the engine's SPLASHOS path faults at a vCPU's first touch).
 *
 * A step that touches a page the thread has not mapped (splash_touch) is
 * taken back, its records and what it changed (the runtime's part of the
 * thread, the thread's random draws, and through the program's save and
 * undo the program's part: its thread's state and, for raytrace, the state
 * its threads share), and the fault runs instead; the step runs again
 * after it, as the faulting instruction restarts.
 *
 * Barriers are semaphores (SPLASHOS's and IRIX's thread libraries block a
 * thread that waits): the engine re-times them, and the wait is idle time.
 * Barrier b, thread i > 0: signal ARRIVE(b, i), then wait DEPART(b, i)
 * twice; thread 0 waits each ARRIVE twice and signals each DEPART.  A
 * semaphore starts at 1 (traces/record.h), so the first of the two waits
 * always passes and the second waits for the signal.
 *
 * Generation: a step at a time, so that the engine asks for each thread's
 * next step at its simulated time and IRIX's shared state (which pages
 * have a frame, who holds the region's lock) follows simulated time, as the
 * smp IRIX guest's does (capture/guest_os.c).
 *
 * Not modelled: thread creation, the clock interrupt, and the file I/O of
 * SPLASHOS's NFS stack.
 */
#include <string.h>

#include "capture/guest_os.h"
#include "capture/guest_splash.h"

#define SPLASH_BARRIER_INSNS 24  /* a barrier's library code around its semaphores (assumed) */
#define SPLASH_SEM_BARRIER 1000  /* ids 1000..: the barriers' semaphores */
#define SPLASH_ASID0 2           /* IRIX: thread t runs as ASID 2 + t */

/* irix: where a thread is in a fault (each state ends a step, so that the
 * engine asks for the next at the thread's simulated time) */
enum { F_NONE, F_HOLD, F_SLEEP };

/* ---- the guest: its threads under a personality ---- */

static void splash_destroy(void *st)
{
	struct splash *x = st;
	if (!x)
		return;
	for (int t = 0; x->th && t < x->nthreads; t++)
		sim_free(x->th[t].mapped);
	sim_free(x->sleepq);
	for (int t = 0; x->g.c && t < x->nthreads; t++)
		sim_free(x->g.c[t].pend);
	sim_free(x->g.c);
	sim_free(x->th);
	sim_free(x->frame);
	if (x->prog)
		x->prog->destroy(x->state);
	sim_free(x);
}

/* The kernel's side for the IRIX personality: its paths (capture.os.*),
 * the layout (kernel text, kernel data with the locks and the page frame
 * table, the program's text pages resident in the page cache, the free
 * pages), one kernel for every vCPU. */
static int make_irix(struct splash *x, const cfg *c, struct sim_err *err)
{
	static const struct { unsigned svc; const char *name; } paths[] = {
		{ TRC_SVC_DEMAND_ZERO, "capture.os.path.demand_zero" },
		{ TRC_SVC_QUICK_FAULT, "capture.os.path.quick_fault" },
		{ TRC_SVC_SCHED, "capture.os.path.sched" },
	};
	struct gos *g = &x->g;
	uint64_t vm = (uint64_t)cfg_int(c, "vm.mem.size"), pages;
	if (strcmp(cfg_str(c, "capture.os.kernel"), "smp"))
		return sim_errf(err, SIM_EINVAL, "radix on IRIX runs its threads in one address space "
				"under one kernel: capture.os.kernel = smp");
	if (strcmp(cfg_str(c, "capture.os"), "irix53"))
		return sim_errf(err, SIM_EINVAL, "radix on IRIX: the paper ran it on IRIX 5.3 "
				"(capture.os = irix53)");
	g->n = x->nthreads;
	g->irix53 = 1;
	x->wake_all = !strcmp(cfg_str(c, "capture.radix.region_wake"), "all");
	g->hal_disco = !strcmp(cfg_str(c, "capture.hal"), "disco");
	g->psize = (uint64_t)cfg_int(c, "machine.page_size");
	g->pshift = (unsigned)__builtin_ctzll(g->psize);
	g->ktext_pages = ((uint64_t)cfg_int(c, "capture.os.ktext_size") + g->psize - 1) >> g->pshift;
	g->kdata_pages = ((uint64_t)cfg_int(c, "capture.os.kdata_size") + g->psize - 1) >> g->pshift;
	g->special_gpa = (g->ktext_pages + g->kdata_pages - 1) << g->pshift;
	g->entry_insns = (uint64_t)cfg_int(c, "capture.os.path.entry");
	g->kref = cfg_real(c, "capture.os.kref");
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
		g->path[paths[i].svc] = (uint64_t)cfg_int(c, paths[i].name);
	if (vm == 0)
		vm = (uint64_t)cfg_int(c, "machine.mem.size");
	pages = vm >> g->pshift;
	x->k.ncpus = x->nthreads;
	x->k.smp = 1;
	x->k.tab_va = x->k.lock_va = KSEG0 + (g->ktext_pages << g->pshift);
	x->k.pfdat_va = x->k.lock_va + 4096;
	if (4096 + 128 + pages * 32 > (g->kdata_pages - 1) << g->pshift)
		return sim_errf(err, SIM_EINVAL, "capture.os.kdata_size is too small for the page frame "
				"table of %llu pages (32 bytes each) and the locks", (unsigned long long)pages);
	x->frame = sim_calloc((size_t)x->upages, sizeof *x->frame);
	x->sleepq = sim_calloc((size_t)x->nthreads, sizeof *x->sleepq);
	if (!x->frame || !x->sleepq)
		return sim_errf(err, SIM_ENOMEM, "out of memory creating the radix guest");
	x->free_next = g->ktext_pages + g->kdata_pages;
	/* the program's text: in the page cache before the run */
	for (uint64_t i = 0; i < x->text_pages; i++)
		x->frame[i] = x->free_next++;
	x->free_end = pages - (uint64_t)cfg_int(c, "guest.pt_pool_pages");
	return SIM_OK;
}

/* The guest: one thread per vCPU (capture.cpus) running the program on
 * IRIX (irix) or SPLASHOS, each with its stream (a gcpu). */
static int splash_create_as(void **st, const cfg *c, uint32_t *nstreams, int irix, struct sim_err *err)
{
	struct splash *x = sim_calloc(1, sizeof *x);
	uint64_t P;
	int rc;

	*st = NULL;
	if (!x)
		return sim_errf(err, SIM_ENOMEM, "out of memory creating the radix guest");
	x->irix = irix;
	x->prog = irix && !strcmp(cfg_str(c, "capture.wl.program"), "raytrace") ? &splash_raytrace
										 : &splash_radix;
	x->nthreads = (int)cfg_int(c, "capture.cpus");
	x->g.seed = (uint64_t)cfg_int(c, "capture.seed");
	P = (uint64_t)x->nthreads;
	if (cfg_int(c, "capture.vms") != 1) {
		rc = sim_errf(err, SIM_EINVAL, "%s runs in one virtual machine (capture.vms = 1)",
			      x->prog->name);
		goto fail;
	}
	x->th = sim_calloc((size_t)P, sizeof *x->th);
	x->g.c = sim_calloc((size_t)P, sizeof *x->g.c);
	if (!x->th || !x->g.c) {
		rc = sim_errf(err, SIM_ENOMEM, "out of memory creating the radix guest");
		goto fail;
	}
	if ((rc = x->prog->create(x, c, err)) != SIM_OK)
		goto fail;
	if (irix && (rc = make_irix(x, c, err)) != SIM_OK)
		goto fail;
	for (int t = 0; t < x->nthreads; t++) {
		struct gcpu *u = &x->g.c[t];
		if (irix && !(x->th[t].mapped = sim_calloc((size_t)x->upages, 1))) {
			rc = sim_errf(err, SIM_ENOMEM, "out of memory creating the radix guest");
			goto fail;
		}
		u->me = u->kvi = u->vi = t;
		u->k = &x->k;
		u->rng = x->g.seed * 1000003u + (uint64_t)t;   /* the program's */
		u->krng = gos_kernel_seed(x->g.seed, (uint64_t)t);
	}
	*nstreams = (uint32_t)P;
	*st = x;
	return SIM_OK;
fail:
	splash_destroy(x);
	return rc;
}

static int splashos_create(void **st, const cfg *c, uint32_t *nstreams, struct sim_err *err)
{
	return splash_create_as(st, c, nstreams, 0, err);
}

static int irix_splash_create(void **st, const cfg *c, uint32_t *nstreams, struct sim_err *err)
{
	return splash_create_as(st, c, nstreams, 1, err);
}

/* ---- IRIX's fault at a thread's first touch of a page ---- */

/* The page frame table's entry of page p and the free list's head (the
 * data under memlock), as guest_mem.c's allocation touches them. */
static void pfdat(struct gcpu *u, uint64_t p, int alloc)
{
	const struct gkern *k = u->k;
	if (alloc) {
		push(u, TRC_LOAD, KF, 8, 0, k->pfdat_va, 0);
		push(u, TRC_STORE, KF, 8, 0, k->pfdat_va, 0);
	} else {   /* the page-cache lookup: its hash bucket */
		push(u, TRC_LOAD, KF, 8, 0, k->lock_va + 1024 + (p % 256) * 8, 0);
	}
	push(u, TRC_LOAD, KF, 8, 0, gos_pfdat_entry(k, p), 0);
	push(u, TRC_STORE, KF, 8, 0, gos_pfdat_entry(k, p) + (alloc ? 8 : 16), 0);
}

/* Instructions of the allocation or the page-cache lookup under memlock
 * (guest_mem.c's figure). */
#define SPLASH_LOCKED_INSNS 40
#define SPLASH_CLAIMED UINT64_MAX  /* frame[]: a fault that will allocate the page has begun */
/* ids SPLASH_SEM_WAKE | t << 20 | the thread's sleep number (mod 2^20): one
 * semaphore per sleep of thread t on the region's lock (t < 1024, capture.cpus's
 * limit: below bit 30) */
#define SPLASH_SEM_WAKE 0x40000000u
#define SPLASH_WAKE_BITS 20

/* A sleeper's wake-up is a semaphore of its own per sleep, as the smp
 * kernel's hand-overs are (capture/guest_proc.c).  With one count per
 * thread the engine, re-timing a replay, could let a wake-up meant for a
 * later sleep end an earlier one: a releaser whose own turn on the lock
 * came sooner than in the capture signals sooner, and the sleeper then
 * runs its fault before the fault that was to hand it the lock (a
 * QUICK-FAULT before the DEMAND-ZERO that allocates its page).  Per sleep,
 * a wake-up ends only the sleep it was signalled for.  The semaphore starts
 * at the engine's 1 (a mutex), so the sleeper waits twice and, woken,
 * signals once: it is back at 1, which the engine forgets; no marker sets
 * it.  The number wraps at 2^20 sleeps of a thread, by which time its
 * semaphore was long done with. */
static uint32_t wake_sem(const struct splash *x, int t)
{
	return SPLASH_SEM_WAKE | (uint32_t)t << SPLASH_WAKE_BITS |
	       (x->th[t].sleeps & ((1u << SPLASH_WAKE_BITS) - 1));
}

/* Thread t sleeps on the region's lock: it waits for its wake-up. */
static void wake_wait(struct splash *x, int t)
{
	struct gcpu *u = &x->g.c[t];
	push(u, TRC_SEM_WAIT, 0, 0, wake_sem(x, t), 0, 0);
	push(u, TRC_SEM_WAIT, 0, 0, wake_sem(x, t), 0, 0);
}

/* Thread t, woken, is done with that sleep's semaphore (back at 1). */
static void wake_done(struct splash *x, int t)
{
	push(&x->g.c[t], TRC_SEM_SIGNAL, 0, 0, wake_sem(x, t), 0, 0);
	x->th[t].sleeps++;
}

/* The context switch of a thread that sleeps (out to the idle loop) or
 * wakes (in from it): the scheduler's path, the run queue's lock held over
 * its queue work, as the smp kernel's switch between processes
 * (gos_sched_path), and the ASID of
 * what runs next (the idle loop's is 1, as there). */
static void thread_switch(struct splash *x, int t, int in)
{
	struct gos *g = &x->g;
	struct gcpu *u = &g->c[t];
	gos_sched_path(g, u, -1, -1);
	push(u, TRC_ASID, 0, 0, in ? SPLASH_ASID0 + (uint32_t)t : 1, 0, 0);
}

/* The fault's first half, the region's lock held: the page allocated
 * (DEMAND-ZERO) or found in the page cache under memlock, and zeroed. */
static int fault_locked(struct splash *x, int t)
{
	struct gos *g = &x->g;
	struct gcpu *u = &g->c[t];
	struct splash_thread *h = &x->th[t];
	uint64_t n = g->path[h->fsvc], i = h->fi;
	int dz = x->frame[i] == 0 || x->frame[i] == SPLASH_CLAIMED;

	/* handed over, the claimer is ahead of the faults behind it (woken
	 * all at once, any of them may come first: the service then names
	 * what the fault began as) */
	if (dz != (h->fsvc == TRC_SVC_DEMAND_ZERO) && !x->wake_all)
		return SIM_EINTERNAL;
	push(u, TRC_SEM_WAIT, 0, 0, SEM_REGION, 0, 0);
	gos_kpath(g, u, h->fsvc, n / 2);
	lock_acq(u, LOCK_MEM);
	if (dz) {
		if (x->free_next >= x->free_end) {
			x->out_of_pages = 1;
			return SIM_EINVAL;
		}
		x->frame[i] = x->free_next++;
		pfdat(u, x->frame[i], 1);
		push(u, TRC_PAGE_ALLOC, 0, TRC_CAT_USER, 0, x->frame[i], 0);
	} else {
		pfdat(u, x->frame[i], 0);
	}
	gos_kpath(g, u, h->fsvc, SPLASH_LOCKED_INSNS);
	lock_rel(u, LOCK_MEM);
	if (dz)
		gos_zero_page(g, u, x->frame[i]);
	h->fstate = F_HOLD;
	return SIM_OK;
}

/* A thread's first touch of page i (its VPN vpn): the fault's entry, then
 * the region's lock.  IRIX's region lock is a sleeping lock (region.h:
 * "a lock used to single-thread vfault/page access"): a thread that finds
 * it held queues on it and switches out; the holder's release hands it to
 * the first sleeper and makes it runnable, and it switches in on its CPU
 * and goes on with its fault.  The fault spans steps: the first half here,
 * the second at the thread's next step (fault_end). */
static int fault_begin(struct splash *x, int t)
{
	struct gos *g = &x->g;
	struct gcpu *u = &g->c[t];
	struct splash_thread *h = &x->th[t];

	/* the first fault on a page allocates it; it claims the page at once,
	 * so that the faults behind it on the lock find it (they queue after
	 * it, or wait while it holds the lock) */
	h->fsvc = x->frame[h->fi] == 0 ? TRC_SVC_DEMAND_ZERO : TRC_SVC_QUICK_FAULT;
	if (x->frame[h->fi] == 0)
		x->frame[h->fi] = SPLASH_CLAIMED;
	gos_kentry(g, u, h->fsvc);
	push(u, TRC_PRIV, 0, TRC_PRIV_MFC0, 0, 0, 0);   /* BadVAddr */
	if (x->holder && x->holder != t + 1) {
		x->sleepq[x->nsleep++] = t;
		x->sleeps++;
		thread_switch(x, t, 0);
		wake_wait(x, t);
		h->fstate = F_SLEEP;
		return SIM_OK;
	}
	x->holder = t + 1;
	return fault_locked(x, t);
}

/* The fault's second half: the PTE, the TLB, the lock released (handed to
 * the first sleeper, whom the release makes runnable). */
static void fault_end(struct splash *x, int t)
{
	struct gos *g = &x->g;
	struct gcpu *u = &g->c[t];
	struct splash_thread *h = &x->th[t];
	uint64_t n = g->path[h->fsvc], vpn = h->fvpn;

	gos_kpath(g, u, h->fsvc, n > n / 2 + SPLASH_LOCKED_INSNS ? n - n / 2 - SPLASH_LOCKED_INSNS : 0);
	push(u, TRC_PTE_SET, 0, TRC_PROT_VALID | (vpn < (SPLASH_TEXT >> g->pshift) + x->text_pages ? 0 : TRC_PROT_WRITE),
	     SPLASH_ASID0 + (uint32_t)t, vpn, x->frame[h->fi]);
	gos_tlb_dropin(u, SPLASH_ASID0 + (uint32_t)t, vpn);
	push(u, TRC_SEM_SIGNAL, 0, 0, SEM_REGION, 0, 0);
	if (x->wake_all) {   /* SVR3's regrele: wakeup() on the region, the lock left free */
		for (int k = 0; k < x->nsleep; k++)
			push(u, TRC_SEM_SIGNAL, 0, 0, wake_sem(x, x->sleepq[k]), 0, 0);
		x->nsleep = 0;
		x->holder = 0;
	} else if (x->nsleep) {
		int w = x->sleepq[0];
		memmove(x->sleepq, x->sleepq + 1, (size_t)--x->nsleep * sizeof *x->sleepq);
		x->holder = w + 1;
		push(u, TRC_SEM_SIGNAL, 0, 0, wake_sem(x, w), 0, 0);
	} else {
		x->holder = 0;
	}
	gos_kexit(g, u, h->fsvc);
	h->mapped[h->fi] = 1;
	h->fstate = F_NONE;
}

/* ---- barriers ---- */

/* Barrier b, by thread t (the scheme in the notes above). */
int splash_barrier(struct splash *x, int t, int b)
{
	struct gcpu *u = &x->g.c[t];
	uint32_t base = SPLASH_SEM_BARRIER + (uint32_t)(b * x->nthreads) * 2;
	int rc = splash_insn(x, t, SPLASH_BARRIER_PC, SPLASH_BARRIER_INSNS);
	if (rc)
		return rc;
	if (t > 0) {
		push(u, TRC_SEM_SIGNAL, 0, 0, base + (uint32_t)t * 2, 0, 0);
		push(u, TRC_SEM_WAIT, 0, 0, base + (uint32_t)t * 2 + 1, 0, 0);
		push(u, TRC_SEM_WAIT, 0, 0, base + (uint32_t)t * 2 + 1, 0, 0);
		return SIM_OK;
	}
	for (int i = 1; i < x->nthreads; i++) {
		push(u, TRC_SEM_WAIT, 0, 0, base + (uint32_t)i * 2, 0, 0);
		push(u, TRC_SEM_WAIT, 0, 0, base + (uint32_t)i * 2, 0, 0);
	}
	for (int i = 1; i < x->nthreads; i++)
		push(u, TRC_SEM_SIGNAL, 0, 0, base + (uint32_t)i * 2 + 1, 0, 0);
	return SIM_OK;
}

/* ---- generation ---- */

/* One step of thread t on IRIX: the next part of a fault, or a step of the
 * program; a step that touches a page the thread has not mapped is taken
 * back (its records and the thread's state) and the fault begins instead,
 * as the faulting instruction restarts after the fault. */
static int irix_step(struct splash *x, int t)
{
	struct splash_thread *h = &x->th[t], save;
	struct gcpu *u = &x->g.c[t];
	size_t mark;
	uint64_t vpn, i, rng;
	int rc;

	if (!h->started) {
		push(u, TRC_ASID, 0, 0, SPLASH_ASID0 + (uint32_t)t, 0, 0);
		h->started = 1;
	}
	switch (h->fstate) {
	case F_HOLD:
		fault_end(x, t);
		return SIM_OK;
	case F_SLEEP:   /* woken: handed the lock, or (wake_all) to try again */
		wake_done(x, t);
		thread_switch(x, t, 1);
		if (x->wake_all) {
			if (x->holder && x->holder != t + 1) {
				x->sleepq[x->nsleep++] = t;
				x->sleeps++;
				thread_switch(x, t, 0);
				wake_wait(x, t);
				return SIM_OK;
			}
			x->holder = t + 1;
		}
		return fault_locked(x, t);
	}
	save = *h;
	rng = u->rng;
	x->prog->save(x, t);
	mark = u->npend;
	rc = x->prog->step(x, t);
	if (rc != SPLASH_FAULT)
		return rc;
	vpn = h->fvpn;
	i = h->fi;
	*h = save;
	u->rng = rng;
	x->prog->undo(x, t);
	u->npend = mark;
	h->fvpn = vpn;
	h->fi = i;
	return fault_begin(x, t);
}

static int splash_generate(void *st, uint32_t s, struct trc_rec *buf, size_t max, size_t *n,
			   struct sim_err *err)
{
	struct splash *x = st;
	struct gcpu *u = &x->g.c[s];
	size_t k = 0;
	int rc;

	while (k < max) {
		if (u->ipend < u->npend) {
			k += pend_take(u, buf + k, max - k);
			continue;
		}
		u->npend = u->ipend = 0;
		if (x->th[s].done)
			break;
		/* the threads share IRIX's frames: a step at a time, so that the
		 * engine asks for the next one at its simulated time */
		if (k > 0 && x->irix)
			break;
		rc = x->irix ? irix_step(x, (int)s) : x->prog->step(x, (int)s);
		if (rc == SIM_EINTERNAL)
			return sim_errf(err, rc, "radix on IRIX: a fault on vCPU %u found its page claimed "
					"by a fault not yet over", s);
		if (rc != SIM_OK || x->out_of_pages)
			return sim_errf(err, SIM_EINVAL, "radix on IRIX ran out of guest pages on vCPU %u "
					"(raise vm.mem.size)", s);
		if (u->oom)
			return sim_errf(err, SIM_ENOMEM, "out of memory in the radix guest");
	}
	*n = k;
	return SIM_OK;
}

const struct cap_guest_ops cap_guest_splashos = {
	"splashos",
	"SPLASHOS (paper 4.4), a library OS that leaves page faults to the monitor, running "
	"SPLASH-2 radix (capture.radix.*); disco mode only",
	splashos_create, splash_generate, splash_destroy, NULL,
};

const struct cap_guest_ops cap_guest_irix_splash = {
	"irix",
	"IRIX 5.3 on the whole machine running SPLASH-2 radix (capture.wl.program = radix)",
	irix_splash_create, splash_generate, splash_destroy, NULL,
};

static const struct param_def defs[] = {
	{ "capture.wl.program", PARAM_CHOICE, "jobs", 0, 0, "jobs,radix,raytrace", "",
	  "what the IRIX guest runs: jobs (the capture.wl.* process model: pmake, engineering, "
	  "raytrace, database), radix (SPLASH-2's radix sort, capture.radix.*, one thread per "
	  "vCPU under one kernel) or raytrace (SPLASH-2's ray tracer, capture.raytrace.*, one "
	  "process per vCPU in one address space under one kernel)" },
	{ "capture.radix.region_wake", PARAM_CHOICE, "one", 0, 0, "one,all", "",
	  "IRIX: a release of the region's lock hands it to the first sleeper (one: a kernel "
	  "mutex's queue, IRIX 6.5) or wakes every sleeper to try again (all: SVR3's "
	  "regrele/wakeup); 5.3's is not known (a sensitivity)" },
};

/* capture.radix.region_wake is the runtime's (raytrace's faults take the
 * same lock); its name is from Figure 8's radix, which it was made for. */
const struct param_table guest_splash_param_table = { "capture.splash", defs, sizeof defs / sizeof defs[0] };
