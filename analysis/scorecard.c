/*
 * The bands of the scorecard, in one table.  A number counts as reproduced
 * only inside its band; the report prints every scored number with the
 * paper's value, the difference and the verdict, and the reason beside each
 * miss.  The bands are those of issue 12 ("Counted as reproduced"), set
 * before any run and never moved to fit one: a ratio's band is stated on
 * the ratio, and its difference is reported on the overhead (ratio - 1),
 * which is what the paper measures: 1.007 against 1.16 is 4% of the paper's
 * overhead, not 13% off.
 *
 * The reasons are short forms of analysis/CALIBRATION.md ("Where the model
 * misses") and of the fidelity review's part A; they are printed only for a
 * number that misses.
 */
#include "analysis/scorecard.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ISSUE12 "issue 12, \"Counted as reproduced\""
#define FIG8BAND "issue 11, Figure 8's table of statements"
#define RADIXBAND "the fidelity review's B5 (issue 11)"
#define NFSBAND "the fidelity review, part B5: the NFS rows"
#define T2BAND "issue 12: every Table 2 slowdown within 25% and its overhead within 40%"

/* The compute-bound overheads, once the L2TLB holds what the guest's TLB
 * writes wrote: what is left is the hit path's cost. */
#define TLB_HIT_PATH \
	"the monitor's TLB-miss path runs as code and data on the machine (fidelity review A4), " \
	"its instruction count an assumption (CALIBRATION.md step 8); the rest is the misses " \
	"that miss the L2TLB (about 900 cycles each), whose number follows the L2TLB's assumed " \
	"size (the report's 1K-8K table)"

/* Figure 9 */
#define RAYTRACE_F9 \
	"raytrace runs as one SPLASH-2 program (-p16 car.env: a shared frame buffer, work pools " \
	"with stealing, gm->rid under its lock), but what it writes shared is a few lines per " \
	"ray of 100K instructions; the 512K scene is replicated on every node early and 94% of " \
	"misses are local, so in user mode Disco runs as fast as UMA and the gap left is the " \
	"kernel's faults under the monitor and the monitor's own time; what else left the " \
	"paper's 26% is not known (CALIBRATION.md, Figure 9)"
/* Measured over capture.seed 1-3 at the quick scale (CALIBRATION.md, Figure 9). */
#define ENGINEERING_SEEDS \
	"the quick run's twelve processes move with the timing, so both engineering numbers " \
	"swing with the seed (non-idle time, as the bars; CALIBRATION.md, Figure 9): `disco " \
	"figures --seeds 1-3` scores the mean, and its report gives each seed's number"
#define ENGINEERING_F9 \
	"the gain is the remote stall the moves recover less the monitor's time (Figure 9's " \
	"table), whose share is well above the paper's \"only a small increase\": its paths run " \
	"as code and data, each emulated instruction with its pmap and memmap lines, and a quick " \
	"run includes exec, fork and cold misses no policy moves (fidelity review A6); since " \
	"IRIX's page-table pool hands a page-table page from a process on one CPU to one on " \
	"another, fewer misses are local (CALIBRATION.md step 20, continued); " \
	ENGINEERING_SEEDS
#define ENGINEERING_GAP_F9 \
	"the gap is the remote stall and monitor time Disco keeps after its moves (Figure 9's " \
	"table); the paper's run started warm and its processes moved as IRIX's scheduler moved " \
	"them, where the quick run's twelve processes over eight CPUs follow the model's timing " \
	"(fidelity review A6); " ENGINEERING_SEEDS

#define T2(os, svc, why) \
	{ "table2." os "." svc ".slowdown", AN_BAND_SLOWDOWN, 0.25, 0.40, "table2", T2BAND, why }

