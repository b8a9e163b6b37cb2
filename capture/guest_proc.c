/*
 * The IRIX guest: processes (fork, exec, exit), user mode, scheduling and
 * the boot
 * (design notes: capture/guest_os.c).
 */
#include "capture/guest_int.h"

/* On an smp kernel a process moves between vCPUs; its records must run in
 * order in simulated time, so each hand-over of a slot is a semaphore of
 * its own (hand-over h of slot i: SEM_HANDOVER | i << 20 | h).  It is
 * signalled twice: when the process leaves the vCPU that ran it
 * (preempted, asleep, exited) and when it becomes runnable (preempted,
 * woken) or its slot free (exit).  The vCPU that takes it (or forks into
 * the slot again) waits for both, and hand-over h + 1 begins.  The engine
 * re-times them, and a take's wait may come sooner in a replay than in the
 * capture; with one count per slot it could then take another hand-over's
 * signals (a vCPU that takes back a process it let go, then lets it go
 * again: a third vCPU's take could pair with the first leave and run the
 * process before the second run was over).  A semaphore per hand-over
 * pairs each take with the leave and the wake-up just before it, so a
 * process never runs on a vCPU before its records on the last one are
 * done.
 *
 * A semaphore the engine has not seen counts 1 (a mutex, replay/engine.c),
 * so the take waits three times (the 1, the leave, the wake-up) and
 * signals once after: the semaphore is back at 1, which the engine
 * forgets, and a trace needs no marker per hand-over.  The number wraps
 * at 2^20 hand-overs of a slot, by which time its semaphore was long done
 * with. */
static uint32_t handover_sem(const struct gcpu *t, int i)
{
	return SEM_HANDOVER | (uint32_t)i << SEM_HANDOVER_BITS |
	       (t->k->p[i].handover & ((1u << SEM_HANDOVER_BITS) - 1));
}

void gos_proc_ready(struct gcpu *t, int i)
{
	if (t->k->ncpus > 1)
		push(t, TRC_SEM_SIGNAL, 0, 0, handover_sem(t, i), 0, 0);
}

/* The leave signals the same hand-over as the wake-up; the two names say
 * at each call which of the two it is. */
void gos_proc_out(struct gcpu *t, int i)
{
	gos_proc_ready(t, i);
}

/* Wait for slot i's hand-over (its leave and its wake-up), which is then
 * over. */
static void handover_wait(struct gcpu *t, int i)
{
	uint32_t sem = handover_sem(t, i);
	for (int n = 0; n < 3; n++)
		push(t, TRC_SEM_WAIT, 0, 0, sem, 0, 0);
	push(t, TRC_SEM_SIGNAL, 0, 0, sem, 0, 0);
	t->k->p[i].handover++;
}

static void proc_take(struct gcpu *t, int i)
{
	struct proc *p = &t->k->p[i];
	if (t->k->ncpus > 1 && p->on_cpu != t->me)
		handover_wait(t, i);
	p->on_cpu = t->me;
	p->last_cpu = t->me;
}

static void switch_to(struct gos *g, struct gcpu *t, int i)
{
	struct gkern *k = t->k;
	uint32_t asid = i < 0 ? 1 : k->p[i].asid;
	int old = t->cur;
	if (k->ncpus > 1 && old >= 0 && old != i && k->p[old].on_cpu == t->me) {
		k->p[old].on_cpu = -1;   /* preempted: another vCPU may take it */
		gos_proc_out(t, old);
		if (k->p[old].state == P_RUN)
			gos_proc_ready(t, old);
	}
	t->cur = i;
	if (asid == t->cur_asid) {
		if (i >= 0)
			proc_take(t, i);
		return;
	}
	gos_kentry(g, t, TRC_SVC_SCHED);
	gos_sched_path(g, t, old >= 0 && old != i && k->p[old].state == P_RUN ? old : -1, i);
	if (i >= 0)
		proc_take(t, i);
	push(t, TRC_ASID, 0, 0, asid, 0, 0);
	t->cur_asid = asid;
	gos_kexit(g, t, TRC_SVC_SCHED);
}

