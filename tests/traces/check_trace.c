/* Trace files: round trips, determinism, damage of every kind, repair, OOM. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

#include "base/mem.h"
#include "tests/testlib.h"
#include "tests/traces/gen.h"
#include "traces/codec.h"
#include "traces/format.h"
#include "traces/trace.h"

#define NS 3

struct recset {
	struct trc_rec *r[NS];
	size_t n[NS];
};

static void recset_random(struct recset *rs, uint64_t seed, size_t per_stream)
{
	uint64_t s = seed;
	for (int k = 0; k < NS; k++) {
		unsigned nest = 0;
		rs->r[k] = malloc(per_stream * sizeof(struct trc_rec));
		rs->n[k] = per_stream;
		for (size_t i = 0; i < per_stream; i++)
			/* every type in turn first, then random ones */
			rs->r[k][i] = gen_rec_nest(&s, i < TRC_NTYPES - 1 ? (unsigned)(i + 1) : 0, &nest);
	}
}

static void recset_free(struct recset *rs)
{
	for (int k = 0; k < NS; k++)
		free(rs->r[k]);
}

static struct trc_write_opts opts(size_t chunk)
{
	return (struct trc_write_opts){ .nstreams = NS, .page_size = 4096,
					.config_text = "machine.cpus = 3\nworkload = test\n",
					.chunk_size = chunk, .zstd_level = 3 };
}

/* A writer that dies: what it wrote so far, copied to path. */
static void die_to(trc_writer *w, const char *path)
{
	size_t len;
	char *img = t_read_file(trc_writer_file(w), &len);
	t_write_file(path, img, len);
	free(img);
	trc_writer_abandon(w);
}

/* Write rs to path, interleaving streams in batches of `step` records, with
 * the background writer or without; returns the code. */
static int write_set_with(const char *path, const struct recset *rs, size_t chunk, size_t step, int bg,
			  struct sim_err *err)
{
	struct trc_write_opts o = opts(chunk);
	trc_writer *w;
	size_t pos[NS] = { 0 };
	int rc, more = 1;
	o.background = bg;
	rc = trc_writer_open(&w, path, &o, err);
	if (rc != SIM_OK)
		return rc;
	while (more) {
		more = 0;
		for (int k = 0; k < NS; k++) {
			size_t m = rs->n[k] - pos[k] < step ? rs->n[k] - pos[k] : step;
			if (!m)
				continue;
			more = 1;
			rc = trc_write(w, (uint32_t)k, rs->r[k] + pos[k], m, err);
			if (rc != SIM_OK) {
				trc_writer_abandon(w);
				return rc;
			}
			pos[k] += m;
		}
	}
	return trc_writer_close(w, err);
}

/* Write rs to path, interleaving streams in small batches; returns the code. */
static int write_set(const char *path, const struct recset *rs, size_t chunk, struct sim_err *err)
{
	return write_set_with(path, rs, chunk, 7, 0, err);
}

/* Read every stream of r and compare with rs (prefix allowed when prefix=1).
 * Returns the code of the first error. */
static int read_compare(trc_reader *r, const struct recset *rs, int prefix, size_t *total, struct sim_err *err)
{
	*total = 0;
	for (uint32_t k = 0; k < NS; k++) {
		size_t at = 0, n;
		const struct trc_rec *recs;
		for (;;) {
			int rc = trc_next_block(r, k, &recs, &n, err);
			if (rc != SIM_OK)
				return rc;
			if (n == 0)
				break;
			ck_assert_uint_le(at + n, rs->n[k]);
			ck_assert_msg(memcmp(recs, rs->r[k] + at, n * sizeof *recs) == 0,
				      "stream %u: records %zu.. differ", k, at);
			at += n;
		}
		if (!prefix)
			ck_assert_uint_eq(at, rs->n[k]);
		*total += at;
	}
	return SIM_OK;
}

START_TEST(roundtrip_random)
{
	static const size_t chunks[] = { 256, 300, 4096, 1 << 20 };
	struct sim_err err = { 0 };
	struct recset rs;
	trc_reader *r;
	size_t total;

	recset_random(&rs, 42 + (uint64_t)_i, 3000);
	for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
		const char *p = t_path("rt.dtr");
		struct trc_stream_stats st;
		ck_assert_int_eq(write_set(p, &rs, chunks[c], &err), SIM_OK);
		ck_assert_int_eq(trc_reader_open(&r, p, &err), SIM_OK);
		ck_assert_int_eq(trc_reader_info(r)->has_index, 1);
		ck_assert_str_eq(trc_reader_info(r)->warning, "");
		ck_assert_str_eq(trc_reader_info(r)->config_text, "machine.cpus = 3\nworkload = test\n");
		ck_assert_uint_eq(trc_reader_info(r)->nstreams, NS);
		ck_assert_uint_eq(trc_reader_info(r)->page_size, 4096);
		ck_assert_int_eq(trc_reader_stream_stats(r, 1, &st), SIM_OK);
		ck_assert_uint_eq(st.records, 3000);
		if (chunks[c] == 256)
			ck_assert_uint_gt(st.chunks, 20);
		ck_assert_int_eq(read_compare(r, &rs, 0, &total, &err), SIM_OK);
		trc_rewind(r);   /* a second pass gives the same */
		ck_assert_int_eq(read_compare(r, &rs, 0, &total, &err), SIM_OK);
		trc_reader_close(r);
	}
	recset_free(&rs);
}
END_TEST

/* Chunks of more than TRC_BLOCK records come out a block at a time, the
 * streams' blocks interleaved, each decoder carrying its predictors from
 * block to block; a rewind midway starts every stream again. */
START_TEST(blocks_interleaved)
{
	struct sim_err err = { 0 };
	struct recset rs;
	trc_reader *r;
	const char *p = t_path("blk.dtr");

	recset_random(&rs, 7, 3 * TRC_BLOCK + 123);
	ck_assert_int_eq(write_set(p, &rs, 1 << 20, &err), SIM_OK);
	ck_assert_int_eq(trc_reader_open(&r, p, &err), SIM_OK);
	for (int pass = 0; pass < 2; pass++) {
		size_t at[NS] = { 0 }, blocks = 0;
		int live = NS, done[NS] = { 0 };
		while (live > 0) {
			for (uint32_t k = 0; k < NS; k++) {
				const struct trc_rec *recs;
				size_t n;
				if (done[k])
					continue;
				ck_assert_int_eq(trc_next_block(r, k, &recs, &n, &err), SIM_OK);
				ck_assert_uint_le(n, TRC_BLOCK);
				if (n == 0) {
					done[k] = 1;
					live--;
					continue;
				}
				ck_assert_uint_le(at[k] + n, rs.n[k]);
				ck_assert_msg(memcmp(recs, rs.r[k] + at[k], n * sizeof *recs) == 0,
					      "stream %u: records %zu.. differ", k, at[k]);
				at[k] += n;
				blocks++;
				if (pass == 0 && blocks == 5) {   /* rewind midway, then read it all */
					trc_rewind(r);
					memset(at, 0, sizeof at);
				}
			}
		}
		for (int k = 0; k < NS; k++)
			ck_assert_uint_eq(at[k], rs.n[k]);
		trc_rewind(r);
	}
	trc_reader_close(r);
	recset_free(&rs);
}
END_TEST

