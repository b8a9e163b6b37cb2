/*
 * The machine under the monitor (paper 4.2.1-4.2.3, 4.3.1; DESIGN 5): what
 * Disco does between the guest and the hardware, each at its cost from the
 * cost table (monitor/costs.c).
 *
 * TLB misses.  The monitor takes every TLB miss first and probes the vCPU's
 * second-level software TLB (the L2TLB, organized by policy.l2tlb): a hit
 * writes the TLB and returns to the guest, which never sees the miss; a miss
 * is reflected into the guest's own refill handler, whose tlbwr the monitor
 * emulates: pmap lookup, TLB write, L2TLB insert, and a backmap so the
 * mapping can be found again when the machine page changes (4.2.2).
 *
 * The unmapped kernel segment.  IRIX 5.3's KSEG0 bypasses the TLB on bare
 * hardware; on Disco the kernel is relinked to mapped supervisor space at
 * VMM_KSEG0_RELOC_VA, so its references miss in the TLB and the monitor
 * fills them (kernel TLB faults, 4.3.1).
 *
 * Traps and privileged instructions are reflected or emulated; a CPU that
 * changes vCPU flushes its TLB (no ASID virtualization, 4.2.1).
 */
#include "monitor/vmm.h"
#include "traces/record.h"

/* ---- the monitor's code and data on the machine (monitor.paths = machine) ----
 *
 * The monitor's memory is pmap pages beyond the VMs' (vmm.h: mon_g0): a
 * copy of its text per node (paper 4.1: "the code segment of Disco is
 * replicated into all the memories"), per vCPU its saved state and its
 * L2TLB, then the pmap and the memmap, each page given a machine page on
 * the node that first uses it.  A path
 * runs as instructions fetched from the node's copy of the text, one cycle
 * each as the guest's, and loads and stores of those structures, all
 * through the CPU's caches: their misses are the path's stall, and its
 * lines evict the guest's.  Most of a path hits: its text lines that hit
 * are taken in one loop (machine_ifetch_hits) and, of several references
 * in a row to one data line, all but the first at once (machine_ref_again),
 * with the same counts and the same LRU order as one reference at a time;
 * only a miss needs the clock of its own reference. */

/* Where each path starts in the monitor's text (bytes; its 72 KB hold them
 * all with room between, so each path has lines of its own). */
enum {
	MON_TLB_HANDLER = 0x0,     /* the refill vector: the L2TLB probe and hit */
	MON_REFLECT = 0x400,       /* a trap reflected to the guest's vector */
	MON_PRIV = 0x1000,         /* decode and emulate a privileged instruction */
	MON_TLB_WRITE = 0x1400,    /* tlbwr/tlbwi: pmap, memmap, TLB, L2TLB, backmap */
	MON_KTLB = 0x2000,         /* a fault on the relocated kernel segment */
	MON_MONCALL = 0x2400,      /* a monitor call's entry and dispatch */
};

/* The vCPU's saved state (monitor.mem.vcpu bytes): the handler's two
 * scratch registers, then the virtual CPU's privileged registers (4.2.1:
 * "Disco additionally maintains the privileged registers and TLB contents
 * of the virtual CPU in this structure"). */
enum {
	VCPU_SCRATCH = 0,
	VCPU_EPC = 64, VCPU_CAUSE = 72, VCPU_STATUS = 80, VCPU_BADVADDR = 88,
	VCPU_ENTRYHI = 96, VCPU_ENTRYLO0 = 104, VCPU_ENTRYLO1 = 112, VCPU_VECTOR = 120,
};

/* The machine address of byte off of the monitor's page k (pmap page
 * mon_g0 + k), which gets a machine page on node `node` when first used. */
static __attribute__((noinline)) int mon_page(struct vmm *x, uint64_t g, int node, uint64_t *m)
{
	if ((*m = pmap_assign(x->pm, g, node)) == PMAP_NONE)
		return sim_errf(x->err, SIM_ENOMEM, "the machine's memory is full: no page left for "
				"the monitor's own code and data");
	return SIM_OK;
}

