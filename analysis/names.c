/* Derived figures of a run's results. */
#include "analysis/results.h"

double an_locality(const struct rpl_results *r)
{
	uint64_t loc = 0, rem = 0;
	for (int c = 0; c < r->ncpus; c++) {
		loc += r->cpu[c].misses_local;
		rem += r->cpu[c].misses_remote;
	}
	return loc + rem ? (double)loc / (double)(loc + rem) : -1.0;
}
