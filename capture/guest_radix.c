/*
 * Radix on SPLASHOS and on IRIX: NOTES ON THE DESIGN.
 *
 * The program is SPLASH-2's radix sort (Woo et al. 1995) as the paper ran
 * it (5.1: "-n4194304 -r256 -m1073741824"): capture.radix.keys keys below
 * capture.radix.max_key, sorted capture.radix.radix ways per pass, so
 * ceil(log2(max_key) / log2(radix)) passes (4 of 8 bits for the paper's).
 * One thread per vCPU, all in one address space.  Each thread owns the
 * keys [t n / P, (t + 1) n / P) of the source array; it fills them with
 * random keys, then per pass:
 *   histogram  its keys' digits counted into its row of rank_me[P][radix];
 *   barrier;
 *   prefix     its starting offset for each digit, read from every row;
 *   barrier;
 *   permute    each key stored at its digit's next offset in the
 *              destination array: a scattered write over the whole array;
 *   barrier;   the arrays swap.
 * The keys and their digits pass after pass are computed when the guest is
 * made (the sort is run once in full), so every thread's references are
 * fixed by the seed whatever the timing; only which thread faults a page
 * first depends on it, as on a real machine.
 *
 * Two personalities run the same user stream (the same records for every
 * instruction, load, store and barrier):
 *   splashos  (capture.guest = splashos) the library OS of paper 4.4: no
 *             virtual memory, so no page-table records and no fault
 *             handler; virtual page = guest physical page, and the monitor
 *             takes every TLB miss and page fault (vm.os = splashos, set
 *             for the replay by the capture).
 *   irix      (capture.guest = irix, capture.wl.program = radix) IRIX 5.3 on
 *             the whole machine (one kernel, capture.os.kernel = smp).  IRIX
 *             sets up each thread's page-table entries lazily (5.4: "IRIX
 *             defers setting up the page table entries of each parallel
 *             thread until the memory is touched by the thread"): each
 *             thread has a page table of its own (its ASID) and its first
 *             touch of each page faults: DEMAND-ZERO if no thread touched
 *             it before (a page allocated under memlock, zeroed), else
 *             QUICK-FAULT (the page found in the page cache under
 *             memlock).  Every fault holds the shared region's lock, a
 *             sleeping lock (SEM_REGION), from its start to its end, so
 *             faults of all threads on the region serialize (5.4: "all
 *             threads suffer many page faults on the same region causing
 *             serialization").
 * Hence the faults are the same in number on both: one per thread and page
 * it touches (the engine's SPLASHOS path faults at a vCPU's first touch).
 *
 * Barriers are semaphores (SPLASHOS's and IRIX's thread libraries block a
 * thread that waits): the engine re-times them, and the wait is idle time.
 * Barrier b, thread i > 0: signal ARRIVE(b, i), then wait DEPART(b, i)
 * twice; thread 0 waits each ARRIVE twice and signals each DEPART.  A
 * semaphore starts at 1 (traces/record.h), so the first of the two waits
 * always passes and the second waits for the signal.
 *
 * Generation: a step at a time (a few dozen keys), so that the engine asks
 * for each thread's next step at its simulated time and IRIX's shared state
 * (which pages have a frame) follows simulated time, as the smp IRIX
 * guest's does (capture/guest_os.c).
 *
 * Not modelled: thread creation, the clock interrupt, stacks (the loops
 * keep their state in registers), and the file I/O of SPLASHOS's NFS stack.
 */
#include <string.h>

#include "capture/guest_int.h"
#include "capture/guest_os.h"

