/*
 * The machine (machine.h): per-CPU L1 I, L1 D and L2 caches kept coherent by
 * a directory, NUMA nodes with an occupancy model, page miss counters, disks.
 *
 * NOTES ON THE DESIGN
 *
 * Definitions.  A machine page (mpn) is pa >> lg_page; its home node is
 * mpn / pages_per_node (nodes own equal contiguous ranges).  A line is
 * pa >> lg_line, lg_line being log2 of the L2 line (the coherence unit); an L1 line is smaller or equal and
 * lies inside one L2 line (its "sub-lines").  CPU c sits on node
 * c / cpus_per_node.
 *
 * Protocol: MSI between the L2s.  An L2 line is S (clean, maybe shared) or M
 * (modified: the only copy, dirty).  The directory keeps, per memory line, a
 * sharer bitmask and who owns the line in M, if anyone.  Up to 63 CPUs an
 * entry is one word of 16, 32 or 64 bits (the narrowest that holds ncpus + 1
 * bits: a 256 MB machine of 8 CPUs has a 4 MB directory, which the host's
 * caches hold far better than 16 MB); bit ncpus is the "dirty" bit and the
 * owner is then the only sharer.  From 64 to 128 CPUs an entry is two 64-bit
 * words and the owner (cpu + 1, or 0) sits in a separate byte array.  Each
 * line's entry of lost bits (invariant (6)), as wide, follows its directory
 * entry in the same array: a miss to home reads both, from one host cache
 * line.  Replacements are reported to the directory (it is exact, no stale sharers).
 *   - load miss, line M elsewhere: communication miss; the owner writes back
 *     and keeps an S copy; latency = home latency + comm_extra.
 *   - store miss, line M elsewhere: communication miss; the owner's copy is
 *     invalidated (one invalidation sent).
 *   - store miss or store hit on S: every other copy is invalidated (each
 *     counted in invalidations_sent).  A store hit on an S line of our own
 *     L2 (an upgrade) is charged and counted exactly as an L2 miss to the
 *     home node (latency, occupancy, statistics, page counters).
 *   - L2 eviction of an M line: a write-back, not charged (write buffer).
 * The L1s hold no dirty data of their own: a store is performed in L1 D only
 * when the L2 line is M, and the L2 line is then the dirty copy.  So dropping
 * an L1 line never writes anything back.
 *
 * Latency of a reference: L1 hit 0; L1 miss, L2 hit: l2_hit_cycles; L2 miss
 * (or upgrade): queue + (local or remote by home vs the CPU's node; local
 * for every miss when uma) + comm_extra if a communication miss.
 *
 * Occupancy: each node's controller serves one miss at a time, for
 * occupancy_cycles.  A miss arriving at cycle `now` is served in the first
 * free stretch of occupancy_cycles at or after now; its queue is the wait
 * for that stretch.  Per node the model keeps which cycles of the last
 * 2^lg_win are busy (a ring of bits) and `hi`, the end of the latest busy
 * cycle; cycles at or past hi are free.
 *   - In time order this is the plain FCFS queue (busy-until): every busy
 *     stretch then lies before the next arrival's or joins the last one.
 *   - Callers present references out of global time order (CPUs advance in
 *     quanta): a late miss fills a gap in the past, so it waits only behind
 *     work that was there at its own time, never behind a CPU that ran
 *     ahead.  Demand at one time is contention, in whatever order it is
 *     presented.
 *   - The ring remembers 2^lg_win cycles before hi (at least 2^20, and at
 *     least 16 * ncpus * occupancy_cycles up to 2^24: 2 MB a node at most):
 *     a miss older than that waits nothing and is not recorded.
 *
 * Page counters: counters[mpn * nnodes + node of the missing CPU] counts
 * the L2 misses and upgrades memory served (not those another cache
 * served, the three-hop ones); the
 * hot hook runs from to_home when one reaches the trigger, before the new
 * line is installed, so it must not re-enter the machine.
 *
 * Invariants (machine_check verifies (1)-(4) and (6)):
 *   (1) inclusion: a line in an L1 I or D of CPU c is (as a sub-line) in c's L2;
 *   (2) an L2 of CPU c holds line L  <=>  bit c of L's sharer mask is set;
 *   (3) owner_of(L) = c  <=>  c's L2 holds L in M; then L's sharers are {c};
 *   (4) an L1 D line is writable (L1_W)  <=>  its L2 line is M;
 *   (5) a node's ring bit of a cycle in [hi - 2^lg_win, hi) is set iff the
 *       cycle is busy, and hi only grows.
 *   (6) lost bit c of L is set  =>  c's L2 does not hold L: it is set when
 *       another CPU's store invalidates c's copy, cleared when c takes L
 *       again (to_home) or when L is invalidated for another reason (a page
 *       flush).
 *
 * Communication misses (MACH_COMM, misses_comm) are coherence misses in the
 * usual sense (Hennessy and Patterson's fourth C; the paper's 5.4 split of
 * IRIX's kernel stall): a miss whose line another CPU holds modified (it is
 * served from that cache, a three-hop miss costing comm_extra_cycles more),
 * or whose copy in this cache was invalidated by another CPU's store since
 * (served by memory when the writer has written it back meanwhile).  The
 * page counters leave out only the first kind: memory served the second.
 *
 * The hit path.  machine_ref's common case, a hit in the L1 the reference
 * goes to, is machine_ref_inline() in hit.h, compiled into the hottest
 * callers; everything else is machine_ref_miss() here.  hit.h holds the
 * layouts below for that, and only this file touches their fields.
 *
 * Transitions of an L2 line: I->S, I->M (l1_miss, after to_home), S->M
 * (upgrade, in l1_miss), M->S (downgrade by another CPU's load, in to_home),
 * ->I (drop_l2: eviction, invalidate_others, machine_page_flush).
 */
