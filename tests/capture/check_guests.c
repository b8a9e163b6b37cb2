/* The IRIX guest and its workloads: every workload file parses, captures
 * and replays exactly (capture == replay, counter for counter), under both
 * personalities and HALs; the same seed gives the same bytes; a bad
 * workload name is an error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/tables.h"
#include "capture/capture.h"
#include "capture/guest_os.h"
#include "machine/params.h"
#include "monitor/costs.h"
#include "policies/policy.h"
#include "replay/replay.h"
#include "tests/testlib.h"
#include "traces/params.h"
#include "traces/trace.h"

static const char *const workloads[] = { "pmake", "engineering", "raytrace", "database" };

/* A configuration running workload w at a test's scale. */
static cfg *wcfg(const char *w, const char *const *sets)
{
	cfg *c;
	struct sim_err err = { 0 };
	ck_assert_int_eq(cfg_new(&c, disco_param_tables, &err), SIM_OK);
	ck_assert_msg(cap_load_workload(c, w, &err) == SIM_OK, "%s", err.msg);
	ck_assert_int_eq(cfg_set(c, "capture.scale", "0.001", NULL, &err), SIM_OK);
	ck_assert_int_eq(cfg_set(c, "machine.cpus", "1", NULL, &err), SIM_OK);
	ck_assert_int_eq(cfg_set(c, "vm.mem.size", "96M", NULL, &err), SIM_OK);
	for (; sets && *sets; sets++)
		ck_assert_msg(cfg_set_assignment(c, *sets, "test", &err) == SIM_OK, "%s", err.msg);
	return c;
}

/* Capture c's workload into the scratch file name (results in *a) and open
 * the trace for reading. */
static trc_reader *capture_open(cfg *c, const char *name, struct rpl_results *a)
{
	struct sim_err err = { 0 };
	trc_reader *r;
	ck_assert_msg(cap_run(c, cap_guest_of(c), t_path(name), a, NULL, NULL, &err) == SIM_OK, "%s", err.msg);
	ck_assert_msg(trc_reader_open(&r, t_path(name), &err) == SIM_OK, "%s", err.msg);
	return r;
}

/* _i: workload * 2 + (0: irix53 plain native, 1: irix62 disco HAL under the monitor) */
START_TEST(workload_capture_equals_replay)
{
	const char *w = workloads[_i / 2];
	int disco = _i & 1;
	const char *s0[] = { "capture.mode=native", NULL };
	const char *s1[] = { "capture.mode=disco", "capture.hal=disco", "capture.os=irix62",
			     "machine.page_size=16K", NULL };
	struct sim_err err = { 0 };
	struct rpl_results a, b;
	char name[64];
	cfg *c = wcfg(w, disco ? s1 : s0);
	if (_i < 2) {   /* whole pmake jobs (two of them), each short */
		ck_assert_int_eq(cfg_set(c, "capture.scale", "0.05", NULL, &err), SIM_OK);
		ck_assert_int_eq(cfg_set(c, "capture.wl.insns", "3e5", NULL, &err), SIM_OK);
	}
	snprintf(name, sizeof name, "%s-%d.dtr", w, disco);
	ck_assert_msg(cap_run(c, cap_guest_of(c), t_path(name), &a, NULL, NULL, &err) == SIM_OK,
		      "%s: %s", w, err.msg);
	ck_assert_uint_gt(a.service[TRC_SVC_EXECVE].count, 0);
	if (_i < 2) {   /* pmake's jobs run whole; the others are shortened samples */
		ck_assert_uint_gt(a.service[TRC_SVC_DEMAND_ZERO].count, 0);
		ck_assert_uint_gt(a.service[TRC_SVC_QUICK_FAULT].count, 0);
	}
	ck_assert_uint_gt(a.utlb_misses, 0);
	if (disco) {
		ck_assert_uint_gt(a.moncalls, 0);
		ck_assert_uint_gt(a.ktlb_faults, 0);
	}
	t_replay_trace(t_path(name), disco ? RPL_DISCO : RPL_NATIVE, &b);
	t_same_results(&a, &b);
	rpl_results_free(&a);
	rpl_results_free(&b);
	cfg_free(c);
}
END_TEST

/* Two vCPUs share locks, semaphores and the disk: still exact. */
START_TEST(two_vcpus_capture_equals_replay)
{
	const char *s[] = { "capture.cpus=2", "machine.cpus=2", "capture.scale=0.1",
			    "capture.wl.insns=2e5", "capture.mode=disco", "capture.hal=disco", NULL };
	struct sim_err err = { 0 };
	struct rpl_results a, b;
	cfg *c = wcfg("pmake", s);
	ck_assert_msg(cap_run(c, cap_guest_of(c), t_path("two.dtr"), &a, NULL, NULL, &err) == SIM_OK,
		      "%s", err.msg);
	ck_assert_uint_gt(a.lock_acquires, 0);
	t_replay_trace(t_path("two.dtr"), RPL_DISCO, &b);
	t_same_results(&a, &b);
	rpl_results_free(&a);
	rpl_results_free(&b);
	cfg_free(c);
}
END_TEST

/* 8VMs/NFS in small: VM 0 serves two clients' files over the virtual
 * network (capture.os.disks = nfs). */
static const char *const nfs_sets[] = {
	"capture.cpus=3", "machine.cpus=3", "capture.vms=3", "capture.scale=0.05",
	"capture.wl.insns=4e5", "capture.mode=disco", "capture.hal=disco", "capture.os.boot=on",
	"capture.os.disks=nfs", "capture.os.kernel=smp", "machine.disks=4", "vm.disks.cow=0",
	"vm.mem.size=0", "machine.mem.size=96M", "vm.mem.sizes=48M,32M,32M", NULL
};

START_TEST(nfs_capture_equals_replay)
{
	struct sim_err err = { 0 };
	struct rpl_results a, b;
	cfg *c = wcfg("pmake", nfs_sets);
	ck_assert_msg(cap_run(c, cap_guest_of(c), t_path("nfs.dtr"), &a, NULL, NULL, &err) == SIM_OK,
		      "%s", err.msg);
	/* the data pages went by remap: only headers were copied */
	ck_assert_uint_gt(a.vnet_remapped, 0);
	ck_assert_uint_gt(a.hal_remaps, 0);
	ck_assert_uint_eq(a.vnet_copied % 128, 0);
	ck_assert_uint_gt(a.vnet_cycles, 0);
	t_replay_trace(t_path("nfs.dtr"), RPL_DISCO, &b);
	t_same_results(&a, &b);
	rpl_results_free(&a);
	rpl_results_free(&b);
	cfg_free(c);
}
END_TEST

/* A client's read that misses its buffer cache: the call (a header sent to
 * VM 0), the process asleep, then NET-INTR receiving the header and one
 * whole page into an mbuf, and the HAL's remap of that mbuf into a buffer
 * page with no copy in between; the server's reply sends that page. */
START_TEST(nfs_read_is_call_sleep_reply_remap)
{
	struct sim_err err = { 0 };
	struct rpl_results a;
	trc_reader *r;
	const struct trc_rec *recs;
	size_t n;
	int sends = 0, replies = 0, remaps = 0, server_pages = 0;
	cfg *c = wcfg("pmake", nfs_sets);
	r = capture_open(c, "nfs1.dtr", &a);
	/* the client: stream 1 */
	{
		int state = 0;   /* 1: after a reply's receive; 2: its header; 3: its page */
		uint64_t mbuf = 0, stored[4096];
		size_t nstored = 0;
		while (trc_next_block(r, 1, &recs, &n, &err) == SIM_OK && n) {
			for (size_t i = 0; i < n; i++) {
				const struct trc_rec *x = &recs[i];
				if (x->type == TRC_NET_SEND) {
					ck_assert_uint_eq(x->aux, 0);
					sends++;
				}
				if (x->type == TRC_NET_RECV) {
					ck_assert_uint_eq(x->aux, 0);
					state = 1;
					continue;
				}
				if (state == 1) {
					ck_assert_int_eq(x->type, TRC_FRAG);
					ck_assert_uint_eq(x->val, 128);
					state = 2;
					continue;
				}
				if (state == 2 && x->type == TRC_FRAG) {   /* a read's data */
					ck_assert_uint_eq(x->val, 4096);
					ck_assert_uint_eq(x->addr & 4095, 0);
					mbuf = x->addr >> 12;
					state = 3;
					nstored = 0;
					replies++;
					continue;
				}
				if (state == 2)
					state = 0;   /* a write's reply: a header only */
				if (state == 3 && x->type == TRC_STORE && nstored < 4096)
					stored[nstored++] = (x->addr - 0x80000000u) >> 12;
				if (state == 3 && x->type == TRC_MONCALL) {
					ck_assert_uint_eq(x->aux, TRC_MC_REMAP);
					ck_assert_uint_eq(x->addr, mbuf);
					ck_assert_uint_ne(x->val, mbuf);
					for (size_t k = 0; k < nstored; k++)   /* no bcopy into either page */
						ck_assert(stored[k] != mbuf && stored[k] != x->val);
					remaps++;
					state = 0;
				}
			}
		}
	}
	/* the server: stream 0 sends whole pages (its buffers) to the clients */
	while (trc_next_block(r, 0, &recs, &n, &err) == SIM_OK && n)
		for (size_t i = 1; i < n; i++)
			if (recs[i].type == TRC_FRAG && recs[i].val == 4096 && recs[i - 1].type == TRC_FRAG &&
			    i >= 2 && recs[i - 2].type == TRC_NET_SEND)
				server_pages++;
	trc_reader_close(r);
	ck_assert_int_gt(sends, 0);
	ck_assert_int_gt(replies, 0);
	ck_assert_int_eq(remaps, replies);
	ck_assert_int_gt(server_pages, 0);
	/* what the client holds of the server's pages is counted once */
	ck_assert_uint_lt(a.footprint.m[FP_BUFFER_CACHE], a.footprint.v[FP_BUFFER_CACHE]);
	rpl_results_free(&a);
	cfg_free(c);
}
END_TEST

/* On an smp kernel a service's objects are the kernel's own (review B3):
 * the running process's proc entry and the vnode it works on, at their
 * addresses after the page frame table.  Hand-computed for a 96 MB VM of
 * 4 KB pages: the locks at KSEG0 + 1536K (after the kernel text), the
 * pfdat at +4K, 128 + 24576 * 32 bytes, so the proc table at 0x80241100
 * (rounded up to 256), four slots and two parents (6 x 256); the vnodes at
 * 0x80241700: four directories, the read-shared file, then the two
 * binaries at 0x80241c00 and 0x80241d00. */
