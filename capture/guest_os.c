/*
 * The IRIX guest: NOTES ON THE DESIGN.
 *
 * A model of an IRIX kernel (personality capture.os: irix53 or irix62) running
 * a workload (capture.wl.*, usually loaded from capture/workloads/NAME.wl).
 * It emits the trace records of traces/record.h; everything that depends on
 * the machine or the monitor (TLB refills, emulation, disk latency) is left
 * to the engine, which synthesizes it from these records.
 *
 * Definitions.  A job is one process of the workload: forked by the parent
 * (the pmake or shell process, ASID 1 of its CPU), it takes a few
 * copy-on-write faults, execs a binary, runs capture.wl.insns user
 * instructions with system calls spread over them, and exits.  Each vCPU
 * runs its own jobs, capture.wl.parallel of them at once, under its own
 * scheduler, with its own page pool and buffer cache: the streams share
 * nothing but the kernel's text and the binaries, so a stream's records
 * never depend on the order in which the engine asks for them.
 *
 * Invariants.
 *   (1) Every record a process produces is emitted with its ASID current:
 *       a switch is a SCHED service holding the TRC_ASID record.
 *   (2) A virtual page is referenced only once its PTE is set: user
 *       references first run the fault that sets it (DEMAND-ZERO,
 *       QUICK-FAULT, COPY-ON-WRITE).
 *   (3) Every kernel entry is SVC_BEGIN, the common entry path, the
 *       service's body, the common exit path, SVC_END; services do not nest
 *       except the synthesized UTLB-MISS.
 *   (4) The HAL choice (capture.hal) never changes the random draws, so a
 *       plain and a Disco-aware capture with one seed run the same program;
 *       they differ only where the HAL differs (register accesses, zeroing,
 *       page-freed and idle calls).
 *
 * Memory layout (guest physical pages, bottom up): kernel text, kernel data
 * (its last page is the HAL's special page), the binaries' text, the
 * read-shared region, then per vCPU: buffer cache, page pool; the engine's
 * page-table pool is at the top.  The kernel runs in KSEG0.
 *
 * Blocking I/O: a read that misses the buffer cache issues DMA_REQ and the
 * process sleeps; its completion interrupt (DISK-INTR with DMA_DONE) is
 * taken at the capture.os.io_ticks-th clock tick after the request, or at
 * once by the idle loop when nothing else can run.  The engine makes the
 * wait as long as the disk model says.  A pushed dirty buffer's completion
 * is taken only when the CPU is idle (or 50 times later), so that a busy
 * CPU never waits for a write.
 *
 * Time: the guest's clock (clock ticks, the scheduler's quantum) counts the
 * instructions it emits except the zeroing loop, which the Disco-aware HAL
 * replaces by a monitor call (invariant 4).
 *
 * Scale: capture.scale runs fewer jobs (down to capture.wl.parallel), then
 * shorter ones; a shortened job starts with that share of its pages already
 * resident (mapped at exec without a fault), as the part of the job that is
 * not run would have left them.
 *
 * State per job (struct proc) and per vCPU (struct gcpu); records of one
 * step go to a pending queue (grown by doubling, never per record) that
 * gos_generate drains.  step() is the whole state machine:
 *   no job yet         -> fork_job (parent's FORK, the child's COW faults)
 *   forked, not exec'd -> execve
 *   running            -> user_step runs | a system call | exit_job
 *   tick due           -> clock_intr (disk completions, round robin)
 *   nothing runnable   -> idle loop + disk_intr, or the stream's end
 */
#include <string.h>

#include "base/mem.h"
#include "capture/capture.h"
#include "capture/guest_os.h"

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
#define BOOT_DMA 0xffffff00u   /* DMA ids of the boot's reads (one vCPU per VM boots) */
#define ROOT_KERNEL 0          /* root-disk blocks: the kernel image */
#define ROOT_BINARIES 0x8000   /* the binaries' text, capture.wl.text_size each */
#define ROOT_SHARED 0xc000     /* the read-shared region's file */

enum { P_FREE, P_RUN, P_IOWAIT };

struct io { uint32_t id; int proc; uint64_t tick; };

struct proc {
	int state;
	uint32_t asid;
	int bin;
	int exec_done;
	uint64_t steps_left, to_syscall;
	uint64_t opens, reads, writes, others;   /* left */
	uint64_t pc, func_end, cursor, shared_spot;
	uint64_t file, rd_blk, wr_blk;
	uint8_t *text_mapped;      /* [text_pages] */
	uint64_t *data_gppn;       /* [data_pages] 0: not mapped */
	uint8_t *data_cow;         /* [data_pages] 1: mapped read-only, shared with the parent */
	uint64_t *stack_gppn;      /* [stack_pages] */
	uint8_t *shared_mapped;    /* [shared_pages] */
};

struct gcpu {
	int vm, vi;                /* its VM, and its index among the VM's vCPUs */
	uint64_t rng;
	uint64_t insns, next_tick, tick_no;
	int cur;                   /* running process, -1: none (parent context) */
	uint32_t cur_asid;
	uint64_t jobs_left, job_no;
	uint64_t quantum_end;
	struct proc p[MAXPROC];
	struct io io[MAXIO];
	int nio;
	uint32_t next_io;
	uint64_t *bc_tag;          /* [bc_blocks] file << 32 | block, + 1; 0 empty */
	uint8_t *bc_dirty;
	uint64_t bc_hand, bc_gppn0, writes_since_flush;
	uint64_t *free_pages;      /* stack of free page-pool pages */
	uint64_t nfree;
	uint64_t parent_gppn0;
	struct trc_rec *pend;
	size_t npend, ipend, cap;
	int started, done, oom;
};

struct gos {
	int n, irix53, hal_disco;
	int nvms, per_vm;          /* capture.vms, vCPUs of each */
	int boot, disks_per_copy;  /* capture.os.boot; capture.os.disks = per-copy */
	int ndisks;
	unsigned pshift;
	uint64_t psize, tick_insns, io_ticks;
	uint64_t ktext_pages, kdata_pages, special_gpa;
	uint64_t text_pages, text_gppn0, nbin;
	uint64_t *hot;             /* [nbin * nhot] the first text page of each hot cluster */
	uint64_t nhot, cluster_pages;
	uint64_t shared_pages, shared_gppn0;
	uint64_t data_pages, stack_pages, parent_pages;
	uint64_t bc_blocks, pool_pages;
	uint64_t path[NSVC_PATH], entry_insns;
	double kref, prefault;
	double p_shared, p_random, p_seq, run_len, func_switch;
	double shared_file, read_miss;
	uint64_t shared_file_blocks, file_blocks, read_bytes, write_bytes, flush_writes;
	uint64_t cow_pages;
	int parallel, fork;
	uint64_t steps;            /* user steps per job */
	uint64_t opens, reads, writes, others;
	struct gcpu *c;
};

static inline uint64_t rnd(uint64_t *x)   /* splitmix64 */
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline double unif(uint64_t *x) { return (double)(rnd(x) >> 11) * (1.0 / 9007199254740992.0); }

/* ---- the pending queue ---- */

static void push(struct gcpu *t, int type, unsigned flags, unsigned aux, uint32_t id,
		 uint64_t addr, uint64_t val)
{
	struct trc_rec *r;
	if (t->npend == t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 4096;
		struct trc_rec *np = sim_realloc(t->pend, nc * sizeof *np);
		if (!np) {
			t->oom = 1;
			return;
		}
		t->pend = np;
		t->cap = nc;
	}
	r = &t->pend[t->npend++];
	r->type = (uint8_t)type;
	r->flags = (uint8_t)flags;
	r->aux = (uint16_t)aux;
	r->id = id;
	r->addr = addr;
	r->val = val;
}

#define KF (TRC_F_KERNEL | TRC_F_KSEG0)

/* n kernel instructions of service svc's code, with its kernel data
 * references (capture.os.kref per instruction) spread over them. */
static void kpath(struct gos *g, struct gcpu *t, unsigned svc, uint64_t n)
{
	uint64_t text = g->ktext_pages << g->pshift;
	/* a service's code: loops over an 8 KB stretch of its own text */
	uint64_t base = KSEG0 + ((uint64_t)svc * 0x6000) % (text - 0x2000);
	uint64_t off = (rnd(&t->rng) % 8) * 0x400;
	uint64_t data0 = g->ktext_pages << g->pshift;
	uint64_t dsize = (g->kdata_pages - 1) << g->pshift;
	/* A service's references: 65% to its own static structures (32 KB it
	 * favours), 30% to the three dynamic objects this stretch works on
	 * (a proc entry, a vnode, a page frame entry...: 256 bytes each,
	 * anywhere in the kernel's heap, so on pages of their own), 5%
	 * anywhere in the kernel's data. */
	uint64_t own = data0 + ((uint64_t)svc * 0x9000) % (dsize - 0x8000);
	uint64_t obj[3];
	for (int i = 0; i < 3; i++)
		obj[i] = data0 + (rnd(&t->rng) % (dsize - 256) & ~255ull);
	while (n > 0) {
		uint64_t k = n < 8 ? n : 8;
		push(t, TRC_INSN, KF, 0, (uint32_t)k, base + off, 0);
		off = (off + k * 4) & 0x1fff;
		t->insns += k;
		n -= k;
		if (unif(&t->rng) < g->kref * 8) {
			double w = unif(&t->rng);
			uint64_t a = w < 0.65 ? own + (rnd(&t->rng) % 0x8000)
				   : w < 0.95 ? obj[rnd(&t->rng) % 3] + rnd(&t->rng) % 256
					      : data0 + rnd(&t->rng) % dsize;
			push(t, (rnd(&t->rng) & 3) ? TRC_LOAD : TRC_STORE, KF, 8, 0, KSEG0 + (a & ~7ull), 0);
		}
	}
}

