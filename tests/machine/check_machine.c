/* The machine: caches + directory + NUMA memory against a brute-force
 * reference that tracks every cache's contents and derives the directory by
 * looking into every L2; hand-computed latencies; counters; flush; disks;
 * configuration errors. */
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/params.h"
#include "machine/hit.h"
#include "machine/machine.h"
#include "machine/params.h"
#include "tests/testlib.h"

/* ---- reference: lists, MRU first, scanned ---- */
struct rc {                     /* one cache */
	int sets, ways, lg_line;
	uint64_t *line;             /* [sets][ways] */
	int *st;                    /* [sets][ways]: L2: 1 S, 2 M */
	int *n;                     /* [sets] */
};

struct ref {
	struct machine_config mc;
	int ncpus, nnodes, lg_page, lg_line;
	uint64_t ppn;               /* pages per node */
	struct rc *l1i, *l1d, *l2;  /* [ncpus] */
	/* occupancy, as machine.c's NOTES say, kept naively: per node the busy
	 * stretches [start, start + occupancy) in a list, and the latest end */
	uint64_t win;
	uint64_t **busy;            /* [nnodes][nbusy[n]] starts */
	uint64_t *nbusy, *cap, *hi;
	uint32_t *ctr;              /* [npages][nnodes] */
	uint8_t *lost;              /* [nlines][ncpus]: 1 when another CPU's store took the line */
	struct machine_cpu_stats *st;
};

static int lg(uint64_t x)
{
	int n = 0;
	while (x > 1) {
		x >>= 1;
		n++;
	}
	return n;
}

static void rc_init(struct rc *c, const struct cache_geom *g)
{
	c->ways = (int)g->ways;
	c->sets = (int)(g->size / (g->ways * g->line));
	c->lg_line = lg(g->line);
	c->line = calloc((size_t)(c->sets * c->ways), sizeof *c->line);
	c->st = calloc((size_t)(c->sets * c->ways), sizeof *c->st);
	c->n = calloc((size_t)c->sets, sizeof *c->n);
}

static void rc_fini(struct rc *c)
{
	free(c->line);
	free(c->st);
	free(c->n);
}

/* index within its set's list, or -1 */
static int rc_find(struct rc *c, uint64_t l)
{
	int s = (int)(l % (uint64_t)c->sets);
	for (int i = 0; i < c->n[s]; i++)
		if (c->line[s * c->ways + i] == l)
			return i;
	return -1;
}

static int *rc_state(struct rc *c, uint64_t l)
{
	int i = rc_find(c, l), s = (int)(l % (uint64_t)c->sets);
	return i < 0 ? NULL : &c->st[s * c->ways + i];
}

static void rc_remove(struct rc *c, uint64_t l)
{
	int s = (int)(l % (uint64_t)c->sets), i = rc_find(c, l), b = s * c->ways;
	if (i < 0)
		return;
	memmove(c->line + b + i, c->line + b + i + 1, (size_t)(c->n[s] - i - 1) * sizeof *c->line);
	memmove(c->st + b + i, c->st + b + i + 1, (size_t)(c->n[s] - i - 1) * sizeof *c->st);
	c->n[s]--;
}

/* move to front (present) */
static void rc_touch(struct rc *c, uint64_t l)
{
	int *p = rc_state(c, l), st = *p, s = (int)(l % (uint64_t)c->sets), b = s * c->ways;
	rc_remove(c, l);
	memmove(c->line + b + 1, c->line + b, (size_t)c->n[s] * sizeof *c->line);
	memmove(c->st + b + 1, c->st + b, (size_t)c->n[s] * sizeof *c->st);
	c->line[b] = l;
	c->st[b] = st;
	c->n[s]++;
}

/* insert at front (absent, set not full) */
static void rc_insert(struct rc *c, uint64_t l, int st)
{
	int s = (int)(l % (uint64_t)c->sets), b = s * c->ways;
	memmove(c->line + b + 1, c->line + b, (size_t)c->n[s] * sizeof *c->line);
	memmove(c->st + b + 1, c->st + b, (size_t)c->n[s] * sizeof *c->st);
	c->line[b] = l;
	c->st[b] = st;
	c->n[s]++;
}

/* the LRU line if the set of l is full, else UINT64_MAX */
static uint64_t rc_lru_if_full(struct rc *c, uint64_t l)
{
	int s = (int)(l % (uint64_t)c->sets);
	return c->n[s] == c->ways ? c->line[s * c->ways + c->ways - 1] : UINT64_MAX;
}

static void ref_init(struct ref *r, const struct machine_config *mc)
{
	memset(r, 0, sizeof *r);
	r->mc = *mc;
	r->ncpus = mc->ncpus;
	r->nnodes = (mc->ncpus + mc->cpus_per_node - 1) / mc->cpus_per_node;
	r->lg_page = lg(mc->page_size);
	r->lg_line = lg(mc->l2.line);
	r->ppn = mc->mem_size / mc->page_size / (uint64_t)r->nnodes;
	r->l1i = calloc((size_t)r->ncpus, sizeof *r->l1i);
	r->l1d = calloc((size_t)r->ncpus, sizeof *r->l1d);
	r->l2 = calloc((size_t)r->ncpus, sizeof *r->l2);
	for (int i = 0; i < r->ncpus; i++) {
		rc_init(&r->l1i[i], &mc->l1i);
		rc_init(&r->l1d[i], &mc->l1d);
		rc_init(&r->l2[i], &mc->l2);
	}
	r->win = 1ull << 20;
	while (r->win < (1ull << 24) && r->win < 16ull * (uint64_t)mc->ncpus * mc->occupancy_cycles)
		r->win *= 2;
	r->busy = calloc((size_t)r->nnodes, sizeof *r->busy);
	r->nbusy = calloc((size_t)r->nnodes, sizeof *r->nbusy);
	r->cap = calloc((size_t)r->nnodes, sizeof *r->cap);
	r->hi = calloc((size_t)r->nnodes, sizeof *r->hi);
	r->ctr = calloc((size_t)(mc->mem_size / mc->page_size) * (size_t)r->nnodes, sizeof *r->ctr);
	r->st = calloc((size_t)r->ncpus, sizeof *r->st);
	r->lost = calloc((size_t)(mc->mem_size >> r->lg_line) * (size_t)r->ncpus, 1);
}

static void ref_fini(struct ref *r)
{
	for (int i = 0; i < r->ncpus; i++) {
		rc_fini(&r->l1i[i]);
		rc_fini(&r->l1d[i]);
		rc_fini(&r->l2[i]);
	}
	free(r->l1i);
	free(r->l1d);
	free(r->l2);
	for (int n = 0; n < r->nnodes; n++)
		free(r->busy[n]);
	free(r->busy);
	free(r->nbusy);
	free(r->cap);
	free(r->hi);
	free(r->ctr);
	free(r->lost);
	free(r->st);
}

/* remove L2 line L of cpu and every L1 line inside it */
static void ref_evict(struct ref *r, int cpu, uint64_t L)
{
	for (int k = 0; k < 2; k++) {
		struct rc *c = k ? &r->l1d[cpu] : &r->l1i[cpu];
		int sh = r->lg_line - c->lg_line;
		for (uint64_t j = 0; j < (1u << sh); j++)
			rc_remove(c, (L << sh) + j);
	}
	rc_remove(&r->l2[cpu], L);
}

static void ref_fill_l1(struct ref *r, int cpu, uint64_t pa, int kind)
{
	struct rc *c = kind == MACH_IFETCH ? &r->l1i[cpu] : &r->l1d[cpu];
	uint64_t l = pa >> c->lg_line, v = rc_lru_if_full(c, l);
	if (v != UINT64_MAX)
		rc_remove(c, v);
	rc_insert(c, l, 1);
}

/* The first free stretch of occupancy cycles at or after now, by trying
 * every busy stretch; stretches that ended before the window are forgotten. */
static uint64_t ref_occupy(struct ref *r, int home, uint64_t now)
{
	uint64_t occ = r->mc.occupancy_cycles, t = now, k = 0;
	uint64_t *b = r->busy[home], *n = &r->nbusy[home];
	int moved = 1;
	if (!occ || (r->hi[home] > r->win && now < r->hi[home] - r->win))
		return 0;
	while (moved) {
		moved = 0;
		for (uint64_t i = 0; i < *n; i++)
			if (b[i] < t + occ && t < b[i] + occ) {
				t = b[i] + occ;
				moved = 1;
			}
	}
	if (t + occ > r->hi[home])
		r->hi[home] = t + occ;
	for (uint64_t i = 0; i < *n; i++)   /* forget what the window lost */
		if (b[i] + occ + r->win > r->hi[home])
			b[k++] = b[i];
	*n = k;
	if (*n == r->cap[home]) {
		r->cap[home] = r->cap[home] ? 2 * r->cap[home] : 64;
		r->busy[home] = b = realloc(b, r->cap[home] * sizeof *b);
	}
	b[(*n)++] = t;
	return t - now;
}

static uint32_t ref_home(struct ref *r, int cpu, uint64_t L, int store, uint64_t now, unsigned *where)
{
	uint64_t mpn = L >> (r->lg_page - r->lg_line), q, stall;
	int home = (int)(mpn / r->ppn), node = cpu / r->mc.cpus_per_node, owner = -1, local, comm, coher;
	struct machine_cpu_stats *st = &r->st[cpu];
	for (int o = 0; o < r->ncpus; o++) {
		int *s = rc_state(&r->l2[o], L);
		if (o != cpu && s && *s == 2)
			owner = o;
	}
	comm = owner >= 0;
	coher = comm || r->lost[L * (uint64_t)r->ncpus + (uint64_t)cpu];
	r->lost[L * (uint64_t)r->ncpus + (uint64_t)cpu] = 0;
	if (comm && !store) {
		*rc_state(&r->l2[owner], L) = 1;
		r->st[owner].l2_writebacks++;   /* the owner writes the line back */
	}
	if (store)
		for (int o = 0; o < r->ncpus; o++)
			if (o != cpu && rc_find(&r->l2[o], L) >= 0) {
				ref_evict(r, o, L);
				r->lost[L * (uint64_t)r->ncpus + (uint64_t)o] = 1;
				st->invalidations_sent++;
			}
	local = r->mc.uma || home == node;
	q = ref_occupy(r, home, now);
	stall = q + (local ? r->mc.local_cycles : r->mc.remote_cycles) +
		(comm ? r->mc.comm_extra_cycles : 0);
	st->l2_misses++;
	st->queue_cycles += q;
	if (local) {
		st->misses_local++;
		st->stall_local_cycles += stall;
	} else {
		st->misses_remote++;
		st->stall_remote_cycles += stall;
	}
	if (coher)
		st->misses_comm++;
	if (!comm)
		r->ctr[mpn * (uint64_t)r->nnodes + (uint64_t)node]++;
	*where = (local ? MACH_LOCAL : MACH_REMOTE) | (coher ? MACH_COMM : 0);
	return (uint32_t)stall;
}

static uint32_t ref_ref(struct ref *r, int cpu, uint64_t pa, int kind, uint64_t now, unsigned *where)
{
	struct machine_cpu_stats *st = &r->st[cpu];
	struct rc *l1 = kind == MACH_IFETCH ? &r->l1i[cpu] : &r->l1d[cpu], *l2 = &r->l2[cpu];
	uint64_t l = pa >> l1->lg_line, L = pa >> r->lg_line;
	int in1 = rc_find(l1, l) >= 0, *s2 = rc_state(l2, L), store = kind == MACH_STORE;
	uint32_t stall;

	if (kind == MACH_IFETCH)
		st->refs_ifetch++;
	else if (kind == MACH_LOAD)
		st->refs_load++;
	else
		st->refs_store++;
	if (in1 && (!store || *s2 == 2)) {
		rc_touch(l1, l);
		*where = MACH_L1;
		return 0;
	}
	if (!in1) {
		if (kind == MACH_IFETCH)
			st->l1i_misses++;
		else
			st->l1d_misses++;
		if (store)
			st->l1d_store_misses++;
	}
	st->l2_refs[kind]++;
	if (s2 && (!store || *s2 == 2)) {
		rc_touch(l2, L);
		ref_fill_l1(r, cpu, pa, kind);
		st->stall_l2_cycles += r->mc.l2_hit_cycles;
		*where = MACH_L2;
		return r->mc.l2_hit_cycles;
	}
	st->l2_kind_misses[kind]++;
	if (s2) {   /* upgrade */
		st->l2_upgrades++;
		rc_touch(l2, L);
		stall = ref_home(r, cpu, L, 1, now, where);
		*rc_state(l2, L) = 2;
		if (in1)
			rc_touch(l1, l);
		else
			ref_fill_l1(r, cpu, pa, kind);
		return stall;
	}
	uint64_t v = rc_lru_if_full(l2, L);
	if (v != UINT64_MAX) {
		if (*rc_state(l2, v) == 2)
			st->l2_writebacks++;
		ref_evict(r, cpu, v);
	}
	stall = ref_home(r, cpu, L, store, now, where);
	rc_insert(l2, L, store ? 2 : 1);
	ref_fill_l1(r, cpu, pa, kind);
	return stall;
}

static void ref_flush(struct ref *r, uint64_t mpn)
{
	uint64_t n = (uint64_t)1 << (r->lg_page - r->lg_line);
	for (uint64_t k = 0; k < n; k++)
		for (int o = 0; o < r->ncpus; o++) {
			int *s = rc_state(&r->l2[o], mpn * n + k);
			if (s && *s == 2)
				r->st[o].l2_writebacks++;
			ref_evict(r, o, mpn * n + k);
			r->lost[(mpn * n + k) * (uint64_t)r->ncpus + (uint64_t)o] = 0;
		}
}

/* ---- helpers ---- */

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* the default configuration (the paper's machine), through the parameter table */
static struct machine_config default_config(const char *const *sets)
{
	static const struct param_table *const tabs[] = { &machine_param_table, NULL };
	struct machine_config mc;
	struct sim_err err = { 0 };
	cfg *c;
	ck_assert_int_eq(cfg_new(&c, tabs, &err), SIM_OK);
	for (; sets && *sets; sets++)
		ck_assert_msg(cfg_set_assignment(c, *sets, "test", &err) == SIM_OK, "%s", err.msg);
	ck_assert_msg(machine_config_from_cfg(c, &mc, &err) == SIM_OK, "%s", err.msg);
	cfg_free(c);
	return mc;
}

/* a small machine for the comparisons */
struct small { int ncpus, per_node, l2ways, uma; };
static const struct small smalls[] = {
	{ 1, 1, 2, 0 }, { 2, 1, 1, 0 }, { 4, 2, 2, 0 }, { 4, 1, 4, 1 }, { 8, 1, 2, 0 },
	{ 8, 4, 8, 0 }, { 20, 4, 2, 0 }, { 40, 8, 2, 0 }, { 63, 1, 2, 0 }, { 70, 2, 2, 0 },
	{ 128, 8, 2, 0 },
};

static struct machine_config small_config(const struct small *p)
{
	struct machine_config mc = default_config(NULL);
	mc.ncpus = p->ncpus;
	mc.cpus_per_node = p->per_node;
	mc.mem_size = 4096ull * 4 * (uint64_t)((p->ncpus + p->per_node - 1) / p->per_node);
	mc.page_size = 4096;
	mc.l1i = (struct cache_geom){ 512, 2, 32 };
	mc.l1d = (struct cache_geom){ 256, 2, 16 };
	mc.l2 = (struct cache_geom){ 1024 * (uint64_t)p->l2ways, (uint32_t)p->l2ways, 64 };
	mc.uma = p->uma;
	return mc;
}

/* streams: 0 random over memory, 1 ping-pong on a few lines, 2 L2
 * conflicts, 3 working set just above the L2, 4 mixed */
static uint64_t stream_pa(int kind, uint64_t *s, uint64_t step, int cpu,
			  const struct machine_config *mc)
{
	uint64_t l2sets = mc->l2.size / (mc->l2.ways * mc->l2.line);
	switch (kind) {
	case 0: return splitmix(s) % mc->mem_size;
	case 1: return (splitmix(s) % 4) * 4096 + (splitmix(s) % 3) * 8;
	case 2: return ((splitmix(s) % (mc->l2.ways + 2)) * l2sets * mc->l2.line + (splitmix(s) % 64)) %
		       mc->mem_size;
	case 3: return ((uint64_t)cpu * 8192 + (step % (mc->l2.size + 4 * mc->l2.line))) % mc->mem_size;
	default:
		return (splitmix(s) % 2 ? (uint64_t)cpu * 4096 + splitmix(s) % 512 : splitmix(s)) % mc->mem_size;
	}
}

static void compare_stats(const machine *m, const struct ref *r)
{
	for (int c = 0; c < r->ncpus; c++) {
		const struct machine_cpu_stats *a = machine_cpu_stats(m, c), *b = &r->st[c];
		ck_assert_int_eq(memcmp(a, b, sizeof *a), 0);
	}
	for (uint64_t p = 0; p < machine_npages(m); p++)
		ck_assert_int_eq(memcmp(machine_page_counters(m, p), r->ctr + p * (uint64_t)r->nnodes,
					(size_t)r->nnodes * sizeof *r->ctr), 0);
}

START_TEST(against_reference)
{
	struct machine_config mc = small_config(&smalls[_i]);
	struct sim_err err = { 0 };
	machine *m;
	struct ref r;

	ck_assert_msg(machine_new(&m, &mc, &err) == SIM_OK, "%s", err.msg);
	ref_init(&r, &mc);
	for (int kind = 0; kind < 5; kind++) {
		uint64_t s = 1000 + (uint64_t)(_i * 7 + kind);
		uint64_t *now = calloc((size_t)mc.ncpus, sizeof *now);
		for (uint64_t step = 0; step < 30000; step++) {
			int cpu = (int)(splitmix(&s) % (uint64_t)mc.ncpus);
			uint64_t x = splitmix(&s) % 10;
			int k = x < 3 ? MACH_IFETCH : x < 7 ? MACH_LOAD : MACH_STORE;
			uint64_t pa = stream_pa(kind, &s, step, cpu, &mc);
			unsigned w1 = 99, w2 = 98;
			uint32_t a, b;
			if (splitmix(&s) % 2000 == 0) {
				uint64_t p = splitmix(&s) % machine_npages(m);
				machine_page_flush(m, p);
				ref_flush(&r, p);
			}
			/* every other reference through the replay engine's
			 * two-way L1 path (small_config's L1s have two ways) */
			a = step & 1 ? machine_ref_ways(m, cpu, pa, k, now[cpu], &w1, 1) :
				       machine_ref(m, cpu, pa, k, now[cpu], &w1);
			b = ref_ref(&r, cpu, pa, k, now[cpu], &w2);
			ck_assert_msg(a == b && w1 == w2,
				      "step %llu cpu %d pa %llu kind %d: stall %u/%u where %u/%u",
				      (unsigned long long)step, cpu, (unsigned long long)pa, k, a, b, w1, w2);
			now[cpu] += 1 + a;
			if (step % 5000 == 0)
				ck_assert_msg(machine_check(m, &err) == SIM_OK, "%s", err.msg);
		}
		free(now);
		ck_assert_msg(machine_check(m, &err) == SIM_OK, "%s", err.msg);
		compare_stats(m, &r);
	}
	ref_fini(&r);
	machine_free(m);
}
END_TEST

/* machine_ifetch_hits against machine_ref one line at a time, for an L1 I
 * of 1, 2 (its own unrolled loop), 4 and 8 ways: as many lines hit, the
 * same counts, and the same LRU order after (the same victims in a random
 * stream that follows).  Runs start anywhere, wrap round the sets, and end
 * at their first miss, which both then take through machine_ref. */
static const uint32_t ifetch_ways[] = { 1, 2, 4, 8 };

START_TEST(ifetch_hits_as_refs)
{
	struct small p = { 1, 1, 2, 0 };
	struct machine_config mc = small_config(&p);
	struct sim_err err = { 0 };
	machine *a, *b;
	uint64_t s = 77, now = 0;

	mc.mem_size = 64 * 1024;
	mc.l1i = (struct cache_geom){ 512, ifetch_ways[_i], 32 };
	mc.l2 = (struct cache_geom){ 8192, 2, 64 };
	ck_assert_msg(machine_new(&a, &mc, &err) == SIM_OK, "%s", err.msg);
	ck_assert_msg(machine_new(&b, &mc, &err) == SIM_OK, "%s", err.msg);
	for (int round = 0; round < 3000; round++) {
		/* a run over a small text, so that most of it hits */
		uint64_t pa = (splitmix(&s) % 2048) & ~31ull, n = 1 + splitmix(&s) % 24, hits, k;
		unsigned wa, wb = MACH_L1;
		uint32_t stall = 0;
		hits = machine_ifetch_hits(a, 0, pa, n);
		for (k = 0; k < n; k++) {
			stall = machine_ref(b, 0, pa + 32 * k, MACH_IFETCH, now, &wb);
			if (wb != MACH_L1)
				break;
		}
		ck_assert_uint_eq(hits, k);
		if (k < n) {   /* the first miss: the caller's */
			ck_assert_uint_eq(machine_ref(a, 0, pa + 32 * k, MACH_IFETCH, now, &wa), stall);
			ck_assert_uint_eq(wa, wb);
		}
		ck_assert_int_eq(memcmp(machine_cpu_stats(a, 0), machine_cpu_stats(b, 0),
					sizeof *machine_cpu_stats(a, 0)), 0);
		/* data and far text, to evict some of it */
		for (int j = 0; j < 4; j++) {
			uint64_t q = splitmix(&s) % mc.mem_size;
			int kind = j & 1 ? MACH_LOAD : MACH_IFETCH;
			ck_assert_uint_eq(machine_ref(a, 0, q, kind, now, &wa), machine_ref(b, 0, q, kind, now, &wb));
			ck_assert_uint_eq(wa, wb);
		}
		now += 1000;
	}
	ck_assert_int_eq(memcmp(machine_cpu_stats(a, 0), machine_cpu_stats(b, 0),
				sizeof *machine_cpu_stats(a, 0)), 0);
	machine_free(a);
	machine_free(b);
}
END_TEST

/* ---- hand-computed cases on the paper's machine (400 MHz) ---- */

static machine *paper_machine(const char *const *sets)
{
	struct machine_config mc = default_config(sets);
	struct sim_err err = { 0 };
	machine *m;
	ck_assert_msg(machine_new(&m, &mc, &err) == SIM_OK, "%s", err.msg);
	return m;
}

START_TEST(config_defaults)
{
	struct machine_config mc = default_config(NULL);
	ck_assert_uint_eq(mc.local_cycles, 120);       /* 300 ns at 400 MHz */
	ck_assert_uint_eq(mc.remote_cycles, 360);      /* 900 ns */
	ck_assert_uint_eq(mc.l2_hit_cycles, 10);
	ck_assert_uint_eq(mc.comm_extra_cycles, 120);
	ck_assert_uint_eq(mc.occupancy_cycles, 40);
	ck_assert_uint_eq(mc.disk_position_cycles, 4800000);   /* 12 ms */
	ck_assert_int_eq(mc.ncpus, 8);
	ck_assert_int_eq(mc.uma, 0);
	const char *r[] = { "machine.clock_mhz=180", "machine.latency.local_ns=301", NULL };
	mc = default_config(r);
	ck_assert_uint_eq(mc.local_cycles, 54);        /* 54.18 rounds to 54 */
	ck_assert_uint_eq(mc.remote_cycles, 162);
}
END_TEST

START_TEST(config_errors)
{
	static const struct param_table *const tabs[] = { &machine_param_table, NULL };
	static const char *const cases[][3] = {
		{ "machine.cpus=3", "machine.mem.size", "nodes" },
		{ "machine.tlb.wired=64", "machine.tlb.wired", "machine.tlb.entries" },
		{ "machine.l2.ways=3", "machine.l2.ways", "power of two" },
		{ "machine.l1d.line=256", "machine.l1d.line", "machine.l2.line" },
		{ "machine.l2.size=1536K", "machine.l2.size", "power of two" },
		{ "machine.l1i.size=1K", "machine.l1i", "ways * line" },
		{ "machine.mem.size=1049000", "machine.mem.size", "pages" },
		{ "machine.disk.position_us=5000000", "machine.disk.position_us", "2^32 cycles" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cfg *c;
		struct machine_config mc;
		struct sim_err err = { 0 };
		ck_assert_int_eq(cfg_new(&c, tabs, &err), SIM_OK);
		if (i == 5)
			ck_assert_int_eq(cfg_set_assignment(c, "machine.l1i.ways=64", "t", &err), SIM_OK);
		if (strstr(cases[i][0], "position_us"))   /* 5 s at 1 GHz */
			ck_assert_int_eq(cfg_set_assignment(c, "machine.clock_mhz=1000", "t", &err), SIM_OK);
		ck_assert_msg(cfg_set_assignment(c, cases[i][0], "t", &err) == SIM_OK, "%s", err.msg);
		ck_assert_int_eq(machine_config_from_cfg(c, &mc, &err), SIM_EINVAL);
		ck_assert_msg(strstr(err.msg, cases[i][1]) && strstr(err.msg, cases[i][2]),
			      "%s: %s", cases[i][0], err.msg);
		cfg_free(c);
	}
}
END_TEST

/* Per-level statistics of a short sequence, counted by hand: one CPU, L1 D
 * 2 ways of 16-byte lines, L1 I of 32-byte lines, a direct-mapped L2 of 16
 * 64-byte lines (pa 0 and pa 1024 share its set 0). */
START_TEST(level_stats)
{
	struct machine_config mc = small_config(&smalls[1]);   /* 1 L2 way */
	struct machine_level_stats ls[MACH_NLEVELS];
	struct sim_err err = { 0 };
	machine *m;
	unsigned w;

	mc.ncpus = 1;
	mc.mem_size = 4 * 4096;
	ck_assert_msg(machine_new(&m, &mc, &err) == SIM_OK, "%s", err.msg);
	machine_ref(m, 0, 0, MACH_LOAD, 0, &w);      /* L1 D read miss, L2 read miss */
	machine_ref(m, 0, 4, MACH_LOAD, 0, &w);      /* L1 hit */
	machine_ref(m, 0, 0, MACH_STORE, 0, &w);     /* L1 holds it shared: an L2 write, an upgrade */
	machine_ref(m, 0, 8, MACH_STORE, 0, &w);     /* L1 hit */
	machine_ref(m, 0, 4096, MACH_IFETCH, 0, &w); /* L1 I miss, L2 fetch miss */
	machine_ref(m, 0, 1024, MACH_LOAD, 0, &w);   /* L2 read miss evicting line 0, modified */
	machine_cache_stats(m, 0, ls);
	ck_assert_uint_eq(ls[MACH_LEVEL_L1I].access[MACH_IFETCH], 1);
	ck_assert_uint_eq(ls[MACH_LEVEL_L1I].miss[MACH_IFETCH], 1);
	ck_assert_uint_eq(ls[MACH_LEVEL_L1I].bytes_from_mem, 32);
	ck_assert_uint_eq(ls[MACH_LEVEL_L1D].access[MACH_LOAD], 3);
	ck_assert_uint_eq(ls[MACH_LEVEL_L1D].miss[MACH_LOAD], 2);
	ck_assert_uint_eq(ls[MACH_LEVEL_L1D].access[MACH_STORE], 2);
	ck_assert_uint_eq(ls[MACH_LEVEL_L1D].miss[MACH_STORE], 0);
	ck_assert_uint_eq(ls[MACH_LEVEL_L1D].bytes_from_mem, 32);
	ck_assert_uint_eq(ls[MACH_LEVEL_L1D].writebacks, 0);
	ck_assert_uint_eq(ls[MACH_LEVEL_L2].access[MACH_IFETCH], 1);
	ck_assert_uint_eq(ls[MACH_LEVEL_L2].access[MACH_LOAD], 2);
	ck_assert_uint_eq(ls[MACH_LEVEL_L2].access[MACH_STORE], 1);
	ck_assert_uint_eq(ls[MACH_LEVEL_L2].miss[MACH_IFETCH], 1);
	ck_assert_uint_eq(ls[MACH_LEVEL_L2].miss[MACH_LOAD], 2);
	ck_assert_uint_eq(ls[MACH_LEVEL_L2].miss[MACH_STORE], 1);
	ck_assert_uint_eq(ls[MACH_LEVEL_L2].writebacks, 1);
	ck_assert_uint_eq(ls[MACH_LEVEL_L2].bytes_from_mem, 3 * 64);   /* the upgrade fetches nothing */
	ck_assert_uint_eq(ls[MACH_LEVEL_L2].bytes_to_mem, 64);
	/* a flush writes back the modified line it finds */
	machine_ref(m, 0, 2048, MACH_STORE, 0, &w);
	machine_page_flush(m, 0);
	machine_cache_stats(m, 0, ls);
	ck_assert_uint_eq(ls[MACH_LEVEL_L2].writebacks, 2);
	ck_assert_uint_eq(ls[MACH_LEVEL_L1D].miss[MACH_STORE], 1);
	machine_free(m);
}
END_TEST

START_TEST(latencies)
{
	machine *m = paper_machine(NULL);
	uint64_t ppn = machine_pages_per_node(m), page = 4096;
	unsigned w;
	const struct machine_cpu_stats *st;

	ck_assert_int_eq(machine_nnodes(m), 8);
	ck_assert_uint_eq(ppn, 8192);
	ck_assert_int_eq(machine_page_node(m, ppn * 3 + 5), 3);
	ck_assert_uint_eq(machine_node_first_page(m, 3), ppn * 3);
	ck_assert_int_eq(machine_cpu_node(m, 5), 5);
	/* remote: CPU 0 loads a line of node 1 */
	ck_assert_uint_eq(machine_ref(m, 0, ppn * page + 64, MACH_LOAD, 1000, &w), 360);
	ck_assert_uint_eq(w, MACH_REMOTE);
	/* then an L1 hit, and an L2 hit for the other L1 line of the same L2 line */
	ck_assert_uint_eq(machine_ref(m, 0, ppn * page + 64, MACH_LOAD, 2000, &w), 0);
	ck_assert_uint_eq(w, MACH_L1);
	ck_assert_uint_eq(machine_ref(m, 0, ppn * page + 32, MACH_LOAD, 2001, &w), 10);
	ck_assert_uint_eq(w, MACH_L2);
	/* local */
	ck_assert_uint_eq(machine_ref(m, 0, 4096, MACH_IFETCH, 5000, &w), 120);
	ck_assert_uint_eq(w, MACH_LOCAL);
	/* two misses to node 2 at the same cycle: the second waits the occupancy */
	ck_assert_uint_eq(machine_ref(m, 2, 2 * ppn * page, MACH_LOAD, 10000, &w), 120);
	ck_assert_uint_eq(machine_ref(m, 3, 2 * ppn * page + 4096, MACH_LOAD, 10000, &w), 360 + 40);
	ck_assert_uint_eq(w, MACH_REMOTE);
	st = machine_cpu_stats(m, 3);
	ck_assert_uint_eq(st->queue_cycles, 40);
	ck_assert_uint_eq(st->stall_remote_cycles, 400);
	/* a late presentation (cycle 9990 after 10000, same 1024-cycle bucket)
	 * waits for the work accepted in its bucket: until 10080 */
	ck_assert_uint_eq(machine_ref(m, 4, 2 * ppn * page + 8192, MACH_LOAD, 9990, &w), 360 + 90);
	/* communication: CPU 5 writes a line of node 6, CPU 6 reads it */
	ck_assert_uint_eq(machine_ref(m, 5, 6 * ppn * page, MACH_STORE, 20000, &w), 360);
	ck_assert_uint_eq(w, MACH_REMOTE);
	ck_assert_uint_eq(machine_ref(m, 6, 6 * ppn * page + 8, MACH_LOAD, 30000, &w), 120 + 120);
	ck_assert_uint_eq(w, MACH_LOCAL | MACH_COMM);
	/* now shared by 5 and 6: a store by 6 is an upgrade, invalidating 5 */
	ck_assert_uint_eq(machine_ref(m, 6, 6 * ppn * page + 8, MACH_STORE, 40000, &w), 120);
	ck_assert_uint_eq(w, MACH_LOCAL);
	ck_assert_uint_eq(machine_cpu_stats(m, 6)->invalidations_sent, 1);
	ck_assert_uint_eq(machine_ref(m, 5, 6 * ppn * page, MACH_LOAD, 50000, &w), 360 + 120);
	ck_assert_uint_eq(w, MACH_REMOTE | MACH_COMM);
	ck_assert_uint_eq(machine_cpu_stats(m, 5)->misses_comm, 1);
	ck_assert_int_eq(machine_check(m, NULL), SIM_OK);
	machine_free(m);
}
END_TEST

/* A coherence miss served by memory: CPU 5 reads a line of node 6, CPU 6
 * writes it (invalidating 5's copy), CPU 7 reads it (6 writes it back and
 * keeps it shared).  When 5 reads it again memory serves it, at the remote
 * latency without the three-hop extra (360 cycles), and it is still a
 * communication miss: another CPU's store took 5's copy.  CPU 4, which
 * never held the line, misses on it without one.  A page flush forgets. */
START_TEST(coherence_miss_from_memory)
{
	machine *m = paper_machine(NULL);
	uint64_t ppn = machine_pages_per_node(m), page = 4096, a = 6 * ppn * page;
	unsigned w;
	ck_assert_uint_eq(machine_ref(m, 5, a, MACH_LOAD, 1000, &w), 360);
	ck_assert_uint_eq(w, MACH_REMOTE);
	ck_assert_uint_eq(machine_ref(m, 6, a, MACH_STORE, 2000, &w), 120);
	ck_assert_uint_eq(w, MACH_LOCAL);
	ck_assert_uint_eq(machine_ref(m, 7, a, MACH_LOAD, 3000, &w), 360 + 120);
	ck_assert_uint_eq(w, MACH_REMOTE | MACH_COMM);
	ck_assert_uint_eq(machine_ref(m, 5, a, MACH_LOAD, 4000, &w), 360);
	ck_assert_uint_eq(w, MACH_REMOTE | MACH_COMM);
	ck_assert_uint_eq(machine_cpu_stats(m, 5)->misses_comm, 1);
	/* memory served it: the page's counter for node 5 counts both misses */
	ck_assert_uint_eq(machine_page_counters(m, 6 * ppn)[5], 2);
	ck_assert_uint_eq(machine_ref(m, 4, a, MACH_LOAD, 5000, &w), 360);
	ck_assert_uint_eq(w, MACH_REMOTE);
	/* a new store by 6 takes 4's, 5's and 7's copies; a flush forgets it */
	ck_assert_uint_eq(machine_ref(m, 6, a, MACH_STORE, 6000, &w), 120);
	ck_assert_int_eq(machine_check(m, NULL), SIM_OK);
	machine_page_flush(m, 6 * ppn);
	ck_assert_uint_eq(machine_ref(m, 5, a, MACH_LOAD, 7000, &w), 360);
	ck_assert_uint_eq(w, MACH_REMOTE);
	ck_assert_int_eq(machine_check(m, NULL), SIM_OK);
	machine_free(m);
}
END_TEST

/* The directory keeps each line's sharers and its lost bits side by side
 * in one array; a line's two entries must be its own, not a neighbour's,
 * at every entry width: 16 bits (2 CPUs), 32 (20), 64 (40), two words
 * (70, whose last CPU's bits are in the second word).  Each lost bit is
 * read once the writer's copy is gone (two loads to its L2 set evict it),
 * so memory serves the miss and only the lost bit makes it MACH_COMM.  The
 * small machine: one node of 4 pages, 64-byte L2 lines, 8 sets of 2 ways
 * (lines L, L + 8 and L + 16 share a set). */
static const int dir_cpus[] = { 2, 20, 40, 70 };

/* CPU cpu's L2 drops line pa (its set holds nothing newer). */
static void evict_l2(machine *m, int cpu, uint64_t pa, uint64_t now)
{
	unsigned w;
	machine_ref(m, cpu, (pa + 512) % (16 * 1024), MACH_LOAD, now, &w);
	machine_ref(m, cpu, (pa + 1024) % (16 * 1024), MACH_LOAD, now + 1, &w);
}

START_TEST(directory_pairs)
{
	struct small p = { dir_cpus[_i], dir_cpus[_i], 2, 0 };   /* one node */
	struct machine_config mc = small_config(&p);
	struct sim_err err = { 0 };
	const int hi = mc.ncpus - 1;
	const uint64_t last = mc.mem_size - 64;   /* the last line of memory */
	machine *m;
	unsigned w;

	ck_assert_uint_eq(mc.mem_size, 16 * 1024);
	ck_assert_msg(machine_new(&m, &mc, &err) == SIM_OK, "%s", err.msg);
	/* line 0: CPU hi's store takes CPU 0's copy */
	machine_ref(m, 0, 0, MACH_LOAD, 0, &w);
	ck_assert_uint_eq(w, MACH_LOCAL);
	machine_ref(m, hi, 0, MACH_STORE, 100, &w);
	ck_assert_uint_eq(w, MACH_LOCAL);
	ck_assert_uint_eq(machine_cpu_stats(m, hi)->invalidations_sent, 1);
	/* line 1, the neighbour, has no lost bit for CPU 0 */
	machine_ref(m, 0, 64, MACH_LOAD, 200, &w);
	ck_assert_uint_eq(w, MACH_LOCAL);
	evict_l2(m, hi, 0, 300);
	machine_ref(m, 0, 0, MACH_LOAD, 400, &w);
	ck_assert_uint_eq(w, MACH_LOCAL | MACH_COMM);
	/* line 1 lost in turn: line 0's retaking cleared only line 0's bit */
	machine_ref(m, 1, 64, MACH_STORE, 500, &w);
	evict_l2(m, 1, 64, 600);
	machine_ref(m, 0, 64, MACH_LOAD, 700, &w);
	ck_assert_uint_eq(w, MACH_LOCAL | MACH_COMM);
	ck_assert_uint_eq(machine_cpu_stats(m, 0)->misses_comm, 2);
	/* the last line (the array's last pair) and its neighbour below */
	machine_ref(m, 0, last, MACH_LOAD, 800, &w);
	machine_ref(m, hi, last, MACH_STORE, 900, &w);
	machine_ref(m, 0, last - 64, MACH_LOAD, 1000, &w);
	ck_assert_uint_eq(w, MACH_LOCAL);
	evict_l2(m, hi, last, 1100);
	machine_ref(m, 0, last, MACH_LOAD, 1200, &w);
	ck_assert_uint_eq(w, MACH_LOCAL | MACH_COMM);
	ck_assert_uint_eq(machine_cpu_stats(m, 0)->misses_comm, 3);
	ck_assert_msg(machine_check(m, &err) == SIM_OK, "%s", err.msg);
	/* a flush of page 0 forgets CPU 0's lost bit of line 2, not of line
	 * 64, the first of page 1 */
	machine_ref(m, 0, 128, MACH_LOAD, 1300, &w);
	machine_ref(m, hi, 128, MACH_STORE, 1400, &w);
	evict_l2(m, hi, 128, 1500);
	machine_ref(m, 0, 4096, MACH_LOAD, 1600, &w);
	machine_ref(m, hi, 4096, MACH_STORE, 1700, &w);
	evict_l2(m, hi, 4096, 1800);
	machine_page_flush(m, 0);
	machine_ref(m, 0, 128, MACH_LOAD, 1900, &w);
	ck_assert_uint_eq(w, MACH_LOCAL);
	machine_ref(m, 0, 4096, MACH_LOAD, 2000, &w);
	ck_assert_uint_eq(w, MACH_LOCAL | MACH_COMM);
	ck_assert_uint_eq(machine_cpu_stats(m, 0)->misses_comm, 4);
	ck_assert_msg(machine_check(m, &err) == SIM_OK, "%s", err.msg);
	machine_free(m);
}
END_TEST

/* CPUs in quanta: CPU 1 presents its misses after CPU 0 ran far ahead.
 * Its misses must not queue behind CPU 0's clock, nor pile up. */
START_TEST(occupancy_out_of_order)
{
	machine *m = paper_machine(NULL);
	uint64_t node3 = 3 * machine_pages_per_node(m) * 4096;
	unsigned w;
	for (int i = 0; i < 200; i++)
		ck_assert_uint_eq(machine_ref(m, 0, node3 + (uint64_t)i * 4096, MACH_LOAD,
					      (uint64_t)i * 2000, &w), 360);
	for (int i = 0; i < 200; i++) {
		uint32_t s = machine_ref(m, 1, node3 + (uint64_t)i * 4096 + 128, MACH_LOAD,
					 (uint64_t)i * 2000 + 10, &w);
		ck_assert_uint_eq(s, 360 + 30);   /* behind CPU 0's miss at i * 2000 only */
	}
	/* a late miss waits only for work at its own time: CPU 4 at 2000000,
	 * then CPU 5 presents one at 1999100, before it (same stretch of time);
	 * CPU 6's at 1999990 would overlap CPU 4's and waits for its end */
	ck_assert_uint_eq(machine_ref(m, 4, node3 + 400ull * 4096, MACH_LOAD, 2000000, &w), 360);
	ck_assert_uint_eq(machine_ref(m, 5, node3 + 401ull * 4096, MACH_LOAD, 1999100, &w), 360);
	ck_assert_uint_eq(machine_ref(m, 6, node3 + 402ull * 4096, MACH_LOAD, 1999990, &w), 360 + 50);
	/* a burst at one time is contention, in any order */
	for (int i = 0; i < 10; i++)
		machine_ref(m, 2, node3 + (uint64_t)(300 + i) * 4096, MACH_LOAD, 1000000 + 100 - (uint64_t)i, &w);
	/* the k-th (k = 0..9, at t0 - k) waits 40 k + k: in all 41 * 45 */
	ck_assert_uint_eq(machine_cpu_stats(m, 2)->queue_cycles, 41 * 45);
	machine_free(m);
}
END_TEST

/* In time order the buckets are the plain FCFS (busy-until) queue. */
START_TEST(occupancy_in_order_is_fcfs)
{
	machine *m = paper_machine(NULL);
	uint64_t s = 11, now = 5000, busy = 0, lines = 0, qsum = 0;
	for (int i = 0; i < 20000; i++) {
		int cpu = (int)(splitmix(&s) % 8);
		uint64_t q = busy > now ? busy - now : 0;
		unsigned w;
		uint32_t st = machine_ref(m, cpu, (lines++) * 128 % (32u << 20), MACH_LOAD, now, &w);
		ck_assert_uint_eq(st, q + (cpu == 0 ? 120 : 360));
		busy = (busy > now ? busy : now) + 40;
		qsum += q;
		now += splitmix(&s) % 121;
	}
	ck_assert_uint_gt(qsum, 0);
	machine_free(m);
}
END_TEST

START_TEST(uma_never_slower)
{
	const char *u[] = { "machine.uma=true", NULL };
	machine *a = paper_machine(NULL), *b = paper_machine(u);
	uint64_t s = 5, now = 0, ta = 0, tb = 0;
	for (int i = 0; i < 200000; i++) {
		int cpu = (int)(splitmix(&s) % 8);
		uint64_t pa = splitmix(&s) % 2 ? splitmix(&s) % (256ull << 20) : splitmix(&s) % (1u << 16);
		int k = (int)(splitmix(&s) % 3);
		unsigned w1, w2;
		uint32_t x = machine_ref(a, cpu, pa, k, now, &w1), y = machine_ref(b, cpu, pa, k, now, &w2);
		ck_assert_uint_le(y, x);
		ck_assert_uint_ne(w2 & MACH_WHERE_MASK, MACH_REMOTE);
		ta += x;
		tb += y;
		now += 3;
	}
	ck_assert_uint_lt(tb, ta);
	machine_free(a);
	machine_free(b);
}
END_TEST

struct hot { int calls; uint64_t mpn; int node; };
static void on_hot(void *ctx, uint64_t mpn, int node)
{
	struct hot *h = ctx;
	h->calls++;
	h->mpn = mpn;
	h->node = node;
}

START_TEST(counters_and_hook)
{
	machine *m = paper_machine(NULL);
	struct hot h = { 0 };
	uint64_t page = 4096, mpn = 3 * 8192 + 17;
	unsigned w;

	machine_set_hot_hook(m, 3, on_hot, &h);
	for (int i = 0; i < 3; i++)   /* three L2 misses to distinct lines */
		machine_ref(m, 2, mpn * page + (uint64_t)i * 128, MACH_LOAD, 100, &w);
	ck_assert_int_eq(h.calls, 1);
	ck_assert_uint_eq(h.mpn, mpn);
	ck_assert_int_eq(h.node, 2);
	ck_assert_uint_eq(machine_page_counters(m, mpn)[2], 3);
	ck_assert_uint_eq(machine_page_counters(m, mpn)[3], 0);
	machine_ref(m, 2, mpn * page + 3 * 128, MACH_LOAD, 100, &w);
	machine_ref(m, 2, mpn * page, MACH_LOAD, 100, &w);   /* a hit: not counted */
	ck_assert_int_eq(h.calls, 1);
	ck_assert_uint_eq(machine_page_counters(m, mpn)[2], 4);
	machine_counters_reset(m);
	ck_assert_uint_eq(machine_page_counters(m, mpn)[2], 0);
	for (int i = 4; i < 7; i++)
		machine_ref(m, 2, mpn * page + (uint64_t)i * 128, MACH_LOAD, 100, &w);
	ck_assert_int_eq(h.calls, 2);
	/* communication misses are not served by memory: not counted */
	machine_ref(m, 1, mpn * page + 7 * 128, MACH_STORE, 100, &w);
	machine_ref(m, 2, mpn * page + 7 * 128, MACH_LOAD, 100, &w);
	ck_assert_uint_eq(w & MACH_COMM, MACH_COMM);
	ck_assert_uint_eq(machine_page_counters(m, mpn)[2], 3);
	ck_assert_uint_eq(machine_page_counters(m, mpn)[1], 1);
	machine_set_hot_hook(m, 0, on_hot, &h);   /* disabled */
	for (int i = 8; i < 20; i++)
		machine_ref(m, 2, mpn * page + (uint64_t)i * 128, MACH_LOAD, 100, &w);
	ck_assert_int_eq(h.calls, 2);
	machine_free(m);
}
END_TEST

START_TEST(page_flush)
{
	machine *m = paper_machine(NULL);
	uint64_t pa = 5 * 4096;
	unsigned w;
	machine_ref(m, 0, pa, MACH_LOAD, 0, &w);
	machine_ref(m, 1, pa, MACH_LOAD, 0, &w);
	machine_ref(m, 2, pa + 256, MACH_STORE, 0, &w);
	machine_ref(m, 2, pa + 512, MACH_IFETCH, 0, &w);
	machine_page_flush(m, 5);
	ck_assert_int_eq(machine_check(m, NULL), SIM_OK);
	machine_ref(m, 0, pa, MACH_LOAD, 100000, &w);
	ck_assert_uint_eq(w, MACH_LOCAL);
	machine_ref(m, 1, pa + 256, MACH_LOAD, 200000, &w);   /* the dirty line was written back */
	ck_assert_uint_eq(w, MACH_REMOTE);
	machine_ref(m, 2, pa + 512, MACH_IFETCH, 300000, &w);
	ck_assert_uint_eq(w, MACH_REMOTE);
	machine_ref(m, 3, 6 * 4096, MACH_LOAD, 300000, &w);   /* other pages stay */
	machine_ref(m, 3, 6 * 4096, MACH_LOAD, 400000, &w);
	machine_page_flush(m, 5);
	machine_ref(m, 3, 6 * 4096, MACH_LOAD, 500000, &w);
	ck_assert_uint_eq(w, MACH_L1);
	machine_free(m);
}
END_TEST

START_TEST(disks)
{
	machine *m = paper_machine(NULL);
	/* 12 ms positioning = 4,800,000 cycles; 4096 B at 6 MB/s = 682.67 us = 273,066.67 cycles */
	ck_assert_uint_eq(machine_disk_request(m, 0, 0, 4096, 0), 4800000 + 273067);
	ck_assert_uint_eq(machine_disk_request(m, 0, 99, 4096, 0), 2 * (4800000 + 273067));
	ck_assert_uint_eq(machine_disk_request(m, 1, 0, 0, 1000), 1000 + 4800000);
	ck_assert_uint_eq(machine_disk_request(m, 0, 0, 6000000, 20000000), 20000000 + 4800000 + 400000000);
	machine_free(m);
}
END_TEST

/* Every allocation of machine_new failing in turn: SIM_ENOMEM, nothing leaked
 * (LeakSanitizer under SANITIZE=1), and then success. */
START_TEST(out_of_memory)
{
	const char *small[] = { "machine.cpus=2", "machine.mem.size=1M", NULL };
	struct machine_config mc = default_config(small);
	int ok = 0;
	for (long n = 1; n < 200 && !ok; n++) {
		struct sim_err err = { 0 };
		machine *m = NULL;
		int rc;
		sim_mem_fail_after(n);
		rc = machine_new(&m, &mc, &err);
		sim_mem_fail_after(0);
		if (rc == SIM_OK) {
			ok = 1;
			machine_free(m);
		} else {
			ck_assert_int_eq(rc, SIM_ENOMEM);
			ck_assert_ptr_null(m);
			sim_mem_fail_after(n);
			rc = machine_new(&m, &mc, NULL);   /* no message buffer: same code */
			sim_mem_fail_after(0);
			ck_assert_int_eq(rc, SIM_ENOMEM);
			ck_assert_ptr_null(m);
		}
	}
	ck_assert(ok);
	for (long n = 1; n < 6; n++) {
		struct tlb *t = NULL;
		sim_mem_fail_after(n);
		int rc = tlb_new(&t, 64, 8, 1, NULL);
		sim_mem_fail_after(0);
		if (rc == SIM_OK)
			tlb_free(t);
		else
			ck_assert_int_eq(rc, SIM_ENOMEM);
	}
}
END_TEST

START_TEST(tlbs_exist)
{
	machine *m = paper_machine(NULL);
	ck_assert_int_eq(tlb_entries(machine_tlb(m, 7)), 64);
	ck_assert_int_eq(tlb_wired(machine_tlb(m, 0)), 8);
	machine_free(m);
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("machine");
	TCase *tc = tcase_create("reference");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, against_reference, 0, (int)(sizeof smalls / sizeof smalls[0]));
	tcase_add_loop_test(tc, ifetch_hits_as_refs, 0, (int)(sizeof ifetch_ways / sizeof ifetch_ways[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("hand");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, config_defaults);
	tcase_add_test(tc, config_errors);
	tcase_add_test(tc, latencies);
	tcase_add_test(tc, coherence_miss_from_memory);
	tcase_add_loop_test(tc, directory_pairs, 0, (int)(sizeof dir_cpus / sizeof dir_cpus[0]));
	tcase_add_test(tc, level_stats);
	tcase_add_test(tc, occupancy_out_of_order);
	tcase_add_test(tc, occupancy_in_order_is_fcfs);
	tcase_add_test(tc, uma_never_slower);
	tcase_add_test(tc, counters_and_hook);
	tcase_add_test(tc, page_flush);
	tcase_add_test(tc, disks);
	tcase_add_test(tc, tlbs_exist);
	tcase_add_test(tc, out_of_memory);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN
