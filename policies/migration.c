/*
 * Page migration and replication policies (paper 4.2.3, 5.5).  The monitor
 * asks one when a page's cache-miss counter for one node crosses
 * policy.migration.trigger (counters reset every policy.migration.reset_us);
 * the policy answers with a move, and the monitor carries it out and pays
 * for it (copy, TLB shootdowns, counter interrupt).  None of them touches a
 * page that has been migrated or collapsed policy.migration.move_limit
 * times (replications do not count: one per node that reads the page).
 *
 * none: never asked (the monitor installs no counter hook).
 *
 * migrate-only: move the page to the node that misses on it, unless it is
 * replicated or that node already has it.
 *
 * replicate-only: copy the page to the node that misses on it when the page
 * is read-mostly (stores this interval at most policy.verghese.write).
 *
 * verghese: the decision of Verghese et al. (ASPLOS 1996) as the paper
 * describes it: a hot page whose misses from other nodes reach
 * policy.verghese.sharing is shared, and is replicated if read-mostly (stores
 * at most policy.verghese.write) or left alone if write-shared; a page hot on
 * one node only is migrated there.
 *
 * oracle: never asked either: the monitor places each page, at its first
 * touch, from a profile of the whole trace read ahead (replay/profile.c), so it
 * bounds what the online policies can reach.
 */
#include "base/mem.h"
#include "policies/policy.h"

struct mig_st {
	uint32_t move_limit;
	uint32_t sharing;
	uint32_t write;
};

static int mig_create(void **st, const cfg *c, struct sim_err *err)
{
	struct mig_st *s = sim_calloc(1, sizeof *s);
	if (!s)
		return sim_errf(err, SIM_ENOMEM, "out of memory creating a migration policy");
	s->move_limit = (uint32_t)cfg_int(c, "policy.migration.move_limit");
	s->sharing = (uint32_t)cfg_int(c, "policy.verghese.sharing");
	s->write = (uint32_t)cfg_int(c, "policy.verghese.write");
	*st = s;
	return SIM_OK;
}

static void mig_destroy(void *st) { sim_free(st); }

static int may_move(const struct mig_st *s, const struct pol_hot_view *v)
{
	return v->moves < s->move_limit && !v->has_copy_on_hot;
}

static int none_decide(void *st, const struct pol_hot_view *v, int *node) { return POL_MIG_NONE; }

static int migrate_decide(void *st, const struct pol_hot_view *v, int *node)
{
	if (!may_move(st, v) || v->nreplicas)
		return POL_MIG_NONE;
	*node = v->hot_node;
	return POL_MIG_MIGRATE;
}

static int replicate_decide(void *st, const struct pol_hot_view *v, int *node)
{
	const struct mig_st *s = st;
	if (!may_move(s, v) || v->writes > s->write)
		return POL_MIG_NONE;
	*node = v->hot_node;
	return POL_MIG_REPLICATE;
}

static int verghese_decide(void *st, const struct pol_hot_view *v, int *node)
{
	const struct mig_st *s = st;
	uint64_t others = 0;
	if (!may_move(s, v))
		return POL_MIG_NONE;
	for (int n = 0; n < v->nnodes; n++)
		if (n != v->hot_node)
			others += v->misses[n];
	*node = v->hot_node;
	if (others >= s->sharing)   /* shared */
		return v->writes > s->write ? POL_MIG_NONE : POL_MIG_REPLICATE;
	return v->nreplicas ? POL_MIG_NONE : POL_MIG_MIGRATE;
}

const struct pol_migration_ops mig_none = {
	"none", "pages stay where they were placed", mig_create, none_decide, mig_destroy,
};
const struct pol_migration_ops mig_migrate_only = {
	"migrate-only", "move a hot page to the node that misses on it",
	mig_create, migrate_decide, mig_destroy,
};
const struct pol_migration_ops mig_replicate_only = {
	"replicate-only", "copy a hot read-mostly page to the node that misses on it",
	mig_create, replicate_decide, mig_destroy,
};
const struct pol_migration_ops mig_verghese = {
	"verghese", "replicate read-shared hot pages, migrate private ones, leave write-shared ones",
	mig_create, verghese_decide, mig_destroy,
};
const struct pol_migration_ops mig_oracle = {
	"oracle", "places each page where its misses come from, read ahead from the whole trace "
	"(a bound for the online policies)",
	mig_create, none_decide, mig_destroy,
};