START_TEST(smp_kernel_objects_are_shared)
{
	const char *s[] = { "capture.cpus=2", "machine.cpus=2", "capture.scale=0.05",
			    "capture.wl.insns=2e5", "capture.os.kernel=smp", NULL };
	struct sim_err err = { 0 };
	struct rpl_results a, b;
	trc_reader *r;
	const struct trc_rec *recs;
	size_t n;
	uint64_t proc = 0, dir[2] = { 0 }, bin[2] = { 0 }, beyond = 0;
	cfg *c = wcfg("pmake", s);
	r = capture_open(c, "smpobj.dtr", &a);
	for (uint32_t st = 0; st < 2; st++)
		while (trc_next_block(r, st, &recs, &n, &err) == SIM_OK && n)
			for (size_t i = 0; i < n; i++) {
				uint64_t x = recs[i].addr;
				if ((recs[i].type != TRC_LOAD && recs[i].type != TRC_STORE) ||
				    !(recs[i].flags & TRC_F_KSEG0))
					continue;
				if (x >= 0x80241100u && x < 0x80241700u)
					proc++;
				else if (x >= 0x80241700u && x < 0x80241b00u)
					dir[st]++;
				else if (x >= 0x80241c00u && x < 0x80241e00u)
					bin[st]++;
				else if (x >= 0x80241e00u && x < 0x80242200u)
					beyond++;   /* the slots' own files */
			}
	trc_reader_close(r);
	ck_assert_uint_gt(proc, 0);
	/* both vCPUs work on the same directories and binaries */
	ck_assert_uint_gt(dir[0], 0);
	ck_assert_uint_gt(dir[1], 0);
	ck_assert_uint_gt(bin[0], 0);
	ck_assert_uint_gt(bin[1], 0);
	ck_assert_uint_gt(beyond, 0);
	t_replay_trace(t_path("smpobj.dtr"), RPL_NATIVE, &b);
	t_same_results(&a, &b);
	rpl_results_free(&a);
	rpl_results_free(&b);
	cfg_free(c);
}
END_TEST

/* A kernel of its own per vCPU has IRIX's tables too, laid out as the smp
 * kernel's (make_kernels).  Hand-computed for the 96 MB VM of 4 KB pages
 * above, one vCPU: the lock words at KSEG0 + 1536K = 0x80180000, page p's
 * hash bucket at 0x80180400 + (p % 256) * 8; the free list's head at
 * 0x80181000 and page p's pfdat entry at 0x80181080 + 32 p (24576 pages,
 * so up to 0x80241080); the proc table at 0x80241100: slots 0 and 1 (the
 * jobs, ASIDs 2 and 3), then slot 2 (the parent, ASID 1), 256 bytes each;
 * the vnodes at 0x80241400: four directories, the read-shared file, the
 * two binaries, then slot j's own files at 0x80241b00 + 256 j.
 * _i = 0: with no kernel data references of the paths' own
 * (capture.os.kref = 0), what is left is exact: a DEMAND-ZERO fault loads
 * and stores the free list's head, loads its page's pfdat entry and
 * stores the entry's link (+8), loads and stores the page's hash bucket,
 * and zeroes the page: nothing else in KSEG0; a QUICK-FAULT (a text or
 * read-shared page, found in the page cache) loads the page's bucket,
 * loads its pfdat entry and stores its use count (+16), nothing else.
 * (A fault that also takes a page-table page, the process's first in a
 * segment, makes that page's references too: exec_page_tables counts
 * those, and these counts leave such faults out.)
 * _i = 1: with the paths' references, those that fall in the proc table
 * are the running process's entry (the parent's when none runs), and those
 * that fall in the processes' own vnodes are the running process's (but in
 * a context switch, whose path touches the entries of the process it
 * leaves and the one it takes before the new ASID), all but the few of
 * the paths' 5% anywhere in the data that land there. */
START_TEST(percpu_kernel_tables)
{
	const char *s0[] = { "capture.scale=0.05", "capture.wl.insns=2e5", "capture.os.kref=0", NULL };
	const char *s1[] = { "capture.scale=0.05", "capture.wl.insns=2e5", NULL };
	struct sim_err err = { 0 };
	struct rpl_results a, b;
	trc_reader *r;
	const struct trc_rec *recs;
	size_t n;
	const uint64_t head = 0x80181000u, pfdat = 0x80181080u, bucket0 = 0x80180400u;
	const uint64_t proc0 = 0x80241100u, own_vn0 = 0x80241b00u, tables_end = 0x80241d00u;
	uint64_t dz = 0, qf = 0, proc_refs = 0, vn_refs = 0, stray = 0;
	int depth = 0, slot = 2;
	unsigned svc = 0;
	uint64_t page = 0, refs[8], nrefs = 0, zero = 0;
	int over = 0, pt = 0;   /* more than 8 references; a page-table page taken (not counted) */
	char name[32];
	cfg *c = wcfg("pmake", _i ? s1 : s0);
	snprintf(name, sizeof name, "pcputab-%d.dtr", _i);
	r = capture_open(c, name, &a);
	while (trc_next_block(r, 0, &recs, &n, &err) == SIM_OK && n)
		for (size_t i = 0; i < n; i++) {
			const struct trc_rec *x = &recs[i];
			int ref = (x->type == TRC_LOAD || x->type == TRC_STORE) && (x->flags & TRC_F_KSEG0);
			if (x->type == TRC_ASID)
				slot = x->id == 1 ? 2 : (int)x->id - 2;
			else if (x->type == TRC_SVC_BEGIN && depth++ == 0) {
				svc = x->aux;
				nrefs = zero = page = 0;
				over = pt = 0;
			} else if (x->type == TRC_MARKER && x->aux == RPL_MARK_PT_PAGE) {
				pt = 1;   /* the fault also took a page-table page (exec_page_tables) */
			} else if (x->type == TRC_SVC_END && --depth == 0) {
				ck_assert_msg(pt || !over, "more than 8 table references in a service");
				if (pt) {
					;
				} else if (!_i && svc == TRC_SVC_DEMAND_ZERO) {
					/* the refs in order, as the allocation makes them */
					const uint64_t want[6] = { head, head, pfdat + page * 32,
								   pfdat + page * 32 + 8,
								   bucket0 + (page % 256) * 8,
								   bucket0 + (page % 256) * 8 };
					ck_assert_uint_eq(nrefs, 6);
					for (int j = 0; j < 6; j++)
						ck_assert_uint_eq(refs[j], want[j]);
					ck_assert_uint_eq(zero, 4096 / 32);
					dz++;
				} else if (!_i && svc == TRC_SVC_QUICK_FAULT) {
					ck_assert_uint_eq(nrefs, 3);
					ck_assert_uint_eq(refs[0], bucket0 + (page % 256) * 8);
					ck_assert_uint_eq(refs[1], pfdat + page * 32);
					ck_assert_uint_eq(refs[2], pfdat + page * 32 + 16);
					qf++;
				}
				svc = 0;
			} else if (depth == 1 && x->type == TRC_PAGE_ALLOC && svc == TRC_SVC_DEMAND_ZERO)
				page = x->addr;
			else if (!_i && depth == 1 && x->type == TRC_PTE_SET && svc == TRC_SVC_QUICK_FAULT)
				ck_assert_uint_eq(x->val, page);   /* the page it looked up is the one it maps */
			else if (ref && depth == 1 && svc != TRC_SVC_SCHED && x->addr >= proc0 &&
				 x->addr < proc0 + 3 * 256) {
				if ((x->addr - proc0) / 256 == (uint64_t)slot)
					proc_refs++;
				else
					stray++;
			} else if (ref && depth == 1 && svc != TRC_SVC_SCHED && x->addr >= own_vn0 &&
				   x->addr < tables_end) {
				if ((x->addr - own_vn0) / 256 == (uint64_t)slot)
					vn_refs++;
				else
					stray++;
			}
			if (ref && depth == 1 && !_i &&
			    (svc == TRC_SVC_DEMAND_ZERO || svc == TRC_SVC_QUICK_FAULT)) {
				if (svc == TRC_SVC_DEMAND_ZERO && page && x->type == TRC_STORE &&
				    x->addr >> 12 == (0x80000000u >> 12) + page)
					zero++;
				else if (nrefs < 8) {
					refs[nrefs++] = x->addr;
					if (svc == TRC_SVC_QUICK_FAULT && nrefs == 2)
						page = (x->addr - pfdat) / 32;
				} else
					over = 1;
			}
		}
	trc_reader_close(r);
	if (!_i) {
		ck_assert_uint_gt(dz, 10);
		ck_assert_uint_gt(qf, 10);
	} else {
		ck_assert_uint_gt(proc_refs, 100);
		ck_assert_uint_gt(vn_refs, 10);
		/* the paths' 5% anywhere in the data may fall on another's
		 * entry: 768 + 512 bytes of 4 MB, about 1.5e-5 of the
		 * references, against the 10% each object takes */
		ck_assert_uint_le(stray * 100, proc_refs + vn_refs);
	}
	t_replay_trace(t_path(name), RPL_NATIVE, &b);
	t_same_results(&a, &b);
	rpl_results_free(&a);
	rpl_results_free(&b);
	cfg_free(c);
}
END_TEST

/* On an smp kernel an exit detaches each page it unmaps under memlock:
 * one use-count update (a load and a store of the pfdat entry's word at
 * +16, pfdat at KSEG0 + 1536K + 4K + 128, 32 bytes a page) for each PTE it
 * clears, all between memlock's acquire and release; a fork raises the
 * count of each page it shares with the parent. */
START_TEST(smp_detach_updates_use_counts)
{
	const char *s[] = { "capture.cpus=2", "machine.cpus=2", "capture.scale=0.05",
			    "capture.wl.insns=2e5", "capture.os.kernel=smp", NULL };
	struct sim_err err = { 0 };
	struct rpl_results a;
	trc_reader *r;
	const struct trc_rec *recs;
	size_t n;
	const uint64_t pfdat = 0x80000000u + 1536 * 1024 + 4096 + 128;
	uint64_t exits = 0, fork_uses = 0, forks = 0;
	cfg *c = wcfg("pmake", s);
	r = capture_open(c, "detach.dtr", &a);
	for (uint32_t st = 0; st < 2; st++) {
		unsigned svc = 0;
		int locked = 0;
		uint64_t clears = 0, uses = 0;
		struct trc_rec prev = { 0 };
		while (trc_next_block(r, st, &recs, &n, &err) == SIM_OK && n)
			for (size_t i = 0; i < n; i++) {
				const struct trc_rec *x = &recs[i];
				/* a use-count update: a load and a store of the same
				 * word, one after the other (the kernel path's own
				 * references come one at a time between instructions) */
				int use = x->type == TRC_STORE && prev.type == TRC_LOAD && prev.addr == x->addr &&
					  x->addr >= pfdat && (x->addr - pfdat) % 32 == 16 &&
					  (x->flags & TRC_F_KSEG0);
				prev = *x;
				if (x->type == TRC_SVC_BEGIN && x->aux != TRC_SVC_DISK_INTR)
					svc = x->aux;
				else if (x->type == TRC_LOCK_ACQ && x->id == 1)
					locked = 1;
				else if (x->type == TRC_LOCK_REL && x->id == 1)
					locked = 0;
				else if (svc == TRC_SVC_EXIT && x->type == TRC_PTE_CLEAR) {
					ck_assert(locked);
					clears++;
				} else if (svc == TRC_SVC_EXIT && use) {
					ck_assert(locked);
					uses++;
				} else if (svc == TRC_SVC_FORK && use) {
					ck_assert(locked);
					fork_uses++;
				}
				if (x->type == TRC_SVC_END && x->aux == TRC_SVC_EXIT) {
					ck_assert_uint_eq(uses, clears);
					exits += clears > 0;
					clears = uses = 0;
				}
				if (x->type == TRC_SVC_END && x->aux == TRC_SVC_FORK)
					forks++;
			}
	}
	trc_reader_close(r);
	ck_assert_uint_gt(exits, 0);
	/* 64K of parent data shared at each fork: 16 pages */
	ck_assert_uint_eq(fork_uses, forks * 16);
	rpl_results_free(&a);
	cfg_free(c);
}
END_TEST