/* Inline: several calls per monitor path, and a page is given only once. */
static inline __attribute__((always_inline)) int mon_addr(struct vmm *x, uint64_t k, uint64_t off, int node,
							  uint64_t *ma)
{
	uint64_t g = x->mon_g0 + k, m = x->pmarr[g];
	int rc = __builtin_expect(m == PMAP_NONE, 0) ? mon_page(x, g, node, &m) : SIM_OK;
	*ma = (m << x->pshift) | (off & x->pmask);
	return rc;
}

/* The lines a path may span to be fetched one reference each by
 * mon_insns, rather than in machine_ifetch_hits' batches, which pay off
 * on longer paths only. */
#define MON_SHORT_LINES 3

/* mon_insns() of a path that is not short: its text lines in batches of
 * those that hit. */
static __attribute__((noinline)) int mon_insns_long(struct vmm *x, struct vmm_vcpu *v, uint64_t text_off,
						    uint64_t n, int part)
{
	const int node = machine_cpu_node_inline(x->m, v->cpu);
	/* read once: stores through v could alias them */
	const unsigned pshift = x->pshift;
	const uint64_t pmask = x->pmask, line = x->line_i;
	const int lg_line = __builtin_ctz(x->line_i), lg_per_line = lg_line - 2;
	const uint64_t text_bytes = x->mon_text << pshift, text0 = (uint64_t)node * x->mon_text;
	uint64_t busy = 0;
	/* the clock moves line by line (a miss's stall depends on it); the
	 * instructions' cycles are charged once, at the end */
	if (text_off >= text_bytes)   /* the paths' own offsets lie in the text: no division */
		text_off %= text_bytes;
	while (n > 0) {
		uint64_t in_line = (line - (text_off & (line - 1))) >> 2;
		uint64_t k = in_line < n ? in_line : n, ma, need, page_left, hits;
		int rc = mon_addr(x, text0 + (text_off >> pshift), text_off, node, &ma);
		if (rc) {
			vcpu_charge(v, ACCT_MONITOR, part, busy);
			return rc;
		}
		/* the lines of this page the path still needs, as far as they
		 * hit, at once: a hit stalls nothing, so the clock matters only
		 * at the line that misses */
		need = 1 + ((n - k + ((uint64_t)1 << lg_per_line) - 1) >> lg_per_line);
		page_left = (pmask + 1 - (text_off & pmask & ~(line - 1))) >> lg_line;
		hits = machine_ifetch_hits(x->m, v->cpu, ma, need < page_left ? need : page_left);
		if (hits) {
			k = in_line + ((hits - 1) << lg_per_line);
			if (k > n)
				k = n;
		} else {
			vcpu_ref(v, x->m, ma, MACH_IFETCH, ACCT_MONITOR, part);
		}
		v->clock += k;
		busy += k;
		text_off += k * 4;
		if (text_off >= text_bytes)   /* a path longer than the text wraps round it */
			text_off -= text_bytes;
		n -= k;
	}
	vcpu_charge(v, ACCT_MONITOR, part, busy);
	return SIM_OK;
}

/* n instructions of the monitor's text from byte text_off, on v's node.
 * A short path within one page (a TLB miss's probe and hit, a line or
 * two) here, inline: its lines one reference each, in order at their
 * clocks, as mon_insns_long's batches make them with more to set up. */
static inline __attribute__((always_inline)) int mon_insns(struct vmm *x, struct vmm_vcpu *v, uint64_t text_off,
							   uint64_t n, int part)
{
	const unsigned pshift = x->pshift;
	const uint64_t pmask = x->pmask, line = x->line_i;
	uint64_t busy = 0, ma;
	int node, rc;

	/* no instructions fetch nothing: not even the text's page is given */
	if (!(n > 0 && n <= MON_SHORT_LINES * (line >> 2) && text_off < x->mon_text << pshift &&
	      (text_off & pmask) + 4 * n <= pmask + 1))
		return mon_insns_long(x, v, text_off, n, part);
	node = machine_cpu_node_inline(x->m, v->cpu);
	rc = mon_addr(x, (uint64_t)node * x->mon_text + (text_off >> pshift), text_off, node, &ma);
	if (rc)
		return rc;
	while (n > 0) {
		uint64_t in_line = (line - (ma & (line - 1))) >> 2, k = in_line < n ? in_line : n;
		vcpu_ref(v, x->m, ma, MACH_IFETCH, ACCT_MONITOR, part);
		v->clock += k;
		busy += k;
		ma += k * 4;
		n -= k;
	}
	vcpu_charge(v, ACCT_MONITOR, part, busy);
	return SIM_OK;
}