static const struct an_band bands[] = {
	{ "fig6.pmake.ratio", AN_BAND_RANGE, 1.13, 1.19, "fig6", ISSUE12,
	  "the model's native kernel time is under a tenth of the run (Figure 6's table) and grows "
	  "too little (next row); the paper's own Table 2 puts IRIX's kernel time near 0.3 s of "
	  "the 3.9 s run (each service's count times its average, over its share), so its 2.15 "
	  "system factor makes about 9 of its 16 points, and the other 7 (user or idle time "
	  "growing under Disco) have no mechanism here (CALIBRATION.md step 13)" },
	{ "fig6.engineering.ratio", AN_BAND_RANGE, 1.03, 1.16, "fig6",
	  ISSUE12 " (the paper states engineering only inside its 3%-16% range, 5.2)",
	  TLB_HIT_PATH },
	{ "fig6.raytrace.ratio", AN_BAND_RANGE, 1.00, 1.06, "fig6", ISSUE12, TLB_HIT_PATH },
	{ "fig6.database.ratio", AN_BAND_RANGE, 1.13, 1.19, "fig6", ISSUE12,
	  TLB_HIT_PATH "; the remaining overhead is the few misses that miss the L2TLB "
	  "(about 900 cycles each), and its size is an assumption (the report's 1K-8K table)" },
	{ "fig6.pmake.system_factor", AN_BAND_RANGE, 1.8, 2.5, "fig6", ISSUE12,
	  "Table 2's rows grow about as the paper's, but the rest of the kernel time grows less "
	  "than the paper's numbers imply: few unpatched privileged instructions are left on the "
	  "entry path, and the short calls outside Table 2 are long ones in the model (fidelity "
	  "review A5.2, A5.5); writes now take reclaimed buffer pages the monitor zeroes, at "
	  "about half the paper's rate (CALIBRATION.md step 12); the monitor's paths run "
	  "as code and data now, and their evictions add what the kernel-execution column shows "
	  "(CALIBRATION.md step 10)" },
	{ "irix62.pmake.ratio", AN_BAND_RANGE, 1.03, 1.09, "table2", ISSUE12,
	  "as for IRIX 5.3's pmake: too little system time growth, and idle time absorbs it; "
	  "the model sits on the band's edge (1.030 before CALIBRATION.md step 18, 1.0298 after)" },
	{ "irix62.pmake.system_factor", AN_BAND_RANGE, 1.4, 1.85, "table2", ISSUE12,
	  "the write and quick-fault paths lack IRIX 6.2's privileged instructions (Table 2 rows "
	  "below), and writes zero fewer reclaimed buffer pages than the paper's (monitor part "
	  "0.04 against 0.35; CALIBRATION.md steps 12, 18); it left its band (1.40 -> 1.37) when the "
	  "L2TLB probe began stopping at the way that matches: the monitor's time on user TLB "
	  "misses, counted as system time here, fell (CALIBRATION.md step 15)" },
	T2("irix53", "DEMAND-ZERO",
	   "monitor part 0.59 against 0.47: the monitor's 4 KB zero costs what the guest's own "
	   "bzero costs natively (about 4,770 cycles, every line a miss in both; CALIBRATION.md "
	   "step 14), where the paper's cost about 0.8 of IRIX's, on both page sizes; kernel "
	   "part 0.44 against 0.43 and kernel TLB faults 0.24 against 0.16 add the rest: a fault "
	   "on nearly every kernel page the fault's path touches (its statics, the entry path's, "
	   "IRIX's tables), none of them left in the TLB by the user's misses between faults "
	   "(CALIBRATION.md \"DEMAND-ZERO, broken down\", step 21)"),
	T2("irix53", "QUICK-FAULT",
	   "kernel-execution part 1.08 against 1.27: the monitor's paths evict some of the fault "
	   "path's lines, but the model's kernel re-touches fewer of them than IRIX's (review A4; "
	   "CALIBRATION.md step 10)"),
	T2("irix53", "open",
	   "kernel-execution part 1.0 against 1.16: the monitor's few lines per call barely evict "
	   "the open path's (review A4; CALIBRATION.md step 10)"),
	T2("irix53", "UTLB-MISS",
	   "with an L2 that holds everything the monitor's handler (the exception, a probe that "
	   "compares the set's ways until one matches, the hit's tail: an assumed count of its "
	   "operations) adds 9.5 cycles to the native refill's 18 where the paper's added 5 to "
	   "14, on every seed (1.52-1.54); with the paper's 1 MB L2 the seed decides whether the "
	   "native PTE loads or the monitor's L2TLB lines lose more to memory, so the row swings "
	   "with the seed (CALIBRATION.md steps 8, 17, \"UTLB-MISS across seeds\", step 19, "
	   "continued)"),
	T2("irix53", "write",
	   "monitor services 0.05 against 0.31: a new block's page is a reclaimed one the monitor "
	   "zeroes about half the time (the others were never used or never had a machine page), "
	   "and kernel TLB faults 0.69 against 0.17 (CALIBRATION.md step 12, step 10)"),
	T2("irix53", "read",
	   "kernel-execution part 1.0 against 1.10 and kernel TLB faults 0.44 against 0.20 "
	   "(review A4; CALIBRATION.md step 10)"),
	T2("irix53", "execve",
	   "monitor services 0.10 against 0.17 and kernel TLB faults 0.24 against 0.40: half the "
	   "argument window's pages exec touches are reclaimed ones the monitor zeroes (the quick "
	   "run's others were never used); the new image's page-table pages come cleared from "
	   "IRIX's page-table pool, with no zero; the dynamic linker's mapping and the new "
	   "image's u-area and kernel stack are left out (CALIBRATION.md steps 19, 20)"),
	T2("irix62", "DEMAND-ZERO",
	   "monitor part 0.77 against 0.68: the monitor's 16 KB zero costs what the guest's own "
	   "costs natively, where the paper's cost about 0.8 of IRIX's (38.8 us against about "
	   "47; CALIBRATION.md step 14, item 4, \"DEMAND-ZERO, broken down\")"),
	T2("irix62", "execve",
	   "monitor services 0.07 against 0.33: on 16 KB pages the argument window is 4 pages, "
	   "3 of them touched, half of those reclaimed ones the monitor zeroes, and the stack's "
	   "page-table page comes cleared from IRIX's page-table pool; kernel TLB faults 0.18 "
	   "against 0.11 (CALIBRATION.md steps 19, 20)"),
	T2("irix62", "open", "kernel-execution part 1.0 against 1.17 (review A4)"),
	T2("irix62", "read",
	   "kernel-execution part 1.0 against 1.13 (review A4), and kernel TLB faults 0.25 "
	   "against 0.07 (CALIBRATION.md step 10)"),
	T2("irix62", "write",
	   "fewer isolation zeroes of reclaimed buffer pages than the paper's (monitor 0.04 "
	   "against 0.35; CALIBRATION.md steps 12, 18) and few emulated privileged instructions (0.15 "
	   "against 0.31; review A5.2)"),
	T2("irix62", "COPY-ON-WRITE",
	   "when the copy's new page is a reclaimed one the monitor zeroes it just before the "
	   "copy, whose stores then hit, as in the paper; at the quick scale half the new pages "
	   "are guest pages never used before, which need no zero and are copied cold, so the "
	   "monitor part is 0.19 against 0.41 and the kernel part 0.83 against 0.59 "
	   "(CALIBRATION.md step 18)"),
	T2("irix62", "QUICK-FAULT",
	   "IRIX 6.2's fault path executes more privileged instructions than the model gives it "
	   "(CALIBRATION.md item 4); its monitor part, 0.10 against 0.00, is the page-table pages "
	   "a job's first fault on its text takes while IRIX's page-table pool is still empty, "
	   "zeroed by the monitor, most of them at the quick run's start (CALIBRATION.md step "
	   "20, continued)"),
	{ "table3.pmake.ratio", AN_BAND_RANGE, 1.05, 1.11, "table3", ISSUE12,
	  "run as section 6 ran it (IRIX 6.2, 16 KB pages, 15 us driver crossings), the system "
	  "time grows 1.58x (paper 1.62) but the model's native pmake spends too little of its "
	  "time in the kernel for that to make 8%: idle absorbs part of it (CALIBRATION.md "
	  "item 1)" },
	{ "table3.engineering.ratio", AN_BAND_RANGE, 1.04, 1.10, "table3", ISSUE12,
	  "with 16 KB pages its 1.12 misses per 1000 cycles (the paper's 1.2) nearly all hit the "
	  "L2TLB, whose path costs the model about 23 cycles more than the native refill (the "
	  "paper's difference: 30, 92 against 62; CALIBRATION.md step 16)" },
	/* table3.tlb_miss_cycles.native is not scored: the origin200 preset's
	 * exception cost (guest.cost.exception) is set from it. */
	{ "table3.tlb_miss_cycles.disco", AN_BAND_RANGE, 83, 101, "table3", ISSUE12,
	  "in the micro-benchmark the monitor's handler (an assumed count of the operations "
	  "4.2.2 describes) finds the pair in the first way it compares and its set and saved "
	  "registers in the L1 cache, and adds about 12 cycles to the native refill, where the "
	  "paper measured 30; the same count adds to Table 2's UTLB-MISS refill about what the "
	  "paper's added there (7 cycles against 5), "
	  "so what the R10000 adds is not more operations but their cost on an out-of-order core "
	  "(the hash and tag loads a dependent chain behind a CP0 read, CP0 accesses "
	  "serialized), which this in-order CPU does not have and the paper does not give "
	  "(CALIBRATION.md step 16)" },
	{ "fig8.pmake.irix.sync_share", AN_BAND_RANGE, 0.20, 0.30, "fig8", FIG8BAND,
	  "the model's Pmake spends a sixth of its time in the kernel, with Table 2's "
	  "uniprocessor path lengths; memlock, now most of the spinning, covers the free "
	  "list, page hash and pfdat entry of each allocation, the page-cache lookups of "
	  "faults, reads and writes, and each page a fork shares or an exit unmaps, and is "
	  "held about a tenth of the run: found held in a quarter of its acquisitions, but "
	  "briefly.  For the paper's quarter of the time spinning memlock would have to be "
	  "held nearly all the time (CALIBRATION.md, Figure 8)" },
	{ "fig8.pmake.irix.comm_stall_share", AN_BAND_RANGE, 0.55, 0.80, "fig8", FIG8BAND,
	  "the kernel's time is nearly all memory stall; the misses on the static structures, "
	  "the proc entries, vnodes, pfdat and lock words that other CPUs wrote are about "
	  "two-fifths of it, the rest are misses on lines the user's data evicted from the "
	  "1 MB caches and on the pages the kernel copies and zeroes "
	  "(CALIBRATION.md, Figure 8)" },
	{ "fig8.pmake.1vm.ratio", AN_BAND_RANGE, 1.00, 1.30, "fig8", FIG8BAND,
	  "a process that sleeps on a shared region's lock is replaced by another runnable "
	  "one, so the monitor's slower faults add little idle time; at the quick scale the "
	  "idle tail of the schedule sets much of each run's length, so the ratio swings with "
	  "the seed (CALIBRATION.md, Figure 8): `disco figures --seeds 1-3` scores the mean" },
	{ "fig8.pmake.2vm.ratio", AN_BAND_RANGE, 0, 0.999, "fig8", FIG8BAND,
	  "splitting the machine in two does not recover what the monitor adds" },
	{ "fig8.pmake.8vm.ratio", AN_BAND_RANGE, 0.52, 0.68, "fig8", FIG8BAND,
	  "the quick run's schedule sets much of each run's length (in CALIBRATION.md's seed-1 "
	  "runs IRIX's own idle tail went from 26% to 10% to 16% of its time with exec's "
	  "argument window and the stack below it), so the ratio swings with the seed; "
	  "and IRIX's kernel synchronization, which 8VMs saves, is under a twentieth of the "
	  "paper's (row above) (CALIBRATION.md, Figure 8); `disco figures --seeds 1-3` scores "
	  "the mean" },
	{ "fig8.pmake.8vm.kernel_saving_share", AN_BAND_RANGE, 0.50, 1.00, "fig8",
	  "5.4: 8VMs' time falls \"primarily because of a significant reduction in the kernel "
	  "stall time and kernel synchronization\": at least half of the saving",
	  "IRIX's kernel stall and synchronization are small to begin with (rows above), so "
	  "about half of the saving comes from user time (each VM's memory on its own nodes, "
	  "where IRIX is round-robin) and from idle time (CALIBRATION.md, Figure 8)" },
	{ "fig8.radix.irix.os_share", AN_BAND_RANGE, 0.40, 0.60, "fig8radix", RADIXBAND,
	  "IRIX's region lock is a sleeping lock that single-threads the faults: a thread "
	  "that finds it held switches out, is handed the lock at the holder's release and "
	  "switches in; the switches (the run queue's lock held over their queue work) make "
	  "the OS time (about 21%), but with one thread per CPU a sleeper's CPU idles, and "
	  "idle is most of IRIX's time (CALIBRATION.md, Radix)" },
	{ "fig8.radix.system_time_factor", AN_BAND_RANGE, 5, 20, "fig8radix", RADIXBAND,
	  "IRIX's system time holds two context switches per fault that finds the region "
	  "held, each the scheduler's 1,200 instructions, the run queue's lock held over the "
	  "40 of its queue work; SPLASHOS pays one monitor fault per page and thread "
	  "(CALIBRATION.md, Radix)" },
	{ "fig8.radix.fault_ratio", AN_BAND_RANGE, 0.95, 1.05, "fig8radix", RADIXBAND,
	  "the same user stream faults at each thread's first touch of a page on both" },
	{ "fig8.radix.user_stall_ratio", AN_BAND_RANGE, 0, 0.999, "fig8radix", RADIXBAND,
	  "the user stall is mostly communication misses of the permutation's scattered "
	  "writes, which placement does not change (CALIBRATION.md, Radix)" },
	{ "fig7.8vm-nfs.bc_v_excess_copies", AN_BAND_RANGE, 1.0, AN_BAND_OPEN, "fig7", NFSBAND,
	  "the pages NFS moved count a block each time it moves: most are write-backs (128 of "
	  "217 at the quick scale), and a block written back again is held once by the server, "
	  "so one copy of the files is smaller than this measure; V's growth is the server's "
	  "copy (CALIBRATION.md, Figure 7)" },
	{ "fig7.8vm-nfs.bc_m_ratio", AN_BAND_RANGE, 0.80, 1.25, "fig7", NFSBAND,
	  "pages NFS moved that a later store unshared (a client writing a buffer it read) are "
	  "held twice" },
	{ "fig7.8vm-nfs.overcommit", AN_BAND_RANGE, 1.0001, AN_BAND_OPEN, "fig7", NFSBAND,
	  "the VMs' memory does not exceed the machine's" },
	{ "fig8.pmake.8vm-nfs.ratio", AN_BAND_RANGE, 0, 0.999, "fig8", NFSBAND,
	  "each of the server's nfsds waits for its disk read or synchronous write, and with "
	  "every nfsd waiting the server takes no new call, so the copies' disk time queues on "
	  "one server and the clients idle behind it (CALIBRATION.md, 8VMs/NFS)" },
	{ "fig8.pmake.8vm-nfs.idle_ratio", AN_BAND_RANGE, 1.0001, AN_BAND_OPEN, "fig8", NFSBAND,
	  "the clients' calls do not wait longer than their disk reads did" },
	{ "fig9.raytrace.gain", AN_BAND_RANGE, 0.30, 0.45, "fig9", ISSUE12, RAYTRACE_F9 },
	{ "fig9.raytrace.gap_uma", AN_BAND_RANGE, 0.18, 0.35, "fig9", ISSUE12, RAYTRACE_F9 },
	{ "fig9.engineering.gain", AN_BAND_RANGE, 0.26, 0.40, "fig9",
	  "issue 12 says engineering \"stays in its bands\" without numbers: raytrace's band "
	  "widths relative to the paper's value (-21%/+18%)",
	  ENGINEERING_F9 },
	{ "fig9.engineering.gap_uma", AN_BAND_RANGE, 0.28, 0.54, "fig9",
	  "issue 12 says engineering \"stays in its bands\" without numbers: raytrace's band "
	  "widths relative to the paper's value (-31%/+35%)",
	  ENGINEERING_GAP_F9 },
};

