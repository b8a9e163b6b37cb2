/*
 * Raytrace: NOTES ON THE DESIGN.
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
 * a store of the lock word (test-and-set) and a store that frees it.
 *
 * It runs on the SPLASH-2 runtime (capture/guest_splash.c), IRIX only
 * (capture.wl.program = raytrace): one kernel, a page table per process
 * filled at first touch under the region's lock.  Its processes also share
 * state the program writes (the work pools, the ray-id counter, the heap):
 * a step that faults is taken back with what it changed there too
 * (rt_save, rt_undo).
 */
#include <math.h>
#include <string.h>

#include "capture/guest_os.h"
#include "capture/guest_splash.h"

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
#define RT_LOCK_PC (SPLASH_TEXT + 0x1400)
#define RT_POOL_PC (SPLASH_TEXT + 0x1800)
#define RT_HEAP_PC (SPLASH_TEXT + 0x1c00)
#define RT_FB_PC (SPLASH_TEXT + 0x2000)
#define RT_SETUP_PC (SPLASH_TEXT + 0x2400)
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
 * back (rt_undo), with what it changed here: sh, top[], wpstat[], and
 * the one node a GlobalFree marks free. */
struct rt_sh {
	uint64_t pid, rid;          /* gm->pid, gm->rid */
	uint64_t nodes;             /* WPJOB nodes allocated (the heap's remainder after them) */
	uint64_t free_head;         /* the lowest node freed, nodes: none (the free list's head) */
	uint64_t undo_node;         /* the node + 1 this step freed, 0: none */
};

/* A process's state (its thread's), taken back with a step that faults. */
struct rt_thread {
	int rph;                    /* RT_* above: where the thread is in the program */
	uint64_t job, px, py, ray;  /* the bundle it renders, its pixel, the pixel's ray */
	uint64_t left;              /* instructions left of the ray's tracing */
	uint64_t put, setup;        /* bundles put in its pool; thread 0: bytes of the setup done */
	int victim, tried;          /* GetJobs: the pool it tries next, pools tried */
	uint64_t pc, func_end;      /* the code it runs */
	uint64_t spot, cursor;      /* the part of the scene it reads; its private data's walk */
};

struct rtrace {
	struct rt_thread *th;       /* [P] */
	struct rt_thread save;      /* the stepping thread's at the step's start */
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
	struct rt_sh sh, saved;        /* saved: sh at the step's start */
	uint32_t *top, *save_top;      /* [P] bundles on pool p's stack: pool0[p] .. + top[p] - 1 */
	uint8_t *wpstat, *save_wpstat; /* [P] wpstat[p]: 1 WPS_VALID, 0 WPS_EMPTY */
};