#include "machine/machine.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include "base/mem.h"
#include "machine/cache.h"
#include "machine/hit.h"

static int is_pow2(uint64_t x) { return x && !(x & (x - 1)); }

static int lg2(uint64_t x)
{
	int n = 0;
	while (x > 1) {
		x >>= 1;
		n++;
	}
	return n;
}

/* ---- configuration ---- */

/* ns at mhz, rounded to the nearest cycle; *bad names the first parameter
 * whose value does not fit 32 bits of cycles. */
static uint32_t ns_param(const cfg *c, const char *name, double scale, double mhz, const char **bad)
{
	double cyc = cfg_real(c, name) * scale * mhz / 1000.0;
	if (!(cyc < 4294967295.0)) {
		if (!*bad)
			*bad = name;
		return 0;
	}
	return (uint32_t)llround(cyc);
}

/* Check a filled config: the combinations the parameter ranges cannot. */
int machine_config_check(const struct machine_config *mc, struct sim_err *err)
{
	int rc, nnodes;
	uint64_t npages;

	if (mc->ncpus < 1 || mc->ncpus > 128)
		return sim_errf(err, SIM_EINVAL, "machine.cpus = %d: must be in [1, 128]", mc->ncpus);
	if (mc->cpus_per_node < 1)
		return sim_errf(err, SIM_EINVAL, "machine.cpus_per_node = %d: must be >= 1",
				mc->cpus_per_node);
	if (!(mc->clock_mhz > 0))
		return sim_errf(err, SIM_EINVAL, "machine.clock_mhz must be > 0");
	if (!is_pow2(mc->page_size))
		return sim_errf(err, SIM_EINVAL, "machine.page_size = %u: must be a power of two",
				mc->page_size);
	if ((rc = cache_geom_check(&mc->l1i, "machine.l1i", err)) ||
	    (rc = cache_geom_check(&mc->l1d, "machine.l1d", err)) ||
	    (rc = cache_geom_check(&mc->l2, "machine.l2", err)))
		return rc;
	if (mc->l1i.line > mc->l2.line || mc->l1d.line > mc->l2.line)
		return sim_errf(err, SIM_EINVAL,
				"machine.l1i.line = %u, machine.l1d.line = %u: must not exceed "
				"machine.l2.line = %u (an L1 line lies inside one L2 line)",
				mc->l1i.line, mc->l1d.line, mc->l2.line);
	if (mc->l2.line > mc->page_size)
		return sim_errf(err, SIM_EINVAL,
				"machine.l2.line = %u: must not exceed machine.page_size = %u",
				mc->l2.line, mc->page_size);
	if (mc->tlb_entries < 1 || mc->tlb_wired < 0 || mc->tlb_wired >= mc->tlb_entries)
		return sim_errf(err, SIM_EINVAL,
				"machine.tlb.wired = %d: must be below machine.tlb.entries = %d",
				mc->tlb_wired, mc->tlb_entries);
	nnodes = (mc->ncpus + mc->cpus_per_node - 1) / mc->cpus_per_node;
	if (mc->mem_size % mc->page_size)
		return sim_errf(err, SIM_EINVAL,
				"machine.mem.size = %llu: not a whole number of pages of "
				"machine.page_size = %u",
				(unsigned long long)mc->mem_size, mc->page_size);
	npages = mc->mem_size / mc->page_size;
	if (npages % (uint64_t)nnodes)
		return sim_errf(err, SIM_EINVAL,
				"machine.mem.size = %llu: %llu pages do not split evenly over %d nodes "
				"(machine.cpus = %d / machine.cpus_per_node = %d)",
				(unsigned long long)mc->mem_size, (unsigned long long)npages, nnodes,
				mc->ncpus, mc->cpus_per_node);
	if (mc->ndisks < 0)
		return sim_errf(err, SIM_EINVAL, "machine.disks = %d: must be >= 0", mc->ndisks);
	if (mc->ndisks > 0 && !(mc->disk_bytes_per_cycle > 0))
		return sim_errf(err, SIM_EINVAL, "machine.disk.mb_per_s must be > 0");
	return SIM_OK;
}

