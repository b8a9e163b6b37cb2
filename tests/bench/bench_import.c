/*
 * Importers: import speed (input references per second, text parsing or
 * ChampSim decoding included) and the size of the trace written (bytes per
 * reference), then replay speed of the imported trace natively, under the
 * monitor and through the caches alone (the plain mode), by wall and by
 * CPU time, with the TLB misses per 1000 references the replay took and
 * the L2TLB's hit rate.  Inputs: the synthetic program of synth.h written
 * as lackey text, din text and ChampSim records; and, when valgrind is
 * installed, a real program (gzip of 20 KB) recorded by lackey.  For the
 * synthetic input, the TLB misses of a TLB apart from the model (the
 * machine's random-replacement entries of page pairs, fully associative,
 * on the input's references themselves): what the source implies.  One
 * core.  Printed, not asserted.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analysis/tables.h"
#include "base/rng.h"
#include "capture/import.h"
#include "replay/replay.h"
#include "tests/bench/synth.h"
#include "traces/trace.h"

#define NREFS 4000000ull   /* input references of each synthetic input */

static char dir[] = "/tmp/bench_import.XXXXXX";

static void die(const char *what, const struct sim_err *err)
{
	fprintf(stderr, "bench_import: %s: %s\n", what, err ? err->msg : "failed");
	exit(1);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const char *path(const char *name)
{
	static char buf[4][512];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
	return buf[k];
}

static void le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A TLB apart from the model's: `n` entries of page pairs (the machine's
 * random-replacement ones, machine.tlb.entries - .wired), fully
 * associative, a random victim on a miss; one address space. */
struct plain_tlb {
	uint64_t pair[1024];
	int n, used;
	uint64_t rng, refs, misses;
};

static void plain_tlb_ref(struct plain_tlb *t, uint64_t addr, unsigned lg_page)
{
	uint64_t p = addr >> lg_page >> 1;
	t->refs++;
	for (int i = 0; i < t->used; i++)
		if (t->pair[i] == p)
			return;
	t->misses++;
	if (t->used < t->n)
		t->pair[t->used++] = p;
	else
		t->pair[sim_rng_next(&t->rng) % (uint64_t)t->n] = p;
}

static struct plain_tlb input_tlb;

/* The synthetic program's user references as lackey, din and ChampSim
 * inputs (the same references in each), and through input_tlb. */
static void write_inputs(void)
{
	struct synth *s = malloc(sizeof *s);
	struct trc_rec buf[4096];
	FILE *lk = fopen(path("in.lackey"), "w"), *din = fopen(path("in.din"), "w");
	FILE *cs = fopen(path("in.champsim"), "wb");
	uint64_t refs = 0;
	uint8_t rec[64] = { 0 }, *pending = NULL;
	int nload = 0, nstore = 0;

	cfg *c;
	unsigned lg_page = 0;
	struct sim_err err = { 0 };

	if (!s || !lk || !din || !cs)
		die("write inputs", NULL);
	if (cfg_new(&c, disco_param_tables, &err) || cap_import_defaults(c, &err))
		die("cfg", &err);
	while ((1ull << lg_page) < (uint64_t)cfg_int(c, "machine.page_size"))
		lg_page++;
	input_tlb.n = (int)(cfg_int(c, "machine.tlb.entries") - cfg_int(c, "machine.tlb.wired"));
	input_tlb.rng = 1;
	if (input_tlb.n < 1 || input_tlb.n > 1024)
		die("machine.tlb.entries", NULL);
	cfg_free(c);
	syn_init(s, 7);
	while (refs < NREFS) {
		size_t n = syn_fill(s, buf, 4096);
		for (size_t i = 0; i < n; i++) {
			const struct trc_rec *r = &buf[i];
			if (r->type == TRC_INSN) {
				for (uint32_t k = 0; k < r->id; k++) {
					uint64_t pc = r->addr + 4ull * k;
					plain_tlb_ref(&input_tlb, pc, lg_page);
					fprintf(lk, "I  %08llx,4\n", (unsigned long long)pc);
					fprintf(din, "2 %llx\n", (unsigned long long)pc);
					if (pending)
						fwrite(rec, 1, 64, cs);
					memset(rec, 0, 64);
					le64(rec, pc);
					pending = rec;
					nload = nstore = 0;
				}
				refs += r->id;
			} else if (r->type == TRC_LOAD || r->type == TRC_STORE) {
				int st = r->type == TRC_STORE;
				plain_tlb_ref(&input_tlb, r->addr, lg_page);
				fprintf(lk, " %c %08llx,%u\n", st ? 'S' : 'L', (unsigned long long)r->addr, r->aux);
				fprintf(din, "%d %llx\n", st, (unsigned long long)r->addr);
				if (pending && st && nstore < 2)
					le64(rec + 16 + 8 * nstore++, r->addr);
				else if (pending && !st && nload < 4)
					le64(rec + 32 + 8 * nload++, r->addr);
				refs++;
			}
		}
	}
	if (pending)
		fwrite(rec, 1, 64, cs);
	if (fclose(lk) || fclose(din) || fclose(cs))
		die("write inputs", NULL);
	free(s);
}

static double file_size(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 ? (double)st.st_size : 0;
}

static double cpu_seconds(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

static void replay(const char *trace, int mode)
{
	struct sim_err err = { 0 };
	struct rpl_results r;
	struct rpl_source src;
	trc_reader *rd;
	cfg *base, *c;
	double cpu;
	if (cfg_new(&base, disco_param_tables, &err) || trc_reader_open(&rd, trace, &err) ||
	    rpl_trace_cfg(base, rd, trace, &c, &err))
		die("open", &err);
	cfg_free(base);
	rpl_source_from_reader(&src, rd);
	cpu = cpu_seconds();
	if (rpl_run(c, mode, &src, &r, NULL, NULL, &err))
		die("replay", &err);
	cpu = cpu_seconds() - cpu;
	printf("    replay %-6s %6.1f M references/s  (%.2f s; by CPU time %.2f s, %.1f M references/s;"
	       " TLB misses %llu, %.2f per 1000 references",
	       rpl_mode_name(mode), (double)r.references / r.wall_seconds / 1e6, r.wall_seconds, cpu,
	       (double)r.references / (cpu > 0 ? cpu : 1e-9) / 1e6, (unsigned long long)r.tlb_misses,
	       1000.0 * (double)r.tlb_misses / (double)(r.references ? r.references : 1));
	if (mode == RPL_DISCO)
		printf(", L2TLB hits %.1f%%",
		       100.0 * (double)r.l2tlb_hits / (double)(r.tlb_misses ? r.tlb_misses : 1));
	printf(")\n");
	rpl_results_free(&r);
	trc_reader_close(rd);
	cfg_free(c);
}

static void bench(int fmt, const char *in, const char *label)
{
	struct sim_err err = { 0 };
	struct cap_import_origin o = { fmt, in, NULL, NULL };
	struct cap_import_stats st;
	const char *out = path("out.dtr");
	cap_import *im;
	cfg *c;
	double t0, t;
	uint64_t refs;
	int fd, rc;

	if (cfg_new(&c, disco_param_tables, &err) || cap_import_defaults(c, &err))
		die("cfg", &err);
	fd = open(in, O_RDONLY);
	if (fd < 0)
		die(in, NULL);
	t0 = now();
	if (cap_import_open(&im, out, c, &o, &err))
		die("open", &err);
	rc = fmt == CAP_IMPORT_DIN ? cap_import_din(im, fd, in, &err) :
	     fmt == CAP_IMPORT_LACKEY ? cap_import_lackey(im, fd, in, &err) :
	     cap_import_champsim(im, fd, in, &err);
	if (rc || cap_import_close(im, &st, &err))
		die("import", &err);
	t = now() - t0;
	close(fd);
	cfg_free(c);
	refs = st.insns + st.loads + st.stores;
	printf("  %-22s import %6.1f M references/s  (%.1f M input references, %.0f MB input, %.2f s);"
	       " trace %.4f bytes/reference (%.1f instructions per run)\n",
	       label, (double)st.input_refs / t / 1e6, (double)st.input_refs / 1e6,
	       (double)st.input_bytes / 1e6, t, file_size(out) / (double)refs,
	       (double)st.insns / (double)(st.runs ? st.runs : 1));
	replay(out, RPL_NATIVE);
	replay(out, RPL_DISCO);
	replay(out, RPL_PLAIN);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	write_inputs();
	printf("synthetic program (tests/bench/synth.h), %.0f M references, default machine:\n", NREFS / 1e6);
	printf("  its references through a TLB apart from the model (%d random-replacement entries of page"
	       " pairs): %.2f misses per 1000 references\n"
	       "  (each of its %d blocks walks an array in a page of its own, and some references go"
	       " anywhere in its heap: under the monitor every such miss runs the monitor's handler and,"
	       " when the L2TLB misses too, the guest's refill with the emulated tlbwr, through the"
	       " caches: the model's cost for such a trace)\n",
	       input_tlb.n, 1000.0 * (double)input_tlb.misses / (double)(input_tlb.refs ? input_tlb.refs : 1),
	       SYN_BLOCKS);
	bench(CAP_IMPORT_LACKEY, path("in.lackey"), "lackey text");
	bench(CAP_IMPORT_DIN, path("in.din"), "din text");
	bench(CAP_IMPORT_CHAMPSIM, path("in.champsim"), "champsim records");
	if (system("command -v valgrind >/dev/null 2>&1") == 0) {
		char cmd[2048];
		snprintf(cmd, sizeof cmd,
			 "head -c 20000 /dev/zero | tr '\\0' 'a' | awk 'BEGIN{srand(3)} {print}"
			 " END{for(i=0;i<4000;i++) print rand()}' > %s/g.in && "
			 "valgrind --tool=lackey --trace-mem=yes --log-file=%s/g.lackey gzip -c %s/g.in > /dev/null",
			 dir, dir, dir);
		printf("a real program: gzip of 20 KB + 4000 random numbers under valgrind lackey:\n");
		if (system(cmd) == 0)
			bench(CAP_IMPORT_LACKEY, path("g.lackey"), "lackey (gzip)");
		else
			printf("  valgrind failed\n");
	}
	{
		char cmd[600];
		snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "bench_import: could not remove %s\n", dir);
	}
	return 0;
}
