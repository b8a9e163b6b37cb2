/* Names, the counters table, totals and the replay's parameter table. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "base/mem.h"
#include "replay/replay.h"
#include "traces/trace.h"

const struct rpl_counter rpl_counters[] = {
#define RPL_COUNTER_ROW(name, unit, flags, help) \
	{ #name, offsetof(struct rpl_results, name), unit, flags, help },
	RPL_COUNTERS(RPL_COUNTER_ROW)
#undef RPL_COUNTER_ROW
};
const size_t rpl_ncounters = sizeof rpl_counters / sizeof rpl_counters[0];

static const char *const mode_names[RPL_NMODES] = { "native", "disco", "uma", "plain" };

const char *rpl_mode_name(int mode) { return mode >= 0 && mode < RPL_NMODES ? mode_names[mode] : "?"; }

int rpl_mode_parse(const char *s, int *mode)
{
	for (int i = 0; i < RPL_NMODES; i++)
		if (!strcmp(s, mode_names[i])) {
			*mode = i;
			return SIM_OK;
		}
	return SIM_EINVAL;
}

int rpl_mode_of(const cfg *c)
{
	int mode = RPL_NATIVE;
	const char *m = cfg_str(c, "replay.mode");
	if (!strcmp(m, "trace") || rpl_mode_parse(m, &mode))
		if (rpl_mode_parse(cfg_str(c, "capture.mode"), &mode))
			mode = RPL_NATIVE;
	return mode;
}

uint64_t rpl_total_cat(const struct rpl_results *r, int cat)
{
	uint64_t t = 0;
	for (int c = 0; c < r->ncpus; c++)
		t += r->cpu[c].cycles[cat];
	return t;
}

uint64_t rpl_total_stall_local(const struct rpl_results *r)
{
	uint64_t t = 0;
	for (int c = 0; c < r->ncpus; c++)
		for (int k = 0; k < ACCT_NCATS; k++)
			t += r->cpu[c].stall_local[k];
	return t;
}

uint64_t rpl_total_stall_remote(const struct rpl_results *r)
{
	uint64_t t = 0;
	for (int c = 0; c < r->ncpus; c++)
		for (int k = 0; k < ACCT_NCATS; k++)
			t += r->cpu[c].stall_remote[k];
	return t;
}

void rpl_results_free(struct rpl_results *r)
{
	sim_free(r->cpu);
	r->cpu = NULL;
	sim_free(r->samples);
	r->samples = NULL;
	r->nsamples = 0;
}

size_t rpl_results_wire_size(const struct rpl_results *r)
{
	return sizeof *r + (size_t)(r->ncpus > 0 ? r->ncpus : 0) * sizeof *r->cpu +
	       r->nsamples * sizeof *r->samples;
}

void rpl_results_pack(const struct rpl_results *r, void *buf)
{
	char *p = buf;
	size_t ncpu = (size_t)(r->ncpus > 0 ? r->ncpus : 0) * sizeof *r->cpu;
	memcpy(p, r, sizeof *r);
	p += sizeof *r;
	if (ncpu)
		memcpy(p, r->cpu, ncpu);
	p += ncpu;
	if (r->nsamples)
		memcpy(p, r->samples, r->nsamples * sizeof *r->samples);
}

int rpl_results_unpack(const void *buf, size_t len, struct rpl_results *out)
{
	const char *p = buf;
	struct rpl_results r;
	size_t ncpu;
	if (len < sizeof r)
		return SIM_EINTERNAL;
	memcpy(&r, p, sizeof r);
	/* nsamples bounded first, so that the products below cannot wrap */
	if (r.ncpus < 0 || r.nsamples > len ||
	    len != sizeof r + (size_t)r.ncpus * sizeof *r.cpu + r.nsamples * sizeof *r.samples)
		return SIM_EINTERNAL;
	ncpu = (size_t)r.ncpus * sizeof *r.cpu;
	r.cpu = ncpu ? sim_malloc(ncpu) : NULL;
	r.samples = r.nsamples ? sim_malloc(r.nsamples * sizeof *r.samples) : NULL;
	if ((ncpu && !r.cpu) || (r.nsamples && !r.samples)) {
		rpl_results_free(&r);
		return SIM_ENOMEM;
	}
	if (ncpu)
		memcpy(r.cpu, p + sizeof r, ncpu);
	if (r.nsamples)
		memcpy(r.samples, p + sizeof r + ncpu, r.nsamples * sizeof *r.samples);
	*out = r;
	return SIM_OK;
}

static int reader_next(void *ctx, uint32_t stream, const struct trc_rec **recs, size_t *n,
		       struct sim_err *err)
{
	return trc_next_block(ctx, stream, recs, n, err);
}