int machine_config_from_cfg(const cfg *c, struct machine_config *mc, struct sim_err *err)
{
	double mhz = cfg_real(c, "machine.clock_mhz");
	const char *bad = NULL;

	memset(mc, 0, sizeof *mc);
	mc->ncpus = (int)cfg_int(c, "machine.cpus");
	mc->cpus_per_node = (int)cfg_int(c, "machine.cpus_per_node");
	mc->clock_mhz = mhz;
	mc->mem_size = (uint64_t)cfg_int(c, "machine.mem.size");
	mc->page_size = (uint32_t)cfg_int(c, "machine.page_size");
	mc->tlb_entries = (int)cfg_int(c, "machine.tlb.entries");
	mc->tlb_wired = (int)cfg_int(c, "machine.tlb.wired");
	mc->tlb_seed = (uint64_t)cfg_int(c, "machine.tlb.seed");
	mc->l1i.size = (uint64_t)cfg_int(c, "machine.l1i.size");
	mc->l1i.ways = (uint32_t)cfg_int(c, "machine.l1i.ways");
	mc->l1i.line = (uint32_t)cfg_int(c, "machine.l1i.line");
	mc->l1d.size = (uint64_t)cfg_int(c, "machine.l1d.size");
	mc->l1d.ways = (uint32_t)cfg_int(c, "machine.l1d.ways");
	mc->l1d.line = (uint32_t)cfg_int(c, "machine.l1d.line");
	mc->l2.size = (uint64_t)cfg_int(c, "machine.l2.size");
	mc->l2.ways = (uint32_t)cfg_int(c, "machine.l2.ways");
	mc->l2.line = (uint32_t)cfg_int(c, "machine.l2.line");
	mc->l2_hit_cycles = ns_param(c, "machine.l2.hit_ns", 1, mhz, &bad);
	mc->local_cycles = ns_param(c, "machine.latency.local_ns", 1, mhz, &bad);
	mc->remote_cycles = ns_param(c, "machine.latency.remote_ns", 1, mhz, &bad);
	mc->comm_extra_cycles = ns_param(c, "machine.latency.comm_extra_ns", 1, mhz, &bad);
	mc->occupancy_cycles = ns_param(c, "machine.mem.occupancy_ns", 1, mhz, &bad);
	mc->uma = (int)cfg_int(c, "machine.uma");
	mc->ndisks = (int)cfg_int(c, "machine.disks");
	mc->disk_position_cycles = ns_param(c, "machine.disk.position_us", 1000, mhz, &bad);
	/* MB/s = 10^6 bytes/s; MHz = 10^6 cycles/s */
	mc->disk_bytes_per_cycle = cfg_real(c, "machine.disk.mb_per_s") / mhz;
	if (bad)
		return sim_errf(err, SIM_EINVAL,
				"%s = %s: at machine.clock_mhz = %s that is 2^32 cycles or more",
				bad, cfg_str(c, bad), cfg_str(c, "machine.clock_mhz"));
	return machine_config_check(mc, err);
}

/* ---- creation ---- */

int machine_new(machine **out, const struct machine_config *mc, struct sim_err *err)
{
	machine *m;
	int rc;

	*out = NULL;
	if ((rc = machine_config_check(mc, err)))
		return rc;
	m = sim_calloc(1, sizeof *m);
	if (!m)
		return sim_errf(err, SIM_ENOMEM, "machine: out of memory");
	m->mc = *mc;
	m->ncpus = mc->ncpus;
	m->nnodes = (mc->ncpus + mc->cpus_per_node - 1) / mc->cpus_per_node;
	m->lg_page = lg2(mc->page_size);
	m->lg_line = lg2(mc->l2.line);
	m->lg_lines_per_page = m->lg_page - m->lg_line;
	m->lg_i_sub = m->lg_line - lg2(mc->l1i.line);
	m->lg_d_sub = m->lg_line - lg2(mc->l1d.line);
	m->npages = mc->mem_size >> m->lg_page;
	m->pages_per_node = m->npages / (uint64_t)m->nnodes;
	m->lg_ppn = is_pow2(m->pages_per_node) ? lg2(m->pages_per_node) : -1;
	m->nlines = mc->mem_size >> m->lg_line;
	m->lat_local = mc->local_cycles;
	m->lat_remote = mc->uma ? mc->local_cycles : mc->remote_cycles;
	m->dir_words = m->ncpus < 64 ? 1 : 2;
	m->dir_lg_bytes = m->ncpus < 16 ? 1 : m->ncpus < 32 ? 2 : m->ncpus < 64 ? 3 : 4;
	m->dirty_bit = m->ncpus < 64 ? (uint64_t)1 << m->ncpus : 0;

	m->cpu = sim_calloc((size_t)m->ncpus, sizeof *m->cpu);
	m->dir = sim_calloc((size_t)m->nlines, (size_t)2 << m->dir_lg_bytes);
	m->owner = m->dir_words == 2 ? sim_calloc((size_t)m->nlines, 1) : NULL;
	m->lost = m->dir ? (char *)m->dir + ((size_t)1 << m->dir_lg_bytes) : NULL;
	sim_mem_huge(m->dir, (size_t)m->nlines << (m->dir_lg_bytes + 1));   /* every L2 miss: at random */
	m->lg_win = 20;
	while (m->lg_win < 24 &&
	       ((uint64_t)1 << m->lg_win) < 16 * (uint64_t)m->ncpus * mc->occupancy_cycles)
		m->lg_win++;
	m->busy = sim_calloc((size_t)m->nnodes << (m->lg_win - 6), sizeof *m->busy);
	m->busy_hi = sim_calloc((size_t)m->nnodes, sizeof *m->busy_hi);
	m->counters = sim_calloc((size_t)m->npages * (size_t)m->nnodes, sizeof *m->counters);
	m->disk_busy_until = sim_calloc((size_t)(mc->ndisks ? mc->ndisks : 1),
					sizeof *m->disk_busy_until);
	if (!m->cpu || !m->dir || (m->dir_words == 2 && !m->owner) || !m->lost || !m->busy || !m->busy_hi ||
	    !m->counters || !m->disk_busy_until) {
		machine_free(m);
		return sim_errf(err, SIM_ENOMEM, "machine: out of memory for %llu pages, %d CPUs",
				(unsigned long long)(mc->mem_size / mc->page_size), mc->ncpus);
	}
	for (int i = 0; i < m->ncpus; i++) {
		struct cpu *c = &m->cpu[i];
		c->node = i / mc->cpus_per_node;
		if ((rc = cache_init(&c->l1i, &mc->l1i, err)) ||
		    (rc = cache_init(&c->l1d, &mc->l1d, err)) ||
		    (rc = cache_init(&c->l2, &mc->l2, err)) ||
		    (rc = tlb_new(&c->tlb, mc->tlb_entries, mc->tlb_wired,
				  mc->tlb_seed + (uint64_t)i, err))) {
			machine_free(m);
			sim_err_prefix(err, "machine: CPU %d", i);
			return rc;
		}
	}
	*out = m;
	return SIM_OK;
}

