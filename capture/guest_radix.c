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
 *
 * The same IRIX machinery (one kernel, a page table per thread filled at
 * first touch under the region's lock) runs SPLASH-2's raytrace
 * (capture.wl.program = raytrace, IRIX only): the program's own notes are
 * at its section below.  Its threads also share state the program writes
 * (the work pools, the ray-id counter, the heap): a step that faults is
 * taken back with what it changed there too.
 */
#include <math.h>
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
	int started;                /* its ASID is set */
	uint32_t sleeps;            /* irix: its sleeps on the region's lock so far: the number of
				     * the next one's wake-up (wake_sem) */
	int fstate;                 /* F_*: F_HOLD, the fault's second half is next; F_SLEEP,
				     * asleep on the region's lock (handed to it when woken) */
	unsigned fsvc;              /* the fault's service (DEMAND-ZERO or QUICK-FAULT) */
	uint64_t fvpn, fi;          /* the page it faults on: its VPN, its index in frame[] */
	uint32_t *save_next;        /* [radix] next[] at the step's start, to take the step back */
	/* raytrace (its state here is the thread's, taken back with the step) */
	int rph;                    /* RT_* below: where the thread is in the program */
	uint64_t job, px, py, ray;  /* the bundle it renders, its pixel, the pixel's ray */
	uint64_t left;              /* instructions left of the ray's tracing */
	uint64_t put, setup;        /* bundles put in its pool; thread 0: bytes of the setup done */
	int victim, tried;          /* GetJobs: the pool it tries next, pools tried */
	uint64_t pc, func_end;      /* the code it runs */
	uint64_t spot, cursor;      /* the part of the scene it reads; its private data's walk */
};

struct rtrace;
static void rt_free(struct rtrace *r);

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
	uint64_t text_pages;        /* the program's text, in the page cache before the run */
	struct rtrace *rt;          /* the program is raytrace (capture.wl.program), else radix */
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
	rt_free(x->rt);
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
	for (uint64_t i = 0; i < x->text_pages; i++)
		x->frame[i] = x->free_next++;
	x->free_end = pages - (uint64_t)cfg_int(c, "guest.pt_pool_pages");
	return SIM_OK;
}

/* Radix's sizes: the keys (capture.scale scales their count), the passes,
 * the layout; the sort run once. */
static int radix_sizes(struct radix *x, const cfg *c, int irix, struct sim_err *err)
{
	uint64_t max_key = (uint64_t)cfg_int(c, "capture.radix.max_key"), bits, P = (uint64_t)x->nthreads;
	double scale = cfg_real(c, "capture.scale");
	unsigned pshift = (unsigned)__builtin_ctzll((uint64_t)cfg_int(c, "machine.page_size"));

	x->radix = (uint64_t)cfg_int(c, "capture.radix.radix");
	if (x->radix < 2 || x->radix > 256 || (x->radix & (x->radix - 1)))
		return sim_errf(err, SIM_EINVAL, "capture.radix.radix = %llu: a power of two from 2 to 256",
				(unsigned long long)x->radix);
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
	x->text_pages = RX_TEXT_SIZE >> pshift;
	if (!irix && RX_KEYS + 2 * x->array_bytes >
			     (cfg_int(c, "vm.mem.size") ? (uint64_t)cfg_int(c, "vm.mem.size")
							: (uint64_t)cfg_int(c, "machine.mem.size")))
		return sim_errf(err, SIM_EINVAL, "SPLASHOS maps virtual pages one to one on the VM's "
				"memory, which is too small for %llu keys (raise vm.mem.size)",
				(unsigned long long)x->n);
	if (P * x->radix * 4 > 0x10000 || RX_GLOBAL + 0x10000 + P * 0x1000 > RX_KEYS)
		return sim_errf(err, SIM_EINVAL, "radix: %llu threads are more than the layout holds",
				(unsigned long long)P);
	return run_sort(x, (uint64_t)cfg_int(c, "capture.seed"), max_key, err);
}

static int rt_create(struct radix *x, const cfg *c, struct sim_err *err);