int rpl_trace_cfg(const cfg *base, const struct trc_reader *r, const char *path, cfg **out,
		  struct sim_err *err)
{
	const struct trc_info *info = trc_reader_info(r);
	char origin[600], ps[32];
	cfg *c;
	int rc = cfg_copy(&c, base, err);
	if (rc)
		return rc;
	snprintf(ps, sizeof ps, "%u", info->page_size);
	rc = cfg_set(c, "machine.page_size", ps, NULL, err);
	if (rc) {
		sim_err_prefix(err, "%s: page size in the header", path);
	} else {
		snprintf(origin, sizeof origin, "%s: configuration in the header", path);
		rc = cfg_parse_text(c, info->config_text, strlen(info->config_text), origin, err);
	}
	/* a header that does not say (a hand-written trace): one CPU a stream,
	 * as many as the machine may have (the vCPUs beyond share them; an
	 * option given after may say otherwise) */
	if (!rc && !cfg_is_set(c, "machine.cpus")) {
		double most = cfg_def(c, (size_t)cfg_find(c, "machine.cpus"))->hi;
		snprintf(ps, sizeof ps, "%u", info->nstreams < most ? info->nstreams : (unsigned)most);
		rc = cfg_set(c, "machine.cpus", ps, NULL, err);
		if (rc)
			sim_err_prefix(err, "%s: machine.cpus from its %u streams", path, info->nstreams);
	}
	if (rc) {
		cfg_free(c);
		return rc;
	}
	*out = c;
	return SIM_OK;
}

void rpl_source_from_reader(struct rpl_source *src, struct trc_reader *r)
{
	src->nstreams = trc_reader_info(r)->nstreams;
	src->next_block = reader_next;
	src->ctx = r;
	src->profile = NULL;
	src->interrupt = NULL;
}

static const struct param_def defs[] = {
	{ "replay.max_insn_run", PARAM_INT, "1048576", 1, 4294967295.0, NULL, "instructions",
	  "longest instruction run one record may hold: a bound on the work a record can ask "
	  "for (the guests' runs are a few hundred at most; an imported straight line rarely "
	  "thousands)" },
	{ "replay.mode", PARAM_CHOICE, "trace", 0, 0, "trace,native,disco,uma,plain", NULL,
	  "the mode a run replays in: trace, the mode it was captured in (capture.mode); "
	  "otherwise that mode, as --mode sets it (a preset such as plain sets it; a capture "
	  "runs in it)" },
	{ "replay.measure", PARAM_CHOICE, "after-boot", 0, 0, "after-boot,whole-run", NULL,
	  "after-boot: when a trace marks the boot's end (phase marker 1, capture.os.boot), every "
	  "vCPU waits there for the others and the statistics restart, as the paper measures its "
	  "workloads after the boot (5.1); the memory's state and footprint are kept; "
	  "whole-run: count from the first record" },
	{ "replay.quantum", PARAM_INT, "2000", 1, 1e9, NULL, "cycles",
	  "longest stretch one vCPU runs before the engine looks at the others "
	  "(synchronization is exact regardless)" },
	{ "vm.mem.size", PARAM_SIZE, "0", 0, 64.0 * 1024 * 1024 * 1024, NULL, "bytes",
	  "each VM's physical memory; 0: an equal share of machine.mem.size" },
	{ "replay.footprint.interval_us", PARAM_REAL, "1000", 1, 1e9, NULL, "us",
	  "simulated time between samples of the memory footprint (the run's end is always sampled)" },
	{ "vm.vcpus", PARAM_STR, "", 0, 0, NULL, "list",
	  "the virtual machines: vCPUs of each, comma-separated (streams are VM-major, "
	  "\"2,2\": streams 0-1 are VM 0, 2-3 VM 1); empty: one VM of every stream" },
	{ "vm.mem.sizes", PARAM_STR, "", 0, 0, NULL, "list",
	  "each VM's physical memory, comma-separated sizes (\"96M,32M\"); empty: vm.mem.size "
	  "for every VM" },
	{ "vm.os", PARAM_STR, "", 0, 0, NULL, "list",
	  "each VM's operating system, comma-separated: irix (page tables, the trace's PTE "
	  "records, the guest's refill handler) or splashos (paper 4.4: a library OS without "
	  "virtual memory; virtual page = guest physical page, every TLB miss and page fault "
	  "handled by the monitor; disco mode only); empty: irix for every VM" },
	{ "plain.din", PARAM_BOOL, "false", 0, 0, NULL, "",
	  "plain mode: Dinero IV's din semantics: every reference (instruction fetches too) is 4 "
	  "bytes at its address rounded down to a multiple of 4" },
	{ "plain.flush", PARAM_BOOL, "false", 0, 0, NULL, "",
	  "plain mode: at the end, write every dirty block back (L1 D to L2, then L2 to memory), "
	  "counted as write-backs and as writes of the level below" },
	{ "guest.pt_pool_pages", PARAM_INT, "64", 1, 1 << 24, NULL, "pages",
	  "guest pages at the top of the VM's memory holding page tables (assumed)" },
};

const struct param_table replay_param_table = { "replay", defs, sizeof defs / sizeof defs[0] };