/* On an smp kernel each hand-over of a process slot between vCPUs is a
 * semaphore of its own (SEM_HANDOVER | slot << 20 | number): signalled
 * when the process leaves its vCPU and when it becomes runnable, waited
 * three times (the engine's fresh count of 1, then both signals) and
 * signalled once more by the vCPU that takes it.  Issue: with one count
 * per slot, a vCPU that took back a process it let go, then let it go
 * again, could lose the first leave's signal to the next taker in a replay
 * under other timing, which ran the process before the second run was
 * over ("reference ... which has no page-table entry" under UMA, seeds 13
 * and 21 of this configuration; the walk checks that the schedules of 13
 * and 22 have such a take-back: 21's lost its own when the kernel's data
 * took IRIX's tables and the paths' lengths moved).  The walk: each
 * slot's hand-overs are taken in order, 0, 1, ..., each by one vCPU; the
 * leave is signalled on the vCPU that took the one before (the forking
 * vCPU for the first), after that take; all but a slot's last one are
 * taken.  Then the trace replays under UMA. */
#define HO_SLOTS 16
#define HO_MAX 1024
struct ho {
	int taker;          /* the stream that waited for it, -1: none */
	size_t taken_at;    /* the record of its last wait in that stream */
	size_t waits, after;   /* the take's waits and its signal after them */
	size_t signals;     /* the others: the leave and the wake-up */
	int sig_st[2];
	size_t sig_at[2];
};

/* Whether hand-over h of a slot (at o) has its leave on the vCPU that ran
 * the process, after the take that let it run (prev, NULL for the slot's
 * first hand-over, whose process the owner forked). */
static int ho_left_in_order(const struct ho *o, const struct ho *prev, int owner)
{
	for (size_t k = 0; k < o->signals && k < 2; k++)
		if (prev ? o->sig_st[k] == prev->taker && o->sig_at[k] > prev->taken_at
			 : o->sig_st[k] == owner)
			return 1;
	return 0;
}

START_TEST(smp_handover_pairs_each_take_with_its_leave)
{
	static const char *const seeds[] = { "capture.seed=13", "capture.seed=22" };
	const char *s[] = { "capture.cpus=2", "machine.cpus=2", "capture.scale=0.05",
			    "capture.wl.insns=2e5", "capture.os.kernel=smp", seeds[_i], NULL };
	static struct ho ho[HO_SLOTS][HO_MAX];
	struct sim_err err = { 0 };
	struct rpl_results a, b;
	trc_reader *r;
	const struct trc_rec *recs;
	size_t n, takes = 0, backs = 0;
	uint32_t last[HO_SLOTS] = { 0 };
	cfg *c = wcfg("pmake", s);
	const int parallel = (int)cfg_int(c, "capture.wl.parallel"), nslot = 2 * parallel;
	ck_assert_int_le(nslot, HO_SLOTS);
	memset(ho, 0, sizeof ho);
	for (int i = 0; i < HO_SLOTS; i++)
		for (int h = 0; h < HO_MAX; h++)
			ho[i][h].taker = -1;
	r = capture_open(c, "handover.dtr", &a);
	for (int st = 0; st < 2; st++) {
		size_t at = 0;
		while (trc_next_block(r, (uint32_t)st, &recs, &n, &err) == SIM_OK && n)
			for (size_t k = 0; k < n; k++, at++) {
				const struct trc_rec *x = &recs[k];
				uint32_t slot = x->id >> 20 & 0x7ff, h = x->id & 0xfffff;
				struct ho *o;
				if (x->type != TRC_SEM_WAIT && x->type != TRC_SEM_SIGNAL)
					continue;
				/* the slots' counts of before are gone */
				ck_assert(x->id < 300 || (x->id >= 400 && x->id < 500) || x->id >= 700);
				if (!(x->id & 0x80000000u))
					continue;
				ck_assert_int_lt(slot, nslot);
				ck_assert_uint_lt(h, HO_MAX);
				o = &ho[slot][h];
				if (h + 1 > last[slot])
					last[slot] = h + 1;
				if (x->type == TRC_SEM_WAIT) {
					ck_assert(o->taker < 0 || o->taker == st);
					o->taker = st;
					o->waits++;
					o->taken_at = at;
				} else if (o->taker == st && o->waits == 3) {
					o->after++;
				} else {
					ck_assert_int_ne(o->taker, st);   /* on the taker's vCPU, before it */
					if (o->signals < 2) {
						o->sig_st[o->signals] = st;
						o->sig_at[o->signals] = at;
					}
					o->signals++;
				}
			}
	}
	trc_reader_close(r);
	for (int i = 0; i < nslot; i++)
		for (uint32_t h = 0; h < last[i]; h++) {
			const struct ho *o = &ho[i][h], *prev = h ? &ho[i][h - 1] : NULL;
			ck_assert_msg(o->signals == 2, "slot %d hand-over %u: %zu signals", i, h, o->signals);
			ck_assert_msg(ho_left_in_order(o, prev, i / parallel),
				      "slot %d hand-over %u: not left by the vCPU that ran it", i, h);
			/* all but the last are taken, once each */
			if (o->waits || h + 1 < last[i])
				ck_assert_msg(o->waits == 3 && o->after == 1,
					      "slot %d hand-over %u: %zu waits, %zu signals after", i, h,
					      o->waits, o->after);
			takes += o->waits / 3;
		}
	ck_assert_uint_gt(takes, 0);
	/* the seeds' schedule: a vCPU takes back a process it let go, and
	 * another vCPU takes it next */
	for (int i = 0; i < nslot; i++)
		for (uint32_t h = 0; h + 1 < last[i]; h++) {
			int before = h ? ho[i][h - 1].taker : i / parallel;
			if (ho[i][h].taker == before && ho[i][h + 1].taker >= 0 &&
			    ho[i][h + 1].taker != before)
				backs++;
		}
	ck_assert_uint_gt(backs, 0);
	t_replay_trace(t_path("handover.dtr"), RPL_UMA, &b);
	ck_assert_uint_eq(b.instructions, a.instructions);
	rpl_results_free(&a);
	rpl_results_free(&b);
	cfg_free(c);
}
END_TEST

/* The smp kernel's sleeping locks, a directory's vnode lock (ids 100..103,
 * namei) and a shared region's lock (ids 400.., a QUICK-FAULT on a
 * binary's text or the read-shared region), are mutexes in the trace: in
 * each stream every wait is followed by the same stream's signal of that
 * id before its next wait, and nothing is held at the stream's end; the
 * vnode lock is held inside an OPEN (once) or EXECVE service (twice: the
 * binary, then rld) and the region's inside a QUICK-FAULT.  A replay under other timing may grant them in
 * another order, and any order is one IRIX could run: namei reads cached
 * directory blocks, and a region fault maps a text or shared page that is
 * resident from the boot into the faulting process's own page table (a
 * process that finds the lock held sleeps with no wait of its own, and
 * its wake-up is a hand-over, ordered after the release).  So each seed
 * replays under UMA, where the grants move, to the same instructions.
 * _i: the seed (1, and 13 and 21, whose UMA replays failed when a
 * hand-over was one count per slot). */
START_TEST(smp_sleeping_locks_are_mutexes)
{
	static const char *const seeds[] = { "capture.seed=1", "capture.seed=13", "capture.seed=21" };
	const char *s[] = { "capture.cpus=2", "machine.cpus=2", "capture.scale=0.05",
			    "capture.wl.insns=2e5", "capture.os.kernel=smp", seeds[_i], NULL };
	struct sim_err err = { 0 };
	struct rpl_results a, b;
	trc_reader *r;
	const struct trc_rec *recs;
	size_t n;
	uint64_t holds[2] = { 0 };   /* vnode, region */
	cfg *c = wcfg("pmake", s);
	r = capture_open(c, "sleeping.dtr", &a);
	for (uint32_t st = 0; st < 2; st++) {
		int held[512] = { 0 };   /* [id - 100] */
		unsigned svc = 0;        /* the open service, 0: none */
		while (trc_next_block(r, st, &recs, &n, &err) == SIM_OK && n)
			for (size_t k = 0; k < n; k++) {
				const struct trc_rec *x = &recs[k];
				int region;
				if (x->type == TRC_SVC_BEGIN)
					svc = x->aux;
				else if (x->type == TRC_SVC_END)
					svc = 0;
				if ((x->type != TRC_SEM_WAIT && x->type != TRC_SEM_SIGNAL) || x->id < 100 ||
				    x->id >= 600 || (x->id >= 104 && x->id < 400))
					continue;
				region = x->id >= 400;
				if (region)
					ck_assert_uint_eq(svc, TRC_SVC_QUICK_FAULT);
				else
					ck_assert(svc == TRC_SVC_OPEN || svc == TRC_SVC_EXECVE);
				if (x->type == TRC_SEM_WAIT) {
					ck_assert_msg(!held[x->id - 100], "stream %u waits for %u, which it holds",
						      st, x->id);
					held[x->id - 100] = 1;
					holds[region]++;
				} else {
					ck_assert_msg(held[x->id - 100], "stream %u signals %u, not held", st,
						      x->id);
					held[x->id - 100] = 0;
				}
			}
		for (int i = 0; i < 512; i++)
			ck_assert_int_eq(held[i], 0);
	}
	trc_reader_close(r);
	/* a namei an open, two an exec (the binary, then rld) */
	ck_assert_uint_eq(holds[0], a.service[TRC_SVC_OPEN].count + 2 * a.service[TRC_SVC_EXECVE].count);
	ck_assert_uint_gt(holds[1], 0);
	ck_assert_uint_le(holds[1], a.service[TRC_SVC_QUICK_FAULT].count);
	t_replay_trace(t_path("sleeping.dtr"), RPL_UMA, &b);
	ck_assert_uint_eq(b.instructions, a.instructions);
	rpl_results_free(&a);
	rpl_results_free(&b);
	cfg_free(c);
}
END_TEST

/* On an smp kernel the run queue's lock covers the scheduler's queue work,
 * not the whole switch: between each acquire and release of lock 3 the
 * trace has RUNQ_INSNS = 40 instructions and a load and a store of the
 * queue's head (the lock words at KSEG0 + 1536K, after the kernel text;
 * the head at +3072, after the 256 hash buckets at +1024: 0x80180c00),
 * and each SCHED service still runs the entry path's 60 instructions plus
 * capture.os.path.sched's 1,200, of which 1,160 after the release. */