/* A load or store of byte off of v's monitor structures: its saved state
 * from 0, its L2TLB's entries after it. */
static int mon_data(struct vmm *x, struct vmm_vcpu *v, uint64_t off, int kind, int part)
{
	uint64_t ma;
	int rc = mon_addr(x, x->mon_k_vcpu + (uint64_t)v->id * x->mon_vcpu + (off >> x->pshift), off,
			  machine_cpu_node_inline(x->m, v->cpu), &ma);
	if (!rc)
		vcpu_ref(v, x->m, ma, kind, ACCT_MONITOR, part);
	return rc;
}

/* mon_data() of n references of one kind, to bytes off, off + stride, ...
 * one after the other: the first to each L1 D line through the machine,
 * the others to that line right after it hits for certain, so they are
 * counted at once (machine_ref_again). */
static inline __attribute__((always_inline)) int mon_data_run(struct vmm *x, struct vmm_vcpu *v, uint64_t off,
								uint32_t n, uint64_t stride, int kind, int part)
{
	int node = machine_cpu_node_inline(x->m, v->cpu), rc = SIM_OK;
	const unsigned pshift = x->pshift;
	const uint64_t pmask = x->pmask;
	const int lg_line = __builtin_ctz(x->line_d);
	uint64_t k0 = x->mon_k_vcpu + (uint64_t)v->id * x->mon_vcpu, page = UINT64_MAX, base = 0;
	uint64_t line = UINT64_MAX, last = 0, again = 0;

	if (n > 0 && off >> lg_line == (off + (n - 1) * stride) >> lg_line) {
		/* all in one line, so one page (the TLB-miss handler's saved
		 * registers, a set's tags): what the loop below does, without
		 * its tracking of pages and lines */
		uint64_t ma;
		if ((rc = mon_addr(x, k0 + (off >> pshift), off, node, &ma)))
			return rc;
		vcpu_ref(v, x->m, ma, kind, ACCT_MONITOR, part);
		if (n > 1)
			machine_ref_again(x->m, v->cpu, ma, kind, n - 1);
		return SIM_OK;
	}
	for (uint32_t i = 0; i < n; i++, off += stride) {
		uint64_t ma;
		if (off >> pshift != page) {
			if ((rc = mon_addr(x, k0 + (off >> pshift), off, node, &ma)))
				break;
			page = off >> pshift;
			base = ma - (off & pmask);
		}
		ma = base | (off & pmask);
		if (ma >> lg_line == line) {
			again++;
			continue;
		}
		if (again)
			machine_ref_again(x->m, v->cpu, last, kind, again);
		again = 0;
		vcpu_ref(v, x->m, ma, kind, ACCT_MONITOR, part);
		line = ma >> lg_line;
		last = ma;
	}
	if (again)
		machine_ref_again(x->m, v->cpu, last, kind, again);
	return rc;
}

/* A load or store of the pmap entry of global guest page g, or of the
 * memmap entry of machine page mpn (the regions after the vCPUs'). */
static int mon_pmap(struct vmm *x, struct vmm_vcpu *v, uint64_t g, int kind, int part)
{
	uint64_t off = g * x->mon_pmap_bytes, ma;
	int rc = mon_addr(x, x->mon_k_pmap + (off >> x->pshift), off, machine_cpu_node_inline(x->m, v->cpu),
			  &ma);
	if (!rc)
		vcpu_ref(v, x->m, ma, kind, ACCT_MONITOR, part);
	return rc;
}

/* The memmap is partitioned by node (4.1: "Machine-wide data structures
 * are partitioned so that the parts that are accessed only or mostly by a
 * single processor are in a memory local to that processor"): the entries
 * of a node's machine pages live on that node. */
