/*
 * Results as text: an aligned table, long-form CSV, or one JSON object.  All
 * three are built from the same list of totals (struct totals) so they agree;
 * service times are converted to microseconds at the run's clock.
 */
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/report.h"
#include "analysis/results.h"

int an_format_parse(const char *s, int *fmt)
{
	if (!strcmp(s, "table")) *fmt = AN_FMT_TABLE;
	else if (!strcmp(s, "csv")) *fmt = AN_FMT_CSV;
	else if (!strcmp(s, "json")) *fmt = AN_FMT_JSON;
	else return SIM_EINVAL;
	return SIM_OK;
}

struct totals {
	uint64_t cat[ACCT_NCATS];      /* cycles summed over CPUs */
	uint64_t stall_local, stall_remote;
	uint64_t all, busy, system;   /* cycles: every category; non-idle; kernel + sync + monitor */
	double locality;              /* -1 if no misses */
	double seconds;               /* simulated */
};

static void totals(const struct rpl_results *r, struct totals *t)
{
	memset(t, 0, sizeof *t);
	for (int k = 0; k < ACCT_NCATS; k++) {
		t->cat[k] = rpl_total_cat(r, k);
		t->all += t->cat[k];
	}
	t->busy = t->all - t->cat[ACCT_IDLE];
	t->system = t->cat[ACCT_KERNEL] + t->cat[ACCT_SYNC] + t->cat[ACCT_MONITOR];
	t->stall_local = rpl_total_stall_local(r);
	t->stall_remote = rpl_total_stall_remote(r);
	t->locality = an_locality(r);
	t->seconds = r->clock_mhz > 0 ? (double)r->cycles / (r->clock_mhz * 1e6) : 0;
}

static double pct(uint64_t a, uint64_t b) { return b ? 100.0 * (double)a / (double)b : 0; }
static double us(const struct rpl_results *r, double cycles)
{
	return r->clock_mhz > 0 ? cycles / r->clock_mhz : 0;
}
static double mrefs(const struct rpl_results *r)
{
	return r->wall_seconds > 0 ? (double)r->references / r->wall_seconds / 1e6 : 0;
}

/* Services with a count, sorted by cycles (largest first). */
static int svc_order(int *out, const struct rpl_results *r)
{
	int n = 0;
	for (int s = 1; s < TRC_NSERVICES; s++)
		if (r->service[s].count)
			out[n++] = s;
	for (int i = 1; i < n; i++)   /* insertion sort: at most 22 */
		for (int j = i; j > 0 && r->service[out[j]].cycles > r->service[out[j - 1]].cycles; j--) {
			int x = out[j];
			out[j] = out[j - 1];
			out[j - 1] = x;
		}
	return n;
}

/* ---------- Table ---------- */

static double mb(uint64_t bytes) { return (double)bytes / (1024.0 * 1024.0); }

/* V and M at the end, by category, in MB (Figure 7). */
static void print_footprint(FILE *f, const struct rpl_results *r)
{
	const struct vmm_footprint *fp = &r->footprint;
	uint64_t v = 0, m = 0;
	for (int k = 0; k < FP_NCATS; k++) {
		v += fp->v[k];
		m += fp->m[k];
	}
	if (!v && !m)
		return;
	fprintf(f, "\nmemory footprint at the end, MB (V: guest pages in use over %d VM%s; "
		"M: machine pages, shared ones once)\n", r->nvms, r->nvms == 1 ? "" : "s");
	fprintf(f, "  %-14s %10s %10s\n", "category", "V", "M");
	for (int k = 0; k < FP_NCATS; k++)
		if (fp->v[k] || fp->m[k])
			fprintf(f, "  %-14s %10.2f %10.2f\n", fp_cat_name(k), mb(fp->v[k]), mb(fp->m[k]));
	fprintf(f, "  %-14s %10.2f %10.2f\n", "total", mb(v), mb(m));
}

/* The per-level cache counters (RPL_C_CACHE, named LEVEL_WHAT) as a
 * matrix: a column per LEVEL, a row per WHAT, in the table's order.  Runs
 * without them (files from before they existed) print nothing. */