/* Each chunk's header says whether the chunk holds a time record and the
 * value of its first, with and without the writer's thread: the records of
 * each chunk (its nrecords, in the order written) give what it must say.
 * Time records every 7th record, one stream, 256-byte chunks: most chunks
 * have several, some chunks none (runs of large counts in between). */
START_TEST(chunk_first_time)
{
	for (int bg = 0; bg < 2; bg++) {
		enum { N = 3000 };
		struct trc_write_opts o = { .nstreams = 1, .page_size = 4096, .config_text = "",
					    .chunk_size = 256, .zstd_level = 1, .background = bg };
		struct trc_rec *r = calloc(N, sizeof *r);
		struct sim_err err = { 0 };
		trc_writer *w;
		size_t len, at = 0, chunks = 0, timed = 0, untimed = 0;
		uint8_t *img;
		uint64_t ioff, nent;

		for (size_t i = 0; i < N; i++) {
			if (i % 7 == 3)
				r[i] = (struct trc_rec){ .type = TRC_TIME, .val = 1000 + 3 * i };
			else if (i >= 1500 && i < 2200)   /* no time records: whole chunks without */
				r[i] = (struct trc_rec){ .type = TRC_INSN, .id = 1 + (uint32_t)(i * 2654435761u % 100000),
							 .addr = 0x40000000 + 64 * (i % 5000) };
			else
				r[i] = (struct trc_rec){ .type = TRC_INSN, .id = 4, .addr = 0x1000 + 16 * i };
			if (i >= 1500 && i < 2200 && r[i].type == TRC_TIME)
				r[i] = (struct trc_rec){ .type = TRC_LOAD, .aux = 8, .addr = 0x9000000 + 4096 * i };
		}
		ck_assert_int_eq(trc_writer_open(&w, t_path("time.dtr"), &o, &err), SIM_OK);
		for (size_t i = 0; i < N; i += 13)   /* calls of 13 records: chunk edges fall mid-call */
			ck_assert_int_eq(trc_write(w, 0, r + i, N - i < 13 ? N - i : 13, &err), SIM_OK);
		ck_assert_int_eq(trc_writer_close(w, &err), SIM_OK);
		img = (uint8_t *)t_read_file(t_path("time.dtr"), &len);
		ioff = rd64(img + len - TRC_TRAILER);
		nent = rd64(img + ioff + 8);
		for (uint64_t k = 0; k < nent; k++) {
			const uint8_t *e = img + ioff + TRC_INDEX_HDR + k * TRC_INDEX_ENTRY;
			const uint8_t *h = img + rd64(e);
			uint32_t nrec = rd32(h + 8), flags = rd32(h + 20);
			uint64_t first = rd64(h + 32);
			const struct trc_rec *t = NULL;
			for (size_t i = at; i < at + nrec && !t; i++)
				if (r[i].type == TRC_TIME)
					t = &r[i];
			if (t) {
				ck_assert_uint_eq(flags, TRC_CHUNK_HAS_TIME);
				ck_assert_uint_eq(first, t->val);
				timed++;
			} else {
				ck_assert_uint_eq(flags, 0);
				ck_assert_uint_eq(first, 0);
				untimed++;
			}
			at += nrec;
			chunks++;
		}
		ck_assert_uint_eq(at, N);
		ck_assert_uint_ge(timed, 10);
		ck_assert_uint_ge(untimed, 2);
		ck_assert_uint_eq(chunks, nent);
		free(img);
		free(r);
	}
}
END_TEST

/* The batch check's quick path for runs, loads and stores agrees with the
 * whole check on every record: valid ones of every type, and each with one
 * field or flag changed (an instruction count of 0, a size of 0 or 256, a
 * flag or a field the type does not use). */
START_TEST(batch_check_agrees)
{
	uint64_t s = 11;
	size_t bad = 0;
	for (int i = 0; i < 200000; i++) {
		struct trc_rec r = gen_rec(&s, i < 3000 ? 1 + (unsigned)(i % 3) : 0);
		const char *why, *want;
		uint64_t v = gen_next(&s);
		switch (v % 8) {
		case 0: break;
		case 1: r.flags ^= (uint8_t)(1u << (v >> 8) % 8); break;
		case 2: r.id = (v >> 8) % 3 == 0 ? 0 : (uint32_t)(v >> 16); break;
		case 3: r.aux = (uint16_t)((v >> 8) % 3 == 0 ? 0 : (v >> 8) % 3 == 1 ? 256 : v >> 16); break;
		case 4: r.val = (v >> 8) % 2 ? 0 : v >> 16; break;
		case 5: r.addr = (v >> 8) % 2 ? 0 : v; break;
		case 6: r.type = (uint8_t)(v >> 8); break;
		default: break;
		}
		want = trc_rec_check(&r);
		ck_assert_uint_eq(trc_recs_check(&r, 1, &why), want ? 0 : 1);
		ck_assert_ptr_eq(why, want);
		bad += want != NULL;
	}
	ck_assert_uint_gt(bad, 20000);   /* both verdicts, many times */
	{
		/* in a batch: the first bad one's index and reason */
		struct trc_rec rs[5] = { { .type = TRC_INSN, .id = 2 }, { .type = TRC_LOAD, .aux = 4 },
					 { .type = TRC_STORE, .aux = 0 }, { .type = TRC_INSN, .id = 0 } };
		const char *why;
		ck_assert_uint_eq(trc_recs_check(rs, 2, &why), 2);
		ck_assert_ptr_null(why);
		ck_assert_uint_eq(trc_recs_check(rs, 4, &why), 2);
		ck_assert_str_eq(why, "size out of range 1..255");
		ck_assert_uint_eq(trc_recs_check(rs + 3, 1, &why), 0);
		ck_assert_str_eq(why, "instruction count 0");
	}
}
END_TEST

START_TEST(deterministic)
{
	struct sim_err err = { 0 };
	struct recset rs;
	size_t n1, n2;
	char *a, *b;

	recset_random(&rs, 7, 2000);
	ck_assert_int_eq(write_set(t_path("d1.dtr"), &rs, 512, &err), SIM_OK);
	ck_assert_int_eq(write_set(t_path("d2.dtr"), &rs, 512, &err), SIM_OK);
	a = t_read_file(t_path("d1.dtr"), &n1);
	b = t_read_file(t_path("d2.dtr"), &n2);
	ck_assert_uint_eq(n1, n2);
	ck_assert(memcmp(a, b, n1) == 0);
	free(a);
	free(b);
	recset_free(&rs);
}
END_TEST