static int mon_memmap(struct vmm *x, struct vmm_vcpu *v, uint64_t mpn, int kind, int part)
{
	uint64_t off = mpn * x->mon_memmap_bytes, ma;
	int rc = mon_addr(x, x->mon_k_memmap + (off >> x->pshift), off, pmap_node_of(x->pm, mpn), &ma);
	if (!rc)
		vcpu_ref(v, x->m, ma, kind, ACCT_MONITOR, part);
	return rc;
}

/* A path the hardware enters by an exception: the exception's entry and
 * return (guest.cost.exception, the CPU's), then the path: under
 * monitor.paths = machine n instructions from text_off and their
 * references (the caller's), else the cost table's constant. */
static int mon_enter(struct vmm *x, struct vmm_vcpu *v, int part, uint64_t text_off, uint64_t n,
		     uint64_t cost)
{
	if (!x->k.paths_machine) {
		vcpu_spend(v, ACCT_MONITOR, part, x->k.exception + cost);
		return SIM_OK;
	}
	vcpu_spend(v, ACCT_MONITOR, part, x->k.exception);
	return mon_insns(x, v, text_off, n, part);
}

/* Reflect a trap into the guest (4.2.1: "updating the privileged registers
 * of the virtual processor and jumping to the virtual machine's trap
 * vector"); entered: whether by an exception of its own. */
static int reflect(struct vmm *x, struct vmm_vcpu *v, int entered)
{
	const int part = ACCT_SPLIT_OTHER_PRIV;
	int rc;
	if (!x->k.paths_machine) {
		vcpu_spend(v, ACCT_MONITOR, part, (entered ? x->k.exception : 0) + x->k.trap_reflect);
		return SIM_OK;
	}
	if (entered)
		vcpu_spend(v, ACCT_MONITOR, part, x->k.exception);
	if ((rc = mon_insns(x, v, MON_REFLECT, x->k.path_reflect, part)))
		return rc;
	if ((rc = mon_data_run(x, v, VCPU_EPC, 4, 8, MACH_STORE, part)))   /* EPC .. BadVAddr */
		return rc;
	return mon_data(x, v, VCPU_VECTOR, MACH_LOAD, part);
}

/* Emulate one privileged instruction: decode it, then read or write the
 * virtual CPU's register; a TLB write reads EntryHi and EntryLo0/1 (its
 * pmap, memmap, L2TLB and backmap references are disco_tlb_put's). */
static int priv_path(struct vmm *x, struct vmm_vcpu *v, int tlbw)
{
	const int part = tlbw ? ACCT_SPLIT_TLB_WRITE : ACCT_SPLIT_OTHER_PRIV;
	int rc = mon_enter(x, v, part, tlbw ? MON_TLB_WRITE : MON_PRIV,
			   tlbw ? x->k.path_tlb_write : x->k.path_priv, tlbw ? x->k.tlb_write : x->k.priv);
	if (rc || !x->k.paths_machine)
		return rc;
	if (!tlbw)
		return mon_data(x, v, VCPU_STATUS, MACH_STORE, part);
	return mon_data_run(x, v, VCPU_ENTRYHI, 3, 8, MACH_LOAD, part);   /* EntryHi, EntryLo0/1 */
}

/* The TLB-miss handler up to its verdict (4.2.2: "Disco's TLB miss handler
 * first consults the second-level TLB"): the exception, two registers
 * saved, (VPN/2, ASID) hashed, and the ways of the set compared in order,
 * each tag loaded from the vCPU's L2TLB as the policy lays it out, until
 * one matches (a probe loop leaves at its match; a miss compares them
 * all).  *nways: the set's ways (the unrolled compares' length, after
 * which the hit's code starts). */
static int l2tlb_probe_path(struct vmm *x, struct vmm_vcpu *v, uint32_t asid, uint64_t vpn,
			    uint32_t *nways)
{
	const int part = ACCT_SPLIT_TLB_WRITE;
	uint64_t first;
	uint32_t ways = *nways = x->l2ops->slot(x->l2st[v->id], asid, vpn, &first);
	int rc;
	if (x->l2ops->compared)
		ways = x->l2ops->compared(x->l2st[v->id], asid, vpn);
	vcpu_spend(v, ACCT_MONITOR, part, x->k.exception);
	if ((rc = mon_data_run(x, v, VCPU_SCRATCH, 2, 8, MACH_STORE, part)) ||
	    (rc = mon_insns(x, v, MON_TLB_HANDLER, x->k.l2tlb_probe + ways * x->k.l2tlb_way, part)))
		return rc;
	return mon_data_run(x, v, x->mon_vcpu_bytes + first * x->mon_entry_bytes, ways, x->mon_entry_bytes,
			    MACH_LOAD, part);
}

