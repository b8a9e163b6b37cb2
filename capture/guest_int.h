/*
 * The IRIX guest's parts (capture/guest_*.c): its state, the record queue,
 * and what one part calls in another.  The design notes are at the top of
 * capture/guest_os.c.
 */
#ifndef CAPTURE_GUEST_INT_H
#define CAPTURE_GUEST_INT_H

#include <string.h>

#include "base/mem.h"
#include "base/rng.h"
#include "capture/capture.h"
#include "replay/replay.h"

#define KSEG0 0x80000000ull
#define TEXT_VA 0x00400000ull
#define DATA_VA 0x10000000ull
#define SHARED_VA 0x30000000ull
#define STACK_TOP 0x7fff0000ull
#define MAXPROC 16
#define MAXIO 64
#define NSVC_PATH TRC_NSERVICES
#define ROOT_FILES 0x10000   /* root-disk block of the first shared file: the kernel image before it */
#define LOCK_MEM 1
#define LOCK_BUF 2
#define LOCK_RUNQ 3
#define SEM_VNODE 100   /* ids 100..103: directory vnode locks */
#define SEM_BOOT 200    /* the VM's other vCPUs wait for its boot */
#define SEM_REGION 400  /* ids 400..: a shared region's lock (smp kernel): each binary's text, then the read-shared region */
/* ids SEM_HANDOVER | slot << 20 | the slot's hand-over number (mod 2^20):
 * one semaphore per hand-over of a process between vCPUs (smp kernel) */
#define SEM_HANDOVER 0x80000000u
#define SEM_HANDOVER_BITS 20
#define BOOT_DMA 0xffffff00u   /* DMA ids of the boot's reads (one vCPU per VM boots) */
#define ROOT_KERNEL 0          /* root-disk blocks: the kernel image */
#define ROOT_BINARIES 0x8000   /* the binaries' text, capture.wl.text_size each */
#define ROOT_SHARED 0xc000     /* the read-shared region's file */

/* Buffer-cache tags of files every process shares (sys_read, execve,
 * sys_open); the others are a job's own files. */
#define TAG_SHARED_FILE 0x100000000ull
#define TAG_BINARY 0x200000000ull
#define TAG_DIR 0x7000000000ull

enum { P_FREE, P_RUN, P_IOWAIT, P_SEMWAIT };

/* A request in flight: a disk DMA, or an NFS call (net) whose reply is
 * awaited; the buffer page it reads or writes.  proc: the process that
 * sleeps on it, -1 none (a write-back), IO_NFSD an nfsd (the server's disk
 * request for call `call`, answered when it completes). */
#define IO_NFSD (-2)
#define NFS_SERVER 0   /* the VM serving every file system (5.3) */
struct io {
	uint32_t id;
	int proc;
	uint64_t tick;
	int net, write;
	uint64_t gppn;
	int free_page;             /* gppn is a replaced buffer's page: freed when this completes */
	int async;                 /* its completion interrupt is the engine's (RPL_MARK_INTR) */
	struct nfsreq { int vm; uint32_t id; uint64_t tag; int write; uint64_t seq; } call;
};

/* A kernel's table entries (a proc entry, a vnode): KOBJ bytes each
 * (as gos_kpath's objects).  The vnodes: the four directories, the
 * read-shared file, the binaries, then one per process slot (its job's
 * files). */
#define KOBJ 256
#define BUF_HDR 64      /* a buffer header (System V's buf: Bach 1986, 3.1), one a buffer-cache slot */
#define VN_DIR 0
#define VN_SHARED 4
#define VN_BIN 5

#define NMBUF 16        /* an NFS kernel's receive mbufs: page-sized clusters */
#define NFS_HDR 128     /* bytes of an NFS call's or reply's header (RPC + XDR) */

/* A call the NFS server (VM 0) has to serve (struct nfsreq, in struct io
 * above): the client's VM, the call's id, the block, read or write. */

/* At most this many of the stack's pages execve fills lie above the
 * workload's stack (5 on 4 KB pages, 1 on 16 KB: capture/guest_exec.c). */
#define EXEC_XPAGES 8

/* At most this many page-table pages a process (read_workload refuses a
 * workload whose text, data, read-shared region and stack span more; the
 * paper's span at most 16: 6 MB of text or data, 8 MB shared, 2 MB a page
 * on 4 KB pages). */