static int radix_create_as(void **st, const cfg *c, uint32_t *nstreams, int irix, struct sim_err *err)
{
	struct radix *x = sim_calloc(1, sizeof *x);
	uint64_t P;
	int rc, rt = irix && !strcmp(cfg_str(c, "capture.wl.program"), "raytrace");

	*st = NULL;
	if (!x)
		return sim_errf(err, SIM_ENOMEM, "out of memory creating the radix guest");
	x->irix = irix;
	x->nthreads = (int)cfg_int(c, "capture.cpus");
	P = (uint64_t)x->nthreads;
	if (cfg_int(c, "capture.vms") != 1) {
		rc = sim_errf(err, SIM_EINVAL, "%s runs in one virtual machine (capture.vms = 1)",
			      rt ? "raytrace" : "radix");
		goto fail;
	}
	x->th = sim_calloc((size_t)P, sizeof *x->th);
	x->g.c = sim_calloc((size_t)P, sizeof *x->g.c);
	if (!x->th || !x->g.c) {
		rc = sim_errf(err, SIM_ENOMEM, "out of memory creating the radix guest");
		goto fail;
	}
	rc = rt ? rt_create(x, c, err) : radix_sizes(x, c, irix, err);
	if (rc != SIM_OK)
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
		if (!rt) {
			h->next = sim_calloc((size_t)x->radix, sizeof *h->next);
			if (irix)
				h->save_next = sim_calloc((size_t)x->radix, sizeof *h->save_next);
		}
		if (irix)
			h->mapped = sim_calloc((size_t)x->upages, 1);
		if ((!rt && !h->next) || (irix && (!h->mapped || (!rt && !h->save_next)))) {
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
/* ids RX_SEM_WAKE | t << 20 | the thread's sleep number (mod 2^20): one
 * semaphore per sleep of thread t on the region's lock (t < 1024, capture.cpus's
 * limit: below bit 30) */
#define RX_SEM_WAKE 0x40000000u
#define RX_WAKE_BITS 20

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
static uint32_t wake_sem(const struct radix *x, int t)
{
	return RX_SEM_WAKE | (uint32_t)t << RX_WAKE_BITS |
	       (x->th[t].sleeps & ((1u << RX_WAKE_BITS) - 1));
}

/* Thread t sleeps on the region's lock: it waits for its wake-up. */
static void wake_wait(struct radix *x, int t)
{
	struct gcpu *u = &x->g.c[t];
	push(u, TRC_SEM_WAIT, 0, 0, wake_sem(x, t), 0, 0);
	push(u, TRC_SEM_WAIT, 0, 0, wake_sem(x, t), 0, 0);
}

/* Thread t, woken, is done with that sleep's semaphore (back at 1). */
static void wake_done(struct radix *x, int t)
{
	push(&x->g.c[t], TRC_SEM_SIGNAL, 0, 0, wake_sem(x, t), 0, 0);
	x->th[t].sleeps++;
}

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
		wake_wait(x, t);
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
	push(u, TRC_PTE_SET, 0, TRC_PROT_VALID | (vpn < (RX_TEXT >> g->pshift) + x->text_pages ? 0 : TRC_PROT_WRITE),
	     RX_ASID0 + (uint32_t)t, vpn, x->frame[h->fi]);
	gos_tlb_dropin(u, RX_ASID0 + (uint32_t)t, vpn);
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

/* ---- raytrace: SPLASH-2's ray tracer, one program on every vCPU ----
 *
 * SPLASH-2 raytrace (raytrace -pP car.env) as the paper ran it for Figure 9:
 * one program, P processes in one address space (sproc), sharing what the
 * program shares (codes/apps/raytrace/ of SPLASH-2; the car input's
 * car.env).  Thread 0 is the main process: it reads the scene (the
 * geometry, then the hierarchical uniform grid built over it) and clears
 * the frame buffer, all in the global heap (main.c: ReadGeoFile,
 * OpenFrameBuffer, BuildHierarchy_Uniform), then creates the others.  Each
 * process then (main.c StartRayTrace):
 *   takes its pid under pidlock (gm->pid);
 *   fills its work pool (workpool.c InitWorkPool/PutJob): the image is cut
 *     in blockx x blocky blocks dealt round robin to the processes, each
 *     block in bundle x bundle pixel bundles; each bundle a WPJOB node
 *     allocated from the global heap under memlock (memory.c GlobalMalloc)
 *     and pushed on the process's stack gm->workpool[pid];
 *   waits at the start barrier;
 *   renders bundles (trace.c RayTrace, workpool.c GetJobs): pops its own
 *     pool under wplock[pid], and when it is empty (wpstat[pid] set empty)
 *     steals from the next processes' pools in turn under their locks; each
 *     popped node goes back to the heap under memlock (GlobalFree, which
 *     walks the heap's node headers from the free list's head to the node
 *     and on to the next free one);
 *   for every pixel of a bundle, every ray of its tree: the ray's id from
 *     gm->rid under ridlock (ConvertPrimRayJobToRayMsg; Shade for the
 *     secondary rays), the traversal and shading (the scene read, the ray
 *     stack and the process's private data), a shadow ray id per light
 *     (shade.c Shade, under ridlock again), and the ray's colour added to
 *     its pixel in the frame buffer (fbuf.c AddPixelColor: three 4-byte
 *     floats read and written).
 * So the data written by several processors are the frame buffer (a 4 KB
 * page holds 2.7 image rows, each cut among blockx blocks of different
 * owners), the work pools' heads, status words and WPJOB nodes (written by
 * the owner and by thieves), gm->rid (one line, with gm->freelist beside
 * it) and the lock words; the scene is read shared; each process's ray
 * state is private.
 *
 * A ray's tracing runs as the jobs guest's user code does (guest_proc.c:
 * stretches of code, each with one reference to the scene, the private
 * data or the stack, by capture.wl.shared, .random, .sequential, the rest),
 * with the workload file's sizes, so that the program's compute is the
 * same stream Figure 6's raytrace runs; what this adds is the program's
 * sharing.  capture.scale scales the pixels traced: each process puts the
 * first capture.scale of its bundles (at least one) in its pool, and every
 * pixel costs capture.wl.insns / (xres * yres) instructions.
 *
 * Layout (32-bit IRIX 5.3: 4-byte INT and pointers): GMEM (rt.H) at
 * RT_GM, with nprocs, pid, rid, modelroot, world_level_grid and freelist in
 * its first 24 bytes, then wpstat[MAX_PROCS][INT_PAD_SIZE] and
 * workpool[MAX_PROCS][INT_PAD_SIZE]; the arena's lock words at RT_ARENA, a
 * line each (assumed: IRIX's usnewlock locks); the global heap at RT_HEAP:
 * the geometry, the frame buffer, the grid (the scene's capture.wl.
 * shared_size split evenly around the frame buffer, in the order main.c
 * allocates them; the split is assumed), then the WPJOB nodes in the order
 * the processes allocate them; each process's private data
 * (capture.wl.data_size) and stack (capture.wl.stack_size) at RT_PRIV.
 * Locks are the engine's locks (their wait is sync time) around a load and
 * a store of the lock word (test-and-set) and a store that frees it. */

#define RT_GM 0x00800000ull
#define RT_GM_PID (RT_GM + 4)
#define RT_GM_RID (RT_GM + 8)
#define RT_GM_FREELIST (RT_GM + 20)
#define RT_GM_WPSTAT (RT_GM + 24)        /* wpstat[p][0] at + p * RT_PAD */
#define RT_MAX_PROCS 128ull              /* rt.H's MAX_PROCS in the SPLASH-2 release (assumed; it
					  * only places workpool[] after wpstat[]) */
#define RT_PAD 1024ull                   /* INT_PAD_SIZE (256) 4-byte words per process (rt.H) */
#define RT_GM_WORKPOOL (RT_GM_WPSTAT + RT_MAX_PROCS * RT_PAD)
#define RT_ARENA 0x00c00000ull
#define RT_HEAP 0x01000000ull
#define RT_PRIV 0x02000000ull
#define RT_NODE 40ull        /* a WPJOB's heap node: NODE's 16-byte header (next, size, free, cksm)
			      * and WPJOB's 20 bytes rounded up to 8 (memory.c ROUND_UP) */
#define RT_PIXEL 12ull       /* PIXEL: three R32 (rt.H) */
#define RT_LINE 128ull       /* a lock word's line in the arena */
enum { RL_PID, RL_RID, RL_MEM, RL_WP0 };   /* the locks: pidlock, ridlock, memlock, wplock[] */
#define RT_LOCK_ID 2000      /* engine lock ids 2000..: the program's (the kernel's are below) */
#define RT_SEM_CREATE 1900   /* ids 1900..: thread t waits on 1900 + t to be created */
#define RT_LOCK_PC (RX_TEXT + 0x1400)
#define RT_POOL_PC (RX_TEXT + 0x1800)
#define RT_HEAP_PC (RX_TEXT + 0x1c00)
#define RT_FB_PC (RX_TEXT + 0x2000)
#define RT_SETUP_PC (RX_TEXT + 0x2400)
/* instructions (assumed: the library calls and loops of the SPLASH-2
 * source, a few per statement) */
#define RT_LOCK_INSNS 8      /* a lock's acquire or release call */
#define RT_GETJOB_INSNS 30   /* GetJob around its references */
#define RT_PUTJOB_INSNS 20   /* PutJob's loop body */
#define RT_MALLOC_INSNS 40   /* GlobalMalloc's first fit and split */
#define RT_FREE_INSNS 40     /* GlobalFree's checks and merge */
#define RT_WALK_INSNS 6      /* GlobalFree's walk, per node header */
#define RT_PIXEL_INSNS 12    /* AddPixelColor */
#define RT_SETUP_INSNS 2     /* per word the main process stores setting up */
#define RT_STRETCHES 32      /* stretches of a ray's code per step */

enum { RT_CREATE, RT_SETUP, RT_PID, RT_INITPOOL, RT_PUT, RT_START, RT_GET, RT_RAY, RT_WORK, RT_SHADE };

/* The program's state shared by its threads.  A step that faults is taken
 * back (irix_step), with what it changed here: sh, top[], wpstat[], and
 * the one node a GlobalFree marks free. */
struct rt_sh {
	uint64_t pid, rid;          /* gm->pid, gm->rid */
	uint64_t nodes;             /* WPJOB nodes allocated (the heap's remainder after them) */
	uint64_t free_head;         /* the lowest node freed, nodes: none (the free list's head) */
	uint64_t undo_node;         /* the node + 1 this step freed, 0: none */
};

struct rtrace {
	uint64_t xres, yres, blockx, blocky, bundlex, bundley, lights, rays;
	uint64_t ray_insns;         /* one ray's traversal and shading */
	uint64_t text_hot, cluster, nhot;
	double call_rate, run_len, p_shared, p_random, p_seq;
	uint64_t seq_stride, scene, fb, fb_va, grid_va, node_va, data, stack, stride;
	uint64_t njobs;
	uint32_t *jx, *jy, *jw, *jh;   /* [njobs] a bundle's first pixel and size, by pool, in put order */
	uint32_t *pool0, *npool;       /* [P] pool p's bundles: pool0[p] .. pool0[p] + npool[p] - 1 */
	uint32_t *node_of;             /* [njobs] the heap node of bundle j's WPJOB */
	uint8_t *node_free;            /* [njobs] the node went back to the heap */
	struct rt_sh sh, save;
	uint32_t *top, *save_top;      /* [P] bundles on pool p's stack: pool0[p] .. + top[p] - 1 */
	uint8_t *wpstat, *save_wpstat; /* [P] wpstat[p]: 1 WPS_VALID, 0 WPS_EMPTY */
};

static void rt_free(struct rtrace *r)
{
	if (!r)
		return;
	sim_free(r->jx);
	sim_free(r->jy);
	sim_free(r->jw);
	sim_free(r->jh);
	sim_free(r->pool0);
	sim_free(r->npool);
	sim_free(r->node_of);
	sim_free(r->node_free);
	sim_free(r->top);
	sim_free(r->save_top);
	sim_free(r->wpstat);
	sim_free(r->save_wpstat);
	sim_free(r);
}

/* Pool p's bundles in InitWorkPool's order (blocks row by row, dealt round
 * robin; each block's bundles row by row, PutJob), the first `keep` of
 * them; into the job arrays from *n on (NULL arrays: count only). */
static uint64_t rt_pool(struct rtrace *r, uint64_t P, uint64_t p, uint64_t keep, uint64_t n)
{
	uint64_t xs = r->xres / r->blockx, ys = r->yres / r->blocky, i = 0, got = 0;
	for (uint64_t y = 0; y < r->yres; y += ys)
		for (uint64_t x0 = 0; x0 < r->xres; x0 += xs, i = (i + 1) % P) {
			uint64_t xe = x0 + xs > r->xres ? r->xres - x0 : xs;
			uint64_t ye = y + ys > r->yres ? r->yres - y : ys;
			if (i != p)
				continue;
			for (uint64_t by = 0; by < ye; by += r->bundley)
				for (uint64_t bx = 0; bx < xe; bx += r->bundlex) {
					if (got == keep)
						return got;
					if (r->jx) {
						r->jx[n + got] = (uint32_t)(x0 + bx);
						r->jy[n + got] = (uint32_t)(y + by);
						r->jw[n + got] = (uint32_t)(bx + r->bundlex > xe ? xe - bx : r->bundlex);
						r->jh[n + got] = (uint32_t)(by + r->bundley > ye ? ye - by : r->bundley);
					}
					got++;
				}
		}
	return got;
}

static int rt_create(struct radix *x, const cfg *c, struct sim_err *err)
{
	struct rtrace *r = sim_calloc(1, sizeof *r);
	uint64_t P = (uint64_t)x->nthreads, psize = (uint64_t)cfg_int(c, "machine.page_size"), n = 0;
	unsigned pshift = (unsigned)__builtin_ctzll(psize);
	double scale = cfg_real(c, "capture.scale");

	if (!r)
		return sim_errf(err, SIM_ENOMEM, "out of memory creating the raytrace guest");
	x->rt = r;
	r->xres = (uint64_t)cfg_int(c, "capture.raytrace.xres");
	r->yres = (uint64_t)cfg_int(c, "capture.raytrace.yres");
	r->blockx = (uint64_t)cfg_int(c, "capture.raytrace.blockx");
	r->blocky = (uint64_t)cfg_int(c, "capture.raytrace.blocky");
	r->bundlex = (uint64_t)cfg_int(c, "capture.raytrace.bundlex");
	r->bundley = (uint64_t)cfg_int(c, "capture.raytrace.bundley");
	r->lights = (uint64_t)cfg_int(c, "capture.raytrace.lights");
	r->rays = (uint64_t)cfg_int(c, "capture.raytrace.rays");
	if (r->blockx > r->xres || r->blocky > r->yres)
		return sim_errf(err, SIM_EINVAL, "raytrace: more blocks than pixels along an axis");
	if (P > RT_MAX_PROCS)
		return sim_errf(err, SIM_EINVAL, "raytrace: %llu processes are more than its MAX_PROCS (%llu)",
				(unsigned long long)P, (unsigned long long)RT_MAX_PROCS);
	r->ray_insns = (uint64_t)(cfg_real(c, "capture.wl.insns") / (double)(r->xres * r->yres) /
				  (double)r->rays + 0.5);
	if (r->ray_insns < 1)
		r->ray_insns = 1;
	r->text_hot = (uint64_t)cfg_int(c, "capture.wl.text_hot");
	r->cluster = (uint64_t)cfg_int(c, "capture.wl.text_cluster");
	if (r->cluster > r->text_hot)
		r->cluster = r->text_hot;
	r->nhot = r->text_hot / r->cluster;
	r->call_rate = cfg_real(c, "capture.wl.call_rate");
	r->run_len = cfg_real(c, "capture.wl.run_length");
	r->p_shared = cfg_real(c, "capture.wl.shared");
	r->p_random = cfg_real(c, "capture.wl.random");
	r->p_seq = cfg_real(c, "capture.wl.sequential");
	r->seq_stride = (uint64_t)cfg_int(c, "capture.wl.seq_stride") & ~7ull;
	r->scene = ((uint64_t)cfg_int(c, "capture.wl.shared_size") + 2 * psize - 1) & ~(2 * psize - 1);
	r->fb = r->xres * r->yres * RT_PIXEL;
	r->fb_va = RT_HEAP + r->scene / 2;
	r->grid_va = r->fb_va + ((r->fb + 7) & ~7ull);
	r->node_va = r->grid_va + r->scene / 2;
	r->data = ((uint64_t)cfg_int(c, "capture.wl.data_size") + psize - 1) & ~(psize - 1);
	r->stack = ((uint64_t)cfg_int(c, "capture.wl.stack_size") + psize - 1) & ~(psize - 1);
	r->stride = (r->data + r->stack + 0xffff) & ~0xffffull;
	x->text_pages = ((uint64_t)cfg_int(c, "capture.wl.text_size") + psize - 1) >> pshift;
	if (r->text_hot > x->text_pages << pshift || RX_TEXT + (x->text_pages << pshift) > RT_GM)
		return sim_errf(err, SIM_EINVAL, "raytrace: the text (capture.wl.text_size, text_hot) "
				"does not fit its layout");
	r->pool0 = sim_calloc((size_t)P, sizeof *r->pool0);
	r->npool = sim_calloc((size_t)P, sizeof *r->npool);
	r->top = sim_calloc((size_t)P, sizeof *r->top);
	r->save_top = sim_calloc((size_t)P, sizeof *r->save_top);
	r->wpstat = sim_calloc((size_t)P, 1);
	r->save_wpstat = sim_calloc((size_t)P, 1);
	if (!r->pool0 || !r->npool || !r->top || !r->save_top || !r->wpstat || !r->save_wpstat)
		return sim_errf(err, SIM_ENOMEM, "out of memory creating the raytrace guest");
	for (uint64_t p = 0; p < P; p++) {
		uint64_t all = rt_pool(r, P, p, UINT64_MAX, 0);
		uint64_t keep = (uint64_t)ceil((double)all * scale);
		r->npool[p] = (uint32_t)(keep < 1 ? 1 : keep > all ? all : keep);
		r->pool0[p] = (uint32_t)n;
		n += r->npool[p];
		if (all == 0)
			return sim_errf(err, SIM_EINVAL, "raytrace: process %llu has no block of the image "
					"(more processes than blocks)", (unsigned long long)p);
	}
	r->njobs = n;
	r->jx = sim_calloc((size_t)n, sizeof *r->jx);
	r->jy = sim_calloc((size_t)n, sizeof *r->jy);
	r->jw = sim_calloc((size_t)n, sizeof *r->jw);
	r->jh = sim_calloc((size_t)n, sizeof *r->jh);
	r->node_of = sim_calloc((size_t)n, sizeof *r->node_of);
	r->node_free = sim_calloc((size_t)n, 1);
	if (!r->jx || !r->jy || !r->jw || !r->jh || !r->node_of || !r->node_free)
		return sim_errf(err, SIM_ENOMEM, "out of memory creating the raytrace guest");
	for (uint64_t p = 0; p < P; p++)
		rt_pool(r, P, p, r->npool[p], r->pool0[p]);
	if (r->node_va + (n + 1) * RT_NODE > RT_PRIV)
		return sim_errf(err, SIM_EINVAL, "raytrace: the scene and frame buffer do not fit the "
				"heap's layout");
	r->sh.free_head = UINT64_MAX;
	x->upages = (RT_PRIV + P * r->stride - RX_TEXT) >> pshift;
	return SIM_OK;
}

static int rref(struct radix *x, int t, int store, uint64_t va, unsigned size)
{
	int rc = touch(x, t, va);
	if (!rc)
		push(&x->g.c[t], store ? TRC_STORE : TRC_LOAD, 0, size, 0, va, 0);
	return rc;
}

static uint64_t rt_lock_va(int l) { return RT_ARENA + (uint64_t)l * RT_LINE; }

/* Lock l's acquire: the call, the engine's lock, the test-and-set. */
static int rt_acquire(struct radix *x, int t, int l)
{
	int rc = insn(x, t, RT_LOCK_PC, RT_LOCK_INSNS);
	if (!rc) {
		push(&x->g.c[t], TRC_LOCK_ACQ, 0, 0, RT_LOCK_ID + (uint32_t)l, 0, 0);
		if (!(rc = rref(x, t, 0, rt_lock_va(l), 4)))
			rc = rref(x, t, 1, rt_lock_va(l), 4);
	}
	return rc;
}

static int rt_release(struct radix *x, int t, int l)
{
	int rc = insn(x, t, RT_LOCK_PC + 0x100, RT_LOCK_INSNS);
	if (!rc && !(rc = rref(x, t, 1, rt_lock_va(l), 4)))
		push(&x->g.c[t], TRC_LOCK_REL, 0, 0, RT_LOCK_ID + (uint32_t)l, 0, 0);
	return rc;
}

/* A counter's increment under its lock: gm->pid (pidlock), gm->rid (ridlock). */
static int rt_count(struct radix *x, int t, int l, uint64_t va, uint64_t *v)
{
	int rc = rt_acquire(x, t, l);
	if (!rc && !(rc = rref(x, t, 0, va, 4)) && !(rc = rref(x, t, 1, va, 4)))
		rc = rt_release(x, t, l);
	(*v)++;
	return rc;
}

static uint64_t rt_node_va(const struct rtrace *r, uint64_t k) { return r->node_va + k * RT_NODE; }

/* GlobalMalloc of a WPJOB, the heap holding only the remainder (no node
 * is freed before the start barrier): first fit on it, split. */
static int rt_malloc(struct radix *x, int t, uint64_t *node)
{
	struct rtrace *r = x->rt;
	uint64_t k = r->sh.nodes;
	int rc;
	if ((rc = rt_acquire(x, t, RL_MEM)) || (rc = insn(x, t, RT_HEAP_PC, RT_MALLOC_INSNS)) ||
	    (rc = rref(x, t, 0, RT_GM_FREELIST, 4)) || (rc = rref(x, t, 0, rt_node_va(r, k), 8)) ||
	    (rc = rref(x, t, 0, rt_node_va(r, k) + 8, 8)) ||
	    (rc = rref(x, t, 1, rt_node_va(r, k + 1), 8)) ||   /* the remainder's new header */
	    (rc = rref(x, t, 1, rt_node_va(r, k + 1) + 8, 8)) || (rc = rref(x, t, 1, RT_GM_FREELIST, 4)) ||
	    (rc = rt_release(x, t, RL_MEM)))
		return rc;
	r->sh.nodes++;
	*node = k;
	/* curr->next = NULL, curr->free = FALSE, after the unlock */
	if (!(rc = rref(x, t, 1, rt_node_va(r, k), 4)))
		rc = rref(x, t, 1, rt_node_va(r, k) + 8, 4);
	return rc;
}

/* Whether node i heads a run of nodes GlobalFree's walk steps over as one
 * (an allocated node, or the first of adjacent free ones, which merged). */
static int rt_heads(const struct rtrace *r, uint64_t i)
{
	return !r->node_free[i] || i == 0 || !r->node_free[i - 1];
}

/* GlobalFree of node k (memory.c): under memlock, the walk from the free
 * list's head over the node headers up to k (its free neighbour before),
 * on to the next free node after it, then the links written. */
static int rt_gfree(struct radix *x, int t, uint64_t k)
{
	struct rtrace *r = x->rt;
	uint64_t prev = UINT64_MAX, i;
	int rc;
	if ((rc = rt_acquire(x, t, RL_MEM)) || (rc = insn(x, t, RT_HEAP_PC + 0x200, RT_FREE_INSNS)) ||
	    (rc = rref(x, t, 0, rt_node_va(r, k), 8)) || (rc = rref(x, t, 0, RT_GM_FREELIST, 4)))
		return rc;
	for (i = r->sh.free_head; i < k; i++) {
		if (!rt_heads(r, i))
			continue;
		if ((rc = insn(x, t, RT_HEAP_PC + 0x300, RT_WALK_INSNS)) ||
		    (rc = rref(x, t, 0, rt_node_va(r, i) + 8, 8)))
			return rc;
		if (r->node_free[i])
			prev = i;
	}
	for (i = k + 1; i <= r->sh.nodes; i++) {   /* node sh.nodes: the remainder, free */
		if (i < r->sh.nodes && !rt_heads(r, i))
			continue;
		if ((rc = insn(x, t, RT_HEAP_PC + 0x340, RT_WALK_INSNS)) ||
		    (rc = rref(x, t, 0, rt_node_va(r, i) + 8, 8)))
			return rc;
		if (i == r->sh.nodes || r->node_free[i])
			break;
	}
	if ((rc = rref(x, t, 1, rt_node_va(r, k), 8)) ||
	    (rc = rref(x, t, 1, prev == UINT64_MAX ? RT_GM_FREELIST : rt_node_va(r, prev), 4)) ||
	    (rc = rt_release(x, t, RL_MEM)))
		return rc;
	r->node_free[k] = 1;
	r->sh.undo_node = k + 1;
	if (r->sh.free_head == UINT64_MAX || k < r->sh.free_head)
		r->sh.free_head = k;
	return SIM_OK;
}

static uint64_t rt_wpstat_va(int p) { return RT_GM_WPSTAT + (uint64_t)p * RT_PAD; }
static uint64_t rt_workpool_va(int p) { return RT_GM_WORKPOOL + (uint64_t)p * RT_PAD; }

/* PutJob of thread t's next bundle: its node from the heap, its fields,
 * pushed on the thread's stack. */
static int rt_putjob(struct radix *x, int t)
{
	struct rtrace *r = x->rt;
	struct rthread *h = &x->th[t];
	uint64_t j = r->pool0[t] + h->put, k = 0, va;
	int rc;
	if ((rc = insn(x, t, RT_POOL_PC, RT_PUTJOB_INSNS)) || (rc = rt_malloc(x, t, &k)))
		return rc;
	va = rt_node_va(r, k) + 16;
	for (uint64_t f = 0; f < 5 && !rc; f++)   /* ypix, xpix, xdim, ydim, next */
		rc = rref(x, t, 1, va + f * 4, 4);
	if (rc || (rc = rref(x, t, 0, rt_workpool_va(t), 4)) || (rc = rref(x, t, 1, rt_workpool_va(t), 4)))
		return rc;
	r->node_of[j] = (uint32_t)k;
	r->top[t]++;
	h->put++;
	return SIM_OK;
}

/* GetJob from pool p (workpool.c): *got 1 with the bundle in h->job, 0
 * when the pool was empty (its wpstat set so). */
static int rt_getjob(struct radix *x, int t, int p, int *got)
{
	struct rtrace *r = x->rt;
	struct rthread *h = &x->th[t];
	uint64_t j, va;
	int rc;
	*got = 0;
	if ((rc = rt_acquire(x, t, RL_WP0 + p)) || (rc = insn(x, t, RT_POOL_PC + 0x200, RT_GETJOB_INSNS)) ||
	    (rc = rref(x, t, 0, rt_workpool_va(p), 4)))
		return rc;
	if (r->top[p] == 0) {
		if ((rc = rref(x, t, 1, rt_wpstat_va(p), 4)) || (rc = rt_release(x, t, RL_WP0 + p)))
			return rc;
		r->wpstat[p] = 0;
		return SIM_OK;
	}
	j = r->pool0[p] + r->top[p] - 1;
	va = rt_node_va(r, r->node_of[j]) + 16;
	if ((rc = rref(x, t, 0, va + 16, 4)) || (rc = rref(x, t, 1, rt_workpool_va(p), 4)) ||
	    (rc = rt_release(x, t, RL_WP0 + p)))
		return rc;
	for (uint64_t f = 0; f < 4 && !rc; f++)
		rc = rref(x, t, 0, va + f * 4, 4);
	if (rc || (rc = rt_gfree(x, t, r->node_of[j])))
		return rc;
	r->top[p]--;
	h->job = j;
	*got = 1;
	return SIM_OK;
}

/* The scene's byte off: the geometry before the frame buffer, the grid after. */
static uint64_t rt_scene_va(const struct rtrace *r, uint64_t off)
{
	return off < r->scene / 2 ? RT_HEAP + off : r->grid_va + off - r->scene / 2;
}

/* One stretch of a ray's code and its reference, as guest_proc.c's
 * user_step: the scene (a ray works on one spot of it for a while, then
 * moves to a skewed place), the private data, or the stack. */
static int rt_stretch(struct radix *x, int t)
{
	struct rtrace *r = x->rt;
	struct rthread *h = &x->th[t];
	struct gcpu *u = &x->g.c[t];
	uint64_t psize = x->g.psize, len = 1 + (uint64_t)(unif(&u->rng) * 2 * r->run_len), va;
	uint64_t priv = RT_PRIV + (uint64_t)t * r->stride;
	double p = unif(&u->rng);
	int store = (rnd(&u->rng) % 10) < 3, rc;

	if (h->pc + len * 4 > h->func_end || unif(&u->rng) < r->call_rate) {
		double u3 = unif(&u->rng);
		uint64_t cl = (uint64_t)(u3 * u3 * u3 * (double)r->nhot);
		h->pc = RX_TEXT + cl * r->cluster + (rnd(&u->rng) % (r->cluster / 256)) * 256;
		h->func_end = h->pc + 1024 + (rnd(&u->rng) % 16) * 128;
		if (h->func_end > RX_TEXT + r->text_hot)
			h->func_end = RX_TEXT + r->text_hot;
	}
	if ((h->pc & (psize - 1)) + len * 4 > psize)   /* runs stay in a page */
		len = (psize - (h->pc & (psize - 1))) / 4;
	if (len > h->left)
		len = h->left;
	if ((rc = insn(x, t, h->pc, len)))
		return rc;
	h->pc += len * 4;
	h->left -= len;
	if (p < r->p_shared) {
		if ((rnd(&u->rng) & 63) == 0) {
			double u4 = unif(&u->rng);
			h->spot = (uint64_t)(u4 * u4 * (double)(r->scene - 4096));
		}
		va = rt_scene_va(r, (h->spot + rnd(&u->rng) % 4096) & ~7ull);
		store = 0;
	} else if (p < r->p_shared + r->p_random + r->p_seq) {
		if (p < r->p_shared + r->p_random) {
			double u2 = unif(&u->rng);   /* skewed towards the data's start */
			va = priv + ((uint64_t)(u2 * u2 * (double)r->data) & ~7ull);
		} else {
			h->cursor = (h->cursor + r->seq_stride) % r->data;
			va = priv + h->cursor;
		}
	} else {
		uint64_t k = (rnd(&u->rng) % 16 == 0) ? rnd(&u->rng) % (r->stack / psize) : 0;
		va = priv + r->data + r->stack - (k + 1) * psize;
		va += psize - 8 - (rnd(&u->rng) % 64) * 8;
	}
	return rref(x, t, store, va, 8);
}

/* The main process's setup, a few dozen words a step: the scene written,
 * the frame buffer cleared (OpenFrameBuffer's loop: r, g, b of each pixel). */
static int rt_setup(struct radix *x, int t)
{
	struct rtrace *r = x->rt;
	struct rthread *h = &x->th[t];
	int rc = SIM_OK;
	for (int k = 0; k < 32 && !rc && h->setup < r->scene + r->fb; k++) {
		uint64_t o = h->setup, va = o < r->scene ? rt_scene_va(r, o) : r->fb_va + o - r->scene;
		unsigned sz = o < r->scene ? 8 : 4;
		if (!(rc = insn(x, t, RT_SETUP_PC, RT_SETUP_INSNS)) && !(rc = rref(x, t, 1, va, sz)))
			h->setup += sz;
	}
	return rc;
}

/* One step of raytrace's thread t. */
static int rt_step(struct radix *x, int t)
{
	struct rtrace *r = x->rt;
	struct rthread *h = &x->th[t];
	struct gcpu *u = &x->g.c[t];
	int rc = SIM_OK, got;

	switch (h->rph) {
	case RT_CREATE:   /* the others wait for the main process to create them */
		if (t == 0) {
			h->rph = RT_SETUP;
			break;
		}
		push(u, TRC_SEM_WAIT, 0, 0, RT_SEM_CREATE + (uint32_t)t, 0, 0);
		push(u, TRC_SEM_WAIT, 0, 0, RT_SEM_CREATE + (uint32_t)t, 0, 0);
		h->rph = RT_PID;
		break;
	case RT_SETUP:
		if (h->setup < r->scene + r->fb) {
			rc = rt_setup(x, t);
			break;
		}
		for (int i = 1; i < x->nthreads; i++)   /* CREATE */
			push(u, TRC_SEM_SIGNAL, 0, 0, RT_SEM_CREATE + (uint32_t)i, 0, 0);
		h->rph = RT_PID;
		break;
	case RT_PID:
		if (!(rc = rt_count(x, t, RL_PID, RT_GM_PID, &r->sh.pid)))
			h->rph = RT_INITPOOL;
		break;
	case RT_INITPOOL:   /* wpstat[pid] = WPS_VALID, workpool[pid] = NULL */
		if (!(rc = insn(x, t, RT_POOL_PC + 0x100, RT_PUTJOB_INSNS)) &&
		    !(rc = rref(x, t, 1, rt_wpstat_va(t), 4)) && !(rc = rref(x, t, 1, rt_workpool_va(t), 4))) {
			r->wpstat[t] = 1;
			h->rph = RT_PUT;
		}
		break;
	case RT_PUT:
		if (h->put < r->npool[t]) {
			rc = rt_putjob(x, t);
			break;
		}
		h->rph = RT_START;
		break;
	case RT_START:   /* BARRIER(gm->start) */
		if (!(rc = barrier(x, t, 0))) {
			h->rph = RT_GET;
			h->victim = t;
			h->tried = 0;
		}
		break;
	case RT_GET:   /* GetJobs: its own pool, then the others' in turn */
		if (h->tried == x->nthreads) {
			h->phase = PH_DONE;
			break;
		}
		if ((rc = insn(x, t, RT_POOL_PC + 0x300, RT_LOCK_INSNS)) ||
		    (rc = rref(x, t, 0, rt_wpstat_va(h->victim), 4)))
			break;
		got = 0;
		if (r->wpstat[h->victim] && (rc = rt_getjob(x, t, h->victim, &got)))
			break;
		if (got) {
			h->px = h->py = h->ray = 0;
			h->victim = t;
			h->tried = 0;
			h->rph = RT_RAY;
		} else {
			h->victim = (h->victim + 1) % x->nthreads;
			h->tried++;
		}
		break;
	case RT_RAY:   /* the ray's id */
		if (!(rc = rt_count(x, t, RL_RID, RT_GM_RID, &r->sh.rid))) {
			h->left = r->ray_insns;
			h->rph = RT_WORK;
		}
		break;
	case RT_WORK:
		for (int k = 0; k < RT_STRETCHES && h->left && !rc; k++)
			rc = rt_stretch(x, t);
		if (!rc && !h->left)
			h->rph = RT_SHADE;
		break;
	case RT_SHADE: {   /* a shadow ray's id per light, the colour added to the pixel */
		uint64_t pix = (uint64_t)(r->jy[h->job] + h->py) * r->xres + r->jx[h->job] + h->px;
		uint64_t va = r->fb_va + pix * RT_PIXEL;
		for (uint64_t l = 0; l < r->lights && !rc; l++)
			rc = rt_count(x, t, RL_RID, RT_GM_RID, &r->sh.rid);
		if (!rc)
			rc = insn(x, t, RT_FB_PC, RT_PIXEL_INSNS);
		for (uint64_t f = 0; f < 3 && !rc; f++)
			if (!(rc = rref(x, t, 0, va + f * 4, 4)))
				rc = rref(x, t, 1, va + f * 4, 4);
		if (rc)
			break;
		h->rph = RT_RAY;
		if (++h->ray < r->rays)
			break;
		h->ray = 0;
		if (++h->px == r->jw[h->job]) {
			h->px = 0;
			if (++h->py == r->jh[h->job])
				h->rph = RT_GET;
		}
		break;
	}
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
	struct rtrace *r = x->rt;
	size_t mark;
	uint64_t vpn, i, rng;
	int rc;

	if (!h->started) {
		push(u, TRC_ASID, 0, 0, RX_ASID0 + (uint32_t)t, 0, 0);
		h->started = 1;
	}
	switch (h->fstate) {
	case F_HOLD:
		fault_end(x, t);
		return SIM_OK;
	case F_SLEEP:   /* woken: handed the lock, or (wake_all) to try again */
		wake_done(x, t);
		rx_switch(x, t, 1);
		if (x->wake_all) {
			if (x->holder && x->holder != t + 1) {
				x->sleepq[x->nsleep++] = t;
				x->sleeps++;
				rx_switch(x, t, 0);
				wake_wait(x, t);
				return SIM_OK;
			}
			x->holder = t + 1;
		}
		return fault_locked(x, t);
	}
	save = *h;
	rng = u->rng;
	if (r) {
		r->sh.undo_node = 0;
		r->save = r->sh;
		memcpy(r->save_top, r->top, (size_t)x->nthreads * sizeof *r->top);
		memcpy(r->save_wpstat, r->wpstat, (size_t)x->nthreads);
	} else {
		memcpy(h->save_next, h->next, (size_t)x->radix * sizeof *h->next);
	}
	mark = u->npend;
	rc = r ? rt_step(x, t) : radix_step(x, t);
	if (rc != RX_FAULT)
		return rc;
	vpn = h->fvpn;
	i = h->fi;
	*h = save;
	u->rng = rng;
	if (r) {   /* the shared state the step changed, taken back with it */
		if (r->sh.undo_node)
			r->node_free[r->sh.undo_node - 1] = 0;
		r->sh = r->save;
		memcpy(r->top, r->save_top, (size_t)x->nthreads * sizeof *r->top);
		memcpy(r->wpstat, r->save_wpstat, (size_t)x->nthreads);
	} else {
		memcpy(h->next, h->save_next, (size_t)x->radix * sizeof *h->next);
	}
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
	{ "capture.wl.program", PARAM_CHOICE, "jobs", 0, 0, "jobs,radix,raytrace", "",
	  "what the IRIX guest runs: jobs (the capture.wl.* process model: pmake, engineering, "
	  "raytrace, database), radix (SPLASH-2's radix sort, capture.radix.*, one thread per "
	  "vCPU under one kernel) or raytrace (SPLASH-2's ray tracer, capture.raytrace.*, one "
	  "process per vCPU in one address space under one kernel)" },
	/* raytrace: the car input's car.env (SPLASH-2 raytrace/inputs/car.env:
	 * "resolution 128 128", "block 8 8", "bundle 4 4", three "light"
	 * lines) */
	{ "capture.raytrace.xres", PARAM_INT, "128", 1, 1280, NULL, "pixels",
	  "image width (car.env: resolution 128 128; rt.H MAX_X 1280)" },
	{ "capture.raytrace.yres", PARAM_INT, "128", 1, 1024, NULL, "pixels",
	  "image height (car.env: resolution 128 128; rt.H MAX_Y 1024)" },
	{ "capture.raytrace.blockx", PARAM_INT, "8", 1, 1280, NULL, "",
	  "blocks across the image, dealt round robin to the processes' work pools "
	  "(car.env: block 8 8; workpool.c InitWorkPool: xsize = xres / blockx)" },
	{ "capture.raytrace.blocky", PARAM_INT, "8", 1, 1024, NULL, "",
	  "blocks down the image (car.env: block 8 8)" },
	{ "capture.raytrace.bundlex", PARAM_INT, "4", 1, 1280, NULL, "pixels",
	  "a work-pool job's width (car.env: bundle 4 4; workpool.c PutJob)" },
	{ "capture.raytrace.bundley", PARAM_INT, "4", 1, 1024, NULL, "pixels",
	  "a work-pool job's height (car.env: bundle 4 4)" },
	{ "capture.raytrace.lights", PARAM_INT, "3", 0, 20, NULL, "",
	  "lights: Shade takes a shadow ray's id from gm->rid for each (car.env: three light "
	  "lines; shade.c)" },
	{ "capture.raytrace.rays", PARAM_INT, "2", 1, 64, NULL, "",
	  "rays traced per pixel: the primary and its secondaries (assumed: the car's surfaces, "
	  "car.geo, are not in the public source; one reflection on average; Display.maxlevel 5 "
	  "bounds the tree)" },
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