/* Privileged register access: an instruction, or with the Disco-aware HAL a
 * load or store to the special page (paper 4.3.3). */
static void reg_access(struct gos *g, struct gcpu *t, unsigned kind, unsigned reg)
{
	if (g->hal_disco)
		push(t, kind == TRC_PRIV_MFC0 ? TRC_LOAD : TRC_STORE, KF, 8, 0,
		     KSEG0 + g->special_gpa + reg * 8, 0);
	else
		push(t, TRC_PRIV, 0, kind, 0, 0, 0);
}

/* A TLB write: EntryHi, EntryLo0 and EntryLo1 are loaded with mtc0 first
 * (the Disco-aware HAL keeps these as instructions: they are TLB state the
 * monitor reads at the write), then tlbwr or tlbwi. */
static void tlb_write(struct gcpu *t, unsigned kind)
{
	for (int i = 0; i < 3; i++)
		push(t, TRC_PRIV, 0, TRC_PRIV_MTC0, 0, 0, 0);
	push(t, TRC_PRIV, 0, kind, 0, 0, 0);
}

/* The common kernel entry: save state, read cause/status/EPC, and on IRIX
 * 5.3 swap the wired TLB entry to its kernel use (paper 5.2). */
static void kentry(struct gos *g, struct gcpu *t, unsigned svc)
{
	push(t, TRC_SVC_BEGIN, 0, svc, 0, 0, 0);
	reg_access(g, t, TRC_PRIV_MFC0, 0);   /* cause */
	reg_access(g, t, TRC_PRIV_MFC0, 1);   /* status */
	reg_access(g, t, TRC_PRIV_MFC0, 2);   /* EPC */
	reg_access(g, t, TRC_PRIV_MTC0, 1);   /* status: kernel mode, interrupts */
	if (g->irix53)
		tlb_write(t, TRC_PRIV_TLBWI);
	kpath(g, t, 0, g->entry_insns / 2);
}

static void kexit(struct gos *g, struct gcpu *t, unsigned svc)
{
	kpath(g, t, 0, g->entry_insns - g->entry_insns / 2);
	if (g->irix53)
		tlb_write(t, TRC_PRIV_TLBWI);
	reg_access(g, t, TRC_PRIV_MTC0, 2);   /* EPC */
	reg_access(g, t, TRC_PRIV_MTC0, 1);   /* status: user mode */
	push(t, TRC_PRIV, 0, TRC_PRIV_ERET, 0, 0, 0);
	push(t, TRC_SVC_END, 0, svc, 0, 0, 0);
}

/* ---- pages ---- */

static uint64_t page_alloc(struct gos *g, struct gcpu *t)
{
	uint64_t p;
	if (t->nfree == 0) {
		t->oom = 2;
		return t->free_pages ? t->parent_gppn0 : 0;
	}
	p = t->free_pages[--t->nfree];
	push(t, TRC_PAGE_ALLOC, 0, TRC_CAT_USER, 0, p, 0);
	return p;
}

static void page_free(struct gos *g, struct gcpu *t, uint64_t p)
{
	push(t, TRC_PAGE_FREE, 0, TRC_CAT_USER, 0, p, 0);
	if (g->hal_disco)
		push(t, TRC_MONCALL, 0, TRC_MC_PAGE_FREED, 0, p, 0);
	t->free_pages[t->nfree++] = p;
}

/* Zero a page: bzero through KSEG0, or the monitor's ZERO_PAGE. */
static void zero_page(struct gos *g, struct gcpu *t, uint64_t p)
{
	if (g->hal_disco) {
		push(t, TRC_MONCALL, 0, TRC_MC_ZERO_PAGE, 0, p, 0);
		return;
	}
	for (uint64_t off = 0; off < g->psize; off += 32) {
		push(t, TRC_INSN, KF, 0, 4, KSEG0 + 0x2000, 0);
		push(t, TRC_STORE, KF, 8, 0, KSEG0 + (p << g->pshift) + off, 0);
	}
	/* not counted in t->insns: the guest's clock must not depend on the
	 * HAL (invariant 4), or the two captures would schedule differently */
}

/* Copy len bytes from src to dst (virtual, flags for each), a line a turn. */
static void copy(struct gos *g, struct gcpu *t, uint64_t src, unsigned sf, uint64_t dst,
		 unsigned df, uint64_t len)
{
	for (uint64_t off = 0; off < len; off += 32) {
		push(t, TRC_INSN, KF, 0, 4, KSEG0 + 0x2400, 0);
		push(t, TRC_LOAD, sf, 8, 0, src + off, 0);
		push(t, TRC_STORE, df, 8, 0, dst + off, 0);
		t->insns += 4;
	}
}

/* ---- faults ---- */

static uint64_t data_vpn(struct gos *g, uint64_t k) { return (DATA_VA >> g->pshift) + k; }
static uint64_t stack_vpn(struct gos *g, uint64_t k)
{
	return (STACK_TOP >> g->pshift) - 1 - k;
}

/* First touch of an anonymous page: DEMAND-ZERO. */
static uint64_t demand_zero(struct gos *g, struct gcpu *t, struct proc *p, uint64_t vpn)
{
	uint64_t gp;
	kentry(g, t, TRC_SVC_DEMAND_ZERO);
	kpath(g, t, TRC_SVC_DEMAND_ZERO, g->path[TRC_SVC_DEMAND_ZERO] / 2);
	push(t, TRC_LOCK_ACQ, 0, 0, LOCK_MEM, 0, 0);
	gp = page_alloc(g, t);
	kpath(g, t, TRC_SVC_DEMAND_ZERO, 40);
	push(t, TRC_LOCK_REL, 0, 0, LOCK_MEM, 0, 0);
	zero_page(g, t, gp);
	kpath(g, t, TRC_SVC_DEMAND_ZERO, g->path[TRC_SVC_DEMAND_ZERO] - g->path[TRC_SVC_DEMAND_ZERO] / 2);
	push(t, TRC_PTE_SET, 0, TRC_PROT_VALID | TRC_PROT_WRITE, p->asid, vpn, gp);
	kexit(g, t, TRC_SVC_DEMAND_ZERO);
	return gp;
}

/* A resident page whose PTE must be built: QUICK-FAULT, ending with the
 * refill's tlbwr. */
static void quick_fault(struct gos *g, struct gcpu *t, struct proc *p, uint64_t vpn, uint64_t gp,
			unsigned prot)
{
	kentry(g, t, TRC_SVC_QUICK_FAULT);
	push(t, TRC_PRIV, 0, TRC_PRIV_MFC0, 0, 0, 0);   /* BadVAddr */
	kpath(g, t, TRC_SVC_QUICK_FAULT, g->path[TRC_SVC_QUICK_FAULT]);
	push(t, TRC_PTE_SET, 0, prot, p->asid, vpn, gp);
	push(t, TRC_PRIV, 0, TRC_PRIV_TLBP, 0, 0, 0);   /* is the stale entry there? */
	tlb_write(t, TRC_PRIV_TLBWR);
	kexit(g, t, TRC_SVC_QUICK_FAULT);
}

/* A write to a page shared with the parent after fork: COPY-ON-WRITE. */
static void cow_fault(struct gos *g, struct gcpu *t, struct proc *p, uint64_t k)
{
	uint64_t gp, src = p->data_gppn[k];
	kentry(g, t, TRC_SVC_COPY_ON_WRITE);
	kpath(g, t, TRC_SVC_COPY_ON_WRITE, g->path[TRC_SVC_COPY_ON_WRITE] / 2);
	push(t, TRC_LOCK_ACQ, 0, 0, LOCK_MEM, 0, 0);
	gp = page_alloc(g, t);
	push(t, TRC_LOCK_REL, 0, 0, LOCK_MEM, 0, 0);
	copy(g, t, KSEG0 + (src << g->pshift), KF, KSEG0 + (gp << g->pshift), KF, g->psize);
	kpath(g, t, TRC_SVC_COPY_ON_WRITE, g->path[TRC_SVC_COPY_ON_WRITE] / 2);
	push(t, TRC_PTE_SET, 0, TRC_PROT_VALID | TRC_PROT_WRITE, p->asid, data_vpn(g, k), gp);
	kexit(g, t, TRC_SVC_COPY_ON_WRITE);
	p->data_gppn[k] = gp;
	p->data_cow[k] = 0;
}