#define RX_TEXT 0x00400000ull    /* the program's text: its loops */
#define RX_GLOBAL 0x00800000ull  /* rank_me[P][radix], then each thread's rank_ff */
#define RX_KEYS 0x01000000ull    /* the two key arrays, each on a 1 MB boundary */
#define RX_TEXT_SIZE 0x4000ull
#define RX_INIT_PC (RX_TEXT + 0x0000)
#define RX_HIST_PC (RX_TEXT + 0x0400)
#define RX_PREFIX_PC (RX_TEXT + 0x0800)
#define RX_PERM_PC (RX_TEXT + 0x0c00)
#define RX_BARRIER_PC (RX_TEXT + 0x1000)
#define RX_BARRIER_INSNS 24      /* a barrier's library code around its semaphores (assumed) */
#define RX_KEYS_PER_STEP 32
#define RX_SEM_BARRIER 1000      /* ids 1000..: the barriers' semaphores */
#define RX_ASID0 2               /* IRIX: thread t runs as ASID 2 + t */

enum { PH_INIT, PH_CLEAR, PH_HIST, PH_PREFIX, PH_PERM, PH_BARRIER, PH_DONE };

/* irix: where a thread is in a fault (each state ends a step, so that the
 * engine asks for the next at the thread's simulated time) */
enum { F_NONE, F_HOLD, F_SLEEP };

struct rthread {
	int phase, after;           /* after: the phase a barrier leads to */
	int pass;
	uint64_t j, lo, hi;         /* next key; the thread's range */
	uint32_t *next;             /* [radix] next destination of each digit this pass */
	uint8_t *mapped;            /* irix: [upages] this thread's page table holds the page */
	/* irix */
	int started;                /* its ASID and wake-up semaphore are set */
	int fstate;                 /* F_*: F_HOLD, the fault's second half is next; F_SLEEP,
				     * asleep on the region's lock (handed to it when woken) */
	unsigned fsvc;              /* the fault's service (DEMAND-ZERO or QUICK-FAULT) */
	uint64_t fvpn, fi;          /* the page it faults on: its VPN, its index in frame[] */
	uint32_t *save_next;        /* [radix] next[] at the step's start, to take the step back */
};

struct radix {
	int irix;                   /* personality: IRIX, else SPLASHOS */
	int nthreads, passes;
	int out_of_pages;           /* irix: a fault found no free page */
	uint64_t n, radix, shift;   /* keys, radix, bits per pass */
	uint64_t init_insns, hist_insns, perm_insns, prefix_insns;
	uint64_t array_bytes;       /* one key array, rounded to 1 MB */
	uint8_t *digit;             /* [passes * n] the digit of the key at position i of pass k's source */
	uint32_t *start;            /* [passes * P * radix] thread p's first destination for digit d */
	uint64_t upages;            /* user pages from RX_TEXT to the second array's end */
	struct rthread *th;
	/* irix */
	struct gos g;               /* the kernel's paths (capture.os.*), for guest_kernel.c */
	struct gkern k;
	uint64_t *frame;            /* [upages] the page's guest physical page, 0: none yet */
	uint64_t free_next, free_end;
	int holder;                 /* the thread + 1 holding the region's lock, 0: free */
	int wake_all;               /* capture.radix.region_wake = all: a release wakes every sleeper */
	int *sleepq, nsleep;        /* [nthreads] threads asleep on it, the first to wake first */
	uint64_t sleeps;            /* faults that found the lock held (for the tests) */
};

static void radix_destroy(void *st)
{
	struct radix *x = st;
	if (!x)
		return;
	for (int t = 0; x->th && t < x->nthreads; t++) {
		sim_free(x->th[t].next);
		sim_free(x->th[t].mapped);
		sim_free(x->th[t].save_next);
	}
	sim_free(x->sleepq);
	for (int t = 0; x->g.c && t < x->nthreads; t++)
		sim_free(x->g.c[t].pend);
	sim_free(x->g.c);
	sim_free(x->th);
	sim_free(x->digit);
	sim_free(x->start);
	sim_free(x->frame);
	sim_free(x);
}

/* Sort the keys once: each pass's digits by position, and each thread's
 * first destination per digit. */
