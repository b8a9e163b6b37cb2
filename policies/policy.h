/*
 * Policies: pluggable decisions, each a named const table of function
 * pointers in one registry (policies/registry.c).  A policy is one file plus
 * one line in the registry; its knobs are parameters named policy.<kind>.*.
 * Kinds: placement (guest physical page -> node at first touch), sched
 * (vCPU -> CPU), l2tlb (the monitor's second-level software TLB), migration
 * (move or replicate hot pages).  See
 * policies/README.md for the hooks and how to add one.
 */
#ifndef POLICIES_POLICY_H
#define POLICIES_POLICY_H

#include <stdint.h>

#include "base/err.h"
#include "base/params.h"

/* What a placement policy may look at. */
struct pol_place_view {
	int nnodes;
	uint64_t guest_pages;     /* pages of the VM's physical memory */
};

struct pol_placement_ops {
	const char *name;
	const char *help;
	int (*create)(void **st, const cfg *c, const struct pol_place_view *v, struct sim_err *err);
	/* The node that should hold guest page gppn, first touched by a CPU of
	 * node toucher.  The caller falls back to the next node with free pages
	 * when that node is full. */
	int (*node_for)(void *st, uint64_t gppn, int toucher);
	void (*destroy)(void *st);   /* may be NULL */
};

struct pol_sched_view {
	int ncpus;
	int nvcpus;
	uint64_t slice_cycles;    /* policy.sched.slice_us at the clock */
};

struct pol_sched_ops {
	const char *name;
	const char *help;
	int (*create)(void **st, const cfg *c, const struct pol_sched_view *v, struct sim_err *err);
	/* The CPU that runs vCPU v during the time slice that contains cycle now. */
	int (*cpu_for)(void *st, int vcpu, uint64_t now);
	/* The first cycle after now at which some assignment may change
	 * (UINT64_MAX: never). */
	uint64_t (*next_change)(void *st, uint64_t now);
	void (*destroy)(void *st);
};

/* L2TLB: a software cache of (asid, vpn) -> machine page translations,
 * looked up, inserted and invalidated a page at a time (an organization may
 * hold them as the even/odd pairs a TLB entry maps). */
struct pol_l2tlb_ops {
	const char *name;
	const char *help;
	int (*create)(void **st, const cfg *c, struct sim_err *err);
	int (*lookup)(void *st, uint32_t asid, uint64_t vpn, uint64_t *mpn, int *writable);
	void (*insert)(void *st, uint32_t asid, uint64_t vpn, uint64_t mpn, int writable);
	void (*invalidate)(void *st, uint32_t asid, uint64_t vpn);
	void (*flush)(void *st);
	void (*destroy)(void *st);
	/* Where a lookup of (asid, vpn) looks: the index of the first entry
	 * of its set (*first), and how many entries it compares (0: none, no
	 * table).  The monitor places the entries in memory by this index. */
	uint32_t (*slot)(void *st, uint32_t asid, uint64_t vpn, uint64_t *first);
	/* How many of those entries a lookup of (asid, vpn) compares before
	 * it stops: a probe compares the ways in order and leaves at the one
	 * whose tag matches (its way + 1), or compares them all.  May be NULL:
	 * all of slot()'s entries, hit or miss. */
	uint32_t (*compared)(void *st, uint32_t asid, uint64_t vpn);
};

/* Page migration and replication (paper 4.2.3).  Every hook but create
 * and destroy may be NULL; which are there says what the policy does:
 *   decide        asked about a page whose cache-miss counter for one node
 *                 crossed policy.migration.trigger (NULL: no counter hook);
 *   first_touch   where a page goes when first touched, and which nodes get
 *                 a read-only copy of it at once (NULL: the placement
 *                 policy chooses, no copies);
 *   last_store    (READ_AHEAD) right after the run's last store to a page:
 *                 which nodes get a read-only copy of it now (NULL:
 *                 nothing);
 *   interval_end  called when the miss counters restart, every
 *                 policy.migration.reset_us (the first time the monitor
 *                 runs a vCPU past an interval's end; the end of the run
 *                 is not one): the interval's counts and a way to ask for
 *                 moves (NULL: nothing).
 * A policy with none of the three moves nothing: the monitor keeps no
 * page-movement state for it and never creates it.  Its state (create's
 * *st) is its own across intervals, until destroy.  Gppns here index every
 * VM's pages in turn (a VM's base + its guest page). */
enum { POL_MIG_NONE, POL_MIG_MIGRATE, POL_MIG_REPLICATE };

/* Capabilities a migration policy declares (flags of its ops table). */
enum {
	POL_MIG_READ_AHEAD = 1u << 0,   /* needs the whole run's counts before it starts
					 * (struct pol_profile): the trace is replayed
					 * once ahead, pages left where placement puts
					 * them (replay/profile.c) */
};

/* The counts of a whole run, from the first pass of a READ_AHEAD policy. */
struct pol_profile {
	int nnodes;
	uint64_t guest_pages;
	const uint32_t *misses;    /* [guest_pages * nnodes]: cache misses to a page, by node */
	const uint32_t *writes;    /* [guest_pages]: stores to a page */
	const uint32_t *after;     /* [guest_pages * nnodes]: cache misses to a page, by node,
				    * after its last store (NULL: read as misses) */
};

/* What a migration policy is created with. */
struct pol_mig_view {
	int nnodes;
	uint64_t guest_pages;
	uint64_t interval_cycles;            /* policy.migration.reset_us at the clock */
	const struct pol_profile *profile;   /* READ_AHEAD: the first pass's counts; NULL
					      * otherwise, and when a configuration is
					      * only checked (rpl_check) */
};

struct pol_hot_view {
	uint64_t gppn;
	int hot_node;              /* the node whose counter crossed the trigger */
	int home_node;             /* node of the page's master copy */
	int nnodes;
	const uint32_t *misses;    /* [nnodes]: misses to the page this interval, by node */
	uint32_t writes;           /* stores to the page this interval */
	uint32_t moves;            /* migrations and replications of the page so far */
	int nreplicas;             /* copies besides the master */
	int has_copy_on_hot;       /* the hot node holds a copy already */
};

/* The end of a counter interval, as interval_end sees it (valid during the
 * call only). */
struct pol_interval_view {
	uint64_t index;            /* intervals ended before this one (0: the first) */
	uint64_t start, end;       /* cycles: the interval ran from start to end */
	int nnodes;
	uint64_t guest_pages;
	/* the monitor's counts over the interval (moves asked for at the end
	 * of the one before count here) */
	uint64_t hot_pages;        /* counter notifications */
	uint64_t migrations, replications, collapses;
	const uint32_t *writes;    /* [guest_pages]: stores to each page this interval */
	const uint16_t *moves;     /* [guest_pages]: migrations and collapses so far */
	/* A page's misses this interval by node ([nnodes]), NULL when the page
	 * has no machine page; replicas count on their own copies. */
	const uint32_t *(*page_misses)(const struct pol_interval_view *v, uint64_t gppn);
	/* Ask the monitor to migrate (POL_MIG_MIGRATE) or replicate
	 * (POL_MIG_REPLICATE) page gppn to node, after the hook returns, at the
	 * monitor's cost as for decide's answers.  The monitor moves only a
	 * page's private master copy that has one, to a node of the machine
	 * that holds no copy of it, and migrates no page with replicas; the
	 * move limit is the policy's to keep, as in decide.  Returns 0, or
	 * -1 when the request is not valid or the queue is full (256 requests
	 * per interval). */
	int (*move)(const struct pol_interval_view *v, uint64_t gppn, int action, int node);
	void *ctx;                 /* the monitor's, for the two above */
};

struct pol_migration_ops {
	const char *name;
	const char *help;
	unsigned flags;            /* POL_MIG_READ_AHEAD, ... */
	int (*create)(void **st, const cfg *c, const struct pol_mig_view *v, struct sim_err *err);
	/* POL_MIG_NONE, or MIGRATE / REPLICATE to the node put in *node. */
	int (*decide)(void *st, const struct pol_hot_view *v, int *node);
	/* Page gppn touched for the first time by a CPU of node toucher: the
	 * node for it (-1: the placement policy's choice); replicas[n] set
	 * non-zero for each node n that should get a read-only copy at once
	 * (replicas[nnodes] arrives zeroed; copies are free, as if made before
	 * the run). */
	int (*first_touch)(void *st, uint64_t gppn, int toucher, uint8_t *replicas);
	void (*interval_end)(void *st, const struct pol_interval_view *v);
	/* READ_AHEAD only: the last store of the run to page gppn (as the
	 * profile counted them) has just been made; replicas[n] set non-zero
	 * for each node n that should get a read-only copy now (replicas
	 * arrives zeroed; the copies cost what a replication costs). */
	void (*last_store)(void *st, uint64_t gppn, uint8_t *replicas);
	void (*destroy)(void *st);
};
/* Look a policy up by name; NULL if there is none. */
const struct pol_placement_ops *pol_find_placement(const char *name);
const struct pol_sched_ops *pol_find_sched(const char *name);
const struct pol_l2tlb_ops *pol_find_l2tlb(const char *name);
const struct pol_migration_ops *pol_find_migration(const char *name);

/* Add a policy to its kind's registry at run time (a test's own, or a
 * program's that links the library): it appears in policy.<kind>'s choices
 * (params, --policy, --vary, errors, help) from then on.  Returns 0, or -1
 * when it lacks a name, create or a hook its kind requires (placement:
 * node_for; sched: cpu_for and next_change; l2tlb: every hook but destroy),
 * when its name is taken, or when the kind has 32 policies already.  ops
 * must outlive its use. */
int pol_register_placement(const struct pol_placement_ops *ops);
int pol_register_sched(const struct pol_sched_ops *ops);
int pol_register_l2tlb(const struct pol_l2tlb_ops *ops);
int pol_register_migration(const struct pol_migration_ops *ops);

/* Names of every policy of a kind ("placement", "sched", "l2tlb",
 * "migration"), comma-separated, from the registry; NULL for an unknown
 * kind.  pol_kinds: the kinds, for messages; pol_kind_name(i): the i-th
 * kind, NULL past the last. */
const char *pol_names(const char *kind);
const char *pol_kinds(void);
const char *pol_kind_name(int i);

/* --policy kind=name: the parameter it sets ("policy.placement"), or NULL. */
const char *pol_kind_param(const char *kind);

extern const struct param_table policy_param_table;

#endif
