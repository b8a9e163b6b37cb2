/*
 * The IRIX guest: pages, zeroing and copying, the page faults, unmapping
 * (design notes: capture/guest_os.c).
 */
#include "capture/guest_int.h"

/* ---- pages ---- */

/* The free list's head and page p's pfdat entry, as a page is taken off
 * the free list or put back (its links, pf_next and pf_prev, and its
 * flags: IRIX 6.5's irix/kern/sys/pfdat.h).  On an smp kernel they are the
 * data memlock protects, which moves between the CPUs' caches. */
static void pfdat_touch(struct gcpu *t, uint64_t p)
{
	const struct gkern *k = t->k;
	if (!k->pfdat_va)
		return;
	push(t, TRC_LOAD, KF, 8, 0, k->pfdat_va, 0);
	push(t, TRC_STORE, KF, 8, 0, k->pfdat_va, 0);
	push(t, TRC_LOAD, KF, 8, 0, gos_pfdat_entry(k, p), 0);
	push(t, TRC_STORE, KF, 8, 0, gos_pfdat_entry(k, p) + 8, 0);
}

/* Page p's page-hash bucket (256 of them, after the lock words). */
static uint64_t hash_bucket(const struct gkern *k, uint64_t p)
{
	return k->tab_va + 1024 + (p % 256) * 8;
}

/* Page p's use count in its pfdat entry (pf_use), raised when a
 * region maps the page (fork's dupreg) or lowered when one unmaps it
 * (detachreg at exec and exit), under memlock: System V's regions (Bach,
 * The Design of the UNIX Operating System, 1986, 9.2: dupreg, freereg),
 * from which IRIX 5.3's virtual memory descends. */
void gos_pfdat_use(struct gcpu *t, uint64_t p)
{
	const struct gkern *k = t->k;
	if (!k->pfdat_va)
		return;
	push(t, TRC_LOAD, KF, 8, 0, gos_pfdat_entry(k, p) + 16, 0);
	push(t, TRC_STORE, KF, 8, 0, gos_pfdat_entry(k, p) + 16, 0);
}

void gos_page_lookup(struct gcpu *t, uint64_t p)
{
	const struct gkern *k = t->k;
	if (!k->tab_va)
		return;
	push(t, TRC_LOAD, KF, 8, 0, hash_bucket(k, p), 0);
	push(t, TRC_LOAD, KF, 8, 0, gos_pfdat_entry(k, p), 0);
	push(t, TRC_STORE, KF, 8, 0, gos_pfdat_entry(k, p) + 16, 0);
}

uint64_t gos_page_alloc(struct gos *g, struct gcpu *t, unsigned cat)
{
	struct gkern *k = t->k;
	uint64_t p;
	if (k->nfree == 0) {
		t->oom = GCPU_NO_GUEST_PAGES;
		return k->free_pages ? t->parent_gppn0 : 0;
	}
	p = k->free_pages[--k->nfree];
	pfdat_touch(t, p);
	if (k->tab_va) {
		/* the page takes its new identity (an anonymous page's, a
		 * file block's) in the page hash: IRIX 5.3's page cache hashes
		 * every named page, and the hash is memlock's too (5.4) */
		push(t, TRC_LOAD, KF, 8, 0, hash_bucket(k, p), 0);
		push(t, TRC_STORE, KF, 8, 0, hash_bucket(k, p), 0);
	}
	push(t, TRC_PAGE_ALLOC, 0, cat, 0, p, 0);
	return p;
}

void gos_page_free(struct gos *g, struct gcpu *t, uint64_t p, unsigned cat)
{
	struct gkern *k = t->k;
	pfdat_touch(t, p);
	push(t, TRC_PAGE_FREE, 0, cat, 0, p, 0);
	if (g->hal_disco)
		push(t, TRC_MONCALL, 0, TRC_MC_PAGE_FREED, 0, p, 0);
	k->free_pages[k->nfree++] = p;
}

/* Zero a page: bzero through KSEG0, or the monitor's ZERO_PAGE. */
void gos_zero_page(struct gos *g, struct gcpu *t, uint64_t p)
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
void gos_copy(struct gos *g, struct gcpu *t, uint64_t src, unsigned sf, uint64_t dst,
		 unsigned df, uint64_t len)
{
	for (uint64_t off = 0; off < len; off += 32) {
		push(t, TRC_INSN, KF, 0, 4, KSEG0 + 0x2400, 0);
		push(t, TRC_LOAD, sf, 8, 0, src + off, 0);
		push(t, TRC_STORE, df, 8, 0, dst + off, 0);
		t->insns += 4;
	}
}

