/* The replay engine on hand-built record streams, with results computed by
 * hand from the cost table and the machine's latencies. */
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "machine/machine.h"
#include "machine/params.h"
#include "monitor/costs.h"
#include "policies/policy.h"
#include "replay/engine_int.h"
#include "replay/replay.h"
#include "tests/testlib.h"
#include "traces/params.h"

/* An in-memory source: stream s is recs[s][0..n[s]), handed out `block`
 * records at a time. */
#define MAXS 8
struct mem_src {
	struct trc_rec *recs[MAXS];
	size_t n[MAXS], pos[MAXS], cap[MAXS];
	size_t block;
};

static int mem_next(void *ctx, uint32_t s, const struct trc_rec **recs, size_t *n,
		    struct sim_err *err)
{
	struct mem_src *m = ctx;
	size_t k = m->n[s] - m->pos[s];
	if (k > m->block)
		k = m->block;
	*recs = m->recs[s] + m->pos[s];
	*n = k;
	m->pos[s] += k;
	return SIM_OK;
}

static void add(struct mem_src *m, int s, struct trc_rec r)
{
	if (m->n[s] == m->cap[s]) {
		m->cap[s] = m->cap[s] ? m->cap[s] * 2 : 256;
		m->recs[s] = realloc(m->recs[s], m->cap[s] * sizeof *m->recs[s]);
		ck_assert_ptr_nonnull(m->recs[s]);
	}
	m->recs[s][m->n[s]++] = r;
}

static struct trc_rec R(int type, unsigned flags, unsigned aux, uint32_t id, uint64_t addr,
			uint64_t val)
{
	struct trc_rec r = { (uint8_t)type, (uint8_t)flags, (uint16_t)aux, id, addr, val };
	return r;
}

static int run(struct mem_src *m, int nstreams, const cfg *c, int mode, struct rpl_results *res,
	       struct sim_err *err)
{
	struct rpl_source src = { (uint32_t)nstreams, mem_next, m, NULL, NULL };
	if (!m->block)
		m->block = 1000000;
	for (int s = 0; s < MAXS; s++)
		m->pos[s] = 0;
	return rpl_run(c, mode, &src, res, NULL, NULL, err);
}

static void free_src(struct mem_src *m)
{
	for (int s = 0; s < MAXS; s++)
		free(m->recs[s]);
}

static const char *const one_cpu[] = { "machine.cpus=1", NULL };
/* the monitor's TLB-miss path as the cost table's constants */
static const char *const one_cpu_const[] = { "machine.cpus=1", "monitor.paths=constant", NULL };

/* one page touched 1000 times costs exactly one TLB miss natively */
START_TEST(one_page_one_miss)
{
	struct mem_src m = { 0 };
	struct rpl_results r;
	struct sim_err err = { 0 };
	cfg *c = t_cfg(one_cpu);
	add(&m, 0, R(TRC_PTE_SET, 0, TRC_PROT_VALID | TRC_PROT_WRITE, 1, 0x400, 5));
	add(&m, 0, R(TRC_ASID, 0, 0, 1, 0, 0));
	for (int i = 0; i < 1000; i++)
		add(&m, 0, R(i & 1 ? TRC_STORE : TRC_LOAD, 0, 4, 0, 0x400000 + (uint64_t)(i % 1024) * 4, 0));
	ck_assert_msg(run(&m, 1, c, RPL_NATIVE, &r, &err) == SIM_OK, "%s", err.msg);
	ck_assert_uint_eq(r.tlb_misses, 1);
	ck_assert_uint_eq(r.utlb_misses, 1);
	ck_assert_uint_eq(r.service[TRC_SVC_UTLB_MISS].count, 1);
	ck_assert_uint_eq(r.loads + r.stores, 1000);
	ck_assert_uint_eq(r.cpu[0].cycles[ACCT_MONITOR], 0);
	rpl_results_free(&r);
	cfg_free(c);
	free_src(&m);
}
END_TEST

/* Under the monitor one vCPU on two CPUs (round-robin, slices of 100 us =
 * 40,000 cycles): on CPU 0 it loads from data page D, then runs 50,000
 * instructions of text page T into the next slice, on CPU 1.  D's
 * translation was remembered from CPU 0's TLB, which CPU 1's has never
 * shared, and no change to CPU 1's TLB names D: the move itself must
 * forget it, and the load that follows refill it.  User refills: D and T
 * on each CPU, 4. */
START_TEST(moved_vcpu_refills_on_its_new_cpu)
{
	static const char *const two_rr[] = { "machine.cpus=2", "policy.sched=round-robin",
					      "policy.sched.slice_us=100", "monitor.paths=constant", NULL };
	const uint64_t d = 0x400, t = 0x500;
	struct mem_src m = { 0 };
	struct rpl_results r;
	struct sim_err err = { 0 };
	cfg *c = t_cfg(two_rr);
	add(&m, 0, R(TRC_ASID, 0, 0, 1, 0, 0));
	add(&m, 0, R(TRC_PTE_SET, 0, TRC_PROT_VALID | TRC_PROT_WRITE, 1, d, 5));
	add(&m, 0, R(TRC_PTE_SET, 0, TRC_PROT_VALID, 1, t, 7));
	add(&m, 0, R(TRC_LOAD, 0, 4, 0, d << 12, 0));
	for (int i = 0; i < 500; i++)
		add(&m, 0, R(TRC_INSN, 0, 0, 100, t << 12, 0));
	add(&m, 0, R(TRC_LOAD, 0, 4, 0, (d << 12) + 64, 0));
	ck_assert_msg(run(&m, 1, c, RPL_DISCO, &r, &err) == SIM_OK, "%s", err.msg);
	ck_assert_uint_eq(r.utlb_misses, 4);
	rpl_results_free(&r);
	cfg_free(c);
	free_src(&m);
}
END_TEST

/* Table 2's native UTLB-MISS: 0.035 us, 14 cycles at 400 MHz.  IRIX's
 * refill is the exception, the handler's instructions, tlbwr and eret, and
 * its PTE load.  Pages 0x400 and 0x402 are in different pairs, but their
 * PTEs (8 bytes each, a linear table) share one 32-byte L1 line: the first
 * refill brings the line in, the second finds it and costs 4 + 8 + 2 = 14
 * cycles exactly. */
START_TEST(native_refill_with_pte_in_l1)
{
	struct rpl_results r1, r2;
	struct sim_err err = { 0 };
	cfg *c = t_cfg(one_cpu);
	struct vmm_costs k;
	uint64_t one, two;
	ck_assert_int_eq(vmm_costs_from_cfg(c, &k, &err), SIM_OK);
	ck_assert_uint_eq(k.exception + k.utlb_insns + 2 * k.priv_native, 14);
	for (int n = 1; n <= 2; n++) {
		struct mem_src m = { 0 };
		add(&m, 0, R(TRC_PTE_SET, 0, TRC_PROT_VALID | TRC_PROT_WRITE, 1, 0x400, 5));
		add(&m, 0, R(TRC_PTE_SET, 0, TRC_PROT_VALID | TRC_PROT_WRITE, 1, 0x402, 7));
		add(&m, 0, R(TRC_ASID, 0, 0, 1, 0, 0));
		add(&m, 0, R(TRC_LOAD, 0, 4, 0, 0x400000, 0));
		if (n == 2)
			add(&m, 0, R(TRC_LOAD, 0, 4, 0, 0x402000, 0));
		ck_assert_msg(run(&m, 1, c, RPL_NATIVE, n == 1 ? &r1 : &r2, &err) == SIM_OK, "%s", err.msg);
		free_src(&m);
	}
	ck_assert_uint_eq(r1.utlb_misses, 1);
	ck_assert_uint_eq(r2.utlb_misses, 2);
	one = r1.service[TRC_SVC_UTLB_MISS].cycles;
	two = r2.service[TRC_SVC_UTLB_MISS].cycles;
	ck_assert_uint_gt(one, 14);   /* the first PTE load misses */
	ck_assert_uint_eq(two - one, 14);
	ck_assert_uint_eq(r2.service[TRC_SVC_UTLB_MISS].split[ACCT_SPLIT_KERNEL], two);
	rpl_results_free(&r1);
	rpl_results_free(&r2);
	cfg_free(c);
}
END_TEST

/* The refill's PTE load and the guest's page-table pages (RPL_MARK_PT_PAGE).
 * VM of 64 MB (16384 pages of 4 KB), page 0x400 of ASID 1 mapped: its PTE
 * is the first of page-table index 0x400 / (4096 / 8) = 2.  The stream
 * first loads, through KSEG0, the line of guest page `line_page` at byte
 * 0, then touches page 0x400: the refill costs 14 cycles exactly when its
 * PTE load finds that line in the L1 (native_refill_with_pte_in_l1), more
 * when it misses.  By hand:
 *   _i = 0: a marker names page 40 for (ASID 1, index 2), the line loaded
 *     is page 40's: 14.
 *   _i = 1: no marker: the pool as before, page 16384 - 1 - (1 * 1031 + 2)
 *     % 64 = 16374; its line loaded: 14.
 *   _i = 2: the marker, then one that frees it (page 0): the pool again;
 *     page 40's line loaded: more than 14.
 *   _i = 3: the marker naming page 40, the pool page's line loaded: more
 *     than 14. */