/* The parent forks job slot i: the child shares the parent's data pages
 * copy-on-write. */
static void fork_job(struct gos *g, struct gcpu *t, int i)
{
	struct proc *p = &t->k->p[i];
	switch_to(g, t, -1);
	if (t->k->ncpus > 1 && p->used)   /* the slot's last process has exited */
		handover_wait(t, i);
	p->used = 1;
	p->state = P_RUN;
	p->bin = (int)(t->job_no % g->nbin);
	p->file = (uint64_t)(t - g->c) * 100000 + t->job_no + 1;
	p->rng = gos_job_seed(g->seed, p->file);   /* the job's program, whatever the kernel does */
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
	gos_kentry(g, t, TRC_SVC_FORK);
	gos_kpath(g, t, TRC_SVC_FORK, g->path[TRC_SVC_FORK]);
	lock_acq(t, LOCK_MEM);
	if (g->fork)
		for (uint64_t k = 0; k < g->parent_pages && k < g->data_pages; k++) {
			gos_kpath(g, t, TRC_SVC_FORK, 20);
			p->data_gppn[k] = t->parent_gppn0 + k;
			gos_pfdat_use(t, p->data_gppn[k]);   /* dupreg: the page is shared once more */
			p->data_cow[k] = 1;
			gos_pt_need(g, t, p, data_vpn(g, k), TRC_SVC_FORK, 1);
			push(t, TRC_PTE_SET, 0, TRC_PROT_VALID, p->asid, data_vpn(g, k), p->data_gppn[k]);
		}
	lock_rel(t, LOCK_MEM);
	gos_kexit(g, t, TRC_SVC_FORK);
	/* the forking vCPU runs the child next: no hand-over.  (A signal here
	 * and the wait in proc_take would leave a moment in which another
	 * vCPU's wait for this slot, re-timed in a replay, could take the
	 * child first.) */
	p->on_cpu = t->me;
	p->last_cpu = t->me;
	switch_to(g, t, i);
	/* the child writes a few of the pages it shares before it execs */
	if (g->fork)
		for (uint64_t k = 0; k < g->cow_pages && k < g->parent_pages && k < g->data_pages; k++) {
			uint64_t kk = (k * 7) % (g->parent_pages < g->data_pages ? g->parent_pages : g->data_pages);
			gos_touch_data(g, t, p, kk, 1);
			push(t, TRC_STORE, 0, 8, 0, DATA_VA + (kk << g->pshift), 0);
		}
}

static void exit_job(struct gos *g, struct gcpu *t, struct proc *p)
{
	gos_kentry(g, t, TRC_SVC_EXIT);
	gos_kpath(g, t, TRC_SVC_EXIT, g->path[TRC_SVC_EXIT]);
	gos_unmap_all(g, t, p, TRC_SVC_EXIT);
	gos_kexit(g, t, TRC_SVC_EXIT);
	p->state = P_FREE;
	p->on_cpu = -1;
	gos_proc_out(t, (int)(p - t->k->p));
	gos_proc_ready(t, (int)(p - t->k->p));   /* the slot may be forked into again */
}

/* ---- user mode ---- */

