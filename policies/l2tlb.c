/*
 * Second-level software TLB organizations (paper 4.2.2): a cache of the
 * translations the monitor placed in the TLB, consulted on every TLB miss
 * before the guest is entered.
 *
 * off: nothing is cached; every miss goes to the guest's handler.
 *
 * set-assoc: policy.l2tlb.entries entries in sets of policy.l2tlb.ways,
 * indexed by a hash of (vpn / 2, asid), LRU within a set.  An entry is what
 * a TLB write writes and what a hit places back in the TLB: an R10000 entry,
 * the translations of an even/odd page pair (4.2.2: "place the cached
 * mapping in the TLB"), each half valid on its own.  Invariants: a (asid,
 * vpn / 2) pair is in at most one way of its set; an entry with no valid
 * half is free (stamp 0).
 *
 * The monitor asks about one pair several times per TLB miss (the probe's
 * compares, the lookup, the insert of each half): the last search's answer
 * is kept (memo) until an insert, invalidation or flush changes what a
 * search would find; a hit's new stamp does not.
 */
#include <string.h>

#include "base/mem.h"
#include "policies/policy.h"

static int off_create(void **st, const cfg *c, struct sim_err *err) { *st = NULL; return SIM_OK; }
static int off_lookup(void *st, uint32_t asid, uint64_t vpn, uint64_t *mpn, int *w) { return 0; }
static void off_insert(void *st, uint32_t asid, uint64_t vpn, uint64_t mpn, int w) {}
static void off_invalidate(void *st, uint32_t asid, uint64_t vpn) {}
static void off_flush(void *st) {}
static void off_destroy(void *st) {}
static uint32_t off_slot(void *st, uint32_t asid, uint64_t vpn, uint64_t *first)
{
	*first = 0;
	return 0;
}

const struct pol_l2tlb_ops l2tlb_off = {
	"off", "no second-level TLB: every TLB miss enters the guest's handler",
	off_create, off_lookup, off_insert, off_invalidate, off_flush, off_destroy, off_slot, NULL,
};

struct sa {
	uint32_t sets_mask;        /* sets - 1; sets a power of two */
	uint32_t ways;
	uint64_t tick;             /* LRU clock */
	uint64_t *vpn2;            /* [sets * ways] the pair: vpn / 2 */
	uint64_t (*mpn)[2];        /* per half */
	uint64_t *stamp;           /* last use; 0: invalid */
	uint32_t *asid;
	uint8_t *valid;            /* bit h: half h is valid */
	uint8_t *writable;         /* bit h: half h may be written */
	/* the last search: sa_find(memo_asid, memo_vpn2) = memo_i, while memo_ok */
	int memo_ok;
	uint32_t memo_asid;
	uint64_t memo_vpn2;
	long memo_i;
};

static void sa_free(struct sa *s)
{
	sim_free(s->vpn2); sim_free(s->mpn); sim_free(s->stamp);
	sim_free(s->asid); sim_free(s->valid); sim_free(s->writable); sim_free(s);
}

static int sa_create(void **st, const cfg *c, struct sim_err *err)
{
	int64_t entries = cfg_int(c, "policy.l2tlb.entries");
	int64_t ways = cfg_int(c, "policy.l2tlb.ways");
	uint64_t sets;
	struct sa *s;

	if (ways > entries || entries % ways != 0)
		return sim_errf(err, SIM_EINVAL,
				"policy.l2tlb.entries (%lld) must be a multiple of policy.l2tlb.ways (%lld)",
				(long long)entries, (long long)ways);
	sets = (uint64_t)(entries / ways);
	if (sets & (sets - 1))
		return sim_errf(err, SIM_EINVAL,
				"policy.l2tlb.entries / policy.l2tlb.ways = %llu sets; must be a power of two",
				(unsigned long long)sets);
	s = sim_calloc(1, sizeof *s);
	if (!s)
		return sim_errf(err, SIM_ENOMEM, "out of memory creating the L2TLB");
	s->sets_mask = (uint32_t)(sets - 1);
	s->ways = (uint32_t)ways;
	s->vpn2 = sim_calloc((size_t)entries, sizeof *s->vpn2);
	s->mpn = sim_calloc((size_t)entries, sizeof *s->mpn);
	s->stamp = sim_calloc((size_t)entries, sizeof *s->stamp);
	s->asid = sim_calloc((size_t)entries, sizeof *s->asid);
	s->valid = sim_calloc((size_t)entries, sizeof *s->valid);
	s->writable = sim_calloc((size_t)entries, sizeof *s->writable);
	if (!s->vpn2 || !s->mpn || !s->stamp || !s->asid || !s->valid || !s->writable) {
		sa_free(s);
		return sim_errf(err, SIM_ENOMEM, "out of memory creating the L2TLB");
	}
	*st = s;
	return SIM_OK;
}

static inline uint32_t sa_set(const struct sa *s, uint32_t asid, uint64_t vpn2)
{
	uint64_t h = (vpn2 ^ ((uint64_t)asid << 7)) * 0x9E3779B97F4A7C15ull;
	return (uint32_t)(h >> 40) & s->sets_mask;
}

static inline void sa_memo(struct sa *s, uint32_t asid, uint64_t vpn2, long i)
{
	s->memo_ok = 1;
	s->memo_asid = asid;
	s->memo_vpn2 = vpn2;
	s->memo_i = i;
}

static long sa_find(struct sa *s, uint32_t asid, uint64_t vpn2)
{
	size_t base;
	long i = -1;
	if (s->memo_ok && s->memo_vpn2 == vpn2 && s->memo_asid == asid)
		return s->memo_i;
	base = (size_t)sa_set(s, asid, vpn2) * s->ways;
	for (size_t w = 0; w < s->ways; w++)
		if (s->stamp[base + w] && s->vpn2[base + w] == vpn2 && s->asid[base + w] == asid) {
			i = (long)(base + w);
			break;
		}
	sa_memo(s, asid, vpn2, i);
	return i;
}

static int sa_lookup(void *st, uint32_t asid, uint64_t vpn, uint64_t *mpn, int *writable)
{
	struct sa *s = st;
	unsigned h = (unsigned)(vpn & 1);
	long i = sa_find(s, asid, vpn >> 1);
	if (i < 0 || !(s->valid[i] >> h & 1))
		return 0;
	s->stamp[i] = ++s->tick;
	*mpn = s->mpn[i][h];
	*writable = s->writable[i] >> h & 1;
	return 1;
}

static void sa_insert(void *st, uint32_t asid, uint64_t vpn, uint64_t mpn, int writable)
{
	struct sa *s = st;
	unsigned h = (unsigned)(vpn & 1);
	long i = sa_find(s, asid, vpn >> 1);
	if (i < 0) {
		size_t base = (size_t)sa_set(s, asid, vpn >> 1) * s->ways;
		i = (long)base;
		for (size_t w = 1; w < s->ways; w++)
			if (s->stamp[base + w] < s->stamp[i])
				i = (long)(base + w);
		s->valid[i] = s->writable[i] = 0;
		s->vpn2[i] = vpn >> 1;
		s->asid[i] = asid;
	}
	s->mpn[i][h] = mpn;
	s->valid[i] |= (uint8_t)(1u << h);
	s->writable[i] = (uint8_t)((s->writable[i] & ~(1u << h)) | (writable != 0) << h);
	s->stamp[i] = ++s->tick;
	sa_memo(s, asid, vpn >> 1, i);   /* entry i is the pair's now, perhaps the memo's no more */
}

static void sa_invalidate(void *st, uint32_t asid, uint64_t vpn)
{
	struct sa *s = st;
	long i = sa_find(s, asid, vpn >> 1);
	if (i < 0)
		return;
	s->valid[i] &= (uint8_t)~(1u << (vpn & 1));
	if (!s->valid[i]) {
		s->stamp[i] = 0;
		s->memo_ok = 0;
	}
}

static void sa_flush(void *st)
{
	struct sa *s = st;
	memset(s->stamp, 0, (size_t)(s->sets_mask + 1) * s->ways * sizeof *s->stamp);
	s->memo_ok = 0;
}

static uint32_t sa_slot(void *st, uint32_t asid, uint64_t vpn, uint64_t *first)
{
	const struct sa *s = st;
	*first = (uint64_t)sa_set(s, asid, vpn >> 1) * s->ways;
	return s->ways;
}

static uint32_t sa_compared(void *st, uint32_t asid, uint64_t vpn)
{
	struct sa *s = st;
	long i = sa_find(s, asid, vpn >> 1);
	return i < 0 ? s->ways : (uint32_t)(i % s->ways) + 1;
}

static void sa_destroy(void *st)
{
	if (st)
		sa_free(st);
}

const struct pol_l2tlb_ops l2tlb_set_assoc = {
	"set-assoc", "policy.l2tlb.entries entries, each an even/odd page pair as a TLB write "
	"writes it; policy.l2tlb.ways ways, LRU, hashed by VPN/2 and ASID",
	sa_create, sa_lookup, sa_insert, sa_invalidate, sa_flush, sa_destroy, sa_slot, sa_compared,
};