START_TEST(bad_records_rejected)
{
	struct trc_write_opts o = opts(4096);
	struct sim_err err = { 0 };
	struct trc_rec bad[] = {
		{ .type = 0 }, { .type = TRC_NTYPES }, { .type = TRC_LOAD, .aux = 0, .addr = 1 },
		{ .type = TRC_LOAD, .aux = 256 }, { .type = TRC_INSN, .id = 0 },
		{ .type = TRC_INSN, .id = 1, .flags = TRC_F_WRITE }, { .type = TRC_SVC_BEGIN, .aux = TRC_NSERVICES },
		{ .type = TRC_PRIV, .aux = 0 }, { .type = TRC_MONCALL, .aux = TRC_NMONCALLS },
		{ .type = TRC_PAGE_ALLOC, .aux = TRC_NCATEGORIES }, { .type = TRC_ASID, .val = 1 },
		{ .type = TRC_PTE_SET, .aux = 8 }, { .type = TRC_TIME, .flags = 0x80 },
	};
	trc_writer *w;
	trc_reader *r;
	const struct trc_rec *recs;
	size_t n;
	struct trc_rec good = { .type = TRC_LOCK_ACQ, .id = 5 };

	ck_assert_int_eq(trc_writer_open(&w, t_path("bad.dtr"), &o, &err), SIM_OK);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct trc_rec two[2] = { good, bad[i] };
		ck_assert_int_eq(trc_write(w, 0, two, 2, &err), SIM_EINVAL);
		ck_assert_ptr_nonnull(strstr(err.msg, "record 1"));
	}
	ck_assert_int_eq(trc_write(w, NS, &good, 1, &err), SIM_EINVAL);
	ck_assert_int_eq(trc_write(w, 0, &good, 1, &err), SIM_OK);
	ck_assert_int_eq(trc_writer_close(w, &err), SIM_OK);
	ck_assert_int_eq(trc_reader_open(&r, t_path("bad.dtr"), &err), SIM_OK);
	ck_assert_int_eq(trc_next_block(r, 0, &recs, &n, &err), SIM_OK);
	ck_assert_uint_eq(n, 1);   /* nothing of the bad batches was written */
	ck_assert_int_eq(trc_next_block(r, 0, &recs, &n, &err), SIM_OK);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(trc_next_block(r, NS, &recs, &n, &err), SIM_EINVAL);
	trc_reader_close(r);
	o.nstreams = 0;
	ck_assert_int_eq(trc_writer_open(&w, t_path("bad2.dtr"), &o, &err), SIM_EINVAL);
	o = opts(100);
	ck_assert_int_eq(trc_writer_open(&w, t_path("bad2.dtr"), &o, &err), SIM_EINVAL);
	o = opts(4096);
	o.page_size = 1000;
	ck_assert_int_eq(trc_writer_open(&w, t_path("bad2.dtr"), &o, &err), SIM_EINVAL);
}
END_TEST

/* ---- damage ---- */

static char *small_file(size_t *len)
{
	struct sim_err err = { 0 };
	struct recset rs;
	recset_random(&rs, 99, 40);
	ck_assert_int_eq(write_set(t_path("small.dtr"), &rs, 256, &err), SIM_OK);
	recset_free(&rs);
	return t_read_file(t_path("small.dtr"), len);
}

/* Open the image and read every stream; the first error code, or 0. */
static int read_all(const void *data, size_t len, struct sim_err *err, struct recset *out)
{
	trc_reader *r;
	int rc = trc_reader_open_mem(&r, "img.dtr", data, len, err);
	if (rc != SIM_OK)
		return rc;
	for (uint32_t k = 0; k < trc_reader_info(r)->nstreams; k++) {
		const struct trc_rec *recs;
		size_t n;
		if (out)
			out->n[k] = 0;
		do {
			rc = trc_next_block(r, k, &recs, &n, err);
			if (rc != SIM_OK) {
				trc_reader_close(r);
				return rc;
			}
			if (out && n) {
				out->r[k] = realloc(out->r[k], (out->n[k] + n) * sizeof *recs);
				memcpy(out->r[k] + out->n[k], recs, n * sizeof *recs);
				out->n[k] += n;
			}
		} while (n);
	}
	trc_reader_close(r);
	return SIM_OK;
}

static void assert_msg_has(const struct sim_err *err, const char *what)
{
	ck_assert_msg(strstr(err->msg, what) != NULL, "'%s' not in '%s'", what, err->msg);
	ck_assert_msg(strstr(err->msg, "byte ") != NULL, "no byte offset in '%s'", err->msg);
}

START_TEST(flip_every_byte)
{
	size_t len, detected = 0;
	char *img = small_file(&len);
	struct sim_err err = { 0 };

	ck_assert_int_eq(read_all(img, len, &err, NULL), SIM_OK);
	for (size_t i = 0; i < len; i++) {
		int rc;
		img[i] ^= 0x5a;
		rc = read_all(img, len, &err, NULL);
		img[i] ^= 0x5a;
		ck_assert_msg(rc == SIM_ECORRUPT || rc == SIM_EVERSION, "flip at byte %zu of %zu: code %d", i, len, rc);
		ck_assert_msg(strstr(err.msg, "img.dtr: byte ") != NULL, "flip at %zu: message '%s'", i, err.msg);
		detected++;
	}
	ck_assert_uint_eq(detected, len);
	free(img);
}
END_TEST

START_TEST(bad_magic)
{
	size_t len;
	char *img = small_file(&len);
	struct sim_err err = { 0 };
	img[0] = 'X';
	ck_assert_int_eq(read_all(img, len, &err, NULL), SIM_ECORRUPT);
	assert_msg_has(&err, "bad magic");
	ck_assert_ptr_nonnull(strstr(err.msg, "img.dtr: byte 0:"));
	free(img);
}
END_TEST

START_TEST(newer_major)
{
	size_t len;
	char *img = small_file(&len);
	struct sim_err err = { 0 };
	img[8] = 3;
	ck_assert_int_eq(read_all(img, len, &err, NULL), SIM_EVERSION);
	assert_msg_has(&err, "version 3.0 is newer");
	free(img);
}
END_TEST

/* A trace of the first format, whose chunks carry no sequence numbers: a
 * clear error naming its version. */
START_TEST(older_major)
{
	size_t len;
	char *img = small_file(&len);
	struct sim_err err = { 0 };
	img[8] = 1;
	ck_assert_int_eq(read_all(img, len, &err, NULL), SIM_EVERSION);
	assert_msg_has(&err, "version 1.0 is older than this reader's 2.0");
	free(img);
}
END_TEST

START_TEST(truncated_header)
{
	size_t len;
	char *img = small_file(&len);
	struct sim_err err = { 0 };
	for (size_t cut = 0; cut < TRC_HDR_MIN + 30; cut++) {
		int rc = read_all(img, cut, &err, NULL);
		ck_assert_int_eq(rc, SIM_ECORRUPT);
		ck_assert_msg(strstr(err.msg, "truncated header") || cut >= TRC_HDR_MIN + 30, "cut %zu: %s", cut,
			      err.msg);
		assert_msg_has(&err, "img.dtr");
	}
	free(img);
}
END_TEST

/* A truncated file reads up to its last complete chunk, says where it stops,
 * and trc_repair gives it an index. */