static int glob1(const char *pat, const char *s)
{
	const char *star = strchr(pat, '*');
	size_t pre, suf, n = strlen(s);
	if (!star)
		return !strcmp(pat, s);
	pre = (size_t)(star - pat);
	suf = strlen(star + 1);
	return n >= pre + suf && !strncmp(pat, s, pre) && !strcmp(star + 1, s + n - suf);
}

const struct an_band *an_band_find(const char *id)
{
	for (size_t i = 0; i < sizeof bands / sizeof bands[0]; i++)
		if (glob1(bands[i].id, id))
			return &bands[i];
	return NULL;
}

int an_band_holds(const struct an_band *b, double p, double m)
{
	if (m != m)
		return 0;
	switch (b->kind) {
	case AN_BAND_RANGE:
		return m >= b->lo && m <= b->hi;
	case AN_BAND_SLOWDOWN:
		if (!(p > 0) || p == 1)
			return 0;
		return fabs(m / p - 1) <= b->lo && fabs((m - 1) / (p - 1) - 1) <= b->hi;
	}
	return 0;
}

void an_scores_add(struct an_scores *sc, const char *id, double paper, double model,
		   const char *unit)
{
	struct an_score *s;
	if (sc->n >= AN_SCORES_MAX)
		return;
	s = &sc->s[sc->n++];
	snprintf(s->id, sizeof s->id, "%s", id);
	snprintf(s->unit, sizeof s->unit, "%s", unit);
	s->paper = paper;
	s->model = model;
	s->band = an_band_find(id);
	s->holds = s->band ? an_band_holds(s->band, paper, model) : 0;
}