/* One stretch of user code and its reference (user_step). */
static int user_refs(struct gos *g, struct gcpu *t, struct proc *p)
{
	uint64_t len = 1 + (uint64_t)(unif(&p->rng) * 2 * g->run_len), va, k;
	double u = unif(&p->rng);
	int store = (rnd(&p->rng) % 10) < 3;

	if (p->pc + len * 4 > p->func_end || unif(&p->rng) < g->func_switch) {
		/* function popularity is skewed: a few clusters take most calls */
		double u3 = unif(&p->rng);
		uint64_t c = g->hot[(uint64_t)p->bin * g->nhot + (uint64_t)(u3 * u3 * u3 * (double)g->nhot)];
		uint64_t off = (rnd(&p->rng) % ((g->cluster_pages << g->pshift) / 256)) * 256;
		p->pc = TEXT_VA + (c << g->pshift) + off;
		p->func_end = p->pc + 1024 + (rnd(&p->rng) % 16) * 128;
		if (p->func_end > TEXT_VA + (g->text_pages << g->pshift))
			p->func_end = TEXT_VA + (g->text_pages << g->pshift);
	}
	if ((p->pc & (g->psize - 1)) + len * 4 > g->psize)   /* runs stay in a page */
		len = (g->psize - (p->pc & (g->psize - 1))) / 4;
	k = (p->pc - TEXT_VA) >> g->pshift;
	if (!p->text_mapped[k] &&
	    gos_region_fault(g, t, p, (TEXT_VA >> g->pshift) + k,
			     g->text_gppn0 + (uint64_t)p->bin * g->text_pages + k, TRC_PROT_VALID,
			     &p->text_mapped[k]))
		return 1;
	if (!p->stretch_ran) {
		push(t, TRC_INSN, 0, 0, (uint32_t)len, p->pc, 0);
		t->insns += len;
		p->stretch_ran = 1;
	}
	p->pc += len * 4;

	if (u < g->p_shared) {
		/* a ray (a query) works on one spot of the region for a while,
		 * then moves on: to a skewed place (the top of a scene's
		 * hierarchy, a pool's hot pages) */
		uint64_t off;
		if ((rnd(&p->rng) & 63) == 0) {
			double u4 = unif(&p->rng);
			p->shared_spot = (uint64_t)(u4 * u4 * (double)((g->shared_pages << g->pshift) - 4096));
		}
		off = (p->shared_spot + rnd(&p->rng) % 4096) & ~7ull;
		k = off >> g->pshift;
		va = SHARED_VA + off;
		store = 0;
		if (!p->shared_mapped[k] &&
		    gos_region_fault(g, t, p, (SHARED_VA >> g->pshift) + k, g->shared_gppn0 + k,
				     TRC_PROT_VALID, &p->shared_mapped[k]))
			return 1;
	} else if (u < g->p_shared + g->p_random + g->p_seq) {
		uint64_t span = g->data_pages << g->pshift;
		if (u < g->p_shared + g->p_random) {
			double u2 = unif(&p->rng);   /* skewed towards the data's start */
			va = DATA_VA + ((uint64_t)(u2 * u2 * (double)span) & ~7ull);
		} else {
			p->cursor = (p->cursor + g->seq_stride) % span;
			va = DATA_VA + p->cursor;
		}
		gos_touch_data(g, t, p, (va - DATA_VA) >> g->pshift, store);
	} else {
		/* the frames: in page 0 below the stack pointer execve set, in
		 * the others from the page's top down */
		k = (rnd(&p->rng) % 16 == 0) ? rnd(&p->rng) % g->stack_pages : 0;
		va = stack_vpn(g, k) << g->pshift;
		va += (k ? g->psize : g->frame_off) - 8 - (rnd(&p->rng) % 64) * 8;
		if (!p->stack_gppn[k])
			p->stack_gppn[k] = gos_demand_zero(g, t, p, stack_vpn(g, k));
	}
	push(t, store ? TRC_STORE : TRC_LOAD, 0, 8, 0, va, 0);
	p->steps_left--;
	return 0;
}

/* One stretch of user code and its reference; 1 when a fault ends the
 * step before them.  The step is then taken back (its draws, where its
 * code is), as the faulting instruction restarts: the same stretch runs in
 * a later step however long the fault waits, and instructions that ran
 * before a faulting reference do not run again. */
static int user_step(struct gos *g, struct gcpu *t, struct proc *p)
{
	uint64_t rng = p->rng, pc = p->pc, func_end = p->func_end, spot = p->shared_spot;
	int rc = user_refs(g, t, p);
	if (rc) {
		p->rng = rng;
		p->pc = pc;
		p->func_end = func_end;
		p->shared_spot = spot;
	} else {
		p->stretch_ran = 0;
	}
	return rc;
}