START_TEST(smp_runq_lock_covers_the_queue_work)
{
	const char *s[] = { "capture.cpus=2", "machine.cpus=2", "capture.scale=0.05",
			    "capture.wl.insns=2e5", "capture.os.kernel=smp", NULL };
	struct sim_err err = { 0 };
	struct rpl_results a;
	trc_reader *r;
	const struct trc_rec *recs;
	size_t n;
	const uint64_t head = 0x80180c00u;
	uint64_t sections = 0, scheds = 0;
	cfg *c = wcfg("pmake", s);
	r = capture_open(c, "runq.dtr", &a);
	for (uint32_t st = 0; st < 2; st++) {
		int locked = 0, in_sched = 0, released = 0;
		uint64_t insns = 0, after = 0, heads = 0, sched_insns = 0;
		while (trc_next_block(r, st, &recs, &n, &err) == SIM_OK && n)
			for (size_t i = 0; i < n; i++) {
				const struct trc_rec *x = &recs[i];
				if (x->type == TRC_SVC_BEGIN && x->aux == TRC_SVC_SCHED) {
					in_sched = 1;
					released = 0;
					sched_insns = after = 0;
				} else if (x->type == TRC_SVC_END && x->aux == TRC_SVC_SCHED) {
					ck_assert_uint_eq(sched_insns, 60 + 1200);
					ck_assert_uint_eq(after, 1200 - 40 + 30);   /* and the exit's half of the entry path */
					in_sched = 0;
					scheds++;
				} else if (x->type == TRC_LOCK_ACQ && x->id == 3) {
					ck_assert(in_sched);
					locked = 1;
					insns = heads = 0;
				} else if (x->type == TRC_LOCK_REL && x->id == 3) {
					ck_assert_uint_eq(insns, 40);
					ck_assert_uint_eq(heads, 2);
					locked = 0;
					released = 1;
					sections++;
				} else if (x->type == TRC_INSN && in_sched) {
					sched_insns += x->id;
					if (locked)
						insns += x->id;
					else if (released)
						after += x->id;
				} else if ((x->type == TRC_LOAD || x->type == TRC_STORE) && x->addr == head) {
					ck_assert(locked);
					heads++;
				}
			}
	}
	trc_reader_close(r);
	ck_assert_uint_gt(scheds, 0);
	ck_assert_uint_eq(sections, scheds);
	rpl_results_free(&a);
	cfg_free(c);
}
END_TEST

/* On an smp kernel under the Disco-aware HAL a vCPU with nothing to run
 * tells the monitor once per idle period (paper 4.3.3: it is descheduled
 * until an interrupt), on the first pass of its idle loop: an idle period
 * is a run of passes (IDLE_BEGIN .. IDLE_END) with no other record between
 * them, and exactly its first pass holds the idle monitor call. */
START_TEST(smp_idle_tells_the_monitor_once)
{
	const char *s[] = { "capture.cpus=2", "machine.cpus=2", "capture.scale=0.05",
			    "capture.wl.insns=2e5", "capture.os.kernel=smp", "capture.hal=disco",
			    "capture.mode=disco", NULL };
	struct sim_err err = { 0 };
	struct rpl_results a;
	trc_reader *r;
	const struct trc_rec *recs;
	size_t n;
	uint64_t passes = 0, periods = 0, calls = 0;
	cfg *c = wcfg("pmake", s);
	r = capture_open(c, "idle.dtr", &a);
	for (uint32_t st = 0; st < 2; st++) {
		int in_pass = 0, in_period = 0, first = 0;
		while (trc_next_block(r, st, &recs, &n, &err) == SIM_OK && n)
			for (size_t i = 0; i < n; i++) {
				const struct trc_rec *x = &recs[i];
				if (x->type == TRC_IDLE_BEGIN) {
					first = !in_period;
					periods += first;
					passes++;
					in_pass = in_period = 1;
				} else if (x->type == TRC_IDLE_END) {
					in_pass = 0;
				} else if (x->type == TRC_MONCALL && x->aux == TRC_MC_IDLE) {
					ck_assert_msg(in_pass && first, "an idle call outside a period's first pass");
					calls++;
					first = 0;   /* one a pass */
				} else if (!in_pass) {
					in_period = 0;
				}
			}
	}
	trc_reader_close(r);
	ck_assert_uint_gt(passes, periods);   /* some periods last several passes */
	ck_assert_uint_eq(calls, periods);
	rpl_results_free(&a);
	cfg_free(c);
}
END_TEST

/* On an smp kernel memlock covers the page-hash work of every allocation
 * and of read and write.  Hand-computed for the 96 MB VM of 4 KB pages
 * above: the hash buckets at KSEG0 + 1536K + 1024, 8 bytes each, page p's
 * at 0x80180400 + (p % 256) * 8; the pfdat at 0x80181080, 32 bytes a page.
 * (1) Every page a service allocates is taken under memlock, its bucket
 * loaded and stored just before its PAGE_ALLOC record (execve's stack page
 * included).  (2) Each write, and each read that finds its block, finds
 * the block's page under memlock once: its bucket loaded, its pfdat entry
 * loaded and its use count (+16) stored, with PFIND_INSNS = 40 of the
 * call's instructions (write: 85 - 42 = 43 left after the first half; read:
 * 240 - 120). */
START_TEST(smp_memlock_covers_page_hash_work)
{
	const char *s[] = { "capture.cpus=2", "machine.cpus=2", "capture.scale=0.05",
			    "capture.wl.insns=2e5", "capture.os.kernel=smp", NULL };
	struct sim_err err = { 0 };
	struct rpl_results a;
	trc_reader *r;
	const struct trc_rec *recs;
	size_t n;
	const uint64_t bucket0 = 0x80180400u, pfdat = 0x80181080u;
	uint64_t allocs = 0, exec_allocs = 0, lookups = 0, expected = 0;
	cfg *c = wcfg("pmake", s);
	r = capture_open(c, "memlock.dtr", &a);
	for (uint32_t st = 0; st < 2; st++) {
		int locked = 0, depth = 0, has_lookup = 0, read_dma = 0;
		unsigned svc = 0;
		uint64_t insns = 0;
		struct trc_rec p1 = { 0 }, p2 = { 0 };   /* the records before this one */
		while (trc_next_block(r, st, &recs, &n, &err) == SIM_OK && n)
			for (size_t i = 0; i < n; i++) {
				const struct trc_rec *x = &recs[i];
				if (x->type == TRC_SVC_BEGIN && depth++ == 0) {
					svc = x->aux;
					read_dma = 0;
				} else if (x->type == TRC_SVC_END && --depth == 0) {
					if (svc == TRC_SVC_WRITE || (svc == TRC_SVC_READ && !read_dma))
						expected++;
					svc = 0;
				} else if (x->type == TRC_DMA_REQ && !(x->flags & TRC_F_WRITE))
					read_dma = 1;
				else if (x->type == TRC_LOCK_ACQ && x->id == 1) {
					locked = 1;
					insns = 0;
					has_lookup = 0;
				} else if (x->type == TRC_LOCK_REL && x->id == 1) {
					if (has_lookup && (svc == TRC_SVC_READ || svc == TRC_SVC_WRITE)) {
						ck_assert_uint_eq(insns, 40);
						lookups++;
					}
					locked = 0;
				} else if (x->type == TRC_INSN && locked)
					insns += x->id;
				else if (x->type == TRC_PAGE_ALLOC && depth > 0) {
					uint64_t b = bucket0 + (x->addr % 256) * 8;
					ck_assert(locked);
					ck_assert(p2.type == TRC_LOAD && p2.addr == b);
					ck_assert(p1.type == TRC_STORE && p1.addr == b);
					allocs++;
					exec_allocs += svc == TRC_SVC_EXECVE;
				} else if (x->type == TRC_STORE && locked && x->addr >= pfdat &&
					   (x->addr - pfdat) % 32 == 16) {
					uint64_t pg = (x->addr - pfdat) / 32;
					if (p1.type == TRC_LOAD && p1.addr == pfdat + pg * 32 &&
					    p2.type == TRC_LOAD && p2.addr == bucket0 + (pg % 256) * 8)
						has_lookup = 1;
				}
				p2 = p1;
				p1 = *x;
			}
	}
	trc_reader_close(r);
	ck_assert_uint_gt(allocs, 0);
	ck_assert_uint_gt(exec_allocs, 0);
	ck_assert_uint_gt(expected, 0);
	ck_assert_uint_eq(lookups, expected);
	rpl_results_free(&a);
	cfg_free(c);
}
END_TEST

/* execve builds the new stack as IRIX's exec does (capture/guest_exec.c):
 * kvpalloc takes a window of btoc(3 * 20480 + 56) pages, fuexarg fills it,
 * its top btoc(stack) pages become the stack region, kvpfree frees the
 * rest.  By hand, for _i = 0 (IRIX 5.3, 4 KB pages) and 1 (IRIX 6.2, 16
 * KB), pmake's 16 KB of stack (4 pages, 1 page), the Disco-aware HAL:
 *   window: 61496 bytes: 16 pages; 4 pages.
 *   stack: 20480 + (32 + 3) * 4 + 56 = 20676, to 16: 20688 bytes: 6 pages;
 *     2 pages (the window's top ones, mapped at the stack's top VPNs, in
 *     order): the top 5 (1) are argument pages above the workload's
 *     stack, the lowest (VPN top - 6; top - 2), which holds the stack
 *     pointer, is the workload's stack page 0.
 *   allocations: 16 - 6 = 10 kernel-data and 6 user pages; 2 and 2; the
 *     kernel-data ones freed, each with the page-freed hint; no zeroed-page
 *     call (the stack is the window's, not a fresh zeroed page).
 *   stores into the window (offsets in its 65536 bytes): the pointers to
 *     the holding area at 4040 (136 bytes: 5 lines), the strings at 45056
 *     (1024 bytes: 32), bzero of the other 19456 bytes (608), the pointers
 *     and argc to 44860 (140 bytes: 5), page_zero below the stack pointer
 *     65536 - 20688 = 44848: 44848 - 40960 = 3888 bytes (122 lines) on 4 KB
 *     pages, 44848 - 32768 = 12080 (378) on 16 KB: 772 and 1028 stores.
 *   pages stored to: 0, 1, 10-15 (8 of 16); 0, 2, 3 (3 of 4).
 *   loads from the old image (the strings and pointers, kernel-mode loads
 *     of user addresses): 5 + 32 = 37.
 *   tlbwi in the exec itself: setup_wired_tlb's 8 - 1 - 1 = 6 (5 on 16 KB
 *     pages: 6 - 1), and on IRIX 5.3 the entry and exit's wired-entry
 *     swaps: 8 and 5. */