static void rt_free(void *state)
{
	struct rtrace *r = state;
	if (!r)
		return;
	sim_free(r->th);
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

static int rt_create(struct splash *x, const cfg *c, struct sim_err *err)
{
	struct rtrace *r = sim_calloc(1, sizeof *r);
	uint64_t P = (uint64_t)x->nthreads, psize = (uint64_t)cfg_int(c, "machine.page_size"), n = 0;
	unsigned pshift = (unsigned)__builtin_ctzll(psize);
	double scale = cfg_real(c, "capture.scale");

	if (!r)
		return sim_errf(err, SIM_ENOMEM, "out of memory creating the raytrace guest");
	x->state = r;
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
	if (r->text_hot > x->text_pages << pshift || SPLASH_TEXT + (x->text_pages << pshift) > RT_GM)
		return sim_errf(err, SIM_EINVAL, "raytrace: the text (capture.wl.text_size, text_hot) "
				"does not fit its layout");
	r->th = sim_calloc((size_t)P, sizeof *r->th);
	r->pool0 = sim_calloc((size_t)P, sizeof *r->pool0);
	r->npool = sim_calloc((size_t)P, sizeof *r->npool);
	r->top = sim_calloc((size_t)P, sizeof *r->top);
	r->save_top = sim_calloc((size_t)P, sizeof *r->save_top);
	r->wpstat = sim_calloc((size_t)P, 1);
	r->save_wpstat = sim_calloc((size_t)P, 1);
	if (!r->th || !r->pool0 || !r->npool || !r->top || !r->save_top || !r->wpstat || !r->save_wpstat)
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
	x->upages = (RT_PRIV + P * r->stride - SPLASH_TEXT) >> pshift;
	return SIM_OK;
}

/* The user stream's instructions and references (guest_splash.h), named
 * short for the many calls below. */
static int insn(struct splash *x, int t, uint64_t pc, uint64_t n) { return splash_insn(x, t, pc, n); }

static int rref(struct splash *x, int t, int store, uint64_t va, unsigned size)
{
	return splash_ref(x, t, store, va, size);
}

static uint64_t rt_lock_va(int l) { return RT_ARENA + (uint64_t)l * RT_LINE; }

/* Lock l's acquire: the call, the engine's lock, the test-and-set. */
static int rt_acquire(struct splash *x, int t, int l)
{
	int rc = insn(x, t, RT_LOCK_PC, RT_LOCK_INSNS);
	if (!rc) {
		push(&x->g.c[t], TRC_LOCK_ACQ, 0, 0, RT_LOCK_ID + (uint32_t)l, 0, 0);
		if (!(rc = rref(x, t, 0, rt_lock_va(l), 4)))
			rc = rref(x, t, 1, rt_lock_va(l), 4);
	}
	return rc;
}

static int rt_release(struct splash *x, int t, int l)
{
	int rc = insn(x, t, RT_LOCK_PC + 0x100, RT_LOCK_INSNS);
	if (!rc && !(rc = rref(x, t, 1, rt_lock_va(l), 4)))
		push(&x->g.c[t], TRC_LOCK_REL, 0, 0, RT_LOCK_ID + (uint32_t)l, 0, 0);
	return rc;
}

/* A counter's increment under its lock: gm->pid (pidlock), gm->rid (ridlock). */
static int rt_count(struct splash *x, int t, int l, uint64_t va, uint64_t *v)
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
static int rt_malloc(struct splash *x, int t, uint64_t *node)
{
	struct rtrace *r = x->state;
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
static int rt_gfree(struct splash *x, int t, uint64_t k)
{
	struct rtrace *r = x->state;
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
static int rt_putjob(struct splash *x, int t)
{
	struct rtrace *r = x->state;
	struct rt_thread *h = &r->th[t];
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
static int rt_getjob(struct splash *x, int t, int p, int *got)
{
	struct rtrace *r = x->state;
	struct rt_thread *h = &r->th[t];
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
static int rt_stretch(struct splash *x, int t)
{
	struct rtrace *r = x->state;
	struct rt_thread *h = &r->th[t];
	struct gcpu *u = &x->g.c[t];
	uint64_t psize = x->g.psize, len = 1 + (uint64_t)(unif(&u->rng) * 2 * r->run_len), va;
	uint64_t priv = RT_PRIV + (uint64_t)t * r->stride;
	double p = unif(&u->rng);
	int store = (rnd(&u->rng) % 10) < 3, rc;

	if (h->pc + len * 4 > h->func_end || unif(&u->rng) < r->call_rate) {
		double u3 = unif(&u->rng);
		uint64_t cl = (uint64_t)(u3 * u3 * u3 * (double)r->nhot);
		h->pc = SPLASH_TEXT + cl * r->cluster + (rnd(&u->rng) % (r->cluster / 256)) * 256;
		h->func_end = h->pc + 1024 + (rnd(&u->rng) % 16) * 128;
		if (h->func_end > SPLASH_TEXT + r->text_hot)
			h->func_end = SPLASH_TEXT + r->text_hot;
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
static int rt_setup(struct splash *x, int t)
{
	struct rtrace *r = x->state;
	struct rt_thread *h = &r->th[t];
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
static int rt_step(struct splash *x, int t)
{
	struct rtrace *r = x->state;
	struct rt_thread *h = &r->th[t];
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
		if (!(rc = splash_barrier(x, t, 0))) {
			h->rph = RT_GET;
			h->victim = t;
			h->tried = 0;
		}
		break;
	case RT_GET:   /* GetJobs: its own pool, then the others' in turn */
		if (h->tried == x->nthreads) {
			x->th[t].done = 1;
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

/* The process's state and the program's shared state at the step's start,
 * and the step taken back: the shared state it changed too. */
static void rt_save(struct splash *x, int t)
{
	struct rtrace *r = x->state;
	r->save = r->th[t];
	r->sh.undo_node = 0;
	r->saved = r->sh;
	memcpy(r->save_top, r->top, (size_t)x->nthreads * sizeof *r->top);
	memcpy(r->save_wpstat, r->wpstat, (size_t)x->nthreads);
}

static void rt_undo(struct splash *x, int t)
{
	struct rtrace *r = x->state;
	r->th[t] = r->save;
	if (r->sh.undo_node)
		r->node_free[r->sh.undo_node - 1] = 0;
	r->sh = r->saved;
	memcpy(r->top, r->save_top, (size_t)x->nthreads * sizeof *r->top);
	memcpy(r->wpstat, r->save_wpstat, (size_t)x->nthreads);
}

const struct splash_prog splash_raytrace = {
	"raytrace", rt_create, rt_step, rt_save, rt_undo, rt_free,
};

/* Sources: the car input's car.env (SPLASH-2 raytrace/inputs/car.env:
 * "resolution 128 128", "block 8 8", "bundle 4 4", three "light" lines). */
static const struct param_def defs[] = {
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
};

const struct param_table guest_raytrace_param_table = { "capture.raytrace", defs, sizeof defs / sizeof defs[0] };