/* Make data page k writable-mapped for a reference. */
static void touch_data(struct gos *g, struct gcpu *t, struct proc *p, uint64_t k, int store)
{
	if (!p->data_gppn[k])
		p->data_gppn[k] = demand_zero(g, t, p, data_vpn(g, k));
	else if (p->data_cow[k] && store)
		cow_fault(g, t, p, k);
}

/* ---- buffer cache and disk ---- */

static void disk_intr(struct gos *g, struct gcpu *t, int j);

/* Buffer-cache tags of files every process shares (sys_read, execve,
 * sys_open); the others are a job's own files. */
#define TAG_SHARED_FILE 0x100000000ull
#define TAG_BINARY 0x200000000ull
#define TAG_DIR 0x7000000000ull
static int shared_tag(const struct gos *g, uint64_t tag)
{
	return (tag >= TAG_SHARED_FILE && tag < TAG_SHARED_FILE + g->shared_file_blocks) ||
	       (tag >= TAG_BINARY && tag < TAG_BINARY + g->nbin * 64) ||
	       (tag >= TAG_DIR && tag < TAG_DIR + 16);
}

static void io_start(struct gos *g, struct gcpu *t, int proc, uint64_t gpa, uint64_t tag,
		     int write)
{
	uint32_t id = (uint32_t)((t - g->c) << 24) | (++t->next_io & 0xffffff);
	uint64_t sectors = g->psize / 512;
	unsigned disk = 0;
	uint64_t block = tag % 1000000;
	if (t->nio == MAXIO)
		disk_intr(g, t, 0);   /* the oldest must be complete by now */
	if (g->disks_per_copy) {
		/* files every copy shares (the system input files, the
		 * binaries' headers, the directories) are on the root disk, the
		 * same block in every VM; a copy's own files on its own disk */
		if (shared_tag(g, tag))
			block = ROOT_FILES + (tag >> 32) * 0x100000 + (tag & 0xfffff);
		else
			disk = 1 + (unsigned)((t - g->c) % (g->ndisks - 1));
	}
	push(t, TRC_DMA_REQ, write ? TRC_F_WRITE : 0, disk, id, block * sectors, sectors);
	push(t, TRC_FRAG, 0, 0, 0, gpa, g->psize);
	t->io[t->nio].id = id;
	t->io[t->nio].proc = proc;
	t->io[t->nio].tick = t->tick_no;
	t->nio++;
}

/* Find block tag in the buffer cache; on a miss take a slot (clock) and, if
 * read, start its read.  Returns the slot; *miss set on a read miss. */
static uint64_t bc_get(struct gos *g, struct gcpu *t, int proc, uint64_t tag, int read, int *miss)
{
	uint64_t h = (tag * 0x9e3779b97f4a7c15ull) % g->bc_blocks, s;
	*miss = 0;
	for (uint64_t i = 0; i < 4; i++) {   /* 4-way probe */
		s = (h + i) % g->bc_blocks;
		kpath(g, t, TRC_SVC_READ, 6);
		push(t, TRC_LOAD, KF, 8, 0, KSEG0 + ((g->ktext_pages << g->pshift) + 0x40000 + s * 64), 0);
		if (t->bc_tag[s] == tag + 1)
			return s;
	}
	s = (h + (t->bc_hand++ & 3)) % g->bc_blocks;
	if (t->bc_dirty[s]) {
		io_start(g, t, -1, (t->bc_gppn0 + s) << g->pshift, t->bc_tag[s] - 1, 1);
		t->bc_dirty[s] = 0;
	}
	t->bc_tag[s] = tag + 1;
	/* the block may be cached from before the run (a warm cache) */
	if (read && unif(&t->rng) >= g->read_miss)
		return s;
	if (read) {
		io_start(g, t, proc, (t->bc_gppn0 + s) << g->pshift, tag, 0);
		*miss = 1;
	}
	return s;
}

/* ---- system calls ---- */

static uint64_t user_buf(struct gos *g, struct gcpu *t, struct proc *p, uint64_t len)
{
	uint64_t k = rnd(&t->rng) % g->data_pages;
	uint64_t off = (rnd(&t->rng) % g->psize) & ~31ull;
	if (off + len > g->psize)
		off = len < g->psize ? (g->psize - len) & ~31ull : 0;
	touch_data(g, t, p, k, 1);
	return (DATA_VA + (k << g->pshift) + off);
}

static void sys_open(struct gos *g, struct gcpu *t, struct proc *p)
{
	int miss;
	kentry(g, t, TRC_SVC_OPEN);
	kpath(g, t, TRC_SVC_OPEN, g->path[TRC_SVC_OPEN] / 2);
	/* namei holds the directory's vnode lock, a sleeping lock (a
	 * semaphore: other vCPUs opening in that directory wait) */
	{
		uint32_t dir = SEM_VNODE + (uint32_t)(rnd(&t->rng) % 4);
		push(t, TRC_SEM_WAIT, 0, 0, dir, 0, 0);
		push(t, TRC_LOCK_ACQ, 0, 0, LOCK_BUF, 0, 0);
		/* two directory blocks, almost always cached */
		bc_get(g, t, t->cur, TAG_DIR + rnd(&t->rng) % 16, 0, &miss);
		bc_get(g, t, t->cur, TAG_DIR + rnd(&t->rng) % 16, 0, &miss);
		push(t, TRC_LOCK_REL, 0, 0, LOCK_BUF, 0, 0);
		push(t, TRC_SEM_SIGNAL, 0, 0, dir, 0, 0);
	}
	kpath(g, t, TRC_SVC_OPEN, g->path[TRC_SVC_OPEN] - g->path[TRC_SVC_OPEN] / 2);
	kexit(g, t, TRC_SVC_OPEN);
}

/* Returns 1 when the process sleeps on the disk. */
static int sys_read(struct gos *g, struct gcpu *t, struct proc *p)
{
	uint64_t tag, s, buf, len = g->read_bytes;
	int miss;
	if (unif(&t->rng) < g->shared_file)
		tag = TAG_SHARED_FILE + rnd(&t->rng) % g->shared_file_blocks;
	else
		tag = (p->file << 20) + (p->rd_blk++ % g->file_blocks);
	buf = user_buf(g, t, p, len);
	kentry(g, t, TRC_SVC_READ);
	kpath(g, t, TRC_SVC_READ, g->path[TRC_SVC_READ] / 2);
	push(t, TRC_LOCK_ACQ, 0, 0, LOCK_BUF, 0, 0);
	s = bc_get(g, t, t->cur, tag, 1, &miss);
	push(t, TRC_LOCK_REL, 0, 0, LOCK_BUF, 0, 0);
	if (miss) {
		/* sleep: the copy happens when the block is in */
		kpath(g, t, TRC_SVC_READ, 60);
		kexit(g, t, TRC_SVC_READ);
		p->state = P_IOWAIT;
		return 1;
	}
	copy(g, t, KSEG0 + ((t->bc_gppn0 + s) << g->pshift), KF, buf, TRC_F_KERNEL, len);
	kpath(g, t, TRC_SVC_READ, g->path[TRC_SVC_READ] - g->path[TRC_SVC_READ] / 2);
	kexit(g, t, TRC_SVC_READ);
	return 0;
}

static void sys_write(struct gos *g, struct gcpu *t, struct proc *p)
{
	uint64_t tag = (p->file << 20) + 0x80000 + p->wr_blk / 4, s, len = g->write_bytes;
	uint64_t buf = user_buf(g, t, p, len);
	int miss;
	p->wr_blk++;
	kentry(g, t, TRC_SVC_WRITE);
	kpath(g, t, TRC_SVC_WRITE, g->path[TRC_SVC_WRITE] / 2);
	push(t, TRC_LOCK_ACQ, 0, 0, LOCK_BUF, 0, 0);
	s = bc_get(g, t, t->cur, tag, 0, &miss);
	t->bc_dirty[s] = 1;
	push(t, TRC_LOCK_REL, 0, 0, LOCK_BUF, 0, 0);
	copy(g, t, buf, TRC_F_KERNEL,
	     KSEG0 + ((t->bc_gppn0 + s) << g->pshift) + ((p->wr_blk * len) % g->psize & ~31ull) %
		     (g->psize - (len < g->psize ? len : 0) + 1),
	     KF, len);
	kpath(g, t, TRC_SVC_WRITE, g->path[TRC_SVC_WRITE] - g->path[TRC_SVC_WRITE] / 2);
	if (++t->writes_since_flush >= g->flush_writes) {
		/* the flush daemon's work, charged to this write: push a dirty block */
		t->writes_since_flush = 0;
		if (t->bc_dirty[s]) {
			io_start(g, t, -1, (t->bc_gppn0 + s) << g->pshift, tag, 1);
			t->bc_dirty[s] = 0;
		}
	}
	kexit(g, t, TRC_SVC_WRITE);
}