START_TEST(refill_loads_pte_from_marked_page)
{
	static const char *const sets[] = { "machine.cpus=1", "vm.mem.size=64M", NULL };
	const uint64_t pool_page = 16384 - 1 - (1 * 1031 + 2) % 64;
	const uint64_t line_page[4] = { 40, pool_page, 40, pool_page };
	struct mem_src m = { 0 };
	struct rpl_results r;
	struct sim_err err = { 0 };
	cfg *c = t_cfg(sets);
	uint64_t cycles;
	ck_assert_uint_eq(pool_page, 16374);
	add(&m, 0, R(TRC_PTE_SET, 0, TRC_PROT_VALID | TRC_PROT_WRITE, 1, 0x400, 5));
	if (_i != 1)
		add(&m, 0, R(TRC_MARKER, 0, RPL_MARK_PT_PAGE, 1, 0, RPL_PT_PAGE_VAL(2, 40)));
	if (_i == 2)
		add(&m, 0, R(TRC_MARKER, 0, RPL_MARK_PT_PAGE, 1, 0, RPL_PT_PAGE_VAL(2, 0)));
	add(&m, 0, R(TRC_LOAD, TRC_F_KERNEL | TRC_F_KSEG0, 8, 0, 0x80000000ull + (line_page[_i] << 12), 0));
	add(&m, 0, R(TRC_ASID, 0, 0, 1, 0, 0));
	add(&m, 0, R(TRC_LOAD, 0, 4, 0, 0x400000, 0));
	ck_assert_msg(run(&m, 1, c, RPL_NATIVE, &r, &err) == SIM_OK, "%s", err.msg);
	ck_assert_uint_eq(r.utlb_misses, 1);
	cycles = r.service[TRC_SVC_UTLB_MISS].cycles;
	if (_i < 2)
		ck_assert_uint_eq(cycles, 14);
	else
		ck_assert_uint_gt(cycles, 14);
	rpl_results_free(&r);
	cfg_free(c);
	free_src(&m);
}
END_TEST

/* A marker naming a page beyond the VM's memory is an error. */
START_TEST(pt_page_marker_beyond_memory)
{
	static const char *const sets[] = { "machine.cpus=1", "vm.mem.size=64M", NULL };
	struct mem_src m = { 0 };
	struct rpl_results r;
	struct sim_err err = { 0 };
	cfg *c = t_cfg(sets);
	add(&m, 0, R(TRC_MARKER, 0, RPL_MARK_PT_PAGE, 1, 0, RPL_PT_PAGE_VAL(2, 16384)));
	ck_assert_int_eq(run(&m, 1, c, RPL_NATIVE, &r, &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "pt-page"));
	cfg_free(c);
	free_src(&m);
}
END_TEST

/* One stream that maps 2 x pairs pages and loads from the first page of
 * each pair twice over: more pairs than the TLB holds, fewer than the
 * L2TLB. */
static void pair_walk(struct mem_src *m, int pairs)
{
	add(m, 0, R(TRC_ASID, 0, 0, 1, 0, 0));
	for (int p = 0; p < 2 * pairs; p++)
		add(m, 0, R(TRC_PTE_SET, 0, TRC_PROT_VALID, 1, 0x1000 + (uint64_t)p, 100 + (uint64_t)p));
	for (int pass = 0; pass < 2; pass++)
		for (int p = 0; p < pairs; p++)
			add(m, 0, R(TRC_LOAD, 0, 8, 0, (0x1000ull + 2 * (uint64_t)p) << 12, 0));
}

/* under the monitor: the first miss takes the reflected path; once the TLB
 * has lost entries, the L2TLB serves them at monitor.cost.tlb_refill
 * (monitor.paths = constant) */
START_TEST(disco_costs_from_table)
{
	struct mem_src m = { 0 };
	struct rpl_results r;
	struct sim_err err = { 0 };
	cfg *c = t_cfg(one_cpu_const);
	struct vmm_costs k;
	const int pairs = 200;
	uint64_t miss_path, mon;
	ck_assert_int_eq(vmm_costs_from_cfg(c, &k, &err), SIM_OK);
	pair_walk(&m, pairs);
	ck_assert_msg(run(&m, 1, c, RPL_DISCO, &r, &err) == SIM_OK, "%s", err.msg);
	ck_assert_uint_eq(r.l2tlb_misses, pairs);
	ck_assert_uint_eq(r.l2tlb_hits + r.l2tlb_misses, r.tlb_misses);
	ck_assert_uint_gt(r.l2tlb_hits, 0);   /* 64 entries cannot hold 200 pairs */
	/* three exceptions on a reflected miss: the miss, the tlbwr, the eret */
	miss_path = 3ull * k.exception + k.l2tlb_miss + k.trap_reflect + k.tlb_write + k.priv;
	mon = r.l2tlb_misses * miss_path + r.l2tlb_hits * (k.exception + k.tlb_refill);
	ck_assert_uint_eq(r.cpu[0].cycles[ACCT_MONITOR], mon);
	ck_assert_uint_eq(r.service[TRC_SVC_UTLB_MISS].split[ACCT_SPLIT_TLB_WRITE],
			  r.l2tlb_misses * (2ull * k.exception + k.l2tlb_miss + k.tlb_write) +
				  r.l2tlb_hits * (k.exception + k.tlb_refill));
	rpl_results_free(&r);
	/* with the L2TLB off every miss is reflected */
	cfg_set(c, "policy.l2tlb", "off", NULL, &err);
	ck_assert_msg(run(&m, 1, c, RPL_DISCO, &r, &err) == SIM_OK, "%s", err.msg);
	ck_assert_uint_eq(r.l2tlb_hits, 0);
	ck_assert_uint_eq(r.cpu[0].cycles[ACCT_MONITOR], r.tlb_misses * miss_path);
	rpl_results_free(&r);
	cfg_free(c);
	free_src(&m);
}
END_TEST

/* monitor.paths = machine: the TLB-miss handler, and on a reflected miss
 * the reflection, the tlbwr's emulation and the eret, run as code and data
 * on the machine.  Their time is their instructions (the exceptions, the
 * probe, a compare per way, the hit's tail, each path's count, set apart
 * from the cost table's here) plus the stall of their references, to the
 * cycle; their loads and stores go through the CPU's L1 D, and the
 * monitor's pages are not counted as the guest's. */
static const char *const one_cpu_paths[] = { "machine.cpus=1", "monitor.path.reflect=100",
					     "monitor.path.priv=30", "monitor.path.tlb_write=200", NULL };

/* the paths need the text they run from and room for the vCPU's registers */
START_TEST(monitor_paths_need_their_memory)
{
	static const char *const no_text[] = { "machine.cpus=1", "monitor.mem.text=0", NULL };
	static const char *const small_vcpu[] = { "machine.cpus=1", "monitor.mem.vcpu=64", NULL };
	const char *const *sets[2] = { no_text, small_vcpu };
	for (int i = 0; i < 2; i++) {
		struct mem_src m = { 0 };
		struct rpl_results r;
		struct sim_err err = { 0 };
		cfg *c = t_cfg(sets[i]);
		pair_walk(&m, 2);
		ck_assert_int_eq(run(&m, 1, c, RPL_DISCO, &r, &err), SIM_EINVAL);
		ck_assert_ptr_nonnull(strstr(err.msg, "monitor.paths = machine"));
		cfg_set(c, "monitor.paths", "constant", NULL, &err);
		ck_assert_msg(run(&m, 1, c, RPL_DISCO, &r, &err) == SIM_OK, "%s", err.msg);
		rpl_results_free(&r);
		cfg_free(c);
		free_src(&m);
	}
}
END_TEST

START_TEST(monitor_paths_on_the_machine)
{
	struct mem_src m = { 0 };
	struct rpl_results r, rc;
	struct sim_err err = { 0 };
	cfg *c = t_cfg(one_cpu_paths), *cc = t_cfg(one_cpu_const);
	/* one way: a probe compares one tag, hit or miss (with more, a hit
	 * stops at its way: l2tlb_probe_stops_at_match) */
	cfg_set(c, "policy.l2tlb.ways", "1", NULL, &err);
	cfg_set(cc, "policy.l2tlb.ways", "1", NULL, &err);
	struct vmm_costs k;
	const int pairs = 200;
	uint64_t insns, stall, ways = (uint64_t)cfg_int(c, "policy.l2tlb.ways");
	ck_assert_int_eq(vmm_costs_from_cfg(c, &k, &err), SIM_OK);
	ck_assert(k.paths_machine);
	pair_walk(&m, pairs);
	ck_assert_msg(run(&m, 1, c, RPL_DISCO, &r, &err) == SIM_OK, "%s", err.msg);
	ck_assert_msg(run(&m, 1, cc, RPL_DISCO, &rc, &err) == SIM_OK, "%s", err.msg);
	ck_assert_uint_eq(r.l2tlb_misses, pairs);
	ck_assert_uint_gt(r.l2tlb_hits, 0);
	ck_assert_uint_eq(r.l2tlb_hits, rc.l2tlb_hits);
	insns = r.tlb_misses * (k.exception + k.l2tlb_probe + ways * k.l2tlb_way) +
		r.l2tlb_hits * k.l2tlb_hit +
		r.l2tlb_misses * (2ull * k.exception + k.path_reflect + k.path_tlb_write + k.path_priv);
	stall = r.cpu[0].stall_local[ACCT_MONITOR] + r.cpu[0].stall_remote[ACCT_MONITOR];
	ck_assert_uint_gt(stall, 0);   /* the first references miss */
	ck_assert_uint_eq(r.cpu[0].cycles[ACCT_MONITOR], insns + stall);
	ck_assert_uint_gt(r.l1d_reads + r.l1d_writes, rc.l1d_reads + rc.l1d_writes);
	ck_assert_uint_eq(r.pages_touched, rc.pages_touched);
	rpl_results_free(&r);
	rpl_results_free(&rc);
	cfg_free(c);
	cfg_free(cc);
	free_src(&m);
}
END_TEST