START_TEST(truncated_then_repaired)
{
	struct sim_err err = { 0 };
	struct recset rs, got = { 0 };
	size_t len, total;
	char *img;
	trc_reader *r;
	const char *p = t_path("trunc.dtr");

	recset_random(&rs, 5, 500);
	ck_assert_int_eq(write_set(p, &rs, 512, &err), SIM_OK);
	img = t_read_file(p, &len);
	for (size_t cut = len - 1; cut > len / 2; cut -= len / 7) {
		ck_assert_int_eq(read_all(img, cut, &err, &got), SIM_OK);
		t_write_file(p, img, cut);
		ck_assert_int_eq(trc_reader_open(&r, p, &err), SIM_OK);
		ck_assert_int_eq(trc_reader_info(r)->has_index, 0);
		ck_assert_ptr_nonnull(strstr(trc_reader_info(r)->warning, "byte "));
		ck_assert_ptr_nonnull(strstr(trc_reader_info(r)->warning, "no index"));
		ck_assert_int_eq(read_compare(r, &rs, 1, &total, &err), SIM_OK);
		ck_assert_uint_gt(total, 0);
		trc_reader_close(r);
		ck_assert_int_eq(trc_repair(p, &err), SIM_OK);
		ck_assert_int_eq(trc_reader_open(&r, p, &err), SIM_OK);
		ck_assert_int_eq(trc_reader_info(r)->has_index, 1);
		ck_assert_str_eq(trc_reader_info(r)->warning, "");
		size_t total2;
		ck_assert_int_eq(read_compare(r, &rs, 1, &total2, &err), SIM_OK);
		ck_assert_uint_eq(total, total2);
		trc_reader_close(r);
	}
	for (int k = 0; k < NS; k++)
		free(got.r[k]);
	free(img);
	recset_free(&rs);
}
END_TEST

START_TEST(abandoned_writer)
{
	struct trc_write_opts o = opts(256);
	struct sim_err err = { 0 };
	struct recset rs;
	trc_writer *w;
	trc_reader *r;
	size_t total;
	const char *p = t_path("dead.dtr");

	recset_random(&rs, 11, 300);
	ck_assert_int_eq(trc_writer_open(&w, p, &o, &err), SIM_OK);
	for (int k = 0; k < NS; k++)
		ck_assert_int_eq(trc_write(w, (uint32_t)k, rs.r[k], rs.n[k], &err), SIM_OK);
	die_to(w, p);
	ck_assert_int_eq(trc_reader_open(&r, p, &err), SIM_OK);
	ck_assert_int_eq(trc_reader_info(r)->has_index, 0);
	ck_assert_ptr_nonnull(strstr(trc_reader_info(r)->warning, "no index"));
	ck_assert_int_eq(read_compare(r, &rs, 1, &total, &err), SIM_OK);
	ck_assert_uint_gt(total, 300);   /* the full chunks made it */
	ck_assert_uint_lt(total, 900);   /* the pending ones did not */
	trc_reader_close(r);
	ck_assert_int_eq(trc_repair(p, &err), SIM_OK);
	ck_assert_int_eq(trc_reader_open(&r, p, &err), SIM_OK);
	ck_assert_int_eq(trc_reader_info(r)->has_index, 1);
	trc_reader_close(r);
	recset_free(&rs);
}
END_TEST

START_TEST(bytes_after_index)
{
	size_t len;
	char *img = small_file(&len);
	struct sim_err err = { 0 };
	char *big = malloc(len + 1);
	memcpy(big, img, len);
	big[len] = 0;
	ck_assert_int_eq(read_all(big, len + 1, &err, NULL), SIM_ECORRUPT);
	assert_msg_has(&err, "index");
	/* a truncated chunk in a file that still ends with its index: one byte
	 * cut out of the middle, so the index no longer tiles the file */
	memcpy(big, img, len);
	memmove(big + 200, big + 201, len - 201);
	ck_assert_int_eq(read_all(big, len - 1, &err, NULL), SIM_ECORRUPT);
	free(big);
	free(img);
}
END_TEST

/* ---- hand-made chunks ---- */

/* A 2-stream file whose only chunk holds raw (with header fields as given),
 * with an index when with_index. */
static size_t craft(uint8_t *out, const uint8_t *raw, size_t rawlen, uint32_t stream, uint32_t nrec,
		    uint32_t raw_size_field, int with_index)
{
	struct trc_write_opts o = { .nstreams = 2, .page_size = 4096, .config_text = "", .chunk_size = 4096,
				    .zstd_level = 1 };
	struct sim_err err = { 0 };
	trc_writer *w;
	size_t hlen, clen, len;
	char *hdr;
	struct trc_chunk_hdr h = { 0 };
	struct trc_chunk_ent e;

	ck_assert_int_eq(trc_writer_open(&w, t_path("craft.dtr"), &o, &err), SIM_OK);
	die_to(w, t_path("craft.dtr"));
	hdr = t_read_file(t_path("craft.dtr"), &hlen);
	memcpy(out, hdr, hlen);
	free(hdr);
	clen = ZSTD_compress(out + hlen + TRC_CHUNK_HDR, 4096, raw, rawlen, 1);
	ck_assert(!ZSTD_isError(clen));
	h.stream = stream;
	h.nrecords = nrec;
	h.raw_size = raw_size_field;
	h.comp_size = (uint32_t)clen;
	h.raw_hash = XXH3_64bits(raw, rawlen);
	h.comp_hash = XXH3_64bits(out + hlen + TRC_CHUNK_HDR, clen);
	trc_put_chunk_hdr(out + hlen, &h);
	len = hlen + TRC_CHUNK_HDR + clen;
	if (with_index) {
		e = (struct trc_chunk_ent){ .offset = hlen, .stream = stream, .nrecords = nrec,
					    .raw_size = raw_size_field, .comp_size = (uint32_t)clen };
		trc_put_index(out + len, &e, 1, len);
		len += trc_index_size(1);
	}
	return len;
}

static void expect_bad_chunk(const uint8_t *raw, size_t rawlen, uint32_t nrec, const char *what)
{
	uint8_t img[16384];
	struct sim_err err = { 0 };
	for (int idx = 0; idx < 2; idx++) {
		size_t len = craft(img, raw, rawlen, 1, nrec, (uint32_t)rawlen, idx);
		ck_assert_int_eq(read_all(img, len, &err, NULL), SIM_ECORRUPT);
		assert_msg_has(&err, what);
		ck_assert_ptr_nonnull(strstr(err.msg, "img.dtr: byte "));
	}
}

START_TEST(crafted_good)
{
	uint8_t raw[] = { TRC_LOCK_ACQ, 7, TRC_INSN, 3 }, img[16384];
	struct sim_err err = { 0 };
	struct recset got = { 0 };
	size_t len = craft(img, raw, sizeof raw, 1, 2, sizeof raw, 1);
	ck_assert_int_eq(read_all(img, len, &err, &got), SIM_OK);
	ck_assert_uint_eq(got.n[1], 2);
	ck_assert_uint_eq(got.r[1][0].type, TRC_LOCK_ACQ);
	ck_assert_uint_eq(got.r[1][0].id, 7);
	ck_assert_uint_eq(got.r[1][1].type, TRC_INSN);
	ck_assert_uint_eq(got.r[1][1].id, 3);
	ck_assert_uint_eq(got.r[1][1].addr, 0);
	for (int k = 0; k < NS; k++)
		free(got.r[k]);
}
END_TEST

START_TEST(unknown_tag)
{
	uint8_t raw1[] = { TRC_LOCK_ACQ, 7, 28, 0 };
	uint8_t raw2[] = { 0 };
	uint8_t raw3[] = { TRC_LOCK_ACQ | 1 << 5, 7 };   /* x bits on a type without them */
	expect_bad_chunk(raw1, sizeof raw1, 2, "raw byte 2: unknown record tag 0x1c");
	expect_bad_chunk(raw2, sizeof raw2, 1, "unknown record tag 0x00");
	expect_bad_chunk(raw3, sizeof raw3, 1, "unknown record tag 0x2a");
}
END_TEST