static int run_sort(struct radix *x, uint64_t seed, uint64_t max_key, struct sim_err *err)
{
	uint64_t n = x->n, P = (uint64_t)x->nthreads, R = x->radix, rng = seed * 2654435761u + 1;
	uint32_t *a = sim_malloc(n * sizeof *a), *b = sim_malloc(n * sizeof *b);
	uint64_t *cnt = sim_calloc(P * R, sizeof *cnt);
	int rc = SIM_OK;

	x->digit = sim_malloc((size_t)x->passes * n);
	x->start = sim_malloc((size_t)x->passes * P * R * sizeof *x->start);
	if (!a || !b || !cnt || !x->digit || !x->start) {
		rc = sim_errf(err, SIM_ENOMEM, "out of memory sorting the radix keys");
		goto out;
	}
	for (uint64_t i = 0; i < n; i++)
		a[i] = (uint32_t)(sim_rng_next(&rng) % max_key);
	for (int k = 0; k < x->passes; k++) {
		uint8_t *dg = x->digit + (size_t)k * n;
		uint32_t *st = x->start + (size_t)k * P * R;
		uint64_t off = 0;
		memset(cnt, 0, P * R * sizeof *cnt);
		for (uint64_t p = 0; p < P; p++)
			for (uint64_t i = p * n / P; i < (p + 1) * n / P; i++) {
				dg[i] = (uint8_t)((a[i] >> (k * x->shift)) & (R - 1));
				cnt[p * R + dg[i]]++;
			}
		for (uint64_t d = 0; d < R; d++)
			for (uint64_t p = 0; p < P; p++) {
				st[p * R + d] = (uint32_t)off;
				off += cnt[p * R + d];
			}
		for (uint64_t p = 0; p < P; p++) {
			uint64_t pos[256];
			for (uint64_t d = 0; d < R; d++)
				pos[d] = st[p * R + d];
			for (uint64_t i = p * n / P; i < (p + 1) * n / P; i++)
				b[pos[dg[i]]++] = a[i];
		}
		{
			uint32_t *s = a;
			a = b;
			b = s;
		}
	}
	for (uint64_t i = 1; i < n; i++)
		if (a[i - 1] > a[i]) {
			rc = sim_errf(err, SIM_EINTERNAL, "radix: the keys did not come out sorted");
			break;
		}
out:
	sim_free(a);
	sim_free(b);
	sim_free(cnt);
	return rc;
}

/* The kernel's side for the IRIX personality: its paths (capture.os.*),
 * the layout (kernel text, kernel data with the locks and the page frame
 * table, the program's text pages resident in the page cache, the free
 * pages), one kernel for every vCPU. */
static int make_irix(struct radix *x, const cfg *c, struct sim_err *err)
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
	x->k.lock_va = KSEG0 + (g->ktext_pages << g->pshift);
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
	for (uint64_t i = 0; i < RX_TEXT_SIZE >> g->pshift; i++)
		x->frame[i] = x->free_next++;
	x->free_end = pages - (uint64_t)cfg_int(c, "guest.pt_pool_pages");
	return SIM_OK;
}