#define PROC_PT_MAX 24
#define PTPOOL_COLORS 64   /* most cache colours the page-table pool keeps apart */
#define PTPOOL_MAX 4       /* most pages a colour's pool holds (IRIX 6.5 pmap.c ptpool_init) */

struct proc {
	uint64_t rng;              /* its job's random stream: what the program does (gos_job_seed) */
	int state;
	int on_cpu;                /* smp: the vCPU (stream) running it, -1: none */
	int last_cpu;              /* smp: the vCPU that ran it last, -1: none */
	int used;                  /* the slot held a process before */
	uint32_t handover;         /* smp: the slot's hand-overs taken: the next leave's and wake-up's number */
	uint32_t asid;
	int bin;
	int exec_done;
	uint64_t steps_left, to_syscall;
	uint64_t opens, reads, writes, others;   /* left */
	uint64_t pc, func_end, cursor, shared_spot;
	int stretch_ran;           /* the step's instructions ran before its reference faulted (user_step) */
	uint64_t file, rd_blk, wr_blk;
	uint8_t *text_mapped;      /* [text_pages] */
	uint64_t *data_gppn;       /* [data_pages] 0: not mapped */
	uint8_t *data_cow;         /* [data_pages] 1: mapped read-only, shared with the parent */
	uint64_t *stack_gppn;      /* [stack_pages] */
	uint64_t args_gppn[EXEC_XPAGES];    /* the argument pages execve put above the
					     * workload's stack (args_vpn(j)), 0: none */
	uint8_t *shared_mapped;    /* [shared_pages] */
	/* its page tables (gos_pt_need): page-table index (VPN /
	 * RPL_PTES(page size)) and the guest page holding those PTEs */
	int npt;
	uint64_t pt_index[PROC_PT_MAX], pt_gppn[PROC_PT_MAX];
	/* smp: a QUICK-FAULT on a shared region, begun in one step and ended
	 * in the next while the region's lock is held */
	int qf_pending;
	uint32_t qf_region;        /* SEM_REGION + the region; also the one a P_SEMWAIT sleeps on */
	unsigned qf_prot;
	uint64_t qf_vpn, qf_gp;
	uint8_t *qf_mapped;        /* the page's flag, set when the fault ends */
};

/* A kernel: one per vCPU (capture.os.kernel = per-cpu) or one per VM shared
 * by its vCPUs (smp).  Its processes, free pages and buffer cache. */
struct gkern {
	int ncpus;                 /* vCPUs running it */
	int cpu0;                  /* the first of them (stream) */
	int nproc;                 /* process slots: capture.wl.parallel per vCPU */
	struct proc *p;            /* [nproc]; vCPU k of the kernel forks into slots k*parallel.. */
	uint64_t *bc_tag;          /* [bc_blocks] file << 32 | block, + 1; 0 empty */
	uint64_t *bc_page;         /* [bc_blocks] the guest page holding slot s's block (bc_tag[s] != 0),
				    * taken from the free pages when the block came in */
	uint8_t *bc_dirty;
	uint64_t bc_blocks, bc_hand, writes_since_flush;
	uint64_t *free_pages;      /* stack of free page-pool pages */
	uint64_t nfree;
	/* The kernel's data (KSEG0), laid out alike on both kinds of kernel:
	 * a page of lock words, page-hash buckets and the run queue's head;
	 * the page frame table; the proc table; the vnodes; the buffer
	 * headers; the services' static structures (make_kernels,
	 * guest_os.c). */
	int smp;                   /* one kernel shared by its vCPUs (capture.os.kernel = smp): its
				    * locks carry their lock words, a region fault holds the region's
				    * lock, read and write look pages up under memlock */
	uint64_t tab_va;           /* the lock words, the page-hash buckets (+1024) and the run queue's
				    * head (+3072), 0: the kernel has no tables */
	uint64_t lock_va;          /* smp: the kernel's lock words (tab_va), 0: locks carry none */
	uint64_t pfdat_va;         /* the page frame table (32 bytes a page) and the free list's head */
	uint64_t proc_va;          /* the proc table (KOBJ bytes an entry: the process slots, then
				    * each vCPU's parent), 0: a service's objects are anywhere */
	uint64_t vnode_va;         /* the vnodes (KOBJ bytes each, VN_* below) */
	uint64_t buf_va;           /* the buffer headers (BUF_HDR bytes a buffer-cache slot) */
	uint64_t static_va;        /* the services' static structures, after the tables */
	int *region_holder;        /* smp: [nbin + 1] the stream + 1 whose process holds a shared
				    * region's lock across steps, 0: free */
	/* IRIX's page-table pool (gos_pt_need): per cache colour a stack of
	 * cleared page-table pages, at most ptp_max each (0: no pool) */
	int ptp_max;
	int ptp_cnt[PTPOOL_COLORS];
	uint64_t ptp_page[PTPOOL_COLORS][PTPOOL_MAX];
	/* NFS (capture.os.disks = nfs): the network driver's pages */
	uint64_t mbuf[NMBUF];      /* receive clusters, used in turn */
	uint64_t mbuf_hand;
	uint64_t hdr_gppn;         /* the page headers are built and received in */
};