START_TEST(execve_builds_stack_from_argument_window)
{
	/* without IRIX's page-table pool, so that every page-table page is
	 * an allocation this test can tell apart */
	const char *s53[] = { "capture.hal=disco", "capture.scale=0.05", "capture.wl.insns=3e5",
			      "capture.os.ptpool=off", NULL };
	const char *s62[] = { "capture.hal=disco", "capture.scale=0.05", "capture.wl.insns=3e5",
			      "capture.os=irix62", "machine.page_size=16K", "capture.os.ptpool=off", NULL };
	const uint64_t want_kd[2] = { 10, 2 }, want_user[2] = { 6, 2 };
	const uint64_t want_stores[2] = { 772, 1028 }, want_touched[2] = { 8, 3 };
	const uint64_t want_tlbwi[2] = { 8, 5 };
	const uint64_t want_args[2] = { 5, 1 };
	unsigned pshift = _i ? 14 : 12;
	uint64_t top = 0x7fff0000ull >> pshift;   /* STACK_TOP's page */
	struct sim_err err = { 0 };
	struct rpl_results a;
	const struct trc_rec *recs;
	size_t n;
	uint64_t execs = 0;
	cfg *c = wcfg("pmake", _i ? s62 : s53);
	trc_reader *r = capture_open(c, _i ? "exec62.dtr" : "exec53.dtr", &a);
	int depth = 0, in_exec = 0;
	uint64_t kd = 0, user = 0, kd_free = 0, hints = 0, zeroes = 0, arg_ptes = 0, stack0_ptes = 0,
		 stores = 0, uloads = 0, tlbwi = 0, win[64], nwin = 0, pt_frees = 0;
	uint8_t touched[64];
	while (trc_next_block(r, 0, &recs, &n, &err) == SIM_OK && n)
		for (size_t i = 0; i < n; i++) {
			const struct trc_rec *x = &recs[i];
			if (x->type == TRC_SVC_BEGIN && depth++ == 0 && x->aux == TRC_SVC_EXECVE) {
				in_exec = 1;
				kd = user = kd_free = hints = zeroes = arg_ptes = stack0_ptes = pt_frees = 0;
				stores = uloads = tlbwi = nwin = 0;
				memset(touched, 0, sizeof touched);
			} else if (x->type == TRC_SVC_END && --depth == 0 && in_exec) {
				uint64_t t = 0;
				for (uint64_t k = 0; k < nwin; k++)
					t += touched[k];
				ck_assert_uint_eq(kd, want_kd[_i]);
				ck_assert_uint_eq(user, want_user[_i]);
				ck_assert_uint_eq(kd_free, want_kd[_i] + pt_frees);
				ck_assert_uint_ge(hints, kd_free);
				ck_assert_uint_eq(zeroes, 0);
				ck_assert_uint_eq(arg_ptes, want_args[_i]);
				ck_assert_uint_eq(stack0_ptes, 1);
				ck_assert_uint_eq(stores, want_stores[_i]);
				ck_assert_uint_eq(t, want_touched[_i]);
				ck_assert_uint_eq(uloads, 37);
				ck_assert_uint_eq(tlbwi, want_tlbwi[_i]);
				in_exec = 0;
				execs++;
			} else if (!in_exec) {
				continue;
			} else if (x->type == TRC_PRIV && x->aux == TRC_PRIV_TLBWI && depth == 1) {
				tlbwi++;
			} else if (x->type == TRC_PAGE_ALLOC && (x->aux == TRC_CAT_KERNEL_DATA ||
								 x->aux == TRC_CAT_USER)) {
				kd += x->aux == TRC_CAT_KERNEL_DATA;
				user += x->aux == TRC_CAT_USER;
				ck_assert_uint_lt(nwin, 64);
				win[nwin++] = x->addr;
			} else if (x->type == TRC_MARKER && x->aux == RPL_MARK_PT_PAGE) {
				/* a page-table page (exec_page_tables below): not the
				 * window's; its allocation, zero and free are not counted */
				uint64_t pg = x->val & ((1ull << RPL_PT_INDEX_SHIFT) - 1);
				if (pg) {
					ck_assert_uint_gt(nwin, 0);
					ck_assert_uint_eq(win[nwin - 1], pg);
					nwin--;
					kd--;
					zeroes--;
				} else {
					pt_frees++;
				}
			} else if (x->type == TRC_PAGE_FREE && x->aux == TRC_CAT_KERNEL_DATA) {
				kd_free++;
			} else if (x->type == TRC_MONCALL && x->aux == TRC_MC_PAGE_FREED) {
				hints++;
			} else if (x->type == TRC_MONCALL && x->aux == TRC_MC_ZERO_PAGE) {
				zeroes++;
			} else if (x->type == TRC_PTE_SET && x->addr < top && x->addr >= top - want_user[_i]) {
				/* the window's top pages, in order, at the stack's top:
				 * the argument pages, then the workload's stack page 0 */
				ck_assert_uint_eq(x->val, win[nwin - 1 - (top - 1 - x->addr)]);
				if (x->addr == top - want_user[_i])
					stack0_ptes++;
				else
					arg_ptes++;
			} else if (x->type == TRC_STORE && (x->flags & TRC_F_KSEG0)) {
				uint64_t pg = (x->addr - 0x80000000ull) >> pshift;
				for (uint64_t k = 0; k < nwin; k++)
					if (win[k] == pg) {
						stores++;
						touched[k] = 1;
					}
			} else if (x->type == TRC_LOAD && (x->flags & TRC_F_KERNEL) &&
				   !(x->flags & TRC_F_KSEG0)) {
				uloads++;
			}
		}
	trc_reader_close(r);
	ck_assert_uint_gt(execs, 0);
	rpl_results_free(&a);
	cfg_free(c);
}
END_TEST

/* A process's page tables (capture/guest_mem.c, gos_pt_need; IRIX's pmap):
 * whole pages of RPL_PTES(page size) = 512 (4 KB pages) or 2048 (16 KB)
 * PTEs of 8 bytes, one per segment of 2 MB or 32 MB, taken from the free
 * pages when the segment's first PTE is set, zeroed, and freed at exec (the
 * old image's) and exit.  By hand, for pmake's whole jobs (no page
 * resident from before: capture.scale 0.05 runs 2 whole jobs), _i = 0 and
 * 1: IRIX 5.3 on 4 KB pages, IRIX 6.2 on 16 KB, under the Disco-aware HAL;
 * 2 and 3: the same with the unmodified HAL:
 *   fork: the child's copy-on-write data pages from VPN 0x10000 (4 KB;
 *     0x4000 on 16 KB): one page-table page, index 0x10000 / 512 = 128
 *     (0x4000 / 2048 = 8).
 *   execve: that one freed (a marker with no page, the page back to the
 *     free pages, the page-freed hint under the Disco-aware HAL), and one
 *     new for the stack's argument pages at VPNs 0x7ffea-0x7ffef (4 KB),
 *     index 1023 (0x1fffa-0x1fffb, index 63 on 16 KB), zeroed: one
 *     ZERO_PAGE call naming it, or the kernel's bzero, 4096 / 32 = 128
 *     stores to it (16384 / 32 = 512), before the marker names it.
 *   every user PTE set (ASIDs other than the parent's, 1) lies in a
 *     segment whose page the process holds at that point; at exit every
 *     page it holds is freed: none left at the end.
 * That is without IRIX's page-table pool (capture.os.ptpool = off), _i =
 * 4-7.  With it (_i = 0-3) a page let go goes instead on its colour's
 * stack while the stack holds fewer than 4 (ptpool_init: 65536 / 1024 / 4
 * colours = 16 on 4 KB pages, 16384 / 1024 / 1 on 16 KB, at most 4): no
 * free and no hint, a store of the stack's link to its first word; and a
 * page is taken from its colour's stack when the stack has one (the last
 * pushed), with a store clearing the link and no zero.  The colours are
 * the page-table index mod the L1 data cache's way in pages: 16 KB / 4 KB
 * = 4, or 1 on 16 KB pages.  Both kinds of take happen in the run. */