static void print_caches(FILE *f, const struct rpl_results *r)
{
	enum { MAXL = 8, MAXW = 16 };
	char lv[MAXL][16], what[MAXW][32];
	uint64_t v[MAXW][MAXL] = { { 0 } }, any = 0;
	int nl = 0, nw = 0;

	for (size_t i = 0; i < rpl_ncounters; i++) {
		const char *name = rpl_counters[i].name, *us = strchr(name, '_');
		int li, wi;
		if (!(rpl_counters[i].flags & RPL_C_CACHE) || !us)
			continue;
		for (li = 0; li < nl && (strncmp(lv[li], name, (size_t)(us - name)) ||
					 lv[li][us - name]); li++)
			;
		if (li == nl) {
			if (nl == MAXL)
				continue;
			snprintf(lv[nl++], sizeof lv[0], "%.*s", (int)(us - name), name);
		}
		for (wi = 0; wi < nw && strcmp(what[wi], us + 1); wi++)
			;
		if (wi == nw) {
			if (nw == MAXW)
				continue;
			snprintf(what[nw++], sizeof what[0], "%s", us + 1);
		}
		v[wi][li] = rpl_counter_get(r, i);
		any |= v[wi][li];
	}
	if (!any)
		return;
	fprintf(f, "\ncaches, summed over CPUs (accesses and misses by kind; bytes from and to the "
		"level below)\n  %-14s", "");
	for (int l = 0; l < nl; l++)
		fprintf(f, " %14s", lv[l]);
	fputc('\n', f);
	for (int w = 0; w < nw; w++) {
		fprintf(f, "  %-14s", what[w]);
		for (int l = 0; l < nl; l++)
			fprintf(f, " %14" PRIu64, v[w][l]);
		fputc('\n', f);
	}
}