static int radix_create_as(void **st, const cfg *c, uint32_t *nstreams, int irix, struct sim_err *err)
{
	struct radix *x = sim_calloc(1, sizeof *x);
	uint64_t max_key = (uint64_t)cfg_int(c, "capture.radix.max_key"), bits, P;
	double scale = cfg_real(c, "capture.scale");
	unsigned pshift = (unsigned)__builtin_ctzll((uint64_t)cfg_int(c, "machine.page_size"));
	int rc;

	*st = NULL;
	if (!x)
		return sim_errf(err, SIM_ENOMEM, "out of memory creating the radix guest");
	x->irix = irix;
	x->nthreads = (int)cfg_int(c, "capture.cpus");
	P = (uint64_t)x->nthreads;
	x->radix = (uint64_t)cfg_int(c, "capture.radix.radix");
	if (cfg_int(c, "capture.vms") != 1) {
		rc = sim_errf(err, SIM_EINVAL, "radix runs in one virtual machine (capture.vms = 1)");
		goto fail;
	}
	if (x->radix < 2 || x->radix > 256 || (x->radix & (x->radix - 1))) {
		rc = sim_errf(err, SIM_EINVAL, "capture.radix.radix = %llu: a power of two from 2 to 256",
			      (unsigned long long)x->radix);
		goto fail;
	}
	x->shift = (uint64_t)__builtin_ctzll(x->radix);
	for (bits = 0; bits < 32 && (1ull << bits) < max_key; bits++)
		;
	x->passes = (int)((bits + x->shift - 1) / x->shift);
	if (x->passes < 1)
		x->passes = 1;
	/* capture.scale scales the key count (at least a key per thread and digit) */
	x->n = (uint64_t)((double)cfg_int(c, "capture.radix.keys") * scale + 0.5);
	if (x->n < P * x->radix)
		x->n = P * x->radix;
	x->init_insns = (uint64_t)cfg_int(c, "capture.radix.init_insns");
	x->hist_insns = (uint64_t)cfg_int(c, "capture.radix.hist_insns");
	x->perm_insns = (uint64_t)cfg_int(c, "capture.radix.perm_insns");
	x->prefix_insns = (uint64_t)cfg_int(c, "capture.radix.prefix_insns");
	x->array_bytes = (x->n * 4 + 0xfffff) & ~0xfffffull;
	x->upages = (RX_KEYS + 2 * x->array_bytes - RX_TEXT) >> pshift;
	if (!irix && RX_KEYS + 2 * x->array_bytes >
			     (cfg_int(c, "vm.mem.size") ? (uint64_t)cfg_int(c, "vm.mem.size")
							: (uint64_t)cfg_int(c, "machine.mem.size"))) {
		rc = sim_errf(err, SIM_EINVAL, "SPLASHOS maps virtual pages one to one on the VM's "
			      "memory, which is too small for %llu keys (raise vm.mem.size)",
			      (unsigned long long)x->n);
		goto fail;
	}
	if (P * x->radix * 4 > 0x10000 || RX_GLOBAL + 0x10000 + P * 0x1000 > RX_KEYS) {
		rc = sim_errf(err, SIM_EINVAL, "radix: %llu threads are more than the layout holds",
			      (unsigned long long)P);
		goto fail;
	}
	x->th = sim_calloc((size_t)P, sizeof *x->th);
	x->g.c = sim_calloc((size_t)P, sizeof *x->g.c);
	if (!x->th || !x->g.c) {
		rc = sim_errf(err, SIM_ENOMEM, "out of memory creating the radix guest");
		goto fail;
	}
	if ((rc = run_sort(x, (uint64_t)cfg_int(c, "capture.seed"), max_key, err)) != SIM_OK)
		goto fail;
	if (irix && (rc = make_irix(x, c, err)) != SIM_OK)
		goto fail;
	for (int t = 0; t < x->nthreads; t++) {
		struct rthread *h = &x->th[t];
		struct gcpu *u = &x->g.c[t];
		h->lo = (uint64_t)t * x->n / P;
		h->hi = (uint64_t)(t + 1) * x->n / P;
		h->j = h->lo;
		h->phase = PH_INIT;
		h->next = sim_calloc((size_t)x->radix, sizeof *h->next);
		if (irix) {
			h->mapped = sim_calloc((size_t)x->upages, 1);
			h->save_next = sim_calloc((size_t)x->radix, sizeof *h->save_next);
		}
		if (!h->next || (irix && (!h->mapped || !h->save_next))) {
			rc = sim_errf(err, SIM_ENOMEM, "out of memory creating the radix guest");
			goto fail;
		}
		u->me = u->kvi = u->vi = t;
		u->k = &x->k;
		u->rng = (uint64_t)cfg_int(c, "capture.seed") * 1000003u + (uint64_t)t;
	}
	*nstreams = (uint32_t)P;
	*st = x;
	return SIM_OK;
fail:
	radix_destroy(x);
	return rc;
}

static int splashos_create(void **st, const cfg *c, uint32_t *nstreams, struct sim_err *err)
{
	return radix_create_as(st, c, nstreams, 0, err);
}