START_TEST(exec_page_tables)
{
	const char *s53[] = { "capture.hal=disco", "capture.scale=0.05", "capture.wl.insns=3e5", NULL };
	const char *s62[] = { "capture.hal=disco", "capture.scale=0.05", "capture.wl.insns=3e5",
			      "capture.os=irix62", "machine.page_size=16K", NULL };
	const char *n53[] = { "capture.scale=0.05", "capture.wl.insns=3e5", NULL };
	const char *n62[] = { "capture.scale=0.05", "capture.wl.insns=3e5",
			      "capture.os=irix62", "machine.page_size=16K", NULL };
	const char *s53o[] = { "capture.hal=disco", "capture.scale=0.05", "capture.wl.insns=3e5",
			       "capture.os.ptpool=off", NULL };
	const char *s62o[] = { "capture.hal=disco", "capture.scale=0.05", "capture.wl.insns=3e5",
			       "capture.os=irix62", "machine.page_size=16K", "capture.os.ptpool=off", NULL };
	const char *n53o[] = { "capture.scale=0.05", "capture.wl.insns=3e5", "capture.os.ptpool=off", NULL };
	const char *n62o[] = { "capture.scale=0.05", "capture.wl.insns=3e5",
			       "capture.os=irix62", "machine.page_size=16K", "capture.os.ptpool=off", NULL };
	const char *const *sets[8] = { s53, s62, n53, n62, s53o, s62o, n53o, n62o };
	const int hal_disco = (_i & 3) < 2, big = _i & 1, pool = _i < 4;
	const uint64_t colors = big ? 1 : 4, pool_max = 4;
	uint64_t tpool[4][4], tcnt[4] = { 0 }, link_due = 0, last_kstore = 0, hits = 0, misses = 0;
	const unsigned pshift = big ? 14 : 12;
	const uint64_t ptes = big ? 2048 : 512, data_ix = big ? 8 : 128, stack_ix = big ? 63 : 1023;
	const uint64_t zero_stores = big ? 512 : 128;
	enum { NASID = 256, NIX = 4096 };
	static uint64_t held[NASID][NIX];   /* the page holding (asid, index), 0: none */
	struct sim_err err = { 0 };
	struct rpl_results a;
	const struct trc_rec *recs;
	size_t n;
	char name[32];
	cfg *c = wcfg("pmake", sets[_i]);
	trc_reader *r;
	int depth = 0;
	unsigned svc = 0;
	uint64_t last_alloc = 0, stores = 0, zero_calls = 0, fork_pts = 0, forks = 0, execs = 0;
	uint64_t exec_alloc = 0, exec_free = 0, freed_page = 0, pending_free = 0, hint_ok = 0, ptes_set = 0;
	memset(held, 0, sizeof held);
	snprintf(name, sizeof name, "pt%d.dtr", _i);
	r = capture_open(c, name, &a);
	while (trc_next_block(r, 0, &recs, &n, &err) == SIM_OK && n)
		for (size_t i = 0; i < n; i++) {
			const struct trc_rec *x = &recs[i];
			if (x->type == TRC_SVC_BEGIN) {
				if (depth++ == 0) {
					svc = x->aux;
					exec_alloc = exec_free = 0;
					fork_pts = 0;
				}
			} else if (x->type == TRC_SVC_END) {
				if (--depth == 0 && svc == TRC_SVC_FORK) {
					ck_assert_uint_eq(fork_pts, 1);
					forks++;
				} else if (depth == 0 && svc == TRC_SVC_EXECVE) {
					ck_assert_uint_eq(exec_alloc, 1);
					ck_assert_uint_eq(exec_free, 1);
					execs++;
				}
			} else if (x->type == TRC_PAGE_ALLOC && x->aux == TRC_CAT_KERNEL_DATA) {
				last_alloc = x->addr;
				stores = zero_calls = 0;
			} else if (x->type == TRC_STORE && (x->flags & TRC_F_KSEG0) && link_due) {
				/* the link of a page just put on its colour's stack */
				ck_assert_uint_eq(x->addr, 0x80000000ull + (link_due << pshift));
				link_due = 0;
			} else if (x->type == TRC_STORE && (x->flags & TRC_F_KSEG0)) {
				last_kstore = x->addr;
				if (last_alloc && ((x->addr - 0x80000000ull) >> pshift) == last_alloc)
					stores++;
			} else if (x->type == TRC_MONCALL && x->aux == TRC_MC_ZERO_PAGE && x->addr == last_alloc) {
				zero_calls++;
			} else if (x->type == TRC_MARKER && x->aux == RPL_MARK_PT_PAGE) {
				uint64_t ix = x->val >> RPL_PT_INDEX_SHIFT;
				uint64_t pg = x->val & ((1ull << RPL_PT_INDEX_SHIFT) - 1);
				ck_assert_uint_lt(x->id, NASID);
				ck_assert_uint_lt(ix, NIX);
				ck_assert_uint_eq(link_due, 0);
				if (pg && pool && tcnt[ix % colors]) {
					/* from its colour's stack: the last pushed, its
					 * link cleared, no zero */
					ck_assert_uint_eq(held[x->id][ix], 0);
					ck_assert_uint_eq(pg, tpool[ix % colors][--tcnt[ix % colors]]);
					ck_assert_uint_eq(last_alloc, 0);
					ck_assert_uint_eq(last_kstore, 0x80000000ull + (pg << pshift));
					held[x->id][ix] = pg;
					hits++;
					fork_pts += svc == TRC_SVC_FORK && ix == data_ix;
					exec_alloc += svc == TRC_SVC_EXECVE && ix == stack_ix;
				} else if (pg) {
					/* a new page: the one just allocated, zeroed */
					ck_assert_uint_eq(held[x->id][ix], 0);
					ck_assert_uint_eq(pg, last_alloc);
					ck_assert_uint_eq(zero_calls, hal_disco ? 1 : 0);
					ck_assert_uint_eq(stores, hal_disco ? 0 : zero_stores);
					held[x->id][ix] = pg;
					misses++;
					fork_pts += svc == TRC_SVC_FORK && ix == data_ix;
					exec_alloc += svc == TRC_SVC_EXECVE && ix == stack_ix;
				} else {
					ck_assert_uint_ne(held[x->id][ix], 0);
					exec_free += svc == TRC_SVC_EXECVE && ix == data_ix;
					if (pool && tcnt[ix % colors] < pool_max) {
						link_due = held[x->id][ix];
						tpool[ix % colors][tcnt[ix % colors]++] = link_due;
					} else {
						pending_free = held[x->id][ix];
					}
					held[x->id][ix] = 0;
				}
				last_alloc = 0;
			} else if (x->type == TRC_PAGE_FREE && pending_free) {
				/* the page the marker let go, back to the free pages */
				ck_assert_uint_eq(x->aux, TRC_CAT_KERNEL_DATA);
				ck_assert_uint_eq(x->addr, pending_free);
				ck_assert_uint_eq(freed_page, 0);   /* the last one's hint came */
				if (hal_disco)
					freed_page = pending_free;
				else
					hint_ok++;
				pending_free = 0;
			} else if (x->type == TRC_MONCALL && x->aux == TRC_MC_PAGE_FREED && freed_page) {
				ck_assert(hal_disco);
				ck_assert_uint_eq(x->addr, freed_page);
				freed_page = 0;
				hint_ok++;
			} else if (x->type == TRC_PTE_SET && x->id != 1) {
				ck_assert_uint_lt(x->id, NASID);
				ck_assert_uint_ne(held[x->id][x->addr / ptes], 0);
				ptes_set++;
			}
		}
	trc_reader_close(r);
	ck_assert_uint_gt(forks, 0);
	ck_assert_uint_gt(execs, 0);
	ck_assert_uint_gt(ptes_set, 0);
	ck_assert_uint_gt(misses, 0);
	if (pool)
		ck_assert_uint_gt(hits, 0);
	else
		ck_assert_uint_gt(hint_ok, 0);
	ck_assert_uint_eq(freed_page, 0);
	ck_assert_uint_eq(link_due, 0);
	for (int s = 0; s < NASID; s++)
		for (int ix = 0; ix < NIX; ix++)
			ck_assert_uint_eq(held[s][ix], 0);
	rpl_results_free(&a);
	cfg_free(c);
}
END_TEST

/* The process's stack after its exec (capture/guest_exec.c, user_step in
 * guest_proc.c): as IRIX's pas_addstackexec, the stack region execve
 * builds is the argument pages alone; the process's frames start below
 * the stack pointer fuexarg set, in the lowest argument page (mapped by
 * the exec: no fault), and the stack grows down into pages that fault in
 * (DEMAND-ZERO).  By hand, for _i = 0 (IRIX 5.3, 4 KB pages, pmake's 16
 * KB of stack: 4 pages) and 1 (IRIX 6.2, 16 KB pages, the stack set to 32
 * KB: 2 pages), native:
 *   argument pages: 20688 bytes (execve_builds_stack_from_argument_window
 *     above): 6; 2.  The lowest, the workload's stack page 0, at VPN
 *     top - 6; top - 2.
 *   the stack pointer in it: 6 * 4096 - 20688 = 3888; 2 * 16384 - 20688 =
 *     12080.  A frame reference lies 8 to 512 bytes below it (64
 *     doublewords): offsets 3376-3880; 11568-12072.
 *   no user reference lands in the argument pages above it (VPNs top - 5
 *     .. top - 1; top - 1), nor above the stack pointer in its page; no
 *     fault maps any of them.
 *   the stack's pages below (VPNs top - 7 .. top - 9; top - 3) are mapped
 *     by DEMAND-ZERO faults, at most 3; 1 a process, each just before the
 *     process's first reference to that page; the page just below the
 *     argument pages (top - 7; top - 3) is among them. */
START_TEST(exec_stack_starts_below_the_arguments)
{
	const char *s53[] = { "capture.scale=0.05", "capture.wl.insns=3e5", NULL };
	const char *s62[] = { "capture.scale=0.05", "capture.wl.insns=3e5", "capture.os=irix62",
			      "machine.page_size=16K", "capture.wl.stack_size=32K", NULL };
	const uint64_t want_args[2] = { 6, 2 }, want_sp[2] = { 3888, 12080 };
	const uint64_t want_below[2] = { 3, 1 };
	unsigned pshift = _i ? 14 : 12;
	uint64_t top = 0x7fff0000ull >> pshift;   /* STACK_TOP's page */
	uint64_t low = top - want_args[_i];       /* the lowest argument page: stack page 0 */
	uint64_t bottom = low - want_below[_i];   /* the stack's lowest page */
	struct sim_err err = { 0 };
	struct rpl_results a;
	const struct trc_rec *recs;
	size_t n;
	enum { NASID = 256 };
	uint8_t execd[NASID] = { 0 }, mapped1[NASID] = { 0 }, seen1[NASID] = { 0 };
	uint64_t dz[NASID] = { 0 };
	uint64_t execs = 0, page0_refs = 0, below_refs = 0, firsts1 = 0, fault_vpn = 0;
	uint32_t cur = 0;
	unsigned svc = 0;
	int depth = 0;
	cfg *c = wcfg("pmake", _i ? s62 : s53);
	trc_reader *r = capture_open(c, _i ? "xstack62.dtr" : "xstack53.dtr", &a);
	while (trc_next_block(r, 0, &recs, &n, &err) == SIM_OK && n)
		for (size_t i = 0; i < n; i++) {
			const struct trc_rec *x = &recs[i];
			if (x->type == TRC_SVC_BEGIN && depth++ == 0) {
				svc = x->aux;
			} else if (x->type == TRC_SVC_END) {
				depth--;
			} else if (x->type == TRC_ASID) {
				cur = x->id;
			} else if (x->type == TRC_PTE_SET && x->addr >= bottom && x->addr < top) {
				ck_assert_uint_lt(x->id, NASID);
				if (svc == TRC_SVC_EXECVE) {
					if (x->addr == low) {   /* the exec: a new image */
						execd[x->id] = 1;
						mapped1[x->id] = seen1[x->id] = 0;
						dz[x->id] = 0;
						execs++;
					}
				} else {
					/* below the argument pages, by a DEMAND-ZERO */
					ck_assert_uint_eq(svc, TRC_SVC_DEMAND_ZERO);
					ck_assert_uint_lt(x->addr, low);
					ck_assert_uint_le(++dz[x->id], want_below[_i]);
					mapped1[x->id] |= x->addr == low - 1;
					fault_vpn = x->addr;
				}
			} else if ((x->type == TRC_LOAD || x->type == TRC_STORE) && depth == 0 &&
				   !(x->flags & TRC_F_KERNEL) && (x->addr >> pshift) >= bottom &&
				   (x->addr >> pshift) < top) {
				uint64_t vpn = x->addr >> pshift, off = x->addr & ((1ull << pshift) - 1);
				ck_assert_uint_lt(cur, NASID);
				ck_assert(execd[cur]);
				ck_assert_uint_le(vpn, low);
				if (fault_vpn) {   /* the reference that faulted */
					ck_assert_uint_eq(vpn, fault_vpn);
					fault_vpn = 0;
				}
				if (vpn == low) {
					ck_assert_uint_ge(off, want_sp[_i] - 512);
					ck_assert_uint_le(off, want_sp[_i] - 8);
					page0_refs++;
				} else {
					below_refs++;
				}
				if (vpn == low - 1 && !seen1[cur]) {
					ck_assert(mapped1[cur]);
					seen1[cur] = 1;
					firsts1++;
				}
			}
		}
	trc_reader_close(r);
	ck_assert_uint_gt(execs, 0);
	ck_assert_uint_gt(page0_refs, below_refs);
	ck_assert_uint_gt(firsts1, 0);
	ck_assert_uint_eq(fault_vpn, 0);
	ck_assert_uint_gt(a.service[TRC_SVC_DEMAND_ZERO].count, 0);
	rpl_results_free(&a);
	cfg_free(c);
}
END_TEST

START_TEST(same_seed_same_bytes)
{
	const char *s2[] = { "capture.seed=2", NULL };
	struct sim_err err = { 0 };
	struct rpl_results r;
	cfg *c1 = wcfg("pmake", NULL), *c2 = wcfg("pmake", s2);
	size_t la, lb, lc;
	char *a, *b, *d;
	ck_assert_int_eq(cap_run(c1, cap_guest_of(c1), t_path("p1a.dtr"), &r, NULL, NULL, &err), SIM_OK);
	rpl_results_free(&r);
	ck_assert_int_eq(cap_run(c1, cap_guest_of(c1), t_path("p1b.dtr"), &r, NULL, NULL, &err), SIM_OK);
	rpl_results_free(&r);
	ck_assert_int_eq(cap_run(c2, cap_guest_of(c2), t_path("p2.dtr"), &r, NULL, NULL, &err), SIM_OK);
	rpl_results_free(&r);
	a = t_read_file(t_path("p1a.dtr"), &la);
	b = t_read_file(t_path("p1b.dtr"), &lb);
	d = t_read_file(t_path("p2.dtr"), &lc);
	ck_assert_uint_eq(la, lb);
	ck_assert_int_eq(memcmp(a, b, la), 0);
	ck_assert(la != lc || memcmp(a, d, la) != 0);
	free(a);
	free(b);
	free(d);
	cfg_free(c1);
	cfg_free(c2);
}
END_TEST

