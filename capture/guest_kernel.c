/*
 * The IRIX guest: the common kernel entry and exit paths, privileged
 * register accesses, TLB writes, the clock and disk interrupts
 * (design notes: capture/guest_os.c).
 */
#include "capture/guest_int.h"

/* n kernel instructions of service svc's code, with its kernel data
 * references (capture.os.kref per instruction) spread over them. */
void gos_kpath(struct gos *g, struct gcpu *t, unsigned svc, uint64_t n)
{
	uint64_t text = g->ktext_pages << g->pshift;
	/* a service's code: loops over an 8 KB stretch of its own text */
	uint64_t base = KSEG0 + ((uint64_t)svc * 0x6000) % (text - 0x2000);
	uint64_t off = (rnd(&t->krng) % 8) * 0x400;
	uint64_t data0 = g->ktext_pages << g->pshift;
	uint64_t dsize = (g->kdata_pages - 1) << g->pshift;
	/* A service's references: 65% to its own static structures (32 KB it
	 * favours), 30% to the three objects this stretch works on (256
	 * bytes each), 5% anywhere in the kernel's data.  A kernel without
	 * tables (the SPLASH guests' own) has its objects anywhere in its
	 * data, so on pages of their own. */
	uint64_t own = data0 + ((uint64_t)svc * 0x9000) % (dsize - 0x8000);
	uint64_t obj[3];
	for (int i = 0; i < 3; i++)
		obj[i] = data0 + (rnd(&t->krng) % (dsize - 256) & ~255ull);
	if (t->k && t->k->proc_va) {
		/* IRIX's tables (make_kernels, guest_os.c): the objects are the
		 * kernel's own entries, at their addresses, on a kernel of its
		 * own per vCPU as on one shared by its vCPUs (where they move
		 * between the caches of the CPUs that use them, the review's
		 * B3).  The running process's proc entry (the parent's when
		 * none runs); the vnode the service works on, if any; a heap
		 * object as above but in the data after the tables (a
		 * kern_malloc'd buffer, a file-table entry: what IRIX allocates
		 * as it goes).  The pfdat entries of the pages a service
		 * allocates, frees, finds or maps are references of their own
		 * (guest_mem.c).  The static structures lie after the
		 * kernel's tables. */
		const struct gkern *k = t->k;
		uint64_t slot = t->cur >= 0 ? (uint64_t)t->cur : (uint64_t)(k->nproc + t->kvi);
		uint64_t sbase = k->static_va - KSEG0, ssize = data0 + dsize - sbase;
		own = sbase + ((uint64_t)svc * 0x9000) % (ssize - 0x8000);
		obj[0] = k->proc_va - KSEG0 + slot * KOBJ;
		/* the heap objects are drawn again from the data after the
		 * tables (the draws above keep the stream's sequence) */
		obj[1] = sbase + ((obj[1] - data0) % (ssize - 256) & ~255ull);
		obj[2] = sbase + ((obj[2] - data0) % (ssize - 256) & ~255ull);
		if (t->vnode)
			obj[1] = t->vnode - KSEG0;
	}
	while (n > 0) {
		uint64_t k = n < 8 ? n : 8;
		push(t, TRC_INSN, KF, 0, (uint32_t)k, base + off, 0);
		off = (off + k * 4) & 0x1fff;
		t->insns += k;
		n -= k;
		if (unif(&t->krng) < g->kref * 8) {
			double w = unif(&t->krng);
			uint64_t a = w < 0.65 ? own + (rnd(&t->krng) % 0x8000)
				   : w < 0.95 ? obj[rnd(&t->krng) % 3] + rnd(&t->krng) % 256
					      : data0 + rnd(&t->krng) % dsize;
			push(t, (rnd(&t->krng) & 3) ? TRC_LOAD : TRC_STORE, KF, 8, 0, KSEG0 + (a & ~7ull), 0);
		}
	}
}

/* The scheduler's run-queue work under the run queue's lock: taking the
 * next process off its queue and putting the preempted one on (two list
 * operations on a priority-indexed queue; assumed, as the 40 instructions
 * of DEMAND-ZERO's allocation under memlock are).  The run queue's head
 * lies after the page-hash buckets among the lock words. */
#define RUNQ_INSNS 40
#define RUNQ_HEAD 3072

/* The run-queue work's references: the queue's head, the proc entry of
 * the process queued (out) and of the one taken off (in), -1: none. */