START_TEST(varint_runs_on)
{
	uint8_t raw[16] = { TRC_ASID };
	uint8_t ovf[] = { TRC_TIME, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02 };
	memset(raw + 1, 0x80, 15);
	expect_bad_chunk(raw, sizeof raw, 1, "runs on past 10 bytes");
	expect_bad_chunk(ovf, sizeof ovf, 1, "overflows 64 bits");
}
END_TEST

START_TEST(field_out_of_range)
{
	uint8_t size0[] = { TRC_LOAD, 0x00, 0x00 };            /* size 0 */
	uint8_t mode[] = { TRC_STORE, 0x84, 0x08, 0x00 };      /* mode bits 8 */
	uint8_t svc[] = { TRC_SVC_END, TRC_NSERVICES };
	uint8_t priv[] = { TRC_PRIV, 0, 0 };
	uint8_t mc[] = { TRC_MONCALL, TRC_NMONCALLS, 0, 0 };
	uint8_t cat[] = { TRC_PAGE_ALLOC | 5 << 5, 0 };
	uint8_t asid[] = { TRC_ASID, 0x80, 0x80, 0x80, 0x80, 0x10 };   /* 2^32 */
	uint8_t insn0[] = { TRC_INSN, 0 };
	uint8_t insnp[] = { TRC_INSN | 4 << 5 };               /* predicted count, none known */
	uint8_t loadp[] = { TRC_LOAD | 4 << 5 };               /* "same size", none known */
	expect_bad_chunk(size0, sizeof size0, 1, "load record is out of range");
	expect_bad_chunk(mode, sizeof mode, 1, "store record is out of range");
	expect_bad_chunk(svc, sizeof svc, 1, "svc.end record is out of range");
	expect_bad_chunk(priv, sizeof priv, 1, "priv record is out of range");
	expect_bad_chunk(mc, sizeof mc, 1, "moncall record is out of range");
	expect_bad_chunk(cat, sizeof cat, 1, "page.alloc record is out of range");
	expect_bad_chunk(asid, sizeof asid, 1, "asid record is out of range");
	expect_bad_chunk(insn0, sizeof insn0, 1, "insn record is out of range");
	expect_bad_chunk(insnp, sizeof insnp, 1, "insn record is out of range");
	expect_bad_chunk(loadp, sizeof loadp, 1, "load record is out of range");
}
END_TEST

START_TEST(count_mismatch)
{
	uint8_t raw[] = { TRC_LOCK_ACQ, 7, TRC_LOCK_REL, 7 };
	uint8_t cut[] = { TRC_LOCK_ACQ, 7, TRC_DMA_REQ, 1, 2 };
	expect_bad_chunk(raw, sizeof raw, 3, "ends after 2 records, its header says 3");
	expect_bad_chunk(raw, sizeof raw, 1, "2 bytes follow the chunk's 1 records");
	expect_bad_chunk(cut, sizeof cut, 2, "runs past the end");
}
END_TEST

/* A chunk of LONG_PAD idle.begin records (one byte each, no predictor
 * touched), then raw: long enough that the decoder zeroes its tables at the
 * chunk's start rather than checking each entry's epoch (codec.h), and
 * decoded a block at a time before it reaches raw. */
#define LONG_PAD 32768
static size_t lengthen(uint8_t *dst, const uint8_t *raw, size_t len)
{
	memset(dst, TRC_IDLE_BEGIN, LONG_PAD);
	memcpy(dst + LONG_PAD, raw, len);
	return LONG_PAD + len;
}

/* The decoder has a handler per tag byte for runs, loads and stores: each
 * form of each, worked by hand.  Predictors: pc, the run table (count and
 * target per key (start >> 2) mod 16384), the data table (per key
 * ((pc - 4) >> 2) + dk), daddr. */
START_TEST(crafted_forms)
{
	static const uint8_t raw[] = {
		TRC_INSN | 1 << 5, 2,                  /* run at 0, 2 kernel; pc 8, itab[0].count 2 */
		TRC_LOAD, 0x84, 0x02,                  /* dtab[1]: size 4, mode 1; form 0: 0 */
		TRC_STORE | 2 << 5, 8, 0x80, 0x40,     /* dtab[2]: size 8; form 2: daddr 0 + 0x1000 */
		TRC_TAG_INSN_DELTA | 4 << 5, 15,       /* pc 8 - 8 = 0, predicted count 2; itab[0].target 0 */
		TRC_LOAD | 4 << 5,                     /* dtab[1] again: 0 + stride 0, size 4, mode 1 */
		TRC_STORE | 5 << 5, 0x20,              /* dtab[2]: 0x1000 + 0 + 0x10; stride 0x10 */
		TRC_TAG_INSN_TARGET | 4 << 5,          /* itab[0].target 0, count 2 */
		TRC_LOAD | 4 << 5,                     /* dtab[1]: 0 */
		TRC_STORE | 4 << 5,                    /* dtab[2]: 0x1010 + 0x10, the stride kept */
		TRC_INSN | 2 << 5, 1,                  /* run at pc 8, 1 instruction, KSEG0; pc 12 */
		TRC_STORE | 7 << 5, 0x3f,              /* dtab[(12 - 4) / 4 = 2]: form 3, 0x1020 - 0x20 */
	};
	static const struct trc_rec want[] = {
		{ .type = TRC_INSN, .flags = 1, .id = 2, .addr = 0 },
		{ .type = TRC_LOAD, .flags = 1, .aux = 4, .addr = 0 },
		{ .type = TRC_STORE, .aux = 8, .addr = 0x1000 },
		{ .type = TRC_INSN, .id = 2, .addr = 0 },
		{ .type = TRC_LOAD, .flags = 1, .aux = 4, .addr = 0 },
		{ .type = TRC_STORE, .aux = 8, .addr = 0x1010 },
		{ .type = TRC_INSN, .id = 2, .addr = 0 },
		{ .type = TRC_LOAD, .flags = 1, .aux = 4, .addr = 0 },
		{ .type = TRC_STORE, .aux = 8, .addr = 0x1020 },
		{ .type = TRC_INSN, .flags = 2, .id = 1, .addr = 8 },
		{ .type = TRC_STORE, .aux = 8, .addr = 0x1000 },
	};
	static uint8_t buf[LONG_PAD + sizeof raw], img[16384];
	size_t nw = sizeof want / sizeof want[0];

	for (int lng = 0; lng < 2; lng++) {
		struct sim_err err = { 0 };
		struct recset got = { 0 };
		size_t pad = lng ? LONG_PAD : 0, rawlen = lng ? lengthen(buf, raw, sizeof raw) : sizeof raw;
		size_t len = craft(img, lng ? buf : raw, rawlen, 1, (uint32_t)(pad + nw), (uint32_t)rawlen, 1);
		ck_assert_int_eq(read_all(img, len, &err, &got), SIM_OK);
		ck_assert_uint_eq(got.n[1], pad + nw);
		for (size_t i = 0; i < nw; i++)
			ck_assert_msg(!memcmp(&got.r[1][pad + i], &want[i], sizeof want[i]), "record %zu (long %d)", i, lng);
		for (int k = 0; k < NS; k++)
			free(got.r[k]);
	}
}
END_TEST

/* The encoder's bytes, worked by hand from FORMAT.md: varints at every
 * length boundary (1 to 10 bytes), the forms of runs, loads and stores
 * with the ties between address forms (the lower form wins), through
 * trc_encode_many with the tables checked and zeroed, and trc_encode; the
 * bytes decode to the records again. */