/* The HAL changes only what the HAL does: both captures run the same jobs. */
START_TEST(hal_keeps_the_program)
{
	const char *sd[] = { "capture.hal=disco", NULL };
	struct sim_err err = { 0 };
	struct rpl_results a, b;
	cfg *c1 = wcfg("pmake", NULL), *c2 = wcfg("pmake", sd);
	ck_assert_int_eq(cap_run(c1, cap_guest_of(c1), NULL, &a, NULL, NULL, &err), SIM_OK);
	ck_assert_int_eq(cap_run(c2, cap_guest_of(c2), NULL, &b, NULL, NULL, &err), SIM_OK);
	for (int s = TRC_SVC_DEMAND_ZERO; s < TRC_NSERVICES; s++)
		if (s != TRC_SVC_DISK_INTR && s != TRC_SVC_CLOCK_INTR && s != TRC_SVC_SCHED)
			ck_assert_uint_eq(a.service[s].count, b.service[s].count);
	ck_assert_uint_eq(a.moncalls, 0);
	rpl_results_free(&a);
	rpl_results_free(&b);
	cfg_free(c1);
	cfg_free(c2);
}
END_TEST

/* ---- the kernel's random stream ---- */

/* What a stream of a capture holds: its user references (instruction runs,
 * loads and stores without TRC_F_KERNEL) in order, and each job's, in the
 * order the stream forked them; a hash of its kernel references. */
#define KR_STREAMS 2
#define KR_JOBS 64
struct kr_stream {
	uint64_t user, nuser, kernel, nkernel;
	uint64_t job[KR_JOBS], njob_refs[KR_JOBS];
	int njobs;
};

static uint64_t kr_hash(uint64_t h, const struct trc_rec *x)
{
	uint64_t v[4] = { (uint64_t)x->type << 24 | (uint64_t)x->flags << 16 | x->aux, x->id, x->addr,
			  x->val };
	for (int i = 0; i < 4; i++)
		h = (h ^ v[i]) * 0x100000001b3ull;
	return h;
}

/* Capture pmake under c and sort each stream's references out: a job's
 * begin where its stream switches to the child after a fork (the parent
 * runs the child first), and its user references are those made under
 * its ASID from then on (each vCPU runs only its own jobs). */
static void kr_capture(cfg *c, const char *name, struct kr_stream *out, uint32_t *nstreams)
{
	struct sim_err err = { 0 };
	struct rpl_results a;
	trc_reader *r = capture_open(c, name, &a);
	*nstreams = trc_reader_info(r)->nstreams;
	ck_assert_uint_le(*nstreams, KR_STREAMS);
	for (uint32_t st = 0; st < *nstreams; st++) {
		struct kr_stream *o = &out[st];
		int job_of[KR_JOBS * 32 + 64], forked = 0, cur = -1;
		const struct trc_rec *recs;
		size_t n;
		memset(o, 0, sizeof *o);
		o->user = o->kernel = 0xcbf29ce484222325ull;
		for (size_t i = 0; i < sizeof job_of / sizeof *job_of; i++)
			job_of[i] = -1;
		while (trc_next_block(r, st, &recs, &n, &err) == SIM_OK && n)
			for (size_t k = 0; k < n; k++) {
				const struct trc_rec *x = &recs[k];
				if (x->type == TRC_SVC_END && x->aux == TRC_SVC_FORK) {
					forked = 1;
				} else if (x->type == TRC_ASID) {
					ck_assert_uint_lt(x->id, sizeof job_of / sizeof *job_of);
					if (forked) {
						ck_assert_int_lt(o->njobs, KR_JOBS);
						o->job[o->njobs] = 0xcbf29ce484222325ull;
						job_of[x->id] = o->njobs++;
						forked = 0;
					}
					cur = job_of[x->id];
				} else if (x->type == TRC_INSN || x->type == TRC_LOAD || x->type == TRC_STORE) {
					if (x->flags & TRC_F_KERNEL) {
						o->kernel = kr_hash(o->kernel, x);
						o->nkernel++;
						continue;
					}
					ck_assert_int_ge(cur, 0);   /* only a job runs user code */
					o->user = kr_hash(o->user, x);
					o->nuser++;
					o->job[cur] = kr_hash(o->job[cur], x);
					o->njob_refs[cur]++;
				}
			}
	}
	trc_reader_close(r);
	rpl_results_free(&a);
}

/* The kernel draws from a stream of its own (capture/guest_os.c, invariant
 * 5): with a longer kernel entry path (so more kernel references drawn,
 * and the clock ticks and the scheduler's switches elsewhere in the jobs)
 * every job makes the same user references, in the same order; with one
 * job at a time on a vCPU (_i = 0) the stream's user references are the
 * same sequence.  _i = 1: two jobs at a time (pmake's -J2), interleaved
 * differently. */
START_TEST(kernel_draws_leave_the_workload)
{
	const char *par = _i ? "capture.wl.parallel=2" : "capture.wl.parallel=1";
	const char *s0[] = { "capture.cpus=2", "machine.cpus=2", "capture.scale=0.1",
			     "capture.wl.insns=2e5", par, NULL };
	const char *s1[] = { "capture.cpus=2", "machine.cpus=2", "capture.scale=0.1",
			     "capture.wl.insns=2e5", par, "capture.os.path.entry=90", NULL };
	static struct kr_stream a[KR_STREAMS], b[KR_STREAMS];
	uint32_t na, nb;
	cfg *c0 = wcfg("pmake", s0), *c1 = wcfg("pmake", s1);
	kr_capture(c0, "kr0.dtr", a, &na);
	kr_capture(c1, "kr1.dtr", b, &nb);
	ck_assert_uint_eq(na, nb);
	ck_assert_uint_eq(na, 2);
	for (uint32_t st = 0; st < na; st++) {
		ck_assert_int_gt(a[st].njobs, 1);
		ck_assert_int_eq(a[st].njobs, b[st].njobs);
		for (int j = 0; j < a[st].njobs; j++) {
			ck_assert_uint_gt(a[st].njob_refs[j], 1000);
			ck_assert_msg(a[st].njob_refs[j] == b[st].njob_refs[j] && a[st].job[j] == b[st].job[j],
				      "stream %u job %d: its user references differ (%llu, then %llu)", st, j,
				      (unsigned long long)a[st].njob_refs[j],
				      (unsigned long long)b[st].njob_refs[j]);
		}
		ck_assert_uint_eq(a[st].nuser, b[st].nuser);
		if (!_i)
			ck_assert_msg(a[st].user == b[st].user, "stream %u: the user references differ", st);
		/* the kernel's did change */
		ck_assert_uint_gt(b[st].nkernel, a[st].nkernel);
		ck_assert(a[st].kernel != b[st].kernel);
	}
	cfg_free(c0);
	cfg_free(c1);
}
END_TEST

START_TEST(bad_workloads)
{
	struct sim_err err = { 0 };
	cfg *c;
	ck_assert_int_eq(cfg_new(&c, disco_param_tables, &err), SIM_OK);
	ck_assert_int_eq(cap_load_workload(c, "nosuchworkload", &err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "nosuchworkload"));
	ck_assert_int_eq(cap_load_workload(c, "synthetic", &err), SIM_OK);
	ck_assert_str_eq(cfg_str(c, "capture.guest"), "synthetic");
	/* irix pages must match the machine's */
	cfg_free(c);
	c = wcfg("pmake", (const char *const[]){ "capture.os=irix62", NULL });
	{
		struct rpl_results r;
		ck_assert_int_eq(cap_run(c, cap_guest_of(c), NULL, &r, NULL, NULL, &err), SIM_EINVAL);
		ck_assert_ptr_nonnull(strstr(err.msg, "machine.page_size"));
	}
	cfg_free(c);
	/* a text of 200 MB spans 100 page-table pages of 2 MB (4 KB pages),
	 * and with the data, the read-shared region and the stack 103: more
	 * than a process's PROC_PT_MAX (24) */
	c = wcfg("pmake", (const char *const[]){ "capture.wl.text_size=200M", NULL });
	{
		struct rpl_results r;
		ck_assert_int_eq(cap_run(c, cap_guest_of(c), NULL, &r, NULL, NULL, &err), SIM_EINVAL);
		ck_assert_ptr_nonnull(strstr(err.msg, "span 103 page-table pages"));
	}
	cfg_free(c);
}
END_TEST


/* IRIX 6.2 runs its own execve path (capture.os.irix62.path.execve), IRIX
 * 5.3 the shared one: changing the former moves IRIX 6.2's execve by the
 * instructions added and leaves IRIX 5.3's alone. */
START_TEST(irix62_has_its_own_paths)
{
	const char *os[2][3] = { { "capture.os=irix53", "machine.page_size=4K", NULL },
				 { "capture.os=irix62", "machine.page_size=16K", NULL } };
	struct sim_err err = { 0 };
	for (int k = 0; k < 2; k++) {
		struct rpl_results r[2];
		for (int j = 0; j < 2; j++) {
			cfg *c = wcfg("pmake", os[k]);
			ck_assert_int_eq(cfg_set(c, "capture.scale", "0.05", NULL, &err), SIM_OK);
			ck_assert_int_eq(cfg_set(c, "capture.wl.insns", "3e5", NULL, &err), SIM_OK);
			ck_assert_int_eq(cfg_set(c, "capture.os.irix62.path.execve", j ? "100000" : "50000",
						 NULL, &err), SIM_OK);
			ck_assert_msg(cap_run(c, cap_guest_of(c), NULL, &r[j], NULL, NULL, &err) == SIM_OK,
				      "%s", err.msg);
			cfg_free(c);
		}
		ck_assert_uint_gt(r[0].service[TRC_SVC_EXECVE].count, 0);
		if (k == 0)
			ck_assert_uint_eq(r[1].service[TRC_SVC_EXECVE].cycles,
					  r[0].service[TRC_SVC_EXECVE].cycles);
		else
			ck_assert_uint_ge(r[1].service[TRC_SVC_EXECVE].cycles,
					  r[0].service[TRC_SVC_EXECVE].cycles +
						  50000 * r[0].service[TRC_SVC_EXECVE].count);
		rpl_results_free(&r[0]);
		rpl_results_free(&r[1]);
	}
}
END_TEST

/* The TLB micro-benchmark (workload tlbmiss, Table 3's cycles per miss):
 * one load per page pair, over more pairs than the TLB holds, so after the
 * first pass every step's load misses the TLB; under the monitor every
 * such miss is served by the L2TLB, which holds them all.  Its refill
 * costs, in cycles per miss, are the exception plus the handler's work:
 * more than the exception alone, natively and under the monitor. */