static void print_table(FILE *f, const char *run, const struct rpl_results *r)
{
	struct totals t;
	int order[TRC_NSERVICES], ns;
	uint64_t sl[ACCT_NCATS] = { 0 }, sr[ACCT_NCATS] = { 0 }, sc[ACCT_NCATS] = { 0 }, comm = 0;

	totals(r, &t);
	for (int c = 0; c < r->ncpus; c++)
		for (int k = 0; k < ACCT_NCATS; k++) {
			sl[k] += r->cpu[c].stall_local[k];
			sr[k] += r->cpu[c].stall_remote[k];
			sc[k] += r->cpu[c].stall_comm[k];
			comm += r->cpu[c].stall_comm[k];
		}
	if (run)
		fprintf(f, "run %s\n", run);
	fprintf(f, "%-16s %s, %d CPUs, %d vCPUs, %.0f MHz\n", "mode", rpl_mode_name(r->mode),
		r->ncpus, r->nvcpus, r->clock_mhz);
	fprintf(f, "%-16s %" PRIu64 " cycles = %.3f ms simulated\n", "length", r->cycles, t.seconds * 1e3);
	if (r->measured_from)
		fprintf(f, "%-16s after the boot, which ended at cycle %" PRIu64 " (replay.measure)\n",
			"measured", r->measured_from);
	fprintf(f, "%-16s %" PRIu64 "\n", "instructions", r->instructions);
	fprintf(f, "%-16s %" PRIu64 " (loads %" PRIu64 ", stores %" PRIu64 ")\n", "references",
		r->references, r->loads, r->stores);
	fprintf(f, "\ntime by category, cycles summed over CPUs\n");
	fprintf(f, "  %-12s %16s %7s %16s %16s %16s\n", "category", "cycles", "%", "stall local",
		"stall remote", "of which comm.");
	for (int k = 0; k < ACCT_NCATS; k++)
		fprintf(f, "  %-12s %16" PRIu64 " %6.1f%% %16" PRIu64 " %16" PRIu64 " %16" PRIu64 "\n",
			acct_cat_name(k), t.cat[k], pct(t.cat[k], t.all), sl[k], sr[k], sc[k]);
	fprintf(f, "  %-12s %16" PRIu64 " %6.1f%% %16" PRIu64 " %16" PRIu64 " %16" PRIu64 "\n", "total",
		t.all, t.all ? 100.0 : 0.0, t.stall_local, t.stall_remote, comm);
	fprintf(f, "\n%-16s local %" PRIu64 " cycles, remote %" PRIu64 " cycles (%.1f%% of non-idle time)\n",
		"memory stall", t.stall_local, t.stall_remote, pct(t.stall_local + t.stall_remote, t.busy));
	if (t.locality >= 0)
		fprintf(f, "%-16s %.1f%% of L2 misses served by local memory\n", "locality", 100 * t.locality);
	else
		fprintf(f, "%-16s no L2 misses\n", "locality");
	fprintf(f, "%-16s %" PRIu64 " refills (user %" PRIu64 "), kernel TLB faults %" PRIu64 "\n",
		"TLB", r->tlb_misses, r->utlb_misses, r->ktlb_faults);
	if (r->l2tlb_hits + r->l2tlb_misses)
		fprintf(f, "%-16s hits %" PRIu64 ", misses %" PRIu64 " (hit rate %.1f%%)\n", "L2TLB",
			r->l2tlb_hits, r->l2tlb_misses, pct(r->l2tlb_hits, r->l2tlb_hits + r->l2tlb_misses));
	else   /* natively, or with policy.l2tlb = off: there is no L2TLB to hit */
		fprintf(f, "%-16s n/a (no lookups: native, or the L2TLB is off)\n", "L2TLB");
	fprintf(f, "%-16s privileged instructions emulated %" PRIu64 ", monitor calls %" PRIu64 "\n",
		"monitor", r->priv_emulated, r->moncalls);
	fprintf(f, "%-16s lock acquires %" PRIu64 " (contended %" PRIu64 "), semaphore waits "
		"blocked %" PRIu64 ", DMA requests %" PRIu64 "\n", "synchronization",
		r->lock_acquires, r->lock_contended, r->sem_waits_blocked, r->dma_requests);
	fprintf(f, "%-16s %" PRIu64 " (reclaimed by the monitor %" PRIu64 ")\n", "pages touched",
		r->pages_touched, r->pages_reclaimed);
	if (r->diskcache_hits || r->cow_mapped || r->cow_faults || r->cow_writes)
		fprintf(f, "%-16s disk cache hits %" PRIu64 ", blocks mapped %" PRIu64 ", copy-on-write "
			"faults %" PRIu64 ", writes kept per VM %" PRIu64 "\n", "sharing",
			r->diskcache_hits, r->cow_mapped, r->cow_faults, r->cow_writes);
	if (r->hot_pages)
		fprintf(f, "%-16s hot pages %" PRIu64 ": migrated %" PRIu64 ", replicated %" PRIu64
			", replicas collapsed %" PRIu64 ", shootdown interrupts %" PRIu64 "\n",
			"page movement", r->hot_pages, r->migrations, r->replications, r->collapses,
			r->shootdowns);

	print_caches(f, r);
	print_footprint(f, r);

	ns = svc_order(order, r);
	if (ns) {
		fprintf(f, "\nservices by time (share: of kernel + sync + monitor time; split: %% of the service)\n");
		fprintf(f, "  %-14s %10s %11s %7s %7s %7s %7s %7s %7s\n", "service", "count", "avg us",
			"share", "kernel", "tlbw", "privs", "monsvc", "ktlbf");
		for (int i = 0; i < ns; i++) {
			const struct acct_service *s = &r->service[order[i]];
			fprintf(f, "  %-14s %10" PRIu64 " %11.3f %6.1f%%", trc_service_name(order[i]), s->count,
				us(r, (double)s->cycles / (double)s->count), pct(s->cycles, t.system));
			for (int k = 0; k < ACCT_NSPLITS; k++)
				fprintf(f, " %6.1f%%", pct(s->split[k], s->cycles));
			fputc('\n', f);
		}
	}
	fprintf(f, "\n%-16s %.2f M references/s (%" PRIu64 " records in %.3f s", "replay speed", mrefs(r),
		r->records, r->wall_seconds);
	if (r->threads)
		fprintf(f, " on %d thread%s", r->threads, r->threads == 1 ? "" : "s");
	if (r->peak_rss_kb)
		fprintf(f, "; peak memory %.1f MB", (double)r->peak_rss_kb / 1024);
	fputs(")\n", f);
	if (r->warning[0])
		fprintf(f, "warning: %s\n", r->warning);
}

/* ---------- CSV ---------- */

