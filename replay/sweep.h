/*
 * Sweeps (DESIGN 8): the cartesian product of parameter values over one or
 * more traces, each point a full configuration keyed by a hash of it, so an
 * interrupted sweep resumes by skipping the points already done.
 */
#ifndef REPLAY_SWEEP_H
#define REPLAY_SWEEP_H

#include <stdint.h>

#include "base/err.h"
#include "base/params.h"

#define RPL_MAX_VALUES 256

/* One --vary: a parameter and its values (as text). */
struct rpl_vary {
	char name[128];
	int nvals;
	char *vals[RPL_MAX_VALUES];   /* malloc'd */
};

/* Parse "name=v1,v2,..." or "name=lo:hi:step" (numbers, hi included when
 * the steps land on it).  Values are checked against the parameter table of
 * c.  Returns 0 or SIM_EINVAL with the reason. */
int rpl_vary_parse(const cfg *c, const char *spec, struct rpl_vary *v, struct sim_err *err);
void rpl_vary_free(struct rpl_vary *v);

struct rpl_point {
	cfg *c;               /* base + this point's values (+ machine.tlb.seed) */
	int mode;
	uint64_t hash;        /* cfg_hash of c, mixed with the mode */
	int seed;             /* 0..nseeds-1 */
	char label[512];      /* "name=value name=value seed=k" */
};

/* Expand base x vary[0] x ... x vary[n-1] x seeds into *points (malloc'd,
 * *npoints of them).  With nseeds > 1, seed k sets machine.tlb.seed to
 * base's + k (the replay's only random choice: TLB replacement). */
int rpl_sweep_points(const cfg *base, int mode, const struct rpl_vary *vary, int nvary,
		     int nseeds, struct rpl_point **points, int *npoints, struct sim_err *err);
void rpl_sweep_points_free(struct rpl_point *points, int npoints);

#endif