/* ---- the per-CPU kernel: interrupts, scheduling, idle ---- */
/* The next process to run here, round robin from the current one; on an
 * smp kernel one not running elsewhere, preferring those that ran here last
 * (cache affinity).  -1: none. */
static int next_runnable(struct gos *g, struct gcpu *t)
{
	const struct gkern *k = t->k;
	int n = k->nproc;
	for (int pass = k->ncpus > 1 ? 0 : 1; pass < 2; pass++)
		for (int d = 1; d <= n; d++) {
			int i = ((t->cur < 0 ? -1 : t->cur) + d + n) % n;
			const struct proc *p = &k->p[i];
			if (p->state == P_RUN && (k->ncpus == 1 || p->on_cpu < 0 || p->on_cpu == t->me) &&
			    (pass == 1 || p->last_cpu == t->me))
				return i;
		}
	return -1;
}

/* Whether every vCPU of t's kernel has forked all its jobs and every
 * process has exited. */
static int kernel_done(const struct gos *g, const struct gcpu *t)
{
	const struct gkern *k = t->k;
	for (int i = 0; i < k->nproc; i++)
		if (k->p[i].state != P_FREE)
			return 0;
	for (int c = 0; c < k->ncpus; c++)
		if (g->c[k->cpu0 + c].jobs_left)
			return 0;
	return 1;
}

/* Whether a process sleeps on one of t's requests.  An smp kernel's idle
 * vCPU waits for a write-back only when no process can come to it. */
static int io_awaited(const struct gcpu *t)
{
	for (int j = 0; j < t->nio; j++)
		if (t->io[j].proc != -1)
			return 1;
	return 0;
}

/* One pass of the idle loop (capture.os.idle_poll instructions), after
 * which the run queue is looked at again.  The Disco-aware HAL tells the
 * monitor once per idle period, when the loop is entered (paper 4.3.3: the
 * reduced power mode, or "a monitor call inserted in the HAL's idle loop",
 * deschedules the vCPU until an interrupt is posted), not on every pass:
 * the passes that follow stand for the time the vCPU is descheduled, and
 * a process that becomes runnable meanwhile is taken at the next pass, as
 * if the vCPU were woken for it (the wake-up's cost is not modelled). */
static void idle_poll(struct gos *g, struct gcpu *t)
{
	push(t, TRC_IDLE_BEGIN, 0, 0, 0, 0, 0);
	if (g->hal_disco && !t->idle_told)
		push(t, TRC_MONCALL, 0, TRC_MC_IDLE, 0, 0, 0);
	t->idle_told = 1;
	for (uint64_t n = 0; n < g->idle_poll; n += 64) {
		uint64_t k = g->idle_poll - n < 64 ? g->idle_poll - n : 64;
		push(t, TRC_INSN, KF, 0, (uint32_t)k, KSEG0 + 0x2800, 0);
	}
	t->insns += g->idle_poll;
	push(t, TRC_IDLE_END, 0, 0, 0, 0, 0);
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
 * kernel's data; the VM's other vCPUs wait on a semaphore until the boot is
 * over.  (The buffer cache takes its pages as blocks come in.)  A phase marker ends it. */
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
	if (g->nfs && t->kvi == 0) {   /* the network driver's pages: kernel data */
		for (int i = 0; i < NMBUF; i++)
			push(t, TRC_PAGE_ALLOC, 0, TRC_CAT_KERNEL_DATA, 0, t->k->mbuf[i], 0);
		push(t, TRC_PAGE_ALLOC, 0, TRC_CAT_KERNEL_DATA, 0, t->k->hdr_gppn, 0);
	}
	for (uint64_t k = 0; k < g->parent_pages; k++)
		push(t, TRC_PAGE_ALLOC, 0, TRC_CAT_USER, 0, t->parent_gppn0 + k, 0);
	push(t, TRC_MARKER, 0, RPL_MARK_PHASE, 1, 0, 0);
}