/* Why a vCPU's step could not finish (gcpu.oom). */
enum gcpu_oom {
	GCPU_OK = 0,
	GCPU_NO_MEMORY,         /* the simulator's own memory: the pending queue could not grow */
	GCPU_NO_GUEST_PAGES,    /* the guest's: its kernel has no free page left */
};

struct gcpu {
	int vm, vi;                /* its VM, and its index among the VM's vCPUs */
	int kvi, me;               /* its index among its kernel's vCPUs; its stream */
	struct gkern *k;
	/* Two random streams, so that how the kernel is modelled never changes
	 * what the workload does.  rng: the program's choices where one
	 * program runs on the vCPU (a SPLASH thread, guest_splash.c); an IRIX
	 * job draws from its own process's (struct proc), whichever vCPU runs
	 * it.  krng: the kernel's (its paths' references, the objects and
	 * directory blocks it picks, whether a block is cached from before
	 * the run), seeded by gos_kernel_seed. */
	uint64_t rng, krng;
	uint64_t insns, next_tick, tick_no;
	int cur;                   /* running process, -1: none (parent context) */
	uint32_t cur_asid;
	uint64_t jobs_left, job_no;
	uint64_t quantum_end;
	uint64_t vnode;            /* smp: the vnode the current service works on, 0: none */
	struct io io[MAXIO];
	int nio;
	uint32_t next_io;
	uint32_t next_xid;         /* the last NFS call id of this client (< 2^24) */
	struct { uint32_t id; uint64_t seq; } took[2 * MAXIO];   /* NFS replies taken, by id */
	uint64_t parent_gppn0;
	struct trc_rec *pend;
	size_t npend, ipend, cap;
	int started, done;
	int idle_told;              /* the Disco HAL told the monitor this vCPU is idle, and
				      it has done nothing else since */
	enum gcpu_oom oom;
};

struct gos {
	int n, irix53, hal_disco;
	int ptpool;                /* capture.os.ptpool */
	uint64_t ptpool_colors;    /* the page-table pool's colours: a power of two */
	uint64_t seed;             /* capture.seed */
	int async_io;              /* capture.os.completions = interrupt */
	int nvms, per_vm;          /* capture.vms, vCPUs of each */
	int boot, disks_per_copy;  /* capture.os.boot; capture.os.disks = per-copy */
	int smp;                   /* capture.os.kernel = smp */
	uint64_t idle_poll;        /* smp: instructions of one idle-loop pass */
	int ndisks;
	unsigned pshift;
	uint64_t psize, tick_insns, io_ticks;
	uint64_t ktext_pages, kdata_pages, special_gpa;
	uint64_t text_pages, text_gppn0, nbin;
	uint64_t *hot;             /* [nbin * nhot] the first text page of each hot cluster */
	uint64_t nhot, cluster_pages;
	uint64_t shared_pages, shared_gppn0;
	uint64_t data_pages, stack_pages, parent_pages;
	uint64_t args_pages;       /* the stack's top pages execve fills (gos_exec_layout) */
	uint64_t frame_off;        /* the stack pointer's offset in the lowest of them */
	uint64_t bc_blocks, pool_pages;
	uint64_t path[NSVC_PATH], entry_insns;
	double kref, prefault;
	double p_shared, p_random, p_seq, run_len, func_switch;
	uint64_t seq_stride;      /* bytes per step of the sequential walk */
	double shared_file, read_miss;
	uint64_t shared_file_blocks, file_blocks, read_bytes, write_bytes, flush_writes;
	uint64_t cow_pages;
	int parallel, fork;
	uint64_t steps;            /* user steps per job */
	uint64_t opens, reads, writes, others;
	struct gcpu *c;
	struct gkern *kern;        /* [nkern] */
	int nkern;
	uint64_t *vm_pages;        /* [nvms] each VM's memory in pages */
	uint64_t *vm_pool;         /* [nvms] pages of each of its vCPUs' pools */
	uint64_t vm_share;         /* pages of an equal share of the machine (machine.mem.size / VMs) */
	int sizes_given;           /* vm.mem.sizes gives each VM its own size */
	/* NFS: VM 0 serves every VM's workload files (5.3) */
	int nfs, mbuf_fixed, nfsd;
	uint64_t nfs_path, nfsd_path, net_intr_path;
	struct nfsreq *q;          /* calls not yet served, in the order they were sent */
	size_t qhead, qn, qcap;
	uint64_t nfs_seq;          /* NFS events generated: calls sent and replies taken */
};