void an_csv_str(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void csv_u(FILE *f, const char *run, const char *metric, uint64_t v)
{
	if (run) {
		an_csv_str(f, run);
		fputc(',', f);
	}
	fprintf(f, "%s,%" PRIu64 "\n", metric, v);
}

static void csv_d(FILE *f, const char *run, const char *metric, double v)
{
	if (run) {
		an_csv_str(f, run);
		fputc(',', f);
	}
	if (isfinite(v))
		fprintf(f, "%s,%.9g\n", metric, v);
	else
		fprintf(f, "%s,\n", metric);
}

static void print_csv(FILE *f, const char *run, const struct rpl_results *r, int flags)
{
	struct totals t;
	char name[96];

	totals(r, &t);
	if (!(flags & AN_PRINT_NOHEADER))
		fputs(run ? "run,metric,value\n" : "metric,value\n", f);
	if (run) {
		an_csv_str(f, run);
		fputc(',', f);
	}
	fprintf(f, "mode,%s\n", rpl_mode_name(r->mode));
	csv_u(f, run, "ncpus", (uint64_t)r->ncpus);
	csv_u(f, run, "nvcpus", (uint64_t)r->nvcpus);
	csv_d(f, run, "clock_mhz", r->clock_mhz);
	csv_d(f, run, "seconds", t.seconds);
	for (size_t i = 0; i < rpl_ncounters; i++)
		csv_u(f, run, rpl_counters[i].name, rpl_counter_get(r, i));
	for (int k = 0; k < ACCT_NCATS; k++) {
		snprintf(name, sizeof name, "breakdown.%s", acct_cat_name(k));
		csv_u(f, run, name, t.cat[k]);
	}
	csv_u(f, run, "stall.local", t.stall_local);
	csv_u(f, run, "stall.remote", t.stall_remote);
	{
		uint64_t comm = 0;
		for (int c = 0; c < r->ncpus; c++)
			for (int k = 0; k < ACCT_NCATS; k++)
				comm += r->cpu[c].stall_comm[k];
		csv_u(f, run, "stall.comm", comm);
	}
	csv_d(f, run, "locality", t.locality >= 0 ? t.locality : NAN);
	csv_d(f, run, "wall_seconds", r->wall_seconds);
	csv_d(f, run, "mrefs_per_second", mrefs(r));
	csv_u(f, run, "nvms", (uint64_t)r->nvms);
	for (int k = 0; k < FP_NCATS; k++) {
		snprintf(name, sizeof name, "footprint.V.%s", fp_cat_name(k));
		csv_u(f, run, name, r->footprint.v[k]);
	}
	for (int k = 0; k < FP_NCATS; k++) {
		snprintf(name, sizeof name, "footprint.M.%s", fp_cat_name(k));
		csv_u(f, run, name, r->footprint.m[k]);
	}
	for (int s = 1; s < TRC_NSERVICES; s++) {
		const struct acct_service *sv = &r->service[s];
		if (!sv->count)
			continue;
		snprintf(name, sizeof name, "service.%s.count", trc_service_name(s));
		csv_u(f, run, name, sv->count);
		snprintf(name, sizeof name, "service.%s.cycles", trc_service_name(s));
		csv_u(f, run, name, sv->cycles);
		for (int k = 0; k < ACCT_NSPLITS; k++) {
			snprintf(name, sizeof name, "service.%s.split.%s", trc_service_name(s), acct_split_name(k));
			csv_u(f, run, name, sv->split[k]);
		}
	}
}

/* ---------- JSON ---------- */

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void json_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.9g", v);
	else
		fputs("null", f);
}

static void json_cats(FILE *f, const uint64_t *v)
{
	fputc('{', f);
	for (int k = 0; k < ACCT_NCATS; k++)
		fprintf(f, "%s\"%s\": %" PRIu64, k ? ", " : "", acct_cat_name(k), v[k]);
	fputc('}', f);
}

static void json_fp(FILE *f, const uint64_t *v)
{
	fputc('{', f);
	for (int k = 0; k < FP_NCATS; k++)
		fprintf(f, "%s\"%s\": %" PRIu64, k ? ", " : "", fp_cat_name(k), v[k]);
	fputc('}', f);
}

