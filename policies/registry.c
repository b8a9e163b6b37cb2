/*
 * The policy registry: every policy of every kind, by name.  Adding a policy
 * is its const ops table (in the file of its kind, or one of its own) plus
 * one line here, in the array of its kind.  Everything else is derived from
 * these arrays: the choices of policy.<kind> (so 'disco params', --policy,
 * errors and help list it) are built from the ops tables' names when the
 * program starts.
 */
#include <stdio.h>
#include <string.h>

#include "policies/policy.h"

extern const struct pol_placement_ops place_first_touch, place_round_robin,
	place_consecutive, place_node0;
extern const struct pol_sched_ops sched_pinned, sched_round_robin;
extern const struct pol_l2tlb_ops l2tlb_off, l2tlb_set_assoc;
extern const struct pol_migration_ops mig_none, mig_migrate_only, mig_replicate_only, mig_verghese,
	mig_oracle;

/* Each array has room for policies registered at run time (pol_register_*):
 * MAX_POLICIES of a kind in all. */
#define MAX_POLICIES 32
static const struct pol_placement_ops *placements[MAX_POLICIES + 1] = {
	&place_first_touch, &place_round_robin, &place_consecutive, &place_node0, NULL,
};
static const struct pol_sched_ops *scheds[MAX_POLICIES + 1] = { &sched_pinned, &sched_round_robin, NULL };
static const struct pol_l2tlb_ops *l2tlbs[MAX_POLICIES + 1] = { &l2tlb_off, &l2tlb_set_assoc, NULL };
static const struct pol_migration_ops *migrations[MAX_POLICIES + 1] = {
	&mig_none, &mig_migrate_only, &mig_replicate_only, &mig_verghese, &mig_oracle, NULL,
};

/* The choices of each kind, "a,b,c": filled from the arrays above before
 * main (the parameter table below points at them). */
static char placement_names[512], sched_names[512], l2tlb_names[512], migration_names[512];
#define PLACEMENT_NAMES placement_names
#define SCHED_NAMES sched_names
#define L2TLB_NAMES l2tlb_names
#define MIGRATION_NAMES migration_names

static void join(char *buf, size_t n, const char *const *names)
{
	size_t used = 0;
	for (int i = 0; names[i]; i++) {
		int w = snprintf(buf + used, n - used, "%s%s", i ? "," : "", names[i]);
		if (w < 0 || (size_t)w >= n - used)
			break;
		used += (size_t)w;
	}
}

/* names[] of a registry array's entries, joined into out */
#define JOIN_NAMES(arr, out)                                   \
	do {                                                   \
		const char *n[64];                             \
		int k;                                         \
		for (k = 0; arr[k] && k < 63; k++)             \
			n[k] = arr[k]->name;                   \
		n[k] = NULL;                                   \
		join(out, sizeof out, n);                      \
	} while (0)

__attribute__((constructor)) static void build_names(void)
{
	JOIN_NAMES(placements, placement_names);
	JOIN_NAMES(scheds, sched_names);
	JOIN_NAMES(l2tlbs, l2tlb_names);
	JOIN_NAMES(migrations, migration_names);
}

/* A registry array's entry named name, or NULL. */
#define FIND(arr, name)                                        \
	do {                                                   \
		for (int i_ = 0; arr[i_]; i_++)                \
			if (!strcmp(arr[i_]->name, name))      \
				return arr[i_];                \
		return NULL;                                   \
	} while (0)

const struct pol_placement_ops *pol_find_placement(const char *name) { FIND(placements, name); }
const struct pol_sched_ops *pol_find_sched(const char *name) { FIND(scheds, name); }
const struct pol_l2tlb_ops *pol_find_l2tlb(const char *name) { FIND(l2tlbs, name); }
const struct pol_migration_ops *pol_find_migration(const char *name) { FIND(migrations, name); }

/* Append ops to a registry array and rebuild its kind's choices; -1 when
 * it has no name or no create hook (hooks: required), its name is taken,
 * or the array is full. */
#define REGISTER(arr, out, ops, find, hooks)                              \
	do {                                                              \
		int k_ = 0;                                               \
		if (!(ops) || !(ops)->name || !(ops)->create || !(hooks) || \
		    find((ops)->name))                                    \
			return -1;                                        \
		while (arr[k_])                                           \
			k_++;                                             \
		if (k_ >= MAX_POLICIES)                                   \
			return -1;                                        \
		arr[k_] = (ops);                                          \
		arr[k_ + 1] = NULL;                                       \
		JOIN_NAMES(arr, out);                                     \
		return 0;                                                 \
	} while (0)

int pol_register_placement(const struct pol_placement_ops *ops)
{
	REGISTER(placements, placement_names, ops, pol_find_placement, ops->node_for);
}

int pol_register_sched(const struct pol_sched_ops *ops)
{
	REGISTER(scheds, sched_names, ops, pol_find_sched, ops->cpu_for && ops->next_change);
}

int pol_register_l2tlb(const struct pol_l2tlb_ops *ops)
{
	REGISTER(l2tlbs, l2tlb_names, ops, pol_find_l2tlb,
		 ops->lookup && ops->insert && ops->invalidate && ops->flush && ops->slot);
}

int pol_register_migration(const struct pol_migration_ops *ops)
{
	REGISTER(migrations, migration_names, ops, pol_find_migration, 1);
}

static const struct { const char *kind, *param, *names; } kinds[] = {
	{ "placement", "policy.placement", PLACEMENT_NAMES },
	{ "sched", "policy.sched", SCHED_NAMES },
	{ "l2tlb", "policy.l2tlb", L2TLB_NAMES },
	{ "migration", "policy.migration", MIGRATION_NAMES },
};

const char *pol_names(const char *kind)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (!strcmp(kinds[i].kind, kind))
			return kinds[i].names;
	return NULL;
}

const char *pol_kinds(void)
{
	return "placement, sched, l2tlb, migration";
}

const char *pol_kind_name(int i)
{
	return i >= 0 && (size_t)i < sizeof kinds / sizeof kinds[0] ? kinds[i].kind : NULL;
}

const char *pol_kind_param(const char *kind)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (!strcmp(kinds[i].kind, kind))
			return kinds[i].param;
	return NULL;
}

static const struct param_def defs[] = {
	{ "policy.placement", PARAM_CHOICE, "first-touch", 0, 0, PLACEMENT_NAMES, "",
	  "where a guest physical page goes at first touch" },
	{ "policy.placement.color", PARAM_BOOL, "true", 0, 0, NULL, "",
	  "a guest page gets a machine page of its own L2 cache color (natively the physical address is "
	  "the machine address, whose color the hardware indexes by; IRIX colors its pages; under the "
	  "monitor it keeps placement from changing cache conflicts; the paper does not say what Disco does)" },
	{ "policy.sched", PARAM_CHOICE, "pinned", 0, 0, SCHED_NAMES, "", "vCPU -> CPU scheduling" },
	{ "policy.sched.slice_us", PARAM_REAL, "10000", 1, 1e9, NULL, "us",
	  "round-robin time slice (assumed: a 10 ms scheduling quantum, IRIX's default)" },
	{ "policy.l2tlb", PARAM_CHOICE, "set-assoc", 0, 0, L2TLB_NAMES, "",
	  "organization of the monitor's second-level software TLB (paper 4.2.2)" },
	{ "policy.l2tlb.entries", PARAM_INT, "1024", 1, 1 << 24, NULL, "",
	  "L2TLB entries per vCPU, each an even/odd page pair (assumed; the paper gives no size: "
	  "1024 entries of 16 bytes keep the table every TLB miss probes in 16 KB, half the "
	  "R10000's L1 data cache; the report shows the figures at 1K-8K)" },
	{ "policy.l2tlb.ways", PARAM_INT, "4", 1, 64, NULL, "",
	  "L2TLB associativity (Origin's Disco: a set-associative hash table, paper 6.2)" },
	{ "policy.migration", PARAM_CHOICE, "none", 0, 0, MIGRATION_NAMES, "",
	  "page migration and replication under the monitor (paper 4.2.3)" },
	{ "policy.migration.trigger", PARAM_INT, "64", 1, 1 << 30, NULL, "misses",
	  "a page is hot when one node's cache misses to it this interval reach this (derived: the "
	  "misses that repay a move within one interval, a move costing 15-20K cycles in this model "
	  "(the copy's 32 remote and 32 local line misses, shootdowns, pmap work) and a miss made local "
	  "saving 240 (600 ns at 400 MHz): 60-80, taken as 64; the paper's Disco is 'more aggressive' "
	  "than the kernel policy of Verghese et al. 1996 for its cheaper moves; analysis/CALIBRATION.md)" },
	{ "policy.migration.reset_us", PARAM_REAL, "100000", 1, 1e12, NULL, "us",
	  "the miss counters restart from zero this often (assumed: 100 ms)" },
	{ "policy.migration.move_limit", PARAM_INT, "4", 0, 1 << 20, NULL, "moves",
	  "migrations and replica collapses of one page, at most; past it the page stays and gets no new "
	  "replica (assumed; replications do not count: a read-shared page wants a copy on every node "
	  "that reads it)" },
	{ "policy.verghese.sharing", PARAM_INT, "16", 0, 1 << 30, NULL, "misses",
	  "a hot page is shared when other nodes' misses to it reach this (assumed: a quarter of the trigger)" },
	{ "policy.verghese.write", PARAM_INT, "0", 0, 1 << 30, NULL, "stores",
	  "a shared page with more stores than this in the interval is write-shared: not replicated" },
};

const struct param_table policy_param_table = { "policy", defs, sizeof defs / sizeof defs[0] };