void an_scores_count(const struct an_scores *sc, const char *figure, int *held, int *total)
{
	*held = *total = 0;
	for (int i = 0; i < sc->n; i++)
		if (sc->s[i].band && !strcmp(sc->s[i].band->figure, figure)) {
			(*total)++;
			*held += sc->s[i].holds;
		}
}

static int is_ratio(const struct an_score *s) { return !strcmp(s->unit, "ratio"); }

/* The paper's number as the scorecard prints it. */
static void paper_text(char *buf, size_t n, const struct an_score *s)
{
	if (s->paper == s->paper && !strcmp(s->unit, "fraction"))
		snprintf(buf, n, "%.0f%%", 100 * s->paper);
	else if (s->paper == s->paper)
		snprintf(buf, n, is_ratio(s) ? "%.2f" : "%.3g", s->paper);
	else if (s->band && s->band->kind == AN_BAND_RANGE && s->band->lo <= 0)
		snprintf(buf, n, "below %.2f", s->band->hi + 0.001);
	else if (s->band && s->band->kind == AN_BAND_RANGE && s->band->hi >= AN_BAND_OPEN)
		snprintf(buf, n, "at least %.2f", s->band->lo);
	else if (s->band && s->band->kind == AN_BAND_RANGE && !strcmp(s->unit, "fraction"))
		snprintf(buf, n, "%.0f%%-%.0f%%, a range", 100 * s->band->lo, 100 * s->band->hi);
	else if (s->band && s->band->kind == AN_BAND_RANGE)
		snprintf(buf, n, "%.2f-%.2f, a range", s->band->lo, s->band->hi);
	else
		snprintf(buf, n, "-");
}

/* The difference: on the overhead for a ratio, in points for a fraction,
 * in units and percent otherwise. */
static void diff_text(char *buf, size_t n, const struct an_score *s)
{
	double p = s->paper, m = s->model;
	if (is_ratio(s)) {
		if (p != p)
			snprintf(buf, n, "overhead %.1f%%", 100 * (m - 1));
		else if (p != 1)
			snprintf(buf, n, "overhead %.1f%% vs %.1f%%: %.0f%% of the paper's", 100 * (m - 1),
				 100 * (p - 1), 100 * (m - 1) / (p - 1));
		else
			snprintf(buf, n, "%+.3f", m - p);
	} else if (!strcmp(s->unit, "fraction")) {
		snprintf(buf, n, "%+.1f points", 100 * (m - p));
	} else {
		snprintf(buf, n, "%+.1f %s (%+.0f%%)", m - p, s->unit, p ? 100 * (m - p) / p : 0);
	}
}

static void band_text(char *buf, size_t n, const struct an_band *b, const char *unit)
{
	if (b->kind == AN_BAND_SLOWDOWN)
		snprintf(buf, n, "slowdown within %.0f%%, overhead within %.0f%%", 100 * b->lo,
			 100 * b->hi);
	else if (b->lo <= 0)
		snprintf(buf, n, "below %.2f", b->hi + 0.001);
	else if (b->hi >= AN_BAND_OPEN)
		snprintf(buf, n, "at least %.2f", b->lo);
	else if (!strcmp(unit, "fraction"))
		snprintf(buf, n, "%.0f%%-%.0f%%", 100 * b->lo, 100 * b->hi);
	else if (b->hi < 10)
		snprintf(buf, n, "%.2f-%.2f", b->lo, b->hi);
	else
		snprintf(buf, n, "%.0f-%.0f", b->lo, b->hi);
}