static inline uint64_t rnd(uint64_t *x) { return sim_rng_next(x); }
static inline double unif(uint64_t *x) { return sim_rng_unif(x); }

/* The starting state of a random stream of seed: kind, then i (a stream,
 * a job) hashed in, so that the streams of one seed are unrelated. */
enum { GOS_RNG_KERNEL = 1, GOS_RNG_JOB };
static inline uint64_t gos_rng_seed(uint64_t seed, uint64_t kind, uint64_t i)
{
	uint64_t s = seed, x = sim_rng_next(&s) ^ kind;
	s = x;
	x = sim_rng_next(&s) ^ i;
	s = x;
	return sim_rng_next(&s);
}

/* The kernel's stream on vCPU (stream) i, and job `file`'s (struct
 * proc's file: the forking stream and the job's number), of seed. */
static inline uint64_t gos_kernel_seed(uint64_t seed, uint64_t i)
{
	return gos_rng_seed(seed, GOS_RNG_KERNEL, i);
}

static inline uint64_t gos_job_seed(uint64_t seed, uint64_t file)
{
	return gos_rng_seed(seed, GOS_RNG_JOB, file);
}

/* ---- the pending queue ---- */

static inline void push(struct gcpu *t, int type, unsigned flags, unsigned aux, uint32_t id,
		 uint64_t addr, uint64_t val)
{
	if (t->npend == t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 4096;
		struct trc_rec *np = sim_realloc(t->pend, nc * sizeof *np);
		if (!np) {
			t->oom = GCPU_NO_MEMORY;
			return;
		}
		t->pend = np;
		t->cap = nc;
	}
	t->pend[t->npend++] = (struct trc_rec){ (uint8_t)type, (uint8_t)flags, (uint16_t)aux, id, addr, val };
}

/* Copy up to room of t's pending records into buf; how many. */
static inline size_t pend_take(struct gcpu *t, struct trc_rec *buf, size_t room)
{
	size_t take = t->npend - t->ipend;
	if (take > room)
		take = room;
	memcpy(buf, t->pend + t->ipend, take * sizeof *buf);
	t->ipend += take;
	return take;
}

#define KF (TRC_F_KERNEL | TRC_F_KSEG0)

/* The guest physical page of buffer-cache slot s (one holding a block). */
static inline uint64_t bc_gppn(const struct gkern *k, uint64_t s) { return k->bc_page[s]; }

/* Lock id's acquire and release; on an smp kernel the record carries the
 * lock word's address, so that the engine moves its line between caches. */
static inline void lock_acq(struct gcpu *t, uint32_t id)
{
	push(t, TRC_LOCK_ACQ, 0, 0, id,
	     t->k->lock_va ? t->k->lock_va + id * 128 : 0, 0);
}

static inline void lock_rel(struct gcpu *t, uint32_t id)
{
	push(t, TRC_LOCK_REL, 0, 0, id,
	     t->k->lock_va ? t->k->lock_va + id * 128 : 0, 0);
}

static inline uint64_t data_vpn(const struct gos *g, uint64_t k) { return (DATA_VA >> g->pshift) + k; }
/* The stack's top args_pages pages hold what execve put there (the
 * strings, the pointers, the auxiliary vector); the workload's stack runs
 * down from the lowest of them, its page 0, below the stack pointer
 * (guest_exec.c). */
static inline uint64_t stack_vpn(const struct gos *g, uint64_t k)
{
	return (STACK_TOP >> g->pshift) - g->args_pages - k;
}

