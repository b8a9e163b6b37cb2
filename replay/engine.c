/*
 * The replay engine: NOTES ON THE DESIGN.
 *
 * Definitions.  A vCPU is one record stream; it runs on a CPU chosen by the
 * scheduling policy and has its own clock (cycles).  A sync record is one
 * whose effect depends on other vCPUs: lock acquire/release, semaphore
 * wait/signal, DMA request/completion.  A slice is a stretch of one vCPU's
 * records run without looking at the others, at most replay.quantum cycles.
 *
 * Scheduling.  The engine always runs the runnable vCPU whose clock is the
 * lowest (ties: the lowest index).  A vCPU meeting a sync record executes it
 * only if it is still the lowest; otherwise its slice ends there.  Hence:
 *   (1) sync records execute in global simulated-time order, exactly;
 *   (2) other records of different vCPUs interleave within a quantum;
 *   (3) nothing depends on how a source cuts its streams into blocks, so a
 *       capture (records generated live) and the replay of its trace under
 *       the same configuration compute the same counters.
 *
 * What is synthesized here, not read (DESIGN 3): hardware TLB contents and
 * misses; the guest's TLB refill handler (natively: exception entry, the
 * handler's instructions and its page-table load through the caches; under
 * the monitor: the L2TLB first, and the guest's handler with its emulated
 * TLB write and return only on an L2TLB miss); the monitor's emulation of
 * privileged instructions, traps and the unmapped kernel segment; guest
 * physical -> machine placement; lock spinning, semaphore blocking, disk
 * latency and so idle time.
 *
 * Time accounting.  Every cycle of every CPU goes to one category (user,
 * kernel, kernel_sync, monitor, idle) through vcpu_spend() (monitor/vcpu.h);
 * memory stalls are also counted local or remote within their category.  Time while a service
 * is the innermost open one (begin/end records, or the synthesized UTLB-MISS)
 * goes to that service too, split into Table 2's five parts; idle time is not
 * service time.  At the end every CPU is idle from its last cycle to the
 * run's end, so each CPU's categories sum to the run's length.  The loop of
 * runs, loads and stores (run_refs) adds up its records' counts and their
 * instructions' cycles (struct refs_acc) and charges them at its end, or
 * before anything that may open a service (a refill, a protection fault, a
 * page move): sums, so the same numbers as charging each as it runs.
 *
 * Modelling choices worth knowing:
 *   - A traced privileged instruction costs guest.cost.priv natively and is
 *     emulated under the monitor.  A traced tlbwr/tlbwi that names its entry
 *     (TRC_F_ENTRY: ASID, VPN) writes the guest's PTE pair for that page:
 *     natively into the TLB, under the monitor into the TLB and the L2TLB
 *     (the emulation, paper 4.2.3); one that names none (IRIX 5.3's wired
 *     entry swap) costs and changes nothing the model holds.
 *   - A PTE set/clear invalidates (asid, vpn) in every TLB and L2TLB: the
 *     guest's own invalidation, which the monitor sees and follows.
 *   - Page tables: the handler's PTE load is an unmapped kernel reference
 *     to the PTE of (ASID, VPN), RPL_PTE_BYTES bytes at (VPN % RPL_PTES) of
 *     a page-table page.  A guest that keeps its page tables in its own
 *     pages says where each is with a marker RPL_MARK_PT_PAGE (id = the
 *     ASID, val = the page-table index VPN / RPL_PTES << RPL_PT_INDEX_SHIFT
 *     | the guest page, recorded when the guest installs the page, and
 *     with guest page 0 when it frees it); the load then goes to that page
 *     (under the monitor, to the machine page behind it, zeroed as any
 *     reclaimed page).  Without a marker for the range (imported,
 *     synthetic and SPLASHOS traces, the IRIX guest's parent context,
 *     traces of before the marker) it goes to a page of a pool at the top
 *     of the VM's memory (guest.pt_pool_pages), indexed by ASID and the
 *     page-table index, as it always did.
 *   - KSEG0 references use guest physical address (va & 0x1fffffff); under
 *     the monitor that segment is relocated to mapped supervisor space at
 *     0xc0000000 (paper 4.3.1) and its TLB misses are kernel TLB faults.
 *   - The refill handler's instructions and PTE load are machine work, not
 *     trace records: they cost cycles but are not counted in instructions,
 *     loads or references (which count the trace's).
 *   - Semaphores start at 1 (a mutex) unless a marker of kind
 *     RPL_MARK_SEM_INIT sets their count first.  One back at 1 with no
 *     waiter is forgotten (sem_forget): it is the same as one never used.
 *   - Under the monitor a guest page reclaimed after a page-freed hint is
 *     zeroed when it next gets a machine page (vmm_machine_page), unless a
 *     zeroed-page call zeroes it, a DMA overwrites the whole page, or a
 *     marker RPL_MARK_WARM_PAGE says the guest made it resident in a part
 *     of the run not simulated.
 *   - Completion interrupts: a marker RPL_MARK_INTR after a DMA request
 *     holds the records that follow (the handler) until the disk model's
 *     completion time; they then run before the stream's next record
 *     (intr_take), with the stream's place saved and restored by fetch().
 *     So the interrupt lands at the disk's time under every configuration,
 *     and capture (which tells the guest through rpl_source.interrupt) and
 *     replay take it between the same two records.  RPL_MARK_INTR_WAIT
 *     idles until it has run.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "base/idtab.h"
#include "base/mem.h"
#include "machine/hit.h"
#include "machine/machine.h"
#include "machine/plain.h"
#include "machine/plain_hit.h"
#include "monitor/vmm.h"
#include "policies/policy.h"
#include "replay/engine_int.h"
#include "replay/gpt.h"
#include "replay/replay.h"

static void waitq_push(struct waitq *q, struct vcpu *v)
{
	v->next_waiter = NULL;
	if (q->tail)
		q->tail->next_waiter = v;
	else
		q->head = v;
	q->tail = v;
}

static struct vcpu *waitq_pop(struct waitq *q)
{
	struct vcpu *v = q->head;
	if (v) {
		q->head = v->next_waiter;
		if (!q->head)
			q->tail = NULL;
	}
	return v;
}

/* ---- time accounting ---- */

static inline int guest_cat(const struct vcpu *v, unsigned flags)
{
	if (v->m.idle)
		return ACCT_IDLE;
	return (flags & TRC_F_KERNEL) ? ACCT_KERNEL : ACCT_USER;
}

/* A load or store executed: the run's and its CPU's counts. */
static inline void count_access(struct eng *e, struct vcpu *v, int store)
{
	if (store) {
		e->res->stores++;
		e->res->cpu[v->m.cpu].stores++;
	} else {
		e->res->loads++;
		e->res->cpu[v->m.cpu].loads++;
	}
}

static int fail_rec(struct eng *e, struct vcpu *v, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail_rec(struct eng *e, struct vcpu *v, int code, const char *fmt, ...)
{
	char msg[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return sim_errf(e->err, code, "stream %d, record %" PRIu64 ": %s", (int)(v - e->v),
			v->recno, msg);
}

/* Open service svc on v; services nest at most VCPU_SVC_DEPTH deep (a
 * trace's own nesting is bounded lower by the reader, so this is a bad
 * source's, or a bad guest's, and no time is charged past the stack). */
static int svc_push(struct eng *e, struct vcpu *v, unsigned svc)
{
	if (v->m.depth >= VCPU_SVC_DEPTH)
		return fail_rec(e, v, SIM_EINVAL, "services nested more than %d deep", VCPU_SVC_DEPTH);
	v->m.svc[v->m.depth++] = (uint16_t)svc;
	e->res->service[svc].count++;
	return SIM_OK;
}

/* ---- memory ---- */

/* A monitor operation's bad-input error, placed at v's record. */
static int at_rec(struct eng *e, struct vcpu *v, int rc)
{
	if (rc == SIM_EINVAL)
		sim_err_prefix(e->err, "stream %d, record %" PRIu64, (int)(v - e->v), v->recno);
	return rc;
}

/* The machine page of guest page gppn, placed now if never touched. */
static inline int machine_page(struct eng *e, struct vcpu *v, uint64_t gppn, uint64_t *mpn)
{
	const struct vmm_vm *vm = &e->vmm->vm[v->m.vm];
	if (gppn < vm->pages && e->vmm->pmarr[vm->base + gppn] != PMAP_NONE) {
		*mpn = e->vmm->pmarr[vm->base + gppn];
		return SIM_OK;
	}
	return at_rec(e, v, vmm_machine_page(e->vmm, &v->m, gppn, mpn));
}

/* One reference to guest physical byte address gpa, outside the TLB (the
 * page-table load, the monitor's page zeroing, unmapped kernel natively). */
static int phys_ref(struct eng *e, struct vcpu *v, uint64_t gpa, int kind, int cat, int part)
{
	uint64_t mpn = 0;
	int rc = machine_page(e, v, gpa >> e->pshift, &mpn);
	if (rc)
		return rc;
	vcpu_ref(&v->m, e->m, (mpn << e->pshift) | (gpa & e->pmask), kind, cat, part);
	return SIM_OK;
}

/* Look up the guest's PTE for (asid, vpn) into *pte (valid 0 if unmapped). */
static void guest_pte(struct eng *e, uint32_t asid, uint64_t vpn, struct vmm_pte *pte)
{
	long i = gpt_find(&e->gpt, asid, vpn);
	uint64_t val, prot;
	memset(pte, 0, sizeof *pte);
	if (i < 0)
		return;
	val = gpt_val(&e->gpt, i);
	prot = val >> GPT_PROT_SHIFT;
	pte->gppn = val & GPT_GPPN_MASK;
	pte->valid = 1;
	pte->writable = (prot & TRC_PROT_WRITE) != 0;
	pte->global = (prot & TRC_PROT_GLOBAL) != 0;
}

/* The guest's UTLB handler, natively or reflected by the monitor: its
 * instructions and its PTE load. */
static int guest_refill_handler(struct eng *e, struct vcpu *v, uint32_t asid, uint64_t vpn)
{
	/* a page holds a power of two of PTEs: a shift and a mask, no division */
	const unsigned lg_ptes = e->pshift - (unsigned)__builtin_ctz(PTE_BYTES);
	uint64_t index = vpn >> lg_ptes;
	long i = e->ptp.n ? gpt_find(&e->ptp, asid, index) : -1;
	uint64_t pt_page = i >= 0 ? gpt_val(&e->ptp, i) :
			   e->vmm->vm[v->m.vm].pages - 1 - (((uint64_t)asid * 1031u + index) % e->pt_pool);
	uint64_t gpa = (pt_page << e->pshift) + (vpn & ((1ull << lg_ptes) - 1)) * PTE_BYTES;
	vcpu_spend(&v->m, ACCT_KERNEL, ACCT_SPLIT_KERNEL, e->vmm->k.utlb_insns);
	return phys_ref(e, v, gpa, MACH_LOAD, ACCT_KERNEL, ACCT_SPLIT_KERNEL);
}

/* A TLB miss on a mapped address: the synthesized refill (UTLB-MISS).  The
 * machine under the OS takes it first (under the monitor, the L2TLB may
 * serve it alone); otherwise the guest's handler runs and writes the TLB. */
static int splashos_miss(struct eng *e, struct vcpu *v, uint64_t vpn);

static int tlb_miss(struct eng *e, struct vcpu *v, uint64_t vpn)
{
	struct vmm_pte pte[2];
	uint32_t asid = v->m.asid;
	int rc;

	if (v->touched)
		return splashos_miss(e, v, vpn);

	for (int h = 0; h < 2; h++)
		guest_pte(e, asid, (vpn & ~1ull) | (uint64_t)h, &pte[h]);
	if (!pte[vpn & 1].valid)
		return fail_rec(e, v, SIM_EINVAL,
				"reference to virtual page 0x%" PRIx64 " of ASID %u, which has no "
				"page-table entry (no pte.set before it)", vpn, asid);
	vmm_prefetch_fill(e->vmm, &v->m, pte);
	e->res->tlb_misses++;
	e->res->utlb_misses++;
	rc = svc_push(e, v, TRC_SVC_UTLB_MISS);
	if (rc)
		return rc;
	rc = at_rec(e, v, e->ops->tlb_miss(e->vmm, &v->m, asid, vpn, pte));
	if (rc == 0) {
		rc = guest_refill_handler(e, v, asid, vpn);
		if (!rc)
			rc = at_rec(e, v, e->ops->tlb_write(e->vmm, &v->m, asid, vpn, pte));
	}
	v->m.depth--;
	return rc < 0 ? rc : SIM_OK;
}

/* A TLB miss of a SPLASHOS vCPU (paper 4.4: SPLASHOS defers "all page
 * faulting responsibilities directly to Disco").  There is no page table:
 * virtual page = guest physical page, and the monitor alone serves the
 * miss.  The vCPU's first touch of a page is a page fault of the monitor
 * (PAGE-FAULT: exception, the page placed and zeroed if the VM never had
 * it, the TLB write), as IRIX's lazy page-table set-up makes each thread's
 * first touch a fault; a later miss is an L2TLB hit or a refill from the
 * pmap (UTLB-MISS).  A pair's other half is mapped only if this vCPU
 * touched it, as IRIX's PTE pair holds only what the thread faulted in. */
static int splashos_miss(struct eng *e, struct vcpu *v, uint64_t vpn)
{
	struct vmm_pte pte[2];
	uint64_t pages = e->vmm->vm[v->m.vm].pages;
	int first, rc;

	if (vpn >= pages)
		return fail_rec(e, v, SIM_EINVAL,
				"reference to virtual page 0x%" PRIx64 ", beyond the SPLASHOS VM's %" PRIu64
				" pages (its virtual pages are its guest physical pages)", vpn, pages);
	first = !v->touched[vpn];
	v->touched[vpn] = 1;
	for (int h = 0; h < 2; h++) {
		uint64_t p = (vpn & ~1ull) | (uint64_t)h;
		memset(&pte[h], 0, sizeof pte[h]);
		pte[h].gppn = p;
		pte[h].valid = p < pages && v->touched[p];
		pte[h].writable = 1;
	}
	e->res->tlb_misses++;
	e->res->utlb_misses++;
	rc = svc_push(e, v, first ? TRC_SVC_PAGE_FAULT : TRC_SVC_UTLB_MISS);
	if (rc)
		return rc;
	rc = at_rec(e, v, vmm_splashos_miss(e->vmm, &v->m, vpn, pte, first));
	v->m.depth--;
	return rc;
}

/* translate() when v's remembered translation does not hold: the TLB (or
 * the monitor's KSEG0 mapping), a refill if it misses, and the new one
 * remembered. */
static __attribute__((noinline)) int translate_slow(struct eng *e, struct vcpu *v, int kseg0, uint64_t vpn,
						    struct xlate *t, uint64_t *mpn)
{
	uint64_t pfn;
	int w, rc;

	if (kseg0) {
		rc = at_rec(e, v, e->ops->kseg0(e->vmm, &v->m, vpn, &pfn, &w));
		if (rc)
			return rc;
	} else {
		if (!tlb_lookup(machine_tlb(e->m, v->m.cpu), v->m.asid, vpn, &pfn, &w)) {
			rc = tlb_miss(e, v, vpn);
			if (rc)
				return rc;
			if (!tlb_lookup(machine_tlb(e->m, v->m.cpu), v->m.asid, vpn, &pfn, &w))
				return sim_errf(e->err, SIM_EINTERNAL, "translate: TLB fill did not stick");
		}
	}
	t->key = XL_KEY(vpn, kseg0);
	t->gppn = pmap_owner(e->vmm->pm, pfn);
	if (t->gppn == PMAP_SHARED) {
		/* shared by several guest pages: this one is the guest's own */
		const struct vmm_vm *vm = &e->vmm->vm[v->m.vm];
		long i = kseg0 || v->touched ? -1 : gpt_find(&e->gpt, v->m.asid, vpn);
		if (v->touched && !kseg0)
			i = -2;   /* SPLASHOS: the virtual page is the guest page */
		else if (!kseg0 && i < 0)
			return sim_errf(e->err, SIM_EINTERNAL, "translate: a TLB entry with no PTE");
		t->gppn = vm->base + (kseg0 || i == -2 ? vpn : (gpt_val(&e->gpt, i) & GPT_GPPN_MASK));
	}
	t->writable = (uint8_t)(w != 0);
	t->mpn = pfn;
	*mpn = pfn;
	return SIM_OK;
}

/* Forget what v remembers of pages vpn and vpn + 1 of one segment. */
static inline void xl_forget_pages(struct vcpu *v, uint64_t vpn, int kseg0)
{
	unsigned s = (unsigned)vpn & (XL_WAYS - 1), s1 = (unsigned)(vpn + 1) & (XL_WAYS - 1);
	for (int x = 0; x < 2; x++) {
		struct xlate *t = v->xl[x];
		if (t[s].key == XL_KEY(vpn, kseg0))
			t[s].key = 0;
		if (t[s1].key == XL_KEY(vpn + 1, kseg0))
			t[s1].key = 0;
	}
}

/* Forget what v remembers of the TLB's pair vpn2: its two pages, and the
 * KSEG0 pages the monitor relocates there (e->kseg0_pages of them from
 * virtual page kseg0_vpn; none natively, where KSEG0 bypasses the TLB). */
static inline void xl_forget_pair(const struct eng *e, struct vcpu *v, uint64_t vpn2)
{
	uint64_t vpn = vpn2 << 1;
	xl_forget_pages(v, vpn, 0);
	if (vpn - e->kseg0_vpn < e->kseg0_pages)
		xl_forget_pages(v, vpn - e->kseg0_vpn, 1);
}

/* vmm->forget_pairs: cpu's TLB (every TLB when cpu < 0) changed pairs vpn2
 * and gone.  Every vCPU whose translations came from a TLB is on its CPU
 * (place_vcpu forgets them all when a vCPU moves), so only those forget,
 * and only those pairs: the rest of what they remember still holds. */
static void xl_forget(void *ctx, int cpu, uint64_t vpn2, uint64_t gone)
{
	struct eng *e = ctx;
	for (int i = 0; i < e->nvcpus; i++) {
		struct vcpu *v = &e->v[i];
		if (cpu >= 0 && v->m.cpu != cpu)
			continue;
		xl_forget_pair(e, v, vpn2);
		if (gone != TLB_NO_PAIR)
			xl_forget_pair(e, v, gone);
	}
}

/* Forget every translation v remembers (keep_kseg0: but KSEG0's, which
 * no ASID tags). */
static void xl_forget_vcpu(struct vcpu *v, int keep_kseg0)
{
	for (int x = 0; x < 2; x++)
		for (int k = 0; k < XL_WAYS; k++)
			if (!keep_kseg0 || !(v->xl[x][k].key & XL_KEY(0, 1)))
				v->xl[x][k].key = 0;
}

/* vmm->forget_all: anything in cpu's TLB (every CPU's, and the pmap, when
 * cpu < 0) may have changed. */
static void xl_forget_all(void *ctx, int cpu)
{
	struct eng *e = ctx;
	for (int i = 0; i < e->nvcpus; i++)
		if (cpu < 0 || e->v[i].m.cpu == cpu)
			xl_forget_vcpu(&e->v[i], 0);
}

/* ---- records ---- */

static int insn_run_ok(struct eng *e, struct vcpu *v, uint64_t left)
{
	if (left == 0)
		return fail_rec(e, v, SIM_EINVAL, "instruction run of length 0");
	if (left > e->max_insn_run)
		return fail_rec(e, v, SIM_EINVAL, "instruction run of %" PRIu64 " instructions, more than "
				"replay.max_insn_run (%" PRIu64 "): raise it if the trace is right",
				left, e->max_insn_run);
	return SIM_OK;
}

/* What the common loop (run_refs) counts of its records, added to the
 * run's and the CPU's counts once at its end: sums, which nothing reads
 * while the loop runs (the CPU does not change within it), so the same
 * numbers as counting each record as it is done.  It also holds what the
 * records need of e and v that does not change while they run (the
 * machine, the CPU, the idle state, the page and line sizes; acc_init):
 * read once into locals, where the counters' stores cannot make the
 * compiler load them again. */
struct refs_acc {
	uint64_t insns, loads, stores;
	uint64_t cycles;             /* the runs' instruction cycles, charged to `cat` */
	int cat;                     /* -1: none pending */
	machine *m;                  /* e->m */
	int cpu;                     /* v->m.cpu */
	int idle;                    /* v->m.idle */
	unsigned pshift;             /* e->pshift */
	uint64_t pmask;              /* e->pmask */
	uint64_t line_i;             /* e->line_i */
	uint64_t max_run;            /* e->max_insn_run */
};

static inline void acc_init(const struct eng *e, const struct vcpu *v, struct refs_acc *a)
{
	*a = (struct refs_acc){ .cat = -1, .m = e->m, .cpu = v->m.cpu, .idle = v->m.idle,
				.pshift = e->pshift, .pmask = e->pmask, .line_i = e->line_i,
				.max_run = e->max_insn_run };
}

/* guest_cat() from a's copy of the idle state: ACCT_USER or ACCT_KERNEL
 * is the record's kernel flag itself. */
_Static_assert(ACCT_USER == 0 && ACCT_KERNEL == TRC_F_KERNEL, "a category is the kernel flag");
static inline int acc_cat(const struct refs_acc *a, unsigned flags)
{
	return a->idle ? ACCT_IDLE : (int)(flags & TRC_F_KERNEL);
}

/* Charge a's pending instruction cycles (category a->cat) to v: the same
 * sums as charging each line's when it ran, as long as v's innermost
 * service is the one open when they ran (a refill opens and closes its
 * own within a translation, so one is charged before any call that could
 * leave a service open: only the caller's records between flushes). */
static inline void acc_charge(struct vcpu *v, struct refs_acc *a)
{
	if (a->cycles) {
		vcpu_charge(&v->m, a->cat, ACCT_SPLIT_KERNEL, a->cycles);
		a->cycles = 0;
	}
}

/* The remembered translation of va (a reference with flags) of kind x,
 * and in *key the key it holds if it translates va: translate()'s inline
 * half.  KSEG0_MASK is ~0 >> 35, so the segment's mask is an or, not a
 * branch. */
_Static_assert(KSEG0_MASK == ~0ull >> 35 && TRC_F_KSEG0 == 2, "the KSEG0 mask and flag");
static inline __attribute__((always_inline)) struct xlate *xl_slot(struct vcpu *v, uint64_t va,
								   unsigned flags, int x, unsigned pshift,
								   uint64_t *key)
{
	uint64_t kseg0 = (flags & TRC_F_KSEG0) >> 1;
	uint64_t vpn = (va & (KSEG0_MASK | (kseg0 - 1))) >> pshift;
	*key = XL_KEY(vpn, kseg0);
	return &v->xl[x][vpn & (XL_WAYS - 1)];
}

/* Translate virtual address va for vCPU v; kind 0 instruction, 1 data;
 * *used: the remembered translation it went through.  The common case, a
 * page v's references of that kind used lately, inline.  a: the common
 * loop's pending sums (NULL elsewhere), charged before a miss, which may
 * open a refill's service. */
static inline __attribute__((always_inline)) int translate(struct eng *e, struct vcpu *v, uint64_t va,
							   unsigned flags, int x, unsigned pshift,
							   uint64_t *mpn, const struct xlate **used,
							   struct refs_acc *a)
{
	uint64_t key;
	struct xlate *t = xl_slot(v, va, flags, x, pshift, &key);

	*used = t;
	if (__builtin_expect(t->key == key, 1)) {
		*mpn = t->mpn;
		return SIM_OK;
	}
	if (a)
		acc_charge(v, a);
	return translate_slow(e, v, (int)(key >> 1 & 1), key >> 2, t, mpn);
}

static inline void acc_flush(struct eng *e, struct vcpu *v, struct refs_acc *a)
{
	struct rpl_results *res = e->res;
	struct acct_cpu *c = &res->cpu[v->m.cpu];
	acc_charge(v, a);
	res->instructions += a->insns;
	c->instructions += a->insns;
	res->loads += a->loads;
	c->loads += a->loads;
	res->stores += a->stores;
	c->stores += a->stores;
	a->insns = a->loads = a->stores = 0;
}

/* An instruction run: one fetch per L1 I line it spans, its instructions'
 * cycles one each.  The clock moves line by line (a miss's stall depends
 * on it), in a local written back before anything that reads it; the
 * cycles are added to a's at once (acc_charge), all of one category: a
 * translation's refill in between charges them early, to the service open
 * before and after it, so the sums are the same. */
static inline __attribute__((always_inline)) int do_insn(struct eng *e, struct vcpu *v, const struct trc_rec *r,
							 struct refs_acc *a, const int lg_ways)
{
	uint64_t pc = r->addr, left = r->id, page = UINT64_MAX, mpn = 0, now;
	const unsigned flags = r->flags, pshift = a->pshift;
	const uint64_t line = a->line_i, pmask = a->pmask;
	const int cat = acc_cat(a, flags);
	machine *const m = a->m;
	const int cpu = a->cpu;

	if (__builtin_expect(left - 1 >= a->max_run, 0))   /* 0, or above the bound */
		return insn_run_ok(e, v, left);
	if (a->cycles && a->cat != cat)
		acc_charge(v, a);
	a->cat = cat;
	a->insns += left;
	a->cycles += left;
	now = v->m.clock;
	while (left > 0) {
		/* instructions up to the end of this cache line */
		uint64_t k = (line - (pc & (line - 1))) / 4;
		unsigned where;
		uint32_t st;
		if (k > left)
			k = left;
		if (k == 0)
			k = 1;
		if (pc >> pshift != page) {
			/* a run's later lines in the same page: the same translation,
			 * as nothing between them changes a TLB or the pmap */
			uint64_t key;
			const struct xlate *t = xl_slot(v, pc, flags, 0, pshift, &key);
			if (__builtin_expect(t->key == key, 1)) {
				mpn = t->mpn;
			} else {
				uint64_t got;   /* mpn's address not taken: it stays in a register */
				int rc;
				v->m.clock = now;
				acc_charge(v, a);
				rc = translate_slow(e, v, (int)(key >> 1 & 1), key >> 2, (struct xlate *)t, &got);
				if (rc)
					return rc;
				mpn = got;
				now = v->m.clock;
			}
			page = pc >> pshift;
		}
		st = machine_ref_ways(m, cpu, (mpn << pshift) | (pc & pmask), MACH_IFETCH, now, &where,
				      lg_ways);
		if (st) {
			v->m.clock = now;
			vcpu_stall(&v->m, cat, ACCT_SPLIT_KERNEL, st, where);
			now = v->m.clock;
		}
		now += k;
		pc += k * 4;
		left -= k;
	}
	v->m.clock = now;
	return SIM_OK;
}

/* A load (store 0) or a store (1): a constant where it is inlined. */
static inline __attribute__((always_inline)) int do_mem(struct eng *e, struct vcpu *v, const struct trc_rec *r,
							struct refs_acc *a, const int store, const int lg_ways)
{
	uint64_t mpn;
	unsigned where;
	uint32_t st;
	const struct xlate *t;
	const unsigned flags = r->flags, pshift = a->pshift;
	const uint64_t va = r->addr;
	int rc = translate(e, v, va, flags, 1, pshift, &mpn, &t, a);
	if (rc)
		return rc;
	if (store && !t->writable && e->ops == &vmm_disco_ops) {
		/* perhaps a write to a shared or replicated page: the monitor's
		 * protection fault */
		uint64_t g = t->gppn;
		int retry;
		acc_charge(v, a);
		rc = at_rec(e, v, vmm_write_fault(e->vmm, &v->m, g, &retry));
		if (!rc && retry)
			rc = translate(e, v, va, flags, 1, pshift, &mpn, &t, NULL);
		if (rc)
			return rc;
	}
	if (store)
		a->stores++;
	else
		a->loads++;
	st = machine_ref_ways(a->m, a->cpu, (mpn << pshift) | (va & a->pmask),
			      store ? MACH_STORE : MACH_LOAD, v->m.clock, &where, lg_ways);
	if (st)
		vcpu_stall(&v->m, acc_cat(a, flags), ACCT_SPLIT_KERNEL, st, where);
	if (store && e->vmm->writes)   /* once made: a profile's counts after it exclude it */
		vmm_count_store(e->vmm, t->gppn, mpn);
	return SIM_OK;
}

/* ---- the plain mode (machine/plain.h) ---- */

/* The guest physical address of va for v, from the guest's page table
 * itself: the plain mode's ideal TLB (no refills, no page-table loads).
 * v->xl[x][0] remembers the last page until a PTE record changes the table. */
static inline int plain_translate(struct eng *e, struct vcpu *v, uint64_t va, unsigned flags,
				  int x, uint64_t *gpa)
{
	struct xlate *t = &v->xl[x][0];
	uint64_t vpn = va >> e->pshift;
	long i;

	if (flags & TRC_F_KSEG0) {
		*gpa = va & KSEG0_MASK;
		return SIM_OK;
	}
	if (!(t->key == XL_KEY(vpn, 0) && t->asid == v->m.asid && t->epoch == e->pte_gen)) {
		i = gpt_find(&e->gpt, v->m.asid, vpn);
		if (i < 0)
			return fail_rec(e, v, SIM_EINVAL,
					"reference to virtual page 0x%" PRIx64 " of ASID %u, which has no "
					"page-table entry (no pte.set before it)", vpn, v->m.asid);
		t->key = XL_KEY(vpn, 0);
		t->asid = v->m.asid;
		t->epoch = e->pte_gen;
		t->gppn = gpt_val(&e->gpt, i) & GPT_GPPN_MASK;
	}
	*gpa = t->gppn << e->pshift | (va & e->pmask);
	return SIM_OK;
}

/* One reference to the plain caches, its stall charged: l2.hit_ns for each
 * block the L2 served, latency.local_ns for each memory served. */
static inline void plain_access(struct eng *e, struct vcpu *v, uint64_t gpa, uint32_t size,
				int kind, int cat)
{
	uint32_t l2 = 0, mem = 0;
	plain_ref_inline(e->plain, v->m.cpu, gpa, size, kind, &l2, &mem);
	if (l2)
		vcpu_stall(&v->m, cat, ACCT_SPLIT_KERNEL, l2 * e->mc.l2_hit_cycles, MACH_L2);
	for (; mem; mem--)
		vcpu_stall(&v->m, cat, ACCT_SPLIT_KERNEL, e->mc.local_cycles, MACH_LOCAL);
}

/* An instruction run: one 4-byte fetch per instruction.  A reference is
 * taken to lie in the page of its first byte.  A fetch within the L1 I
 * block of the one before it hits that block and changes nothing: it is
 * only counted (plain_repeat).  So after a fetch that lies in one block,
 * the run's fetches up to that block's end are counted at once. */
static int plain_insn(struct eng *e, struct vcpu *v, const struct trc_rec *r)
{
	uint64_t pc = r->addr, left = r->id, n = left, gpa = 0, repeats = 0;
	uint64_t line = e->line_i, lmask = ~(line - 1);
	int cat = guest_cat(v, r->flags), rc = insn_run_ok(e, v, left);

	if (rc)
		return rc;
	e->res->instructions += left;
	e->res->cpu[v->m.cpu].instructions += left;
	while (left > 0) {
		uint64_t a = e->plain_din ? pc & ~3ull : pc, k;
		if ((rc = plain_translate(e, v, a, r->flags, 0, &gpa)))
			return rc;
		plain_access(e, v, gpa, 4, MACH_IFETCH, cat);
		left--;
		pc += 4;
		if ((a & lmask) != ((a + 3) & lmask))
			continue;   /* it spans two blocks: the next one is fetched */
		/* the next fetches are a + 4, a + 8, ...: those ending in a's block */
		k = ((a & lmask) + line - 4 - a) / 4;
		if (k > left)
			k = left;
		repeats += k;
		left -= k;
		pc += 4 * k;
	}
	plain_repeat(e->plain, v->m.cpu, MACH_IFETCH, repeats);
	vcpu_spend(&v->m, cat, ACCT_SPLIT_KERNEL, n);
	return SIM_OK;
}

static int plain_mem(struct eng *e, struct vcpu *v, const struct trc_rec *r)
{
	int store = r->type == TRC_STORE, rc;
	uint64_t a = r->addr, gpa = 0;
	uint32_t size = r->aux ? r->aux : 1;

	if (e->plain_din) {
		a &= ~3ull;
		size = 4;
	}
	if ((rc = plain_translate(e, v, a, r->flags, 1, &gpa)))
		return rc;
	count_access(e, v, store);
	plain_access(e, v, gpa, size, store ? MACH_STORE : MACH_LOAD, guest_cat(v, r->flags));
	return SIM_OK;
}

/* ASIDs are per VM: the engine tags a guest's ASID with its VM, so that the
 * guest page table, the TLBs and the L2TLBs tell VMs apart (the monitor
 * flushes a CPU's TLB when it changes vCPU, so no two VMs' entries meet in a
 * real TLB either).  VM 0's ASIDs stay as they are. */
#define ASID_VM_SHIFT 24

static int vm_asid(struct eng *e, struct vcpu *v, uint32_t asid, uint32_t *out)
{
	if (e->nvms > 1 && asid >> ASID_VM_SHIFT)
		return fail_rec(e, v, SIM_EINVAL, "ASID %u: a trace of several VMs uses ASIDs below %u",
				asid, 1u << ASID_VM_SHIFT);
	*out = (uint32_t)v->m.vm << ASID_VM_SHIFT | asid;
	return SIM_OK;
}

static int do_pte(struct eng *e, struct vcpu *v, const struct trc_rec *r)
{
	uint32_t asid = 0;
	int rc = vm_asid(e, v, r->id, &asid);
	if (rc)
		return rc;
	e->ops->pte_changed(e->vmm, asid, r->addr);
	e->pte_gen++;
	if (r->type == TRC_PTE_CLEAR) {
		gpt_clear(&e->gpt, asid, r->addr);
		return SIM_OK;
	}
	if (r->val >= e->vmm->vm[v->m.vm].pages)
		return fail_rec(e, v, SIM_EINVAL,
				"pte.set maps guest page 0x%" PRIx64 ", beyond the VM's %" PRIu64
				" pages (vm.mem.size)", r->val, e->vmm->vm[v->m.vm].pages);
	if (gpt_set(&e->gpt, asid, r->addr,
		    r->val | ((uint64_t)(r->aux | TRC_PROT_VALID) << GPT_PROT_SHIFT)) != SIM_OK)
		return sim_errf(e->err, SIM_ENOMEM, "out of memory for the guest page table");
	return SIM_OK;
}

/* A marker RPL_MARK_PT_PAGE: the guest page holding (asid, index)'s PTEs,
 * or none (val 0): the pool again. */
static int pt_page_mark(struct eng *e, struct vcpu *v, const struct trc_rec *r)
{
	uint64_t index = r->val >> RPL_PT_INDEX_SHIFT;
	uint64_t gppn = r->val & ((1ull << RPL_PT_INDEX_SHIFT) - 1);
	uint32_t asid = 0;
	int rc = vm_asid(e, v, r->id, &asid);
	if (rc)
		return rc;
	if (gppn == 0) {
		gpt_clear(&e->ptp, asid, index);
		return SIM_OK;
	}
	if (gppn >= e->vmm->vm[v->m.vm].pages)
		return fail_rec(e, v, SIM_EINVAL,
				"marker pt-page names guest page 0x%" PRIx64 ", beyond the VM's %" PRIu64
				" pages (vm.mem.size)", gppn, e->vmm->vm[v->m.vm].pages);
	if (gpt_set(&e->ptp, asid, index, gppn) != SIM_OK)
		return sim_errf(e->err, SIM_ENOMEM, "out of memory for the guest's page-table pages");
	return SIM_OK;
}

/* A privileged instruction: its cost, and for a TLB write that names its
 * entry, the write (a pair with no valid half maps nothing). */
static int do_priv(struct eng *e, struct vcpu *v, const struct trc_rec *r)
{
	struct vmm_pte pte[2];
	uint32_t asid = 0;
	int rc;
	rc = at_rec(e, v, e->ops->priv(e->vmm, &v->m, r->aux));
	if (rc || !(r->flags & TRC_F_ENTRY))
		return rc;
	rc = vm_asid(e, v, r->id, &asid);
	if (rc)
		return rc;
	for (int h = 0; h < 2; h++)
		guest_pte(e, asid, (r->addr & ~1ull) | (uint64_t)h, &pte[h]);
	if (!pte[0].valid && !pte[1].valid)
		return SIM_OK;
	return at_rec(e, v, e->ops->tlb_put(e->vmm, &v->m, asid, r->addr, pte));
}

static int do_svc(struct eng *e, struct vcpu *v, const struct trc_rec *r)
{
	if (r->type == TRC_SVC_BEGIN) {
		int rc = svc_push(e, v, r->aux);
		if (rc)
			return rc;
		return at_rec(e, v, e->ops->trap(e->vmm, &v->m));
	}
	if (v->m.depth == 0)
		return fail_rec(e, v, SIM_EINVAL, "svc.end %s with no service open",
				trc_service_name(r->aux));
	if (v->m.depth <= VCPU_SVC_DEPTH && v->m.svc[v->m.depth - 1] != r->aux)
		return fail_rec(e, v, SIM_EINVAL, "svc.end %s, but %s is the open service",
				trc_service_name(r->aux), trc_service_name(v->m.svc[v->m.depth - 1]));
	v->m.depth--;
	return SIM_OK;
}

/* ---- synchronization ---- */

static int is_sync(unsigned type)
{
	switch (type) {
	case TRC_LOCK_ACQ: case TRC_LOCK_REL: case TRC_SEM_WAIT: case TRC_SEM_SIGNAL:
	case TRC_DMA_REQ: case TRC_DMA_DONE: case TRC_MARKER: case TRC_NET_SEND: case TRC_NET_RECV:
		return 1;
	}
	return 0;
}

/* Wake w at cycle t (at least its own clock), charging the wait to cat. */
static void wake(struct eng *e, struct vcpu *w, uint64_t t, int cat)
{
	if (t > w->m.clock)
		vcpu_spend(&w->m, cat, ACCT_SPLIT_KERNEL, t - w->m.clock);
	w->state = V_RUN;
	w->pos++;          /* the record it was blocked on is done */
	w->recno++;
	e->res->records++;
}

/* The lock routine's store to the lock word (its test-and-set, or the
 * release): the line comes to v's cache, from the last holder's if it was
 * elsewhere (a communication miss), and its time is synchronization. */
static int lock_word(struct eng *e, struct vcpu *v, const struct trc_rec *r)
{
	uint64_t mpn;
	unsigned where;
	uint32_t st;
	const struct xlate *t;
	int rc;
	if (!r->addr)
		return SIM_OK;
	rc = translate(e, v, r->addr, TRC_F_KERNEL | TRC_F_KSEG0, 1, e->pshift, &mpn, &t, NULL);
	if (rc)
		return rc;
	count_access(e, v, 1);
	st = machine_ref_inline(e->m, v->m.cpu, (mpn << e->pshift) | (r->addr & e->pmask), MACH_STORE,
			 v->m.clock, &where);
	vcpu_stall(&v->m, ACCT_SYNC, ACCT_SPLIT_KERNEL, st, where);
	return SIM_OK;
}

/* Every vCPU is at the boot's end (v the last, or NULL when the others
 * ended without one): they go on together from the latest clock, and the
 * statistics restart there, as the paper measures its workloads after the
 * boot (5.1).  The memory's state, the footprint and its samples, and the
 * counts of what the monitor did to memory (sharing, reclaiming) are kept. */
static void measure_start(struct eng *e, struct vcpu *v)
{
	struct rpl_results *r = e->res;
	uint64_t t = v ? v->m.clock : 0;
	struct vcpu *w;
	for (w = e->boot_q.head; w; w = w->next_waiter)
		if (w->m.clock > t)
			t = w->m.clock;
	while ((w = waitq_pop(&e->boot_q)) != NULL)
		wake(e, w, t, ACCT_IDLE);
	if (v && t > v->m.clock)
		vcpu_spend(&v->m, ACCT_IDLE, ACCT_SPLIT_KERNEL, t - v->m.clock);
	memset(r->cpu, 0, (size_t)r->ncpus * sizeof *r->cpu);
	memset(r->service, 0, sizeof r->service);
	machine_stats_reset(e->m);
	r->instructions = r->loads = r->stores = 0;
	r->tlb_misses = r->utlb_misses = 0;
	r->lock_acquires = r->lock_contended = r->sem_waits_blocked = r->dma_requests = 0;
	{
		/* what the monitor did to memory counts over the whole run, like
		 * the footprint; its events restart with the time */
		struct vmm_counters *k = &e->vmm->cnt, keep = *k;
		memset(k, 0, sizeof *k);
		k->pages_touched = keep.pages_touched;
		k->pages_reclaimed = keep.pages_reclaimed;
		k->diskcache_hits = keep.diskcache_hits;
		k->cow_mapped = keep.cow_mapped;
		k->cow_faults = keep.cow_faults;
		k->cow_writes = keep.cow_writes;
		k->vnet_remapped = keep.vnet_remapped;
		k->vnet_copied = keep.vnet_copied;
		k->hal_remaps = keep.hal_remaps;
	}
	r->measured_from = t;
}

/* A semaphore back at the default count with no waiter is as if never
 * used: it is forgotten, so that a trace may use ever new ids (the smp
 * guest's hand-overs, one semaphore each) in a table of bounded size. */
static void sem_forget(struct eng *e, const struct vcpu *v, const struct sem *s)
{
	if (s->count == 0 && !s->q.head)
		idtab_del(&e->sync[v->m.vm].sems, s->id);
}

/* Returns 1 when v blocked on r (r not consumed), 0 when done, <0 error. */
static int do_sync(struct eng *e, struct vcpu *v, const struct trc_rec *r)
{
	switch (r->type) {
	case TRC_LOCK_ACQ: {
		struct lock *l = idtab_get(&e->sync[v->m.vm].locks, r->id);
		if (!l)
			return sim_errf(e->err, SIM_ENOMEM, "out of memory for locks");
		if (v->lock_granted) {   /* handed over at a release: take the line now */
			v->lock_granted = 0;
			return lock_word(e, v, r);
		}
		if (l->owner == 0) {   /* owner stored +1: 0 free */
			int rc = lock_word(e, v, r);
			if (rc)
				return rc;
			l->owner = (int)(v - e->v) + 1;
			e->res->lock_acquires++;
			return 0;
		}
		if (l->owner == (int)(v - e->v) + 1)
			return fail_rec(e, v, SIM_EINVAL, "lock %u acquired twice by this vCPU", r->id);
		e->res->lock_contended++;
		v->state = V_WAIT_LOCK;
		waitq_push(&l->q, v);
		return 1;
	}
	case TRC_LOCK_REL: {
		struct lock *l = idtab_get(&e->sync[v->m.vm].locks, r->id);
		struct vcpu *w;
		int rc;
		if (!l)
			return sim_errf(e->err, SIM_ENOMEM, "out of memory for locks");
		if (l->owner != (int)(v - e->v) + 1)
			return fail_rec(e, v, SIM_EINVAL, "lock %u released but not held by this vCPU",
					r->id);
		rc = lock_word(e, v, r);
		if (rc)
			return rc;
		w = waitq_pop(&l->q);
		if (w && r->addr) {
			/* it spun until now, then takes the line from this cache
			 * when it runs its acquire again */
			l->owner = (int)(w - e->v) + 1;
			e->res->lock_acquires++;
			if (v->m.clock > w->m.clock)
				vcpu_spend(&w->m, ACCT_SYNC, ACCT_SPLIT_KERNEL, v->m.clock - w->m.clock);
			w->state = V_RUN;
			w->lock_granted = 1;
		} else if (w) {
			l->owner = (int)(w - e->v) + 1;
			e->res->lock_acquires++;
			wake(e, w, v->m.clock, ACCT_SYNC);   /* it spun until now */
		} else {
			l->owner = 0;
		}
		return 0;
	}
	case TRC_SEM_WAIT: {
		struct sem *s = idtab_get(&e->sync[v->m.vm].sems, r->id);
		if (!s)
			return sim_errf(e->err, SIM_ENOMEM, "out of memory for semaphores");
		if (s->count + 1 > 0) {   /* count is stored minus 1: zeroed means 1 */
			s->count--;
			sem_forget(e, v, s);
			return 0;
		}
		e->res->sem_waits_blocked++;
		v->state = V_WAIT_SEM;
		waitq_push(&s->q, v);
		return 1;
	}
	case TRC_SEM_SIGNAL: {
		struct sem *s = idtab_get(&e->sync[v->m.vm].sems, r->id);
		struct vcpu *w;
		if (!s)
			return sim_errf(e->err, SIM_ENOMEM, "out of memory for semaphores");
		w = waitq_pop(&s->q);
		if (w)
			wake(e, w, v->m.clock, ACCT_IDLE);   /* it slept until now */
		else
			s->count++;
		sem_forget(e, v, s);
		return 0;
	}
	case TRC_DMA_REQ: {
		struct dma *d = idtab_get(&e->sync[v->m.vm].dmas, r->id);
		struct vcpu *w;
		uint64_t done_at;
		int rc;
		if (!d)
			return sim_errf(e->err, SIM_ENOMEM, "out of memory for DMA requests");
		if (r->aux >= e->mc.ndisks)
			return fail_rec(e, v, SIM_EINVAL, "DMA to disk %u; the machine has %d (machine.disks)",
					r->aux, e->mc.ndisks);
		if (d->state == DMA_ISSUED)
			return fail_rec(e, v, SIM_EINVAL, "DMA request %u issued twice", r->id);
		e->res->dma_requests++;
		rc = at_rec(e, v, e->ops->dma(e->vmm, &v->m, r->aux, r->addr, r->val,
					     (r->flags & TRC_F_WRITE) != 0, &done_at));
		if (rc)
			return rc;
		d->state = DMA_ISSUED;
		d->done = done_at != UINT64_MAX ? done_at
				  : machine_disk_request(e->m, r->aux, r->addr, r->val * 512, v->m.clock);
		vmm_dma_issued(e->vmm, &v->m, d->done);
		w = waitq_pop(&d->q);
		if (w) {
			/* its completion was already waited for */
			wake(e, w, d->done, ACCT_IDLE);
			d->state = DMA_CONSUMED;
		}
		v->frag_of = TRC_DMA_REQ;
		v->frag_write = (r->flags & TRC_F_WRITE) != 0;
		return 0;
	}
	case TRC_DMA_DONE: {
		struct dma *d = idtab_get(&e->sync[v->m.vm].dmas, r->id);
		if (!d)
			return sim_errf(e->err, SIM_ENOMEM, "out of memory for DMA requests");
		if (d->state != DMA_ISSUED) {
			/* not issued yet in simulated time: wait for it */
			v->state = V_WAIT_IO;
			waitq_push(&d->q, v);
			return 1;
		}
		if (d->done > v->m.clock)
			vcpu_spend(&v->m, ACCT_IDLE, ACCT_SPLIT_KERNEL, d->done - v->m.clock);
		d->state = DMA_CONSUMED;   /* the id may be reused */
		return 0;
	}
	case TRC_NET_SEND: {
		int rc;
		if (r->id >> 24)
			return fail_rec(e, v, SIM_EINVAL, "net.send: message id %u is not below 2^24", r->id);
		rc = at_rec(e, v, vmm_net_send_begin(e->vmm, &v->m, r->aux, r->id));
		if (rc)
			return rc;
		v->frag_of = TRC_NET_SEND;
		return 0;
	}
	case TRC_NET_RECV: {
		struct netwait *n;
		int ready, rc;
		if (r->id >> 24)
			return fail_rec(e, v, SIM_EINVAL, "net.recv: message id %u is not below 2^24", r->id);
		rc = at_rec(e, v, vmm_net_recv_begin(e->vmm, &v->m, r->aux, r->id, &ready));
		if (rc)
			return rc;
		if (ready) {
			v->frag_of = TRC_NET_RECV;
			return 0;
		}
		n = idtab_get(&e->sync[v->m.vm].nets, (uint32_t)r->aux << 24 | r->id);
		if (!n)
			return sim_errf(e->err, SIM_ENOMEM, "out of memory for network waits");
		v->state = V_WAIT_NET;
		waitq_push(&n->q, v);
		return 1;
	}
	case TRC_MARKER:
		if (r->aux == RPL_MARK_PHASE && r->id == 1 && e->after_boot && !v->booted) {
			v->booted = 1;
			if (++e->nbooted < e->nvcpus) {
				v->state = V_WAIT_PHASE;
				waitq_push(&e->boot_q, v);
				return 1;
			}
			measure_start(e, v);
			return 0;
		}
		if (r->aux == RPL_MARK_SEM_INIT) {
			struct sem *s = idtab_get(&e->sync[v->m.vm].sems, r->id);
			if (!s)
				return sim_errf(e->err, SIM_ENOMEM, "out of memory for semaphores");
			s->count = (int64_t)r->val - 1;   /* stored minus the default 1 */
		}
		if (r->aux == RPL_MARK_WARM_PAGE)
			return at_rec(e, v, vmm_page_warm(e->vmm, &v->m, r->val));
		if (r->aux == RPL_MARK_PT_PAGE)
			return pt_page_mark(e, v, r);
		return 0;
	}
	return 0;
}

/* ---- the loop ---- */

static int do_frag(struct eng *e, struct vcpu *v, const struct trc_rec *r)
{
	uint64_t last;
	if (v->frag_of == 0)
		return fail_rec(e, v, SIM_EINVAL, "frag with no DMA or network request before it");
	if (r->val == 0)
		return SIM_OK;
	last = (r->addr + r->val - 1) >> e->pshift;
	if (r->addr + r->val < r->addr || last >= e->vmm->vm[v->m.vm].pages)
		return fail_rec(e, v, SIM_EINVAL,
				"frag 0x%" PRIx64 "+%" PRIu64 " runs beyond the VM's memory (vm.mem.size)",
				r->addr, r->val);
	if (v->frag_of == TRC_NET_SEND || v->frag_of == TRC_NET_RECV)
		return at_rec(e, v, vmm_net_frag(e->vmm, &v->m, r->addr, r->val));
	if (v->frag_of != TRC_DMA_REQ || v->frag_write)
		return SIM_OK;
	/* a DMA into memory: the device writes the pages (caches lose their
	 * copies), or the monitor maps its cached blocks there */
	return at_rec(e, v, vmm_dma_fragment(e->vmm, &v->m, r->addr, r->val));
}

static int is_lowest(const struct eng *e, const struct vcpu *v)
{
	for (int i = 0; i < e->nvcpus; i++) {
		const struct vcpu *u = &e->v[i];
		if (u == v || u->state != V_RUN)
			continue;
		if (u->m.clock < v->m.clock || (u->m.clock == v->m.clock && u < v))
			return 0;
	}
	return 1;
}

/* ---- completion interrupts (RPL_MARK_INTR) ---- */

static void intr_recompute(struct vcpu *v)
{
	v->intr_next = UINT64_MAX;
	for (size_t k = 0; k < v->nintr; k++)
		if (v->intr[k].done < v->intr_next)
			v->intr_next = v->intr[k].done;
}

static int fetch(struct eng *e, struct vcpu *v);

/* The marker r (RPL_MARK_INTR) at v->pos: hold the r->val records after it
 * as the handler of DMA request r->id's completion, to run when the disk is
 * done.  Leaves v->pos at the last of them. */
static int intr_hold(struct eng *e, struct vcpu *v, const struct trc_rec *r)
{
	struct dma *d = idtab_get(&e->sync[v->m.vm].dmas, r->id);
	uint32_t id = r->id;
	uint64_t n = r->val;
	struct intr *it;
	if (!d)
		return sim_errf(e->err, SIM_ENOMEM, "out of memory for DMA requests");
	if (v->in_intr)
		return fail_rec(e, v, SIM_EINVAL, "completion interrupt inside a completion interrupt");
	if (d->state != DMA_ISSUED)
		return fail_rec(e, v, SIM_EINVAL, "completion interrupt of DMA request %u, which is "
				"not in flight", id);
	if (n > RPL_INTR_MAX)
		return fail_rec(e, v, SIM_EINVAL, "completion interrupt of %" PRIu64 " records (at "
				"most %d)", n, RPL_INTR_MAX);
	for (size_t k = 0; k < v->nintr; k++)
		if (v->intr[k].id == id)
			return fail_rec(e, v, SIM_EINVAL, "two completion interrupts of DMA request %u",
					id);
	if (v->nintr == v->intr_cap) {
		size_t cap = v->intr_cap ? 2 * v->intr_cap : 8;
		void *p = sim_realloc(v->intr, cap * sizeof *v->intr);
		if (!p)
			return sim_errf(e->err, SIM_ENOMEM, "out of memory for interrupts");
		v->intr = p;
		v->intr_cap = cap;
	}
	it = &v->intr[v->nintr];
	*it = (struct intr){ .id = id, .done = d->done, .n = (size_t)n };
	if (n && !(it->recs = sim_malloc((size_t)n * sizeof *it->recs)))
		return sim_errf(e->err, SIM_ENOMEM, "out of memory for interrupts");
	v->nintr++;
	for (uint64_t k = 0; k < n; k++) {
		int rc;
		v->pos++;
		v->recno++;
		if ((rc = fetch(e, v)))
			return rc;
		if (v->state == V_DONE)
			return sim_errf(e->err, SIM_EINVAL, "stream %d ends inside the completion "
					"interrupt of DMA request %u", (int)(v - e->v), id);
		it = &v->intr[v->nintr - 1];
		it->recs[k] = v->recs[v->pos];
		if (it->recs[k].type == TRC_MARKER &&
		    (it->recs[k].aux == RPL_MARK_INTR || it->recs[k].aux == RPL_MARK_INTR_WAIT))
			return fail_rec(e, v, SIM_EINVAL, "completion interrupt inside a completion "
					"interrupt");
	}
	intr_recompute(v);
	return SIM_OK;
}

/* Take v's earliest pending interrupt now: its records run next, then
 * the stream from where it stopped (v->pos unexecuted). */
static void intr_take(struct eng *e, struct vcpu *v)
{
	size_t k = 0;
	struct intr it;
	for (size_t j = 1; j < v->nintr; j++)
		if (v->intr[j].done < v->intr[k].done)
			k = j;
	it = v->intr[k];
	v->intr[k] = v->intr[--v->nintr];
	intr_recompute(v);
	v->save_recs = v->recs;
	v->save_nrecs = v->nrecs;
	v->save_pos = v->pos;
	v->save_recno = v->recno;
	v->save_idle = v->m.idle;
	v->m.idle = 0;   /* the handler runs in the kernel, out of the idle loop */
	v->in_intr = 1;
	v->intr_recs = it.recs;
	v->recs = it.recs;
	v->nrecs = it.n;
	v->pos = 0;
	e->res->dma_interrupts++;
	if (e->src->interrupt)
		e->src->interrupt(e->src->ctx, (uint32_t)(v - e->v), it.id);
}

/* Whether v holds the interrupt of request id. */
static int intr_pending(const struct vcpu *v, uint32_t id)
{
	for (size_t k = 0; k < v->nintr; k++)
		if (v->intr[k].id == id)
			return 1;
	return 0;
}

/* Make sure v->recs[v->pos] exists, or mark v done. */
static int fetch(struct eng *e, struct vcpu *v)
{
	while (v->pos >= v->nrecs) {
		const struct trc_rec *recs;
		size_t n;
		int rc;
		if (v->in_intr) {   /* the handler is over: back to the stream */
			v->in_intr = 0;
			sim_free(v->intr_recs);
			v->intr_recs = NULL;
			v->recs = v->save_recs;
			v->nrecs = v->save_nrecs;
			v->pos = v->save_pos;
			v->recno = v->save_recno;
			v->m.idle = v->save_idle;
			continue;
		}
		rc = e->src->next_block(e->src->ctx, (uint32_t)(v - e->v), &recs, &n, e->err);
		if (rc)
			return rc;
		if (n == 0) {
			v->state = V_DONE;
			return SIM_OK;
		}
		v->recs = recs;
		v->nrecs = n;
		v->pos = 0;
	}
	return SIM_OK;
}

/* Put v on the CPU the scheduler wants now; a CPU that changes vCPU under
 * the monitor flushes its TLB. */
static void place_vcpu(struct eng *e, struct vcpu *v)
{
	int idx = (int)(v - e->v);
	int c = e->sched->cpu_for(e->sched_st, idx, v->m.clock);
	if (c == v->m.cpu && e->cpu_last_vcpu[c] == idx)
		return;
	/* the remembered translations came from the old CPU's TLB, whose
	 * changes the monitor reports to the vCPUs on that CPU only */
	if (c != v->m.cpu)
		xl_forget_vcpu(v, 0);
	v->m.cpu = c;
	if (e->cpu_last_vcpu[c] != idx) {
		if (e->cpu_last_vcpu[c] >= 0)
			e->ops->vcpu_switch(e->vmm, &v->m, c);
		e->cpu_last_vcpu[c] = idx;
	}
}

/* Sample the footprint at simulated cycle `now` (the lowest clock: the
 * vCPU about to run), at most every footprint_interval cycles.  Past 65536
 * samples every other one goes and the interval doubles. */
static int sample_footprint(struct eng *e, uint64_t now)
{
	struct rpl_results *r = e->res;
	if (r->nsamples == e->samples_cap) {
		if (r->nsamples >= 65536) {
			for (size_t i = 0; i < r->nsamples / 2; i++)
				r->samples[i] = r->samples[2 * i];
			r->nsamples /= 2;
			r->footprint_interval *= 2;
		} else {
			size_t cap = e->samples_cap ? 2 * e->samples_cap : 64;
			void *p = sim_realloc(r->samples, cap * sizeof *r->samples);
			if (!p)
				return sim_errf(e->err, SIM_ENOMEM, "out of memory for footprint samples");
			r->samples = p;
			e->samples_cap = cap;
		}
	}
	r->samples[r->nsamples].cycle = now;
	vmm_footprint(e->vmm, &r->samples[r->nsamples].fp);
	r->nsamples++;
	e->next_sample = (now / r->footprint_interval + 1) * r->footprint_interval;
	return SIM_OK;
}

/* v's fragments are over: a message sent is complete (its receiver, if
 * waiting, gets it now), a message received is done with. */
static int frags_end(struct eng *e, struct vcpu *v)
{
	int dst, ready, rc;
	uint32_t key;
	if (v->frag_of == TRC_NET_RECV)
		vmm_net_recv_end(e->vmm, &v->m);
	if (v->frag_of == TRC_NET_SEND && vmm_net_send_end(e->vmm, &v->m, &dst, &key)) {
		struct netwait *n = idtab_get(&e->sync[dst].nets, key);
		struct vcpu *w;
		if (!n)
			return sim_errf(e->err, SIM_ENOMEM, "out of memory for network waits");
		w = waitq_pop(&n->q);
		if (w) {
			wake(e, w, v->m.clock, ACCT_IDLE);   /* it slept until now */
			rc = at_rec(e, w, vmm_net_recv_begin(e->vmm, &w->m, (int)(key >> 24),
							     key & 0xffffff, &ready));
			if (rc)
				return rc;
			w->frag_of = TRC_NET_RECV;
		}
	}
	v->frag_of = 0;
	return SIM_OK;
}

/* Record v->pos is done: the next one, counted; the monitor's queued page
 * moves, if any, are made now. */
static inline int rec_done(struct eng *e, struct vcpu *v)
{
	v->pos++;
	v->recno++;
	e->res->records++;
	return e->vmm->nhot ? vmm_numa_process(e->vmm, &v->m) : SIM_OK;
}

/* run_slice()'s common case: v's runs, loads and stores from v->pos on,
 * while its clock is below `until` (the first record) and `stop` (the
 * others); *first and *ran cleared and set once one ran.  plain: the
 * plain mode's; lg_ways: the L1s' ways as machine_ref_ways takes them
 * (constants where it is inlined).  Outside the plain mode
 * the records' counts and their instructions' cycles are added up in a
 * refs_acc and given to the run's tables at the end (acc_flush), the
 * records' as the records passed; before a queued page move, which
 * charges the monitor's time, the pending cycles are charged. */
static inline __attribute__((always_inline)) int run_refs(struct eng *e, struct vcpu *v, uint64_t until,
							  uint64_t stop, int *first, int *ran, const int plain,
							  const int lg_ways)
{
	uint64_t lim = *first ? until : stop;
	struct refs_acc a;
	int rc = SIM_OK;
	if (plain) {
		while (v->pos < v->nrecs && v->m.clock < lim) {
			const struct trc_rec *r = &v->recs[v->pos];
			if ((unsigned)(r->type - TRC_INSN) > TRC_STORE - TRC_INSN)
				break;
			rc = r->type == TRC_INSN ? plain_insn(e, v, r) : plain_mem(e, v, r);
			if (rc || (rc = rec_done(e, v)))
				break;
			*first = 0;
			lim = stop;
			*ran = 1;
		}
		return rc;
	}
	/* the place in locals, stored as it moves (an error's message names
	 * v->recno); nothing the records call changes the block or nhot's
	 * place */
	const struct trc_rec *const recs = v->recs;
	const size_t n = v->nrecs, pos0 = v->pos;
	size_t pos = pos0;
	uint64_t recno = v->recno;
	const int *const nhot = &e->vmm->nhot;
	acc_init(e, v, &a);
	while (pos < n && v->m.clock < lim) {
		const struct trc_rec *r = &recs[pos];
		if (r->type == TRC_INSN)
			rc = do_insn(e, v, r, &a, lg_ways);
		else if (r->type == TRC_LOAD)
			rc = do_mem(e, v, r, &a, 0, lg_ways);
		else if (r->type == TRC_STORE)
			rc = do_mem(e, v, r, &a, 1, lg_ways);
		else
			break;
		if (rc)
			break;
		v->pos = ++pos;
		v->recno = ++recno;
		if (*nhot) {
			acc_charge(v, &a);
			if ((rc = vmm_numa_process(e->vmm, &v->m)))
				break;
		}
		lim = stop;
	}
	if (pos != pos0) {
		*first = 0;
		*ran = 1;
	}
	e->res->records += pos - pos0;
	acc_flush(e, v, &a);
	return rc;
}

static int run_slice(struct eng *e, struct vcpu *v)
{
	uint64_t end = v->m.clock + e->quantum;
	uint64_t change = e->sched->next_change(e->sched_st, v->m.clock);
	int first = 1, rc;

	if (change < end)
		end = change;
	if (e->vmm->mig)
		vmm_numa_tick(e->vmm, &v->m);
	if (v->m.clock >= e->next_sample) {
		rc = sample_footprint(e, v->m.clock);
		if (rc)
			return rc;
	}
	place_vcpu(e, v);
	while (v->state == V_RUN && (first || v->m.clock < end)) {
		const struct trc_rec *r;
		if (!v->frag_of) {
			/* the common case, runs, loads and stores with nothing
			 * pending before them (a block to fetch, fragments to end,
			 * an interrupt due), in a loop of their own: what the
			 * general path below does for each (none of them changes
			 * the state, the fragments or the interrupts) */
			uint64_t until = v->in_intr ? UINT64_MAX : v->intr_next;
			/* the clock's bound: until, and from the second record on end too */
			uint64_t stop = until < end ? until : end;
			int ran = 0;
			/* two-way L1s, the R10000's and every preset's, get a loop of
			 * their own */
			if (e->plain)
				rc = run_refs(e, v, until, stop, &first, &ran, 1, -1);
			else if (e->mc.l1i.ways == 2 && e->mc.l1d.ways == 2)
				rc = run_refs(e, v, until, stop, &first, &ran, 0, 1);
			else
				rc = run_refs(e, v, until, stop, &first, &ran, 0, -1);
			if (rc)
				return rc;
			if (ran)
				continue;
		}
		rc = fetch(e, v);
		if (rc)
			return rc;
		if (v->state == V_DONE && v->nintr) {
			/* the stream ended before its disks: their interrupts still come */
			rc = frags_end(e, v);
			if (rc)
				return rc;
			v->state = V_RUN;
			if (v->intr_next > v->m.clock)
				vcpu_spend(&v->m, ACCT_IDLE, ACCT_SPLIT_KERNEL, v->intr_next - v->m.clock);
			v->recs = NULL;
			v->nrecs = v->pos = 0;
			intr_take(e, v);
			continue;
		}
		if (v->state == V_DONE) {
			rc = frags_end(e, v);
			if (rc)
				return rc;
			break;
		}
		r = &v->recs[v->pos];
		if (r->type != TRC_FRAG && v->frag_of) {
			rc = frags_end(e, v);
			if (rc)
				return rc;
		}
		if (!v->in_intr && r->type != TRC_FRAG) {
			if (v->m.clock >= v->intr_next) {   /* the disk is done: its interrupt */
				intr_take(e, v);
				continue;
			}
			if (r->type == TRC_MARKER && r->aux == RPL_MARK_INTR_WAIT &&
			    intr_pending(v, r->id)) {
				/* idle until the next interrupt; the wait is looked at
				 * again once it has run */
				vcpu_spend(&v->m, ACCT_IDLE, ACCT_SPLIT_KERNEL, v->intr_next - v->m.clock);
				intr_take(e, v);
				continue;
			}
			if (r->type == TRC_MARKER && r->aux == RPL_MARK_INTR) {
				if ((rc = intr_hold(e, v, r)))
					return rc;
				v->pos++;
				v->recno++;
				e->res->records++;
				first = 0;
				continue;
			}
		}
		if (is_sync(r->type)) {
			if (!first && !is_lowest(e, v))
				break;
			rc = do_sync(e, v, r);
			if (rc < 0)
				return rc;
			if (rc == 1)
				break;   /* blocked on r */
		} else {
			switch (r->type) {
			case TRC_INSN: case TRC_LOAD: case TRC_STORE:
				if (e->plain) {
					rc = r->type == TRC_INSN ? plain_insn(e, v, r) : plain_mem(e, v, r);
				} else {
					struct refs_acc a;
					acc_init(e, v, &a);
					rc = r->type == TRC_INSN ? do_insn(e, v, r, &a, -1) :
					     do_mem(e, v, r, &a, r->type == TRC_STORE, -1);
					acc_flush(e, v, &a);
				}
				break;
			case TRC_PTE_SET: case TRC_PTE_CLEAR: rc = do_pte(e, v, r); break;
			case TRC_ASID: {
				uint32_t old = v->m.asid;
				rc = vm_asid(e, v, r->id, &v->m.asid);
				if (v->m.asid != old)   /* what it remembers was of the old ASID */
					xl_forget_vcpu(v, 1);
				break;
			}
			case TRC_SVC_BEGIN: case TRC_SVC_END: rc = do_svc(e, v, r); break;
			case TRC_PRIV: rc = do_priv(e, v, r); break;
			case TRC_MONCALL:
				rc = at_rec(e, v, e->ops->moncall(e->vmm, &v->m, r->aux, r->addr,
								  r->val));
				break;
			case TRC_FRAG: rc = do_frag(e, v, r); break;
			case TRC_IDLE_BEGIN: v->m.idle = 1; rc = SIM_OK; break;
			case TRC_IDLE_END: v->m.idle = 0; rc = SIM_OK; break;
			case TRC_PAGE_ALLOC: case TRC_PAGE_FREE:
				rc = at_rec(e, v, vmm_page_record(e->vmm, &v->m, r->addr, r->aux,
								 r->type == TRC_PAGE_ALLOC));
				break;
			default: rc = SIM_OK; break;   /* TIME */
			}
			if (rc)
				return rc;
		}
		if ((rc = rec_done(e, v)))
			return rc;
		first = 0;
	}
	return SIM_OK;
}

/* Run slices until `until` records are done or no vCPU can run (*done). */
static int loop(struct eng *e, uint64_t until, int *done)
{
	*done = 0;
	while (e->res->records < until) {
		struct vcpu *best = NULL;
		int rc;
		for (int i = 0; i < e->nvcpus; i++) {
			struct vcpu *u = &e->v[i];
			if (u->state == V_RUN && (!best || u->m.clock < best->m.clock))
				best = u;
		}
		if (!best && e->boot_q.head) {
			/* the others ended without a boot: measure from here */
			measure_start(e, NULL);
			continue;
		}
		if (!best) {
			*done = 1;
			return SIM_OK;
		}
		rc = run_slice(e, best);
		if (rc)
			return rc;
		if (e->progress && e->res->records >= e->next_progress) {
			e->progress(e->progress_ctx, e->res->records, best->m.clock);
			e->next_progress = e->res->records + (1u << 22);
		}
	}
	return SIM_OK;
}

static const char *state_name(int s)
{
	switch (s) {
	case V_WAIT_LOCK: return "a lock";
	case V_WAIT_SEM: return "a semaphore";
	case V_WAIT_IO: return "a DMA completion";
	case V_WAIT_NET: return "a network message";
	case V_WAIT_PHASE: return "the other vCPUs' boot";
	}
	return "?";
}

/* The monitor's own counts, into the results. */
static void collect_counters(struct rpl_results *r, const struct vmm_counters *k)
{
	r->tlb_misses += k->tlb_misses;
	r->ktlb_faults = k->ktlb_faults;
	r->l2tlb_hits = k->l2tlb_hits;
	r->l2tlb_misses = k->l2tlb_misses;
	r->priv_emulated = k->priv_emulated;
	r->moncalls = k->moncalls;
	r->pages_touched = k->pages_touched;
	r->pages_reclaimed = k->pages_reclaimed;
	r->hot_pages = k->hot_pages;
	r->hot_dropped = k->hot_dropped;
	r->migrations = k->migrations;
	r->replications = k->replications;
	r->collapses = k->collapses;
	r->shootdowns = k->shootdowns;
	r->diskcache_hits = k->diskcache_hits;
	r->cow_mapped = k->cow_mapped;
	r->cow_faults = k->cow_faults;
	r->cow_writes = k->cow_writes;
	r->vnet_remapped = k->vnet_remapped;
	r->vnet_copied = k->vnet_copied;
	r->hal_remaps = k->hal_remaps;
	r->vnet_cycles = k->vnet_cycles;
}

_Static_assert(MACH_LEVEL_L1I == 0 && MACH_LEVEL_L2 == 2 && MACH_NLEVELS == 3 &&
	       RPL_CI_l2_bytes_to_mem == RPL_CI_l1i_fetches + 3 * RPL_CACHE_PER_LEVEL - 1,
	       "the cache counters follow machine_level_stats, level by level");

/* The caches' statistics per level, summed over CPUs (replay/counters.h). */
static void collect_caches(struct eng *e)
{
	struct rpl_results *r = e->res;
	for (int c = 0; c < e->ncpus; c++) {
		struct machine_level_stats ls[MACH_NLEVELS];
		if (e->plain) {
			plain_stats(e->plain, c, ls);
		} else {
			machine_cache_stats(e->m, c, ls);
			/* Every instruction is a fetch.  do_insn presents the
			 * instructions of a run that fall in one L1 I line as one
			 * reference: the others hit that line, and LRU order is the
			 * same as if each were presented. */
			ls[MACH_LEVEL_L1I].access[MACH_IFETCH] = r->cpu[c].instructions;
		}
		for (int lv = 0; lv < MACH_NLEVELS; lv++) {
			const struct machine_level_stats *l = &ls[lv];
			const uint64_t v[RPL_CACHE_PER_LEVEL] = {
				l->access[MACH_IFETCH], l->miss[MACH_IFETCH], l->access[MACH_LOAD],
				l->miss[MACH_LOAD], l->access[MACH_STORE], l->miss[MACH_STORE],
				l->writebacks, l->bytes_from_mem, l->bytes_to_mem,
			};
			for (size_t j = 0; j < RPL_CACHE_PER_LEVEL; j++) {
				size_t i = RPL_CI_l1i_fetches + (size_t)lv * RPL_CACHE_PER_LEVEL + j;
				rpl_counter_set(r, i, rpl_counter_get(r, i) + v[j]);
			}
		}
	}
}

static void finish(struct eng *e)
{
	uint64_t end = 0;
	int stuck = 0;
	for (int i = 0; i < e->nvcpus; i++)
		if (e->v[i].m.clock > end)
			end = e->v[i].m.clock;
	for (int i = 0; i < e->nvcpus; i++) {
		struct vcpu *v = &e->v[i];
		if (v->state != V_DONE && v->state != V_RUN && !stuck++)
			snprintf(e->res->warning, sizeof e->res->warning,
				 "vCPU %d ended waiting for %s (id %u) that never came", i,
				 state_name(v->state), v->recno < UINT64_MAX && v->pos < v->nrecs ?
				 v->recs[v->pos].id : 0);
		v->m.depth = 0;
		vcpu_spend(&v->m, ACCT_IDLE, ACCT_SPLIT_KERNEL, end - v->m.clock);
	}
	/* CPUs no vCPU ran on idle the whole run */
	end -= e->res->measured_from;
	for (int c = 0; c < e->ncpus; c++) {
		uint64_t sum = 0;
		for (int k = 0; k < ACCT_NCATS; k++)
			sum += e->res->cpu[c].cycles[k];
		if (sum < end && e->cpu_last_vcpu[c] < 0)
			e->res->cpu[c].cycles[ACCT_IDLE] += end - sum;
	}
	collect_counters(e->res, &e->vmm->cnt);
	if (e->plain && e->plain_flush)
		plain_flush(e->plain);
	collect_caches(e);
	vmm_footprint(e->vmm, &e->res->footprint);
	e->res->cycles = end;
	e->res->references = e->res->instructions + e->res->loads + e->res->stores;
}

static void eng_free(struct eng *e)
{
	if (e->sched_st && e->sched->destroy)
		e->sched->destroy(e->sched_st);
	vmm_free(e->vmm);
	gpt_free(&e->gpt);
	gpt_free(&e->ptp);
	for (int k = 0; e->sync && k < e->nvms; k++) {
		idtab_free(&e->sync[k].locks);
		idtab_free(&e->sync[k].sems);
		idtab_free(&e->sync[k].dmas);
		idtab_free(&e->sync[k].nets);
	}
	sim_free(e->sync);
	for (int i = 0; e->v && i < e->nvcpus; i++) {
		struct vcpu *v = &e->v[i];
		sim_free(v->touched);
		for (size_t k = 0; k < v->nintr; k++)
			sim_free(v->intr[k].recs);
		sim_free(v->intr);
		sim_free(v->intr_recs);
	}
	sim_free(e->v);
	sim_free(e->vp);
	sim_free(e->vm_vcpus);
	sim_free(e->vm_pages);
	sim_free(e->vm_splashos);
	sim_free(e->cpu_last_vcpu);
	machine_free(e->m);
	plain_free(e->plain);
}

/* The next comma-separated item of *s into buf (trimmed); 0 at the end. */
static int list_next(const char **s, char *buf, size_t size)
{
	const char *p = *s, *end;
	size_t n;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return 0;
	end = strchr(p, ',');
	if (!end)
		end = p + strlen(p);
	n = (size_t)(end - p);
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n >= size)
		n = size - 1;
	memcpy(buf, p, n);
	buf[n] = 0;
	*s = *end ? end + 1 : end;
	return 1;
}

/* The virtual machines: vm.vcpus splits the streams, vm.mem.size and
 * vm.mem.sizes give each its memory, guest.pt_pool_pages must fit each. */
static int vm_layout(struct eng *e, const cfg *c, struct sim_err *err)
{
	const char *vcpus = cfg_str(c, "vm.vcpus"), *sizes = cfg_str(c, "vm.mem.sizes"), *p;
	const char *oses = cfg_str(c, "vm.os");
	uint64_t each = (uint64_t)cfg_int(c, "vm.mem.size");
	char item[64];
	int n = 0, sum = 0;

	for (p = vcpus; list_next(&p, item, sizeof item);)
		n++;
	e->nvms = n ? n : 1;
	if (e->nvms > e->nvcpus)
		return sim_errf(err, SIM_EINVAL, "vm.vcpus = %s names %d VMs but the trace has %d streams",
				vcpus, e->nvms, e->nvcpus);
	e->vm_vcpus = sim_calloc((size_t)e->nvms, sizeof *e->vm_vcpus);
	e->vm_pages = sim_calloc((size_t)e->nvms, sizeof *e->vm_pages);
	if (!e->vm_vcpus || !e->vm_pages)
		return sim_errf(err, SIM_ENOMEM, "out of memory for the VM map");
	if (!n)
		e->vm_vcpus[0] = e->nvcpus;
	for (p = vcpus, n = 0; list_next(&p, item, sizeof item); n++) {
		char *end;
		long k = strtol(item, &end, 10);
		if (end == item || *end || k < 1 || k > e->nvcpus)
			return sim_errf(err, SIM_EINVAL, "vm.vcpus = %s: VM %d's vCPU count '%s' is not "
					"a whole number from 1 to %d", vcpus, n, item, e->nvcpus);
		e->vm_vcpus[n] = (int)k;
		sum += (int)k;
	}
	if (n && sum != e->nvcpus)
		return sim_errf(err, SIM_EINVAL, "vm.vcpus = %s names %d vCPUs but the trace has %d "
				"streams: the VM map contradicts the streams", vcpus, sum, e->nvcpus);
	if (each == 0)
		each = e->mc.mem_size / (uint64_t)e->nvms;
	for (int k = 0; k < e->nvms; k++)
		e->vm_pages[k] = each >> e->pshift;
	for (p = sizes, n = 0; list_next(&p, item, sizeof item); n++) {
		int64_t b;
		if (n >= e->nvms)
			return sim_errf(err, SIM_EINVAL, "vm.mem.sizes = %s gives more sizes than the %d VMs "
					"of vm.vcpus", sizes, e->nvms);
		if (param_parse_size(item, &b) || b < (int64_t)e->mc.page_size)
			return sim_errf(err, SIM_EINVAL, "vm.mem.sizes = %s: VM %d's size '%s' is not a "
					"size of at least one page (e.g. 32M)", sizes, n, item);
		e->vm_pages[n] = (uint64_t)b >> e->pshift;
	}
	e->vm_splashos = sim_calloc((size_t)e->nvms, 1);
	if (!e->vm_splashos)
		return sim_errf(err, SIM_ENOMEM, "out of memory for the VM map");
	for (p = oses, n = 0; list_next(&p, item, sizeof item); n++) {
		if (n >= e->nvms)
			return sim_errf(err, SIM_EINVAL, "vm.os = %s names more operating systems than "
					"the %d VMs of vm.vcpus", oses, e->nvms);
		if (strcmp(item, "irix") && strcmp(item, "splashos"))
			return sim_errf(err, SIM_EINVAL, "vm.os = %s: VM %d's '%s' is not irix or splashos",
					oses, n, item);
		e->vm_splashos[n] = !strcmp(item, "splashos");
		if (e->vm_splashos[n] && e->mode != RPL_DISCO)
			return sim_errf(err, SIM_EINVAL, "vm.os = %s: SPLASHOS runs on the monitor only, "
					"which handles its page faults (paper 4.4): --mode disco", oses);
	}
	e->pt_pool = (uint64_t)cfg_int(c, "guest.pt_pool_pages");
	for (int k = 0; k < e->nvms; k++) {
		uint64_t bytes = e->vm_pages[k] << e->pshift;
		if (e->nvms == 1 && bytes > e->mc.mem_size)
			return sim_errf(err, SIM_EINVAL, "vm.mem.size (%llu bytes) exceeds machine.mem.size (%llu)",
					(unsigned long long)bytes, (unsigned long long)e->mc.mem_size);
		if (e->pt_pool >= e->vm_pages[k])
			return sim_errf(err, SIM_EINVAL, "guest.pt_pool_pages (%llu) must be below the VM's %llu pages",
					(unsigned long long)e->pt_pool, (unsigned long long)e->vm_pages[k]);
	}
	/* Several VMs may be given more memory than the machine has (the
	 * monitor shares what they have in common, paper 5.3): what does not
	 * fit fails when touched, "machine memory is full". */
	if (e->nvms > 1 && e->mode != RPL_DISCO)
		return sim_errf(err, SIM_EINVAL, "a trace of %d virtual machines (vm.vcpus = %s) "
				"replays under the monitor only: --mode disco", e->nvms, vcpus);
	return SIM_OK;
}

static int setup(struct eng *e, const cfg *c, struct sim_err *err)
{
	struct pol_sched_view sv;
	struct vmm_costs k;
	int rc;

	rc = machine_config_from_cfg(c, &e->mc, err);
	if (rc)
		return rc;
	if (e->mode == RPL_UMA)
		e->mc.uma = 1;
	e->ncpus = e->mc.ncpus;
	e->nvcpus = (int)e->src->nstreams;
	if (e->nvcpus < 1 || e->nvcpus > e->ncpus) {
		double most = cfg_def(c, (size_t)cfg_find(c, "machine.cpus"))->hi;
		if (e->nvcpus > most)
			return sim_errf(err, SIM_EINVAL,
					"the trace has %d vCPU streams, one CPU each, and the machine model "
					"has at most %.0f CPUs (machine.cpus)", e->nvcpus, most);
		return sim_errf(err, SIM_EINVAL,
				"the trace has %d vCPU streams but the machine %d CPUs (machine.cpus); "
				"give the machine at least as many CPUs", e->nvcpus, e->ncpus);
	}
	rc = vmm_costs_from_cfg(c, &k, err);   /* checked before the machine is built */
	if (rc)
		return rc;
	rc = machine_new(&e->m, &e->mc, err);
	if (rc)
		return rc;
	e->pshift = (unsigned)__builtin_ctzll(e->mc.page_size);
	e->pmask = e->mc.page_size - 1;
	e->line_i = e->mc.l1i.line;
	e->quantum = (uint64_t)cfg_int(c, "replay.quantum");
	e->max_insn_run = (uint64_t)cfg_int(c, "replay.max_insn_run");
	e->after_boot = !strcmp(cfg_str(c, "replay.measure"), "after-boot");
	if (e->mode == RPL_PLAIN) {
		rc = plain_new(&e->plain, &e->mc, err);
		if (rc)
			return rc;
		e->plain_din = (int)cfg_int(c, "plain.din");
		e->plain_flush = (int)cfg_int(c, "plain.flush");
	}
	rc = vm_layout(e, c, err);
	if (rc)
		return rc;

	e->sched = pol_find_sched(e->mode == RPL_DISCO ? cfg_str(c, "policy.sched") : "pinned");
	if (!e->sched)
		return sim_errf(err, SIM_EINTERNAL, "setup: a policy named in the parameters is not registered");
	sv.ncpus = e->ncpus;
	sv.nvcpus = e->nvcpus;
	sv.slice_cycles = (uint64_t)(cfg_real(c, "policy.sched.slice_us") * e->mc.clock_mhz + 0.5);
	rc = e->sched->create(&e->sched_st, c, &sv, err);
	if (rc)
		return rc;
	e->v = sim_calloc((size_t)e->nvcpus, sizeof *e->v);
	e->vp = sim_calloc((size_t)e->nvcpus, sizeof *e->vp);
	e->cpu_last_vcpu = sim_malloc((size_t)e->ncpus * sizeof *e->cpu_last_vcpu);
	if (!e->v || !e->vp || !e->cpu_last_vcpu ||
	    gpt_init(&e->gpt) || gpt_init(&e->ptp) || !(e->sync = sim_calloc((size_t)e->nvms, sizeof *e->sync)))
		return sim_errf(err, SIM_ENOMEM, "out of memory setting up the replay");
	for (int k = 0; k < e->nvms; k++)
		if (idtab_init(&e->sync[k].locks, sizeof(struct lock)) ||
		    idtab_init(&e->sync[k].sems, sizeof(struct sem)) ||
		    idtab_init(&e->sync[k].dmas, sizeof(struct dma)) ||
		    idtab_init(&e->sync[k].nets, sizeof(struct netwait)))
			return sim_errf(err, SIM_ENOMEM, "out of memory setting up the replay");
	for (int i = 0; i < e->ncpus; i++)
		e->cpu_last_vcpu[i] = -1;
	for (int i = 0; i < e->nvcpus; i++) {
		e->v[i].m.id = i;
		e->v[i].m.acct = &e->acct;
		e->vp[i] = &e->v[i].m;
	}
	if (rpl_needs_read_ahead(c, e->mode) && !e->src->profile && !e->checking)
		return sim_errf(err, SIM_EINVAL,
				"policy.migration = %s needs the whole trace read ahead: it works with "
				"disco replay of a trace file, not with capture", cfg_str(c, "policy.migration"));
	rc = vmm_new(&e->vmm, e->mode == RPL_DISCO ? &vmm_disco_ops : &vmm_native_ops, c, e->m,
		     &e->mc, e->nvcpus, e->vp, e->nvms, e->vm_vcpus, e->vm_pages,
		     e->src->profile ? rpl_profile_view(e->src->profile) : NULL, err);
	if (rc)
		return rc;
	e->ops = e->vmm->ops;
	e->vmm->forget_pairs = xl_forget;
	e->vmm->forget_all = xl_forget_all;
	e->vmm->forget_ctx = e;
	e->kseg0_vpn = VMM_KSEG0_RELOC_VA >> e->pshift;
	e->kseg0_pages = e->mode == RPL_DISCO ? (KSEG0_MASK + 1) >> e->pshift : 0;
	for (int i = 0; i < e->nvcpus; i++)
		if (e->vm_splashos[e->v[i].m.vm] &&
		    !(e->v[i].touched = sim_calloc((size_t)e->vm_pages[e->v[i].m.vm], 1)))
			return sim_errf(err, SIM_ENOMEM, "out of memory setting up the replay");
	for (int i = 0; i < e->nvcpus; i++) {
		e->v[i].state = V_RUN;
		e->v[i].intr_next = UINT64_MAX;
		e->v[i].m.cpu = e->sched->cpu_for(e->sched_st, i, 0);
		e->cpu_last_vcpu[e->v[i].m.cpu] = i;
	}
	return SIM_OK;
}

struct rpl_engine {
	struct eng e;
	int finished;
};

static double now_seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* checking: only the set-up is wanted (rpl_check): a read-ahead policy
 * goes without its profile. */
static int engine_new(rpl_engine **out, const cfg *c, int mode, const struct rpl_source *src,
		      struct rpl_results *res, rpl_progress_fn progress, void *progress_ctx,
		      int checking, struct sim_err *err)
{
	rpl_engine *x = sim_calloc(1, sizeof *x);
	struct eng *e;
	double t0 = now_seconds();
	int rc;

	*out = NULL;
	memset(res, 0, sizeof *res);
	if (!x)
		return sim_errf(err, SIM_ENOMEM, "out of memory creating a replay");
	e = &x->e;
	e->src = src;
	e->mode = mode;
	e->res = res;
	e->err = err;
	e->progress = progress;
	e->progress_ctx = progress_ctx;
	e->next_progress = 1u << 22;
	e->checking = checking;
	rc = setup(e, c, err);
	if (rc == SIM_OK) {
		res->mode = mode;
		res->ncpus = e->ncpus;
		res->nvcpus = e->nvcpus;
		res->clock_mhz = e->mc.clock_mhz;
		res->cpu = sim_calloc((size_t)e->ncpus, sizeof *res->cpu);
		if (!res->cpu)
			rc = sim_errf(err, SIM_ENOMEM, "out of memory for results");
		e->acct.cpu = res->cpu;
		e->acct.service = res->service;
		res->nvms = e->nvms;
		res->footprint_interval = (uint64_t)(cfg_real(c, "replay.footprint.interval_us") *
						     e->mc.clock_mhz + 0.5);
		if (!res->footprint_interval)
			res->footprint_interval = 1;
	}
	if (rc) {
		rpl_engine_free(x);
		return rc;
	}
	res->wall_seconds += now_seconds() - t0;
	*out = x;
	return SIM_OK;
}

int rpl_engine_new(rpl_engine **out, const cfg *c, int mode, const struct rpl_source *src,
		   struct rpl_results *res, rpl_progress_fn progress, void *progress_ctx,
		   struct sim_err *err)
{
	return engine_new(out, c, mode, src, res, progress, progress_ctx, 0, err);
}

int rpl_engine_step(rpl_engine *x, uint64_t records, int *done)
{
	struct eng *e = &x->e;
	double t0 = now_seconds();
	uint64_t until = e->res->records + records < e->res->records ? UINT64_MAX
								: e->res->records + records;
	int rc;
	if (x->finished) {
		*done = 1;
		return SIM_OK;
	}
	rc = loop(e, until, done);
	if (rc == SIM_OK && *done) {
		struct rusage ru;
		finish(e);
		x->finished = 1;
		if (getrusage(RUSAGE_SELF, &ru) == 0)
			e->res->peak_rss_kb = (uint64_t)ru.ru_maxrss;
	}
	e->res->wall_seconds += now_seconds() - t0;
	return rc;
}

struct eng *rpl_engine_state(rpl_engine *x) { return &x->e; }

int rpl_engine_check(const rpl_engine *x)
{
	if (x->finished)
		return 1;   /* the machine is gone; checked while running */
	return vmm_check(x->e.vmm);
}

void rpl_engine_free(rpl_engine *x)
{
	if (!x)
		return;
	if (!x->finished && x->e.res)
		rpl_results_free(x->e.res);
	eng_free(&x->e);
	sim_free(x);
}

/* A source that is never read: rpl_check builds an engine and frees it. */
static int no_records(void *ctx, uint32_t stream, const struct trc_rec **recs, size_t *n,
		      struct sim_err *err)
{
	*recs = NULL;
	*n = 0;
	return SIM_OK;
}

int rpl_check(const cfg *c, int mode, uint32_t nstreams, struct sim_err *err)
{
	struct rpl_source src = { .nstreams = nstreams, .next_block = no_records };
	struct rpl_results res;
	rpl_engine *x;
	int rc = engine_new(&x, c, mode, &src, &res, NULL, NULL, 1, err);
	if (rc == SIM_OK)
		rpl_engine_free(x);   /* frees res.cpu: the run did not end */
	return rc;
}

int rpl_run(const cfg *c, int mode, const struct rpl_source *src, struct rpl_results *res,
	    rpl_progress_fn progress, void *progress_ctx, struct sim_err *err)
{
	rpl_engine *x;
	int done = 0;
	int rc = rpl_engine_new(&x, c, mode, src, res, progress, progress_ctx, err);
	if (rc)
		return rc;
	rc = rpl_engine_step(x, UINT64_MAX, &done);
	rpl_engine_free(x);
	return rc;
}