/* ---- page tables ---- */

/* IRIX's pmap (IRIX 6.5's irix/kern/os/as/pmap.c; IRIX 5.3's is not
 * public and is taken to work the same): a process's page table is whole
 * pages of PTEs, one per segment of its address space (the segment table
 * points to them; "a page table maps a full NBPS section of the address
 * space").  seg_pte takes a segment's page when a PTE in it is first
 * needed (pmap_pte: a fault, fork's copy of the parent's mappings, exec's
 * stack) from ptpool_alloc; pmap_destroy (exit, and exec's remove_proc of
 * the old image) gives each back with ptpool_free.
 *
 * The pool (capture.os.ptpool): "Pages containing page tables are usually
 * full of zeroes at release time", so ptpool_free keeps a freed page on a
 * stack of its cache colour (the colour of the segment's slot in the
 * page-table segment, segno & cachecolormask), up to ptpool_init's
 * maximum, writing its link into the page's first word; ptpool_alloc pops
 * one of the segment's colour and clears that word, and only when the
 * colour's stack is empty takes a page with kvpalloc and zeroes it
 * (bzero; the Disco-aware HAL's zeroing call).  A page the pool has no
 * room for goes back to the free pages, with the page-freed hint under the
 * Disco-aware HAL.  The pool's own spinlock is not modelled: its work is
 * done under memlock, which the caller holds or takes as for any page.
 * Without the pool every page is taken from the free pages, zeroed and
 * freed.  The segment is the engine's: RPL_PTES(page size) PTEs of
 * RPL_PTE_BYTES (2 MB on 4 KB pages, 32 MB on 16 KB; IRIX 5.3's 4-byte
 * R4000 PTEs make its segment 4 MB, which the workloads' regions would
 * not fill differently but for text, data or a shared region beyond 2
 * MB). */
#define PT_PAGE_INSNS 40   /* seg_pte and kvpalloc's work on the page, or ptpool_free's and
			    * kvpffree's, under memlock (assumed, as exec's window pages) */
#define PT_POOL_INSNS 20   /* a pop from or a push on a colour's stack (assumed) */

void gos_pt_need(struct gos *g, struct gcpu *t, struct proc *p, uint64_t vpn, unsigned svc,
		 int held)
{
	struct gkern *k = t->k;
	uint64_t ix = vpn / RPL_PTES(g->psize), gp;
	unsigned color = (unsigned)(ix & (g->ptpool_colors - 1));
	for (int i = 0; i < p->npt; i++)
		if (p->pt_index[i] == ix)
			return;
	if (p->npt == PROC_PT_MAX)
		return;   /* cannot happen: read_workload bounds the segments a process spans */
	if (!held)
		lock_acq(t, LOCK_MEM);
	if (k->ptp_cnt[color]) {
		gp = k->ptp_page[color][--k->ptp_cnt[color]];
		gos_kpath(g, t, svc, PT_POOL_INSNS);
		push(t, TRC_STORE, KF, 8, 0, KSEG0 + (gp << g->pshift), 0);   /* the link cleared */
		if (!held)
			lock_rel(t, LOCK_MEM);
	} else {
		gp = gos_page_alloc(g, t, TRC_CAT_KERNEL_DATA);
		gos_kpath(g, t, svc, PT_PAGE_INSNS);
		lock_rel(t, LOCK_MEM);
		gos_zero_page(g, t, gp);
		if (held)
			lock_acq(t, LOCK_MEM);
	}
	push(t, TRC_MARKER, 0, RPL_MARK_PT_PAGE, p->asid, 0, RPL_PT_PAGE_VAL(ix, gp));
	p->pt_index[p->npt] = ix;
	p->pt_gppn[p->npt++] = gp;
}

/* pmap_destroy: p's page-table pages to the pool, or back to the free
 * pages (the caller holds memlock; every PTE in them is clear). */
static void pt_free_all(struct gos *g, struct gcpu *t, struct proc *p, unsigned svc)
{
	struct gkern *k = t->k;
	for (int i = 0; i < p->npt; i++) {
		unsigned color = (unsigned)(p->pt_index[i] & (g->ptpool_colors - 1));
		uint64_t gp = p->pt_gppn[i];
		push(t, TRC_MARKER, 0, RPL_MARK_PT_PAGE, p->asid, 0, RPL_PT_PAGE_VAL(p->pt_index[i], 0));
		if (k->ptp_cnt[color] < k->ptp_max) {
			push(t, TRC_STORE, KF, 8, 0, KSEG0 + (gp << g->pshift), 0);   /* the link */
			gos_kpath(g, t, svc, PT_POOL_INSNS);
			k->ptp_page[color][k->ptp_cnt[color]++] = gp;
			continue;
		}
		gos_kpath(g, t, svc, PT_PAGE_INSNS);
		gos_page_free(g, t, gp, TRC_CAT_KERNEL_DATA);
	}
	p->npt = 0;
}

