#include <limits.h>
#include <sched.h>
#include <unistd.h>

#include "base/cpus.h"

int sim_cpus_usable(void)
{
	cpu_set_t set;
	long n;

	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
		return CPU_COUNT(&set);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n >= 1 && n <= INT_MAX ? (int)n : 1;
}