static const struct {
	uint64_t v;
	uint8_t len, b[10];
} leb[] = {
	{ 0x7f, 1, { 0x7f } },
	{ 0x80, 2, { 0x80, 0x01 } },
	{ 0x3fff, 2, { 0xff, 0x7f } },
	{ 0x4000, 3, { 0x80, 0x80, 0x01 } },
	{ 0x1fffff, 3, { 0xff, 0xff, 0x7f } },
	{ 0x200000, 4, { 0x80, 0x80, 0x80, 0x01 } },
	{ 0xfffffff, 4, { 0xff, 0xff, 0xff, 0x7f } },
	{ 0x10000000, 5, { 0x80, 0x80, 0x80, 0x80, 0x01 } },
	{ 0xffffffff, 5, { 0xff, 0xff, 0xff, 0xff, 0x0f } },
	{ 0x7ffffffff, 5, { 0xff, 0xff, 0xff, 0xff, 0x7f } },
	{ 0x800000000, 6, { 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 } },
	{ 0x3ffffffffff, 6, { 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f } },
	{ 0x40000000000, 7, { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 } },
	{ 0x1ffffffffffff, 7, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f } },
	{ 0x2000000000000, 8, { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 } },
	{ 0xffffffffffffff, 8, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f } },
	{ 0x100000000000000, 9, { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 } },
	{ 0x7fffffffffffffff, 9, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f } },
	{ 0x8000000000000000, 10, { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 } },
	{ UINT64_MAX, 10, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 } },
	{ 0x5a5a5a5a5a5a5a, 8, { 0xda, 0xb4, 0xe9, 0xd2, 0xa5, 0xcb, 0x96, 0x2d } },
	{ 0x5a5a5a5a5a5a5a5a, 9, { 0xda, 0xb4, 0xe9, 0xd2, 0xa5, 0xcb, 0x96, 0xad, 0x5a } },
};

/* Records and their bytes: the predictors after each are in the comments
 * (pc, itab[key] = target / count, dtab[key] = last / stride / size, daddr,
 * the next data reference's key). */
static const struct trc_rec enc_recs[] = {
	/* pc 0: sequential, count 1 (itab[0] empty); itab[0] = 0 / 1, pc 4, dkey 0 */
	{ .type = TRC_INSN, .id = 1, .addr = 0 },
	/* dtab[0] empty: size 4; d1 = d2 = d3 = zz(0x100) = 0x200: form 1;
	 * dtab[0] = 0x100 / 0x100 / 4, daddr 0x100 */
	{ .type = TRC_LOAD, .aux = 4, .addr = 0x100 },
	/* dtab[1] empty: size 4; d1 = d3 = 0x200, d2 = 0: form 2;
	 * dtab[1] = 0x100 / 0 / 4 */
	{ .type = TRC_LOAD, .aux = 4, .addr = 0x100 },
	/* pc 4: sequential, count 1 (itab[1] empty); itab[0].target 4,
	 * itab[1].count 1, pc 8 */
	{ .type = TRC_INSN, .id = 1, .addr = 4 },
	/* itab[1].target 0: the predicted target, itab[0].count 1 predicted;
	 * pc 4, dkey 0 */
	{ .type = TRC_INSN, .id = 1, .addr = 0 },
	/* dtab[0]: 0x100 + 0x100, size 4: form 0, predicted; dtab[0] = 0x200 / 0x100 */
	{ .type = TRC_LOAD, .aux = 4, .addr = 0x200 },
	/* itab[0].target 4: delta zz(0 - 4) = 7, count predicted; itab[0].target 0 */
	{ .type = TRC_INSN, .id = 1, .addr = 0 },
	/* dtab[0]: d1 = zz(0x1f0 - 0x300) = 0x21f, d2 = d3 = zz(-0x10) = 0x1f:
	 * form 2 (the tie with 3); dtab[0] = 0x1f0 / 0 */
	{ .type = TRC_LOAD, .aux = 4, .addr = 0x1f0 },
	/* dtab[1]: d1 = d3 = zz(0x80) = 0x100, d2 = zz(0x180 - 0x1f0) = 0xdf: form 2 */
	{ .type = TRC_LOAD, .aux = 4, .addr = 0x180 },
	/* dtab[2] empty: size 8; d1 = d3 = 0x80, d2 = zz(-0x140) = 0x27f:
	 * form 1 (the tie with 3); dtab[2] = 0x40 / 0x40 / 8, daddr 0x40 */
	{ .type = TRC_STORE, .aux = 8, .addr = 0x40 },
	/* kernel: itab[0].target 0, count predicted: x = 1 | 4 */
	{ .type = TRC_INSN, .flags = TRC_F_KERNEL, .id = 1, .addr = 0 },
	/* dtab[0]: mode 1 now: 4 | 1 << 8; d1 = d3 = zz(8) = 0x10, d2 =
	 * zz(0x1f8 - 0x40) = 0x370: form 1; dtab[0] = 0x1f8 / 8, daddr 0x1f8 */
	{ .type = TRC_LOAD, .flags = TRC_F_KERNEL, .aux = 4, .addr = 0x1f8 },
	/* dtab[1]: 0x180 + 0: form 0 */
	{ .type = TRC_LOAD, .aux = 4, .addr = 0x180 },
	/* dtab[2]: d1 = zz(0x30 - 0x80) = 0x9f, d2 = zz(0x30 - 0x180) = 0x29f,
	 * d3 = zz(-0x10) = 0x1f: form 3; daddr 0x30 */
	{ .type = TRC_STORE, .aux = 8, .addr = 0x30 },
	/* dtab[3] empty: size 255; d1 = d3 = zz(2^63) = 2^64 - 1, d2 =
	 * zz(2^63 - 0x30) = 2^64 - 0x60: form 2, 10 bytes */
	{ .type = TRC_LOAD, .aux = 255, .addr = 0x8000000000000000 },
	/* runs from pc 4 on, each where the last ended, counts at the varint
	 * boundaries (none predicted: each count is new) */
	{ .type = TRC_INSN, .id = 0x7f, .addr = 4 },
	{ .type = TRC_INSN, .id = 0x80, .addr = 0x200 },
	{ .type = TRC_INSN, .id = 0x3fff, .addr = 0x400 },
	{ .type = TRC_INSN, .id = 0x4000, .addr = 0x103fc },
	{ .type = TRC_INSN, .id = 0x1fffff, .addr = 0x203fc },
	{ .type = TRC_INSN, .id = 0x200000, .addr = 0x8203f8 },
	{ .type = TRC_INSN, .id = 0xfffffff, .addr = 0x10203f8 },
	{ .type = TRC_INSN, .id = 0x10000000, .addr = 0x410203f4 },
	{ .type = TRC_INSN, .id = 0xffffffff, .addr = 0x810203f4 },
};