void gos_step(struct gos *g, struct gcpu *t)
{
	struct gkern *k = t->k;
	struct proc *p;
	int i, idle_told = t->idle_told;

	t->idle_told = 0;   /* anything but another idle pass ends the idle period */

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
	if (t->cur >= 0 && k->p[t->cur].qf_pending && (k->ncpus == 1 || k->p[t->cur].on_cpu == t->me)) {
		/* no interrupt inside the fault (on an smp kernel of several
		 * vCPUs t->cur may have moved on to another since it last ran
		 * here; on one vCPU it is here, even when a read it slept in
		 * left on_cpu unset) */
		gos_region_fault_end(g, t, &k->p[t->cur]);
		return;
	}
	if (gos_nfs_pending(g, t)) {   /* the NFS server takes a call first */
		gos_nfs_serve(g, t);
		return;
	}
	if (t->insns >= t->next_tick) {
		gos_clock_intr(g, t);
		if (t->insns >= t->quantum_end) {   /* the quantum is over: round robin */
			t->quantum_end = t->insns + 3 * g->tick_insns;
			i = next_runnable(g, t);
			if (i >= 0 && i != t->cur)
				switch_to(g, t, i);
		}
		return;
	}
	/* start jobs while its slots are free */
	for (i = t->kvi * g->parallel; i < (t->kvi + 1) * g->parallel && t->jobs_left; i++)
		if (k->p[i].state == P_FREE) {
			fork_job(g, t, i);
			return;
		}
	if (t->cur < 0 || k->p[t->cur].state != P_RUN || (k->ncpus > 1 && k->p[t->cur].on_cpu != t->me)) {
		i = next_runnable(g, t);
		if (i >= 0) {
			switch_to(g, t, i);
			return;
		}
		if (t->nio && (k->ncpus == 1 || io_awaited(t) || kernel_done(g, t))) {
			/* nothing can run: the idle loop waits for the oldest
			 * request (the monitor told unless it was already) */
			push(t, TRC_IDLE_BEGIN, 0, 0, 0, 0, 0);
			if (g->hal_disco && !idle_told)
				push(t, TRC_MONCALL, 0, TRC_MC_IDLE, 0, 0, 0);
			push(t, TRC_IDLE_END, 0, 0, 0, 0, 0);
			/* the oldest request a process sleeps on, else the oldest */
			i = 0;
			for (int j = t->nio - 1; j >= 0; j--)
				if (t->io[j].proc != -1 && (t->io[i].proc == -1 || t->io[j].id < t->io[i].id))
					i = j;
			gos_disk_intr(g, t, i);
			return;
		}
		if ((k->ncpus > 1 && !kernel_done(g, t)) || gos_nfs_serving(g, t)) {
			t->idle_told = idle_told;
			idle_poll(g, t);   /* the others' processes, or calls, may come to it */
			return;
		}
		t->done = 1;
		return;
	}
	p = &k->p[t->cur];
	if (!p->exec_done) {
		gos_execve(g, t, p);
		return;
	}
	if (p->steps_left == 0) {
		exit_job(g, t, p);
		return;
	}
	if (p->to_syscall == 0) {
		uint64_t left = p->opens + p->reads + p->writes + p->others;
		uint64_t r = left ? rnd(&p->rng) % left : 0;
		p->to_syscall = 1 + p->steps_left / (left + 1);
		if (!left)
			p->to_syscall = p->steps_left + 1;
		else if (r < p->opens) {
			p->opens--;
			gos_sys_open(g, t, p);
		} else if ((r -= p->opens) < p->reads) {
			p->reads--;
			gos_sys_read(g, t, p);
		} else if ((r -= p->reads) < p->writes) {
			p->writes--;
			gos_sys_write(g, t, p);
		} else {
			p->others--;
			gos_sys_other(g, t, p);
		}
		return;
	}
	for (int n = 0; n < 64 && p->steps_left && t->insns < t->next_tick && p->to_syscall > 0; n++) {
		if (user_step(g, t, p))
			return;
		p->to_syscall--;
	}
}