void machine_free(machine *m)
{
	if (!m)
		return;
	if (m->cpu) {
		for (int i = 0; i < m->ncpus; i++) {
			cache_fini(&m->cpu[i].l1i);
			cache_fini(&m->cpu[i].l1d);
			cache_fini(&m->cpu[i].l2);
			tlb_free(m->cpu[i].tlb);
		}
	}
	sim_free(m->cpu);
	sim_free(m->dir);   /* and the lost entries, which lie in it */
	sim_free(m->owner);
	sim_free(m->busy);
	sim_free(m->busy_hi);
	sim_free(m->counters);
	sim_free(m->disk_busy_until);
	sim_free(m);
}

const struct machine_config *machine_cfg(const machine *m) { return &m->mc; }
int machine_nnodes(const machine *m) { return m->nnodes; }
int machine_cpu_node(const machine *m, int cpu) { return m->cpu[cpu].node; }
uint64_t machine_npages(const machine *m) { return m->npages; }
/* A page's node: a shift when nodes hold a power of two of pages (every
 * preset), not a division per miss. */
static inline int page_node(const machine *m, uint64_t mpn)
{
	return (int)(m->lg_ppn >= 0 ? mpn >> m->lg_ppn : mpn / m->pages_per_node);
}

int machine_page_node(const machine *m, uint64_t mpn) { return page_node(m, mpn); }
uint64_t machine_node_first_page(const machine *m, int node) { return (uint64_t)node * m->pages_per_node; }
uint64_t machine_pages_per_node(const machine *m) { return m->pages_per_node; }
struct tlb *machine_tlb(machine *m, int cpu) { return m->cpu[cpu].tlb; }
const struct machine_cpu_stats *machine_cpu_stats(const machine *m, int cpu) { return &m->cpu[cpu].st; }

/* ---- directory helpers ---- */

/* Word w (0 or 1) of line's entry in a = m->dir (the sharers, dirty bit
 * included) or m->lost: the pairs interleave them, so an entry's stride is
 * two entries (hit.h). */
static inline uint64_t ent_get(const machine *m, const void *a, uint64_t line, int w)
{
	switch (m->dir_lg_bytes) {
	case 1: return ((const uint16_t *)a)[2 * line];
	case 2: return ((const uint32_t *)a)[2 * line];
	case 3: return ((const uint64_t *)a)[2 * line];
	default: return ((const uint64_t *)a)[4 * line + (uint64_t)w];
	}
}

static inline void ent_put(const machine *m, void *a, uint64_t line, int w, uint64_t v)
{
	switch (m->dir_lg_bytes) {
	case 1: ((uint16_t *)a)[2 * line] = (uint16_t)v; break;
	case 2: ((uint32_t *)a)[2 * line] = (uint32_t)v; break;
	case 3: ((uint64_t *)a)[2 * line] = v; break;
	default: ((uint64_t *)a)[4 * line + (uint64_t)w] = v; break;
	}
}

static inline uint64_t dir_get(const machine *m, uint64_t line, int w) { return ent_get(m, m->dir, line, w); }
static inline void dir_put(machine *m, uint64_t line, int w, uint64_t v) { ent_put(m, m->dir, line, w, v); }

/* Whether cpu's copy of line was invalidated by another CPU's store since
 * it last held the line; and clearing or setting that. */
static inline int lost_test(const machine *m, uint64_t line, int cpu)
{
	return (int)(ent_get(m, m->lost, line, cpu >> 6) >> (cpu & 63) & 1);
}