static void model_text(char *buf, size_t n, const struct an_score *s)
{
	if (is_ratio(s))
		snprintf(buf, n, "%.3f", s->model);
	else if (!strcmp(s->unit, "fraction"))
		snprintf(buf, n, "%.1f%%", 100 * s->model);
	else
		snprintf(buf, n, "%.1f", s->model);
}

void an_scorecard_write(FILE *f, const struct an_scores *sc)
{
	int held = 0, total = 0;
	for (int i = 0; i < sc->n; i++)
		if (sc->s[i].band) {
			total++;
			held += sc->s[i].holds;
		}
	fprintf(f, "## Scorecard\n\n"
		   "Every number of the paper this run reproduces, with the band inside which it "
		   "counts as reproduced (analysis/scorecard.c, one table, each band with its source). "
		   "For a ratio the difference is on the overhead (ratio - 1), what the paper "
		   "measures.  **%d of %d numbers within band.**\n\n", held, total);
	fprintf(f, "| number | paper | model | difference | band | verdict |\n");
	fprintf(f, "|---|---|---|---|---|---|\n");
	for (int i = 0; i < sc->n; i++) {
		const struct an_score *s = &sc->s[i];
		char p[64], m[64], d[96], b[96];
		if (!s->band)
			continue;
		paper_text(p, sizeof p, s);
		model_text(m, sizeof m, s);
		if (s->paper != s->paper && s->band->kind == AN_BAND_RANGE && s->band->lo <= 0)
			snprintf(d, sizeof d, "%s", s->holds ? "below, as the paper's" : "not below");
		else if (s->paper != s->paper && s->band->kind == AN_BAND_RANGE &&
			 s->band->hi >= AN_BAND_OPEN)
			snprintf(d, sizeof d, "%s", s->holds ? "at least, as the paper's" : "not at least");
		else if (s->paper != s->paper && s->band->kind == AN_BAND_RANGE &&
			 !strcmp(s->unit, "fraction"))
			snprintf(d, sizeof d, "%+.1f points from the range", 100 * (s->model < s->band->lo
				 ? s->model - s->band->lo : s->model > s->band->hi ? s->model - s->band->hi : 0));
		else if (s->paper != s->paper && s->band->kind == AN_BAND_RANGE && is_ratio(s))
			snprintf(d, sizeof d, "overhead %.1f%% vs %.0f%%-%.0f%%", 100 * (s->model - 1),
				 100 * (s->band->lo - 1), 100 * (s->band->hi - 1));
		else
			diff_text(d, sizeof d, s);
		band_text(b, sizeof b, s->band, s->unit);
		fprintf(f, "| `%s` | %s | %s | %s | %s | %s |\n", s->id, p, m, d, b,
			s->holds ? "within band" : "**misses**");
	}
	fprintf(f, "\n");
}