/* After a hit: the pair (in the line its tag came in) into EntryLo0/1,
 * tlbwr, the two registers restored, eret. */
static int l2tlb_hit_path(struct vmm *x, struct vmm_vcpu *v, uint32_t ways)
{
	const int part = ACCT_SPLIT_TLB_WRITE;
	int rc = mon_insns(x, v, MON_TLB_HANDLER + 4 * (x->k.l2tlb_probe + ways * x->k.l2tlb_way),
			   x->k.l2tlb_hit, part);
	return rc ? rc : mon_data_run(x, v, VCPU_SCRATCH, 2, 8, MACH_LOAD, part);
}

/* The TLB-miss handler up to its verdict: the probe of v's L2TLB for
 * (asid, vpn), unless skip_lookup (a page the VM never touched), then on a
 * hit the cached pair into the TLB (1: served by the monitor alone, the
 * guest never sees the miss), else 0 with the probe charged.  Negative: an
 * error. */
static int l2tlb_serve(struct vmm *x, struct vmm_vcpu *v, uint32_t asid, uint64_t vpn,
		       const struct vmm_pte pte[2], int global, int skip_lookup)
{
	uint64_t mpn;
	uint32_t ways = 0;
	int w, rc = SIM_OK;
	if (x->k.paths_machine && (rc = l2tlb_probe_path(x, v, asid, vpn, &ways)))
		return rc;
	if (!skip_lookup && x->l2ops->lookup(x->l2st[v->id], asid, vpn, &mpn, &w)) {
		struct tlb_entry te;
		x->cnt.l2tlb_hits++;
		if (x->k.paths_machine)
			rc = l2tlb_hit_path(x, v, ways);
		else
			vcpu_spend(v, ACCT_MONITOR, ACCT_SPLIT_TLB_WRITE, x->k.exception + x->k.tlb_refill);
		if (!rc)
			rc = vmm_tlb_fill(x, v, asid, vpn, global, pte, &te);
		return rc ? rc : 1;
	}
	x->cnt.l2tlb_misses++;
	if (!x->k.paths_machine)
		vcpu_spend(v, ACCT_MONITOR, ACCT_SPLIT_TLB_WRITE, x->k.exception + x->k.l2tlb_miss);
	return 0;
}

static int disco_tlb_miss(struct vmm *x, struct vmm_vcpu *v, uint32_t asid, uint64_t vpn,
			  const struct vmm_pte pte[2])
{
	int rc = l2tlb_serve(x, v, asid, vpn, pte, pte[vpn & 1].global, 0);
	if (rc)
		return rc;
	/* the handler already runs in the monitor: reflecting takes no second exception */
	return reflect(x, v, 0);
}

/* A TLB write's references to the monitor's structures for one half of
 * the pair (4.2.3): the pmap entry of guest page gppn (its precomputed
 * machine address), the memmap entry of machine page mpn (which replica is
 * nearest), the L2TLB entry it fills and the backmap it adds. */
static int tlb_put_refs(struct vmm *x, struct vmm_vcpu *v, uint32_t asid, uint64_t vpn, uint64_t gppn,
			uint64_t mpn)
{
	const int part = ACCT_SPLIT_TLB_WRITE;
	uint64_t g = x->vm[v->vm].base + gppn, first;
	int rc;
	x->l2ops->slot(x->l2st[v->id], asid, vpn, &first);
	if ((rc = mon_pmap(x, v, g, MACH_LOAD, part)) || (rc = mon_memmap(x, v, mpn, MACH_LOAD, part)) ||
	    (rc = mon_data(x, v, x->mon_vcpu_bytes + first * x->mon_entry_bytes, MACH_STORE, part)))
		return rc;
	return mon_pmap(x, v, g, MACH_STORE, part);   /* the backmap, beside the entry */
}

static int disco_tlb_put(struct vmm *x, struct vmm_vcpu *v, uint32_t asid, uint64_t vpn,
			 const struct vmm_pte pte[2]);

