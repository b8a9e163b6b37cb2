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
 *   (5) How the kernel is modelled never changes what the workload does.
 *       Each job draws its program's choices (its references, its system
 *       calls, their files and buffers, the pages a shortened job finds
 *       resident) from a stream of its own, seeded by capture.seed and the
 *       job (gos_job_seed); the kernel draws its own (its paths'
 *       references, the directories namei walks, whether a block is cached
 *       from before the run) from each vCPU's (gos_kernel_seed).  So a
 *       longer path, an extra fault or another interleaving of the jobs
 *       leaves every job's user references as they were.
 *
 * Memory layout (guest physical pages, bottom up): kernel text, kernel data
 * (its last page is the HAL's special page), the binaries' text, the
 * read-shared region, then per vCPU a page pool (the parent's pages, then
 * the free pages, from which the processes, their page tables and the
 * buffer cache take theirs); the engine's page-table pool is at the top,
 * used only for what no RPL_MARK_PT_PAGE marker covers (the parent
 * context's mappings).  A process's page-table pages, one per segment
 * when it first needs one, come as pmap's do from IRIX's page-table pool,
 * or zeroed from the free pages when the pool has none of the segment's
 * colour, and go back to the pool (or the free pages) at exec (the old
 * image's) and exit (gos_pt_need, guest_mem.c).  The kernel runs in
 * KSEG0.
 *
 * The buffer cache holds at most capture.os.bufcache_size per vCPU (an
 * input: IRIX 5.3's buffer cache is sized when the kernel is configured).
 * A block that comes in takes a page from the free pages; a block replaced
 * (the slot's clock hand) returns its page, once a write-back or read
 * using it is over, with the page-freed hint under the Disco-aware HAL.
 * Blocks assumed cached from before the run (directories, binaries'
 * headers, a read that hits) are marked RPL_MARK_WARM_PAGE: their page was
 * filled in the part not run.
 *
 * Blocking I/O: a read that misses the buffer cache issues DMA_REQ and the
 * process sleeps.  With capture.os.completions = interrupt (the default)
 * the request is followed by its completion interrupt's handler (DISK-INTR
 * with DMA_DONE) under a RPL_MARK_INTR marker: the engine runs it when the
 * disk is done, wherever the CPU is, and tells the guest (gos_interrupt),
 * which wakes the process and frees a replaced buffer's page.  A CPU with
 * nothing to run, or that must wait for a request (too many in flight, a
 * buffer lock to take), waits with RPL_MARK_INTR_WAIT.  With tick, the
 * completion (DISK-INTR with DMA_DONE) is taken at the
 * capture.os.io_ticks-th clock tick after the request, or at once by the
 * idle loop when nothing else can run, and the engine makes the wait as
 * long as the disk model says; a pushed dirty buffer's completion is taken
 * only when the CPU is idle (or 50 times later), so that a busy CPU never
 * waits for a write.  The NFS server's disk requests and NFS replies are
 * taken at ticks in both.
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
 * Files: guest_int.h (the state and the record queue), guest_kernel.c
 * (kernel entry and exit, TLB writes, interrupts), guest_mem.c (pages,
 * faults), guest_file.c (buffer cache, disks, file system calls),
 * guest_exec.c (execve, step by step as IRIX's), guest_proc.c (processes,
 * user mode, scheduling, the boot), and this one
 * (creation from the parameters, the record source).
 *
 * State per job (struct proc) and per vCPU (struct gcpu); records of one
 * step go to a pending queue (grown by doubling, never per record) that
 * gos_generate drains.  gos_step() is the whole state machine:
 *   no job yet         -> fork_job (parent's FORK, the child's COW faults)
 *   forked, not exec'd -> execve
 *   running            -> user_step runs | a system call | exit_job
 *   tick due           -> clock_intr (disk completions, round robin)
 *   nothing runnable   -> idle loop + disk_intr, or the stream's end
 */
#include <stdio.h>
#include <string.h>

#include "base/params.h"

#include "capture/guest_int.h"
#include "capture/guest_os.h"

static int gos_generate(void *st, uint32_t s, struct trc_rec *buf, size_t max, size_t *n,
			struct sim_err *err)
{
	struct gos *g = st;
	struct gcpu *t = &g->c[s];
	size_t k = 0;

	while (k < max) {
		if (t->ipend < t->npend) {
			k += pend_take(t, buf + k, max - k);
			continue;
		}
		t->npend = t->ipend = 0;
		if (t->done)
			break;
		/* an smp kernel's vCPUs share state, and so do an NFS server
		 * and its clients: a step at a time, so that the engine asks
		 * for the next one at its simulated time */
		if (k > 0 && (t->k->ncpus > 1 || g->nfs))
			break;
		gos_step(g, t);
		if (t->oom == GCPU_NO_MEMORY)
			return sim_errf(err, SIM_ENOMEM, "out of memory in the IRIX guest");
		if (t->oom == GCPU_NO_GUEST_PAGES)
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
	for (int i = 0; g->kern && i < g->nkern; i++) {
		struct gkern *k = &g->kern[i];
		for (int j = 0; k->p && j < k->nproc; j++) {
			sim_free(k->p[j].text_mapped);
			sim_free(k->p[j].data_gppn);
			sim_free(k->p[j].data_cow);
			sim_free(k->p[j].stack_gppn);
			sim_free(k->p[j].shared_mapped);
		}
		sim_free(k->p);
		sim_free(k->bc_tag);
		sim_free(k->bc_page);
		sim_free(k->bc_dirty);
		sim_free(k->free_pages);
		sim_free(k->region_holder);
	}
	for (int i = 0; g->c && i < g->n; i++)
		sim_free(g->c[i].pend);
	sim_free(g->kern);
	sim_free(g->c);
	sim_free(g->vm_pages);
	sim_free(g->vm_pool);
	sim_free(g->q);
	sim_free(g->hot);
	sim_free(g);
}

static uint64_t pages_of(const struct gos *g, const cfg *c, const char *name)
{
	uint64_t b = (uint64_t)cfg_int(c, name);
	return (b + g->psize - 1) >> g->pshift;
}

/* The buffer cache of a kernel of `per` vCPUs in VM vm: capture.os.bufcache_size
 * per vCPU; a VM given its own memory size (vm.mem.sizes) gets it in
 * proportion to its memory against an equal share of the machine
 * (assumed: IRIX sizes its buffer cache from physical memory). */
static uint64_t kern_bc(const struct gos *g, int vm, int per)
{
	uint64_t b = g->bc_blocks * (uint64_t)per;
	return g->sizes_given ? b * g->vm_pages[vm] / g->vm_share : b;
}

/* The kernels: one per vCPU, each in its own stretch of the VM's page pool
 * (the parent's pages, then free pages, from which the buffer cache and the
 * processes take theirs); or, smp, one per VM over the VM's whole pool
 * (every parent's pages, then the free pages). */
static int make_kernels(struct gos *g, uint64_t pool0, struct sim_err *err)
{
	int per = g->smp ? g->per_vm : 1;
	g->nkern = g->n / per;
	g->kern = sim_calloc((size_t)g->nkern, sizeof *g->kern);
	if (!g->kern)
		goto nomem;
	for (int ki = 0; ki < g->nkern; ki++) {
		struct gkern *k = &g->kern[ki];
		int vm = ki * per / g->per_vm;
		uint64_t guest_pages = g->vm_pages[vm], pool = g->vm_pool[vm];
		uint64_t base = pool0 + (uint64_t)(ki * per % g->per_vm) * pool;
		uint64_t free0;
		k->ncpus = per;
		k->cpu0 = ki * per;
		k->nproc = g->parallel * per;
		k->bc_blocks = kern_bc(g, vm, per);
		free0 = base + (uint64_t)per * g->parent_pages;
		/* The kernel's data, on either kind of kernel: IRIX's tables
		 * at fixed places, as a System V kernel allocates them at boot
		 * (Bach 1986, chapters 3, 4, 6 and 9: the buffer headers, the
		 * in-core inode table, the proc table, the page frame data
		 * table, one entry a physical page).  A page of lock words,
		 * the page-hash buckets (256 at +1024) and the run queue's
		 * head (+3072); the page frame table (the free
		 * list's head, then 32 bytes a guest page: IRIX 6.5's pfdat,
		 * irix/kern/sys/pfdat.h, is 36 bytes on a 32-bit kernel, two of
		 * its nine words the reverse map IRIX 5.3's lacks; 32 assumed);
		 * the proc table (the slots, then each vCPU's parent), the
		 * vnodes (VN_*, then one per slot), the buffer headers (one a
		 * buffer-cache slot), and the static structures: at least 64
		 * KB of them.  Only an smp kernel's locks carry their lock
		 * words (lock_va). */
		k->smp = g->smp;
		k->tab_va = KSEG0 + (g->ktext_pages << g->pshift);
		k->lock_va = g->smp ? k->tab_va : 0;
		k->pfdat_va = k->tab_va + 4096;
		k->proc_va = (k->pfdat_va + 128 + guest_pages * 32 + KOBJ - 1) & ~(uint64_t)(KOBJ - 1);
		k->vnode_va = k->proc_va + (uint64_t)(k->nproc + per) * KOBJ;
		k->buf_va = k->vnode_va + (VN_BIN + g->nbin + (uint64_t)k->nproc) * KOBJ;
		k->static_va = k->buf_va + k->bc_blocks * BUF_HDR;
		if (k->static_va + 0x10000 - k->tab_va > (g->kdata_pages - 1) << g->pshift)
			return sim_errf(err, SIM_EINVAL, "capture.os.kdata_size is too small for the "
					"page frame table of %llu pages (32 bytes each), the locks, "
					"the proc table, the vnodes and %llu buffer headers",
					(unsigned long long)guest_pages, (unsigned long long)k->bc_blocks);
		/* IRIX 6.5's ptpool_init: no pool with less than 32 MB of
		 * memory; else min(pages / 1024 / colours, 4) pages a colour,
		 * at least 2 on 16 KB pages */
		if (g->ptpool && guest_pages >= (32ull << 20) >> g->pshift) {
			uint64_t m = guest_pages / 1024 / g->ptpool_colors;
			if (m > PTPOOL_MAX)
				m = PTPOOL_MAX;
			if (g->psize == 16384 && m < 2)
				m = 2;
			k->ptp_max = (int)m;
		}
		if (g->smp && !(k->region_holder = sim_calloc((size_t)g->nbin + 1, sizeof(int))))
			goto nomem;
		k->p = sim_calloc((size_t)k->nproc, sizeof *k->p);
		k->bc_tag = sim_calloc((size_t)k->bc_blocks, sizeof *k->bc_tag);
		k->bc_page = sim_calloc((size_t)k->bc_blocks, sizeof *k->bc_page);
		k->bc_dirty = sim_calloc((size_t)k->bc_blocks, 1);
		k->free_pages = sim_malloc((size_t)(pool * (uint64_t)per) * sizeof *k->free_pages);
		if (!k->p || !k->bc_tag || !k->bc_page || !k->bc_dirty || !k->free_pages)
			goto nomem;
		/* free pages, lowest on top */
		for (uint64_t q = base + pool * (uint64_t)per; q-- > free0;)
			k->free_pages[k->nfree++] = q;
		if (g->nfs) {   /* the network driver's pages, kept for good */
			for (int i = 0; i < NMBUF; i++)
				k->mbuf[i] = k->free_pages[--k->nfree];
			k->hdr_gppn = k->free_pages[--k->nfree];
		}
		for (int c = 0; c < per; c++) {
			struct gcpu *t = &g->c[k->cpu0 + c];
			t->k = k;
			t->kvi = c;
			t->parent_gppn0 = base + (uint64_t)c * g->parent_pages;
		}
		for (int j = 0; j < k->nproc; j++) {
			struct proc *p = &k->p[j];
			/* slot j belongs to the kernel's vCPU j / parallel, which forks into it */
			p->asid = (uint32_t)((k->cpu0 + j / g->parallel) * 32 + j % g->parallel + 2);
			p->on_cpu = p->last_cpu = -1;
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
	return SIM_OK;
nomem:
	return sim_errf(err, SIM_ENOMEM, "out of memory creating the IRIX guest");
}

/* The kernel: its personality, the machine it runs on and its paths
 * (capture.os.*, machine.*). */
static int read_os(struct gos *g, const cfg *c, struct sim_err *err)
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
	g->n = (int)cfg_int(c, "capture.cpus");
	g->nvms = (int)cfg_int(c, "capture.vms");
	g->boot = (int)cfg_int(c, "capture.os.boot");
	g->nfs = !strcmp(cfg_str(c, "capture.os.disks"), "nfs");
	g->disks_per_copy = g->nfs || !strcmp(cfg_str(c, "capture.os.disks"), "per-copy");
	g->mbuf_fixed = (int)cfg_int(c, "capture.os.nfs.mbuf_fixed");
	g->nfsd = (int)cfg_int(c, "capture.os.nfs.nfsd");
	g->nfs_path = (uint64_t)cfg_int(c, "capture.os.path.nfs");
	g->nfsd_path = (uint64_t)cfg_int(c, "capture.os.path.nfsd");
	g->net_intr_path = (uint64_t)cfg_int(c, "capture.os.path.net_intr");
	g->smp = !strcmp(cfg_str(c, "capture.os.kernel"), "smp");
	g->idle_poll = (uint64_t)cfg_int(c, "capture.os.idle_poll");
	g->ndisks = (int)cfg_int(c, "machine.disks");
	if (g->nvms < 1 || g->n % g->nvms)
		return sim_errf(err, SIM_EINVAL, "capture.vms = %d does not divide capture.cpus = %d: "
				"every VM gets the same number of vCPUs", g->nvms, g->n);
	g->per_vm = g->n / g->nvms;
	if (g->nfs && (g->nvms < 2 || g->per_vm != 1))
		return sim_errf(err, SIM_EINVAL, "capture.os.disks = nfs needs a server VM and a client, "
				"one vCPU each (capture.vms = capture.cpus >= 2)");
	if (g->disks_per_copy && g->ndisks < 2)
		return sim_errf(err, SIM_EINVAL, "capture.os.disks = per-copy needs a root disk and "
				"another (machine.disks >= 2)");
	g->irix53 = strcmp(cfg_str(c, "capture.os"), "irix53") == 0;
	g->async_io = strcmp(cfg_str(c, "capture.os.completions"), "interrupt") == 0;
	g->hal_disco = strcmp(cfg_str(c, "capture.hal"), "disco") == 0;
	g->psize = (uint64_t)cfg_int(c, "machine.page_size");
	g->pshift = (unsigned)__builtin_ctzll(g->psize);
	/* the page-table pool's colours: IRIX's cachecolormask + 1, the pages
	 * of a way of the virtually indexed primary data cache (assumed from
	 * the R4000 and R10000 caches; 1 when a page spans the way) */
	g->ptpool = (int)cfg_int(c, "capture.os.ptpool");
	g->ptpool_colors = (uint64_t)cfg_int(c, "machine.l1d.size") / (uint64_t)cfg_int(c, "machine.l1d.ways") /
			   g->psize;
	if (g->ptpool_colors < 1)
		g->ptpool_colors = 1;
	if (g->ptpool_colors > PTPOOL_COLORS || (g->ptpool_colors & (g->ptpool_colors - 1)))
		return sim_errf(err, SIM_EINVAL, "capture.os.ptpool: the L1 data cache's way (machine.l1d.size "
				"over machine.l1d.ways) must hold a power of two of pages, at most %d",
				PTPOOL_COLORS);
	if (g->psize != (g->irix53 ? 4096u : 16384u))
		return sim_errf(err, SIM_EINVAL,
				"capture.os = %s uses %s pages but machine.page_size is %llu "
				"(disco capture --os sets both)", cfg_str(c, "capture.os"),
				g->irix53 ? "4K" : "16K", (unsigned long long)g->psize);
	g->tick_insns = (uint64_t)(cfg_real(c, "capture.os.tick_ms") * 1000.0 *
				   cfg_real(c, "machine.clock_mhz"));
	g->io_ticks = (uint64_t)cfg_int(c, "capture.os.io_ticks");
	g->ktext_pages = pages_of(g, c, "capture.os.ktext_size");
	g->kdata_pages = pages_of(g, c, "capture.os.kdata_size");
	g->special_gpa = (g->ktext_pages + g->kdata_pages - 1) << g->pshift;
	g->entry_insns = (uint64_t)cfg_int(c, "capture.os.path.entry");
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		char name62[64];
		g->path[paths[i].svc] = (uint64_t)cfg_int(c, paths[i].name);
		/* IRIX 6.2's own length where Table 2 gives it one */
		snprintf(name62, sizeof name62, "capture.os.irix62.%s",
			 paths[i].name + sizeof "capture.os." - 1);
		if (!g->irix53 && cfg_has(c, name62))
			g->path[paths[i].svc] = (uint64_t)cfg_int(c, name62);
	}
	g->kref = cfg_real(c, "capture.os.kref");
	return SIM_OK;
}

/* The workload (capture.wl.*), with the floors and caps that keep it
 * meaningful (at least one page of each kind, reads within a page). */
/* The page-table segments (RPL_PTES(page size) pages each) that n pages
 * from VPN v span. */
static uint64_t segments(const struct gos *g, uint64_t v, uint64_t n)
{
	uint64_t per = RPL_PTES(g->psize);
	return n ? (v + n - 1) / per - v / per + 1 : 0;
}

static int read_workload(struct gos *g, const cfg *c, struct sim_err *err)
{
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
	g->seq_stride = (uint64_t)cfg_int(c, "capture.wl.seq_stride") & ~7ull;
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
	if (g->p_shared + g->p_random + g->p_seq > 1.0)
		return sim_errf(err, SIM_EINVAL, "capture.wl.shared + random + sequential must not exceed 1");
	if (g->shared_pages == 0)
		g->p_shared = 0, g->shared_pages = 1;
	if (g->stack_pages == 0)
		g->stack_pages = 1;
	gos_exec_layout(g);
	{
		/* a process's page-table pages (gos_pt_need): one per segment
		 * its text, data, read-shared region and stack span */
		uint64_t top = STACK_TOP >> g->pshift, low = top - g->stack_pages - EXEC_XPAGES;
		uint64_t n = segments(g, TEXT_VA >> g->pshift, g->text_pages) +
			     segments(g, DATA_VA >> g->pshift, g->data_pages) +
			     segments(g, SHARED_VA >> g->pshift, g->shared_pages) +
			     segments(g, low, top - low);
		if (n > PROC_PT_MAX)
			return sim_errf(err, SIM_EINVAL, "capture.wl.text_size, data_size, shared_size and "
					"stack_size span %llu page-table pages of a process (%llu KB "
					"each on %llu KB pages); at most %d", (unsigned long long)n,
					(unsigned long long)((RPL_PTES(g->psize) << g->pshift) >> 10),
					(unsigned long long)(g->psize >> 10), PROC_PT_MAX);
	}
	if (g->shared_file_blocks == 0)
		g->shared_file_blocks = 1;
	if (g->file_blocks == 0)
		g->file_blocks = 1;
	if (g->read_bytes > g->psize)
		g->read_bytes = g->psize;
	if (g->write_bytes > g->psize)
		g->write_bytes = g->psize;
	return SIM_OK;
}

/* capture.scale: fewer jobs, down to the number run at once; then shorter
 * jobs (steps, and the system calls each makes).  Returns the jobs each
 * vCPU runs. */
static uint64_t scale_jobs(struct gos *g, const cfg *c)
{
	double scale = cfg_real(c, "capture.scale");
	uint64_t jobs, jobs_eff, insns;
	jobs = (uint64_t)cfg_int(c, "capture.wl.jobs");
	jobs_eff = (uint64_t)((double)jobs * scale + 0.5);
	if (jobs_eff < (uint64_t)g->parallel)
		jobs_eff = jobs < (uint64_t)g->parallel ? jobs : (uint64_t)g->parallel;
	if (jobs_eff > jobs && scale <= 1)
		jobs_eff = jobs;
	if (jobs_eff == 0)
		jobs_eff = 1;
	if (cfg_int(c, "capture.scaled_jobs") > 0) {   /* the same work as more, shorter jobs */
		jobs_eff = (uint64_t)cfg_int(c, "capture.scaled_jobs");
		if (jobs_eff > jobs)
			jobs_eff = jobs;
	}
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
	return jobs_eff;
}

/* The guest physical layout: kernel text and data, the binaries, the shared
 * pages, then (from *pool0) each vCPU's pool of g->pool_pages, and the page
 * table pool at the top of the VM's *guest_pages. */
static int layout(struct gos *g, const cfg *c, uint64_t *pool0, struct sim_err *err)
{
	uint64_t vm = (uint64_t)cfg_int(c, "vm.mem.size"), next, pt;
	const char *sizes = cfg_str(c, "vm.mem.sizes");
	g->vm_share = ((uint64_t)cfg_int(c, "machine.mem.size") / (uint64_t)g->nvms) >> g->pshift;
	if (vm == 0)
		vm = (uint64_t)cfg_int(c, "machine.mem.size") / (uint64_t)g->nvms;
	g->vm_pages = sim_calloc((size_t)g->nvms, sizeof *g->vm_pages);
	g->vm_pool = sim_calloc((size_t)g->nvms, sizeof *g->vm_pool);
	if (!g->vm_pages || !g->vm_pool)
		return sim_errf(err, SIM_ENOMEM, "out of memory creating the IRIX guest");
	for (int v = 0; v < g->nvms; v++)
		g->vm_pages[v] = vm;
	/* vm.mem.sizes: each VM's own (the replay checks the list's form too) */
	for (int v = 0; *sizes; v++) {
		char item[64];
		size_t n = strcspn(sizes, ",");
		int64_t b;
		if (v >= g->nvms)
			return sim_errf(err, SIM_EINVAL, "vm.mem.sizes = %s gives more sizes than the %d VMs "
					"(capture.vms)", cfg_str(c, "vm.mem.sizes"), g->nvms);
		snprintf(item, sizeof item, "%.*s", (int)(n < 63 ? n : 63), sizes);
		if (param_parse_size(item, &b) || b < (int64_t)g->psize)
			return sim_errf(err, SIM_EINVAL, "vm.mem.sizes = %s: VM %d's size '%s' is not a "
					"size of at least one page (e.g. 32M)", cfg_str(c, "vm.mem.sizes"), v, item);
		g->vm_pages[v] = (uint64_t)b;
		g->sizes_given = 1;
		sizes += n + (sizes[n] == ',');
	}
	for (int v = 0; v < g->nvms; v++) {
		if (g->irix53 && g->vm_pages[v] > 2048ull * 1024 * 1024)
			return sim_errf(err, SIM_EINVAL, "vm.mem.size = %llu bytes (VM %d): IRIX 5.3 is a "
					"32-bit kernel and addresses at most 2G of physical memory",
					(unsigned long long)g->vm_pages[v], v);
		g->vm_pages[v] >>= g->pshift;
	}
	g->text_gppn0 = g->ktext_pages + g->kdata_pages;
	next = g->text_gppn0 + g->nbin * g->text_pages;
	g->shared_gppn0 = next;
	next += g->shared_pages;
	*pool0 = next;
	pt = (uint64_t)cfg_int(c, "guest.pt_pool_pages");
	for (int v = 0; v < g->nvms; v++) {
		uint64_t pages = g->vm_pages[v];
		if (*pool0 + pt >= pages)
			return sim_errf(err, SIM_EINVAL, "the IRIX guest's kernel and binaries do not fit "
					"VM %d's %llu pages", v, (unsigned long long)pages);
		g->vm_pool[v] = (pages - pt - *pool0) / (uint64_t)g->per_vm;
		if (g->vm_pool[v] < kern_bc(g, v, 1) + g->parent_pages + 16 + (g->nfs ? NMBUF + 1 : 0))
			return sim_errf(err, SIM_EINVAL, "the IRIX guest needs more memory per vCPU in VM %d "
					"(raise vm.mem.size)", v);
	}
	g->pool_pages = g->vm_pool[0];
	return SIM_OK;
}

/* The binaries' hot text clusters, and each vCPU's starting state. */
static int init_cpus(struct gos *g, const cfg *c, uint64_t jobs_eff, struct sim_err *err)
{
	uint64_t brng;
	g->hot = sim_calloc((size_t)(g->nbin * g->nhot), sizeof *g->hot);
	g->c = sim_calloc((size_t)g->n, sizeof *g->c);
	if (!g->hot || !g->c)
		return sim_errf(err, SIM_ENOMEM, "out of memory creating the IRIX guest");
	g->seed = (uint64_t)cfg_int(c, "capture.seed");
	brng = g->seed * 7919u + 17;
	for (uint64_t b = 0; b < g->nbin; b++)
		for (uint64_t h = 0; h < g->nhot; h++)
			g->hot[b * g->nhot + h] = rnd(&brng) % (g->text_pages - g->cluster_pages + 1);
	for (int i = 0; i < g->n; i++) {
		struct gcpu *t = &g->c[i];
		t->vm = i / g->per_vm;
		t->vi = i % g->per_vm;
		t->me = i;
		t->krng = gos_kernel_seed(g->seed, (uint64_t)i);
		t->cur = -1;
		/* capture.wl.start_cpus: only a VM's first vCPUs start jobs (the
		 * others run what an smp kernel's run queue gives them) */
		t->jobs_left = cfg_int(c, "capture.wl.start_cpus") == 0 ||
					       t->vi < cfg_int(c, "capture.wl.start_cpus")
				       ? jobs_eff : 0;
		t->next_tick = g->tick_insns;
		t->quantum_end = 3 * g->tick_insns;
	}
	return SIM_OK;
}

static int gos_create(void **st, const cfg *c, uint32_t *nstreams, struct sim_err *err)
{
	struct gos *g = sim_calloc(1, sizeof *g);
	uint64_t jobs_eff, pool0 = 0;
	int rc;

	*st = NULL;
	if (!g)
		return sim_errf(err, SIM_ENOMEM, "out of memory creating the IRIX guest");
	if ((rc = read_os(g, c, err)) != SIM_OK || (rc = read_workload(g, c, err)) != SIM_OK)
		goto fail;
	jobs_eff = scale_jobs(g, c);
	if ((rc = layout(g, c, &pool0, err)) != SIM_OK ||
	    (rc = init_cpus(g, c, jobs_eff, err)) != SIM_OK ||
	    (rc = make_kernels(g, pool0, err)) != SIM_OK)
		goto fail;
	*nstreams = (uint32_t)g->n;
	*st = g;
	return SIM_OK;
fail:
	gos_destroy(g);
	return rc;
}

const struct cap_guest_ops cap_guest_irix = {
	"irix",
	"an IRIX 5.3 or 6.2 kernel (capture.os.*) running a workload (capture.wl.*)",
	gos_create, gos_generate, gos_destroy, gos_interrupt,
};

/* Sources: Table 2 of the paper gives each service's native average time
 * (the path lengths below are calibrated to it: analysis/CALIBRATION.md);
 * section 5.1 the page sizes; the rest are stated assumptions. */
static const struct param_def defs[] = {
	{ "capture.os", PARAM_CHOICE, "irix53", 0, 0, "irix53,irix62", "",
	  "the IRIX guest's personality: 5.3 (32-bit, 4KB pages, wired-entry swap) or 6.2 (64-bit, 16KB pages) (paper 5.1-5.2)" },
	{ "capture.os.ptpool", PARAM_BOOL, "on", 0, 0, NULL, NULL,
	  "IRIX's page-table pool (IRIX 6.5 irix/kern/os/as/pmap.c, ptpool_alloc and ptpool_free): a "
	  "process's freed page-table pages, whose PTEs are all clear, kept per cache colour (up to 4 "
	  "a colour) and given to the next page table of that colour without a zero; off: every "
	  "page-table page from the free pages, zeroed, and freed with the page-freed hint" },
	{ "capture.os.boot", PARAM_BOOL, "off", 0, 0, NULL, NULL,
	  "start with the boot: the kernel image, binaries and read-shared file read from the root "
	  "disk by DMA, and every kernel, buffer-cache and parent page labelled (page.alloc), so that "
	  "footprints have categories and the monitor can share what VMs read alike (Figure 7)" },
	{ "capture.os.disks", PARAM_CHOICE, "one", 0, 0, "one,per-copy,nfs", NULL,
	  "one: every block on disk 0; per-copy: shared files (binaries, system input files, "
	  "directories) on the root disk 0, each vCPU's own files on its own disk (paper 5.3); "
	  "nfs: as per-copy, but VM 0 mounts every copy's disk and serves the other VMs' files "
	  "over the virtual network (5.3's 8VMs/NFS)" },
	{ "capture.os.nfs.mbuf_fixed", PARAM_BOOL, "on", 0, 0, NULL, NULL,
	  "nfs: the mbuf freelist fixed as in Disco's IRIX (4.3.4); off: the freelist is linked "
	  "through the first word of a freed mbuf cluster, a store to a page the monitor remapped" },
	{ "capture.os.nfs.nfsd", PARAM_INT, "4", 1, MAXIO / 2, NULL, "threads",
	  "nfs: the server's nfsd threads, each serving one call at a time (4: \"Four is the usual "
	  "number of nservers\", SVR4's nfsd(1M), AT&T 1989; IRIX 6.5's nfsd(1M) defaults to the "
	  "number of CPUs or 4, whichever is larger: 4 on the server VM's one vCPU)" },
	{ "capture.os.path.nfs", PARAM_INT, "1500", 0, 1e7, NULL, "instructions",
	  "nfs: the RPC layer's work on one call or reply, each side (assumed)" },
	{ "capture.os.path.nfsd", PARAM_INT, "3000", 0, 1e7, NULL, "instructions",
	  "nfs: the server's nfsd serving one call besides the buffer cache and the RPC layer (assumed)" },
	{ "capture.os.path.net_intr", PARAM_INT, "1500", 0, 1e7, NULL, "instructions",
	  "nfs: the network interrupt handler (assumed, as the disk's)" },
	{ "capture.os.kernel", PARAM_CHOICE, "per-cpu", 0, 0, "per-cpu,smp", NULL,
	  "per-cpu: each vCPU runs a kernel of its own (processes, free pages, buffer cache, and "
	  "IRIX's tables in its kernel data: the page frame table, the proc table, the vnodes), "
	  "sharing only the text, the binaries and the locks' ids; smp: one kernel per VM shared by "
	  "its vCPUs, as IRIX on a multiprocessor: one run queue whose processes move between "
	  "vCPUs, one free-page list and buffer cache, locks with their lock words and the page "
	  "frame table they protect in kernel data, and the services' objects (proc entries, "
	  "vnodes) at their own addresses (paper 5.4)" },
	{ "capture.os.idle_poll", PARAM_INT, "2000", 64, 1e7, NULL, "instructions",
	  "smp: instructions of one pass of the idle loop between two looks at the run queue (assumed)" },
	{ "capture.os.ktext_size", PARAM_SIZE, "1536K", 4096, 1e9, NULL, "bytes",
	  "kernel text in KSEG0 (assumed: an IRIX 5.3 kernel's text is 1-2 MB)" },
	{ "capture.os.kdata_size", PARAM_SIZE, "4M", 16384, 1e10, NULL, "bytes",
	  "kernel static data and heap in KSEG0 (assumed: a few MB; paper 5.3: under 20 MB for eight copies)" },
	{ "capture.os.bufcache_size", PARAM_SIZE, "8M", 16384, 1e10, NULL, "bytes",
	  "buffer cache per vCPU (assumed)" },
	{ "capture.os.tick_ms", PARAM_REAL, "10", 0.1, 1000, NULL, "ms",
	  "clock interrupt period, counted in the guest's own instructions at machine.clock_mhz (IRIX: 10 ms)" },
	{ "capture.os.completions", PARAM_CHOICE, "interrupt", 0, 0, "interrupt,tick", NULL,
	  "interrupt: a disk request's completion interrupt is taken when the disk is done, wherever "
	  "the CPU is (the engine delivers it at the disk model's time, at capture and replay alike); "
	  "tick: at the capture.os.io_ticks-th clock tick after the request or by the idle loop (the "
	  "earlier model).  The NFS server's requests and NFS replies always use ticks" },
	{ "capture.os.io_ticks", PARAM_INT, "2", 1, 1000, NULL, "ticks",
	  "with capture.os.completions = tick, and for NFS replies and the NFS server's disk requests: "
	  "clock ticks after which a completion interrupt is taken if the CPU was busy (the engine adds "
	  "any remaining disk time as idle)" },
	{ "capture.os.kref", PARAM_REAL, "0.25", 0, 1, NULL, "per instruction",
	  "kernel data references per kernel instruction (assumed: typical of kernel code)" },
	{ "capture.os.path.entry", PARAM_INT, "60", 0, 1e6, NULL, "instructions",
	  "common kernel entry + exit path: register save and restore (assumed)" },
	{ "capture.os.path.demand_zero", PARAM_INT, "385", 0, 1e7, NULL, "instructions",
	  "DEMAND-ZERO path besides the zeroing (calibrated: Table 2, 21 us natively on IRIX 5.3)" },
	{ "capture.os.path.quick_fault", PARAM_INT, "215", 0, 1e7, NULL, "instructions",
	  "QUICK-FAULT path (calibrated: Table 2, 5 us natively)" },
	{ "capture.os.path.copy_on_write", PARAM_INT, "600", 0, 1e7, NULL, "instructions",
	  "COPY-ON-WRITE path besides the copy (calibrated: Table 2 IRIX 6.2, 94 us natively with a 16KB copy)" },
	{ "capture.os.path.open", PARAM_INT, "1360", 0, 1e7, NULL, "instructions",
	  "open path: namei, file table (calibrated: Table 2, 42 us natively)" },
	{ "capture.os.path.read", PARAM_INT, "240", 0, 1e7, NULL, "instructions",
	  "read path besides the copy (calibrated: Table 2, 23 us natively)" },
	{ "capture.os.path.write", PARAM_INT, "85", 0, 1e7, NULL, "instructions",
	  "write path besides the copy (calibrated: Table 2, 12 us natively)" },
	{ "capture.os.path.execve", PARAM_INT, "42000", 0, 1e8, NULL, "instructions",
	  "execve path besides unmapping, its explicit steps' instructions included (calibrated: Table 2, 437 us natively)" },
	/* IRIX 6.2's paths where Table 2's IRIX 6.2 rows give a native time of
	 * their own; the others are IRIX 5.3's */
	{ "capture.os.irix62.path.quick_fault", PARAM_INT, "85", 0, 1e7, NULL, "instructions",
	  "IRIX 6.2's QUICK-FAULT path (calibrated: Table 2 IRIX 6.2, 5 us natively)" },
	{ "capture.os.irix62.path.open", PARAM_INT, "1600", 0, 1e7, NULL, "instructions",
	  "IRIX 6.2's open path (calibrated: Table 2 IRIX 6.2, 37 us natively)" },
	{ "capture.os.irix62.path.write", PARAM_INT, "50", 0, 1e7, NULL, "instructions",
	  "IRIX 6.2's write path besides the copy (calibrated towards Table 2 IRIX 6.2, 9 us natively; the copy and the entry path keep it near 11 us)" },
	{ "capture.os.irix62.path.execve", PARAM_INT, "78000", 0, 1e8, NULL, "instructions",
	  "IRIX 6.2's execve path besides unmapping, its explicit steps' instructions included "
	  "(calibrated: Table 2 IRIX 6.2, 608 us natively)" },
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
	{ "capture.scaled_jobs", PARAM_INT, "0", 0, 1e6, NULL, "processes",
	  "jobs per vCPU a run keeps at its capture.scale, each an even sample of a whole job "
	  "(at most capture.wl.jobs; 0: capture.scale x capture.wl.jobs, at least "
	  "capture.wl.parallel, then shorter jobs)" },
	{ "capture.wl.jobs", PARAM_INT, "42", 1, 1e6, NULL, "processes",
	  "processes the workload runs per vCPU at scale 1 (pmake: 42 execve in Table 2)" },
	{ "capture.wl.start_cpus", PARAM_INT, "0", 0, 4096, NULL, "vCPUs",
	  "how many of each VM's vCPUs start capture.wl.jobs jobs (0: all); with an smp kernel "
	  "the others run processes from the shared run queue (Figure 9's engineering: six VCS "
	  "and six Flashlite on eight processors, 5.5)" },
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
	{ "capture.wl.seq_stride", PARAM_SIZE, "8", 8, 1e9, NULL, "bytes",
	  "step of the sequential walk (8: a word at a time; a page and a line: one reference "
	  "per page, a TLB micro-benchmark)" },
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