/* ---- faults ---- */

/* IRIX's drop-in at the end of a fault: the new translation goes into the
 * TLB so the faulting reference finds it (tlbp for a stale entry, then the
 * write). */
void gos_tlb_dropin(struct gcpu *t, uint32_t asid, uint64_t vpn)
{
	push(t, TRC_PRIV, 0, TRC_PRIV_TLBP, 0, 0, 0);
	gos_tlb_write(t, TRC_PRIV_TLBWR, 1, asid, vpn);
}

/* First touch of an anonymous page: DEMAND-ZERO. */
uint64_t gos_demand_zero(struct gos *g, struct gcpu *t, struct proc *p, uint64_t vpn)
{
	uint64_t gp;
	gos_kentry(g, t, TRC_SVC_DEMAND_ZERO);
	gos_kpath(g, t, TRC_SVC_DEMAND_ZERO, g->path[TRC_SVC_DEMAND_ZERO] / 2);
	gos_pt_need(g, t, p, vpn, TRC_SVC_DEMAND_ZERO, 0);
	lock_acq(t, LOCK_MEM);
	gp = gos_page_alloc(g, t, TRC_CAT_USER);
	gos_kpath(g, t, TRC_SVC_DEMAND_ZERO, 40);
	lock_rel(t, LOCK_MEM);
	gos_zero_page(g, t, gp);
	gos_kpath(g, t, TRC_SVC_DEMAND_ZERO, g->path[TRC_SVC_DEMAND_ZERO] - g->path[TRC_SVC_DEMAND_ZERO] / 2);
	push(t, TRC_PTE_SET, 0, TRC_PROT_VALID | TRC_PROT_WRITE, p->asid, vpn, gp);
	gos_tlb_dropin(t, p->asid, vpn);
	gos_kexit(g, t, TRC_SVC_DEMAND_ZERO);
	return gp;
}

/* The region (a binary's text, r < nbin, or the read-shared file, nbin)
 * that page gp belongs to, and its vnode (VN_*). */
static uint32_t region_of(const struct gos *g, uint64_t gp)
{
	return (uint32_t)(gp >= g->shared_gppn0 && gp < g->shared_gppn0 + g->shared_pages
			  ? g->nbin : (gp - g->text_gppn0) / g->text_pages);
}

static uint64_t region_vnode(const struct gos *g, uint64_t gp)
{
	uint32_t r = region_of(g, gp);
	return r == g->nbin ? VN_SHARED : VN_BIN + r;
}

/* A resident page whose PTE must be built: QUICK-FAULT, ending with the
 * refill's tlbwr of the new translation (so the reference that faulted
 * finds it in the TLB). */
void gos_quick_fault(struct gos *g, struct gcpu *t, struct proc *p, uint64_t vpn, uint64_t gp,
			unsigned prot)
{
	gos_kentry(g, t, TRC_SVC_QUICK_FAULT);
	t->vnode = vnode_of(t->k, region_vnode(g, gp));
	push(t, TRC_PRIV, 0, TRC_PRIV_MFC0, 0, 0, 0);   /* BadVAddr */
	gos_page_lookup(t, gp);   /* within the path's instructions */
	gos_kpath(g, t, TRC_SVC_QUICK_FAULT, g->path[TRC_SVC_QUICK_FAULT]);
	gos_pt_need(g, t, p, vpn, TRC_SVC_QUICK_FAULT, 0);
	push(t, TRC_PTE_SET, 0, prot, p->asid, vpn, gp);
	gos_tlb_dropin(t, p->asid, vpn);
	gos_kexit(g, t, TRC_SVC_QUICK_FAULT);
}

/* On an smp kernel a fault on a shared region's page takes the region's
 * lock, a sleeping lock, for the fault, and looks the page up in the page
 * cache under memlock (IRIX 5.3's pfind).  The fault spans two steps, so
 * that the vCPUs that fault the same text while the lock is held (the
 * engine asks for each step at its vCPU's simulated time) find it held:
 * their processes sleep and the vCPU runs another, as IRIX's does; the
 * lock's release wakes them and they fault again.  The engine re-times the
 * semaphore, so what remains of a wait between two steps is timed too. */
