/*
 * How many CPUs this process may run on: its affinity mask, which taskset,
 * cgroups' cpusets and a Slurm allocation set, rather than the machine's
 * online count (a one-CPU Slurm task on a 64-core node may use one).
 */
#ifndef BASE_CPUS_H
#define BASE_CPUS_H

/* The CPUs in the calling thread's affinity mask; the online count if the
 * mask cannot be read; at least 1. */
int sim_cpus_usable(void);

#endif