/* The stack's page j from the top (j < args_pages - 1: the argument pages
 * above the workload's stack). */
static inline uint64_t args_vpn(const struct gos *g, uint64_t j)
{
	return (STACK_TOP >> g->pshift) - 1 - j;
}

/* The vnode address of vnode v (VN_*, or VN_BIN + nbin + slot for a
 * process's own files); 0 on a kernel without tables. */
static inline uint64_t vnode_of(const struct gkern *k, uint64_t v)
{
	return k->vnode_va ? k->vnode_va + v * KOBJ : 0;
}

/* the kernel's common paths and interrupts (guest_kernel.c) */
void gos_kpath(struct gos *g, struct gcpu *t, unsigned svc, uint64_t n);
void gos_reg_access(struct gos *g, struct gcpu *t, unsigned kind, unsigned reg);
/* The scheduler's path of a context switch from process slot out to slot
 * in (-1: none, the idle or parent context), with the run queue's lock
 * held over its run-queue work (over the whole path on a kernel of its own
 * per vCPU). */
void gos_sched_path(struct gos *g, struct gcpu *t, int out, int in);
/* A TLB write of kind TRC_PRIV_TLBWR/TLBWI; entry != 0: it writes (asid,
 * vpn)'s pair from the page table (the trace names it), else an entry the
 * model does not hold (the wired-entry swap). */
void gos_tlb_write(struct gcpu *t, unsigned kind, int entry, uint32_t asid, uint64_t vpn);
/* IRIX's drop-in of a fault's new translation (tlbp, then the write). */
void gos_tlb_dropin(struct gcpu *t, uint32_t asid, uint64_t vpn);
void gos_kentry(struct gos *g, struct gcpu *t, unsigned svc);
void gos_kexit(struct gos *g, struct gcpu *t, unsigned svc);
/* Request t->io[j] completes: taken now (ticks), or, for an asynchronous
 * one, waited for (RPL_MARK_INTR_WAIT); either way the guest goes on as
 * if it were over. */
void gos_disk_intr(struct gos *g, struct gcpu *t, int j);
/* The handler of request id's completion interrupt (its records). */
void gos_disk_intr_handler(struct gos *g, struct gcpu *t, uint32_t id);
/* The engine took stream s's completion interrupt of request id. */
void gos_interrupt(void *st, uint32_t s, uint32_t id);
void gos_clock_intr(struct gos *g, struct gcpu *t);

/* memory: pages, faults, unmapping (guest_mem.c) */
/* A page from the kernel's free pages, and one returned to them (with the
 * page-freed hint under the Disco-aware HAL); cat: its TRC_CAT_*. */
uint64_t gos_page_alloc(struct gos *g, struct gcpu *t, unsigned cat);
void gos_page_free(struct gos *g, struct gcpu *t, uint64_t p, unsigned cat);
void gos_zero_page(struct gos *g, struct gcpu *t, uint64_t p);
void gos_copy(struct gos *g, struct gcpu *t, uint64_t src, unsigned sf, uint64_t dst, unsigned df,
	      uint64_t len);
uint64_t gos_demand_zero(struct gos *g, struct gcpu *t, struct proc *p, uint64_t vpn);
void gos_quick_fault(struct gos *g, struct gcpu *t, struct proc *p, uint64_t vpn, uint64_t gp,
		     unsigned prot);
/* A QUICK-FAULT on a shared region's page (a binary's text, the
 * read-shared file), setting *mapped once the page is mapped.  On an smp
 * kernel it holds the region's lock from one step to the next, and a
 * process that finds the lock held sleeps (P_SEMWAIT) so that its vCPU runs
 * another; returns 1 when the step ends there (the reference waits), 0 when
 * the fault is over. */
int gos_region_fault(struct gos *g, struct gcpu *t, struct proc *p, uint64_t vpn, uint64_t gp,
		     unsigned prot, uint8_t *mapped);
/* The second half of p's pending region fault (smp). */
void gos_region_fault_end(struct gos *g, struct gcpu *t, struct proc *p);
void gos_touch_data(struct gos *g, struct gcpu *t, struct proc *p, uint64_t k, int store);
/* The page-table page of p that holds vpn's PTE, in service svc: if p has
 * none yet, one from IRIX's page-table pool, or from the free pages,
 * zeroed, and told to the engine (RPL_MARK_PT_PAGE).  held: the caller
 * holds memlock (dropped over a zeroing). */