static int irix_radix_create(void **st, const cfg *c, uint32_t *nstreams, struct sim_err *err)
{
	return radix_create_as(st, c, nstreams, 1, err);
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
#define RX_LOCKED_INSNS 40
#define RX_CLAIMED UINT64_MAX     /* frame[]: a fault that will allocate the page has begun */
#define RX_SEM_WAKE 900          /* ids 900..: thread t's wake-up from the region's lock */

/* The context switch of a thread that sleeps (out to the idle loop) or
 * wakes (in from it): the scheduler's path, the run queue's lock held over
 * its queue work, as the smp kernel's switch between processes
 * (gos_sched_path), and the ASID of
 * what runs next (the idle loop's is 1, as there). */
static void rx_switch(struct radix *x, int t, int in)
{
	struct gos *g = &x->g;
	struct gcpu *u = &g->c[t];
	gos_sched_path(g, u, -1, -1);
	push(u, TRC_ASID, 0, 0, in ? RX_ASID0 + (uint32_t)t : 1, 0, 0);
}

/* The fault's first half, the region's lock held: the page allocated
 * (DEMAND-ZERO) or found in the page cache under memlock, and zeroed. */
static int fault_locked(struct radix *x, int t)
{
	struct gos *g = &x->g;
	struct gcpu *u = &g->c[t];
	struct rthread *h = &x->th[t];
	uint64_t n = g->path[h->fsvc], i = h->fi;
	int dz = x->frame[i] == 0 || x->frame[i] == RX_CLAIMED;

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
	gos_kpath(g, u, h->fsvc, RX_LOCKED_INSNS);
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
static int fault_begin(struct radix *x, int t)
{
	struct gos *g = &x->g;
	struct gcpu *u = &g->c[t];
	struct rthread *h = &x->th[t];

	/* the first fault on a page allocates it; it claims the page at once,
	 * so that the faults behind it on the lock find it (they queue after
	 * it, or wait while it holds the lock) */
	h->fsvc = x->frame[h->fi] == 0 ? TRC_SVC_DEMAND_ZERO : TRC_SVC_QUICK_FAULT;
	if (x->frame[h->fi] == 0)
		x->frame[h->fi] = RX_CLAIMED;
	gos_kentry(g, u, h->fsvc);
	push(u, TRC_PRIV, 0, TRC_PRIV_MFC0, 0, 0, 0);   /* BadVAddr */
	if (x->holder && x->holder != t + 1) {
		x->sleepq[x->nsleep++] = t;
		x->sleeps++;
		rx_switch(x, t, 0);
		push(u, TRC_SEM_WAIT, 0, 0, RX_SEM_WAKE + (uint32_t)t, 0, 0);
		h->fstate = F_SLEEP;
		return SIM_OK;
	}
	x->holder = t + 1;
	return fault_locked(x, t);
}

/* The fault's second half: the PTE, the TLB, the lock released (handed to
 * the first sleeper, whom the release makes runnable). */
static void fault_end(struct radix *x, int t)
{
	struct gos *g = &x->g;
	struct gcpu *u = &g->c[t];
	struct rthread *h = &x->th[t];
	uint64_t n = g->path[h->fsvc], vpn = h->fvpn;

	gos_kpath(g, u, h->fsvc, n > n / 2 + RX_LOCKED_INSNS ? n - n / 2 - RX_LOCKED_INSNS : 0);
	push(u, TRC_PTE_SET, 0, TRC_PROT_VALID | (vpn < (RX_TEXT + RX_TEXT_SIZE) >> g->pshift ? 0 : TRC_PROT_WRITE),
	     RX_ASID0 + (uint32_t)t, vpn, x->frame[h->fi]);
	gos_tlb_dropin(u, RX_ASID0 + (uint32_t)t, vpn);
	push(u, TRC_SEM_SIGNAL, 0, 0, SEM_REGION, 0, 0);
	if (x->wake_all) {   /* SVR3's regrele: wakeup() on the region, the lock left free */
		for (int k = 0; k < x->nsleep; k++)
			push(u, TRC_SEM_SIGNAL, 0, 0, RX_SEM_WAKE + (uint32_t)x->sleepq[k], 0, 0);
		x->nsleep = 0;
		x->holder = 0;
	} else if (x->nsleep) {
		int w = x->sleepq[0];
		memmove(x->sleepq, x->sleepq + 1, (size_t)--x->nsleep * sizeof *x->sleepq);
		x->holder = w + 1;
		push(u, TRC_SEM_SIGNAL, 0, 0, RX_SEM_WAKE + (uint32_t)w, 0, 0);
	} else {
		x->holder = 0;
	}
	gos_kexit(g, u, h->fsvc);
	h->mapped[h->fi] = 1;
	h->fstate = F_NONE;
}

/* ---- the user stream ---- */

/* RX_FAULT: the step touched a page thread t has not mapped (IRIX): the
 * step is taken back and the fault runs first (irix_step). */
#define RX_FAULT 1

/* Whether the page of va is mapped for thread t (IRIX: its first touch
 * faults). */
static int touch(struct radix *x, int t, uint64_t va)
{
	uint64_t vpn, i;
	if (!x->irix)
		return SIM_OK;
	vpn = va >> x->g.pshift;
	i = vpn - (RX_TEXT >> x->g.pshift);
	if (x->th[t].mapped[i])
		return SIM_OK;
	x->th[t].fvpn = vpn;
	x->th[t].fi = i;
	return RX_FAULT;
}

static int insn(struct radix *x, int t, uint64_t pc, uint64_t n)
{
	int rc = touch(x, t, pc);
	if (!rc)
		push(&x->g.c[t], TRC_INSN, 0, 0, (uint32_t)n, pc, 0);
	return rc;
}

static int ref(struct radix *x, int t, int store, uint64_t va)
{
	int rc = touch(x, t, va);
	if (!rc)
		push(&x->g.c[t], store ? TRC_STORE : TRC_LOAD, 0, 4, 0, va, 0);
	return rc;
}

static uint64_t key_va(const struct radix *x, int array, uint64_t i)
{
	return RX_KEYS + (uint64_t)array * x->array_bytes + i * 4;
}

static uint64_t rank_me_va(const struct radix *x, int t, uint64_t d)
{
	return RX_GLOBAL + ((uint64_t)t * x->radix + d) * 4;
}

static uint64_t rank_ff_va(int t, uint64_t d) { return RX_GLOBAL + 0x10000 + (uint64_t)t * 0x1000 + d * 4; }

/* Barrier b, by thread t (the scheme in the notes above). */
static int barrier(struct radix *x, int t, int b)
{
	struct gcpu *u = &x->g.c[t];
	uint32_t base = RX_SEM_BARRIER + (uint32_t)(b * x->nthreads) * 2;
	int rc = insn(x, t, RX_BARRIER_PC, RX_BARRIER_INSNS);
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

/* One step of thread t: a few keys of its current phase, or a barrier. */
static int radix_step(struct radix *x, int t)
{
	struct rthread *h = &x->th[t];
	int src = h->pass & 1, rc = SIM_OK;
	uint64_t end = h->j + RX_KEYS_PER_STEP < h->hi ? h->j + RX_KEYS_PER_STEP : h->hi;
	const uint8_t *dg = x->digit + (size_t)h->pass * x->n;

	switch (h->phase) {
	case PH_INIT:
		for (; h->j < end && !rc; h->j++)
			if (!(rc = insn(x, t, RX_INIT_PC, x->init_insns)))
				rc = ref(x, t, 1, key_va(x, 0, h->j));
		if (h->j == h->hi) {
			h->phase = PH_BARRIER;
			h->after = PH_CLEAR;
		}
		break;
	case PH_CLEAR:
		for (uint64_t d = 0; d < x->radix && !rc; d++)
			if (!(rc = insn(x, t, RX_HIST_PC - 0x40, 2)))
				rc = ref(x, t, 1, rank_me_va(x, t, d));
		h->j = h->lo;
		h->phase = PH_HIST;
		break;
	case PH_HIST:
		for (; h->j < end && !rc; h->j++) {
			uint64_t d = dg[h->j];
			if (!(rc = insn(x, t, RX_HIST_PC, x->hist_insns)) &&
			    !(rc = ref(x, t, 0, key_va(x, src, h->j))) &&
			    !(rc = ref(x, t, 0, rank_me_va(x, t, d))))
				rc = ref(x, t, 1, rank_me_va(x, t, d));
		}
		if (h->j == h->hi) {
			h->phase = PH_BARRIER;
			h->after = PH_PREFIX;
		}
		break;
	case PH_PREFIX: {
		/* its offset for each digit: every thread's count of the smaller
		 * digits, and the lower threads' of this one */
		const uint32_t *st = x->start + ((size_t)h->pass * (size_t)x->nthreads + (size_t)t) * x->radix;
		for (uint64_t d = 0; d < x->radix && !rc; d++) {
			for (int p = 0; p < x->nthreads && !rc; p++)
				if (!(rc = insn(x, t, RX_PREFIX_PC, x->prefix_insns)))
					rc = ref(x, t, 0, rank_me_va(x, p, d));
			if (!rc)
				rc = ref(x, t, 1, rank_ff_va(t, d));
			h->next[d] = st[d];
		}
		h->j = h->lo;
		h->phase = PH_BARRIER;
		h->after = PH_PERM;
		break;
	}
	case PH_PERM:
		for (; h->j < end && !rc; h->j++) {
			uint64_t d = dg[h->j];
			if (!(rc = insn(x, t, RX_PERM_PC, x->perm_insns)) &&
			    !(rc = ref(x, t, 0, key_va(x, src, h->j))) &&
			    !(rc = ref(x, t, 0, rank_ff_va(t, d))) &&
			    !(rc = ref(x, t, 1, key_va(x, !src, h->next[d]))))
				rc = ref(x, t, 1, rank_ff_va(t, d));
			h->next[d]++;
		}
		if (h->j == h->hi) {
			h->phase = PH_BARRIER;
			h->after = ++h->pass < x->passes ? PH_CLEAR : PH_DONE;
		}
		break;
	case PH_BARRIER:
		/* barrier number: 0 after the fill, then three a pass */
		rc = barrier(x, t, h->after == PH_PREFIX ? 1 + 3 * h->pass
			      : h->after == PH_PERM ? 2 + 3 * h->pass
						    : 3 * h->pass);
		h->phase = h->after;
		break;
	}
	return rc;
}

/* One step of thread t on IRIX: the next part of a fault, or a step of the
 * program; a step that touches a page the thread has not mapped is taken
 * back (its records and the thread's state) and the fault begins instead,
 * as the faulting instruction restarts after the fault. */
static int irix_step(struct radix *x, int t)
{
	struct rthread *h = &x->th[t], save;
	struct gcpu *u = &x->g.c[t];
	size_t mark;
	uint64_t vpn, i;
	int rc;

	if (!h->started) {
		push(u, TRC_MARKER, 0, RPL_MARK_SEM_INIT, RX_SEM_WAKE + (uint32_t)t, 0, 0);
		push(u, TRC_ASID, 0, 0, RX_ASID0 + (uint32_t)t, 0, 0);
		h->started = 1;
	}
	switch (h->fstate) {
	case F_HOLD:
		fault_end(x, t);
		return SIM_OK;
	case F_SLEEP:   /* woken: handed the lock, or (wake_all) to try again */
		rx_switch(x, t, 1);
		if (x->wake_all) {
			if (x->holder && x->holder != t + 1) {
				x->sleepq[x->nsleep++] = t;
				x->sleeps++;
				rx_switch(x, t, 0);
				push(u, TRC_SEM_WAIT, 0, 0, RX_SEM_WAKE + (uint32_t)t, 0, 0);
				return SIM_OK;
			}
			x->holder = t + 1;
		}
		return fault_locked(x, t);
	}
	save = *h;
	memcpy(h->save_next, h->next, (size_t)x->radix * sizeof *h->next);
	mark = u->npend;
	rc = radix_step(x, t);
	if (rc != RX_FAULT)
		return rc;
	vpn = h->fvpn;
	i = h->fi;
	*h = save;
	memcpy(h->next, h->save_next, (size_t)x->radix * sizeof *h->next);
	u->npend = mark;
	h->fvpn = vpn;
	h->fi = i;
	return fault_begin(x, t);
}

static int radix_generate(void *st, uint32_t s, struct trc_rec *buf, size_t max, size_t *n,
			  struct sim_err *err)
{
	struct radix *x = st;
	struct gcpu *u = &x->g.c[s];
	size_t k = 0;
	int rc;

	while (k < max) {
		if (u->ipend < u->npend) {
			k += pend_take(u, buf + k, max - k);
			continue;
		}
		u->npend = u->ipend = 0;
		if (x->th[s].phase == PH_DONE)
			break;
		/* the threads share IRIX's frames: a step at a time, so that the
		 * engine asks for the next one at its simulated time */
		if (k > 0 && x->irix)
			break;
		rc = x->irix ? irix_step(x, (int)s) : radix_step(x, (int)s);
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
	splashos_create, radix_generate, radix_destroy, NULL,
};

const struct cap_guest_ops cap_guest_irix_radix = {
	"irix",
	"IRIX 5.3 on the whole machine running SPLASH-2 radix (capture.wl.program = radix)",
	irix_radix_create, radix_generate, radix_destroy, NULL,
};

/* Sources: paper 5.1 (the command line -n4194304 -r256 -m1073741824); the
 * loops' instruction counts are assumed from SPLASH-2 radix.C's inner loops
 * (a load, a shift and mask, an index, an increment and a store per key in
 * the histogram; two loads, two stores and the arithmetic in the
 * permutation). */
static const struct param_def defs[] = {
	{ "capture.wl.program", PARAM_CHOICE, "jobs", 0, 0, "jobs,radix", "",
	  "what the IRIX guest runs: jobs (the capture.wl.* process model: pmake, engineering, "
	  "raytrace, database) or radix (SPLASH-2's radix sort, capture.radix.*, one thread per "
	  "vCPU under one kernel)" },
	{ "capture.radix.keys", PARAM_INT, "4194304", 1, 1e9, NULL, "keys",
	  "keys to sort at capture.scale 1 (paper 5.1: -n4194304); scaled by capture.scale" },
	{ "capture.radix.radix", PARAM_INT, "256", 2, 256, NULL, "",
	  "the radix, a power of two (paper 5.1: -r256)" },
	{ "capture.radix.max_key", PARAM_INT, "1073741824", 2, 4294967295.0, NULL, "",
	  "keys are below this (paper 5.1: -m1073741824), which sets the number of passes" },
	{ "capture.radix.init_insns", PARAM_INT, "12", 1, 1e6, NULL, "instructions",
	  "per key filled with a random value (assumed: SPLASH-2's generator)" },
	{ "capture.radix.hist_insns", PARAM_INT, "6", 1, 1e6, NULL, "instructions",
	  "per key counted in the histogram (assumed: radix.C's loop)" },
	{ "capture.radix.perm_insns", PARAM_INT, "9", 1, 1e6, NULL, "instructions",
	  "per key moved in the permutation (assumed: radix.C's loop)" },
	{ "capture.radix.region_wake", PARAM_CHOICE, "one", 0, 0, "one,all", "",
	  "IRIX: a release of the region's lock hands it to the first sleeper (one: a kernel "
	  "mutex's queue, IRIX 6.5) or wakes every sleeper to try again (all: SVR3's "
	  "regrele/wakeup); 5.3's is not known (a sensitivity)" },
	{ "capture.radix.prefix_insns", PARAM_INT, "3", 1, 1e6, NULL, "instructions",
	  "per histogram entry read in the prefix (assumed)" },
};

const struct param_table guest_radix_param_table = { "capture.radix", defs, sizeof defs / sizeof defs[0] };