static inline void lost_mark(machine *m, uint64_t line, int cpu, int on)
{
	uint64_t v = ent_get(m, m->lost, line, cpu >> 6), bit = (uint64_t)1 << (cpu & 63);
	ent_put(m, m->lost, line, cpu >> 6, on ? v | bit : v & ~bit);
}

/* The sharers in word w, without the dirty bit. */
static inline uint64_t sharers_word(const machine *m, uint64_t line, int w)
{
	return dir_get(m, line, w) & ~m->dirty_bit;
}

static inline void sharer_set(machine *m, uint64_t line, int cpu)
{
	dir_put(m, line, cpu >> 6, dir_get(m, line, cpu >> 6) | (uint64_t)1 << (cpu & 63));
}

static inline void sharer_clear(machine *m, uint64_t line, int cpu)
{
	dir_put(m, line, cpu >> 6, dir_get(m, line, cpu >> 6) & ~((uint64_t)1 << (cpu & 63)));
}

/* The CPU holding line in M, or -1. */
static inline int owner_of(const machine *m, uint64_t line)
{
	uint64_t v;
	if (m->owner)
		return (int)m->owner[line] - 1;
	v = dir_get(m, line, 0);
	return v & m->dirty_bit ? __builtin_ctzll(v & ~m->dirty_bit) : -1;
}

/* Mark line M at cpu (the caller makes cpu the only sharer) or clean (cpu -1). */
static inline void set_owner(machine *m, uint64_t line, int cpu)
{
	if (m->owner)
		m->owner[line] = (uint8_t)(cpu + 1);
	else if (cpu >= 0)
		dir_put(m, line, 0, dir_get(m, line, 0) | m->dirty_bit);
	else
		dir_put(m, line, 0, dir_get(m, line, 0) & ~m->dirty_bit);
}

/* Drop the L1 sub-lines of L2 line `line` from CPU c's L1s (keeps (1)). */
static void drop_l1s(machine *m, struct cpu *c, uint64_t line)
{
	uint64_t first = line << m->lg_i_sub;
	for (uint64_t k = 0; k < (1u << m->lg_i_sub); k++) {
		int64_t s = cache_find(&c->l1i, first + k);
		if (s >= 0)
			cache_drop(&c->l1i, s);
	}
	first = line << m->lg_d_sub;
	for (uint64_t k = 0; k < (1u << m->lg_d_sub); k++) {
		int64_t s = cache_find(&c->l1d, first + k);
		if (s >= 0)
			cache_drop(&c->l1d, s);
	}
}

/* Set or clear L1_W on c's L1 D sub-lines of `line` (keeps (4)). */
static void set_l1_writable(machine *m, struct cpu *c, uint64_t line, int w)
{
	uint64_t first = line << m->lg_d_sub;
	for (uint64_t k = 0; k < (1u << m->lg_d_sub); k++) {
		int64_t s = cache_find(&c->l1d, first + k);
		if (s >= 0)
			c->l1d.state[s] = (uint8_t)(w ? L1_V | L1_W : L1_V);
	}
}

/* Remove `line` from CPU ci's L2 at slot s (and its L1s); update the
 * directory (keeps (1)-(3)).  A dirty line is written back: not charged. */
static void drop_l2(machine *m, int ci, int64_t s, uint64_t line)
{
	struct cpu *c = &m->cpu[ci];
	drop_l1s(m, c, line);
	if (c->l2.state[s] == L2_M)
		set_owner(m, line, -1);
	cache_drop(&c->l2, s);
	sharer_clear(m, line, ci);
}

/* Invalidate every copy of line except CPU `keep`'s (-1: all, not a CPU's
 * store: the line's coherence history is forgotten too); returns how many. */
static uint32_t invalidate_others(machine *m, uint64_t line, int keep)
{
	uint32_t n = 0;
	if (keep < 0)
		for (int w = 0; w < m->dir_words; w++)
			ent_put(m, m->lost, line, w, 0);
	for (int w = 0; w < m->dir_words; w++) {
		uint64_t bits = sharers_word(m, line, w);
		while (bits) {
			int ci = w * 64 + __builtin_ctzll(bits);
			bits &= bits - 1;
			if (ci == keep)
				continue;
			int64_t s = cache_find(&m->cpu[ci].l2, line);
			drop_l2(m, ci, s, line);
			if (keep >= 0)
				lost_mark(m, line, ci, 1);   /* keeps (6) */
			n++;
		}
	}
	return n;
}

/* The first cycle in [from, to) whose ring bit equals `set`, or `to`. */
static uint64_t ring_scan(const uint64_t *ring, uint64_t mask, uint64_t from, uint64_t to, int set)
{
	while (from < to) {
		uint64_t w = ring[(from & mask) >> 6], off = from & 63;
		w = (set ? w : ~w) >> off;
		if (w) {
			uint64_t at = from + (uint64_t)__builtin_ctzll(w);
			return at < to ? at : to;
		}
		from += 64 - off;
	}
	return to;
}

/* Set or clear the bits [off, off + n) of one ring word (0 < n <= 64 - off). */
static inline void ring_bits(uint64_t *w, uint64_t off, uint64_t n, int set)
{
	uint64_t bits = (n == 64 ? ~0ull : ((1ull << n) - 1)) << off;
	*w = set ? *w | bits : *w & ~bits;
}

