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
 * kernel, kernel_sync, monitor, idle) through spend(); memory stalls are
 * also counted local or remote within their category.  Time while a service
 * is the innermost open one (begin/end records, or the synthesized UTLB-MISS)
 * goes to that service too, split into Table 2's five parts; idle time is not
 * service time.  At the end every CPU is idle from its last cycle to the
 * run's end, so each CPU's categories sum to the run's length.
 *
 * Modelling choices worth knowing:
 *   - A traced privileged instruction costs guest.cost.priv natively and is
 *     emulated under the monitor; a traced tlbwr/tlbwi carries no entry, so
 *     it costs but does not change the TLB model (the refills that matter are
 *     the synthesized ones).
 *   - A PTE set/clear invalidates (asid, vpn) in every TLB and L2TLB: the
 *     guest's own invalidation, which the monitor sees and follows.
 *   - Page tables: the handler's PTE load goes to guest physical pages of a
 *     pool at the top of the VM's memory (guest.pt_pool_pages), indexed by
 *     ASID and VPN, as an unmapped kernel reference.
 *   - KSEG0 references use guest physical address (va & 0x1fffffff); under
 *     the monitor that segment is relocated to mapped supervisor space at
 *     0xc0000000 (paper 4.3.1) and its TLB misses are kernel TLB faults.
 *   - The refill handler's instructions and PTE load are machine work, not
 *     trace records: they cost cycles but are not counted in instructions,
 *     loads or references (which count the trace's).
 *   - Semaphores start at 1 (a mutex) unless a marker of kind
 *     RPL_MARK_SEM_INIT sets their count first.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/mem.h"
#include "machine/machine.h"
#include "monitor/costs.h"
#include "monitor/pmap.h"
#include "policies/policy.h"
#include "replay/engine_int.h"
#include "replay/replay.h"

/* ---- small tables ---- */

static int idtab_init(struct idtab *t, size_t size)
{
	t->cap = 64;
	t->n = 0;
	t->size = size;
	t->slots = sim_calloc(t->cap, size);
	t->used = sim_calloc(t->cap, 1);
	return t->slots && t->used ? SIM_OK : SIM_ENOMEM;
}

static void idtab_free(struct idtab *t)
{
	sim_free(t->slots);
	sim_free(t->used);
}

static inline size_t id_hash(uint32_t id, size_t cap) { return (id * 2654435761u) & (cap - 1); }

/* The object for id, created zeroed (with its id set) when absent; NULL on
 * out of memory.  Objects start with a uint32_t id. */
static void *idtab_get(struct idtab *t, uint32_t id)
{
	size_t i;
	if ((t->n + 1) * 2 > t->cap) {
		struct idtab nt = { 0 };
		nt.cap = t->cap * 2;
		nt.size = t->size;
		nt.slots = sim_calloc(nt.cap, nt.size);
		nt.used = sim_calloc(nt.cap, 1);
		if (!nt.slots || !nt.used) {
			idtab_free(&nt);
			return NULL;
		}
		for (size_t j = 0; j < t->cap; j++)
			if (t->used[j]) {
				void *o = (char *)t->slots + j * t->size;
				size_t k = id_hash(*(uint32_t *)o, nt.cap);
				while (nt.used[k])
					k = (k + 1) & (nt.cap - 1);
				memcpy((char *)nt.slots + k * nt.size, o, nt.size);
				nt.used[k] = 1;
			}
		nt.n = t->n;
		idtab_free(t);
		*t = nt;
	}
	for (i = id_hash(id, t->cap); t->used[i]; i = (i + 1) & (t->cap - 1)) {
		void *o = (char *)t->slots + i * t->size;
		if (*(uint32_t *)o == id)
			return o;
	}
	t->used[i] = 1;
	t->n++;
	memset((char *)t->slots + i * t->size, 0, t->size);
	*(uint32_t *)((char *)t->slots + i * t->size) = id;
	return (char *)t->slots + i * t->size;
}

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

/* ---- guest page table ---- */

static inline size_t gpt_hash(uint32_t asid, uint64_t vpn, size_t cap)
{
	uint64_t h = (vpn ^ ((uint64_t)asid << 40)) * 0x9E3779B97F4A7C15ull;
	return (size_t)(h >> 20) & (cap - 1);
}

static int gpt_init(struct gpt *g)
{
	g->cap = 1024;
	g->n = 0;
	g->vpn = sim_calloc(g->cap, sizeof *g->vpn);
	g->val = sim_calloc(g->cap, sizeof *g->val);
	g->asid = sim_calloc(g->cap, sizeof *g->asid);
	return g->vpn && g->val && g->asid ? SIM_OK : SIM_ENOMEM;
}

static void gpt_free(struct gpt *g)
{
	sim_free(g->vpn);
	sim_free(g->val);
	sim_free(g->asid);
}

static long gpt_find(const struct gpt *g, uint32_t asid, uint64_t vpn)
{
	for (size_t i = gpt_hash(asid, vpn, g->cap); g->val[i]; i = (i + 1) & (g->cap - 1))
		if (g->vpn[i] == vpn && g->asid[i] == asid)
			return (long)i;
	return -1;
}

static int gpt_set(struct gpt *g, uint32_t asid, uint64_t vpn, uint64_t val)
{
	long f = gpt_find(g, asid, vpn);
	size_t i;
	if (f >= 0) {
		g->val[f] = val;
		return SIM_OK;
	}
	if ((g->n + 1) * 2 > g->cap) {
		struct gpt ng = { 0 };
		ng.cap = g->cap * 2;
		ng.vpn = sim_calloc(ng.cap, sizeof *ng.vpn);
		ng.val = sim_calloc(ng.cap, sizeof *ng.val);
		ng.asid = sim_calloc(ng.cap, sizeof *ng.asid);
		if (!ng.vpn || !ng.val || !ng.asid) {
			gpt_free(&ng);
			return SIM_ENOMEM;
		}
		for (size_t j = 0; j < g->cap; j++)
			if (g->val[j]) {
				size_t k = gpt_hash(g->asid[j], g->vpn[j], ng.cap);
				while (ng.val[k])
					k = (k + 1) & (ng.cap - 1);
				ng.vpn[k] = g->vpn[j];
				ng.val[k] = g->val[j];
				ng.asid[k] = g->asid[j];
			}
		ng.n = g->n;
		gpt_free(g);
		*g = ng;
	}
	i = gpt_hash(asid, vpn, g->cap);
	while (g->val[i])
		i = (i + 1) & (g->cap - 1);
	g->vpn[i] = vpn;
	g->asid[i] = asid;
	g->val[i] = val;
	g->n++;
	return SIM_OK;
}

/* Backward-shift deletion keeps every probe chain unbroken. */
static void gpt_clear(struct gpt *g, uint32_t asid, uint64_t vpn)
{
	long f = gpt_find(g, asid, vpn);
	size_t i, j;
	if (f < 0)
		return;
	i = (size_t)f;
	g->val[i] = 0;
	g->n--;
	for (j = (i + 1) & (g->cap - 1); g->val[j]; j = (j + 1) & (g->cap - 1)) {
		size_t h = gpt_hash(g->asid[j], g->vpn[j], g->cap);
		/* move j back to i if its home is not in (i, j] cyclically */
		if ((j > i && (h <= i || h > j)) || (j < i && (h <= i && h > j))) {
			g->vpn[i] = g->vpn[j];
			g->asid[i] = g->asid[j];
			g->val[i] = g->val[j];
			g->val[j] = 0;
			i = j;
		}
	}
}

#define GPT_PROT_SHIFT 56
#define GPT_GPPN_MASK ((1ull << GPT_PROT_SHIFT) - 1)

/* ---- time accounting ---- */

static inline int guest_cat(const struct vcpu *v, unsigned flags)
{
	if (v->idle)
		return RPL_IDLE;
	return (flags & TRC_F_KERNEL) ? RPL_KERNEL : RPL_USER;
}

static void svc_push(struct eng *e, struct vcpu *v, unsigned svc)
{
	if (v->depth < SVC_DEPTH)
		v->svc[v->depth] = (uint16_t)svc;
	v->depth++;
	e->res->service[svc].count++;
}

/* ---- memory ---- */

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

/* The machine page of guest page gppn, placed now if never touched. */
static inline int machine_page(struct eng *e, struct vcpu *v, uint64_t gppn, uint64_t *mpn)
{
	uint64_t m;
	if (gppn >= e->guest_pages)
		return fail_rec(e, v, SIM_EINVAL,
				"guest physical page 0x%" PRIx64 " is beyond the VM's %" PRIu64
				" pages (vm.mem.size)", gppn, e->guest_pages);
	m = e->pmarr[gppn];
	if (m == PMAP_NONE) {
		int toucher = machine_cpu_node(e->m, v->cpu);
		int node = e->oracle ? rpl_numa_oracle_node(e, gppn) : -1;
		if (node < 0)
			node = e->place->node_for(e->place_st, gppn, toucher);
		m = pmap_assign(e->pm, gppn, node);
		if (m == PMAP_NONE)
			return fail_rec(e, v, SIM_EINVAL,
					"machine memory is full (machine.mem.size) placing guest page 0x%" PRIx64,
					gppn);
		e->res->pages_touched++;
		if (e->oracle)
			rpl_numa_oracle_replicas(e, gppn);
	}
	*mpn = m;
	return SIM_OK;
}

/* One reference to guest physical byte address gpa, outside the TLB (the
 * page-table load, the monitor's page zeroing, unmapped kernel natively). */
static int phys_ref(struct eng *e, struct vcpu *v, uint64_t gpa, int kind, int cat, int part)
{
	uint64_t mpn = 0;
	unsigned where;
	uint32_t st;
	int rc = machine_page(e, v, gpa >> e->pshift, &mpn);
	if (rc)
		return rc;
	st = machine_ref(e->m, v->cpu, (mpn << e->pshift) | (gpa & e->pmask), kind, v->clock, &where);
	stall(e, v, cat, part, st, where);
	return SIM_OK;
}

static void bump_tlb_epoch(struct eng *e, int cpu) { e->tlb_epoch[cpu]++; }

void rpl_bump_tlb_epoch(struct eng *e, int cpu) { bump_tlb_epoch(e, cpu); }

int rpl_machine_page(struct eng *e, struct vcpu *v, uint64_t gppn, uint64_t *mpn)
{
	return machine_page(e, v, gppn, mpn);
}

/* Fill one TLB entry for the even/odd pair of vpn from the halves' guest
 * pages (valid[h]: half h is mapped).  Under the monitor with page movement
 * on, each half maps the copy nearest the CPU, read-only while the page has
 * replicas.  The entry written is left in *te. */
static int tlb_fill(struct eng *e, struct vcpu *v, uint32_t asid, uint64_t vpn, int global,
		    const uint64_t gppn[2], const int valid[2], const int writable[2],
		    struct tlb_entry *te)
{
	memset(te, 0, sizeof *te);
	te->vpn2 = vpn >> 1;
	te->asid = asid;
	te->global = (uint8_t)global;
	for (int h = 0; h < 2; h++) {
		int w = writable[h];
		if (!valid[h])
			continue;
		int rc = machine_page(e, v, gppn[h], &te->pfn[h]);
		if (rc)
			return rc;
		if (e->mig) {
			int wok;
			te->pfn[h] = rpl_numa_copy_for(e, gppn[h], machine_cpu_node(e->m, v->cpu), &wok);
			w = w && wok;
		}
		te->valid[h] = 1;
		te->dirty[h] = (uint8_t)w;
	}
	tlb_write_random(machine_tlb(e->m, v->cpu), te);
	bump_tlb_epoch(e, v->cpu);
	return SIM_OK;
}

/* Look up the guest's PTE for (asid, vpn): 1 if mapped. */
static int guest_pte(struct eng *e, uint32_t asid, uint64_t vpn, uint64_t *gppn, int *writable,
		     int *global)
{
	long i = gpt_find(&e->gpt, asid, vpn);
	uint64_t val;
	if (i < 0)
		return 0;
	val = e->gpt.val[i];
	*gppn = val & GPT_GPPN_MASK;
	*writable = (int)((val >> GPT_PROT_SHIFT) & TRC_PROT_WRITE) != 0;
	*global = (int)((val >> GPT_PROT_SHIFT) & TRC_PROT_GLOBAL) != 0;
	return 1;
}

/* The guest's UTLB handler, natively or reflected by the monitor: its
 * instructions and its PTE load. */
static int guest_refill_handler(struct eng *e, struct vcpu *v, uint32_t asid, uint64_t vpn)
{
	uint64_t ptes_per_page = (e->pmask + 1) / PTE_BYTES;
	uint64_t pt_page = e->guest_pages - 1 -
			   (((uint64_t)asid * 1031u + vpn / ptes_per_page) % e->pt_pool);
	uint64_t gpa = (pt_page << e->pshift) + (vpn % ptes_per_page) * PTE_BYTES;
	spend(e, v, RPL_KERNEL, RPL_SPLIT_KERNEL, e->k.utlb_insns);
	return phys_ref(e, v, gpa, MACH_LOAD, RPL_KERNEL, RPL_SPLIT_KERNEL);
}

/* A TLB miss on a mapped address: the synthesized refill (UTLB-MISS). */
static int tlb_miss(struct eng *e, struct vcpu *v, uint64_t vpn)
{
	uint64_t gppn[2];
	int valid[2], wr[2], gl[2];
	int rc = SIM_OK;
	uint32_t asid = v->asid;
	struct tlb_entry te;

	for (int h = 0; h < 2; h++)
		valid[h] = guest_pte(e, asid, (vpn & ~1ull) | (uint64_t)h, &gppn[h], &wr[h], &gl[h]);
	if (!valid[vpn & 1])
		return fail_rec(e, v, SIM_EINVAL,
				"reference to virtual page 0x%" PRIx64 " of ASID %u, which has no "
				"page-table entry (no pte.set before it)", vpn, asid);
	e->res->tlb_misses++;
	e->res->utlb_misses++;
	svc_push(e, v, TRC_SVC_UTLB_MISS);
	if (e->mode == RPL_DISCO) {
		uint64_t mpn;
		int w;
		if (e->l2ops->lookup(e->l2st[v - e->v], asid, vpn, &mpn, &w)) {
			/* served by the monitor alone: never enters the guest */
			e->res->l2tlb_hits++;
			spend(e, v, RPL_MONITOR, RPL_SPLIT_TLB_WRITE, e->k.tlb_refill);
			rc = tlb_fill(e, v, asid, vpn, gl[vpn & 1], gppn, valid, wr, &te);
			goto out_pop;
		}
		e->res->l2tlb_misses++;
		spend(e, v, RPL_MONITOR, RPL_SPLIT_TLB_WRITE, e->k.l2tlb_miss);
		spend(e, v, RPL_MONITOR, RPL_SPLIT_OTHER_PRIV, e->k.trap_reflect);
		rc = guest_refill_handler(e, v, asid, vpn);
		if (rc)
			goto out_pop;
		/* the handler's tlbwr, emulated: pmap lookup, TLB and L2TLB */
		e->res->priv_emulated += 2;
		spend(e, v, RPL_MONITOR, RPL_SPLIT_TLB_WRITE, e->k.tlb_write);
		rc = tlb_fill(e, v, asid, vpn, gl[vpn & 1], gppn, valid, wr, &te);
		if (rc)
			goto out_pop;
		for (int h = 0; h < 2; h++)
			if (valid[h]) {
				uint64_t hv = (vpn & ~1ull) | (uint64_t)h;
				e->l2ops->insert(e->l2st[v - e->v], asid, hv, te.pfn[h], te.dirty[h]);
				if (pmap_backmap_add(e->pm, gppn[h], asid, hv) != SIM_OK) {
					rc = sim_errf(e->err, SIM_ENOMEM, "out of memory for backmaps");
					goto out_pop;
				}
			}
		/* and its eret */
		spend(e, v, RPL_MONITOR, RPL_SPLIT_OTHER_PRIV, e->k.priv);
	} else {
		spend(e, v, RPL_KERNEL, RPL_SPLIT_KERNEL, e->k.exception);
		rc = guest_refill_handler(e, v, asid, vpn);
		if (rc)
			goto out_pop;
		spend(e, v, RPL_KERNEL, RPL_SPLIT_KERNEL, 2ull * e->k.priv_native); /* tlbwr, eret */
		rc = tlb_fill(e, v, asid, vpn, gl[vpn & 1], gppn, valid, wr, &te);
	}
out_pop:
	v->depth--;
	return rc;
}

/* A TLB miss on the relocated unmapped kernel segment (disco only). */
static int ktlb_fault(struct eng *e, struct vcpu *v, uint64_t gppn)
{
	uint64_t pair[2] = { gppn & ~1ull, gppn | 1 };
	int valid[2] = { 1, (pair[1] < e->guest_pages) }, wr[2] = { 1, 1 };
	struct tlb_entry te;
	e->res->tlb_misses++;
	e->res->ktlb_faults++;
	spend(e, v, RPL_MONITOR, RPL_SPLIT_KTLB, e->k.ktlb_fault);
	/* the relocated segment maps guest physical page g at virtual page
	 * KSEG0_RELOC_VPN + g, globally */
	return tlb_fill(e, v, 0, (KSEG0_RELOC_VA >> e->pshift) + gppn, 1, pair, valid, wr, &te);
}

/* Translate virtual address va for vCPU v; kind 0 instruction, 1 data. */
static inline int translate(struct eng *e, struct vcpu *v, uint64_t va, unsigned flags, int x,
			    uint64_t *mpn)
{
	struct xlate *t = &v->xl[x];
	int kseg0 = (flags & TRC_F_KSEG0) != 0;
	uint64_t vpn = kseg0 ? (va & KSEG0_MASK) >> e->pshift : va >> e->pshift;
	uint64_t epoch = e->tlb_epoch[v->cpu] + e->pmap_epoch;
	uint64_t pfn;
	int w, rc;

	if (t->valid && t->vpn == vpn && t->kseg0 == kseg0 && t->epoch == epoch &&
	    (kseg0 || t->asid == v->asid)) {
		*mpn = t->mpn;
		return SIM_OK;
	}
	if (kseg0) {
		if (e->mode == RPL_DISCO) {
			uint64_t rvpn = (KSEG0_RELOC_VA >> e->pshift) + vpn;
			if (!tlb_lookup(machine_tlb(e->m, v->cpu), v->asid, rvpn, &pfn, &w)) {
				rc = ktlb_fault(e, v, vpn);
				if (rc)
					return rc;
				if (!tlb_lookup(machine_tlb(e->m, v->cpu), v->asid, rvpn, &pfn, &w))
					return sim_errf(e->err, SIM_EINTERNAL,
							"translate: kernel TLB fill did not stick");
			}
		} else {
			rc = machine_page(e, v, vpn, &pfn);
			if (rc)
				return rc;
			w = 1;
		}
	} else {
		if (!tlb_lookup(machine_tlb(e->m, v->cpu), v->asid, vpn, &pfn, &w)) {
			rc = tlb_miss(e, v, vpn);
			if (rc)
				return rc;
			if (!tlb_lookup(machine_tlb(e->m, v->cpu), v->asid, vpn, &pfn, &w))
				return sim_errf(e->err, SIM_EINTERNAL, "translate: TLB fill did not stick");
		}
	}
	t->valid = 1;
	t->vpn = vpn;
	t->gppn = pmap_owner(e->pm, pfn);
	t->writable = (uint8_t)(w != 0);
	t->kseg0 = (uint8_t)kseg0;
	t->asid = v->asid;
	t->mpn = pfn;
	t->epoch = e->tlb_epoch[v->cpu] + e->pmap_epoch;
	*mpn = pfn;
	return SIM_OK;
}

/* ---- records ---- */

static int do_insn(struct eng *e, struct vcpu *v, const struct trc_rec *r)
{
	uint64_t pc = r->addr, left = r->id;
	int cat = guest_cat(v, r->flags);
	uint32_t line = e->line_i;

	if (left == 0)
		return fail_rec(e, v, SIM_EINVAL, "instruction run of length 0");
	e->res->instructions += left;
	e->res->cpu[v->cpu].instructions += left;
	while (left > 0) {
		/* instructions up to the end of this cache line */
		uint64_t in_line = (line - (pc & (line - 1))) / 4;
		uint64_t k = in_line < left ? in_line : left;
		uint64_t mpn;
		unsigned where;
		uint32_t st;
		int rc;
		if (k == 0)
			k = 1;
		rc = translate(e, v, pc, r->flags, 0, &mpn);
		if (rc)
			return rc;
		st = machine_ref(e->m, v->cpu, (mpn << e->pshift) | (pc & e->pmask), MACH_IFETCH,
				 v->clock, &where);
		stall(e, v, cat, RPL_SPLIT_KERNEL, st, where);
		spend(e, v, cat, RPL_SPLIT_KERNEL, k);
		pc += k * 4;
		left -= k;
	}
	return SIM_OK;
}

static int do_mem(struct eng *e, struct vcpu *v, const struct trc_rec *r)
{
	uint64_t mpn;
	unsigned where;
	uint32_t st;
	int store = r->type == TRC_STORE;
	int rc = translate(e, v, r->addr, r->flags, 1, &mpn);
	if (rc)
		return rc;
	if (store && e->writes) {
		uint64_t g = v->xl[1].gppn;
		if (e->mig && !v->xl[1].writable && pmap_nreplicas(e->pm, g)) {
			/* a write to a replicated page: the monitor's protection fault */
			rc = rpl_numa_collapse(e, v, g);
			if (!rc)
				rc = translate(e, v, r->addr, r->flags, 1, &mpn);
			if (rc)
				return rc;
		}
		e->writes[g]++;
	}
	if (store) {
		e->res->stores++;
		e->res->cpu[v->cpu].stores++;
	} else {
		e->res->loads++;
		e->res->cpu[v->cpu].loads++;
	}
	st = machine_ref(e->m, v->cpu, (mpn << e->pshift) | (r->addr & e->pmask),
			 store ? MACH_STORE : MACH_LOAD, v->clock, &where);
	stall(e, v, guest_cat(v, r->flags), RPL_SPLIT_KERNEL, st, where);
	return SIM_OK;
}

/* The guest changed a PTE: every TLB and L2TLB forgets (asid, vpn). */
static void forget_mapping(struct eng *e, uint32_t asid, uint64_t vpn)
{
	for (int c = 0; c < e->ncpus; c++) {
		tlb_invalidate(machine_tlb(e->m, c), asid, vpn);
		bump_tlb_epoch(e, c);
	}
	if (e->mode == RPL_DISCO)
		for (int i = 0; i < e->nvcpus; i++)
			e->l2ops->invalidate(e->l2st[i], asid, vpn);
}

static int do_pte(struct eng *e, struct vcpu *v, const struct trc_rec *r)
{
	forget_mapping(e, r->id, r->addr);
	if (r->type == TRC_PTE_CLEAR) {
		gpt_clear(&e->gpt, r->id, r->addr);
		return SIM_OK;
	}
	if (r->val >= e->guest_pages)
		return fail_rec(e, v, SIM_EINVAL,
				"pte.set maps guest page 0x%" PRIx64 ", beyond the VM's %" PRIu64
				" pages (vm.mem.size)", r->val, e->guest_pages);
	if (gpt_set(&e->gpt, r->id, r->addr,
		    r->val | ((uint64_t)(r->aux | TRC_PROT_VALID) << GPT_PROT_SHIFT)) != SIM_OK)
		return sim_errf(e->err, SIM_ENOMEM, "out of memory for the guest page table");
	return SIM_OK;
}

static int do_svc(struct eng *e, struct vcpu *v, const struct trc_rec *r)
{
	if (r->type == TRC_SVC_BEGIN) {
		svc_push(e, v, r->aux);
		if (e->mode == RPL_DISCO)
			spend(e, v, RPL_MONITOR, RPL_SPLIT_OTHER_PRIV, e->k.trap_reflect);
		else
			spend(e, v, RPL_KERNEL, RPL_SPLIT_KERNEL, e->k.exception);
		return SIM_OK;
	}
	if (v->depth == 0)
		return fail_rec(e, v, SIM_EINVAL, "svc.end %s with no service open",
				trc_service_name(r->aux));
	if (v->depth <= SVC_DEPTH && v->svc[v->depth - 1] != r->aux)
		return fail_rec(e, v, SIM_EINVAL, "svc.end %s, but %s is the open service",
				trc_service_name(r->aux), trc_service_name(v->svc[v->depth - 1]));
	v->depth--;
	return SIM_OK;
}

static int do_priv(struct eng *e, struct vcpu *v, const struct trc_rec *r)
{
	int tlbw = r->aux == TRC_PRIV_TLBWR || r->aux == TRC_PRIV_TLBWI;
	if (e->mode == RPL_DISCO) {
		e->res->priv_emulated++;
		spend(e, v, RPL_MONITOR, tlbw ? RPL_SPLIT_TLB_WRITE : RPL_SPLIT_OTHER_PRIV,
		      tlbw ? e->k.tlb_write : e->k.priv);
	} else {
		spend(e, v, guest_cat(v, TRC_F_KERNEL), RPL_SPLIT_KERNEL, e->k.priv_native);
	}
	return SIM_OK;
}

/* The monitor takes guest page gppn's machine pages back: every TLB and
 * L2TLB entry that maps a copy goes, the caches lose the copies' lines, and
 * the pages return to their nodes' free lists. */
static void reclaim(struct eng *e, uint64_t gppn)
{
	uint64_t mpn = e->pmarr[gppn];
	if (mpn == PMAP_NONE)
		return;
	rpl_numa_unmap_all(e, gppn);
	for (int n = 0; n < machine_nnodes(e->m); n++) {
		uint64_t c = pmap_copy_on(e->pm, gppn, n);
		if (c != PMAP_NONE)
			machine_page_flush(e->m, c);
	}
	pmap_release(e->pm, gppn);
	e->pmap_epoch++;
	e->res->pages_reclaimed++;
}

static int do_moncall(struct eng *e, struct vcpu *v, const struct trc_rec *r)
{
	/* Natively there is no monitor: a Disco-aware HAL's call costs nothing
	 * there (the trace then lacks the work the call replaced). */
	if (e->mode != RPL_DISCO)
		return SIM_OK;
	e->res->moncalls++;
	spend(e, v, RPL_MONITOR, RPL_SPLIT_MONITOR, e->k.moncall);
	if (r->aux == TRC_MC_PAGE_FREED) {
		if (r->addr >= e->guest_pages)
			return fail_rec(e, v, SIM_EINVAL, "page-freed hint for guest page 0x%" PRIx64
					", beyond the VM's %" PRIu64 " pages", r->addr, e->guest_pages);
		reclaim(e, r->addr);
	}
	if (r->aux == TRC_MC_ZERO_PAGE) {
		/* the monitor zeroes the page for the guest: one store per L1 line,
		 * through the caches, one instruction per 8 bytes */
		uint64_t base = r->addr << e->pshift, size = e->pmask + 1;
		for (uint64_t off = 0; off < size; off += e->line_d) {
			int rc = phys_ref(e, v, base + off, MACH_STORE, RPL_MONITOR, RPL_SPLIT_MONITOR);
			if (rc)
				return rc;
			spend(e, v, RPL_MONITOR, RPL_SPLIT_MONITOR, e->line_d / 8);
		}
	}
	return SIM_OK;
}

/* ---- synchronization ---- */

static int is_sync(unsigned type)
{
	switch (type) {
	case TRC_LOCK_ACQ: case TRC_LOCK_REL: case TRC_SEM_WAIT: case TRC_SEM_SIGNAL:
	case TRC_DMA_REQ: case TRC_DMA_DONE: case TRC_MARKER:
		return 1;
	}
	return 0;
}

/* Wake w at cycle t (at least its own clock), charging the wait to cat. */
static void wake(struct eng *e, struct vcpu *w, uint64_t t, int cat)
{
	if (t > w->clock)
		spend(e, w, cat, RPL_SPLIT_KERNEL, t - w->clock);
	w->state = V_RUN;
	w->pos++;          /* the record it was blocked on is done */
	w->recno++;
	e->res->records++;
}

/* Returns 1 when v blocked on r (r not consumed), 0 when done, <0 error. */
static int do_sync(struct eng *e, struct vcpu *v, const struct trc_rec *r)
{
	switch (r->type) {
	case TRC_LOCK_ACQ: {
		struct lock *l = idtab_get(&e->locks, r->id);
		if (!l)
			return sim_errf(e->err, SIM_ENOMEM, "out of memory for locks");
		if (l->owner == 0) {   /* owner stored +1: 0 free */
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
		struct lock *l = idtab_get(&e->locks, r->id);
		struct vcpu *w;
		if (!l)
			return sim_errf(e->err, SIM_ENOMEM, "out of memory for locks");
		if (l->owner != (int)(v - e->v) + 1)
			return fail_rec(e, v, SIM_EINVAL, "lock %u released but not held by this vCPU",
					r->id);
		w = waitq_pop(&l->q);
		if (w) {
			l->owner = (int)(w - e->v) + 1;
			e->res->lock_acquires++;
			wake(e, w, v->clock, RPL_SYNC);   /* it spun until now */
		} else {
			l->owner = 0;
		}
		return 0;
	}
	case TRC_SEM_WAIT: {
		struct sem *s = idtab_get(&e->sems, r->id);
		if (!s)
			return sim_errf(e->err, SIM_ENOMEM, "out of memory for semaphores");
		if (s->count + 1 > 0) {   /* count is stored minus 1: zeroed means 1 */
			s->count--;
			return 0;
		}
		e->res->sem_waits_blocked++;
		v->state = V_WAIT_SEM;
		waitq_push(&s->q, v);
		return 1;
	}
	case TRC_SEM_SIGNAL: {
		struct sem *s = idtab_get(&e->sems, r->id);
		struct vcpu *w;
		if (!s)
			return sim_errf(e->err, SIM_ENOMEM, "out of memory for semaphores");
		w = waitq_pop(&s->q);
		if (w)
			wake(e, w, v->clock, RPL_IDLE);   /* it slept until now */
		else
			s->count++;
		return 0;
	}
	case TRC_DMA_REQ: {
		struct dma *d = idtab_get(&e->dmas, r->id);
		struct vcpu *w;
		if (!d)
			return sim_errf(e->err, SIM_ENOMEM, "out of memory for DMA requests");
		if (r->aux >= e->mc.ndisks)
			return fail_rec(e, v, SIM_EINVAL, "DMA to disk %u; the machine has %d (machine.disks)",
					r->aux, e->mc.ndisks);
		if (d->state == 1)
			return fail_rec(e, v, SIM_EINVAL, "DMA request %u issued twice", r->id);
		e->res->dma_requests++;
		if (e->mode == RPL_DISCO)
			spend(e, v, RPL_MONITOR, RPL_SPLIT_MONITOR, e->k.dma);
		d->state = 1;
		d->done = machine_disk_request(e->m, r->aux, r->addr, r->val * 512, v->clock);
		w = waitq_pop(&d->q);
		if (w) {
			/* its completion was already waited for */
			wake(e, w, d->done, RPL_IDLE);
			d->state = 2;
		}
		v->frag_of = TRC_DMA_REQ;
		v->frag_write = (r->flags & TRC_F_WRITE) != 0;
		return 0;
	}
	case TRC_DMA_DONE: {
		struct dma *d = idtab_get(&e->dmas, r->id);
		if (!d)
			return sim_errf(e->err, SIM_ENOMEM, "out of memory for DMA requests");
		if (d->state != 1) {
			/* not issued yet in simulated time: wait for it */
			v->state = V_WAIT_IO;
			waitq_push(&d->q, v);
			return 1;
		}
		if (d->done > v->clock)
			spend(e, v, RPL_IDLE, RPL_SPLIT_KERNEL, d->done - v->clock);
		d->state = 2;   /* consumed: the id may be reused */
		return 0;
	}
	case TRC_MARKER:
		if (r->aux == RPL_MARK_SEM_INIT) {
			struct sem *s = idtab_get(&e->sems, r->id);
			if (!s)
				return sim_errf(e->err, SIM_ENOMEM, "out of memory for semaphores");
			s->count = (int64_t)r->val - 1;   /* stored minus the default 1 */
		}
		return 0;
	}
	return 0;
}

/* ---- the loop ---- */

static int do_frag(struct eng *e, struct vcpu *v, const struct trc_rec *r)
{
	uint64_t first, last;
	if (v->frag_of == 0)
		return fail_rec(e, v, SIM_EINVAL, "frag with no DMA or network request before it");
	if (r->val == 0)
		return SIM_OK;
	first = r->addr >> e->pshift;
	last = (r->addr + r->val - 1) >> e->pshift;
	if (r->addr + r->val < r->addr || last >= e->guest_pages)
		return fail_rec(e, v, SIM_EINVAL,
				"frag 0x%" PRIx64 "+%" PRIu64 " runs beyond the VM's memory (vm.mem.size)",
				r->addr, r->val);
	if (v->frag_of != TRC_DMA_REQ || v->frag_write)
		return SIM_OK;
	/* a DMA into memory: the device writes the pages, caches lose their copies */
	for (uint64_t g = first; g <= last; g++) {
		uint64_t mpn = 0;
		int rc = machine_page(e, v, g, &mpn);
		if (rc)
			return rc;
		machine_page_flush(e->m, mpn);
	}
	return SIM_OK;
}

static int is_lowest(const struct eng *e, const struct vcpu *v)
{
	for (int i = 0; i < e->nvcpus; i++) {
		const struct vcpu *u = &e->v[i];
		if (u == v || u->state != V_RUN)
			continue;
		if (u->clock < v->clock || (u->clock == v->clock && u < v))
			return 0;
	}
	return 1;
}

/* Make sure v->recs[v->pos] exists, or mark v done. */
static int fetch(struct eng *e, struct vcpu *v)
{
	while (v->pos >= v->nrecs) {
		const struct trc_rec *recs;
		size_t n;
		int rc = e->src->next_block(e->src->ctx, (uint32_t)(v - e->v), &recs, &n, e->err);
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
	int c = e->sched->cpu_for(e->sched_st, idx, v->clock);
	if (c == v->cpu && e->cpu_last_vcpu[c] == idx)
		return;
	v->cpu = c;
	if (e->cpu_last_vcpu[c] != idx) {
		if (e->mode == RPL_DISCO && e->cpu_last_vcpu[c] >= 0) {
			tlb_flush(machine_tlb(e->m, c));
			bump_tlb_epoch(e, c);
			spend(e, v, RPL_MONITOR, RPL_SPLIT_MONITOR, e->k.vcpu_switch);
		}
		e->cpu_last_vcpu[c] = idx;
	}
}

static int run_slice(struct eng *e, struct vcpu *v)
{
	uint64_t end = v->clock + e->quantum;
	uint64_t change = e->sched->next_change(e->sched_st, v->clock);
	int first = 1, rc;

	if (change < end)
		end = change;
	if (e->mig)
		rpl_numa_tick(e, v->clock);
	place_vcpu(e, v);
	while (v->state == V_RUN && (first || v->clock < end)) {
		const struct trc_rec *r;
		rc = fetch(e, v);
		if (rc)
			return rc;
		if (v->state == V_DONE)
			break;
		r = &v->recs[v->pos];
		if (r->type != TRC_FRAG)
			v->frag_of = 0;
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
			case TRC_INSN: rc = do_insn(e, v, r); break;
			case TRC_LOAD: case TRC_STORE: rc = do_mem(e, v, r); break;
			case TRC_PTE_SET: case TRC_PTE_CLEAR: rc = do_pte(e, v, r); break;
			case TRC_ASID: v->asid = r->id; rc = SIM_OK; break;
			case TRC_SVC_BEGIN: case TRC_SVC_END: rc = do_svc(e, v, r); break;
			case TRC_PRIV: rc = do_priv(e, v, r); break;
			case TRC_MONCALL: rc = do_moncall(e, v, r); break;
			case TRC_FRAG: rc = do_frag(e, v, r); break;
			case TRC_NET_SEND: case TRC_NET_RECV:
				v->frag_of = r->type;
				rc = SIM_OK;
				break;
			case TRC_IDLE_BEGIN: v->idle = 1; rc = SIM_OK; break;
			case TRC_IDLE_END: v->idle = 0; rc = SIM_OK; break;
			default: rc = SIM_OK; break;   /* PAGE_ALLOC/FREE, TIME */
			}
			if (rc)
				return rc;
		}
		v->pos++;
		v->recno++;
		e->res->records++;
		first = 0;
		if (e->nhot) {
			rc = rpl_numa_process(e, v);
			if (rc)
				return rc;
		}
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
			if (u->state == V_RUN && (!best || u->clock < best->clock))
				best = u;
		}
		if (!best) {
			*done = 1;
			return SIM_OK;
		}
		rc = run_slice(e, best);
		if (rc)
			return rc;
		if (e->progress && e->res->records >= e->next_progress) {
			e->progress(e->progress_ctx, e->res->records, best->clock);
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
	}
	return "?";
}

static void finish(struct eng *e)
{
	uint64_t end = 0;
	int stuck = 0;
	for (int i = 0; i < e->nvcpus; i++)
		if (e->v[i].clock > end)
			end = e->v[i].clock;
	for (int i = 0; i < e->nvcpus; i++) {
		struct vcpu *v = &e->v[i];
		if (v->state != V_DONE && v->state != V_RUN && !stuck++)
			snprintf(e->res->warning, sizeof e->res->warning,
				 "vCPU %d ended waiting for %s (id %u) that never came", i,
				 state_name(v->state), v->recno < UINT64_MAX && v->pos < v->nrecs ?
				 v->recs[v->pos].id : 0);
		v->depth = 0;
		spend(e, v, RPL_IDLE, RPL_SPLIT_KERNEL, end - v->clock);
	}
	/* CPUs no vCPU ran on idle the whole run */
	for (int c = 0; c < e->ncpus; c++) {
		uint64_t sum = 0;
		for (int k = 0; k < RPL_NCATS; k++)
			sum += e->res->cpu[c].cycles[k];
		if (sum < end && e->cpu_last_vcpu[c] < 0)
			e->res->cpu[c].cycles[RPL_IDLE] += end - sum;
	}
	e->res->cycles = end;
	e->res->references = e->res->instructions + e->res->loads + e->res->stores;
}

static void eng_free(struct eng *e)
{
	if (e->l2st)
		for (int i = 0; i < e->nvcpus; i++)
			if (e->l2st[i] && e->l2ops->destroy)
				e->l2ops->destroy(e->l2st[i]);
	sim_free(e->l2st);
	if (e->place_st && e->place->destroy)
		e->place->destroy(e->place_st);
	if (e->sched_st && e->sched->destroy)
		e->sched->destroy(e->sched_st);
	rpl_numa_free(e);
	gpt_free(&e->gpt);
	idtab_free(&e->locks);
	idtab_free(&e->sems);
	idtab_free(&e->dmas);
	sim_free(e->v);
	sim_free(e->cpu_last_vcpu);
	sim_free(e->tlb_epoch);
	pmap_free(e->pm);
	machine_free(e->m);
}

static int setup(struct eng *e, const cfg *c, struct sim_err *err)
{
	struct pol_place_view pv;
	struct pol_sched_view sv;
	uint64_t vm_size, colors;
	int rc;

	rc = machine_config_from_cfg(c, &e->mc, err);
	if (rc)
		return rc;
	if (e->mode == RPL_UMA)
		e->mc.uma = 1;
	e->ncpus = e->mc.ncpus;
	e->nvcpus = (int)e->src->nstreams;
	if (e->nvcpus < 1 || e->nvcpus > e->ncpus)
		return sim_errf(err, SIM_EINVAL,
				"the trace has %d vCPU streams but the machine %d CPUs (machine.cpus); "
				"give the machine at least as many CPUs", e->nvcpus, e->ncpus);
	rc = vmm_costs_from_cfg(c, &e->k, err);
	if (rc)
		return rc;
	rc = machine_new(&e->m, &e->mc, err);
	if (rc)
		return rc;
	e->pshift = (unsigned)__builtin_ctzll(e->mc.page_size);
	e->pmask = e->mc.page_size - 1;
	e->line_i = e->mc.l1i.line;
	e->line_d = e->mc.l1d.line;
	e->quantum = (uint64_t)cfg_int(c, "replay.quantum");
	vm_size = (uint64_t)cfg_int(c, "vm.mem.size");
	if (vm_size == 0)
		vm_size = e->mc.mem_size;
	if (vm_size > e->mc.mem_size)
		return sim_errf(err, SIM_EINVAL, "vm.mem.size (%llu bytes) exceeds machine.mem.size (%llu)",
				(unsigned long long)vm_size, (unsigned long long)e->mc.mem_size);
	e->guest_pages = vm_size >> e->pshift;
	e->pt_pool = (uint64_t)cfg_int(c, "guest.pt_pool_pages");
	if (e->pt_pool >= e->guest_pages)
		return sim_errf(err, SIM_EINVAL, "guest.pt_pool_pages (%llu) must be below the VM's %llu pages",
				(unsigned long long)e->pt_pool, (unsigned long long)e->guest_pages);
	colors = 1;
	if (cfg_int(c, "policy.placement.color") && e->mc.l2.size / e->mc.l2.ways > e->mc.page_size)
		colors = e->mc.l2.size / e->mc.l2.ways / e->mc.page_size;
	rc = pmap_new(&e->pm, e->guest_pages, machine_nnodes(e->m), machine_pages_per_node(e->m),
		      colors, err);
	if (rc)
		return rc;
	e->pmarr = pmap_array(e->pm);

	e->place = pol_find_placement(cfg_str(c, "policy.placement"));
	e->sched = pol_find_sched(e->mode == RPL_DISCO ? cfg_str(c, "policy.sched") : "pinned");
	e->l2ops = pol_find_l2tlb(cfg_str(c, "policy.l2tlb"));
	if (!e->place || !e->sched || !e->l2ops)
		return sim_errf(err, SIM_EINTERNAL, "setup: a policy named in the parameters is not registered");
	pv.nnodes = machine_nnodes(e->m);
	pv.guest_pages = e->guest_pages;
	rc = e->place->create(&e->place_st, c, &pv, err);
	if (rc)
		return rc;
	sv.ncpus = e->ncpus;
	sv.nvcpus = e->nvcpus;
	sv.slice_cycles = (uint64_t)(cfg_real(c, "policy.sched.slice_us") * e->mc.clock_mhz + 0.5);
	rc = e->sched->create(&e->sched_st, c, &sv, err);
	if (rc)
		return rc;
	e->l2st = sim_calloc((size_t)e->nvcpus, sizeof *e->l2st);
	e->v = sim_calloc((size_t)e->nvcpus, sizeof *e->v);
	e->cpu_last_vcpu = sim_malloc((size_t)e->ncpus * sizeof *e->cpu_last_vcpu);
	e->tlb_epoch = sim_calloc((size_t)e->ncpus, sizeof *e->tlb_epoch);
	if (!e->l2st || !e->v || !e->cpu_last_vcpu || !e->tlb_epoch ||
	    gpt_init(&e->gpt) || idtab_init(&e->locks, sizeof(struct lock)) ||
	    idtab_init(&e->sems, sizeof(struct sem)) || idtab_init(&e->dmas, sizeof(struct dma)))
		return sim_errf(err, SIM_ENOMEM, "out of memory setting up the replay");
	for (int i = 0; i < e->ncpus; i++)
		e->cpu_last_vcpu[i] = -1;
	if (e->mode == RPL_DISCO)
		for (int i = 0; i < e->nvcpus; i++) {
			rc = e->l2ops->create(&e->l2st[i], c, err);
			if (rc)
				return rc;
		}
	rc = rpl_numa_setup(e, c, err);
	if (rc)
		return rc;
	for (int i = 0; i < e->nvcpus; i++) {
		e->v[i].state = V_RUN;
		e->v[i].cpu = e->sched->cpu_for(e->sched_st, i, 0);
		e->cpu_last_vcpu[e->v[i].cpu] = i;
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

int rpl_engine_new(rpl_engine **out, const cfg *c, int mode, const struct rpl_source *src,
		   struct rpl_results *res, rpl_progress_fn progress, void *progress_ctx,
		   struct sim_err *err)
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
	rc = setup(e, c, err);
	if (rc == SIM_OK) {
		res->mode = mode;
		res->ncpus = e->ncpus;
		res->nvcpus = e->nvcpus;
		res->clock_mhz = e->mc.clock_mhz;
		res->cpu = sim_calloc((size_t)e->ncpus, sizeof *res->cpu);
		if (!res->cpu)
			rc = sim_errf(err, SIM_ENOMEM, "out of memory for results");
	}
	if (rc) {
		rpl_engine_free(x);
		return rc;
	}
	res->wall_seconds += now_seconds() - t0;
	*out = x;
	return SIM_OK;
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
		finish(e);
		x->finished = 1;
	}
	e->res->wall_seconds += now_seconds() - t0;
	return rc;
}

struct eng *rpl_engine_state(rpl_engine *x) { return &x->e; }

int rpl_engine_check(const rpl_engine *x)
{
	const struct eng *e = &x->e;
	if (x->finished)
		return 1;   /* the machine is gone; checked while running */
	for (int c = 0; c < e->ncpus; c++) {
		struct tlb *t = machine_tlb(e->m, c);
		for (int i = 0; i < tlb_entries(t); i++) {
			const struct tlb_entry *te = tlb_read(t, i);
			for (int h = 0; h < 2; h++) {
				uint64_t g;
				if (!te->valid[h])
					continue;
				g = pmap_owner(e->pm, te->pfn[h]);
				if (g == PMAP_NONE)
					return 0;   /* a freed machine page */
				if (pmap_copy_on(e->pm, g, pmap_node_of(e->pm, te->pfn[h])) != te->pfn[h])
					return 0;   /* not a current copy */
				if (te->dirty[h] && pmap_nreplicas(e->pm, g))
					return 0;   /* a replicated page mapped writable */
			}
		}
	}
	return pmap_check(e->pm);
}

void rpl_engine_free(rpl_engine *x)
{
	if (!x)
		return;
	if (!x->finished && x->e.res) {
		sim_free(x->e.res->cpu);
		x->e.res->cpu = NULL;
	}
	eng_free(&x->e);
	sim_free(x);
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