static const uint8_t enc_bytes[] = {
	0x01, 0x01,
	0x22, 0x04, 0x80, 0x04,
	0x42, 0x04, 0x00,
	0x01, 0x01,
	0x9a,
	0x82,
	0x9b, 0x07,
	0xc2, 0x1f,
	0xc2, 0xdf, 0x01,
	0x23, 0x08, 0x80, 0x01,
	0xba,
	0x22, 0x84, 0x02, 0x10,
	0x82,
	0xe3, 0x1f,
	0x42, 0xff, 0x01, 0xa0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
	0x01, 0x7f,
	0x01, 0x80, 0x01,
	0x01, 0xff, 0x7f,
	0x01, 0x80, 0x80, 0x01,
	0x01, 0xff, 0xff, 0x7f,
	0x01, 0x80, 0x80, 0x80, 0x01,
	0x01, 0xff, 0xff, 0xff, 0x7f,
	0x01, 0x80, 0x80, 0x80, 0x80, 0x01,
	0x01, 0xff, 0xff, 0xff, 0xff, 0x0f,
};

#define NLEB (sizeof leb / sizeof leb[0])
#define NENC (sizeof enc_recs / sizeof enc_recs[0])

/* The test's records: enc_recs, then a marker per leb[] value (aux 0, id 0,
 * val the value: tag 25, 0, 0, the varint); their bytes into want. */
static size_t enc_case(struct trc_rec *r, uint8_t *want, size_t *wlen)
{
	size_t n = 0, w = 0;
	for (size_t i = 0; i < NENC; i++)
		r[n++] = enc_recs[i];
	memcpy(want, enc_bytes, sizeof enc_bytes);
	w = sizeof enc_bytes;
	for (size_t i = 0; i < NLEB; i++) {
		r[n++] = (struct trc_rec){ .type = TRC_MARKER, .val = leb[i].v };
		want[w++] = TRC_MARKER;
		want[w++] = 0;
		want[w++] = 0;
		memcpy(want + w, leb[i].b, leb[i].len);
		w += leb[i].len;
	}
	*wlen = w;
	return n;
}

static void expect_bytes(const uint8_t *got, size_t len, const uint8_t *want, size_t wlen, const char *how)
{
	for (size_t i = 0; i < len && i < wlen; i++)
		ck_assert_msg(got[i] == want[i], "%s: byte %zu is 0x%02x, want 0x%02x", how, i, got[i], want[i]);
	ck_assert_msg(len == wlen, "%s: %zu bytes, want %zu", how, len, wlen);
}

START_TEST(encode_by_hand)
{
	enum { N = NENC + NLEB, CAP = 4096 };
	static struct trc_rec r[N], out[N];
	static uint8_t want[CAP], buf[CAP + TRC_CODEC_PAD];
	struct trc_codec *c = malloc(sizeof *c);
	size_t wlen, n = enc_case(r, want, &wlen), len, pos;
	uint32_t nest = 0;
	size_t deep, bad_off;
	char why[200];

	ck_assert_ptr_nonnull(c);
	trc_codec_init(c);
	/* checked tables: a new codec, then one whose tables hold the same
	 * records from an older chunk (they must read as empty) */
	for (int round = 0; round < 2; round++) {
		trc_codec_reset(c);
		len = 0;
		ck_assert_uint_eq(trc_encode_many(c, r, n, buf, &len, CAP), n);
		expect_bytes(buf, len, want, wlen, "trc_encode_many");
	}
	/* zeroed tables */
	trc_codec_reset_zero(c);
	len = 0;
	ck_assert_uint_eq(trc_encode_many(c, r, n, buf, &len, CAP), n);
	expect_bytes(buf, len, want, wlen, "trc_encode_many, zeroed tables");
	/* one record at a time */
	trc_codec_reset(c);
	len = 0;
	for (size_t i = 0; i < n; i++)
		len += trc_encode(c, &r[i], buf + len);
	expect_bytes(buf, len, want, wlen, "trc_encode");
	/* and back */
	memset(buf + len, 0, TRC_CODEC_PAD);
	ck_assert_int_eq(trc_decode(c, buf, len, &pos, out, 0, n, n, &nest, 8, &deep, &bad_off, why, sizeof why),
			 SIM_OK);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(!memcmp(&out[i], &r[i], sizeof r[i]), "record %zu decodes otherwise", i);
	free(c);
}
END_TEST

/* A bad varint, or a record cut by the end of the data, in the middle of a
 * chunk: the decoder's loop tests one limit per record, which a bad varint
 * moves back; the record is reported where it starts, not one after it. */
static void expect_bad_both(const uint8_t *raw, size_t rawlen, uint32_t nrec, size_t at, const char *what)
{
	static uint8_t buf[LONG_PAD + 64];
	char msg[200];
	snprintf(msg, sizeof msg, "raw byte %zu: %s", at, what);
	expect_bad_chunk(raw, rawlen, nrec, msg);
	snprintf(msg, sizeof msg, "raw byte %zu: %s", LONG_PAD + at, what);
	expect_bad_chunk(buf, lengthen(buf, raw, rawlen), LONG_PAD + nrec, msg);
}

START_TEST(bad_record_mid_chunk)
{
	/* record 1 of 3: a run whose PC delta runs on; its count (3) is fine */
	uint8_t delta[] = { TRC_LOCK_ACQ, 7, TRC_TAG_INSN_DELTA, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
			    0x80, 0x80, 3, TRC_LOCK_REL, 7 };
	/* record 2 of 4: a store whose address (form 2) overflows */
	uint8_t store[] = { TRC_INSN, 3, TRC_LOAD, 4, TRC_STORE | 2 << 5, 4, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			    0xff, 0xff, 0xff, 0x02, TRC_INSN, 1 };
	/* record 1: a run whose count's varint goes on past the data */
	uint8_t cut[] = { TRC_LOCK_ACQ, 7, TRC_INSN, 0x85 };
	/* record 2: "same size" of a data reference whose key never had one
	 * (dtab[1] has, dtab[2] has not) */
	uint8_t same[] = { TRC_INSN, 2, TRC_LOAD, 4, TRC_LOAD | 4 << 5, TRC_INSN, 1 };
	/* record 1 of 3: a run with the predicted count of a start never seen */
	uint8_t count[] = { TRC_INSN, 2, TRC_INSN | 4 << 5, TRC_INSN, 1 };
	expect_bad_both(delta, sizeof delta, 3, 2, "a varint of a insn record runs on past 10 bytes");
	expect_bad_both(store, sizeof store, 4, 4, "a varint of a store record overflows 64 bits");
	expect_bad_both(cut, sizeof cut, 3, 2, "a insn record runs past the end of the chunk's data");
	expect_bad_both(cut, sizeof cut, 2, 2, "a insn record runs past the end of the chunk's data");
	expect_bad_both(same, sizeof same, 4, 4, "a field of a load record is out of range");
	expect_bad_both(count, sizeof count, 3, 2, "a field of a insn record is out of range");
}
END_TEST

START_TEST(stream_out_of_range)
{
	uint8_t raw[] = { TRC_LOCK_ACQ, 7 }, img[16384];
	struct sim_err err = { 0 };
	for (int idx = 0; idx < 2; idx++) {
		size_t len = craft(img, raw, sizeof raw, 5, 1, sizeof raw, idx);
		ck_assert_int_eq(read_all(img, len, &err, NULL), SIM_ECORRUPT);
		ck_assert_msg(strstr(err.msg, idx ? "index entry 0 is impossible" : "chunk of stream 5, but the trace has 2"),
			      "%s", err.msg);
		assert_msg_has(&err, "img.dtr");
	}
}
END_TEST