int gos_region_fault(struct gos *g, struct gcpu *t, struct proc *p, uint64_t vpn, uint64_t gp,
		     unsigned prot, uint8_t *mapped)
{
	struct gkern *k = t->k;
	uint32_t r;
	if (!k->smp) {
		gos_quick_fault(g, t, p, vpn, gp, prot);
		*mapped = 1;
		return 0;
	}
	r = region_of(g, gp);
	gos_kentry(g, t, TRC_SVC_QUICK_FAULT);
	t->vnode = vnode_of(k, r == g->nbin ? VN_SHARED : VN_BIN + r);
	push(t, TRC_PRIV, 0, TRC_PRIV_MFC0, 0, 0, 0);   /* BadVAddr */
	if (k->region_holder[r] && k->region_holder[r] != t->me + 1) {
		/* held by a process on another vCPU: sleep on it */
		gos_kpath(g, t, TRC_SVC_QUICK_FAULT, g->path[TRC_SVC_QUICK_FAULT] / 4);
		gos_kexit(g, t, TRC_SVC_QUICK_FAULT);
		p->state = P_SEMWAIT;
		p->qf_region = SEM_REGION + r;
		p->on_cpu = -1;
		gos_proc_out(t, (int)(p - k->p));
		return 1;
	}
	k->region_holder[r] = t->me + 1;
	push(t, TRC_SEM_WAIT, 0, 0, SEM_REGION + r, 0, 0);
	gos_kpath(g, t, TRC_SVC_QUICK_FAULT, g->path[TRC_SVC_QUICK_FAULT] / 2);
	lock_acq(t, LOCK_MEM);
	gos_page_lookup(t, gp);
	gos_kpath(g, t, TRC_SVC_QUICK_FAULT, PFIND_INSNS);
	lock_rel(t, LOCK_MEM);
	p->qf_pending = 1;
	p->qf_region = SEM_REGION + r;
	p->qf_prot = prot;
	p->qf_vpn = vpn;
	p->qf_gp = gp;
	p->qf_mapped = mapped;
	return 1;
}

void gos_region_fault_end(struct gos *g, struct gcpu *t, struct proc *p)
{
	struct gkern *k = t->k;
	uint64_t n = g->path[TRC_SVC_QUICK_FAULT];
	n = n > n / 2 + PFIND_INSNS ? n - n / 2 - PFIND_INSNS : 0;
	t->vnode = vnode_of(k, p->qf_region - SEM_REGION == g->nbin ? VN_SHARED
				: VN_BIN + p->qf_region - SEM_REGION);
	gos_kpath(g, t, TRC_SVC_QUICK_FAULT, n);
	gos_pt_need(g, t, p, p->qf_vpn, TRC_SVC_QUICK_FAULT, 0);
	push(t, TRC_PTE_SET, 0, p->qf_prot, p->asid, p->qf_vpn, p->qf_gp);
	gos_tlb_dropin(t, p->asid, p->qf_vpn);
	push(t, TRC_SEM_SIGNAL, 0, 0, p->qf_region, 0, 0);
	gos_kexit(g, t, TRC_SVC_QUICK_FAULT);
	*p->qf_mapped = 1;
	p->qf_pending = 0;
	k->region_holder[p->qf_region - SEM_REGION] = 0;
	/* the sleepers wake and fault again */
	for (int i = 0; i < k->nproc; i++)
		if (k->p[i].state == P_SEMWAIT && k->p[i].qf_region == p->qf_region) {
			k->p[i].state = P_RUN;
			gos_proc_ready(t, i);
		}
}

/* A write to a page shared with the parent after fork: COPY-ON-WRITE. */
static void cow_fault(struct gos *g, struct gcpu *t, struct proc *p, uint64_t k)
{
	uint64_t gp, src = p->data_gppn[k];
	gos_kentry(g, t, TRC_SVC_COPY_ON_WRITE);
	gos_kpath(g, t, TRC_SVC_COPY_ON_WRITE, g->path[TRC_SVC_COPY_ON_WRITE] / 2);
	lock_acq(t, LOCK_MEM);
	gp = gos_page_alloc(g, t, TRC_CAT_USER);
	lock_rel(t, LOCK_MEM);
	gos_copy(g, t, KSEG0 + (src << g->pshift), KF, KSEG0 + (gp << g->pshift), KF, g->psize);
	gos_kpath(g, t, TRC_SVC_COPY_ON_WRITE, g->path[TRC_SVC_COPY_ON_WRITE] / 2);
	gos_pt_need(g, t, p, data_vpn(g, k), TRC_SVC_COPY_ON_WRITE, 0);
	push(t, TRC_PTE_SET, 0, TRC_PROT_VALID | TRC_PROT_WRITE, p->asid, data_vpn(g, k), gp);
	gos_tlb_dropin(t, p->asid, data_vpn(g, k));
	gos_kexit(g, t, TRC_SVC_COPY_ON_WRITE);
	p->data_gppn[k] = gp;
	p->data_cow[k] = 0;
}

