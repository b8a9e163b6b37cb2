/*
 * The replay engine (DESIGN 3, 8): drives the machine, the monitor and the
 * policies from per-vCPU record streams, re-timing synchronization and I/O,
 * and charges every cycle of every CPU to one time category.  The same core
 * runs under capture (records generated live) and replay (records read from
 * a trace): a source hands it blocks of records per stream.
 */
#ifndef REPLAY_REPLAY_H
#define REPLAY_REPLAY_H

#include <stdint.h>

#include "base/err.h"
#include "base/params.h"
#include "monitor/acct.h"
#include "monitor/footprint.h"
#include "replay/counters.h"
#include "traces/record.h"

/* TRC_MARKER aux values with a meaning to the engine. */
enum {
	RPL_MARK_USER = 0,       /* free for users: ignored */
	RPL_MARK_SEM_INIT = 1,   /* id = semaphore, val = its initial count */
	RPL_MARK_PHASE = 2,      /* id = phase number; 1: the boot is over (replay.measure) */
	RPL_MARK_WARM_PAGE = 3,  /* val = a guest page made resident in a part of the run not
				  * simulated (a shortened job's warm start): whatever zeroing it
				  * needed happened there, so the monitor owes it none */
	RPL_MARK_INTR = 4,       /* id = a DMA request of this stream, issued before; val = the
				  * number of records that follow (at most RPL_INTR_MAX): the
				  * handler of its completion interrupt, which the engine runs
				  * when the disk is done, between two records of the stream
				  * (never inside a DMA's or message's fragments) */
	RPL_MARK_INTR_WAIT = 5,  /* id = such a request: the stream goes no further until its
				  * interrupt has been taken (the CPU idles until the disk is
				  * done, taking the interrupts due meanwhile); nothing if taken */
	RPL_MARK_PT_PAGE = 6,    /* id = an ASID; val = a page-table index (VPN / RPL_PTES(page
				  * size)) << RPL_PT_INDEX_SHIFT | the guest page that holds
				  * those PTEs from now on (0: none any more, the guest freed
				  * it): the refill's PTE load for that range goes there, not
				  * to the pool (RPL_PT_PAGE_VAL) */
};
#define RPL_PT_INDEX_SHIFT 32
#define RPL_PT_PAGE_VAL(index, gppn) ((uint64_t)(index) << RPL_PT_INDEX_SHIFT | (gppn))
/* Bytes of a PTE in the page tables the engine models: a page of page
 * table holds RPL_PTES(page bytes) of them, and the PTE of virtual page
 * vpn lies at byte (vpn % RPL_PTES) * RPL_PTE_BYTES of page-table page
 * vpn / RPL_PTES. */
#define RPL_PTE_BYTES 8
#define RPL_PTES(psize) ((psize) / RPL_PTE_BYTES)
#define RPL_INTR_MAX 65536   /* records of one completion interrupt's handler */

/* Modes (section 3 of DESIGN), and `plain`: only the caches, as a
 * classic trace-driven cache simulator has them (machine/plain.h): guest
 * physical addresses from the guest's page table (an ideal TLB: no refills,
 * no page-table loads), no monitor, no coherence, no NUMA. */
enum rpl_mode { RPL_NATIVE, RPL_DISCO, RPL_UMA, RPL_PLAIN, RPL_NMODES };
const char *rpl_mode_name(int mode);
int rpl_mode_parse(const char *s, int *mode);
/* The mode a run under c replays in: replay.mode, or capture.mode when it
 * is `trace` (RPL_NATIVE if neither names one). */
int rpl_mode_of(const cfg *c);

/* Time categories, service parts and the per-CPU and per-service tables:
 * monitor/acct.h. */