/* monitor.paths = machine: the paths' loads and stores, counted by hand.
 * A TLB miss saves two registers (2 stores) and loads the set's one tag
 * (one way); an L2TLB hit restores the two (2 loads); a miss reflects
 * (EPC .. BadVAddr, 4 stores; the vector, 1 load), the guest's handler
 * loads the PTE (1), the tlbwr reads EntryHi, EntryLo0/1 (3 loads) and
 * per valid half loads the pmap and memmap entries and stores the L2TLB
 * entry and the backmap (2 + 2), and the eret stores Status (1).  With
 * 32-byte L1 D lines every run of them lies in one line (one reference,
 * the rest counted at once); with 16-byte lines the four of EPC ..
 * BadVAddr take two: the same counts either way. */
START_TEST(monitor_paths_references)
{
	static const char *const lines[2] = { "32", "16" };
	for (int i = 0; i < 2; i++) {
		struct mem_src m = { 0 };
		struct rpl_results r;
		struct sim_err err = { 0 };
		cfg *c = t_cfg(one_cpu);
		const int pairs = 200;
		uint64_t reads, writes;
		cfg_set(c, "policy.l2tlb.ways", "1", NULL, &err);
		cfg_set(c, "machine.l1d.line", lines[i], NULL, &err);
		pair_walk(&m, pairs);
		ck_assert_msg(run(&m, 1, c, RPL_DISCO, &r, &err) == SIM_OK, "%s", err.msg);
		ck_assert_uint_eq(r.l2tlb_misses, pairs);
		ck_assert_uint_gt(r.l2tlb_hits, 0);
		ck_assert_uint_eq(r.loads, 2 * pairs);
		ck_assert_uint_eq(r.stores, 0);
		reads = r.loads + r.tlb_misses * 1 + r.l2tlb_hits * 2 +
			r.l2tlb_misses * (1 + 1 + 3 + 2 * 2);
		writes = r.tlb_misses * 2 + r.l2tlb_misses * (4 + 2 * 2 + 1);
		ck_assert_uint_eq(r.l1d_reads, reads);
		ck_assert_uint_eq(r.l1d_writes, writes);
		rpl_results_free(&r);
		cfg_free(c);
		free_src(&m);
	}
}
END_TEST

/* KSEG0 bypasses the TLB natively; under the monitor each page pair takes
 * one kernel TLB fault (at the cost table's constant; on the machine, its
 * instructions and their stall) */
START_TEST(kseg0)
{
	struct mem_src m = { 0 };
	struct rpl_results r;
	struct sim_err err = { 0 };
	cfg *c = t_cfg(one_cpu_const), *cm = t_cfg(one_cpu);
	struct vmm_costs k;
	vmm_costs_from_cfg(c, &k, &err);
	for (int i = 0; i < 10; i++)   /* pages 0..9: five pairs */
		add(&m, 0, R(TRC_LOAD, TRC_F_KERNEL | TRC_F_KSEG0, 4, 0, 0x80000000ull + (uint64_t)i * 4096, 0));
	add(&m, 0, R(TRC_INSN, TRC_F_KERNEL | TRC_F_KSEG0, 0, 100, 0x80000000ull + 64 * 4096, 0));
	ck_assert_msg(run(&m, 1, c, RPL_NATIVE, &r, &err) == SIM_OK, "%s", err.msg);
	ck_assert_uint_eq(r.tlb_misses, 0);
	ck_assert_uint_eq(r.ktlb_faults, 0);
	ck_assert_uint_eq(r.instructions, 100);
	rpl_results_free(&r);
	/* each pair's even page faults while its odd page has no machine page
	 * yet, so the odd half is written invalid and faults in its turn: two
	 * faults a pair, and one for page 64 */
	ck_assert_msg(run(&m, 1, c, RPL_DISCO, &r, &err) == SIM_OK, "%s", err.msg);
	ck_assert_uint_eq(r.ktlb_faults, 11);
	ck_assert_uint_eq(r.cpu[0].cycles[ACCT_MONITOR], 11ull * (k.exception + k.ktlb_fault));
	rpl_results_free(&r);
	ck_assert_msg(run(&m, 1, cm, RPL_DISCO, &r, &err) == SIM_OK, "%s", err.msg);
	ck_assert_uint_eq(r.ktlb_faults, 11);
	ck_assert_uint_eq(r.cpu[0].cycles[ACCT_MONITOR],
			  11ull * (k.exception + k.path_ktlb) + r.cpu[0].stall_local[ACCT_MONITOR] +
				  r.cpu[0].stall_remote[ACCT_MONITOR]);
	ck_assert_uint_gt(r.cpu[0].stall_local[ACCT_MONITOR] + r.cpu[0].stall_remote[ACCT_MONITOR], 0);
	rpl_results_free(&r);
	cfg_free(cm);
	cfg_free(c);
	free_src(&m);
}
END_TEST

/* two vCPUs fight for a lock: the loser spins for the winner's critical
 * section */
START_TEST(lock_spin)
{
	struct mem_src m = { 0 };
	struct rpl_results r;
	struct sim_err err = { 0 };
	const char *const sets[] = { "machine.cpus=2", NULL };
	cfg *c = t_cfg(sets);
	for (int s = 0; s < 2; s++) {
		add(&m, s, R(TRC_LOCK_ACQ, 0, 0, 7, 0, 0));
		add(&m, s, R(TRC_INSN, TRC_F_KERNEL | TRC_F_KSEG0, 0, 5000, 0x80100000ull, 0));
		add(&m, s, R(TRC_LOCK_REL, 0, 0, 7, 0, 0));
	}
	ck_assert_msg(run(&m, 2, c, RPL_NATIVE, &r, &err) == SIM_OK, "%s", err.msg);
	ck_assert_uint_eq(r.lock_contended, 1);
	ck_assert_uint_eq(r.lock_acquires, 2);
	/* vCPU 0 wins the tie at cycle 0; vCPU 1 spins until it releases */
	ck_assert_uint_eq(r.cpu[1].cycles[ACCT_SYNC], r.cpu[0].cycles[ACCT_KERNEL]);
	ck_assert_uint_eq(r.cpu[0].cycles[ACCT_SYNC], 0);
	ck_assert_uint_ge(r.cpu[0].cycles[ACCT_KERNEL], 5000);
	/* every CPU's categories sum to the run's length */
	for (int cpu = 0; cpu < 2; cpu++) {
		uint64_t sum = 0;
		for (int k = 0; k < ACCT_NCATS; k++)
			sum += r.cpu[cpu].cycles[k];
		ck_assert_uint_eq(sum, r.cycles);
	}
	rpl_results_free(&r);
	cfg_free(c);
	free_src(&m);
}
END_TEST

/* A lock word (smp guests): the winner's test-and-set takes the line from
 * memory; the loser spins, then takes the line from the winner's cache, a
 * communication miss charged to kernel synchronization. */
START_TEST(lock_word_moves)
{
	struct mem_src m = { 0 };
	struct rpl_results r;
	struct sim_err err = { 0 };
	const char *const sets[] = { "machine.cpus=2", "machine.cpus_per_node=1",
				     "policy.placement=consecutive", NULL };
	cfg *c = t_cfg(sets);
	struct machine_config mc;
	const uint64_t word = 0x80000000ull + 0x1000 + 7 * 128;   /* guest page 1: node 0 */
	ck_assert_int_eq(machine_config_from_cfg(c, &mc, &err), SIM_OK);
	for (int s = 0; s < 2; s++) {
		add(&m, s, R(TRC_LOCK_ACQ, 0, 0, 7, word, 0));
		add(&m, s, R(TRC_INSN, TRC_F_KERNEL | TRC_F_KSEG0, 0, 5000, 0x80100000ull, 0));
		add(&m, s, R(TRC_LOCK_REL, 0, 0, 7, word, 0));
	}
	ck_assert_msg(run(&m, 2, c, RPL_NATIVE, &r, &err) == SIM_OK, "%s", err.msg);
	ck_assert_uint_eq(r.lock_contended, 1);
	ck_assert_uint_eq(r.lock_acquires, 2);
	/* vCPU 0: a cold miss to its own node; its release hits its cache */
	ck_assert_uint_eq(r.cpu[0].stall_local[ACCT_SYNC], mc.local_cycles);
	ck_assert_uint_eq(r.cpu[0].stall_comm[ACCT_SYNC], 0);
	/* vCPU 1, on node 1: the line is dirty in CPU 0's cache */
	ck_assert_uint_eq(r.cpu[1].stall_remote[ACCT_SYNC], mc.remote_cycles + mc.comm_extra_cycles);
	ck_assert_uint_eq(r.cpu[1].stall_comm[ACCT_SYNC], mc.remote_cycles + mc.comm_extra_cycles);
	/* it spun for vCPU 0's critical section, then waited for the line */
	ck_assert_uint_eq(r.cpu[1].cycles[ACCT_SYNC],
			  r.cpu[0].cycles[ACCT_SYNC] + r.cpu[0].cycles[ACCT_KERNEL] +
				  mc.remote_cycles + mc.comm_extra_cycles);
	ck_assert_uint_eq(r.stores, 4);   /* two test-and-sets, two releases */
	rpl_results_free(&r);
	cfg_free(c);
	free_src(&m);
}
END_TEST

/* a random multiprocessor stream: block size does not matter, runs repeat
 * exactly, uma is never slower than numa */
static void random_streams(struct mem_src *m, int ns, unsigned seed)
{
	srand(seed);
	for (int s = 0; s < ns; s++) {
		add(m, s, R(TRC_ASID, 0, 0, (uint32_t)s + 1, 0, 0));
		for (int p = 0; p < 64; p++)
			add(m, s, R(TRC_PTE_SET, 0, TRC_PROT_VALID | TRC_PROT_WRITE, (uint32_t)s + 1,
				    0x10000 + (uint64_t)p, (uint64_t)(rand() % 2048)));
		for (int i = 0; i < 4000; i++) {
			int k = rand() % 10;
			uint64_t va = ((0x10000ull + (uint64_t)(rand() % 64)) << 12) + (uint64_t)(rand() % 256) * 8;   /* runs stay in the page */
			if (k < 4)
				add(m, s, R(TRC_INSN, 0, 0, 1 + (uint32_t)(rand() % 20), va & ~3ull, 0));
			else if (k < 7)
				add(m, s, R(TRC_LOAD, 0, 8, 0, va, 0));
			else if (k < 9)
				add(m, s, R(TRC_STORE, 0, 8, 0, va, 0));
			else {
				add(m, s, R(TRC_LOCK_ACQ, 0, 0, (uint32_t)(rand() % 3), 0, 0));
				add(m, s, R(TRC_LOAD, TRC_F_KERNEL | TRC_F_KSEG0, 8, 0,
					    0x80000000ull + (uint64_t)(rand() % 4096) * 64, 0));
				add(m, s, R(TRC_LOCK_REL, 0, 0, m->recs[s][m->n[s] - 2].id, 0, 0));
			}
		}
	}
}

START_TEST(exact_and_bounded)
{
	struct mem_src m = { 0 };
	struct rpl_results a, b, u;
	struct sim_err err = { 0 };
	const char *const sets[] = { "machine.cpus=4", NULL };
	cfg *c = t_cfg(sets);
	random_streams(&m, 4, 42);
	for (int mode = RPL_NATIVE; mode <= RPL_DISCO; mode++) {
		m.block = 1000000;
		ck_assert_msg(run(&m, 4, c, mode, &a, &err) == SIM_OK, "%s", err.msg);
		m.block = 1;
		ck_assert_msg(run(&m, 4, c, mode, &b, &err) == SIM_OK, "%s", err.msg);
		t_same_results(&a, &b);
		rpl_results_free(&b);
		m.block = 777;
		ck_assert_msg(run(&m, 4, c, mode, &b, &err) == SIM_OK, "%s", err.msg);
		t_same_results(&a, &b);
		rpl_results_free(&b);
		if (mode == RPL_NATIVE) {
			ck_assert_msg(run(&m, 4, c, RPL_UMA, &u, &err) == SIM_OK, "%s", err.msg);
			ck_assert_uint_le(u.cycles, a.cycles);
			ck_assert_uint_eq(rpl_total_stall_remote(&u), 0);
			rpl_results_free(&u);
		}
		rpl_results_free(&a);
	}
	cfg_free(c);
	free_src(&m);
}
END_TEST

START_TEST(bad_traces)
{
	struct mem_src m = { 0 }, m2 = { 0 }, m3 = { 0 };
	struct rpl_results r;
	struct sim_err err = { 0 };
	cfg *c = t_cfg(one_cpu);
	add(&m, 0, R(TRC_INSN, 0, 0, 3, 0x400000, 0));
	add(&m, 0, R(TRC_LOAD, 0, 4, 0, 0x500000, 0));
	ck_assert_int_eq(run(&m, 1, c, RPL_NATIVE, &r, &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "stream 0, record 0"));
	ck_assert_ptr_nonnull(strstr(err.msg, "no page-table entry"));
	add(&m2, 0, R(TRC_LOCK_REL, 0, 0, 3, 0, 0));
	ck_assert_int_eq(run(&m2, 1, c, RPL_NATIVE, &r, &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "not held"));
	add(&m3, 0, R(TRC_SVC_END, 0, TRC_SVC_READ, 0, 0, 0));
	ck_assert_int_eq(run(&m3, 1, c, RPL_NATIVE, &r, &err), SIM_EINVAL);
	/* more streams than CPUs */
	ck_assert_int_eq(run(&m, 2, c, RPL_NATIVE, &r, &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "machine.cpus"));
	cfg_free(c);
	free_src(&m);
	free_src(&m2);
	free_src(&m3);
}
END_TEST

/* a DMA completion waits for the disk; a semaphore wait for its signal */
START_TEST(io_and_semaphores)
{
	struct mem_src m = { 0 };
	struct rpl_results r;
	struct sim_err err = { 0 };
	const char *const sets[] = { "machine.cpus=2", NULL };
	cfg *c = t_cfg(sets);
	add(&m, 0, R(TRC_DMA_REQ, 0, 0, 1, 100, 8));
	add(&m, 0, R(TRC_FRAG, 0, 0, 0, 0x10000, 4096));
	add(&m, 0, R(TRC_DMA_DONE, 0, 0, 1, 0, 0));
	add(&m, 0, R(TRC_SEM_SIGNAL, 0, 0, 9, 0, 0));
	add(&m, 1, R(TRC_MARKER, 0, RPL_MARK_SEM_INIT, 9, 0, 0));
	add(&m, 1, R(TRC_SEM_WAIT, 0, 0, 9, 0, 0));
	add(&m, 1, R(TRC_INSN, TRC_F_KERNEL | TRC_F_KSEG0, 0, 10, 0x80100000ull, 0));
	ck_assert_msg(run(&m, 2, c, RPL_NATIVE, &r, &err) == SIM_OK, "%s", err.msg);
	ck_assert_uint_eq(r.dma_requests, 1);
	ck_assert_uint_eq(r.sem_waits_blocked, 1);
	/* vCPU 0 idles until the disk is done (milliseconds: millions of
	 * cycles); vCPU 1 sleeps until vCPU 0 signals, right after */
	ck_assert_uint_gt(r.cpu[0].cycles[ACCT_IDLE], 1000000);
	ck_assert_uint_gt(r.cpu[1].cycles[ACCT_IDLE], 1000000);
	ck_assert_uint_lt(r.cpu[1].cycles[ACCT_KERNEL], 1000);
	ck_assert_str_eq(r.warning, "");
	rpl_results_free(&r);
	cfg_free(c);
	free_src(&m);
}
END_TEST

/* a miss to remote memory costs machine.latency.remote_ns, to local memory
 * machine.latency.local_ns, at the clock */
START_TEST(local_and_remote_latency)
{
	struct mem_src m = { 0 };
	struct rpl_results r;
	struct sim_err err = { 0 };
	const char *const sets[] = { "machine.cpus=2", "policy.placement=consecutive", NULL };
	cfg *c = t_cfg(sets);
	struct machine_config mc;
	uint64_t half;
	ck_assert_int_eq(machine_config_from_cfg(c, &mc, &err), SIM_OK);
	half = mc.mem_size / mc.page_size / 2;   /* consecutive: upper half on node 1 */
	add(&m, 0, R(TRC_ASID, 0, 0, 1, 0, 0));
	add(&m, 0, R(TRC_PTE_SET, 0, TRC_PROT_VALID, 1, 0x100, 2));          /* node 0 */
	add(&m, 0, R(TRC_PTE_SET, 0, TRC_PROT_VALID, 1, 0x102, half + 2));   /* node 1 */
	add(&m, 0, R(TRC_LOAD, 0, 8, 0, 0x100000, 0));
	add(&m, 0, R(TRC_LOAD, 0, 8, 0, 0x102000, 0));
	ck_assert_msg(run(&m, 1, c, RPL_NATIVE, &r, &err) == SIM_OK, "%s", err.msg);
	ck_assert_uint_eq(r.cpu[0].stall_local[ACCT_USER], mc.local_cycles);
	ck_assert_uint_eq(r.cpu[0].stall_remote[ACCT_USER], mc.remote_cycles);
	ck_assert_uint_eq(mc.remote_cycles, 360);   /* 900 ns at 400 MHz */
	ck_assert_uint_eq(mc.local_cycles, 120);    /* 300 ns */
	rpl_results_free(&r);
	/* uma: both local */
	ck_assert_msg(run(&m, 1, c, RPL_UMA, &r, &err) == SIM_OK, "%s", err.msg);
	ck_assert_uint_eq(r.cpu[0].stall_local[ACCT_USER], 2 * mc.local_cycles);
	ck_assert_uint_eq(r.cpu[0].stall_remote[ACCT_USER], 0);
	rpl_results_free(&r);
	cfg_free(c);
	free_src(&m);
}
END_TEST

/* the page-freed hint: the monitor takes the machine page back at once and
 * no TLB or L2TLB keeps a mapping to it; the next touch places it anew */