static void print_json(FILE *f, const char *run, const struct rpl_results *r)
{
	struct totals t;
	int order[TRC_NSERVICES], ns;

	totals(r, &t);
	fputc('{', f);
	if (run) {
		fputs("\"run\": ", f);
		json_str(f, run);
		fputs(", ", f);
	}
	fprintf(f, "\"mode\": \"%s\", \"ncpus\": %d, \"nvcpus\": %d, \"clock_mhz\": ",
		rpl_mode_name(r->mode), r->ncpus, r->nvcpus);
	json_num(f, r->clock_mhz);
	fputs(", \"seconds\": ", f);
	json_num(f, t.seconds);
	for (size_t i = 0; i < rpl_ncounters; i++)
		fprintf(f, ", \"%s\": %" PRIu64, rpl_counters[i].name, rpl_counter_get(r, i));
	fputs(",\n \"breakdown\": ", f);
	json_cats(f, t.cat);
	fprintf(f, ",\n \"stall\": {\"local\": %" PRIu64 ", \"remote\": %" PRIu64 "}, \"locality\": ",
		t.stall_local, t.stall_remote);
	json_num(f, t.locality >= 0 ? t.locality : NAN);
	fputs(", \"wall_seconds\": ", f);
	json_num(f, r->wall_seconds);
	fputs(", \"mrefs_per_second\": ", f);
	json_num(f, mrefs(r));
	if (r->peak_rss_kb) {   /* the replay's own process: not kept in a results file */
		fputs(", \"peak_rss_mb\": ", f);
		json_num(f, (double)r->peak_rss_kb / 1024);
	}
	fprintf(f, ",\n \"nvms\": %d, \"footprint\": {\"V\": ", r->nvms);
	json_fp(f, r->footprint.v);
	fputs(", \"M\": ", f);
	json_fp(f, r->footprint.m);
	fputs("}", f);
	fputs(",\n \"services\": [", f);
	ns = svc_order(order, r);
	for (int i = 0; i < ns; i++) {
		const struct acct_service *s = &r->service[order[i]];
		fprintf(f, "%s\n  {\"name\": ", i ? "," : "");
		json_str(f, trc_service_name(order[i]));
		fprintf(f, ", \"count\": %" PRIu64 ", \"cycles\": %" PRIu64 ", \"avg_us\": ", s->count, s->cycles);
		json_num(f, us(r, (double)s->cycles / (double)s->count));
		fputs(", \"share_system\": ", f);
		json_num(f, t.system ? (double)s->cycles / (double)t.system : NAN);
		fputs(", \"split\": {", f);
		for (int k = 0; k < ACCT_NSPLITS; k++)
			fprintf(f, "%s\"%s\": %" PRIu64, k ? ", " : "", acct_split_name(k), s->split[k]);
		fputs("}}", f);
	}
	fputs("],\n \"cpus\": [", f);
	for (int c = 0; c < r->ncpus; c++) {
		const struct acct_cpu *p = &r->cpu[c];
		fprintf(f, "%s\n  {\"cycles\": ", c ? "," : "");
		json_cats(f, p->cycles);
		fputs(", \"stall_local\": ", f);
		json_cats(f, p->stall_local);
		fputs(", \"stall_remote\": ", f);
		json_cats(f, p->stall_remote);
		fputs(", \"stall_comm\": ", f);
		json_cats(f, p->stall_comm);
		fprintf(f, ", \"instructions\": %" PRIu64 ", \"loads\": %" PRIu64 ", \"stores\": %" PRIu64
			", \"misses_local\": %" PRIu64 ", \"misses_remote\": %" PRIu64 "}",
			p->instructions, p->loads, p->stores, p->misses_local, p->misses_remote);
	}
	fputc(']', f);
	if (r->warning[0]) {
		fputs(",\n \"warning\": ", f);
		json_str(f, r->warning);
	}
	fputs("}\n", f);
}

int an_print_run(FILE *f, const char *run, const struct rpl_results *r, int format, int flags)
{
	switch (format) {
	case AN_FMT_CSV: print_csv(f, run, r, flags); break;
	case AN_FMT_JSON: print_json(f, run, r); break;
	default: print_table(f, run, r); break;
	}
	return ferror(f) ? SIM_EIO : SIM_OK;
}

int an_print_results(FILE *f, const struct rpl_results *r, int format)
{
	return an_print_run(f, NULL, r, format, 0);
}