/* Set (set = 1) or clear the ring bits of cycles [from, to): a partial
 * word at each end, whole words between (the clearing of a long quiet
 * stretch as the window moves on is most of them).  Inline, a stretch
 * within one word first: a miss's own occupancy mostly is. */
static inline void ring_fill(uint64_t *ring, uint64_t mask, uint64_t from, uint64_t to, int set)
{
	uint64_t off = from & 63;
	if (from >= to)
		return;
	if (from >> 6 == (to - 1) >> 6) {
		ring_bits(&ring[(from & mask) >> 6], off, to - from, set);
		return;
	}
	if (off) {
		uint64_t n = to - from < 64 - off ? to - from : 64 - off;
		ring_bits(&ring[(from & mask) >> 6], off, n, set);
		from += n;
	}
	for (; to - from >= 64; from += 64)
		ring[(from & mask) >> 6] = set ? ~0ull : 0;
	if (from < to)
		ring_bits(&ring[(from & mask) >> 6], 0, to - from, set);
}

/* The node controller's queue (see NOTES: occupancy); returns queue cycles. */
static uint64_t occupy(machine *m, int node, uint64_t now)
{
	uint64_t occ = m->mc.occupancy_cycles, win = (uint64_t)1 << m->lg_win, mask = win - 1;
	uint64_t *ring = &m->busy[(size_t)node << (m->lg_win - 6)], *hi = &m->busy_hi[node];
	uint64_t t = now, end;

	if (!occ)
		return 0;
	if (*hi > win && now < *hi - win)
		return 0;   /* older than the ring remembers */
	for (;;) {   /* the first free stretch of occ cycles at or after now */
		uint64_t lim = t + occ < *hi ? t + occ : *hi, b;
		if (t >= *hi || (b = ring_scan(ring, mask, t, lim, 1)) == lim)
			break;
		t = ring_scan(ring, mask, b, *hi, 0);
	}
	end = t + occ;
	if (end > *hi) {
		/* the cycles past hi come into the window: clear them (keeps
		 * (5)), but for those from t on, which are set next */
		uint64_t from = *hi + win < end ? end - win : *hi;
		ring_fill(ring, mask, from, t < end ? t : end, 0);
		*hi = end;
	}
	ring_fill(ring, mask, t, end, 1);
	return t - now;
}

/* A reference that reaches the home directory: an L2 miss or an upgrade.
 * Does the coherence actions, the occupancy, the counters and statistics;
 * returns the stall and sets *where. */
static uint32_t to_home(machine *m, int ci, uint64_t line, int store, uint64_t now, unsigned *where)
{
	struct cpu *c = &m->cpu[ci];
	uint64_t mpn = line >> m->lg_lines_per_page;
	int home = m->nnodes == 1 ? 0 : page_node(m, mpn);
	int o = owner_of(m, line);
	int comm = o >= 0 && o != ci;
	int local = m->mc.uma || home == c->node;
	/* a coherence miss: the line left this cache because another CPU
	 * wrote it (an upgrade is not: the line is still here) */
	int coher = comm || lost_test(m, line, ci);
	uint64_t q, stall;

	if (comm && !store) {
		/* downgrade the owner: M -> S, it keeps a copy */
		struct cpu *oc = &m->cpu[o];
		int64_t s = cache_find(&oc->l2, line);
		oc->l2.state[s] = L2_S;
		oc->st.l2_writebacks++;
		set_l1_writable(m, oc, line, 0);
		set_owner(m, line, -1);
	}
	if (store) {
		c->st.invalidations_sent += invalidate_others(m, line, ci);
		set_owner(m, line, ci);
	}
	sharer_set(m, line, ci);
	lost_mark(m, line, ci, 0);

	q = occupy(m, home, now);
	stall = q + (local ? m->lat_local : m->lat_remote) + (comm ? m->mc.comm_extra_cycles : 0);
	c->st.l2_misses++;
	c->st.queue_cycles += q;
	if (local) {
		c->st.misses_local++;
		c->st.stall_local_cycles += stall;
	} else {
		c->st.misses_remote++;
		c->st.stall_remote_cycles += stall;
	}
	if (coher)
		c->st.misses_comm++;
	if (!comm) {
		uint32_t *ctr = &m->counters[mpn * (uint64_t)m->nnodes + (uint64_t)c->node];
		if (*ctr != UINT32_MAX && ++*ctr == m->trigger && m->hook)
			m->hook(m->hook_ctx, mpn, c->node);
	}
	*where = (local ? MACH_LOCAL : MACH_REMOTE) | (coher ? MACH_COMM : 0);
	return (uint32_t)(stall > UINT32_MAX ? UINT32_MAX : stall);
}

/* Put the L1 line of pa in the L1 of kind (it is not there). */
static inline void fill_l1(struct cpu *c, uint64_t pa, int kind, int writable)
{
	struct cache *l1 = kind == MACH_IFETCH ? &c->l1i : &c->l1d;
	uint64_t l = pa >> l1->lg_line;
	int64_t s = cache_victim(l1, l);
	cache_install(l1, s, l, (uint8_t)(writable ? L1_V | L1_W : L1_V));
}

/* An L1 miss, or a store to a non-writable L1 D line (l1slot >= 0).
 * Inline in machine_ref_miss, its one caller. */
static inline __attribute__((always_inline)) uint32_t l1_miss(machine *m, int ci, uint64_t pa, int kind,
							      int64_t l1slot, uint64_t now, unsigned *where)
{
	struct cpu *c = &m->cpu[ci];
	uint64_t line = pa >> m->lg_line;
	int64_t s = cache_find(&c->l2, line);
	int store = kind == MACH_STORE;
	uint32_t stall;

	c->st.l2_refs[kind]++;
	if (s >= 0) {
		cache_touch(&c->l2, s);
		if (!store || c->l2.state[s] == L2_M) {
			/* l1slot >= 0 only for a store to a non-writable L1 line, whose
			 * L2 line is then S by (4): not this branch */
			fill_l1(c, pa, kind, c->l2.state[s] == L2_M);
			c->st.stall_l2_cycles += m->mc.l2_hit_cycles;
			*where = MACH_L2;
			return m->mc.l2_hit_cycles;
		}
		/* upgrade S -> M */
		c->st.l2_kind_misses[MACH_STORE]++;
		c->st.l2_upgrades++;
		stall = to_home(m, ci, line, 1, now, where);
		c->l2.state[s] = L2_M;
		set_l1_writable(m, c, line, 1);
		if (l1slot < 0)
			fill_l1(c, pa, kind, 1);
		else
			cache_touch(&c->l1d, l1slot);
		return stall;
	}
	/* L2 miss: make room, then fetch */
	c->st.l2_kind_misses[kind]++;
	s = cache_victim(&c->l2, line);
	/* the host's caches: the new line's directory pair and page counter,
	 * and the victim's pair, asked for at once, not one after the other */
	__builtin_prefetch((const char *)m->dir + (line << (m->dir_lg_bytes + 1)));
	__builtin_prefetch(&m->counters[(line >> m->lg_lines_per_page) * (uint64_t)m->nnodes]);
	if (c->l2.tag[s] != CACHE_NONE)
		__builtin_prefetch((const char *)m->dir + (c->l2.tag[s] << (m->dir_lg_bytes + 1)));
	if (c->l2.tag[s] != CACHE_NONE) {
		c->st.l2_writebacks += c->l2.state[s] == L2_M;
		drop_l2(m, ci, s, c->l2.tag[s]);
	}
	stall = to_home(m, ci, line, store, now, where);
	cache_install(&c->l2, s, line, store ? L2_M : L2_S);
	fill_l1(c, pa, kind, store);
	return stall;
}

/* machine_ref_inline's other half (hit.h): an L1 miss (l1slot -1), or a
 * store to the L1 D line at l1slot, held but not writable (an upgrade). */
uint32_t machine_ref_miss(machine *m, int cpu, uint64_t pa, int kind, int64_t l1slot, uint64_t now,
			  unsigned *where)
{
	struct cpu *c = &m->cpu[cpu];

	assert(cpu >= 0 && cpu < m->ncpus && pa < m->mc.mem_size);
	if (kind == MACH_IFETCH) {
		c->st.refs_ifetch++;
		c->st.l1i_misses++;
		l1slot = -1;
	} else if (kind == MACH_LOAD) {
		c->st.refs_load++;
		c->st.l1d_misses++;
		l1slot = -1;
	} else {
		c->st.refs_store++;
		if (l1slot < 0) {   /* else an upgrade: the line is there */
			c->st.l1d_store_misses++;
			c->st.l1d_misses++;
		}
	}
	return l1_miss(m, cpu, pa, kind, l1slot, now, where);   /* one call: inline */
}

uint32_t machine_ref(machine *m, int cpu, uint64_t pa, int kind, uint64_t now, unsigned *where)
{
	assert(cpu >= 0 && cpu < m->ncpus && pa < m->mc.mem_size);
	return machine_ref_inline(m, cpu, pa, kind, now, where);
}

/* ---- counters, flush, disks ---- */

void machine_set_hot_hook(machine *m, uint32_t trigger, machine_hot_hook hook, void *ctx)
{
	m->trigger = trigger;
	m->hook = trigger ? hook : NULL;
	m->hook_ctx = ctx;
}

const uint32_t *machine_page_counters(const machine *m, uint64_t mpn)
{
	return m->counters + mpn * (uint64_t)m->nnodes;
}

void machine_counters_reset(machine *m)
{
	memset(m->counters, 0, (size_t)m->npages * (size_t)m->nnodes * sizeof *m->counters);
}

void machine_page_counters_clear(machine *m, uint64_t mpn)
{
	memset(m->counters + mpn * (uint64_t)m->nnodes, 0, (size_t)m->nnodes * sizeof *m->counters);
}

void machine_page_flush(machine *m, uint64_t mpn)
{
	uint64_t first = mpn << m->lg_lines_per_page;
	for (uint64_t k = 0; k < ((uint64_t)1 << m->lg_lines_per_page); k++) {
		int o = owner_of(m, first + k);
		if (o >= 0)
			m->cpu[o].st.l2_writebacks++;
		invalidate_others(m, first + k, -1);
	}
}

void machine_stats_reset(machine *m)
{
	for (int c = 0; c < m->ncpus; c++)
		memset(&m->cpu[c].st, 0, sizeof m->cpu[c].st);
}

void machine_cache_stats(const machine *m, int cpu, struct machine_level_stats out[MACH_NLEVELS])
{
	const struct machine_cpu_stats *st = &m->cpu[cpu].st;
	struct machine_level_stats *i = &out[MACH_LEVEL_L1I], *d = &out[MACH_LEVEL_L1D];
	struct machine_level_stats *l2 = &out[MACH_LEVEL_L2];

	memset(out, 0, MACH_NLEVELS * sizeof *out);
	i->access[MACH_IFETCH] = st->refs_ifetch;
	i->miss[MACH_IFETCH] = st->l1i_misses;
	i->bytes_from_mem = st->l1i_misses * m->mc.l1i.line;
	d->access[MACH_LOAD] = st->refs_load;
	d->access[MACH_STORE] = st->refs_store;
	d->miss[MACH_LOAD] = st->l1d_misses - st->l1d_store_misses;
	d->miss[MACH_STORE] = st->l1d_store_misses;
	d->bytes_from_mem = st->l1d_misses * m->mc.l1d.line;
	for (int k = 0; k < 3; k++) {
		l2->access[k] = st->l2_refs[k];
		l2->miss[k] = st->l2_kind_misses[k];
	}
	l2->writebacks = st->l2_writebacks;
	l2->bytes_from_mem = (st->l2_misses - st->l2_upgrades) * m->mc.l2.line;
	l2->bytes_to_mem = st->l2_writebacks * m->mc.l2.line;
}

uint64_t machine_disk_request(machine *m, int disk, uint64_t sector, uint64_t nbytes, uint64_t now)
{
	assert(disk >= 0 && disk < m->mc.ndisks);
	uint64_t start = now > m->disk_busy_until[disk] ? now : m->disk_busy_until[disk];
	uint64_t xfer = (uint64_t)ceil((double)nbytes / m->mc.disk_bytes_per_cycle);
	m->disk_busy_until[disk] = start + m->mc.disk_position_cycles + xfer;
	return m->disk_busy_until[disk];
}

/* ---- invariants ---- */

int machine_check(const machine *mm, struct sim_err *err)
{
	machine *m = (machine *)mm;
	for (int ci = 0; ci < m->ncpus; ci++) {
		struct cpu *c = &m->cpu[ci];
		uint64_t n2 = cache_nslots(&c->l2);
		for (uint64_t s = 0; s < n2; s++) {
			uint64_t line = c->l2.tag[s];
			if (line == CACHE_NONE)
				continue;
			if (!(sharers_word(m, line, ci >> 6) >> (ci & 63) & 1))
				return sim_errf(err, SIM_EINTERNAL, "machine_check: (2) cpu %d line %llu", ci,
						(unsigned long long)line);
			if ((c->l2.state[s] == L2_M) != (owner_of(m, line) == ci))
				return sim_errf(err, SIM_EINTERNAL, "machine_check: (3) cpu %d line %llu", ci,
						(unsigned long long)line);
		}
		for (int k = 0; k < 2; k++) {
			struct cache *l1 = k ? &c->l1d : &c->l1i;
			int sub = k ? m->lg_d_sub : m->lg_i_sub;
			uint64_t n1 = cache_nslots(l1);
			for (uint64_t s = 0; s < n1; s++) {
				int64_t s2;
				if (l1->tag[s] == CACHE_NONE)
					continue;
				s2 = cache_find(&c->l2, l1->tag[s] >> sub);
				if (s2 < 0)
					return sim_errf(err, SIM_EINTERNAL, "machine_check: (1) cpu %d", ci);
				if (k && !!(l1->state[s] & L1_W) != (c->l2.state[s2] == L2_M))
					return sim_errf(err, SIM_EINTERNAL, "machine_check: (4) cpu %d", ci);
			}
		}
	}
	for (uint64_t line = 0; line < m->nlines; line++) {
		int cnt = 0;
		for (int w = 0; w < m->dir_words; w++) {
			uint64_t bits = sharers_word(m, line, w);
			cnt += __builtin_popcountll(bits);
			while (bits) {
				int ci = w * 64 + __builtin_ctzll(bits);
				bits &= bits - 1;
				if (ci >= m->ncpus || cache_find(&m->cpu[ci].l2, line) < 0)
					return sim_errf(err, SIM_EINTERNAL, "machine_check: (2) line %llu cpu %d",
							(unsigned long long)line, ci);
			}
		}
		if (owner_of(m, line) >= 0 && cnt != 1)
			return sim_errf(err, SIM_EINTERNAL, "machine_check: (3) line %llu has %d sharers",
					(unsigned long long)line, cnt);
		for (int w = 0; w < m->dir_words; w++)
			if (ent_get(m, m->lost, line, w) & sharers_word(m, line, w))
				return sim_errf(err, SIM_EINTERNAL, "machine_check: (6) line %llu",
						(unsigned long long)line);
	}
	return SIM_OK;
}
