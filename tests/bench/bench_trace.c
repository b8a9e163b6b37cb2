/*
 * Trace format throughput and size, on one core: a synthetic workload
 * (tests/bench/synth.h) written by trc_write and read back by
 * trc_next_block, and the same for a smaller trace assembled from text by
 * trc_text_asm.  Prints figures; asserts only that the records come back.
 * Environment: BENCH_RECORDS (default 32M), BENCH_CHUNK (raw bytes per chunk,
 * default 1M), BENCH_LEVEL (zstd level, default 3), TMPDIR.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tests/bench/synth.h"
#include "traces/text.h"
#include "traces/trace.h"

#define NSTREAMS 4
#define BATCH 65536

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

static void die(const char *what, const struct sim_err *err)
{
	fprintf(stderr, "bench_trace: %s: %s\n", what, err->msg);
	exit(1);
}

struct counts {
	uint64_t records, insns, data;
};

static void count(struct counts *c, const struct trc_rec *r, size_t n)
{
	c->records += n;
	for (size_t i = 0; i < n; i++) {
		if (r[i].type == TRC_INSN)
			c->insns += r[i].id;
		else if (r[i].type == TRC_LOAD || r[i].type == TRC_STORE)
			c->data++;
	}
}

/* Read every stream of path; returns seconds, fills c. */
static double read_back(const char *path, struct counts *c)
{
	struct sim_err err = { 0 };
	trc_reader *r;
	double t0, t;
	int live = NSTREAMS;
	if (trc_reader_open(&r, path, &err) != SIM_OK)
		die("open", &err);
	/* a warm-up pass so the file is in the page cache */
	for (uint32_t s = 0; s < trc_reader_info(r)->nstreams; s++) {
		const struct trc_rec *recs;
		size_t n;
		do
			if (trc_next_block(r, s, &recs, &n, &err) != SIM_OK)
				die("read", &err);
		while (n);
	}
	trc_rewind(r);
	memset(c, 0, sizeof *c);
	t0 = now();
	/* round robin over the streams, a block at a time, as a replay would */
	live = (int)trc_reader_info(r)->nstreams;
	uint8_t done[TRC_MAX_STREAMS] = { 0 };
	while (live > 0)
		for (uint32_t s = 0; s < trc_reader_info(r)->nstreams; s++) {
			const struct trc_rec *recs;
			size_t n;
			if (done[s])
				continue;
			if (trc_next_block(r, s, &recs, &n, &err) != SIM_OK)
				die("read", &err);
			if (!n) {
				done[s] = 1;
				live--;
			}
			c->records += n;
			c->data += recs && n ? recs[n - 1].type : 0;   /* touch the data */
		}
	t = now() - t0;
	trc_rewind(r);
	memset(c, 0, sizeof *c);
	for (uint32_t s = 0; s < trc_reader_info(r)->nstreams; s++) {
		const struct trc_rec *recs;
		size_t n;
		do {
			if (trc_next_block(r, s, &recs, &n, &err) != SIM_OK)
				die("read", &err);
			count(c, recs, n);
		} while (n);
	}
	trc_reader_close(r);
	return t;
}

static uint64_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

static void report(const char *what, const char *path, const struct counts *c, double enc_s, double dec_s)
{
	uint64_t size = file_size(path);
	printf("%s\n", what);
	printf("  records                      %12llu  (%llu instructions in runs, %llu data references)\n",
	       (unsigned long long)c->records, (unsigned long long)c->insns, (unsigned long long)c->data);
	printf("  file size                    %12llu bytes  (%.3f bytes/record)\n", (unsigned long long)size,
	       (double)size / c->records);
	if (enc_s > 0)
		printf("  encode (encode+zstd+write)   %12.1f M records/s\n", c->records / enc_s / 1e6);
	printf("  decode (read+zstd+decode)    %12.1f M records/s\n", c->records / dec_s / 1e6);
	printf("  bytes per data reference     %12.4f  (loads + stores)\n", (double)size / c->data);
	printf("  bytes per memory reference   %12.4f  (instruction fetches + loads + stores)\n",
	       (double)size / (c->data + c->insns));
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	const char *env = getenv("BENCH_RECORDS");
	uint64_t target = env ? strtoull(env, NULL, 0) : 32u << 20;
	char path[512], tpath[512], apath[512];
	struct trc_write_opts o = { .nstreams = NSTREAMS, .page_size = 4096,
				    .config_text = "workload = synthetic\n", .chunk_size = 1 << 20, .zstd_level = 3 };
	static struct synth syn[NSTREAMS];
	struct trc_rec *buf = malloc(BATCH * sizeof *buf);
	struct sim_err err = { 0 };
	struct counts wc = { 0 }, rc;
	double gen_s = 0, t0, total_s, dec_s;
	trc_writer *w;

	snprintf(path, sizeof path, "%s/bench_trace_%d.dtr", tmp && *tmp ? tmp : "/tmp", (int)getpid());
	if (getenv("BENCH_CHUNK"))
		o.chunk_size = (size_t)strtoull(getenv("BENCH_CHUNK"), NULL, 0);
	if (getenv("BENCH_LEVEL"))
		o.zstd_level = atoi(getenv("BENCH_LEVEL"));
	for (int s = 0; s < NSTREAMS; s++)
		syn_init(&syn[s], 1000 + (uint64_t)s);
	if (trc_writer_open(&w, path, &o, &err) != SIM_OK)
		die("open for writing", &err);
	t0 = now();
	while (wc.records < target)
		for (uint32_t s = 0; s < NSTREAMS; s++) {
			double g0 = now();
			size_t n = syn_fill(&syn[s], buf, BATCH);
			count(&wc, buf, n);
			gen_s += now() - g0;
			if (trc_write(w, s, buf, n, &err) != SIM_OK)
				die("write", &err);
		}
	if (trc_writer_close(w, &err) != SIM_OK)
		die("close", &err);
	total_s = now() - t0;
	dec_s = read_back(path, &rc);
	if (rc.records != wc.records || rc.insns != wc.insns || rc.data != wc.data) {
		fprintf(stderr, "bench_trace: read back %llu records, wrote %llu\n", (unsigned long long)rc.records,
			(unsigned long long)wc.records);
		return 1;
	}
	{
		char title[160];
		snprintf(title, sizeof title, "trace: synthetic workload, 4 streams, chunk %zu bytes, zstd level %d, one core",
			 o.chunk_size, o.zstd_level);
		report(title, path, &wc, total_s - gen_s, dec_s);
	}
	unlink(path);

	/* the text form: a smaller trace through trc_text_asm */
	snprintf(tpath, sizeof tpath, "%s/bench_trace_%d.txt", tmp && *tmp ? tmp : "/tmp", (int)getpid());
	snprintf(apath, sizeof apath, "%s/bench_trace_%d.asm.dtr", tmp && *tmp ? tmp : "/tmp", (int)getpid());
	{
		FILE *f = fopen(tpath, "w");
		struct synth *s1 = &syn[0];
		uint64_t written = 0;
		char line[256];
		struct trc_text_opts to = { .chunk_size = 1 << 20, .zstd_level = 3 };
		if (!f) {
			perror(tpath);
			return 1;
		}
		syn_init(s1, 77);
		fprintf(f, "# synthetic workload, text form\n.streams 1\n.page_size 4096\n.config workload = synthetic\n");
		while (written < target / 16) {
			size_t n = syn_fill(s1, buf, BATCH);
			for (size_t i = 0; i < n; i++) {
				trc_text_format(&buf[i], line, sizeof line);
				fputs(line, f);
				fputc('\n', f);
			}
			written += n;
		}
		fclose(f);
		t0 = now();
		if (trc_text_asm(tpath, apath, &to, &err) != SIM_OK)
			die("asm", &err);
		total_s = now() - t0;
		printf("text: %llu records, %llu bytes of text, assembled at %.1f M records/s (parse+encode+zstd)\n",
		       (unsigned long long)written, (unsigned long long)file_size(tpath), written / total_s / 1e6);
		dec_s = read_back(apath, &rc);
		report("trace: the same workload assembled from text (disco asm), 1 stream", apath, &rc, 0, dec_s);
		unlink(tpath);
		unlink(apath);
	}
	free(buf);
	return 0;
}