static void sys_other(struct gos *g, struct gcpu *t, struct proc *p)
{
	static const unsigned kinds[] = { TRC_SVC_CLOSE, TRC_SVC_STAT, TRC_SVC_BRK,
					  TRC_SVC_OTHER_SYSCALL };
	unsigned svc = kinds[rnd(&t->rng) % 4];
	kentry(g, t, svc);
	kpath(g, t, svc, g->path[TRC_SVC_OTHER_SYSCALL]);
	kexit(g, t, svc);
}

/* ---- processes ---- */

/* Unmap every page of p (and free its private ones). */
static void unmap_all(struct gos *g, struct gcpu *t, struct proc *p)
{
	push(t, TRC_LOCK_ACQ, 0, 0, LOCK_MEM, 0, 0);
	for (uint64_t k = 0; k < g->text_pages; k++)
		if (p->text_mapped[k]) {
			push(t, TRC_PTE_CLEAR, 0, 0, p->asid, (TEXT_VA >> g->pshift) + k, 0);
			p->text_mapped[k] = 0;
		}
	for (uint64_t k = 0; k < g->shared_pages; k++)
		if (p->shared_mapped[k]) {
			push(t, TRC_PTE_CLEAR, 0, 0, p->asid, (SHARED_VA >> g->pshift) + k, 0);
			p->shared_mapped[k] = 0;
		}
	for (uint64_t k = 0; k < g->data_pages; k++)
		if (p->data_gppn[k]) {
			push(t, TRC_PTE_CLEAR, 0, 0, p->asid, data_vpn(g, k), 0);
			if (!p->data_cow[k])
				page_free(g, t, p->data_gppn[k]);
			p->data_gppn[k] = 0;
			p->data_cow[k] = 0;
		}
	for (uint64_t k = 0; k < g->stack_pages; k++)
		if (p->stack_gppn[k]) {
			push(t, TRC_PTE_CLEAR, 0, 0, p->asid, stack_vpn(g, k), 0);
			page_free(g, t, p->stack_gppn[k]);
			p->stack_gppn[k] = 0;
		}
	push(t, TRC_LOCK_REL, 0, 0, LOCK_MEM, 0, 0);
}

static void switch_to(struct gos *g, struct gcpu *t, int i)
{
	uint32_t asid = i < 0 ? 1 : t->p[i].asid;
	t->cur = i;
	if (asid == t->cur_asid)
		return;
	kentry(g, t, TRC_SVC_SCHED);
	push(t, TRC_LOCK_ACQ, 0, 0, LOCK_RUNQ, 0, 0);
	kpath(g, t, TRC_SVC_SCHED, g->path[TRC_SVC_SCHED]);
	push(t, TRC_LOCK_REL, 0, 0, LOCK_RUNQ, 0, 0);
	push(t, TRC_ASID, 0, 0, asid, 0, 0);
	t->cur_asid = asid;
	kexit(g, t, TRC_SVC_SCHED);
}

/* The parent forks job slot i: the child shares the parent's data pages
 * copy-on-write. */
static void fork_job(struct gos *g, struct gcpu *t, int i)
{
	struct proc *p = &t->p[i];
	switch_to(g, t, -1);
	p->state = P_RUN;
	p->bin = (int)(t->job_no % g->nbin);
	p->file = (uint64_t)(t - g->c) * 100000 + t->job_no + 1;
	p->rd_blk = p->wr_blk = 0;
	p->exec_done = 0;
	p->steps_left = g->steps;
	p->opens = g->opens;
	p->reads = g->reads;
	p->writes = g->writes;
	p->others = g->others;
	p->to_syscall = 1 + g->steps / (g->opens + g->reads + g->writes + g->others + 1);
	p->pc = TEXT_VA;
	p->func_end = TEXT_VA;
	p->cursor = 0;
	t->job_no++;
	t->jobs_left--;
	kentry(g, t, TRC_SVC_FORK);
	kpath(g, t, TRC_SVC_FORK, g->path[TRC_SVC_FORK]);
	push(t, TRC_LOCK_ACQ, 0, 0, LOCK_MEM, 0, 0);
	if (g->fork)
		for (uint64_t k = 0; k < g->parent_pages && k < g->data_pages; k++) {
			kpath(g, t, TRC_SVC_FORK, 20);
			p->data_gppn[k] = t->parent_gppn0 + k;
			p->data_cow[k] = 1;
			push(t, TRC_PTE_SET, 0, TRC_PROT_VALID, p->asid, data_vpn(g, k), p->data_gppn[k]);
		}
	push(t, TRC_LOCK_REL, 0, 0, LOCK_MEM, 0, 0);
	kexit(g, t, TRC_SVC_FORK);
	switch_to(g, t, i);
	/* the child writes a few of the pages it shares before it execs */
	if (g->fork)
		for (uint64_t k = 0; k < g->cow_pages && k < g->parent_pages && k < g->data_pages; k++) {
			uint64_t kk = (k * 7) % (g->parent_pages < g->data_pages ? g->parent_pages : g->data_pages);
			touch_data(g, t, p, kk, 1);
			push(t, TRC_STORE, 0, 8, 0, DATA_VA + (kk << g->pshift), 0);
		}
}

static void execve(struct gos *g, struct gcpu *t, struct proc *p)
{
	int miss;
	kentry(g, t, TRC_SVC_EXECVE);
	kpath(g, t, TRC_SVC_EXECVE, g->path[TRC_SVC_EXECVE] / 2);
	unmap_all(g, t, p);
	push(t, TRC_LOCK_ACQ, 0, 0, LOCK_BUF, 0, 0);
	for (int b = 0; b < 4; b++)   /* the binary's header and program headers */
		bc_get(g, t, t->cur, TAG_BINARY + (uint64_t)p->bin * 64 + (uint64_t)b, 0, &miss);
	push(t, TRC_LOCK_REL, 0, 0, LOCK_BUF, 0, 0);
	kpath(g, t, TRC_SVC_EXECVE, g->path[TRC_SVC_EXECVE] - g->path[TRC_SVC_EXECVE] / 2);
	/* A job shortened by capture.scale runs an even sample of the full
	 * job: that share of its pages was touched in the part not run, so
	 * they are resident already (no fault is taken for them). */
	if (g->prefault > 0) {
		push(t, TRC_LOCK_ACQ, 0, 0, LOCK_MEM, 0, 0);
		for (uint64_t k = 0; k < g->data_pages; k++)
			if (unif(&t->rng) < g->prefault) {
				p->data_gppn[k] = page_alloc(g, t);
				p->data_cow[k] = 0;
				push(t, TRC_PTE_SET, 0, TRC_PROT_VALID | TRC_PROT_WRITE, p->asid,
				     data_vpn(g, k), p->data_gppn[k]);
			}
		for (uint64_t k = 0; k < g->text_pages; k++)
			if (unif(&t->rng) < g->prefault) {
				p->text_mapped[k] = 1;
				push(t, TRC_PTE_SET, 0, TRC_PROT_VALID, p->asid,
				     (TEXT_VA >> g->pshift) + k, g->text_gppn0 + (uint64_t)p->bin * g->text_pages + k);
			}
		for (uint64_t k = 0; k < g->shared_pages && g->p_shared > 0; k++)
			if (unif(&t->rng) < g->prefault) {
				p->shared_mapped[k] = 1;
				push(t, TRC_PTE_SET, 0, TRC_PROT_VALID, p->asid,
				     (SHARED_VA >> g->pshift) + k, g->shared_gppn0 + k);
			}
		push(t, TRC_LOCK_REL, 0, 0, LOCK_MEM, 0, 0);
	}
	/* a fresh stack: its first page, zeroed, with the arguments */
	p->stack_gppn[0] = page_alloc(g, t);
	zero_page(g, t, p->stack_gppn[0]);
	push(t, TRC_PTE_SET, 0, TRC_PROT_VALID | TRC_PROT_WRITE, p->asid, stack_vpn(g, 0),
	     p->stack_gppn[0]);
	kexit(g, t, TRC_SVC_EXECVE);
	p->exec_done = 1;
}

static void exit_job(struct gos *g, struct gcpu *t, struct proc *p)
{
	kentry(g, t, TRC_SVC_EXIT);
	kpath(g, t, TRC_SVC_EXIT, g->path[TRC_SVC_EXIT]);
	unmap_all(g, t, p);
	kexit(g, t, TRC_SVC_EXIT);
	p->state = P_FREE;
}

/* ---- user mode ---- */

static void user_step(struct gos *g, struct gcpu *t, struct proc *p)
{
	uint64_t len = 1 + (uint64_t)(unif(&t->rng) * 2 * g->run_len), va, k;
	double u = unif(&t->rng);
	int store = (rnd(&t->rng) % 10) < 3;

	if (p->pc + len * 4 > p->func_end || unif(&t->rng) < g->func_switch) {
		/* function popularity is skewed: a few clusters take most calls */
		double u3 = unif(&t->rng);
		uint64_t c = g->hot[(uint64_t)p->bin * g->nhot + (uint64_t)(u3 * u3 * u3 * (double)g->nhot)];
		uint64_t off = (rnd(&t->rng) % ((g->cluster_pages << g->pshift) / 256)) * 256;
		p->pc = TEXT_VA + (c << g->pshift) + off;
		p->func_end = p->pc + 1024 + (rnd(&t->rng) % 16) * 128;
		if (p->func_end > TEXT_VA + (g->text_pages << g->pshift))
			p->func_end = TEXT_VA + (g->text_pages << g->pshift);
	}
	if ((p->pc & (g->psize - 1)) + len * 4 > g->psize)   /* runs stay in a page */
		len = (g->psize - (p->pc & (g->psize - 1))) / 4;
	k = (p->pc - TEXT_VA) >> g->pshift;
	if (!p->text_mapped[k]) {
		quick_fault(g, t, p, (TEXT_VA >> g->pshift) + k,
			    g->text_gppn0 + (uint64_t)p->bin * g->text_pages + k, TRC_PROT_VALID);
		p->text_mapped[k] = 1;
	}
	push(t, TRC_INSN, 0, 0, (uint32_t)len, p->pc, 0);
	t->insns += len;
	p->pc += len * 4;

	if (u < g->p_shared) {
		/* a ray (a query) works on one spot of the region for a while,
		 * then moves on: to a skewed place (the top of a scene's
		 * hierarchy, a pool's hot pages) */
		uint64_t off;
		if ((rnd(&t->rng) & 63) == 0) {
			double u4 = unif(&t->rng);
			p->shared_spot = (uint64_t)(u4 * u4 * (double)((g->shared_pages << g->pshift) - 4096));
		}
		off = (p->shared_spot + rnd(&t->rng) % 4096) & ~7ull;
		k = off >> g->pshift;
		va = SHARED_VA + off;
		store = 0;
		if (!p->shared_mapped[k]) {
			quick_fault(g, t, p, (SHARED_VA >> g->pshift) + k, g->shared_gppn0 + k,
				    TRC_PROT_VALID);
			p->shared_mapped[k] = 1;
		}
	} else if (u < g->p_shared + g->p_random + g->p_seq) {
		uint64_t span = g->data_pages << g->pshift;
		if (u < g->p_shared + g->p_random) {
			double u2 = unif(&t->rng);   /* skewed towards the data's start */
			va = DATA_VA + ((uint64_t)(u2 * u2 * (double)span) & ~7ull);
		} else {
			p->cursor = (p->cursor + 8) % span;
			va = DATA_VA + p->cursor;
		}
		touch_data(g, t, p, (va - DATA_VA) >> g->pshift, store);
	} else {
		k = (rnd(&t->rng) % 16 == 0) ? rnd(&t->rng) % g->stack_pages : 0;
		va = ((STACK_TOP >> g->pshift) - 1 - k) << g->pshift;
		va += g->psize - 8 - (rnd(&t->rng) % 64) * 8;
		if (!p->stack_gppn[k])
			p->stack_gppn[k] = demand_zero(g, t, p, stack_vpn(g, k));
	}
	push(t, store ? TRC_STORE : TRC_LOAD, 0, 8, 0, va, 0);
	p->steps_left--;
}

/* ---- the per-CPU kernel: interrupts, scheduling, idle ---- */

static void disk_intr(struct gos *g, struct gcpu *t, int j)
{
	struct io io = t->io[j];
	t->io[j] = t->io[--t->nio];
	kentry(g, t, TRC_SVC_DISK_INTR);
	push(t, TRC_DMA_DONE, 0, 0, io.id, 0, 0);
	kpath(g, t, TRC_SVC_DISK_INTR, g->path[TRC_SVC_DISK_INTR]);
	kexit(g, t, TRC_SVC_DISK_INTR);
	if (io.proc >= 0 && t->p[io.proc].state == P_IOWAIT)
		t->p[io.proc].state = P_RUN;   /* the read's copy is redone when it runs again */
}

static void clock_intr(struct gos *g, struct gcpu *t)
{
	t->tick_no++;
	t->next_tick = t->insns + g->tick_insns;
	kentry(g, t, TRC_SVC_CLOCK_INTR);
	kpath(g, t, TRC_SVC_CLOCK_INTR, g->path[TRC_SVC_CLOCK_INTR]);
	kexit(g, t, TRC_SVC_CLOCK_INTR);
	/* completions a process sleeps on are taken io_ticks after the
	 * request; a pushed dirty buffer's only when the CPU has nothing else
	 * to do (or much later), so a busy CPU never waits for a write */
	for (int j = 0; j < t->nio;)
		if (t->tick_no >= t->io[j].tick + g->io_ticks * (t->io[j].proc >= 0 ? 1 : 50))
			disk_intr(g, t, j);
		else
			j++;
}

static int next_runnable(struct gos *g, struct gcpu *t)
{
	int n = g->parallel;
	for (int d = 1; d <= n; d++) {
		int i = ((t->cur < 0 ? -1 : t->cur) + d + n) % n;
		if (t->p[i].state == P_RUN)
			return i;
	}
	return -1;
}

/* One scheduling step: produce the next stretch of records of CPU t. */
/* A boot read: n pages from root-disk block `block` into guest pages from
 * gppn, labelled `cat`, waited for at once. */
static void boot_read(struct gos *g, struct gcpu *t, uint32_t id, uint64_t block, uint64_t gppn,
		      uint64_t n, unsigned cat)
{
	uint64_t sectors = g->psize / 512;
	for (uint64_t k = 0; k < n; k++)
		push(t, TRC_PAGE_ALLOC, 0, cat, 0, gppn + k, 0);
	push(t, TRC_DMA_REQ, 0, 0, id, block * sectors, n * sectors);
	push(t, TRC_FRAG, 0, 0, 0, gppn << g->pshift, n << g->pshift);
	push(t, TRC_DMA_DONE, 0, 0, id, 0, 0);
}

/* The boot (capture.os.boot): the VM's first vCPU reads the kernel image,
 * the binaries and the read-shared file from the root disk by DMA (so that
 * the monitor can share them between VMs, paper 5.3) and labels the
 * kernel's data; every vCPU labels its buffer cache; the VM's other vCPUs
 * wait on a semaphore until the boot is over.  A phase marker ends it. */
static void boot(struct gos *g, struct gcpu *t)
{
	uint32_t sem = SEM_BOOT;
	if (t->vi == 0) {
		push(t, TRC_MARKER, 0, RPL_MARK_SEM_INIT, sem, 0, 0);
		boot_read(g, t, BOOT_DMA, ROOT_KERNEL, 0, g->ktext_pages, TRC_CAT_KERNEL_TEXT);
		for (uint64_t k = 0; k < g->kdata_pages; k++)
			push(t, TRC_PAGE_ALLOC, 0, TRC_CAT_KERNEL_DATA, 0, g->ktext_pages + k, 0);
		boot_read(g, t, BOOT_DMA + 1, ROOT_BINARIES, g->text_gppn0, g->nbin * g->text_pages,
			  TRC_CAT_BUFFER_CACHE);
		if (g->p_shared > 0)
			boot_read(g, t, BOOT_DMA + 2, ROOT_SHARED, g->shared_gppn0, g->shared_pages,
				  TRC_CAT_BUFFER_CACHE);
		for (int k = 1; k < g->per_vm; k++)
			push(t, TRC_SEM_SIGNAL, 0, 0, sem, 0, 0);
	} else {
		push(t, TRC_SEM_WAIT, 0, 0, sem, 0, 0);
	}
	for (uint64_t k = 0; k < g->bc_blocks; k++)
		push(t, TRC_PAGE_ALLOC, 0, TRC_CAT_BUFFER_CACHE, 0, t->bc_gppn0 + k, 0);
	for (uint64_t k = 0; k < g->parent_pages; k++)
		push(t, TRC_PAGE_ALLOC, 0, TRC_CAT_USER, 0, t->parent_gppn0 + k, 0);
	push(t, TRC_MARKER, 0, RPL_MARK_PHASE, 1, 0, 0);
}