START_TEST(page_freed_reclaims)
{
	struct mem_src m = { 0 };
	struct rpl_results r;
	struct sim_err err = { 0 };
	cfg *c = t_cfg(one_cpu);
	add(&m, 0, R(TRC_ASID, 0, 0, 1, 0, 0));
	add(&m, 0, R(TRC_PTE_SET, 0, TRC_PROT_VALID, 1, 0x200, 9));
	add(&m, 0, R(TRC_LOAD, 0, 8, 0, 0x200000, 0));
	add(&m, 0, R(TRC_MONCALL, 0, TRC_MC_PAGE_FREED, 0, 9, 0));
	add(&m, 0, R(TRC_LOAD, 0, 8, 0, 0x200008, 0));   /* misses: the entry went */
	ck_assert_msg(run(&m, 1, c, RPL_DISCO, &r, &err) == SIM_OK, "%s", err.msg);
	ck_assert_uint_eq(r.pages_reclaimed, 1);
	ck_assert_uint_eq(r.pages_touched, 3);   /* page 9 twice, one page-table page */
	ck_assert_uint_eq(r.tlb_misses, 2);
	ck_assert_uint_eq(r.l2tlb_hits, 0);            /* the L2TLB entry went too */
	rpl_results_free(&r);
	cfg_free(c);
	free_src(&m);
}
END_TEST


/* A TLB write that names its entry writes it (issue 12, mechanism 1).  One
 * page mapped, tlbwr (ASID 1, VPN 0x400), a load of it; then the PTE of the
 * other page of its pair changes, which drops the pair from the TLB (one
 * entry maps both) but only that half from the L2TLB; a second load of
 * 0x400 misses the TLB.  Natively: one TLB miss (the second load), the
 * tlbwr one guest.cost.priv, no monitor.  Under the monitor: the tlbwr's
 * emulation (monitor.cost.tlb_write) put the pair in the TLB and the
 * L2TLB, so the first load hits the TLB and the refill of the second hits
 * the L2TLB: monitor time tlb_write + tlb_refill exactly.  Without the
 * entry the first load misses the TLB too, and under the monitor the
 * L2TLB, which then holds it. */
START_TEST(tlb_write_carries_entry)
{
	struct vmm_costs k;
	struct sim_err err = { 0 };
	cfg *c = t_cfg(one_cpu_const);
	ck_assert_int_eq(vmm_costs_from_cfg(c, &k, &err), SIM_OK);
	for (int entry = 1; entry >= 0; entry--) {
		struct mem_src m = { 0 };
		struct rpl_results r;
		add(&m, 0, R(TRC_ASID, 0, 0, 1, 0, 0));
		add(&m, 0, R(TRC_PTE_SET, 0, TRC_PROT_VALID | TRC_PROT_WRITE, 1, 0x400, 5));
		add(&m, 0, entry ? R(TRC_PRIV, TRC_F_ENTRY, TRC_PRIV_TLBWR, 1, 0x400, 0)
				 : R(TRC_PRIV, 0, TRC_PRIV_TLBWR, 0, 0, 0));
		add(&m, 0, R(TRC_LOAD, 0, 8, 0, 0x400000, 0));
		add(&m, 0, R(TRC_PTE_SET, 0, TRC_PROT_VALID, 1, 0x401, 6));
		add(&m, 0, R(TRC_LOAD, 0, 8, 0, 0x400008, 0));

		ck_assert_msg(run(&m, 1, c, RPL_NATIVE, &r, &err) == SIM_OK, "%s", err.msg);
		ck_assert_uint_eq(r.tlb_misses, entry ? 1 : 2);
		ck_assert_uint_eq(r.cpu[0].cycles[ACCT_MONITOR], 0);
		rpl_results_free(&r);

		ck_assert_msg(run(&m, 1, c, RPL_DISCO, &r, &err) == SIM_OK, "%s", err.msg);
		if (entry) {
			ck_assert_uint_eq(r.tlb_misses, 1);
			ck_assert_uint_eq(r.l2tlb_hits, 1);
			ck_assert_uint_eq(r.l2tlb_misses, 0);
			ck_assert_uint_eq(r.cpu[0].cycles[ACCT_MONITOR],
					  2ull * k.exception + k.tlb_write + k.tlb_refill);
		} else {
			/* the tlbwr's emulation, then a reflected miss and an L2TLB hit */
			ck_assert_uint_eq(r.tlb_misses, 2);
			ck_assert_uint_eq(r.l2tlb_hits, 1);
			ck_assert_uint_eq(r.l2tlb_misses, 1);
			ck_assert_uint_eq(r.cpu[0].cycles[ACCT_MONITOR],
					  5ull * k.exception + k.tlb_write + k.l2tlb_miss + k.trap_reflect +
					  k.tlb_write + k.priv + k.tlb_refill);
		}
		rpl_results_free(&r);
		free_src(&m);
	}
	cfg_free(c);
}
END_TEST


/* The monitor's TLB-miss handler compares the ways of the L2TLB set in
 * order and leaves at the one that matches (issue 12: Table 2's UTLB-MISS
 * row).  One set of four ways (policy.l2tlb.entries = ways = 4); three
 * pairs written by entry-carrying tlbwrs fill ways 0, 1 and 2 in that
 * order; a PTE change on each pair's odd half drops the pair from the TLB
 * and only that half from the L2TLB.  A load of the pair in way 0 then
 * compares one way, a load of the pair in way 2 three: by hand, the second
 * run's monitor instructions exceed the first's by two ways'
 * monitor.path.l2tlb_way exactly (the same text lines are fetched: the
 * probe's first 17 instructions and the hit's 6 at instruction 20 lie in
 * the first two 64-byte lines either way); only the extra tags' loads may
 * add stall.  The same with the 64-bit Disco's 32-byte entries. */
START_TEST(l2tlb_probe_stops_at_match)
{
	struct sim_err err = { 0 };
	struct rpl_results r[2][2];
	for (int e = 0; e < 2; e++) {
		const char *sets[] = { "machine.cpus=1", "policy.l2tlb.entries=4", "policy.l2tlb.ways=4",
				       e ? "monitor.mem.l2tlb_entry=32" : "monitor.mem.l2tlb_entry=16", NULL };
		struct vmm_costs k;
		cfg *c = t_cfg(sets);
		ck_assert_int_eq(vmm_costs_from_cfg(c, &k, &err), SIM_OK);
		ck_assert(k.paths_machine);
		for (int k2 = 0; k2 < 2; k2++) {
			struct mem_src m = { 0 };
			add(&m, 0, R(TRC_ASID, 0, 0, 1, 0, 0));
			for (uint64_t vpn = 0x400; vpn <= 0x404; vpn += 2) {
				add(&m, 0, R(TRC_PTE_SET, 0, TRC_PROT_VALID | TRC_PROT_WRITE, 1, vpn, vpn - 0x3f0));
				add(&m, 0, R(TRC_PRIV, TRC_F_ENTRY, TRC_PRIV_TLBWR, 1, vpn, 0));
			}
			for (uint64_t vpn = 0x401; vpn <= 0x405; vpn += 2)
				add(&m, 0, R(TRC_PTE_SET, 0, TRC_PROT_VALID, 1, vpn, vpn - 0x3f0));
			add(&m, 0, R(TRC_LOAD, 0, 8, 0, k2 ? 0x404000 : 0x400000, 0));
			ck_assert_msg(run(&m, 1, c, RPL_DISCO, &r[e][k2], &err) == SIM_OK, "%s", err.msg);
			ck_assert_uint_eq(r[e][k2].tlb_misses, 1);
			ck_assert_uint_eq(r[e][k2].l2tlb_hits, 1);
			free_src(&m);
		}
		ck_assert_uint_eq(r[e][1].cpu[0].cycles[ACCT_MONITOR] - r[e][1].cpu[0].stall_local[ACCT_MONITOR],
				  r[e][0].cpu[0].cycles[ACCT_MONITOR] - r[e][0].cpu[0].stall_local[ACCT_MONITOR] +
					  2ull * k.l2tlb_way);
		ck_assert_uint_ge(r[e][1].cpu[0].stall_local[ACCT_MONITOR],
				  r[e][0].cpu[0].stall_local[ACCT_MONITOR]);
		cfg_free(c);
	}
	/* the 64-bit Disco's 32-byte entries (IRIX 6.2, 5.2): way 2's tag is
	 * in the set's third 32-byte L1 line, not its second, so the probe
	 * that reaches it misses one line more; way 0's does not move */
	ck_assert_uint_eq(r[1][0].l1d_read_misses, r[0][0].l1d_read_misses);
	ck_assert_uint_eq(r[1][1].l1d_read_misses, r[0][1].l1d_read_misses + 1);
	for (int e = 0; e < 2; e++)
		for (int i = 0; i < 2; i++)
			rpl_results_free(&r[e][i]);
}
END_TEST

/* A page the monitor takes from the second VM drops that VM's L2TLB entries
 * for it, found by their backmaps (kept under the machine-wide guest page,
 * not the VM's own page number).  VM 1 maps its page 9 with a tlbwr that
 * names the entry, loads it, frees it with the hint (the monitor reclaims
 * it), and loads it again: that TLB miss must miss the L2TLB too. */