double an_scores_model(const struct an_scores *sc, const char *id)
{
	for (int i = 0; i < sc->n; i++)
		if (!strcmp(sc->s[i].id, id))
			return sc->s[i].model;
	return NAN;
}

void an_scores_span(const struct an_scores *runs, int n, const char *id, struct an_span *sp)
{
	double sum = 0;
	*sp = (struct an_span){ NAN, INFINITY, -INFINITY, 0 };
	for (int k = 0; k < n; k++) {
		double v = an_scores_model(&runs[k], id);
		if (!isfinite(v))
			continue;
		sum += v;
		sp->min = fmin(sp->min, v);
		sp->max = fmax(sp->max, v);
		sp->got++;
	}
	if (sp->got)
		sp->mean = sum / sp->got;
	else
		sp->min = sp->max = NAN;
}

void an_scorecard_seeds_write(FILE *f, const struct an_scores *runs, int n, const long long *seeds,
			      struct an_scores *mean)
{
	int held = 0, total = 0, every = 0;
	char *rows = NULL;
	size_t len = 0;
	FILE *t = open_memstream(&rows, &len);
	for (int i = 0; t && i < runs[0].n; i++) {
		const struct an_score *s0 = &runs[0].s[i];
		struct an_score v = *s0;
		struct an_span sp;
		char p[64], m[64], lo[64], hi[64], b[96];
		int in = 0;
		if (!s0->band)
			continue;
		an_scores_span(runs, n, s0->id, &sp);
		if (!sp.got)
			continue;
		fprintf(t, "| `%s` | ", s0->id);
		for (int k = 0; k < n; k++) {
			v.model = an_scores_model(&runs[k], s0->id);
			if (!isfinite(v.model)) {
				fprintf(t, "%s-", k ? " / " : "");
				continue;
			}
			model_text(m, sizeof m, &v);
			fprintf(t, "%s%s", k ? " / " : "", m);
			in += an_band_holds(s0->band, s0->paper, v.model);
		}
		an_scores_add(mean, s0->id, s0->paper, sp.mean, s0->unit);
		v = mean->s[mean->n - 1];
		total++;
		held += v.holds;
		every += in == n;
		paper_text(p, sizeof p, &v);
		model_text(m, sizeof m, &v);
		v.model = sp.min;
		model_text(lo, sizeof lo, &v);
		v.model = sp.max;
		model_text(hi, sizeof hi, &v);
		band_text(b, sizeof b, s0->band, s0->unit);
		fprintf(t, " | %s | %s | %s-%s | %s | %d of %d | %s |\n", p, m, lo, hi, b, in, n,
			mean->s[mean->n - 1].holds ? "within band" : "**misses**");
	}
	if (!t || fclose(t) != 0 || !rows) {
		free(rows);
		fprintf(f, "(out of memory for the scorecard)\n\n");
		return;
	}
	fprintf(f, "## Scorecard over %d seeds\n\n"
		   "Every scored number of the paper, with the model's number for each seed (", n);
	for (int k = 0; k < n; k++)
		fprintf(f, "%s%lld", k ? ", " : "capture.seed ", seeds[k]);
	fprintf(f, ", in that order), their mean and range, how many seeds fall within the band, "
		   "and the verdict on the mean.  Where the range straddles a band's edge, one run's "
		   "verdict is a draw; the mean is the steadier number.  **%d of %d numbers within band "
		   "on the mean; %d within band for every seed.**\n\n", held, total, every);
	fprintf(f, "| number | by seed | paper | mean | range | band | seeds within | verdict of the mean |\n"
		   "|---|---|---|---|---|---|---|---|\n");
	fwrite(rows, 1, len, f);
	fprintf(f, "\n");
	free(rows);
}

void an_misses_write(FILE *f, const struct an_scores *sc)
{
	int any = 0;
	fprintf(f, "## Where the model misses, and why\n\n");
	for (size_t k = 0; k < sizeof bands / sizeof bands[0]; k++) {
		const struct an_band *b = &bands[k];
		int first = 1;
		for (int i = 0; i < sc->n; i++) {
			const struct an_score *s = &sc->s[i];
			char m[64], pp[64];
			if (s->band != b || s->holds)
				continue;
			model_text(m, sizeof m, s);
			paper_text(pp, sizeof pp, s);
			fprintf(f, "%s`%s` %s (paper %s)", first ? "- " : ", ", s->id, m, pp);
			first = 0;
			any = 1;
		}
		if (!first)
			fprintf(f, ": %s.\n", b->why);
	}
	if (!any)
		fprintf(f, "Every scored number is within its band.\n");
	fprintf(f, "\nEach reason is the analysis recorded in analysis/CALIBRATION.md, with "
		   "what was set from the paper and what comes out; the figures a reason quotes "
		   "are those of the runs analysed there (the quick scale, seed 1, unless it "
		   "says otherwise), not this run's.\n\n");
}