static void runq_work(struct gcpu *t, int out, int in)
{
	const struct gkern *k = t->k;
	if (k->tab_va) {
		push(t, TRC_LOAD, KF, 8, 0, k->tab_va + RUNQ_HEAD, 0);
		push(t, TRC_STORE, KF, 8, 0, k->tab_va + RUNQ_HEAD, 0);
	}
	if (k->proc_va && out >= 0)
		push(t, TRC_STORE, KF, 8, 0, k->proc_va + (uint64_t)out * KOBJ, 0);
	if (k->proc_va && in >= 0) {
		push(t, TRC_LOAD, KF, 8, 0, k->proc_va + (uint64_t)in * KOBJ, 0);
		push(t, TRC_STORE, KF, 8, 0, k->proc_va + (uint64_t)in * KOBJ, 0);
	}
}

void gos_sched_path(struct gos *g, struct gcpu *t, int out, int in)
{
	const struct gkern *k = t->k;
	uint64_t n = g->path[TRC_SVC_SCHED], q = n < RUNQ_INSNS ? n : RUNQ_INSNS;
	if (!k->smp) {
		/* a kernel of its own per vCPU: the lock is its own, and the
		 * queue work (the queue's head, the two proc entries) is done
		 * within capture.os.path.sched's instructions */
		lock_acq(t, LOCK_RUNQ);
		runq_work(t, out, in);
		gos_kpath(g, t, TRC_SVC_SCHED, n);
		lock_rel(t, LOCK_RUNQ);
		return;
	}
	/* One kernel shared by its vCPUs: the run queue's lock protects the
	 * queue, so swtch holds it while it dequeues the next process and
	 * queues the one it preempts (the queue work of the System V
	 * scheduler, Bach 1986, chapter 8) and drops it before the rest of
	 * the switch (saving and restoring state, the new address space),
	 * which touches nothing another CPU's scheduler shares.  IRIX 5.3's
	 * own swtch is not in our sources; the paper names memlock, not the
	 * run queue, as its bottleneck (5.4).  The queue's head and the proc
	 * entries' links move between the CPUs' caches under the lock. */
	lock_acq(t, LOCK_RUNQ);
	runq_work(t, out, in);
	gos_kpath(g, t, TRC_SVC_SCHED, q);
	lock_rel(t, LOCK_RUNQ);
	gos_kpath(g, t, TRC_SVC_SCHED, n - q);
}

/* Privileged register access: an instruction, or with the Disco-aware HAL a
 * load or store to the special page (paper 4.3.3). */
void gos_reg_access(struct gos *g, struct gcpu *t, unsigned kind, unsigned reg)
{
	if (g->hal_disco)
		push(t, kind == TRC_PRIV_MFC0 ? TRC_LOAD : TRC_STORE, KF, 8, 0,
		     KSEG0 + g->special_gpa + reg * 8, 0);
	else
		push(t, TRC_PRIV, 0, kind, 0, 0, 0);
}

/* A TLB write: EntryHi, EntryLo0 and EntryLo1 are loaded with mtc0 first
 * (the Disco-aware HAL keeps these as instructions: they are TLB state the
 * monitor reads at the write), then tlbwr or tlbwi, naming the entry when
 * it is a page's translation. */
void gos_tlb_write(struct gcpu *t, unsigned kind, int entry, uint32_t asid, uint64_t vpn)
{
	for (int i = 0; i < 3; i++)
		push(t, TRC_PRIV, 0, TRC_PRIV_MTC0, 0, 0, 0);
	if (entry)
		push(t, TRC_PRIV, TRC_F_ENTRY, kind, asid, vpn, 0);
	else
		push(t, TRC_PRIV, 0, kind, 0, 0, 0);
}

/* The common kernel entry: save state, read cause/status/EPC, and on IRIX
 * 5.3 swap the wired TLB entry to its kernel use (paper 5.2). */
void gos_kentry(struct gos *g, struct gcpu *t, unsigned svc)
{
	push(t, TRC_SVC_BEGIN, 0, svc, 0, 0, 0);
	gos_reg_access(g, t, TRC_PRIV_MFC0, 0);   /* cause */
	gos_reg_access(g, t, TRC_PRIV_MFC0, 1);   /* status */
	gos_reg_access(g, t, TRC_PRIV_MFC0, 2);   /* EPC */
	gos_reg_access(g, t, TRC_PRIV_MTC0, 1);   /* status: kernel mode, interrupts */
	if (g->irix53)
		gos_tlb_write(t, TRC_PRIV_TLBWI, 0, 0, 0);   /* the wired entry: not a page the trace maps */
	gos_kpath(g, t, 0, g->entry_insns / 2);
}