START_TEST(reclaim_drops_l2tlb_of_second_vm)
{
	static const char *const two_vms[] = { "machine.cpus=2", "vm.vcpus=1,1", "vm.mem.size=16M",
					       "monitor.paths=constant", NULL };
	struct mem_src m = { 0 };
	struct rpl_results r;
	struct sim_err err = { 0 };
	cfg *c = t_cfg(two_vms);
	add(&m, 0, R(TRC_ASID, 0, 0, 1, 0, 0));
	add(&m, 0, R(TRC_PTE_SET, 0, TRC_PROT_VALID, 1, 0x300, 9));
	add(&m, 0, R(TRC_LOAD, 0, 8, 0, 0x300000, 0));
	add(&m, 1, R(TRC_ASID, 0, 0, 1, 0, 0));
	add(&m, 1, R(TRC_PTE_SET, 0, TRC_PROT_VALID | TRC_PROT_WRITE, 1, 0x200, 9));
	add(&m, 1, R(TRC_PRIV, TRC_F_ENTRY, TRC_PRIV_TLBWR, 1, 0x200, 0));
	add(&m, 1, R(TRC_LOAD, 0, 8, 0, 0x200000, 0));
	add(&m, 1, R(TRC_MONCALL, 0, TRC_MC_PAGE_FREED, 0, 9, 0));
	add(&m, 1, R(TRC_LOAD, 0, 8, 0, 0x200008, 0));
	ck_assert_msg(run(&m, 2, c, RPL_DISCO, &r, &err) == SIM_OK, "%s", err.msg);
	ck_assert_uint_eq(r.nvms, 2);
	ck_assert_uint_eq(r.pages_reclaimed, 1);
	ck_assert_uint_eq(r.l2tlb_hits, 0);
	ck_assert_uint_eq(r.l2tlb_misses, 2);   /* VM 0's first touch, VM 1's load after the reclaim */
	rpl_results_free(&r);
	cfg_free(c);
	free_src(&m);
}
END_TEST

/* Isolation zeroing (paper 4.3.3): a guest page the monitor reclaimed after
 * a page-freed hint gets, at its next touch, a machine page the monitor
 * zeroes first.  Run A: touch, free with the hint, touch again.  Run B: the
 * same with a zeroed-page call between the free and the touch, which zeroes
 * the page itself, so the touch must not zero it again.  So B's monitor
 * time is A's plus one monitor call exactly, and A's exceeds run C's (a
 * call that frees nothing: nothing reclaimed, nothing zeroed) by at least a
 * page of zeroing instructions. */
START_TEST(reclaimed_page_is_zeroed)
{
	struct vmm_costs kc;
	struct sim_err err = { 0 };
	struct machine_config mc;
	struct rpl_results r[4];
	cfg *c = t_cfg(one_cpu);
	ck_assert_int_eq(vmm_costs_from_cfg(c, &kc, &err), SIM_OK);
	ck_assert_int_eq(machine_config_from_cfg(c, &mc, &err), SIM_OK);
	for (int k = 0; k < 4; k++) {
		struct mem_src m = { 0 };
		add(&m, 0, R(TRC_ASID, 0, 0, 1, 0, 0));
		add(&m, 0, R(TRC_PTE_SET, 0, TRC_PROT_VALID | TRC_PROT_WRITE, 1, 0x200, 9));
		add(&m, 0, R(TRC_LOAD, 0, 8, 0, 0x200000, 0));
		if (k != 2)
			add(&m, 0, R(TRC_MONCALL, 0, TRC_MC_PAGE_FREED, 0, 9, 0));
		else
			add(&m, 0, R(TRC_MONCALL, 0, TRC_MC_IDLE, 0, 0, 0));   /* a call that frees nothing */
		if (k == 1)
			add(&m, 0, R(TRC_MONCALL, 0, TRC_MC_ZERO_PAGE, 0, 9, 0));
		if (k == 3)
			add(&m, 0, R(TRC_MARKER, 0, RPL_MARK_WARM_PAGE, 0, 0, 9));
		add(&m, 0, R(TRC_PTE_SET, 0, TRC_PROT_VALID | TRC_PROT_WRITE, 1, 0x200, 9));
		add(&m, 0, R(TRC_STORE, 0, 8, 0, 0x200008, 0));
		ck_assert_msg(run(&m, 1, c, RPL_DISCO, &r[k], &err) == SIM_OK, "%s", err.msg);
		free_src(&m);
	}
	ck_assert_uint_eq(r[0].pages_reclaimed, 1);
	ck_assert_uint_eq(r[1].cpu[0].cycles[ACCT_MONITOR],
			  r[0].cpu[0].cycles[ACCT_MONITOR] + kc.exception + kc.path_moncall);   /* its lines hit */
	ck_assert_uint_ge(r[0].cpu[0].cycles[ACCT_MONITOR],
			  r[2].cpu[0].cycles[ACCT_MONITOR] + (mc.page_size / mc.l1d.line) * (mc.l1d.line / 8));
	/* run D: freed with the hint, then a warm-page marker (resident from a
	 * part of the run not simulated): nothing to zero, so its monitor time
	 * is run C's (a call, the reflected refill) */
	ck_assert_uint_eq(r[3].pages_reclaimed, 1);
	ck_assert_uint_eq(r[3].cpu[0].cycles[ACCT_MONITOR], r[2].cpu[0].cycles[ACCT_MONITOR]);
	for (int k = 0; k < 4; k++)
		rpl_results_free(&r[k]);
	cfg_free(c);
}
END_TEST

/* A kernel-segment TLB fault maps the pair's other half only if it has a
 * machine page: a page reclaimed after a page-freed hint stays reclaimed,
 * and its isolation zero is paid by the reference that touches it (Table
 * 2's COPY-ON-WRITE: the zero, then the copy on its lines).  Page 9 is
 * used, freed with the hint; run B's kernel load from page 8 faults and
 * costs the exception and the fault's constant, nothing more; run C's
 * store to page 9 faults again and zeroes it: 512 instructions (128 lines
 * of 4 KB, four each) and their stall. */
START_TEST(ktlb_fault_leaves_reclaimed_half)
{
	struct vmm_costs k;
	struct sim_err err = { 0 };
	struct rpl_results r[3];
	cfg *c = t_cfg(one_cpu_const);
	ck_assert_int_eq(vmm_costs_from_cfg(c, &k, &err), SIM_OK);
	for (int n = 0; n < 3; n++) {
		struct mem_src m = { 0 };
		add(&m, 0, R(TRC_ASID, 0, 0, 1, 0, 0));
		add(&m, 0, R(TRC_PTE_SET, 0, TRC_PROT_VALID | TRC_PROT_WRITE, 1, 0x200, 9));
		add(&m, 0, R(TRC_STORE, 0, 8, 0, 0x200000, 0));
		add(&m, 0, R(TRC_PTE_CLEAR, 0, 0, 1, 0x200, 0));
		add(&m, 0, R(TRC_MONCALL, 0, TRC_MC_PAGE_FREED, 0, 9, 0));
		if (n >= 1)
			add(&m, 0, R(TRC_LOAD, TRC_F_KERNEL | TRC_F_KSEG0, 8, 0, 0x80000000ull + 8 * 4096, 0));
		if (n >= 2)
			add(&m, 0, R(TRC_STORE, TRC_F_KERNEL | TRC_F_KSEG0, 8, 0, 0x80000000ull + 9 * 4096, 0));
		ck_assert_msg(run(&m, 1, c, RPL_DISCO, &r[n], &err) == SIM_OK, "%s", err.msg);
		free_src(&m);
	}
	ck_assert_uint_eq(r[0].pages_reclaimed, 1);
	ck_assert_uint_eq(r[1].ktlb_faults, r[0].ktlb_faults + 1);
	ck_assert_uint_eq(r[1].cpu[0].cycles[ACCT_MONITOR],
			  r[0].cpu[0].cycles[ACCT_MONITOR] + k.exception + k.ktlb_fault);
	ck_assert_uint_eq(r[2].ktlb_faults, r[1].ktlb_faults + 1);
	ck_assert_uint_eq(r[2].cpu[0].cycles[ACCT_MONITOR],
			  r[1].cpu[0].cycles[ACCT_MONITOR] + k.exception + k.ktlb_fault + 512 +
				  r[2].cpu[0].stall_local[ACCT_MONITOR] - r[1].cpu[0].stall_local[ACCT_MONITOR]);
	for (int n = 0; n < 3; n++)
		rpl_results_free(&r[n]);
	cfg_free(c);
}
END_TEST

/* A reclaim leaves the page's lines in the caches (issue 12: is the page
 * the monitor zeroes hot or cold?).  The guest writes all of page 9 (its
 * 4 KB in the 32 KB L1), frees it with the hint and asks for it zeroed;
 * the monitor's per-color free list hands the same machine page back, so
 * every store of the zeroing hits the L1.  By hand: the zeroed-page call
 * costs the exception, the call's monitor.cost.moncall (constant paths)
 * and one instruction per 8 bytes, 512 at 4 KB, and no stall, against the
 * same trace without the call.  A page only loaded once before its free
 * would miss on every other line. */