static void step(struct gos *g, struct gcpu *t)
{
	struct proc *p;
	int i;

	if (!t->started) {
		t->started = 1;
		if (g->boot)
			boot(g, t);
		push(t, TRC_ASID, 0, 0, 1, 0, 0);
		t->cur_asid = 1;
		for (uint64_t k = 0; k < g->parent_pages; k++)
			push(t, TRC_PTE_SET, 0, TRC_PROT_VALID | TRC_PROT_WRITE, 1, data_vpn(g, k),
			     t->parent_gppn0 + k);
		return;
	}
	if (t->insns >= t->next_tick) {
		clock_intr(g, t);
		if (t->insns >= t->quantum_end) {   /* the quantum is over: round robin */
			t->quantum_end = t->insns + 3 * g->tick_insns;
			i = next_runnable(g, t);
			if (i >= 0 && i != t->cur)
				switch_to(g, t, i);
		}
		return;
	}
	/* start jobs while slots are free */
	for (i = 0; i < g->parallel && t->jobs_left; i++)
		if (t->p[i].state == P_FREE) {
			fork_job(g, t, i);
			return;
		}
	if (t->cur < 0 || t->p[t->cur].state != P_RUN) {
		i = next_runnable(g, t);
		if (i >= 0) {
			switch_to(g, t, i);
			return;
		}
		if (t->nio) {
			/* nothing can run: the idle loop waits for the oldest request */
			push(t, TRC_IDLE_BEGIN, 0, 0, 0, 0, 0);
			if (g->hal_disco)
				push(t, TRC_MONCALL, 0, TRC_MC_IDLE, 0, 0, 0);
			push(t, TRC_IDLE_END, 0, 0, 0, 0, 0);
			/* the oldest request a process sleeps on, else the oldest */
			i = 0;
			for (int j = t->nio - 1; j >= 0; j--)
				if (t->io[j].proc >= 0 && (t->io[i].proc < 0 || t->io[j].id < t->io[i].id))
					i = j;
			disk_intr(g, t, i);
			return;
		}
		t->done = 1;
		return;
	}
	p = &t->p[t->cur];
	if (!p->exec_done) {
		execve(g, t, p);
		return;
	}
	if (p->steps_left == 0) {
		exit_job(g, t, p);
		return;
	}
	if (p->to_syscall == 0) {
		uint64_t left = p->opens + p->reads + p->writes + p->others;
		uint64_t r = left ? rnd(&t->rng) % left : 0;
		p->to_syscall = 1 + p->steps_left / (left + 1);
		if (!left)
			p->to_syscall = p->steps_left + 1;
		else if (r < p->opens) {
			p->opens--;
			sys_open(g, t, p);
		} else if ((r -= p->opens) < p->reads) {
			p->reads--;
			sys_read(g, t, p);
		} else if ((r -= p->reads) < p->writes) {
			p->writes--;
			sys_write(g, t, p);
		} else {
			p->others--;
			sys_other(g, t, p);
		}
		return;
	}
	for (int n = 0; n < 64 && p->steps_left && t->insns < t->next_tick && p->to_syscall > 0; n++) {
		user_step(g, t, p);
		p->to_syscall--;
	}
}

static int gos_generate(void *st, uint32_t s, struct trc_rec *buf, size_t max, size_t *n,
			struct sim_err *err)
{
	struct gos *g = st;
	struct gcpu *t = &g->c[s];
	size_t k = 0;

	while (k < max) {
		if (t->ipend < t->npend) {
			size_t take = t->npend - t->ipend;
			if (take > max - k)
				take = max - k;
			memcpy(buf + k, t->pend + t->ipend, take * sizeof *buf);
			t->ipend += take;
			k += take;
			continue;
		}
		t->npend = t->ipend = 0;
		if (t->done)
			break;
		step(g, t);
		if (t->oom == 1)
			return sim_errf(err, SIM_ENOMEM, "out of memory in the IRIX guest");
		if (t->oom == 2)
			return sim_errf(err, SIM_EINVAL,
					"the IRIX guest ran out of guest pages on vCPU %u (raise vm.mem.size "
					"or lower capture.wl.parallel or capture.wl.data_size)", s);
	}
	*n = k;
	return SIM_OK;
}

static void gos_destroy(void *st)
{
	struct gos *g = st;
	if (!g)
		return;
	for (int i = 0; g->c && i < g->n; i++) {
		struct gcpu *t = &g->c[i];
		for (int j = 0; j < MAXPROC; j++) {
			sim_free(t->p[j].text_mapped);
			sim_free(t->p[j].data_gppn);
			sim_free(t->p[j].data_cow);
			sim_free(t->p[j].stack_gppn);
			sim_free(t->p[j].shared_mapped);
		}
		sim_free(t->bc_tag);
		sim_free(t->bc_dirty);
		sim_free(t->free_pages);
		sim_free(t->pend);
	}
	sim_free(g->c);
	sim_free(g->hot);
	sim_free(g);
}

static uint64_t pages_of(const struct gos *g, const cfg *c, const char *name)
{
	uint64_t b = (uint64_t)cfg_int(c, name);
	return (b + g->psize - 1) >> g->pshift;
}

static int gos_create(void **st, const cfg *c, uint32_t *nstreams, struct sim_err *err)
{
	static const struct { unsigned svc; const char *name; } paths[] = {
		{ TRC_SVC_DEMAND_ZERO, "capture.os.path.demand_zero" },
		{ TRC_SVC_QUICK_FAULT, "capture.os.path.quick_fault" },
		{ TRC_SVC_COPY_ON_WRITE, "capture.os.path.copy_on_write" },
		{ TRC_SVC_OPEN, "capture.os.path.open" },
		{ TRC_SVC_READ, "capture.os.path.read" },
		{ TRC_SVC_WRITE, "capture.os.path.write" },
		{ TRC_SVC_EXECVE, "capture.os.path.execve" },
		{ TRC_SVC_FORK, "capture.os.path.fork" },
		{ TRC_SVC_EXIT, "capture.os.path.exit" },
		{ TRC_SVC_OTHER_SYSCALL, "capture.os.path.other" },
		{ TRC_SVC_CLOCK_INTR, "capture.os.path.clock" },
		{ TRC_SVC_DISK_INTR, "capture.os.path.disk_intr" },
		{ TRC_SVC_SCHED, "capture.os.path.sched" },
	};
	struct gos *g = sim_calloc(1, sizeof *g);
	uint64_t vm, guest_pages, next, jobs, jobs_eff, insns, pool0;
	double scale = cfg_real(c, "capture.scale");
	uint64_t brng;
	int rc = SIM_OK;

	*st = NULL;
	if (!g)
		return sim_errf(err, SIM_ENOMEM, "out of memory creating the IRIX guest");
	g->n = (int)cfg_int(c, "capture.cpus");
	g->nvms = (int)cfg_int(c, "capture.vms");
	g->boot = (int)cfg_int(c, "capture.os.boot");
	g->disks_per_copy = !strcmp(cfg_str(c, "capture.os.disks"), "per-copy");
	g->ndisks = (int)cfg_int(c, "machine.disks");
	if (g->nvms < 1 || g->n % g->nvms) {
		rc = sim_errf(err, SIM_EINVAL, "capture.vms = %d does not divide capture.cpus = %d: "
			      "every VM gets the same number of vCPUs", g->nvms, g->n);
		goto fail;
	}
	g->per_vm = g->n / g->nvms;
	if (g->disks_per_copy && g->ndisks < 2) {
		rc = sim_errf(err, SIM_EINVAL, "capture.os.disks = per-copy needs a root disk and "
			      "another (machine.disks >= 2)");
		goto fail;
	}
	g->irix53 = strcmp(cfg_str(c, "capture.os"), "irix53") == 0;
	g->hal_disco = strcmp(cfg_str(c, "capture.hal"), "disco") == 0;
	g->psize = (uint64_t)cfg_int(c, "machine.page_size");
	g->pshift = (unsigned)__builtin_ctzll(g->psize);
	if (g->psize != (g->irix53 ? 4096u : 16384u)) {
		rc = sim_errf(err, SIM_EINVAL,
			      "capture.os = %s uses %s pages but machine.page_size is %llu "
			      "(disco capture --os sets both)", cfg_str(c, "capture.os"),
			      g->irix53 ? "4K" : "16K", (unsigned long long)g->psize);
		goto fail;
	}
	g->tick_insns = (uint64_t)(cfg_real(c, "capture.os.tick_ms") * 1000.0 *
				   cfg_real(c, "machine.clock_mhz"));
	g->io_ticks = (uint64_t)cfg_int(c, "capture.os.io_ticks");
	g->ktext_pages = pages_of(g, c, "capture.os.ktext_size");
	g->kdata_pages = pages_of(g, c, "capture.os.kdata_size");
	g->special_gpa = (g->ktext_pages + g->kdata_pages - 1) << g->pshift;
	g->entry_insns = (uint64_t)cfg_int(c, "capture.os.path.entry");
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
		g->path[paths[i].svc] = (uint64_t)cfg_int(c, paths[i].name);
	g->kref = cfg_real(c, "capture.os.kref");
	g->nbin = (uint64_t)cfg_int(c, "capture.wl.binaries");
	g->text_pages = pages_of(g, c, "capture.wl.text_size");
	g->cluster_pages = pages_of(g, c, "capture.wl.text_cluster");
	if (g->cluster_pages > g->text_pages)
		g->cluster_pages = g->text_pages;
	g->nhot = (uint64_t)cfg_int(c, "capture.wl.text_hot") / ((g->cluster_pages << g->pshift));
	if (g->nhot == 0)
		g->nhot = 1;
	g->shared_pages = pages_of(g, c, "capture.wl.shared_size");
	g->data_pages = pages_of(g, c, "capture.wl.data_size");
	g->stack_pages = pages_of(g, c, "capture.wl.stack_size");
	g->parent_pages = pages_of(g, c, "capture.wl.parent_size");
	g->bc_blocks = pages_of(g, c, "capture.os.bufcache_size");
	g->p_shared = cfg_real(c, "capture.wl.shared");
	g->p_random = cfg_real(c, "capture.wl.random");
	g->p_seq = cfg_real(c, "capture.wl.sequential");
	g->run_len = cfg_real(c, "capture.wl.run_length");
	g->func_switch = cfg_real(c, "capture.wl.call_rate");
	g->shared_file = cfg_real(c, "capture.wl.shared_file");
	g->read_miss = cfg_real(c, "capture.wl.read_miss");
	g->shared_file_blocks = pages_of(g, c, "capture.wl.shared_file_size");
	g->file_blocks = pages_of(g, c, "capture.wl.file_size");
	g->read_bytes = (uint64_t)cfg_int(c, "capture.wl.read_size");
	g->write_bytes = (uint64_t)cfg_int(c, "capture.wl.write_size");
	g->flush_writes = (uint64_t)cfg_int(c, "capture.wl.flush_writes");
	g->cow_pages = (uint64_t)cfg_int(c, "capture.wl.cow_pages");
	g->parallel = (int)cfg_int(c, "capture.wl.parallel");
	g->fork = (int)cfg_int(c, "capture.wl.fork");
	if (g->p_shared + g->p_random + g->p_seq > 1.0) {
		rc = sim_errf(err, SIM_EINVAL, "capture.wl.shared + random + sequential must not exceed 1");
		goto fail;
	}
	if (g->shared_pages == 0)
		g->p_shared = 0, g->shared_pages = 1;
	if (g->stack_pages == 0)
		g->stack_pages = 1;
	if (g->shared_file_blocks == 0)
		g->shared_file_blocks = 1;
	if (g->file_blocks == 0)
		g->file_blocks = 1;
	if (g->read_bytes > g->psize)
		g->read_bytes = g->psize;
	if (g->write_bytes > g->psize)
		g->write_bytes = g->psize;
	/* scale: fewer jobs, down to the number run at once; then shorter jobs */
	jobs = (uint64_t)cfg_int(c, "capture.wl.jobs");
	jobs_eff = (uint64_t)((double)jobs * scale + 0.5);
	if (jobs_eff < (uint64_t)g->parallel)
		jobs_eff = jobs < (uint64_t)g->parallel ? jobs : (uint64_t)g->parallel;
	if (jobs_eff > jobs && scale <= 1)
		jobs_eff = jobs;
	if (jobs_eff == 0)
		jobs_eff = 1;
	insns = (uint64_t)(cfg_real(c, "capture.wl.insns") * scale * (double)jobs / (double)jobs_eff);
	g->steps = insns / (uint64_t)(g->run_len + 1.0);
	if (g->steps == 0)
		g->steps = 1;
	{
		double per = (double)jobs_eff / (double)jobs;
		double sc = scale / per;   /* what the jobs' length was scaled by */
		g->prefault = sc < 1 ? 1 - sc : 0;
		g->opens = (uint64_t)(cfg_real(c, "capture.wl.opens") * sc + 0.5);
		g->reads = (uint64_t)(cfg_real(c, "capture.wl.reads") * sc + 0.5);
		g->writes = (uint64_t)(cfg_real(c, "capture.wl.writes") * sc + 0.5);
		g->others = (uint64_t)(cfg_real(c, "capture.wl.others") * sc + 0.5);
	}
	/* guest physical layout */
	vm = (uint64_t)cfg_int(c, "vm.mem.size");
	if (vm == 0)
		vm = (uint64_t)cfg_int(c, "machine.mem.size") / (uint64_t)g->nvms;
	if (g->irix53 && vm > 2048ull * 1024 * 1024) {
		rc = sim_errf(err, SIM_EINVAL, "vm.mem.size = %llu bytes: IRIX 5.3 is a 32-bit kernel and "
			      "addresses at most 2G of physical memory", (unsigned long long)vm);
		goto fail;
	}
	guest_pages = vm >> g->pshift;
	g->text_gppn0 = g->ktext_pages + g->kdata_pages;
	next = g->text_gppn0 + g->nbin * g->text_pages;
	g->shared_gppn0 = next;
	next += g->shared_pages;
	pool0 = next;
	if (pool0 + (uint64_t)cfg_int(c, "guest.pt_pool_pages") >= guest_pages) {
		rc = sim_errf(err, SIM_EINVAL, "the IRIX guest's kernel and binaries do not fit the VM's %llu pages",
			      (unsigned long long)guest_pages);
		goto fail;
	}
	g->pool_pages = (guest_pages - (uint64_t)cfg_int(c, "guest.pt_pool_pages") - pool0) /
			(uint64_t)g->per_vm;
	if (g->pool_pages < g->bc_blocks + g->parent_pages + 16) {
		rc = sim_errf(err, SIM_EINVAL, "the IRIX guest needs more memory per vCPU (raise vm.mem.size)");
		goto fail;
	}
	g->hot = sim_calloc((size_t)(g->nbin * g->nhot), sizeof *g->hot);
	g->c = sim_calloc((size_t)g->n, sizeof *g->c);
	if (!g->hot || !g->c)
		goto nomem;
	brng = (uint64_t)cfg_int(c, "capture.seed") * 7919u + 17;
	for (uint64_t b = 0; b < g->nbin; b++)
		for (uint64_t h = 0; h < g->nhot; h++)
			g->hot[b * g->nhot + h] = rnd(&brng) % (g->text_pages - g->cluster_pages + 1);
	for (int i = 0; i < g->n; i++) {
		struct gcpu *t = &g->c[i];
		uint64_t base = pool0 + (uint64_t)(i % g->per_vm) * g->pool_pages;
		t->vm = i / g->per_vm;
		t->vi = i % g->per_vm;
		t->rng = (uint64_t)cfg_int(c, "capture.seed") * 1000003u + (uint64_t)i;
		t->cur = -1;
		t->jobs_left = jobs_eff;
		t->next_tick = g->tick_insns;
		t->quantum_end = 3 * g->tick_insns;
		t->bc_gppn0 = base;
		t->parent_gppn0 = base + g->bc_blocks;
		t->bc_tag = sim_calloc((size_t)g->bc_blocks, sizeof *t->bc_tag);
		t->bc_dirty = sim_calloc((size_t)g->bc_blocks, 1);
		t->free_pages = sim_malloc((size_t)g->pool_pages * sizeof *t->free_pages);
		if (!t->bc_tag || !t->bc_dirty || !t->free_pages)
			goto nomem;
		/* free pages, lowest on top */
		for (uint64_t k = base + g->pool_pages; k-- > t->parent_gppn0 + g->parent_pages;)
			t->free_pages[t->nfree++] = k;
		for (int j = 0; j < g->parallel; j++) {
			struct proc *p = &t->p[j];
			p->asid = (uint32_t)(i * 32 + j + 2);
			p->text_mapped = sim_calloc((size_t)g->text_pages, 1);
			p->data_gppn = sim_calloc((size_t)g->data_pages, sizeof *p->data_gppn);
			p->data_cow = sim_calloc((size_t)g->data_pages, 1);
			p->stack_gppn = sim_calloc((size_t)g->stack_pages, sizeof *p->stack_gppn);
			p->shared_mapped = sim_calloc((size_t)g->shared_pages, 1);
			if (!p->text_mapped || !p->data_gppn || !p->data_cow || !p->stack_gppn ||
			    !p->shared_mapped)
				goto nomem;
		}
	}
	*nstreams = (uint32_t)g->n;
	*st = g;
	return SIM_OK;
nomem:
	rc = sim_errf(err, SIM_ENOMEM, "out of memory creating the IRIX guest");
fail:
	gos_destroy(g);
	return rc;
}

const struct cap_guest_ops cap_guest_irix = {
	"irix",
	"an IRIX 5.3 or 6.2 kernel (capture.os.*) running a workload (capture.wl.*)",
	gos_create, gos_generate, gos_destroy,
};

/* Sources: Table 2 of the paper gives each service's native average time
 * (the path lengths below are calibrated to it: analysis/CALIBRATION.md);
 * section 5.1 the page sizes; the rest are stated assumptions. */
static const struct param_def defs[] = {
	{ "capture.os", PARAM_CHOICE, "irix53", 0, 0, "irix53,irix62", "",
	  "the IRIX guest's personality: 5.3 (32-bit, 4KB pages, wired-entry swap) or 6.2 (64-bit, 16KB pages) (paper 5.1-5.2)" },
	{ "capture.os.boot", PARAM_BOOL, "off", 0, 0, NULL, NULL,
	  "start with the boot: the kernel image, binaries and read-shared file read from the root "
	  "disk by DMA, and every kernel, buffer-cache and parent page labelled (page.alloc), so that "
	  "footprints have categories and the monitor can share what VMs read alike (Figure 7)" },
	{ "capture.os.disks", PARAM_CHOICE, "one", 0, 0, "one,per-copy", NULL,
	  "one: every block on disk 0; per-copy: shared files (binaries, system input files, "
	  "directories) on the root disk 0, each vCPU's own files on its own disk (paper 5.3)" },
	{ "capture.os.ktext_size", PARAM_SIZE, "1536K", 4096, 1e9, NULL, "bytes",
	  "kernel text in KSEG0 (assumed: an IRIX 5.3 kernel's text is 1-2 MB)" },
	{ "capture.os.kdata_size", PARAM_SIZE, "4M", 16384, 1e10, NULL, "bytes",
	  "kernel static data and heap in KSEG0 (assumed: a few MB; paper 5.3: under 20 MB for eight copies)" },
	{ "capture.os.bufcache_size", PARAM_SIZE, "8M", 16384, 1e10, NULL, "bytes",
	  "buffer cache per vCPU (assumed)" },
	{ "capture.os.tick_ms", PARAM_REAL, "10", 0.1, 1000, NULL, "ms",
	  "clock interrupt period, counted in the guest's own instructions at machine.clock_mhz (IRIX: 10 ms)" },
	{ "capture.os.io_ticks", PARAM_INT, "2", 1, 1000, NULL, "ticks",
	  "clock ticks after which a disk request's completion interrupt is taken if the CPU was busy (the engine adds any remaining disk time as idle)" },
	{ "capture.os.kref", PARAM_REAL, "0.25", 0, 1, NULL, "per instruction",
	  "kernel data references per kernel instruction (assumed: typical of kernel code)" },
	{ "capture.os.path.entry", PARAM_INT, "60", 0, 1e6, NULL, "instructions",
	  "common kernel entry + exit path: register save and restore (assumed)" },
	{ "capture.os.path.demand_zero", PARAM_INT, "420", 0, 1e7, NULL, "instructions",
	  "DEMAND-ZERO path besides the zeroing (calibrated: Table 2, 21 us natively on IRIX 5.3)" },
	{ "capture.os.path.quick_fault", PARAM_INT, "150", 0, 1e7, NULL, "instructions",
	  "QUICK-FAULT path (calibrated: Table 2, 5 us natively)" },
	{ "capture.os.path.copy_on_write", PARAM_INT, "600", 0, 1e7, NULL, "instructions",
	  "COPY-ON-WRITE path besides the copy (calibrated: Table 2 IRIX 6.2, 94 us natively with a 16KB copy)" },
	{ "capture.os.path.open", PARAM_INT, "1250", 0, 1e7, NULL, "instructions",
	  "open path: namei, file table (calibrated: Table 2, 42 us natively)" },
	{ "capture.os.path.read", PARAM_INT, "240", 0, 1e7, NULL, "instructions",
	  "read path besides the copy (calibrated: Table 2, 23 us natively)" },
	{ "capture.os.path.write", PARAM_INT, "85", 0, 1e7, NULL, "instructions",
	  "write path besides the copy (calibrated: Table 2, 12 us natively)" },
	{ "capture.os.path.execve", PARAM_INT, "54000", 0, 1e8, NULL, "instructions",
	  "execve path besides unmapping and the stack page (calibrated: Table 2, 437 us natively)" },
	{ "capture.os.path.fork", PARAM_INT, "20000", 0, 1e8, NULL, "instructions",
	  "fork path besides copying the page table (assumed)" },
	{ "capture.os.path.exit", PARAM_INT, "12000", 0, 1e8, NULL, "instructions",
	  "exit path besides unmapping (assumed)" },
	{ "capture.os.path.other", PARAM_INT, "1500", 0, 1e7, NULL, "instructions",
	  "close, stat, brk and other system calls (assumed)" },
	{ "capture.os.path.clock", PARAM_INT, "800", 0, 1e7, NULL, "instructions",
	  "clock interrupt handler (assumed)" },
	{ "capture.os.path.disk_intr", PARAM_INT, "1500", 0, 1e7, NULL, "instructions",
	  "disk interrupt handler and the wake-up (assumed)" },
	{ "capture.os.path.sched", PARAM_INT, "1200", 0, 1e7, NULL, "instructions",
	  "context switch (assumed)" },
	{ "capture.wl.jobs", PARAM_INT, "42", 1, 1e6, NULL, "processes",
	  "processes the workload runs per vCPU at scale 1 (pmake: 42 execve in Table 2)" },
	{ "capture.wl.parallel", PARAM_INT, "2", 1, MAXPROC, NULL, "processes",
	  "processes alive at once per vCPU (pmake -J2)" },
	{ "capture.wl.fork", PARAM_BOOL, "true", 0, 0, NULL, "",
	  "jobs are forked from the parent, sharing its pages copy-on-write until they exec" },
	{ "capture.wl.insns", PARAM_REAL, "18e6", 1, 1e13, NULL, "instructions",
	  "user instructions per job at scale 1" },
	{ "capture.wl.binaries", PARAM_INT, "2", 1, 64, NULL, "binaries",
	  "distinct binaries the jobs exec (their text is shared by every job running it)" },
	{ "capture.wl.text_size", PARAM_SIZE, "2M", 4096, 1e10, NULL, "bytes", "text of each binary" },
	{ "capture.wl.text_hot", PARAM_SIZE, "560K", 4096, 1e10, NULL, "bytes",
	  "text a job executes: clusters spread over the binary" },
	{ "capture.wl.text_cluster", PARAM_SIZE, "16K", 4096, 1e9, NULL, "bytes",
	  "size of one cluster of executed text" },
	{ "capture.wl.call_rate", PARAM_REAL, "0.02", 0, 1, NULL, "per step",
	  "chance that an instruction run jumps to another function" },
	{ "capture.wl.run_length", PARAM_REAL, "3", 1, 1000, NULL, "instructions",
	  "mean instructions between two data references" },
	{ "capture.wl.data_size", PARAM_SIZE, "400K", 4096, 1e11, NULL, "bytes",
	  "data, bss and heap of a job: demand-zero pages" },
	{ "capture.wl.stack_size", PARAM_SIZE, "16K", 4096, 1e9, NULL, "bytes", "stack a job uses" },
	{ "capture.wl.parent_size", PARAM_SIZE, "64K", 0, 1e9, NULL, "bytes",
	  "the parent's data, shared copy-on-write with each child until exec" },
	{ "capture.wl.cow_pages", PARAM_INT, "3", 0, 1e6, NULL, "pages",
	  "pages a child writes between fork and exec" },
	{ "capture.wl.random", PARAM_REAL, "0.02", 0, 1, NULL, "",
	  "share of data references random over the job's data" },
	{ "capture.wl.sequential", PARAM_REAL, "0.3", 0, 1, NULL, "",
	  "share of data references walking the job's data sequentially" },
	{ "capture.wl.shared", PARAM_REAL, "0", 0, 1, NULL, "",
	  "share of data references to the read-shared, file-mapped region" },
	{ "capture.wl.shared_size", PARAM_SIZE, "0", 0, 1e11, NULL, "bytes",
	  "read-shared region (a scene, a database table)" },
	{ "capture.wl.opens", PARAM_REAL, "16", 0, 1e9, NULL, "per job", "open calls per job" },
	{ "capture.wl.reads", PARAM_REAL, "17.5", 0, 1e9, NULL, "per job", "read calls per job" },
	{ "capture.wl.writes", PARAM_REAL, "38", 0, 1e9, NULL, "per job", "write calls per job" },
	{ "capture.wl.others", PARAM_REAL, "40", 0, 1e9, NULL, "per job", "other system calls per job" },
	{ "capture.wl.read_size", PARAM_SIZE, "2K", 32, 1e6, NULL, "bytes", "bytes per read" },
	{ "capture.wl.write_size", PARAM_SIZE, "1K", 32, 1e6, NULL, "bytes", "bytes per write" },
	{ "capture.wl.file_size", PARAM_SIZE, "64K", 4096, 1e10, NULL, "bytes", "a job's private input file" },
	{ "capture.wl.shared_file", PARAM_REAL, "0.6", 0, 1, NULL, "",
	  "share of reads to files every job reads (headers)" },
	{ "capture.wl.shared_file_size", PARAM_SIZE, "1M", 4096, 1e10, NULL, "bytes",
	  "the files every job reads" },
	{ "capture.wl.read_miss", PARAM_REAL, "0.05", 0, 1, NULL, "",
	  "chance that a block not in the model's buffer cache was not cached before the run either, and is read from disk" },
	{ "capture.wl.flush_writes", PARAM_INT, "64", 1, 1e9, NULL, "writes",
	  "writes between two pushes of a dirty buffer to disk" },
};

const struct param_table guest_os_param_table = { "capture.os", defs, sizeof defs / sizeof defs[0] };
