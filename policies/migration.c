/*
 * Page migration and replication policies (paper 4.2.3, 5.5).  The monitor
 * asks one when a page's cache-miss counter for one node crosses
 * policy.migration.trigger (counters reset every policy.migration.reset_us);
 * the policy answers with a move, and the monitor carries it out and pays
 * for it (copy, TLB shootdowns, counter interrupt).  None of them touches a
 * page that has been migrated or collapsed policy.migration.move_limit
 * times (replications do not count: one per node that reads the page).
 *
 * none: no hooks: the monitor keeps no page-movement state (no counter hook,
 * no replicas, no collapses).
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
 * oracle: declares POL_MIG_READ_AHEAD, so it is created with the counts of
 * a first pass over the whole trace, pages left where placement put them
 * (replay/profile.c).  Its first_touch places each page on the node that
 * took most of its misses in that pass; a page never stored to gets a
 * read-only copy, from the start and for free, on every node with at least
 * policy.verghese.sharing misses to it.  A page stored to is read-shared
 * from its last store on if other nodes miss on it that often after it (a
 * program's data written at its start and read by all after, as
 * Raytrace's scene): the monitor counts the page's stores against the
 * profile's, and right after the last of them the oracle names those
 * copies (last_store), made at the monitor's cost for a replication.
 * It has no decide hook (no counter hook: nothing else moves), so it bounds
 * what the online policies can reach (with respect to that pass: the
 * second run's timing differs a little, the stores do not).
 */
#include "base/mem.h"
#include "policies/policy.h"

struct mig_st {
	uint32_t move_limit;
	uint32_t sharing;
	uint32_t write;
};

static int mig_create(void **st, const cfg *c, const struct pol_mig_view *v, struct sim_err *err)
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

/* The oracle: the first pass's counts, and the sharing threshold. */
struct oracle_st {
	const struct pol_profile *p;
	uint32_t sharing;
};

static int oracle_create(void **st, const cfg *c, const struct pol_mig_view *v, struct sim_err *err)
{
	struct oracle_st *s = sim_calloc(1, sizeof *s);
	if (!s)
		return sim_errf(err, SIM_ENOMEM, "out of memory creating a migration policy");
	s->p = v->profile;   /* NULL when the configuration is only checked */
	s->sharing = (uint32_t)cfg_int(c, "policy.verghese.sharing");
	*st = s;
	return SIM_OK;
}

/* A copy on every node with at least policy.verghese.sharing of misses m. */
static void copies_where(const struct oracle_st *s, const uint32_t *m, uint8_t *replicas)
{
	for (int n = 0; n < s->p->nnodes; n++)
		replicas[n] = m[n] >= s->sharing && m[n] > 0;
}

/* Page gppn's last store of the run: a copy on every node that misses on
 * it often enough after it. */
static void oracle_last_store(void *st, uint64_t gppn, uint8_t *replicas)
{
	const struct oracle_st *s = st;
	const struct pol_profile *p = s->p;
	if (!p || gppn >= p->guest_pages)
		return;
	copies_where(s, &(p->after ? p->after : p->misses)[gppn * (uint64_t)p->nnodes], replicas);
}

static int oracle_first_touch(void *st, uint64_t gppn, int toucher, uint8_t *replicas)
{
	const struct oracle_st *s = st;
	const struct pol_profile *p = s->p;
	const uint32_t *m;
	int best = -1;
	uint32_t most = 0;
	if (!p || gppn >= p->guest_pages)
		return -1;
	m = &p->misses[gppn * (uint64_t)p->nnodes];
	for (int n = 0; n < p->nnodes; n++)
		if (m[n] > most) {
			most = m[n];
			best = n;
		}
	if (!p->writes[gppn])
		copies_where(s, m, replicas);
	return best;
}

const struct pol_migration_ops mig_none = {
	.name = "none",
	.help = "pages stay where they were placed",
	.create = mig_create,
	.destroy = mig_destroy,
};
const struct pol_migration_ops mig_migrate_only = {
	.name = "migrate-only",
	.help = "move a hot page to the node that misses on it",
	.create = mig_create,
	.decide = migrate_decide,
	.destroy = mig_destroy,
};
const struct pol_migration_ops mig_replicate_only = {
	.name = "replicate-only",
	.help = "copy a hot read-mostly page to the node that misses on it",
	.create = mig_create,
	.decide = replicate_decide,
	.destroy = mig_destroy,
};
const struct pol_migration_ops mig_verghese = {
	.name = "verghese",
	.help = "replicate read-shared hot pages, migrate private ones, leave write-shared ones",
	.create = mig_create,
	.decide = verghese_decide,
	.destroy = mig_destroy,
};
const struct pol_migration_ops mig_oracle = {
	.name = "oracle",
	.help = "places each page where its misses come from, read ahead from the whole trace "
		"(a bound for the online policies; two passes)",
	.flags = POL_MIG_READ_AHEAD,
	.create = oracle_create,
	.first_touch = oracle_first_touch,
	.last_store = oracle_last_store,
	.destroy = mig_destroy,
};