struct rpl_results {
	int mode;                   /* enum rpl_mode */
	int ncpus;                  /* machine CPUs */
	int nvcpus;                 /* trace streams */
	double clock_mhz;
	/* the scalar counters, in the order of replay/counters.h */
#define RPL_COUNTER_FIELD(name, unit, flags, help) uint64_t name;
	RPL_COUNTERS(RPL_COUNTER_FIELD)
#undef RPL_COUNTER_FIELD
	struct acct_cpu *cpu; /* [ncpus] */
	int nvms;                   /* virtual machines (vm.vcpus) */
	struct vmm_footprint footprint;   /* V and M at the end (monitor/footprint.h) */
	uint64_t footprint_interval;      /* cycles between samples (replay.footprint.interval_us) */
	size_t nsamples;
	struct vmm_footprint_sample *samples;   /* [nsamples] the footprint over time */
	struct acct_service service[TRC_NSERVICES];
	double wall_seconds;        /* the replay's own run time */
	uint64_t peak_rss_kb;       /* the process's peak resident memory at the end (KiB,
				     * getrusage ru_maxrss): the host's, not the model's */
	int threads;                /* the host threads the replay ran on (decoding on the
				     * second: disco replay --threads), 0 if not told */
	char warning[512];
};

/* Sums over CPUs. */
uint64_t rpl_total_cat(const struct rpl_results *r, int cat);
uint64_t rpl_total_stall_local(const struct rpl_results *r);
uint64_t rpl_total_stall_remote(const struct rpl_results *r);
void rpl_results_free(struct rpl_results *r);   /* frees r->cpu, not r */

/* A run's results as bytes, to pass between processes (a worker's pipe):
 * the struct, then its per-CPU array, then its footprint samples; the
 * struct's own pointers travel but mean nothing at the other end.  cpu and
 * samples are the only memory r owns (the rest is plain values), so these
 * bytes are the whole run.  rpl_results_wire_size is their length;
 * rpl_results_pack writes them to buf (wire_size bytes); rpl_results_unpack
 * reads len bytes into *out, allocating its arrays (free with
 * rpl_results_free): SIM_EINTERNAL when len does not match what the struct
 * says follows it, SIM_ENOMEM. */
size_t rpl_results_wire_size(const struct rpl_results *r);
void rpl_results_pack(const struct rpl_results *r, void *buf);
int rpl_results_unpack(const void *buf, size_t len, struct rpl_results *out);

/* A source of records: next_block returns the next records of a stream
 * (*n = 0 at its end); the pointer stays valid until the next call for the
 * same stream. */
struct rpl_profile;

struct rpl_source {
	uint32_t nstreams;
	int (*next_block)(void *ctx, uint32_t stream, const struct trc_rec **recs, size_t *n,
			  struct sim_err *err);
	void *ctx;
	/* For a migration policy that reads ahead (POL_MIG_READ_AHEAD, such
	 * as `oracle`): a profile of the same records (rpl_profile_run,
	 * rpl_read_ahead); NULL otherwise. */
	const struct rpl_profile *profile;
	/* Optional: told when the engine takes stream's completion interrupt
	 * for DMA request id (RPL_MARK_INTR), so that a live guest (capture)
	 * wakes what slept on it; NULL for a trace. */
	void (*interrupt)(void *ctx, uint32_t stream, uint32_t id);
};

/* The read-ahead: replay src under c in disco mode with pages left where
 * placement puts them, and count per guest page the cache misses each node
 * takes on it and the stores to it.  *out is malloc'd. */
int rpl_profile_run(const cfg *c, const struct rpl_source *src, struct rpl_profile **out,
		    struct sim_err *err);
void rpl_profile_free(struct rpl_profile *p);
/* Whether a run under c in mode needs a read-ahead first: its migration
 * policy declares POL_MIG_READ_AHEAD and the monitor runs (disco mode). */
int rpl_needs_read_ahead(const cfg *c, int mode);
/* The read-ahead of a run under c in mode over trace r when it needs one
 * (*out NULL when not): a first pass over r, which is rewound before and
 * after.  *out is the caller's (rpl_profile_free). */
struct trc_reader;
int rpl_read_ahead(const cfg *c, int mode, struct trc_reader *r, struct rpl_profile **out,
		   struct sim_err *err);

/* Progress callback: called now and then with records done so far. */
typedef void (*rpl_progress_fn)(void *ctx, uint64_t records, uint64_t cycles);

/* Run: build machine + monitor + policies from c (mode overrides), consume
 * every stream of src, fill res (allocating res->cpu).  Returns 0 or an error
 * (a trace inconsistency is SIM_EINVAL with the stream and record number). */
int rpl_run(const cfg *c, int mode, const struct rpl_source *src, struct rpl_results *res,
	    rpl_progress_fn progress, void *progress_ctx, struct sim_err *err);

/* The same, one step at a time: new sets up (res is zeroed and res->cpu
 * allocated); step runs until `records` more records are done or the run
 * ends (*done = 1: res is complete); free releases the engine (and res->cpu
 * if the run did not end).  Several engines can be stepped in turn. */
typedef struct rpl_engine rpl_engine;
int rpl_engine_new(rpl_engine **out, const cfg *c, int mode, const struct rpl_source *src,
		   struct rpl_results *res, rpl_progress_fn progress, void *progress_ctx,
		   struct sim_err *err);
int rpl_engine_step(rpl_engine *e, uint64_t records, int *done);
void rpl_engine_free(rpl_engine *e);
/* Invariant check for tests: every TLB entry maps a current copy of its
 * page, and none maps a replicated page writable.  Returns 1 when they hold. */
int rpl_engine_check(const rpl_engine *e);

/* Whether a run under c in mode can start on a trace of nstreams streams:
 * builds the machine, the monitor and the policies as rpl_run does, then
 * frees them, replaying nothing.  Returns 0, or the error rpl_run would
 * stop at before its first record (a value the model cannot take, such as
 * an L2TLB whose sets are not a power of two). */
int rpl_check(const cfg *c, int mode, uint32_t nstreams, struct sim_err *err);

/* Replay one trace under n configurations in one pass: every chunk is
 * decoded once and fed to each configuration's engine (DESIGN 8).  cfgs[i]
 * and modes[i] for res[i].  Memory: the chunks between the slowest and the
 * fastest engine's positions, which stepping the slowest first keeps close. */
struct trc_reader;
int rpl_run_shared(const cfg *const *cfgs, const int *modes, int n, struct trc_reader *r,
		   struct rpl_results *res, rpl_progress_fn progress, void *progress_ctx,
		   struct sim_err *err);

/* The configuration a trace replays under: a copy of base, then the
 * trace's page size and the configuration text of its header.  The caller
 * applies the user's own settings after.  *out is the caller's. */
int rpl_trace_cfg(const cfg *base, const struct trc_reader *r, const char *path, cfg **out,
		  struct sim_err *err);

/* A source over an open trace reader (traces/trace.h); src->ctx = r. */
void rpl_source_from_reader(struct rpl_source *src, struct trc_reader *r);

/* The same over a second thread that reads, checks and decodes the
 * trace's chunks ahead of the replay (replay/prefetch.c): the same records
 * in the same order, so the same results to the last counter, with the
 * decoding overlapped with the model on another core.  Until
 * rpl_prefetch_stop() the thread alone uses r.  Memory: up to 64 decoded
 * blocks (traces/trace.h) per stream where the reader alone holds one,
 * 24 MiB in all at most. */
typedef struct rpl_prefetch rpl_prefetch;
int rpl_prefetch_start(rpl_prefetch **out, struct rpl_source *src, struct trc_reader *r,
		       struct sim_err *err);
/* Stop the thread and free what it holds (NULL: nothing); r is the caller's again. */
void rpl_prefetch_stop(rpl_prefetch *p);

/* The engine's and the monitor's parameters. */
extern const struct param_table replay_param_table;

#endif