int vmm_splashos_miss(struct vmm *x, struct vmm_vcpu *v, uint64_t vpn, const struct vmm_pte pte[2],
		      int first)
{
	uint64_t mpn, g = x->vm[v->vm].base + pte[vpn & 1].gppn;
	int rc = l2tlb_serve(x, v, v->asid, vpn, pte, 0, first);
	if (rc)
		return rc > 0 ? SIM_OK : rc;
	if (first) {
		int fresh = x->pmarr[g] == PMAP_NONE, owed = x->owed_zero && x->owed_zero[g];
		/* the page fault: the pmap's entry made, the page zeroed before
		 * the VM sees it (isolation, 4.3.3) */
		rc = vmm_machine_page(x, v, pte[vpn & 1].gppn, &mpn);
		if (rc)
			return rc;
		if (fresh) {
			vcpu_spend(v, ACCT_MONITOR, ACCT_SPLIT_MONITOR, x->k.page_move);
			if (!owed)
				vmm_zero_machine_page(x, v, mpn);
		}
	}
	/* the monitor's own TLB write from the pmap: no guest handler, and no
	 * second exception (the handler is still running) */
	if (x->k.paths_machine)
		rc = mon_insns(x, v, MON_TLB_WRITE, x->k.path_tlb_write, ACCT_SPLIT_TLB_WRITE);
	else
		vcpu_spend(v, ACCT_MONITOR, ACCT_SPLIT_TLB_WRITE, x->k.tlb_write);
	return rc ? rc : disco_tlb_put(x, v, v->asid, vpn, pte);
}

/* What an emulated TLB write does once charged: pmap lookup, the pair into
 * the TLB and into the L2TLB, and a backmap per page so the mapping can be
 * found again when the machine page changes. */
static int disco_tlb_put(struct vmm *x, struct vmm_vcpu *v, uint32_t asid, uint64_t vpn,
			 const struct vmm_pte pte[2])
{
	struct tlb_entry te;
	int rc = vmm_tlb_fill(x, v, asid, vpn,
			      pte[pte[vpn & 1].valid ? vpn & 1 : !(vpn & 1)].global, pte, &te);
	if (rc)
		return rc;
	for (int h = 0; h < 2; h++)
		if (pte[h].valid) {
			uint64_t hv = (vpn & ~1ull) | (uint64_t)h;
			if (x->k.paths_machine && (rc = tlb_put_refs(x, v, asid, hv, pte[h].gppn, te.pfn[h])))
				return rc;
			x->l2ops->insert(x->l2st[v->id], asid, hv, te.pfn[h], te.dirty[h]);
			if (pmap_backmap_add(x->pm, x->vm[v->vm].base + pte[h].gppn, asid, hv) != SIM_OK)
				return sim_errf(x->err, SIM_ENOMEM, "out of memory for backmaps");
		}
	return SIM_OK;
}

/* The refill handler's tlbwr, emulated; then its eret. */
static int disco_tlb_write(struct vmm *x, struct vmm_vcpu *v, uint32_t asid, uint64_t vpn,
			   const struct vmm_pte pte[2])
{
	int rc;
	x->cnt.priv_emulated += 2;
	if ((rc = priv_path(x, v, 1)) || (rc = disco_tlb_put(x, v, asid, vpn, pte)))
		return rc;
	return priv_path(x, v, 0);   /* the eret */
}

/* A TLB miss on the relocated kernel segment: the monitor maps guest
 * physical page g at virtual page VMM_KSEG0_RELOC_VA / page + g, globally.
 * The pair's other half is mapped only if it has a machine page already:
 * machine memory backs a guest page when the guest uses it (Figure 7's M
 * below V), and a page reclaimed after a page-freed hint stays reclaimed
 * (4.3.3) until the guest touches it, which then pays its isolation zero;
 * an unbacked half is written invalid, and a touch of it faults again. */
