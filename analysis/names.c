/*
 * Names and totals of a struct rpl_results, kept here so that analysis/ links
 * without the replay engine.  The words are the ones replay/results.c and
 * traces/ use; the service table follows enum trc_service in traces/record.h
 * (trc_service_name will replace it once traces/ provides it).
 */
#include <string.h>

#include "analysis/results.h"

static const char *const mode_names[RPL_NMODES] = { "native", "disco", "uma" };
static const char *const cat_names[RPL_NCATS] = { "user", "kernel", "kernel_sync", "monitor", "idle" };
static const char *const split_names[RPL_NSPLITS] = {
	"kernel", "tlb_writes", "other_privs", "monitor_services", "kernel_tlb_faults",
};
static const char *const service_names[TRC_NSERVICES] = {
	[TRC_SVC_UTLB_MISS] = "UTLB-MISS",
	[TRC_SVC_DEMAND_ZERO] = "DEMAND-ZERO",
	[TRC_SVC_QUICK_FAULT] = "QUICK-FAULT",
	[TRC_SVC_COPY_ON_WRITE] = "COPY-ON-WRITE",
	[TRC_SVC_PAGE_FAULT] = "PAGE-FAULT",
	[TRC_SVC_OPEN] = "open",
	[TRC_SVC_READ] = "read",
	[TRC_SVC_WRITE] = "write",
	[TRC_SVC_CLOSE] = "close",
	[TRC_SVC_EXECVE] = "execve",
	[TRC_SVC_FORK] = "fork",
	[TRC_SVC_EXIT] = "exit",
	[TRC_SVC_WAIT] = "wait",
	[TRC_SVC_BRK] = "brk",
	[TRC_SVC_MMAP] = "mmap",
	[TRC_SVC_STAT] = "stat",
	[TRC_SVC_OTHER_SYSCALL] = "syscall",
	[TRC_SVC_CLOCK_INTR] = "CLOCK-INTR",
	[TRC_SVC_DISK_INTR] = "DISK-INTR",
	[TRC_SVC_NET_INTR] = "NET-INTR",
	[TRC_SVC_IPI] = "IPI",
	[TRC_SVC_SCHED] = "SCHED",
};

const char *an_mode_name(int mode) { return mode >= 0 && mode < RPL_NMODES ? mode_names[mode] : "?"; }
const char *an_cat_name(int cat) { return cat >= 0 && cat < RPL_NCATS ? cat_names[cat] : "?"; }
const char *an_split_name(int s) { return s >= 0 && s < RPL_NSPLITS ? split_names[s] : "?"; }

const char *an_service_name(int svc)
{
	return svc > 0 && svc < TRC_NSERVICES && service_names[svc] ? service_names[svc] : "?";
}

int an_mode_parse(const char *s, int *mode)
{
	for (int i = 0; i < RPL_NMODES; i++)
		if (!strcmp(s, mode_names[i])) {
			*mode = i;
			return SIM_OK;
		}
	return SIM_EINVAL;
}

uint64_t an_total_cat(const struct rpl_results *r, int cat)
{
	uint64_t t = 0;
	for (int c = 0; c < r->ncpus; c++)
		t += r->cpu[c].cycles[cat];
	return t;
}

uint64_t an_total_stall_local(const struct rpl_results *r)
{
	uint64_t t = 0;
	for (int c = 0; c < r->ncpus; c++)
		for (int k = 0; k < RPL_NCATS; k++)
			t += r->cpu[c].stall_local[k];
	return t;
}

uint64_t an_total_stall_remote(const struct rpl_results *r)
{
	uint64_t t = 0;
	for (int c = 0; c < r->ncpus; c++)
		for (int k = 0; k < RPL_NCATS; k++)
			t += r->cpu[c].stall_remote[k];
	return t;
}

double an_locality(const struct rpl_results *r)
{
	uint64_t loc = 0, rem = 0;
	for (int c = 0; c < r->ncpus; c++) {
		loc += r->cpu[c].misses_local;
		rem += r->cpu[c].misses_remote;
	}
	return loc + rem ? (double)loc / (double)(loc + rem) : -1.0;
}
