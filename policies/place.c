/*
 * Placement policies: where a guest physical page goes the first time it is
 * touched.  One paragraph each:
 *
 * first-touch: on the node of the CPU that touches it first (what a NUMA-aware
 * monitor does by default).
 *
 * round-robin: page-interleaved over the nodes (gppn mod nodes): IRIX's
 * layout on the NUMA runs of the paper (5.4, 5.5).
 *
 * consecutive: the machine's real layout: the VM's physical memory cut into
 * nodes-many contiguous ranges (paper 5.4: Disco with migration off).
 *
 * node0: everything on node 0 while it has room (a kernel whose data all
 * lives on one node: the hot-spot case).
 */
#include "policies/policy.h"

#include "base/mem.h"

struct place_st {
	int nnodes;
	uint64_t per_node;   /* consecutive: guest pages per node, >= 1 */
};

static int place_create(void **st, const cfg *c, const struct pol_place_view *v,
			struct sim_err *err)
{
	struct place_st *s = sim_calloc(1, sizeof *s);
	if (!s)
		return sim_errf(err, SIM_ENOMEM, "out of memory creating a placement policy");
	s->nnodes = v->nnodes;
	s->per_node = (v->guest_pages + (uint64_t)v->nnodes - 1) / (uint64_t)v->nnodes;
	if (s->per_node == 0)
		s->per_node = 1;
	*st = s;
	return SIM_OK;
}

static void place_destroy(void *st) { sim_free(st); }

static int first_touch_node(void *st, uint64_t gppn, int toucher) { return toucher; }

static int round_robin_node(void *st, uint64_t gppn, int toucher)
{
	struct place_st *s = st;
	return (int)(gppn % (uint64_t)s->nnodes);
}

static int consecutive_node(void *st, uint64_t gppn, int toucher)
{
	struct place_st *s = st;
	uint64_t n = gppn / s->per_node;
	return n >= (uint64_t)s->nnodes ? s->nnodes - 1 : (int)n;
}

static int node0_node(void *st, uint64_t gppn, int toucher) { return 0; }

const struct pol_placement_ops place_first_touch = {
	"first-touch", "the node of the CPU that touches the page first",
	place_create, first_touch_node, place_destroy,
};
const struct pol_placement_ops place_round_robin = {
	"round-robin", "page-interleaved over the nodes (IRIX's NUMA layout in the paper)",
	place_create, round_robin_node, place_destroy,
};
const struct pol_placement_ops place_consecutive = {
	"consecutive", "contiguous ranges of guest memory per node (the machine's real layout)",
	place_create, consecutive_node, place_destroy,
};
const struct pol_placement_ops place_node0 = {
	"node0", "all on node 0 while it has room (the hot-spot case)",
	place_create, node0_node, place_destroy,
};