START_TEST(reclaim_keeps_lines_cached)
{
	struct vmm_costs kc;
	struct sim_err err = { 0 };
	struct machine_config mc;
	struct rpl_results r[3];
	cfg *c = t_cfg(one_cpu_const);
	ck_assert_int_eq(vmm_costs_from_cfg(c, &kc, &err), SIM_OK);
	ck_assert_int_eq(machine_config_from_cfg(c, &mc, &err), SIM_OK);
	for (int k = 0; k < 3; k++) {
		struct mem_src m = { 0 };
		add(&m, 0, R(TRC_ASID, 0, 0, 1, 0, 0));
		add(&m, 0, R(TRC_PTE_SET, 0, TRC_PROT_VALID | TRC_PROT_WRITE, 1, 0x200, 9));
		add(&m, 0, R(TRC_PRIV, TRC_F_ENTRY, TRC_PRIV_TLBWR, 1, 0x200, 0));
		for (uint64_t off = 0; off < (k == 2 ? 1 : mc.page_size); off += mc.l1d.line)
			add(&m, 0, R(TRC_STORE, 0, 8, 0, 0x200000 + off, 0));
		add(&m, 0, R(TRC_MONCALL, 0, TRC_MC_PAGE_FREED, 0, 9, 0));
		if (k != 1)
			add(&m, 0, R(TRC_MONCALL, 0, TRC_MC_ZERO_PAGE, 0, 9, 0));
		ck_assert_msg(run(&m, 1, c, RPL_DISCO, &r[k], &err) == SIM_OK, "%s", err.msg);
		free_src(&m);
	}
	ck_assert_uint_eq(r[0].pages_reclaimed, 1);
	ck_assert_uint_eq(mc.page_size, 4096);
	ck_assert_uint_eq(r[0].cpu[0].cycles[ACCT_MONITOR],
			  r[1].cpu[0].cycles[ACCT_MONITOR] + kc.exception + kc.moncall + 512);
	ck_assert_uint_eq(r[0].cpu[0].stall_local[ACCT_MONITOR], r[1].cpu[0].stall_local[ACCT_MONITOR]);
	/* cold: every line but the one stored misses (to memory, or to the L2
	 * for the other L1 lines of a 128-byte L2 line) */
	ck_assert_uint_ge(r[2].cpu[0].stall_local[ACCT_MONITOR],
			  r[1].cpu[0].stall_local[ACCT_MONITOR] + (mc.page_size / mc.l2.line - 1) * mc.local_cycles);
	for (int k = 0; k < 3; k++)
		rpl_results_free(&r[k]);
	cfg_free(c);
}
END_TEST

/* A reclaimed page that a DMA then fills whole is not zeroed: the device
 * overwrites all of it.  Run A: touch page 9, free it with the hint, read a
 * disk page into it by DMA, store to it.  Run B: the same with a call that
 * frees nothing.  The DMA gives A's page a fresh machine page and B's keeps
 * its own; both lose their cached lines, so the monitor's time is the same
 * in both: no zeroing.  Run C: A with a half-page DMA, which leaves half the
 * page to clear: at least a page of zeroing instructions more. */
START_TEST(reclaimed_page_filled_by_dma_is_not_zeroed)
{
	struct sim_err err = { 0 };
	struct machine_config mc;
	struct rpl_results r[3];
	cfg *c = t_cfg(one_cpu);
	ck_assert_int_eq(machine_config_from_cfg(c, &mc, &err), SIM_OK);
	for (int k = 0; k < 3; k++) {
		struct mem_src m = { 0 };
		add(&m, 0, R(TRC_ASID, 0, 0, 1, 0, 0));
		add(&m, 0, R(TRC_PTE_SET, 0, TRC_PROT_VALID | TRC_PROT_WRITE, 1, 0x200, 9));
		add(&m, 0, R(TRC_LOAD, 0, 8, 0, 0x200000, 0));
		add(&m, 0, k != 1 ? R(TRC_MONCALL, 0, TRC_MC_PAGE_FREED, 0, 9, 0)
				  : R(TRC_MONCALL, 0, TRC_MC_IDLE, 0, 0, 0));
		add(&m, 0, R(TRC_DMA_REQ, 0, 0, 1, 100, mc.page_size / 512));
		add(&m, 0, R(TRC_FRAG, 0, 0, 0, 9 * mc.page_size, k == 2 ? mc.page_size / 2 : mc.page_size));
		add(&m, 0, R(TRC_DMA_DONE, 0, 0, 1, 0, 0));
		add(&m, 0, R(TRC_PTE_SET, 0, TRC_PROT_VALID | TRC_PROT_WRITE, 1, 0x200, 9));
		add(&m, 0, R(TRC_STORE, 0, 8, 0, 0x200008, 0));
		ck_assert_msg(run(&m, 1, c, RPL_DISCO, &r[k], &err) == SIM_OK, "%s", err.msg);
		free_src(&m);
	}
	ck_assert_uint_eq(r[0].pages_reclaimed, 1);
	ck_assert_uint_eq(r[0].cpu[0].cycles[ACCT_MONITOR], r[1].cpu[0].cycles[ACCT_MONITOR]);
	ck_assert_uint_ge(r[2].cpu[0].cycles[ACCT_MONITOR],
			  r[0].cpu[0].cycles[ACCT_MONITOR] + (mc.page_size / mc.l1d.line) * (mc.l1d.line / 8));
	for (int k = 0; k < 3; k++)
		rpl_results_free(&r[k]);
	cfg_free(c);
}
END_TEST

/* A completion interrupt (RPL_MARK_INTR) runs at the disk's time wherever
 * its stream is.  Stream 0 requests a 4 KB read from disk 0 and holds the
 * handler (DISK-INTR: the completion, a semaphore signal), then runs 20000
 * one-cycle kernel instructions; stream 1 waits on the semaphore, then runs
 * 30000 instructions, which end the run.  With the disk's positioning at 10
 * us and at 20 us (4000 and 8000 cycles at 400 MHz) the signal, so the
 * run's end, moves by 4000 cycles exactly: the handler runs at the first
 * record at or after the disk's time, and stream 0's records are one cycle
 * each.  Blocks of 3 records cut the handler apart; it must not matter.
 * Then stream 0 waits for the interrupt (RPL_MARK_INTR_WAIT) right after
 * the request: its idle time moves by the same 4000 cycles. */
START_TEST(interrupt_at_the_disks_time)
{
	struct rpl_results r[4];
	struct sim_err err = { 0 };
	for (int k = 0; k < 4; k++) {
		const char *sets[] = { "machine.cpus=2", "machine.disk.mb_per_s=4096",
				       k & 1 ? "machine.disk.position_us=20" : "machine.disk.position_us=10",
				       NULL };
		cfg *c = t_cfg(sets);
		struct mem_src m = { 0 };
		m.block = 3;
		add(&m, 0, R(TRC_DMA_REQ, 0, 0, 7, 100, 8));
		add(&m, 0, R(TRC_FRAG, 0, 0, 0, 0x10000, 4096));
		add(&m, 0, R(TRC_MARKER, 0, RPL_MARK_INTR, 7, 0, 4));
		add(&m, 0, R(TRC_SVC_BEGIN, 0, TRC_SVC_DISK_INTR, 0, 0, 0));
		add(&m, 0, R(TRC_DMA_DONE, 0, 0, 7, 0, 0));
		add(&m, 0, R(TRC_SEM_SIGNAL, 0, 0, 9, 0, 0));
		add(&m, 0, R(TRC_SVC_END, 0, TRC_SVC_DISK_INTR, 0, 0, 0));
		if (k >= 2)
			add(&m, 0, R(TRC_MARKER, 0, RPL_MARK_INTR_WAIT, 7, 0, 0));
		for (int i = 0; i < 20000; i++)
			add(&m, 0, R(TRC_INSN, TRC_F_KERNEL | TRC_F_KSEG0, 0, 1, 0x80100000ull, 0));
		add(&m, 1, R(TRC_MARKER, 0, RPL_MARK_SEM_INIT, 9, 0, 0));
		add(&m, 1, R(TRC_SEM_WAIT, 0, 0, 9, 0, 0));
		for (int i = 0; i < 30; i++)
			add(&m, 1, R(TRC_INSN, TRC_F_KERNEL | TRC_F_KSEG0, 0, 1000, 0x80200000ull, 0));
		ck_assert_msg(run(&m, 2, c, RPL_NATIVE, &r[k], &err) == SIM_OK, "%s", err.msg);
		ck_assert_uint_eq(r[k].dma_interrupts, 1);
		ck_assert_uint_eq(r[k].service[TRC_SVC_DISK_INTR].count, 1);
		free_src(&m);
		cfg_free(c);
	}
	ck_assert_uint_eq(r[1].cycles - r[0].cycles, 4000);
	ck_assert_uint_eq(r[3].cpu[0].cycles[ACCT_IDLE] - r[2].cpu[0].cycles[ACCT_IDLE], 4000);
	/* stream 0 idled until the disk was done (position + 4096 bytes at 10.24 a cycle) */
	ck_assert_uint_ge(r[2].cpu[0].cycles[ACCT_IDLE], 4000 + 400);
	for (int k = 0; k < 4; k++)
		rpl_results_free(&r[k]);
}
END_TEST

/* SPLASHOS (vm.os = splashos): no page tables.  Two vCPUs each touch the
 * same three pages, then page 0 again.  Each vCPU's first touch of a page
 * is a monitor page fault (PAGE-FAULT), no guest handler runs (no kernel
 * time, no UTLB handler instructions), the first touch of the VM zeroes the
 * page: 6 faults, 3 pages placed; the touch again hits the TLB.  Natively
 * the trace is refused: the monitor handles SPLASHOS's faults. */
START_TEST(splashos_faults_in_monitor)
{
	static const char *const two[] = { "machine.cpus=2", "monitor.paths=constant",
					   "vm.os=splashos", NULL };
	struct mem_src m = { 0 };
	struct rpl_results r;
	struct sim_err err = { 0 };
	struct vmm_costs kc;
	struct machine_config mc;
	cfg *c = t_cfg(two);
	ck_assert_int_eq(vmm_costs_from_cfg(c, &kc, &err), SIM_OK);
	ck_assert_int_eq(machine_config_from_cfg(c, &mc, &err), SIM_OK);
	for (int s = 0; s < 2; s++) {
		for (int p = 0; p < 3; p++)
			add(&m, s, R(TRC_STORE, 0, 4, 0, (0x100ull + 2 * (uint64_t)p) << 12, 0));
		add(&m, s, R(TRC_LOAD, 0, 4, 0, 0x100ull << 12 | 8, 0));
	}
	ck_assert_msg(run(&m, 2, c, RPL_DISCO, &r, &err) == SIM_OK, "%s", err.msg);
	ck_assert_uint_eq(r.service[TRC_SVC_PAGE_FAULT].count, 6);
	ck_assert_uint_eq(r.service[TRC_SVC_UTLB_MISS].count, 0);
	ck_assert_uint_eq(r.service[TRC_SVC_DEMAND_ZERO].count + r.service[TRC_SVC_QUICK_FAULT].count, 0);
	ck_assert_uint_eq(r.tlb_misses, 6);
	ck_assert_uint_eq(r.pages_touched, 3);
	for (int cpu = 0; cpu < 2; cpu++)
		ck_assert_uint_eq(r.cpu[cpu].cycles[ACCT_KERNEL], 0);
	/* every fault: exception, the L2TLB probed in vain, the TLB write; the
	 * VM's first touches also the page's bookkeeping and its zeroing (a
	 * store per line and an instruction per 8 bytes) */
	ck_assert_uint_ge(r.cpu[0].cycles[ACCT_MONITOR] + r.cpu[1].cycles[ACCT_MONITOR],
			  6ull * (kc.exception + kc.l2tlb_miss + kc.tlb_write) +
				  3ull * (kc.page_move + mc.page_size / 8));
	rpl_results_free(&r);
	ck_assert_int_eq(run(&m, 2, c, RPL_NATIVE, &r, &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "monitor only"));
	cfg_free(c);
	free_src(&m);
}
END_TEST

/* The common loop adds up its records' counts and their instructions'
 * cycles and charges them at its end, or before a refill opens its
 * service.  A service (READ) holds user and kernel runs, one across two
 * page pairs (a refill in the middle of the run), loads and stores; the
 * same stream with a TIME record after each reference (each then the only
 * record of its loop) gives the same tables.  Natively, by hand: 29 user
 * and 10 kernel instructions, 2 loads, 1 store, 3 refills of 14 cycles
 * (native_refill_with_pte_in_l1) and the READ's trap (guest.cost.exception);
 * user time is its instructions and their stall, kernel time the rest;
 * the READ's time and the refills' make up all of it. */
static void loop_stream(struct mem_src *m, int split)
{
	const struct trc_rec refs[] = {
		R(TRC_INSN, 0, 0, 24, 0x401fe0, 0),              /* 8 in page 0x401, 16 in 0x402 */
		R(TRC_INSN, TRC_F_KERNEL, 0, 10, 0x402100, 0),
		R(TRC_LOAD, 0, 4, 0, 0x500000, 0),
		R(TRC_STORE, 0, 4, 0, 0x500008, 0),
		R(TRC_INSN, 0, 0, 5, 0x402200, 0),
		R(TRC_LOAD, TRC_F_KERNEL, 4, 0, 0x500010, 0),
	};
	add(m, 0, R(TRC_PTE_SET, 0, TRC_PROT_VALID, 1, 0x401, 6));
	add(m, 0, R(TRC_PTE_SET, 0, TRC_PROT_VALID, 1, 0x402, 7));
	add(m, 0, R(TRC_PTE_SET, 0, TRC_PROT_VALID | TRC_PROT_WRITE, 1, 0x500, 11));
	add(m, 0, R(TRC_ASID, 0, 0, 1, 0, 0));
	add(m, 0, R(TRC_SVC_BEGIN, 0, TRC_SVC_READ, 1, 0, 0));
	for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++) {
		add(m, 0, refs[i]);
		if (split)
			add(m, 0, R(TRC_TIME, 0, 0, 0, 0, 0));
	}
	add(m, 0, R(TRC_SVC_END, 0, TRC_SVC_READ, 0, 0, 0));
}

START_TEST(common_loop_counts_and_charges)
{
	const int modes[2] = { RPL_NATIVE, RPL_DISCO };
	for (int mi = 0; mi < 2; mi++) {
		struct rpl_results r[2];
		struct sim_err err = { 0 };
		cfg *c = t_cfg(one_cpu);
		struct vmm_costs k;
		ck_assert_int_eq(vmm_costs_from_cfg(c, &k, &err), SIM_OK);
		for (int split = 0; split < 2; split++) {
			struct mem_src m = { 0 };
			loop_stream(&m, split);
			ck_assert_msg(run(&m, 1, c, modes[mi], &r[split], &err) == SIM_OK, "%s", err.msg);
			free_src(&m);
			ck_assert_uint_eq(r[split].instructions, 39);
			ck_assert_uint_eq(r[split].cpu[0].instructions, 39);
			ck_assert_uint_eq(r[split].loads, 2);
			ck_assert_uint_eq(r[split].cpu[0].loads, 2);
			ck_assert_uint_eq(r[split].stores, 1);
			ck_assert_uint_eq(r[split].cpu[0].stores, 1);
			ck_assert_uint_eq(r[split].records, split ? 18u : 12u);
			ck_assert_uint_eq(r[split].utlb_misses, 3);
			ck_assert_uint_eq(r[split].service[TRC_SVC_READ].count, 1);
		}
		ck_assert_uint_eq(r[0].cycles, r[1].cycles);
		ck_assert_mem_eq(r[0].cpu, r[1].cpu, sizeof *r[0].cpu);
		ck_assert_mem_eq(r[0].service, r[1].service, sizeof r[0].service);
		if (modes[mi] == RPL_NATIVE) {
			const struct acct_cpu *a = &r[0].cpu[0];
			const struct acct_service *rd = &r[0].service[TRC_SVC_READ];
			const struct acct_service *ut = &r[0].service[TRC_SVC_UTLB_MISS];
			ck_assert_uint_eq(k.exception + k.utlb_insns + 2 * k.priv_native, 14);
			ck_assert_uint_eq(a->stall_remote[ACCT_USER] + a->stall_remote[ACCT_KERNEL], 0);
			ck_assert_uint_gt(a->stall_local[ACCT_USER], 0);   /* first touches miss */
			ck_assert_uint_eq(a->cycles[ACCT_USER], 29 + a->stall_local[ACCT_USER]);
			ck_assert_uint_eq(a->cycles[ACCT_KERNEL],
					  10 + a->stall_local[ACCT_KERNEL] + 3 * 14 + k.exception);
			ck_assert_uint_eq(ut->count, 3);
			ck_assert_uint_ge(ut->cycles, 3 * 14);
			ck_assert_uint_eq(rd->cycles + ut->cycles, a->cycles[ACCT_USER] + a->cycles[ACCT_KERNEL]);
			ck_assert_uint_eq(rd->split[ACCT_SPLIT_KERNEL], rd->cycles);
		}
		rpl_results_free(&r[0]);
		rpl_results_free(&r[1]);
		cfg_free(c);
	}
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("engine");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, one_page_one_miss);
	tcase_add_test(tc, moved_vcpu_refills_on_its_new_cpu);
	tcase_add_test(tc, native_refill_with_pte_in_l1);
	tcase_add_test(tc, common_loop_counts_and_charges);
	tcase_add_loop_test(tc, refill_loads_pte_from_marked_page, 0, 4);
	tcase_add_test(tc, pt_page_marker_beyond_memory);
	tcase_add_test(tc, disco_costs_from_table);
	tcase_add_test(tc, monitor_paths_on_the_machine);
	tcase_add_test(tc, monitor_paths_references);
	tcase_add_test(tc, kseg0);
	tcase_add_test(tc, lock_spin);
	tcase_add_test(tc, lock_word_moves);
	tcase_add_test(tc, exact_and_bounded);
	tcase_add_test(tc, bad_traces);
	tcase_add_test(tc, io_and_semaphores);
	tcase_add_test(tc, local_and_remote_latency);
	tcase_add_test(tc, page_freed_reclaims);
	tcase_add_test(tc, tlb_write_carries_entry);
	tcase_add_test(tc, reclaimed_page_is_zeroed);
	tcase_add_test(tc, reclaim_keeps_lines_cached);
	tcase_add_test(tc, ktlb_fault_leaves_reclaimed_half);
	tcase_add_test(tc, l2tlb_probe_stops_at_match);
	tcase_add_test(tc, reclaimed_page_filled_by_dma_is_not_zeroed);
	tcase_add_test(tc, interrupt_at_the_disks_time);
	tcase_add_test(tc, reclaim_drops_l2tlb_of_second_vm);
	tcase_add_test(tc, monitor_paths_need_their_memory);
	tcase_add_test(tc, splashos_faults_in_monitor);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN
