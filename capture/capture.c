/*
 * The capture driver.  It stands between a guest model and the engine as
 * the engine's record source: for each block the engine asks of a stream it
 * asks the guest for records, appends them to the trace, and hands the same
 * array to the engine.  The trace's header carries the whole configuration
 * (every parameter, defaults included), so a replay of the trace without
 * options runs exactly the capture's configuration.
 */
#include "capture/capture.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/mem.h"
#include "capture/guest_os.h"
#include "traces/trace.h"

#define CAP_BLOCK 4096   /* records generated per request */

extern const struct cap_guest_ops cap_guest_synthetic, cap_guest_splashos, cap_guest_irix_splash;

/* The guest models: the one list of them.  capture.guest's choices are
 * built from it before main. */
static const struct cap_guest_ops *const guests[] = { &cap_guest_synthetic, &cap_guest_irix,
							  &cap_guest_splashos, NULL };
char cap_guest_choices[256];

/* The workload files (capture NAME) ship in capture/workloads. */
__attribute__((constructor)) static void workloads_source(void)
{
	sim_data_source("workloads", "capture/workloads");
}

__attribute__((constructor)) static void build_guest_choices(void)
{
	size_t a = 0;
	for (int i = 0; guests[i]; i++) {
		int w = snprintf(cap_guest_choices + a, sizeof cap_guest_choices - a, "%s%s", i ? "," : "",
				 guests[i]->name);
		if (w < 0 || (size_t)w >= sizeof cap_guest_choices - a)
			break;
		a += (size_t)w;
	}
}

const struct cap_guest_ops *cap_find_guest(const char *name)
{
	for (int i = 0; guests[i]; i++)
		if (!strcmp(guests[i]->name, name))
			return guests[i];
	return NULL;
}

const struct cap_guest_ops *cap_guest_of(const cfg *c)
{
	const char *name = cfg_str(c, "capture.guest");
	/* the IRIX guest's other programs: SPLASH-2's radix and raytrace, threads
	 * in one address space (capture/guest_splash.c) */
	if (!strcmp(name, "irix") && strcmp(cfg_str(c, "capture.wl.program"), "jobs"))
		return &cap_guest_irix_splash;
	return cap_find_guest(name);
}

int cap_cfg_follow(cfg *c, struct sim_err *err)
{
	if (cfg_is_set(c, "machine.cpus"))
		return SIM_OK;
	return cfg_set(c, "machine.cpus", cfg_str(c, "capture.cpus"), "capture.cpus", err);
}

int cap_load_workload(cfg *c, const char *name, struct sim_err *err)
{
	char path[4096];
	const char *base;
	int rc;
	if (cap_find_guest(name) && strcmp(name, "irix") != 0) {
		rc = cfg_set(c, "capture.guest", name, "workload", err);
		return rc ? rc : cfg_set(c, "capture.workload", name, "workload", err);
	}
	if (!strchr(name, '/') && access(name, R_OK) != 0 &&
	    sim_find_data("workloads", name, ".wl", path, sizeof path, err) != SIM_OK) {
		char why[sizeof err->msg];   /* err->msg is both the reason and the result */
		snprintf(why, sizeof why, "%s", err->msg);
		return sim_errf(err, SIM_EINVAL, "no workload '%s': not a built-in guest (synthetic) and "
				"not a file; %s", name, why);
	}
	rc = cfg_load(c, strchr(name, '/') || access(name, R_OK) == 0 ? name : path, err);
	if (rc)
		return rc;
	base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	snprintf(path, sizeof path, "%s", base);
	if (strchr(path, '.'))
		*strrchr(path, '.') = '\0';
	return cfg_set(c, "capture.workload", path, "workload", err);
}

struct cap_src {
	const struct cap_guest_ops *g;
	void *gst;
	trc_writer *w;
	struct trc_rec *buf;   /* [nstreams * CAP_BLOCK] */
};

static int cap_next(void *ctx, uint32_t s, const struct trc_rec **recs, size_t *n,
		    struct sim_err *err)
{
	struct cap_src *cs = ctx;
	struct trc_rec *b = cs->buf + (size_t)s * CAP_BLOCK;
	int rc = cs->g->generate(cs->gst, s, b, CAP_BLOCK, n, err);
	if (rc)
		return rc;
	if (*n && cs->w) {
		rc = trc_write(cs->w, s, b, *n, err);
		if (rc)
			return rc;
	}
	*recs = b;
	return SIM_OK;
}

static void cap_interrupt(void *ctx, uint32_t s, uint32_t id)
{
	struct cap_src *cs = ctx;
	if (cs->g->interrupt)
		cs->g->interrupt(cs->gst, s, id);
}

int cap_run(const cfg *c, const struct cap_guest_ops *g, const char *trace_path,
	    struct rpl_results *res, rpl_progress_fn progress, void *progress_ctx,
	    struct sim_err *err)
{
	struct cap_src cs = { 0 };
	struct rpl_source src = { 0 };
	uint32_t nstreams = 0;
	char *conf = NULL;
	cfg *vc = NULL;
	int mode = RPL_NATIVE, rc;

	memset(res, 0, sizeof *res);
	mode = rpl_mode_of(c);
	cs.g = g;
	rc = g->create(&cs.gst, c, &nstreams, err);
	if (rc)
		return rc;
	if (g == &cap_guest_splashos && !*cfg_str(c, "vm.os")) {
		/* the replay's engine must know the VM runs SPLASHOS */
		rc = cfg_copy(&vc, c, err);
		if (!rc)
			rc = cfg_set(vc, "vm.os", "splashos", "capture.guest", err);
		if (rc)
			goto out;
		c = vc;
	}
	if (cfg_int(c, "capture.vms") > 1 && !*cfg_str(c, "vm.vcpus")) {
		/* the guest's VMs, for the engine and the trace's header */
		char map[1024];
		size_t k = 0;
		int nv = (int)cfg_int(c, "capture.vms");
		for (int i = 0; i < nv && k < sizeof map - 16; i++)
			k += (size_t)snprintf(map + k, sizeof map - k, "%s%u", i ? "," : "",
					      nstreams / (uint32_t)nv);
		rc = vc ? SIM_OK : cfg_copy(&vc, c, err);
		if (!rc)
			rc = cfg_set(vc, "vm.vcpus", map, "capture.vms", err);
		if (rc)
			goto out;
		c = vc;
	}
	cs.buf = sim_malloc((size_t)nstreams * CAP_BLOCK * sizeof *cs.buf);
	conf = cfg_dump(c, 1);
	if (!cs.buf || !conf) {
		rc = sim_errf(err, SIM_ENOMEM, "out of memory starting the capture");
		goto out;
	}
	if (trace_path) {
		struct trc_write_opts wo = { 0 };
		wo.nstreams = nstreams;
		wo.page_size = (uint32_t)cfg_int(c, "machine.page_size");
		wo.config_text = conf;
		wo.chunk_size = (size_t)cfg_int(c, "trace.chunk_size");
		wo.zstd_level = (int)cfg_int(c, "trace.zstd_level");
		wo.background = 1;   /* the model and the writer on two cores */
		rc = trc_writer_open(&cs.w, trace_path, &wo, err);
		if (rc)
			goto out;
	}
	src.nstreams = nstreams;
	src.next_block = cap_next;
	src.interrupt = cap_interrupt;
	src.ctx = &cs;
	rc = rpl_run(c, mode, &src, res, progress, progress_ctx, err);
	if (cs.w) {
		if (rc == SIM_OK) {
			/* the capture's time includes the writer's last batches */
			struct timespec t0, t1;
			clock_gettime(CLOCK_MONOTONIC, &t0);
			rc = trc_writer_close(cs.w, err);
			clock_gettime(CLOCK_MONOTONIC, &t1);
			res->wall_seconds += (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
		}
		else
			trc_writer_abandon(cs.w);
		cs.w = NULL;
	}
out:
	if (cs.w)
		trc_writer_abandon(cs.w);
	sim_free(conf);
	cfg_free(vc);
	sim_free(cs.buf);
	if (g->destroy)
		g->destroy(cs.gst);
	return rc;
}