START_TEST(tlb_microbenchmark_misses_every_load)
{
	const char *s[] = { "capture.os=irix62", "machine.page_size=16K", "capture.scale=1",
			    "capture.wl.insns=2e5", NULL };
	struct sim_err err = { 0 };
	struct rpl_results a, b;
	struct vmm_costs k;
	const uint64_t steps = 200000 / 4, pairs = (6u << 20) / (32u << 10);
	for (int disco = 0; disco < 2; disco++) {
		cfg *c = wcfg("tlbmiss", s);
		ck_assert_int_eq(cfg_set(c, "capture.mode", disco ? "disco" : "native", NULL, &err), SIM_OK);
		ck_assert_int_eq(cfg_set(c, "capture.hal", disco ? "disco" : "plain", NULL, &err), SIM_OK);
		ck_assert_int_eq(vmm_costs_from_cfg(c, &k, &err), SIM_OK);
		ck_assert_msg(cap_run(c, cap_guest_of(c), t_path("tlbmiss.dtr"), &a, NULL, NULL, &err) ==
				      SIM_OK, "%s", err.msg);
		ck_assert_uint_ge(a.utlb_misses, steps * 95 / 100);   /* all but the first touches */
		ck_assert_uint_le(a.utlb_misses, steps);
		ck_assert_uint_eq(a.service[TRC_SVC_DEMAND_ZERO].count >= pairs, 1);
		if (disco) {
			ck_assert_uint_eq(a.l2tlb_misses, 0);
			ck_assert_uint_eq(a.l2tlb_hits, a.utlb_misses);
		}
		ck_assert_uint_gt(a.service[TRC_SVC_UTLB_MISS].cycles, a.utlb_misses * (k.exception + 10));
		t_replay_trace(t_path("tlbmiss.dtr"), disco ? RPL_DISCO : RPL_NATIVE, &b);
		t_same_results(&a, &b);
		rpl_results_free(&a);
		rpl_results_free(&b);
		cfg_free(c);
	}
}
END_TEST

/* IRIX drops a fault's new translation into the TLB: in the trace, every
 * DEMAND-ZERO, QUICK-FAULT and COPY-ON-WRITE sets a PTE and then writes
 * that page's entry with a tlbwr that names it (issue 12; the engine's
 * side is tests/replay/check_engine.c, tlb_write_carries_entry).  Under the
 * monitor the faulting reference then never misses the L2TLB for it.  And
 * every page it unmaps is probed for in the TLB (a tlbp after each PTE
 * clear). */
START_TEST(faults_drop_in_their_translation)
{
	const char *s[] = { "capture.mode=disco", "capture.hal=disco", "capture.scale=0.05",
			    "capture.wl.insns=3e5", NULL };
	struct sim_err err = { 0 };
	struct rpl_results a;
	trc_reader *r;
	const struct trc_rec *recs;
	size_t n;
	unsigned svc = 0;
	int pte = 0, faults = 0, dropped = 0, cleared = 0, probed = 0, after_clear = 0;
	uint32_t asid = 0;
	uint64_t vpn = 0;
	cfg *c = wcfg("pmake", s);
	r = capture_open(c, "dropin.dtr", &a);
	while (trc_next_block(r, 0, &recs, &n, &err) == SIM_OK && n > 0)
		for (size_t i = 0; i < n; i++) {
			const struct trc_rec *x = &recs[i];
			int fault = svc == TRC_SVC_DEMAND_ZERO || svc == TRC_SVC_QUICK_FAULT ||
				    svc == TRC_SVC_COPY_ON_WRITE;
			if (after_clear) {
				probed += x->type == TRC_PRIV && x->aux == TRC_PRIV_TLBP;
				after_clear = 0;
			}
			if (x->type == TRC_PTE_CLEAR) {
				cleared++;
				after_clear = 1;
			}
			if (x->type == TRC_SVC_BEGIN) {
				svc = x->aux;
				pte = 0;
			} else if (x->type == TRC_SVC_END && x->aux == svc && fault) {
				faults++;
				ck_assert_msg(pte == 2, "%s ends without dropping its PTE in",
					      trc_service_name(svc));
				dropped++;
				svc = 0;
			} else if (fault && x->type == TRC_PTE_SET) {
				pte = 1;
				asid = x->id;
				vpn = x->addr;
			} else if (fault && pte == 1 && x->type == TRC_PRIV && x->aux == TRC_PRIV_TLBWR) {
				ck_assert(x->flags & TRC_F_ENTRY);
				ck_assert_uint_eq(x->id, asid);
				ck_assert_uint_eq(x->addr, vpn);
				pte = 2;
			}
		}
	ck_assert_int_gt(faults, 100);
	ck_assert_int_gt(cleared, 100);
	ck_assert_int_eq(probed, cleared);
	ck_assert_int_eq(dropped, faults);
	ck_assert_uint_eq(a.service[TRC_SVC_DEMAND_ZERO].count + a.service[TRC_SVC_QUICK_FAULT].count +
			  a.service[TRC_SVC_COPY_ON_WRITE].count, (uint64_t)faults);
	trc_reader_close(r);
	rpl_results_free(&a);
	cfg_free(c);
}
END_TEST

/* The buffer cache takes its pages from the free pages and returns them
 * (review A5.1b).  A pmake capture with the Disco-aware HAL and a
 * buffer cache of four blocks, so blocks are replaced often: no page is
 * allocated twice without a free between, or freed while not allocated;
 * every buffer page freed is freed with the page-freed hint, and never
 * while a DMA that reads or writes it is in flight; some buffer pages are
 * pages freed before (by a replaced block or an exited process).  Replayed
 * under the monitor, the monitor reclaims the pages it had given, and write's new
 * blocks, taking reclaimed pages, have monitor time (the isolation zero),
 * while natively write has none. */
START_TEST(buffer_pages_come_from_the_free_pages)
{
	const char *s[] = { "capture.mode=disco", "capture.hal=disco", "capture.scale=0.05",
			    "capture.wl.insns=3e5", "capture.os.bufcache_size=16K", NULL };
	struct sim_err err = { 0 };
	struct rpl_results a, nat;
	trc_reader *r;
	const struct trc_rec *recs;
	size_t n;
	static uint8_t held[1u << 16], freed[1u << 16];
	uint64_t inflight[64][2];   /* DMA id, page */
	int ninflight = 0, bc_allocs = 0, bc_frees = 0, reused = 0, hints = 0, want_hint = -1;
	uint32_t dma_id = 0;
	cfg *c = wcfg("pmake", s);
	memset(held, 0, sizeof held);
	memset(freed, 0, sizeof freed);
	r = capture_open(c, "bufio.dtr", &a);
	while (trc_next_block(r, 0, &recs, &n, &err) == SIM_OK && n > 0)
		for (size_t i = 0; i < n; i++) {
			const struct trc_rec *x = &recs[i];
			if (want_hint >= 0) {
				ck_assert_int_eq(x->type, TRC_MONCALL);
				ck_assert_uint_eq(x->aux, TRC_MC_PAGE_FREED);
				ck_assert_uint_eq(x->addr, (uint64_t)want_hint);
				want_hint = -1;
			}
			if (x->type == TRC_MONCALL && x->aux == TRC_MC_PAGE_FREED)
				hints++;
			if (x->type == TRC_DMA_REQ)
				dma_id = x->id;
			if (x->type == TRC_FRAG && dma_id && ninflight < 64) {
				inflight[ninflight][0] = dma_id;
				inflight[ninflight++][1] = x->addr >> 12;
				dma_id = 0;
			}
			if (x->type == TRC_DMA_DONE)
				for (int j = 0; j < ninflight; j++)
					if (inflight[j][0] == x->id)
						inflight[j--][0] = inflight[--ninflight][0],
							inflight[j + 1][1] = inflight[ninflight][1];
			if (x->type == TRC_PAGE_ALLOC) {
				ck_assert_uint_lt(x->addr, sizeof held);
				ck_assert_msg(!held[x->addr], "page %llu allocated twice",
					      (unsigned long long)x->addr);
				held[x->addr] = 1;
				if (x->aux == TRC_CAT_BUFFER_CACHE) {
					bc_allocs++;
					reused += freed[x->addr];
				}
			}
			if (x->type == TRC_PAGE_FREE) {
				ck_assert_msg(held[x->addr], "page %llu freed but not allocated",
					      (unsigned long long)x->addr);
				held[x->addr] = 0;
				freed[x->addr] = 1;
				if (x->aux == TRC_CAT_BUFFER_CACHE) {
					bc_frees++;
					for (int j = 0; j < ninflight; j++)
						ck_assert_msg(inflight[j][1] != x->addr,
							      "buffer page %llu freed under its DMA",
							      (unsigned long long)x->addr);
				}
				want_hint = (int)x->addr;
			}
		}
	trc_reader_close(r);
	ck_assert_int_gt(bc_frees, 10);
	ck_assert_int_gt(bc_allocs, bc_frees);
	ck_assert_int_gt(reused, 10);
	/* a page never touched since its hint has no machine page to take */
	ck_assert_uint_le(a.pages_reclaimed, (uint64_t)hints);
	ck_assert_uint_gt(a.pages_reclaimed, 10);
	ck_assert_uint_gt(a.service[TRC_SVC_WRITE].split[ACCT_SPLIT_MONITOR], 0);
	t_replay_trace(t_path("bufio.dtr"), RPL_NATIVE, &nat);
	ck_assert_uint_eq(nat.service[TRC_SVC_WRITE].split[ACCT_SPLIT_MONITOR], 0);
	rpl_results_free(&nat);
	rpl_results_free(&a);
	cfg_free(c);
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("guests");
	TCase *tc = tcase_create("guests");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, workload_capture_equals_replay, 0, 8);
	tcase_add_test(tc, buffer_pages_come_from_the_free_pages);
	tcase_add_test(tc, two_vcpus_capture_equals_replay);
	tcase_add_test(tc, nfs_capture_equals_replay);
	tcase_add_test(tc, nfs_read_is_call_sleep_reply_remap);
	tcase_add_test(tc, smp_kernel_objects_are_shared);
	tcase_add_test(tc, smp_detach_updates_use_counts);
	tcase_add_loop_test(tc, percpu_kernel_tables, 0, 2);
	tcase_add_loop_test(tc, smp_handover_pairs_each_take_with_its_leave, 0, 2);
	tcase_add_loop_test(tc, smp_sleeping_locks_are_mutexes, 0, 3);
	tcase_add_test(tc, smp_runq_lock_covers_the_queue_work);
	tcase_add_test(tc, smp_memlock_covers_page_hash_work);
	tcase_add_test(tc, smp_idle_tells_the_monitor_once);
	tcase_add_loop_test(tc, execve_builds_stack_from_argument_window, 0, 2);
	tcase_add_loop_test(tc, exec_page_tables, 0, 8);
	tcase_add_loop_test(tc, exec_stack_starts_below_the_arguments, 0, 2);
	tcase_add_test(tc, same_seed_same_bytes);
	tcase_add_test(tc, hal_keeps_the_program);
	tcase_add_loop_test(tc, kernel_draws_leave_the_workload, 0, 2);
	tcase_add_test(tc, bad_workloads);
	tcase_add_test(tc, faults_drop_in_their_translation);
	tcase_add_test(tc, tlb_microbenchmark_misses_every_load);
	tcase_add_test(tc, irix62_has_its_own_paths);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN
