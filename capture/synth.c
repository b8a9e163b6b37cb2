/*
 * The synthetic guest: a parametric program on a minimal kernel, for
 * benchmarks, tests and the pipeline of `disco figures` before the guest OS
 * models exist.  It is not one of the paper's workloads and reproduces none
 * of their numbers; what it has is the shape of a real program's stream.
 *
 * Each vCPU runs one process (ASID = vCPU + 1) with:
 *   - a shared text segment (one set of guest pages mapped by every
 *     process, like a shared binary), entered at random functions and walked
 *     sequentially in short runs;
 *   - a private stack (references near the stack pointer);
 *   - a private heap of capture.synth.footprint bytes, walked sequentially
 *     and touched at random (capture.synth.random); its pages are
 *     demand-zero: the first touch of each takes a DEMAND-ZERO fault in
 *     which the kernel zeroes the page (or, with capture.hal = disco, asks
 *     the monitor for a zeroed page) and sets the PTE;
 *   - a region shared by all processes (capture.synth.shared of the
 *     references), read-mostly;
 *   - a system call every capture.synth.syscall_interval references: a read
 *     that takes a kernel lock shared by all vCPUs, touches kernel data and
 *     copies a buffer-cache block to the user's buffer, with the privileged
 *     instructions of a kernel entry and exit.
 * The kernel lives in the unmapped segment (KSEG0) at the bottom of guest
 * physical memory.
 */
#include <string.h>

#include "base/mem.h"
#include "base/rng.h"
#include "capture/capture.h"

#define KSEG0 0x80000000ull
#define TEXT_VA 0x00400000ull
#define HEAP_VA 0x10000000ull
#define SHARED_VA 0x20000000ull
#define STACK_TOP 0x7fff0000ull
#define KERNEL_BYTES (2ull << 20)       /* guest physical [0, 2M): kernel text and data */
#define KTEXT_BYTES (1ull << 20)
#define BUFCACHE_BYTES (1ull << 20)     /* guest physical [2M, 3M): buffer cache */
#define STACK_BYTES (64ull << 10)
#define TEXT_BYTES (512ull << 10)

struct sstream {
	uint64_t rng;                /* the program's and the kernel's draws: the kernel's paths are
				      * fixed (no setting changes how many draws they take), so
				      * one stream leaves the program as it is */
	uint64_t refs_left;
	uint64_t setup_i, setup_n;   /* PTEs to emit before the program starts */
	uint64_t pc, func_end;
	uint64_t heap_cursor;
	uint64_t to_syscall;
	uint8_t *heap_mapped;        /* [heap_pages] */
	uint64_t heap_gppn0, stack_gppn0;
	struct trc_rec *pend;        /* [pend_cap]: records of the step being produced */
	int npend, ipend;
	int done;
};

struct synth {
	int n;
	unsigned pshift;
	uint64_t psize;
	uint64_t text_pages, stack_pages, heap_pages, shared_pages;
	uint64_t text_gppn0, shared_gppn0, user_gppn0, per_vcpu_pages;
	double p_random, p_shared;
	uint64_t syscall_interval;
	int hal_disco;
	int pend_cap, pend_room;     /* queue size; a step never adds more than pend_room */
	struct sstream *s;
};

static inline uint64_t rnd(uint64_t *x) { return sim_rng_next(x); }
static inline double unif(uint64_t *x) { return sim_rng_unif(x); }

static inline void push(struct sstream *t, int type, unsigned flags, unsigned aux, uint32_t id,
			uint64_t addr, uint64_t val)
{
	t->pend[t->npend++] = (struct trc_rec){ (uint8_t)type, (uint8_t)flags, (uint16_t)aux, id, addr, val };
}

static void kernel_insns(struct synth *g, struct sstream *t, uint32_t n)
{
	uint64_t pc = KSEG0 + ((rnd(&t->rng) % (KTEXT_BYTES / 256)) * 256);
	push(t, TRC_INSN, TRC_F_KERNEL | TRC_F_KSEG0, 0, n, pc, 0);
}

static void kernel_entry(struct sstream *t)
{
	push(t, TRC_PRIV, 0, TRC_PRIV_MFC0, 0, 0, 0);
	push(t, TRC_PRIV, 0, TRC_PRIV_MFC0, 0, 0, 0);
	push(t, TRC_PRIV, 0, TRC_PRIV_MTC0, 0, 0, 0);
}

static void kernel_exit(struct sstream *t)
{
	push(t, TRC_PRIV, 0, TRC_PRIV_MTC0, 0, 0, 0);
	push(t, TRC_PRIV, 0, TRC_PRIV_ERET, 0, 0, 0);
}

/* First touch of heap page k: the demand-zero fault. */
static void demand_zero(struct synth *g, struct sstream *t, uint32_t asid, uint64_t k)
{
	uint64_t gppn = t->heap_gppn0 + k;
	push(t, TRC_SVC_BEGIN, 0, TRC_SVC_DEMAND_ZERO, 0, 0, 0);
	kernel_entry(t);
	kernel_insns(g, t, 150);
	push(t, TRC_PAGE_ALLOC, 0, TRC_CAT_USER, 0, gppn, 0);
	if (g->hal_disco) {
		push(t, TRC_MONCALL, 0, TRC_MC_ZERO_PAGE, 0, gppn, 0);
	} else {
		/* bzero: one store per 32-byte line, a short loop around each */
		for (uint64_t off = 0; off < g->psize; off += 32) {
			push(t, TRC_INSN, TRC_F_KERNEL | TRC_F_KSEG0, 0, 4, KSEG0 + 0x8000, 0);
			push(t, TRC_STORE, TRC_F_KERNEL | TRC_F_KSEG0, 8, 0,
			     KSEG0 + (gppn << g->pshift) + off, 0);
		}
	}
	push(t, TRC_PTE_SET, 0, TRC_PROT_VALID | TRC_PROT_WRITE, asid,
	     (HEAP_VA >> g->pshift) + k, gppn);
	kernel_insns(g, t, 60);
	kernel_exit(t);
	push(t, TRC_SVC_END, 0, TRC_SVC_DEMAND_ZERO, 0, 0, 0);
	t->heap_mapped[k] = 1;
}

static void syscall_read(struct synth *g, struct sstream *t, uint32_t asid)
{
	uint64_t k = rnd(&t->rng) % g->heap_pages;
	uint64_t buf = HEAP_VA + k * g->psize;
	uint64_t blk = (KERNEL_BYTES + (rnd(&t->rng) % (BUFCACHE_BYTES / 4096)) * 4096);
	if (!t->heap_mapped[k])
		demand_zero(g, t, asid, k);   /* the user's buffer is touched first */
	push(t, TRC_SVC_BEGIN, 0, TRC_SVC_READ, 0, 0, 0);
	kernel_entry(t);
	kernel_insns(g, t, 120);
	push(t, TRC_LOCK_ACQ, 0, 0, 1, 0, 0);
	for (int i = 0; i < 12; i++) {
		kernel_insns(g, t, 6);
		push(t, i & 3 ? TRC_LOAD : TRC_STORE, TRC_F_KERNEL | TRC_F_KSEG0, 8, 0,
		     KSEG0 + KTEXT_BYTES + (rnd(&t->rng) % (KERNEL_BYTES - KTEXT_BYTES) & ~7ull), 0);
	}
	push(t, TRC_LOCK_REL, 0, 0, 1, 0, 0);
	/* copy 512 bytes of the block to the user's buffer (mapped, kernel mode) */
	buf &= ~7ull;
	for (uint64_t off = 0; off < 512; off += 32) {
		push(t, TRC_INSN, TRC_F_KERNEL | TRC_F_KSEG0, 0, 4, KSEG0 + 0x9000, 0);
		push(t, TRC_LOAD, TRC_F_KERNEL | TRC_F_KSEG0, 8, 0, KSEG0 + blk + off, 0);
		push(t, TRC_STORE, TRC_F_KERNEL, 8, 0, buf + off, 0);
	}
	kernel_insns(g, t, 80);
	kernel_exit(t);
	push(t, TRC_SVC_END, 0, TRC_SVC_READ, 0, 0, 0);
}