void gos_kexit(struct gos *g, struct gcpu *t, unsigned svc)
{
	t->vnode = 0;
	gos_kpath(g, t, 0, g->entry_insns - g->entry_insns / 2);
	if (g->irix53)
		gos_tlb_write(t, TRC_PRIV_TLBWI, 0, 0, 0);
	gos_reg_access(g, t, TRC_PRIV_MTC0, 2);   /* EPC */
	gos_reg_access(g, t, TRC_PRIV_MTC0, 1);   /* status: user mode */
	push(t, TRC_PRIV, 0, TRC_PRIV_ERET, 0, 0, 0);
	push(t, TRC_SVC_END, 0, svc, 0, 0, 0);
}

/* Request io is over: the process that slept on it runs again, and the
 * page of a buffer it replaced goes back to the free pages. */
static void io_over(struct gos *g, struct gcpu *t, const struct io *io)
{
	gos_bc_io_done(g, t, io);
	if (io->proc >= 0 && t->k->p[io->proc].state == P_IOWAIT) {
		t->k->p[io->proc].state = P_RUN;   /* the read's copy is redone when it runs again */
		gos_proc_ready(t, io->proc);
	}
}

void gos_interrupt(void *st, uint32_t s, uint32_t id)
{
	struct gos *g = st;
	struct gcpu *t = &g->c[s];
	for (int j = 0; j < t->nio; j++)
		if (t->io[j].async && t->io[j].id == id) {
			struct io io = t->io[j];
			t->io[j] = t->io[--t->nio];
			io_over(g, t, &io);
			return;
		}
	/* already waited for (RPL_MARK_INTR_WAIT): nothing left to do */
}

void gos_disk_intr(struct gos *g, struct gcpu *t, int j)
{
	struct io io = t->io[j];
	t->io[j] = t->io[--t->nio];
	if (io.async) {   /* its interrupt comes from the engine: wait for it */
		push(t, TRC_MARKER, 0, RPL_MARK_INTR_WAIT, io.id, 0, 0);
		io_over(g, t, &io);
		return;
	}
	if (io.net) {   /* an NFS call's reply */
		gos_nfs_reply(g, t, io);
		gos_bc_io_done(g, t, &io);
		return;
	}
	uint64_t vnode = t->vnode;   /* perhaps taken inside a service: its vnode is kept */
	t->vnode = 0;
	gos_kentry(g, t, TRC_SVC_DISK_INTR);
	push(t, TRC_DMA_DONE, 0, 0, io.id, 0, 0);
	gos_kpath(g, t, TRC_SVC_DISK_INTR, g->path[TRC_SVC_DISK_INTR]);
	if (io.proc != IO_NFSD)
		gos_bc_io_done(g, t, &io);
	gos_kexit(g, t, TRC_SVC_DISK_INTR);
	t->vnode = vnode;
	if (io.proc == IO_NFSD) {
		gos_nfs_done(g, t, io);   /* its reply sends the page first */
		gos_bc_io_done(g, t, &io);
	}
	if (io.proc >= 0 && t->k->p[io.proc].state == P_IOWAIT) {
		t->k->p[io.proc].state = P_RUN;   /* the read's copy is redone when it runs again */
		gos_proc_ready(t, io.proc);
	}
}

void gos_disk_intr_handler(struct gos *g, struct gcpu *t, uint32_t id)
{
	gos_kentry(g, t, TRC_SVC_DISK_INTR);
	push(t, TRC_DMA_DONE, 0, 0, id, 0, 0);
	gos_kpath(g, t, TRC_SVC_DISK_INTR, g->path[TRC_SVC_DISK_INTR]);
	gos_kexit(g, t, TRC_SVC_DISK_INTR);
}

void gos_clock_intr(struct gos *g, struct gcpu *t)
{
	t->tick_no++;
	t->next_tick = t->insns + g->tick_insns;
	gos_kentry(g, t, TRC_SVC_CLOCK_INTR);
	gos_kpath(g, t, TRC_SVC_CLOCK_INTR, g->path[TRC_SVC_CLOCK_INTR]);
	gos_kexit(g, t, TRC_SVC_CLOCK_INTR);
	/* completions a process sleeps on are taken io_ticks after the
	 * request; a pushed dirty buffer's only when the CPU has nothing else
	 * to do (or much later), so a busy CPU never waits for a write */
	for (int j = 0; j < t->nio;)
		if (!t->io[j].async &&
		    t->tick_no >= t->io[j].tick + g->io_ticks * (t->io[j].proc != -1 ? 1 : 50))
			gos_disk_intr(g, t, j);
		else
			j++;
}