START_TEST(absurd_sizes)
{
	uint8_t raw[] = { TRC_LOCK_ACQ, 7 }, img[16384];
	struct sim_err err = { 0 };
	static const uint32_t sizes[] = { 0, TRC_MAX_CHUNK + 1, 0xffffffffu };
	for (size_t i = 0; i < 3; i++)
		for (int idx = 0; idx < 2; idx++) {
			size_t len = craft(img, raw, sizeof raw, 1, 1, sizes[i], idx);
			ck_assert_int_eq(read_all(img, len, &err, NULL), SIM_ECORRUPT);
			ck_assert_msg(strstr(err.msg, idx ? "is impossible" : "raw size"), "%s", err.msg);
			assert_msg_has(&err, "img.dtr");
		}
	/* more records than raw bytes; a record count of 2^32-1 */
	for (int idx = 0; idx < 2; idx++) {
		size_t len = craft(img, raw, sizeof raw, 1, 0xffffffffu, sizeof raw, idx);
		ck_assert_int_eq(read_all(img, len, &err, NULL), SIM_ECORRUPT);
		assert_msg_has(&err, "img.dtr");
	}
	/* a compressed size beyond the file (no index: a truncated tail, a warning) */
	{
		size_t len = craft(img, raw, sizeof raw, 1, 1, sizeof raw, 0);
		trc_reader *r;
		ck_assert_int_eq(trc_reader_open_mem(&r, "img.dtr", img, len - 1, &err), SIM_OK);
		ck_assert_ptr_nonnull(strstr(trc_reader_info(r)->warning, "incomplete chunk"));
		trc_reader_close(r);
	}
}
END_TEST

/* ---- out of memory ---- */

/* The background writer writes the bytes the writer without it writes:
 * small calls and calls larger than its batches, chunks of every size. */
START_TEST(background_same_bytes)
{
	static const size_t chunk[] = { 256, 4096, 1 << 20 };
	static const size_t step[] = { 1, 7, 50000 };   /* 50000: more than a batch holds */
	struct sim_err err = { 0 };
	struct recset rs;
	size_t n1, n2, total;
	trc_reader *r;
	char *a, *b;

	recset_random(&rs, 21, 40000);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(write_set_with(t_path("fg.dtr"), &rs, chunk[i], step[i], 0, &err), SIM_OK);
		ck_assert_int_eq(write_set_with(t_path("bg.dtr"), &rs, chunk[i], step[i], 1, &err), SIM_OK);
		a = t_read_file(t_path("fg.dtr"), &n1);
		b = t_read_file(t_path("bg.dtr"), &n2);
		ck_assert_uint_eq(n1, n2);
		ck_assert_msg(memcmp(a, b, n1) == 0, "chunk %zu, step %zu: the files differ", chunk[i], step[i]);
		free(a);
		free(b);
		ck_assert_int_eq(trc_reader_open(&r, t_path("bg.dtr"), &err), SIM_OK);
		ck_assert_int_eq(read_compare(r, &rs, 0, &total, &err), SIM_OK);
		ck_assert_uint_eq(total, 3 * 40000);
		trc_reader_close(r);
	}
	recset_free(&rs);
}
END_TEST

/* A write that fails in the background writer's thread (files limited to
 * 64 KiB: EFBIG, as on a full disk) reaches the caller: a later trc_write
 * or the close returns it, naming the file and the cause; the target is
 * not created. */
START_TEST(background_write_fails)
{
	struct trc_write_opts o = opts(4096);
	struct sim_err err = { 0 };
	struct rlimit old, lim = { 64 << 10, 64 << 10 };
	struct recset rs;
	const char *p = t_path("full.dtr");
	trc_writer *w;
	int rc = SIM_OK;

	recset_random(&rs, 5, 100000);
	unlink(p);
	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	o.background = 1;
	ck_assert_int_eq(trc_writer_open(&w, p, &o, &err), SIM_OK);
	for (int k = 0; k < NS && rc == SIM_OK; k++)
		for (size_t at = 0; at < rs.n[k] && rc == SIM_OK; at += 1000)
			rc = trc_write(w, (uint32_t)k, rs.r[k] + at, 1000, &err);
	if (rc == SIM_OK)
		rc = trc_writer_close(w, &err);
	else
		trc_writer_abandon(w);
	setrlimit(RLIMIT_FSIZE, &old);
	ck_assert_int_eq(rc, SIM_EIO);
	ck_assert_msg(strstr(err.msg, "write failed") && strstr(err.msg, "File too large"), "%s", err.msg);
	ck_assert_int_ne(access(p, F_OK), 0);
	recset_free(&rs);
}
END_TEST

START_TEST(oom)
{
	struct sim_err err = { 0 };
	struct recset rs;
	size_t total;
	int done = 0;

	recset_random(&rs, 3, 400);
	for (long k = 1; !done && k < 500; k++) {
		trc_reader *r;
		int rc;
		sim_mem_fail_after(k);
		rc = write_set_with(t_path("oom.dtr"), &rs, 256, 7, _i, &err);
		if (rc == SIM_OK) {
			rc = trc_reader_open(&r, t_path("oom.dtr"), &err);
			if (rc == SIM_OK) {
				rc = read_compare(r, &rs, 0, &total, &err);
				trc_reader_close(r);
				done = rc == SIM_OK;
			}
		}
		sim_mem_fail_after(0);
		ck_assert_msg(rc == SIM_OK || rc == SIM_ENOMEM, "fail after %ld: code %d: %s", k, rc, err.msg);
		if (rc == SIM_ENOMEM)
			ck_assert_ptr_nonnull(strstr(err.msg, "out of memory"));
	}
	ck_assert(done);
	recset_free(&rs);
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("trace");
	TCase *tc = tcase_create("roundtrip");
	tcase_add_loop_test(tc, roundtrip_random, 0, 3);
	tcase_add_test(tc, blocks_interleaved);
	tcase_add_test(tc, deterministic);
	tcase_add_test(tc, bad_records_rejected);
	tcase_add_test(tc, background_same_bytes);
	tcase_add_test(tc, background_write_fails);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	tc = tcase_create("damage");
	tcase_add_test(tc, flip_every_byte);
	tcase_add_test(tc, bad_magic);
	tcase_add_test(tc, newer_major);
	tcase_add_test(tc, older_major);
	tcase_add_test(tc, truncated_header);
	tcase_add_test(tc, truncated_then_repaired);
	tcase_add_test(tc, abandoned_writer);
	tcase_add_test(tc, bytes_after_index);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	tc = tcase_create("crafted");
	tcase_add_test(tc, crafted_good);
	tcase_add_test(tc, unknown_tag);
	tcase_add_test(tc, varint_runs_on);
	tcase_add_test(tc, field_out_of_range);
	tcase_add_test(tc, count_mismatch);
	tcase_add_test(tc, crafted_forms);
	tcase_add_test(tc, encode_by_hand);
	tcase_add_test(tc, bad_record_mid_chunk);
	tcase_add_test(tc, stream_out_of_range);
	tcase_add_test(tc, absurd_sizes);
	tcase_add_test(tc, chunk_first_time);
	tcase_add_test(tc, batch_check_agrees);
	suite_add_tcase(s, tc);
	tc = tcase_create("oom");
	tcase_add_loop_test(tc, oom, 0, 2);   /* without and with the background writer */
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN
