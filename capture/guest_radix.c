/*
 * Radix: NOTES ON THE DESIGN.
 *
 * The program is SPLASH-2's radix sort (Woo et al. 1995) as the paper ran
 * it (5.1: "-n4194304 -r256 -m1073741824"): capture.radix.keys keys below
 * capture.radix.max_key, sorted capture.radix.radix ways per pass, so
 * ceil(log2(max_key) / log2(radix)) passes (4 of 8 bits for the paper's).
 * One thread per vCPU, all in one address space (the SPLASH-2 runtime,
 * capture/guest_splash.c, on SPLASHOS or IRIX).  Each thread owns the
 * keys [t n / P, (t + 1) n / P) of the source array; it fills them with
 * random keys, then per pass:
 *   histogram  its keys' digits counted into its row of rank_me[P][radix];
 *   barrier;
 *   prefix     its starting offset for each digit, read from every row;
 *   barrier;
 *   permute    each key stored at its digit's next offset in the
 *              destination array: a scattered write over the whole array;
 *   barrier;   the arrays swap.
 * The keys and their digits pass after pass are computed when the guest is
 * made (the sort is run once in full), so every thread's references are
 * fixed by the seed whatever the timing; only which thread faults a page
 * first depends on it, as on a real machine.
 *
 * Generation: a step is a few dozen keys (RX_KEYS_PER_STEP).  On IRIX a
 * step that faults is taken back with the thread's state (radix_save,
 * radix_undo); the threads share nothing the program writes but memory.
 *
 * Not modelled: stacks (the loops keep their state in registers).
 */
#include <string.h>

#include "capture/guest_os.h"
#include "capture/guest_splash.h"

#define RX_GLOBAL 0x00800000ull  /* rank_me[P][radix], then each thread's rank_ff */
#define RX_KEYS 0x01000000ull    /* the two key arrays, each on a 1 MB boundary */
#define RX_TEXT_SIZE 0x4000ull
#define RX_INIT_PC (SPLASH_TEXT + 0x0000)
#define RX_HIST_PC (SPLASH_TEXT + 0x0400)
#define RX_PREFIX_PC (SPLASH_TEXT + 0x0800)
#define RX_PERM_PC (SPLASH_TEXT + 0x0c00)
#define RX_KEYS_PER_STEP 32

enum { PH_INIT, PH_CLEAR, PH_HIST, PH_PREFIX, PH_PERM, PH_BARRIER, PH_DONE };

struct radix_thread {
	int phase, after;           /* after: the phase a barrier leads to */
	int pass;
	uint64_t j, lo, hi;         /* next key; the thread's range */
	uint32_t *next;             /* [radix] next destination of each digit this pass */
};

struct radix {
	int passes;
	uint64_t n, radix, shift;   /* keys, radix, bits per pass */
	uint64_t init_insns, hist_insns, perm_insns, prefix_insns;
	uint64_t array_bytes;       /* one key array, rounded to 1 MB */
	uint8_t *digit;             /* [passes * n] the digit of the key at position i of pass k's source */
	uint32_t *start;            /* [passes * P * radix] thread p's first destination for digit d */
	int nthreads;
	struct radix_thread *th;    /* [nthreads] */
	/* irix: the stepping thread's state at the step's start, to take the step back */
	struct radix_thread save;
	uint32_t *save_next;        /* [radix] */
};

static void radix_free(void *state)
{
	struct radix *r = state;
	if (!r)
		return;
	for (int t = 0; r->th && t < r->nthreads; t++)
		sim_free(r->th[t].next);
	sim_free(r->th);
	sim_free(r->save_next);
	sim_free(r->digit);
	sim_free(r->start);
	sim_free(r);
}

/* Sort the keys once: each pass's digits by position, and each thread's
 * first destination per digit. */
static int run_sort(struct radix *x, int nthreads, uint64_t seed, uint64_t max_key, struct sim_err *err)
{
	uint64_t n = x->n, P = (uint64_t)nthreads, R = x->radix, rng = seed * 2654435761u + 1;
	uint32_t *a = sim_malloc(n * sizeof *a), *b = sim_malloc(n * sizeof *b);
	uint64_t *cnt = sim_calloc(P * R, sizeof *cnt);
	int rc = SIM_OK;

	x->digit = sim_malloc((size_t)x->passes * n);
	x->start = sim_malloc((size_t)x->passes * P * R * sizeof *x->start);
	if (!a || !b || !cnt || !x->digit || !x->start) {
		rc = sim_errf(err, SIM_ENOMEM, "out of memory sorting the radix keys");
		goto out;
	}
	for (uint64_t i = 0; i < n; i++)
		a[i] = (uint32_t)(sim_rng_next(&rng) % max_key);
	for (int k = 0; k < x->passes; k++) {
		uint8_t *dg = x->digit + (size_t)k * n;
		uint32_t *st = x->start + (size_t)k * P * R;
		uint64_t off = 0;
		memset(cnt, 0, P * R * sizeof *cnt);
		for (uint64_t p = 0; p < P; p++)
			for (uint64_t i = p * n / P; i < (p + 1) * n / P; i++) {
				dg[i] = (uint8_t)((a[i] >> (k * x->shift)) & (R - 1));
				cnt[p * R + dg[i]]++;
			}
		for (uint64_t d = 0; d < R; d++)
			for (uint64_t p = 0; p < P; p++) {
				st[p * R + d] = (uint32_t)off;
				off += cnt[p * R + d];
			}
		for (uint64_t p = 0; p < P; p++) {
			uint64_t pos[256];
			for (uint64_t d = 0; d < R; d++)
				pos[d] = st[p * R + d];
			for (uint64_t i = p * n / P; i < (p + 1) * n / P; i++)
				b[pos[dg[i]]++] = a[i];
		}
		{
			uint32_t *s = a;
			a = b;
			b = s;
		}
	}
	for (uint64_t i = 1; i < n; i++)
		if (a[i - 1] > a[i]) {
			rc = sim_errf(err, SIM_EINTERNAL, "radix: the keys did not come out sorted");
			break;
		}
out:
	sim_free(a);
	sim_free(b);
	sim_free(cnt);
	return rc;
}

/* Radix's sizes: the keys (capture.scale scales their count), the passes,
 * the layout; the sort run once. */
static int radix_sizes(struct radix *r, struct splash *x, const cfg *c, struct sim_err *err)
{
	uint64_t max_key = (uint64_t)cfg_int(c, "capture.radix.max_key"), bits, P = (uint64_t)x->nthreads;
	double scale = cfg_real(c, "capture.scale");
	unsigned pshift = (unsigned)__builtin_ctzll((uint64_t)cfg_int(c, "machine.page_size"));

	r->radix = (uint64_t)cfg_int(c, "capture.radix.radix");
	if (r->radix < 2 || r->radix > 256 || (r->radix & (r->radix - 1)))
		return sim_errf(err, SIM_EINVAL, "capture.radix.radix = %llu: a power of two from 2 to 256",
				(unsigned long long)r->radix);
	r->shift = (uint64_t)__builtin_ctzll(r->radix);
	for (bits = 0; bits < 32 && (1ull << bits) < max_key; bits++)
		;
	r->passes = (int)((bits + r->shift - 1) / r->shift);
	if (r->passes < 1)
		r->passes = 1;
	/* capture.scale scales the key count (at least a key per thread and digit) */
	r->n = (uint64_t)((double)cfg_int(c, "capture.radix.keys") * scale + 0.5);
	if (r->n < P * r->radix)
		r->n = P * r->radix;
	r->init_insns = (uint64_t)cfg_int(c, "capture.radix.init_insns");
	r->hist_insns = (uint64_t)cfg_int(c, "capture.radix.hist_insns");
	r->perm_insns = (uint64_t)cfg_int(c, "capture.radix.perm_insns");
	r->prefix_insns = (uint64_t)cfg_int(c, "capture.radix.prefix_insns");
	r->array_bytes = (r->n * 4 + 0xfffff) & ~0xfffffull;
	x->upages = (RX_KEYS + 2 * r->array_bytes - SPLASH_TEXT) >> pshift;
	x->text_pages = RX_TEXT_SIZE >> pshift;
	if (!x->irix && RX_KEYS + 2 * r->array_bytes >
			     (cfg_int(c, "vm.mem.size") ? (uint64_t)cfg_int(c, "vm.mem.size")
							: (uint64_t)cfg_int(c, "machine.mem.size")))
		return sim_errf(err, SIM_EINVAL, "SPLASHOS maps virtual pages one to one on the VM's "
				"memory, which is too small for %llu keys (raise vm.mem.size)",
				(unsigned long long)r->n);
	if (P * r->radix * 4 > 0x10000 || RX_GLOBAL + 0x10000 + P * 0x1000 > RX_KEYS)
		return sim_errf(err, SIM_EINVAL, "radix: %llu threads are more than the layout holds",
				(unsigned long long)P);
	return run_sort(r, x->nthreads, (uint64_t)cfg_int(c, "capture.seed"), max_key, err);
}

static int insn(struct splash *x, int t, uint64_t pc, uint64_t n) { return splash_insn(x, t, pc, n); }

/* A 4-byte key or count, by thread t. */
static int ref(struct splash *x, int t, int store, uint64_t va)
{
	return splash_ref(x, t, store, va, 4);
}

static uint64_t key_va(const struct radix *x, int array, uint64_t i)
{
	return RX_KEYS + (uint64_t)array * x->array_bytes + i * 4;
}

static uint64_t rank_me_va(const struct radix *x, int t, uint64_t d)
{
	return RX_GLOBAL + ((uint64_t)t * x->radix + d) * 4;
}

static uint64_t rank_ff_va(int t, uint64_t d) { return RX_GLOBAL + 0x10000 + (uint64_t)t * 0x1000 + d * 4; }

/* One step of thread t: a few keys of its current phase, or a barrier. */
static int radix_step(struct splash *x, int t)
{
	struct radix *r = x->state;
	struct radix_thread *h = &r->th[t];
	int src = h->pass & 1, rc = SIM_OK;
	uint64_t end = h->j + RX_KEYS_PER_STEP < h->hi ? h->j + RX_KEYS_PER_STEP : h->hi;
	const uint8_t *dg = r->digit + (size_t)h->pass * r->n;

	switch (h->phase) {
	case PH_INIT:
		for (; h->j < end && !rc; h->j++)
			if (!(rc = insn(x, t, RX_INIT_PC, r->init_insns)))
				rc = ref(x, t, 1, key_va(r, 0, h->j));
		if (h->j == h->hi) {
			h->phase = PH_BARRIER;
			h->after = PH_CLEAR;
		}
		break;
	case PH_CLEAR:
		for (uint64_t d = 0; d < r->radix && !rc; d++)
			if (!(rc = insn(x, t, RX_HIST_PC - 0x40, 2)))
				rc = ref(x, t, 1, rank_me_va(r, t, d));
		h->j = h->lo;
		h->phase = PH_HIST;
		break;
	case PH_HIST:
		for (; h->j < end && !rc; h->j++) {
			uint64_t d = dg[h->j];
			if (!(rc = insn(x, t, RX_HIST_PC, r->hist_insns)) &&
			    !(rc = ref(x, t, 0, key_va(r, src, h->j))) &&
			    !(rc = ref(x, t, 0, rank_me_va(r, t, d))))
				rc = ref(x, t, 1, rank_me_va(r, t, d));
		}
		if (h->j == h->hi) {
			h->phase = PH_BARRIER;
			h->after = PH_PREFIX;
		}
		break;
	case PH_PREFIX: {
		/* its offset for each digit: every thread's count of the smaller
		 * digits, and the lower threads' of this one */
		const uint32_t *st = r->start + ((size_t)h->pass * (size_t)x->nthreads + (size_t)t) * r->radix;
		for (uint64_t d = 0; d < r->radix && !rc; d++) {
			for (int p = 0; p < x->nthreads && !rc; p++)
				if (!(rc = insn(x, t, RX_PREFIX_PC, r->prefix_insns)))
					rc = ref(x, t, 0, rank_me_va(r, p, d));
			if (!rc)
				rc = ref(x, t, 1, rank_ff_va(t, d));
			h->next[d] = st[d];
		}
		h->j = h->lo;
		h->phase = PH_BARRIER;
		h->after = PH_PERM;
		break;
	}
	case PH_PERM:
		for (; h->j < end && !rc; h->j++) {
			uint64_t d = dg[h->j];
			if (!(rc = insn(x, t, RX_PERM_PC, r->perm_insns)) &&
			    !(rc = ref(x, t, 0, key_va(r, src, h->j))) &&
			    !(rc = ref(x, t, 0, rank_ff_va(t, d))) &&
			    !(rc = ref(x, t, 1, key_va(r, !src, h->next[d]))))
				rc = ref(x, t, 1, rank_ff_va(t, d));
			h->next[d]++;
		}
		if (h->j == h->hi) {
			h->phase = PH_BARRIER;
			h->after = ++h->pass < r->passes ? PH_CLEAR : PH_DONE;
		}
		break;
	case PH_BARRIER:
		/* barrier number: 0 after the fill, then three a pass */
		rc = splash_barrier(x, t, h->after == PH_PREFIX ? 1 + 3 * h->pass
			      : h->after == PH_PERM ? 2 + 3 * h->pass
						    : 3 * h->pass);
		h->phase = h->after;
		if (h->phase == PH_DONE)
			x->th[t].done = 1;
		break;
	}
	return rc;
}

/* The program's state: its sizes, the sort run once, each thread's
 * range. */
static int radix_create(struct splash *x, const cfg *c, struct sim_err *err)
{
	struct radix *r = sim_calloc(1, sizeof *r);
	uint64_t P = (uint64_t)x->nthreads;
	int rc;

	if (!r)
		return sim_errf(err, SIM_ENOMEM, "out of memory creating the radix guest");
	x->state = r;
	r->nthreads = x->nthreads;
	r->th = sim_calloc((size_t)P, sizeof *r->th);
	if (!r->th)
		return sim_errf(err, SIM_ENOMEM, "out of memory creating the radix guest");
	if ((rc = radix_sizes(r, x, c, err)) != SIM_OK)
		return rc;
	if (x->irix && !(r->save_next = sim_calloc((size_t)r->radix, sizeof *r->save_next)))
		return sim_errf(err, SIM_ENOMEM, "out of memory creating the radix guest");
	for (int t = 0; t < x->nthreads; t++) {
		struct radix_thread *h = &r->th[t];
		h->lo = (uint64_t)t * r->n / P;
		h->hi = (uint64_t)(t + 1) * r->n / P;
		h->j = h->lo;
		h->phase = PH_INIT;
		if (!(h->next = sim_calloc((size_t)r->radix, sizeof *h->next)))
			return sim_errf(err, SIM_ENOMEM, "out of memory creating the radix guest");
	}
	return SIM_OK;
}

/* Thread t's state at the step's start (IRIX), and the step taken back. */
static void radix_save(struct splash *x, int t)
{
	struct radix *r = x->state;
	r->save = r->th[t];
	memcpy(r->save_next, r->th[t].next, (size_t)r->radix * sizeof *r->save_next);
}

static void radix_undo(struct splash *x, int t)
{
	struct radix *r = x->state;
	r->th[t] = r->save;
	memcpy(r->th[t].next, r->save_next, (size_t)r->radix * sizeof *r->save_next);
}

const struct splash_prog splash_radix = {
	"radix", radix_create, radix_step, radix_save, radix_undo, radix_free,
};

/* Sources: paper 5.1 (the command line -n4194304 -r256 -m1073741824); the
 * loops' instruction counts are assumed from SPLASH-2 radix.C's inner loops
 * (a load, a shift and mask, an index, an increment and a store per key in
 * the histogram; two loads, two stores and the arithmetic in the
 * permutation). */
static const struct param_def defs[] = {
	{ "capture.radix.keys", PARAM_INT, "4194304", 1, 1e9, NULL, "keys",
	  "keys to sort at capture.scale 1 (paper 5.1: -n4194304); scaled by capture.scale" },
	{ "capture.radix.radix", PARAM_INT, "256", 2, 256, NULL, "",
	  "the radix, a power of two (paper 5.1: -r256)" },
	{ "capture.radix.max_key", PARAM_INT, "1073741824", 2, 4294967295.0, NULL, "",
	  "keys are below this (paper 5.1: -m1073741824), which sets the number of passes" },
	{ "capture.radix.init_insns", PARAM_INT, "12", 1, 1e6, NULL, "instructions",
	  "per key filled with a random value (assumed: SPLASH-2's generator)" },
	{ "capture.radix.hist_insns", PARAM_INT, "6", 1, 1e6, NULL, "instructions",
	  "per key counted in the histogram (assumed: radix.C's loop)" },
	{ "capture.radix.perm_insns", PARAM_INT, "9", 1, 1e6, NULL, "instructions",
	  "per key moved in the permutation (assumed: radix.C's loop)" },
	{ "capture.radix.prefix_insns", PARAM_INT, "3", 1, 1e6, NULL, "instructions",
	  "per histogram entry read in the prefix (assumed)" },
};

const struct param_table guest_radix_param_table = { "capture.radix", defs, sizeof defs / sizeof defs[0] };
