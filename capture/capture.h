/*
 * Capture (DESIGN 3, 6): a guest model produces each vCPU's records; the
 * capture driver writes them to a trace and, at the same time, feeds them to
 * the replay engine running the same machine + monitor + policy code, so the
 * capture's results are those of replaying its trace under its
 * configuration, counter for counter.
 */
#ifndef CAPTURE_CAPTURE_H
#define CAPTURE_CAPTURE_H

#include <stdint.h>

#include "base/err.h"
#include "base/params.h"
#include "replay/replay.h"
#include "traces/record.h"

/* A guest model (a workload on an OS personality). */
struct cap_guest_ops {
	const char *name;
	const char *help;
	/* Create from the configuration; say how many vCPU streams it has. */
	int (*create)(void **st, const cfg *c, uint32_t *nstreams, struct sim_err *err);
	/* The next records of stream s, at most max of them into buf; *n = 0 at
	 * the end of the stream.  Must not depend on anything but the
	 * configuration and the records already produced (the trace is then
	 * the whole truth about the guest). */
	int (*generate)(void *st, uint32_t s, struct trc_rec *buf, size_t max, size_t *n,
			struct sim_err *err);
	void (*destroy)(void *st);
	/* Optional: the engine took stream s's completion interrupt for DMA
	 * request id (a RPL_MARK_INTR handler the guest produced), at the
	 * disk's time; what the guest produces next may depend on it (a
	 * process that slept on it runs again).  So the trace is the whole
	 * truth about the guest once the engine's interrupts are, and they
	 * are recomputed from the trace at replay. */
	void (*interrupt)(void *st, uint32_t s, uint32_t id);
};

const struct cap_guest_ops *cap_find_guest(const char *name);
/* The guest model configuration c names (capture.guest). */
const struct cap_guest_ops *cap_guest_of(const cfg *c);
/* Set up c for workload `name`: a built-in guest ("synthetic") or a
 * workload file (capture/workloads/NAME.wl, or a path), loaded as a config.
 * SIM_EINVAL with the places searched when there is none. */
int cap_load_workload(cfg *c, const char *name, struct sim_err *err);
extern char cap_guest_choices[];     /* "synthetic,irix": capture.guest's choices */
/* Defaults that follow the guest, once the user's options are applied:
 * machine.cpus is capture.cpus unless something set it (one CPU per vCPU,
 * not seven idle CPUs beside one busy one). */
int cap_cfg_follow(cfg *c, struct sim_err *err);

/* Run guest g under configuration c (capture.mode chooses the mode), write
 * the trace to trace_path (NULL: none) and fill res. */
int cap_run(const cfg *c, const struct cap_guest_ops *g, const char *trace_path,
	    struct rpl_results *res, rpl_progress_fn progress, void *progress_ctx,
	    struct sim_err *err);

extern const struct param_table capture_param_table;

#endif