/* One user-mode step: an instruction run and the data reference that ends it. */
static void user_step(struct synth *g, struct sstream *t, uint32_t asid)
{
	uint64_t len = 2 + rnd(&t->rng) % 7;
	double u = unif(&t->rng);
	uint64_t va;
	int store;

	if (t->pc + len * 4 > t->func_end || (rnd(&t->rng) & 63) == 0) {
		/* call another function: 256-byte aligned, 1-2 KB long */
		uint64_t f = rnd(&t->rng) % (TEXT_BYTES / 256);
		t->pc = TEXT_VA + f * 256;
		t->func_end = t->pc + 1024 + (rnd(&t->rng) % 4) * 256;
		if (t->func_end > TEXT_VA + TEXT_BYTES)
			t->func_end = TEXT_VA + TEXT_BYTES;
	}
	if ((t->pc & (g->psize - 1)) + len * 4 > g->psize)   /* runs stay in a page */
		len = (g->psize - (t->pc & (g->psize - 1))) / 4;
	push(t, TRC_INSN, 0, 0, (uint32_t)len, t->pc, 0);
	t->pc += len * 4;

	store = (rnd(&t->rng) % 10) < 3;
	if (u < g->p_shared) {
		va = SHARED_VA + (rnd(&t->rng) % (g->shared_pages * g->psize) & ~7ull);
		store = (rnd(&t->rng) % 20) == 0;
	} else if (u < g->p_shared + g->p_random) {
		va = HEAP_VA + (rnd(&t->rng) % (g->heap_pages * g->psize) & ~7ull);
	} else if (u < g->p_shared + g->p_random + 0.35) {
		t->heap_cursor = (t->heap_cursor + 8) % (g->heap_pages * g->psize);
		va = HEAP_VA + t->heap_cursor;
	} else {
		va = STACK_TOP - 256 - (rnd(&t->rng) % 256) * 8;
	}
	if (va >= HEAP_VA && va < HEAP_VA + g->heap_pages * g->psize) {
		uint64_t k = (va - HEAP_VA) >> g->pshift;
		if (!t->heap_mapped[k])
			demand_zero(g, t, asid, k);
	}
	push(t, store ? TRC_STORE : TRC_LOAD, 0, 8, 0, va, 0);
	if (t->refs_left)
		t->refs_left--;
}

/* The PTEs a process starts with: text, stack, shared region. */
static void setup_pte(struct synth *g, struct sstream *t, uint32_t asid, uint64_t i)
{
	uint64_t vpn, gppn;
	unsigned prot = TRC_PROT_VALID;
	if (i < g->text_pages) {
		vpn = (TEXT_VA >> g->pshift) + i;
		gppn = g->text_gppn0 + i;
	} else if ((i -= g->text_pages) < g->stack_pages) {
		vpn = ((STACK_TOP - STACK_BYTES) >> g->pshift) + i;
		gppn = t->stack_gppn0 + i;
		prot |= TRC_PROT_WRITE;
	} else {
		i -= g->stack_pages;
		vpn = (SHARED_VA >> g->pshift) + i;
		gppn = g->shared_gppn0 + i;
		prot |= TRC_PROT_WRITE;
	}
	push(t, TRC_PTE_SET, 0, prot, asid, vpn, gppn);
}

static int synth_generate(void *st, uint32_t s, struct trc_rec *buf, size_t max, size_t *n,
			  struct sim_err *err)
{
	struct synth *g = st;
	struct sstream *t = &g->s[s];
	uint32_t asid = s + 1;
	size_t k = 0;

	while (k < max) {
		if (t->ipend < t->npend) {
			size_t take = (size_t)(t->npend - t->ipend);
			if (take > max - k)
				take = max - k;
			memcpy(buf + k, t->pend + t->ipend, take * sizeof *buf);
			t->ipend += (int)take;
			k += take;
			continue;
		}
		t->npend = t->ipend = 0;
		if (t->done)
			break;
		if (t->setup_i == 0)
			push(t, TRC_ASID, 0, 0, asid, 0, 0);
		if (t->setup_i < t->setup_n) {
			while (t->setup_i < t->setup_n && t->npend < g->pend_cap - 1)
				setup_pte(g, t, asid, t->setup_i++);
			continue;
		}
		if (t->refs_left == 0) {
			t->done = 1;
			continue;
		}
		/* a batch of work, bounded so that it fits the pending queue */
		while (t->npend < g->pend_cap - g->pend_room && t->refs_left) {
			if (--t->to_syscall == 0) {
				t->to_syscall = g->syscall_interval;
				syscall_read(g, t, asid);
			} else {
				user_step(g, t, asid);
			}
		}
	}
	*n = k;
	return SIM_OK;
}

static void synth_destroy(void *st)
{
	struct synth *g = st;
	if (!g)
		return;
	if (g->s)
		for (int i = 0; i < g->n; i++) {
			sim_free(g->s[i].heap_mapped);
			sim_free(g->s[i].pend);
		}
	sim_free(g->s);
	sim_free(g);
}

static int synth_create(void **st, const cfg *c, uint32_t *nstreams, struct sim_err *err)
{
	struct synth *g = sim_calloc(1, sizeof *g);
	uint64_t vm, guest_pages, need, refs;
	double scale = cfg_real(c, "capture.scale");

	*st = NULL;
	if (!g)
		return sim_errf(err, SIM_ENOMEM, "out of memory creating the synthetic guest");
	g->n = (int)cfg_int(c, "capture.cpus");
	g->psize = (uint64_t)cfg_int(c, "machine.page_size");
	g->pshift = (unsigned)__builtin_ctzll(g->psize);
	g->text_pages = TEXT_BYTES / g->psize;
	g->stack_pages = STACK_BYTES / g->psize;
	g->heap_pages = ((uint64_t)cfg_int(c, "capture.synth.footprint") + g->psize - 1) / g->psize;
	g->shared_pages = ((uint64_t)cfg_int(c, "capture.synth.shared_size") + g->psize - 1) / g->psize;
	g->p_random = cfg_real(c, "capture.synth.random");
	g->p_shared = g->n > 1 ? cfg_real(c, "capture.synth.shared") : 0.0;
	g->syscall_interval = (uint64_t)cfg_int(c, "capture.synth.syscall_interval");
	g->hal_disco = strcmp(cfg_str(c, "capture.hal"), "disco") == 0;
	/* the largest step: a system call whose buffer takes a demand-zero
	 * fault (two records per zeroed line) and a user step that does too */
	g->pend_room = (int)(2 * (2 * (g->psize / 32) + 300));
	g->pend_cap = 4 * g->pend_room;
	g->text_gppn0 = (KERNEL_BYTES + BUFCACHE_BYTES) / g->psize;
	g->shared_gppn0 = g->text_gppn0 + g->text_pages;
	g->user_gppn0 = g->shared_gppn0 + g->shared_pages;
	g->per_vcpu_pages = g->stack_pages + g->heap_pages;
	vm = (uint64_t)cfg_int(c, "vm.mem.size");
	if (vm == 0)
		vm = (uint64_t)cfg_int(c, "machine.mem.size");
	guest_pages = vm / g->psize;
	need = g->user_gppn0 + (uint64_t)g->n * g->per_vcpu_pages +
	       (uint64_t)cfg_int(c, "guest.pt_pool_pages");
	if (need > guest_pages) {
		sim_errf(err, SIM_EINVAL,
			 "the synthetic guest needs %llu pages of %llu bytes but the VM has %llu "
			 "(lower capture.synth.footprint or capture.cpus, or raise vm.mem.size)",
			 (unsigned long long)need, (unsigned long long)g->psize,
			 (unsigned long long)guest_pages);
		synth_destroy(g);
		return SIM_EINVAL;
	}
	refs = (uint64_t)(cfg_real(c, "capture.synth.refs") * scale);
	if (refs == 0)
		refs = 1;
	g->s = sim_calloc((size_t)g->n, sizeof *g->s);
	if (!g->s) {
		synth_destroy(g);
		return sim_errf(err, SIM_ENOMEM, "out of memory creating the synthetic guest");
	}
	for (int i = 0; i < g->n; i++) {
		struct sstream *t = &g->s[i];
		t->rng = (uint64_t)cfg_int(c, "capture.seed") * 1000003u + (uint64_t)i;
		t->refs_left = refs;
		t->setup_n = g->text_pages + g->stack_pages + g->shared_pages;
		t->pc = TEXT_VA;
		t->func_end = TEXT_VA + 1024;
		t->to_syscall = g->syscall_interval;
		t->stack_gppn0 = g->user_gppn0 + (uint64_t)i * g->per_vcpu_pages;
		t->heap_gppn0 = t->stack_gppn0 + g->stack_pages;
		t->heap_mapped = sim_calloc((size_t)g->heap_pages, 1);
		t->pend = sim_malloc((size_t)g->pend_cap * sizeof *t->pend);
		if (!t->heap_mapped || !t->pend) {
			synth_destroy(g);
			return sim_errf(err, SIM_ENOMEM, "out of memory creating the synthetic guest");
		}
	}
	*nstreams = (uint32_t)g->n;
	*st = g;
	return SIM_OK;
}

const struct cap_guest_ops cap_guest_synthetic = {
	"synthetic",
	"a parametric program on a minimal kernel (capture.synth.*): not one of the paper's workloads",
	synth_create, synth_generate, synth_destroy, NULL,
};

static const struct param_def defs[] = {
	{ "capture.workload", PARAM_STR, "synthetic", 0, 0, NULL, "", "the workload a trace was captured from" },
	{ "capture.guest", PARAM_CHOICE, "synthetic", 0, 0, cap_guest_choices, "",
	  "the guest model that runs the workload (a workload file sets it)" },
	{ "capture.mode", PARAM_CHOICE, "native", 0, 0, "native,disco,uma,plain", "",
	  "the mode a capture runs in; a replay without --mode uses its trace's" },
	{ "capture.hal", PARAM_CHOICE, "plain", 0, 0, "plain,disco", "",
	  "the guest's HAL: unmodified, or Disco-aware (monitor calls, paper 4.3.3)" },
	{ "capture.cpus", PARAM_INT, "1", 1, 1024, NULL, "", "the guest's virtual CPUs (trace streams)" },
	{ "capture.vms", PARAM_INT, "1", 1, 64, NULL, "",
	  "virtual machines, each its own guest, that share capture.cpus equally (VM-major streams); "
	  "sets vm.vcpus for the replay" },
	{ "capture.scale", PARAM_REAL, "1", 1e-6, 1e6, NULL, "", "shrinks or grows a workload's length without changing its character" },
	{ "capture.seed", PARAM_INT, "1", 0, 4294967295.0, NULL, "", "seed of the guest model's random choices" },
	{ "capture.synth.refs", PARAM_REAL, "2000000", 1, 1e12, NULL, "references",
	  "synthetic guest: user data references per vCPU at scale 1" },
	{ "capture.synth.footprint", PARAM_SIZE, "4M", 4096, 64.0 * 1024 * 1024 * 1024, NULL, "bytes",
	  "synthetic guest: heap per process" },
	{ "capture.synth.random", PARAM_REAL, "0.05", 0, 1, NULL, "", "synthetic guest: share of references random over the heap" },
	{ "capture.synth.shared", PARAM_REAL, "0.05", 0, 0.6, NULL, "", "synthetic guest: share of references to the region all processes share" },
	{ "capture.synth.shared_size", PARAM_SIZE, "256K", 4096, 1024.0 * 1024 * 1024, NULL, "bytes",
	  "synthetic guest: size of the shared region" },
	{ "capture.synth.syscall_interval", PARAM_INT, "5000", 1, 1e12, NULL, "references",
	  "synthetic guest: user references between two system calls" },
};

const struct param_table capture_param_table = { "capture", defs, sizeof defs / sizeof defs[0] };