static int ktlb_fault(struct vmm *x, struct vmm_vcpu *v, uint64_t gppn)
{
	const struct vmm_vm *vm = &x->vm[v->vm];
	uint64_t other = gppn ^ 1;
	struct vmm_pte pair[2] = {
		{ .gppn = gppn & ~1ull, .valid = 1, .writable = 1 },
		{ .gppn = gppn | 1, .valid = 1, .writable = 1 },
	};
	pair[other & 1].valid = other < vm->pages && x->pmarr[vm->base + other] != PMAP_NONE;
	struct tlb_entry te;
	int rc;
	x->cnt.tlb_misses++;
	x->cnt.ktlb_faults++;
	if ((rc = mon_enter(x, v, ACCT_SPLIT_KTLB, MON_KTLB, x->k.path_ktlb, x->k.ktlb_fault)))
		return rc;
	for (int h = 0; h < 2 && x->k.paths_machine; h++)
		if (pair[h].valid &&
		    (rc = mon_pmap(x, v, x->vm[v->vm].base + pair[h].gppn, MACH_LOAD, ACCT_SPLIT_KTLB)))
			return rc;
	return vmm_tlb_fill(x, v, 0, (VMM_KSEG0_RELOC_VA >> x->pshift) + gppn, 1, pair, &te);
}

static int disco_kseg0(struct vmm *x, struct vmm_vcpu *v, uint64_t gppn, uint64_t *mpn,
		       int *writable)
{
	uint64_t rvpn = (VMM_KSEG0_RELOC_VA >> x->pshift) + gppn;
	struct tlb *t = machine_tlb(x->m, v->cpu);
	if (tlb_lookup(t, v->asid, rvpn, mpn, writable))
		return SIM_OK;
	int rc = ktlb_fault(x, v, gppn);
	if (rc)
		return rc;
	if (!tlb_lookup(t, v->asid, rvpn, mpn, writable))
		return sim_errf(x->err, SIM_EINTERNAL, "translate: kernel TLB fill did not stick");
	return SIM_OK;
}

static int disco_trap(struct vmm *x, struct vmm_vcpu *v)
{
	return reflect(x, v, 1);
}

static int disco_priv(struct vmm *x, struct vmm_vcpu *v, unsigned kind)
{
	x->cnt.priv_emulated++;
	return priv_path(x, v, kind == TRC_PRIV_TLBWR || kind == TRC_PRIV_TLBWI);
}

int vmm_moncall_enter(struct vmm *x, struct vmm_vcpu *v)
{
	int rc = mon_enter(x, v, ACCT_SPLIT_MONITOR, MON_MONCALL, x->k.path_moncall, x->k.moncall);
	if (rc || !x->k.paths_machine)
		return rc;
	return mon_data(x, v, VCPU_STATUS, MACH_LOAD, ACCT_SPLIT_MONITOR);
}

static int disco_dma(struct vmm *x, struct vmm_vcpu *v, unsigned disk, uint64_t sector,
		     uint64_t count, int write, uint64_t *done_at)
{
	vcpu_spend(v, ACCT_MONITOR, ACCT_SPLIT_MONITOR, x->k.dma);
	return vmm_diskcache_request(x, v, disk, sector, count, write, done_at);
}

static void disco_vcpu_switch(struct vmm *x, struct vmm_vcpu *v, int cpu)
{
	tlb_flush(machine_tlb(x->m, cpu));
	vmm_tlb_changed(x, cpu);
	vcpu_spend(v, ACCT_MONITOR, ACCT_SPLIT_MONITOR, x->k.vcpu_switch);
}

/* The guest's invalidation, which the monitor sees and follows in every
 * L2TLB too. */
static void disco_pte_changed(struct vmm *x, uint32_t asid, uint64_t vpn)
{
	vmm_native_ops.pte_changed(x, asid, vpn);
	for (int i = 0; i < x->nvcpus; i++)
		x->l2ops->invalidate(x->l2st[i], asid, vpn);
}

const struct vmm_ops vmm_disco_ops = {
	.name = "disco",
	.tlb_miss = disco_tlb_miss,
	.tlb_write = disco_tlb_write,
	.tlb_put = disco_tlb_put,
	.kseg0 = disco_kseg0,
	.trap = disco_trap,
	.priv = disco_priv,
	.moncall = vmm_disco_moncall,
	.dma = disco_dma,
	.vcpu_switch = disco_vcpu_switch,
	.pte_changed = disco_pte_changed,
};