/* Make data page k writable-mapped for a reference. */
void gos_touch_data(struct gos *g, struct gcpu *t, struct proc *p, uint64_t k, int store)
{
	if (!p->data_gppn[k])
		p->data_gppn[k] = gos_demand_zero(g, t, p, data_vpn(g, k));
	else if (p->data_cow[k] && store)
		cow_fault(g, t, p, k);
}

/* ---- processes ---- */

/* Unmap a page: clear its PTE and probe the TLB for a stale entry (IRIX
 * flushes each page's translation as it unmaps it; the paper's execve has
 * about a hundred emulated privileged instructions' worth of other-privs
 * time, Table 2).  Whether the probe finds the entry depends on the TLB,
 * which the trace does not know: the invalidation itself is the PTE
 * record's (the engine drops the entry wherever it is). */
static void unmap_page(struct gcpu *t, uint32_t asid, uint64_t vpn)
{
	push(t, TRC_PTE_CLEAR, 0, 0, asid, vpn, 0);
	push(t, TRC_PRIV, 0, TRC_PRIV_TLBP, 0, 0, 0);
}

/* The region's work on one page it unmaps: the page's use count; on an
 * smp kernel under memlock, with DETACH_INSNS instructions of their own
 * (assumed, as fork's 20 a page for dupreg).  On a kernel of its own per
 * vCPU the use count is touched within exit's and execve's paths as they
 * were (execve's calibrated to Table 2 with this unmapping in it). */
#define DETACH_INSNS 20
static void detach_page(struct gos *g, struct gcpu *t, unsigned svc, uint64_t gp)
{
	if (t->k->smp)
		gos_kpath(g, t, svc, DETACH_INSNS);
	gos_pfdat_use(t, gp);
}

/* Unmap every page of p (and free its private ones and its page tables),
 * in service svc. */
void gos_unmap_all(struct gos *g, struct gcpu *t, struct proc *p, unsigned svc)
{
	lock_acq(t, LOCK_MEM);
	for (uint64_t k = 0; k < g->text_pages; k++)
		if (p->text_mapped[k]) {
			unmap_page(t, p->asid, (TEXT_VA >> g->pshift) + k);
			detach_page(g, t, svc, g->text_gppn0 + (uint64_t)p->bin * g->text_pages + k);
			p->text_mapped[k] = 0;
		}
	for (uint64_t k = 0; k < g->shared_pages; k++)
		if (p->shared_mapped[k]) {
			unmap_page(t, p->asid, (SHARED_VA >> g->pshift) + k);
			detach_page(g, t, svc, g->shared_gppn0 + k);
			p->shared_mapped[k] = 0;
		}
	for (uint64_t k = 0; k < g->data_pages; k++)
		if (p->data_gppn[k]) {
			unmap_page(t, p->asid, data_vpn(g, k));
			detach_page(g, t, svc, p->data_gppn[k]);
			if (!p->data_cow[k])
				gos_page_free(g, t, p->data_gppn[k], TRC_CAT_USER);
			p->data_gppn[k] = 0;
			p->data_cow[k] = 0;
		}
	for (uint64_t k = 0; k < g->stack_pages; k++)
		if (p->stack_gppn[k]) {
			unmap_page(t, p->asid, stack_vpn(g, k));
			detach_page(g, t, svc, p->stack_gppn[k]);
			gos_page_free(g, t, p->stack_gppn[k], TRC_CAT_USER);
			p->stack_gppn[k] = 0;
		}
	for (uint64_t j = 0; j < EXEC_XPAGES; j++)
		if (p->args_gppn[j]) {
			unmap_page(t, p->asid, args_vpn(g, j));
			detach_page(g, t, svc, p->args_gppn[j]);
			gos_page_free(g, t, p->args_gppn[j], TRC_CAT_USER);
			p->args_gppn[j] = 0;
		}
	pt_free_all(g, t, p, svc);
	lock_rel(t, LOCK_MEM);
}