void gos_pt_need(struct gos *g, struct gcpu *t, struct proc *p, uint64_t vpn, unsigned svc,
		 int held);
/* Unmap every page of p in service svc; on an smp kernel each page's
 * region work and use count under memlock. */
void gos_unmap_all(struct gos *g, struct gcpu *t, struct proc *p, unsigned svc);
/* Page p's pfdat entry (32 bytes a page, after the free list's head). */
static inline uint64_t gos_pfdat_entry(const struct gkern *k, uint64_t p)
{
	return k->pfdat_va + 128 + p * 32;
}
/* Page p's use count in its pfdat entry (a load and a store). */
void gos_pfdat_use(struct gcpu *t, uint64_t p);
/* The page-cache lookup of page p (pfind): its hash bucket and its pfdat
 * entry, whose use count it raises; on an smp kernel the caller holds
 * memlock.  Nothing on a kernel without tables. */
void gos_page_lookup(struct gcpu *t, uint64_t p);
/* Instructions of the page-cache lookup under memlock (the hash walk and
 * the pfdat update; assumed, as the 40 of DEMAND-ZERO's allocation are). */
#define PFIND_INSNS 40

/* files, the buffer cache and disks; system calls (guest_file.c) */
/* Start a disk request (or, for an NFS client's remote file, an NFS call)
 * for block tag at guest physical address gpa; proc sleeps on it (-1:
 * none). */
void gos_io_start(struct gos *g, struct gcpu *t, int proc, uint64_t gpa, uint64_t tag, int write);
void gos_bc_lock(struct gos *g, struct gcpu *t);
/* How a block is wanted: read (a miss may start a read), looked up (a block
 * assumed cached from before the run: directories, a binary's headers), or
 * written (a new block needs no read). */
enum { BC_READ, BC_CACHED, BC_WRITE };
uint64_t gos_bc_get(struct gos *g, struct gcpu *t, int proc, uint64_t tag, int how, int *miss);
/* Request io is complete: the page of the buffer it replaced goes back to
 * the free pages (struct io's free_page). */
void gos_bc_io_done(struct gos *g, struct gcpu *t, const struct io *io);
void gos_sys_open(struct gos *g, struct gcpu *t, struct proc *p);
int gos_sys_read(struct gos *g, struct gcpu *t, struct proc *p);
void gos_sys_write(struct gos *g, struct gcpu *t, struct proc *p);
void gos_sys_other(struct gos *g, struct gcpu *t, struct proc *p);

/* NFS over the virtual network (guest_nfs.c) */
/* Whether block tag is a file VM t->vm reads over NFS. */
int gos_nfs_remote(const struct gos *g, const struct gcpu *t, uint64_t tag);
/* A client's call for block tag: a read into guest page gppn, or a write of
 * it; the reply is awaited as a request in t->io. */
void gos_nfs_call(struct gos *g, struct gcpu *t, int proc, uint64_t gppn, uint64_t tag, int write);
/* The client takes the reply of its call t->io[j] (NET-INTR). */
void gos_nfs_reply(struct gos *g, struct gcpu *t, struct io io);
/* The server: whether a call waits, and serving the oldest (or, when
 * every nfsd waits for a disk, finishing one). */
int gos_nfs_pending(const struct gos *g, const struct gcpu *t);
void gos_nfs_serve(struct gos *g, struct gcpu *t);
/* An nfsd's disk request io is complete: it replies. */
void gos_nfs_done(struct gos *g, struct gcpu *t, struct io io);
/* Whether the server must stay up: a client may still call. */
int gos_nfs_serving(const struct gos *g, const struct gcpu *t);
int gos_shared_tag(const struct gos *g, uint64_t tag);

/* namei's directory blocks, under the directory's vnode lock (open,
 * execve) */
void gos_namei(struct gos *g, struct gcpu *t);

/* execve, step by step (guest_exec.c) */
void gos_execve(struct gos *g, struct gcpu *t, struct proc *p);
/* The stack execve builds, on g's page size: g->args_pages, g->frame_off. */
void gos_exec_layout(struct gos *g);

/* processes, scheduling and the boot (guest_proc.c) */
void gos_step(struct gos *g, struct gcpu *t);
void gos_proc_ready(struct gcpu *t, int i);
void gos_proc_out(struct gcpu *t, int i);

#endif
