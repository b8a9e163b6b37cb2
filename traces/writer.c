/*
 * NOTES ON THE TRACE WRITER
 *
 * Definitions.  A writer owns one open file and, per stream, a buffer of
 * encoded records not yet written (its "pending chunk") with the codec's
 * predictor state.  Emitting a chunk compresses the pending bytes into one
 * zstd frame, writes chunk header + frame at the end of the file, and
 * remembers an index entry.
 *
 * Invariants.
 *   (1) A pending chunk never exceeds chunk_size raw bytes: a record is
 *       encoded only when TRC_CODEC_MAXREC bytes are free, else the pending
 *       chunk is emitted first and the predictors reset (chunks decode alone).
 *   (2) The file is always a header followed by complete chunks, except for
 *       the chunk being written: a writer that dies leaves a readable file
 *       (the temporary file of base/outfile.h; the target appears only
 *       complete, at trc_writer_close).
 *   (3) After a failed write the writer refuses further work (w->failed).
 *   (4) Output depends only on the records and the options: equal inputs give
 *       equal bytes.
 *
 * The background writer (trc_write_opts.background).  trc_write() checks
 * the records and copies them, with their stream, into a batch; full
 * batches go, in the order they were filled, to a thread of the writer's
 * own that encodes, compresses and writes them, while the caller (a
 * capture's model) goes on.  Definitions: a batch is an array of records
 * and a list of runs (stream, count) in call order; `free` batches are the
 * caller's to fill, `queued` ones the thread's, in FIFO order.
 *   (5) The thread alone touches the per-stream state (buffers, codecs,
 *       counts, sequence numbers), the index, the compressor and the file
 *       from trc_writer_open's return until it is joined; the caller only
 *       fills batches.  After the join (close, abandon) the caller owns all.
 *   (6) The thread encodes the records in the order trc_write() was given
 *       them, across streams, so it emits the same chunks at the same
 *       points as the caller would: the file's bytes are those of the
 *       writer without the thread (4).
 *   (7) The thread's first error ends its work: it sets `failed` and keeps
 *       the message, the batches after it are dropped, and the caller's
 *       next trc_write() or trc_writer_close() returns that message.
 *
 * Interface: trc_writer_open(), trc_write() any number of times,
 * trc_writer_close() (emits every pending chunk in stream order, then the
 * index and trailer, then renames the file into place) or
 * trc_writer_abandon() (removes it: the old target, if any, is untouched).
 */
#include "traces/trace.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

#include "base/mem.h"
#include "base/outfile.h"
#include "traces/codec.h"
#include "traces/format.h"

struct trc_writer {
	sim_out *out;
	int fd;                    /* sim_out_fd(out) */
	char *path;
	uint32_t nstreams;
	size_t chunk_size;
	int level;
	int failed;
	uint64_t offset;           /* bytes written so far */
	ZSTD_CCtx *cctx;
	uint8_t *cbuf;             /* chunk header + compressed frame */
	size_t cbuf_cap;
	/* per stream, struct of arrays; buf[s] allocated at the first record */
	uint8_t **buf;
	size_t *len;
	uint32_t *nrec;
	uint32_t *seq;           /* [nstreams] the next chunk's sequence number */
	struct trc_codec **codec;   /* allocated with buf[s] */
	/* index */
	struct trc_chunk_ent *ents;
	uint64_t nents, ents_cap;
	struct bg *bg;             /* the background thread, or NULL (NOTES) */
};

/* ---- the background writer (NOTES, invariants (5)-(7)) ---- */

#define BG_BATCHES 3           /* one filled by the caller, up to two queued */
#define BG_RECS 32768          /* records a batch */

struct run {
	uint32_t stream, n;
};

struct batch {
	struct trc_rec *recs;      /* [BG_RECS] */
	size_t n;
	struct run *runs;          /* [BG_RECS]: a run has at least one record */
	size_t nruns;
};

struct bg {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t work;       /* to the thread: a batch was queued, or stop */
	pthread_cond_t done;       /* to the caller: a batch was freed */
	struct batch b[BG_BATCHES];
	unsigned qhead, nqueued;   /* queued: b[(qhead + i) % BG_BATCHES], i < nqueued */
	int fill;                  /* the caller's batch, -1 none */
	int stop;
	int failed;                /* the thread's error is in err (7) */
	struct sim_err err;
};

static int bg_start(trc_writer *w, struct sim_err *err);

void trc_put_chunk_hdr(uint8_t *p, const struct trc_chunk_hdr *h)
{
	memcpy(p, TRC_CHUNK_MAGIC, 4);
	le32(p + 4, h->stream);
	le32(p + 8, h->nrecords);
	le32(p + 12, h->raw_size);
	le32(p + 16, h->comp_size);
	le32(p + 20, h->flags);
	le32(p + 24, h->seq);
	le32(p + 28, 0);
	le64(p + 32, h->first_time);
	le64(p + 40, h->raw_hash);
	le64(p + 48, h->comp_hash);
	le64(p + 56, XXH3_64bits(p, 56));
}

uint64_t trc_index_size(uint64_t n)
{
	return TRC_INDEX_HDR + n * TRC_INDEX_ENTRY + 8 + TRC_TRAILER;
}

void trc_put_index(uint8_t *buf, const struct trc_chunk_ent *e, uint64_t n, uint64_t index_off)
{
	uint8_t *p = buf;
	memcpy(p, TRC_INDEX_MAGIC, 4);
	le32(p + 4, 0);
	le64(p + 8, n);
	p += TRC_INDEX_HDR;
	for (uint64_t i = 0; i < n; i++, p += TRC_INDEX_ENTRY) {
		le64(p, e[i].offset);
		le32(p + 8, e[i].stream);
		le32(p + 12, e[i].nrecords);
		le32(p + 16, e[i].raw_size);
		le32(p + 20, e[i].comp_size);
	}
	le64(p, XXH3_64bits(buf, (size_t)(p - buf)));
	p += 8;
	le64(p, index_off);
	memcpy(p + 8, TRC_TRAILER_MAGIC, 8);
}

/* Write all of buf at the end of the file; SIM_EIO names the byte offset. */
static int put(trc_writer *w, const void *buf, size_t n, struct sim_err *err)
{
	const uint8_t *p = buf;
	while (n > 0) {
		ssize_t k = write(w->fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			w->failed = 1;
			return sim_errf(err, SIM_EIO, "%s: byte %llu: write failed: %s", w->path,
					(unsigned long long)w->offset, k < 0 ? strerror(errno) : "no progress");
		}
		p += k;
		n -= (size_t)k;
		w->offset += (uint64_t)k;
	}
	return SIM_OK;
}

static void writer_free(trc_writer *w)
{
	if (!w)
		return;
	if (w->buf)
		for (uint32_t s = 0; s < w->nstreams; s++) {
			sim_free(w->buf[s]);
			if (w->codec)
				sim_free(w->codec[s]);
		}
	sim_free(w->buf);
	sim_free(w->len);
	sim_free(w->nrec);
	sim_free(w->seq);
	sim_free(w->codec);
	sim_free(w->ents);
	sim_free(w->cbuf);
	ZSTD_freeCCtx(w->cctx);
	sim_free(w->path);
	sim_free(w);
}

int trc_writer_open(trc_writer **out, const char *path, const struct trc_write_opts *o,
		    struct sim_err *err)
{
	trc_writer *w;
	size_t clen = o->config_text ? strlen(o->config_text) : 0;
	uint8_t *hdr;
	uint32_t hlen;
	int rc;

	*out = NULL;
	if (o->nstreams < 1 || o->nstreams > TRC_MAX_STREAMS)
		return sim_errf(err, SIM_EINVAL, "%s: %u streams: a trace has 1 to %u", path, o->nstreams,
				TRC_MAX_STREAMS);
	if (o->page_size < 256 || o->page_size > (1u << 30) || (o->page_size & (o->page_size - 1)))
		return sim_errf(err, SIM_EINVAL, "%s: page size %u is not a power of two from 256 to 1G", path,
				o->page_size);
	if (o->chunk_size < 256 || o->chunk_size > TRC_MAX_CHUNK)
		return sim_errf(err, SIM_EINVAL, "%s: chunk size %zu is not from 256 to %u", path, o->chunk_size,
				TRC_MAX_CHUNK);
	if (clen > TRC_MAX_CONFIG)
		return sim_errf(err, SIM_EINVAL, "%s: configuration text of %zu bytes: at most %u", path, clen,
				TRC_MAX_CONFIG);
	if (o->zstd_level < 1 || o->zstd_level > ZSTD_maxCLevel())
		return sim_errf(err, SIM_EINVAL, "%s: zstd level %d is not from 1 to %d", path, o->zstd_level,
				ZSTD_maxCLevel());

	w = sim_calloc(1, sizeof *w);
	if (!w)
		return sim_errf(err, SIM_ENOMEM, "%s: out of memory", path);
	w->fd = -1;
	w->nstreams = o->nstreams;
	w->chunk_size = o->chunk_size;
	w->level = o->zstd_level;
	w->cbuf_cap = TRC_CHUNK_HDR + ZSTD_compressBound(o->chunk_size);
	w->path = sim_strdup(path);
	w->buf = sim_calloc(o->nstreams, sizeof *w->buf);
	w->len = sim_calloc(o->nstreams, sizeof *w->len);
	w->nrec = sim_calloc(o->nstreams, sizeof *w->nrec);
	w->seq = sim_calloc(o->nstreams, sizeof *w->seq);
	w->codec = sim_calloc(o->nstreams, sizeof *w->codec);
	w->cbuf = sim_malloc(w->cbuf_cap);
	hlen = (uint32_t)(TRC_HDR_MIN + clen);
	hdr = sim_malloc(hlen);
	w->cctx = ZSTD_createCCtx();
	if (!w->path || !w->buf || !w->len || !w->nrec || !w->seq ||
	    !w->codec ||
	    !w->cbuf || !hdr || !w->cctx) {
		rc = sim_errf(err, SIM_ENOMEM, "%s: out of memory", path);
		goto out_free;
	}
	if (ZSTD_isError(ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel, w->level))) {
		rc = sim_errf(err, SIM_EINTERNAL, "%s: zstd refused level %d", path, w->level);
		goto out_free;
	}

	memcpy(hdr, TRC_FILE_MAGIC, 8);
	le16(hdr + 8, TRC_VERSION_MAJOR);
	le16(hdr + 10, TRC_VERSION_MINOR);
	le32(hdr + 12, hlen);
	le32(hdr + 16, o->nstreams);
	le32(hdr + 20, o->page_size);
	le32(hdr + 24, (uint32_t)clen);
	if (clen)
		memcpy(hdr + TRC_HDR_FIXED, o->config_text, clen);
	le64(hdr + hlen - 8, XXH3_64bits(hdr, hlen - 8));

	if (sim_file_has_magic(path, "\211HDF\r\n\032\n", 8)) {   /* a results file */
		rc = sim_errf(err, SIM_EINVAL, "%s: is an HDF5 (results) file; refusing to replace it with a "
			      "trace (remove it first)", path);
		goto out_free;
	}
	if ((rc = sim_out_open(&w->out, path, err)) != SIM_OK)
		goto out_free;
	w->fd = sim_out_fd(w->out);
	rc = put(w, hdr, hlen, err);
	if (rc == SIM_OK && o->background)
		rc = bg_start(w, err);
	if (rc != SIM_OK)
		goto out_close;
	sim_free(hdr);
	*out = w;
	return SIM_OK;

out_close:
	sim_out_abort(w->out);
out_free:
	sim_free(hdr);
	writer_free(w);
	return rc;
}

/* Emit stream s's pending chunk, if any (invariant (1)). */
static int emit(trc_writer *w, uint32_t s, struct sim_err *err)
{
	struct trc_chunk_hdr h = { 0 };
	size_t clen;
	int rc;

	if (w->nrec[s] == 0)
		return SIM_OK;
	clen = ZSTD_compress2(w->cctx, w->cbuf + TRC_CHUNK_HDR, w->cbuf_cap - TRC_CHUNK_HDR, w->buf[s], w->len[s]);
	if (ZSTD_isError(clen)) {
		w->failed = 1;
		return sim_errf(err, SIM_EINTERNAL, "%s: zstd: %s", w->path, ZSTD_getErrorName(clen));
	}
	if (w->nents == w->ents_cap) {
		uint64_t cap = w->ents_cap ? 2 * w->ents_cap : 64;
		struct trc_chunk_ent *e = sim_realloc(w->ents, cap * sizeof *e);
		if (!e) {
			w->failed = 1;
			return sim_errf(err, SIM_ENOMEM, "%s: out of memory", w->path);
		}
		w->ents = e;
		w->ents_cap = cap;
	}
	h.stream = s;
	h.nrecords = w->nrec[s];
	h.raw_size = (uint32_t)w->len[s];
	h.comp_size = (uint32_t)clen;
	h.flags = w->codec[s]->timed ? TRC_CHUNK_HAS_TIME : 0;
	h.first_time = w->codec[s]->first_time;
	h.seq = w->seq[s];
	h.raw_hash = XXH3_64bits(w->buf[s], w->len[s]);
	h.comp_hash = XXH3_64bits(w->cbuf + TRC_CHUNK_HDR, clen);
	trc_put_chunk_hdr(w->cbuf, &h);
	w->ents[w->nents] = (struct trc_chunk_ent){ .offset = w->offset, .stream = s, .nrecords = h.nrecords,
						    .raw_size = h.raw_size, .comp_size = h.comp_size };
	rc = put(w, w->cbuf, TRC_CHUNK_HDR + clen, err);
	if (rc != SIM_OK)
		return rc;
	w->nents++;
	w->seq[s]++;
	w->len[s] = 0;
	w->nrec[s] = 0;   /* the codec is reset as the next chunk's first record comes (encode_recs) */
	return SIM_OK;
}

/* Encode n records of a stream (checked) into its pending chunk, emitting
 * chunks as they fill (invariant (1)). */
static int encode_recs(trc_writer *w, uint32_t stream, const struct trc_rec *recs, size_t n,
		       struct sim_err *err)
{
	struct trc_codec *c;
	uint8_t *b;
	int rc;

	if (!w->buf[stream]) {
		uint8_t *nb = sim_malloc(w->chunk_size);
		struct trc_codec *nc = sim_malloc(sizeof *nc);
		if (!nb || !nc) {
			sim_free(nb);
			sim_free(nc);
			w->failed = 1;
			return sim_errf(err, SIM_ENOMEM, "%s: out of memory", w->path);
		}
		trc_codec_init(nc);
		w->buf[stream] = nb;
		w->codec[stream] = nc;
	}
	b = w->buf[stream];
	c = w->codec[stream];
	for (size_t i = 0; i < n;) {
		size_t k;
		if (w->len[stream] + TRC_CODEC_MAXREC > w->chunk_size || w->nrec[stream] == UINT32_MAX) {
			rc = emit(w, stream, err);
			if (rc != SIM_OK)
				return rc;
		}
		/* a chunk's start; a long chunk pays for zeroing the tables
		 * with the epoch checks its records no longer make */
		if (w->len[stream] == 0) {
			if (w->chunk_size >= TRC_CODEC_FRESH_BYTES)
				trc_codec_reset_zero(c);
			else
				trc_codec_reset(c);
		}
		/* as many as the chunk takes, in its bytes and its record count */
		k = n - i < UINT32_MAX - w->nrec[stream] ? n - i : UINT32_MAX - w->nrec[stream];
		k = trc_encode_many(c, recs + i, k, b, &w->len[stream], w->chunk_size);
		w->nrec[stream] += (uint32_t)k;
		i += k;
	}
	return SIM_OK;
}

static void *bg_main(void *arg)
{
	trc_writer *w = arg;
	struct bg *g = w->bg;

	pthread_mutex_lock(&g->mu);
	for (;;) {
		struct batch *b;
		int rc = SIM_OK, skip;
		struct sim_err err = { 0 };
		while (!g->nqueued && !g->stop)
			pthread_cond_wait(&g->work, &g->mu);
		if (!g->nqueued)
			break;   /* stop, and nothing left */
		b = &g->b[g->qhead];   /* stays queued, so not filled, until done */
		skip = g->failed;
		pthread_mutex_unlock(&g->mu);
		if (!skip) {
			const struct trc_rec *r = b->recs;
			for (size_t i = 0; i < b->nruns && rc == SIM_OK; i++) {
				rc = encode_recs(w, b->runs[i].stream, r, b->runs[i].n, &err);
				r += b->runs[i].n;
			}
		}
		pthread_mutex_lock(&g->mu);
		if (rc != SIM_OK && !g->failed) {
			g->failed = 1;
			g->err = err;
		}
		b->n = b->nruns = 0;
		g->qhead = (g->qhead + 1) % BG_BATCHES;
		g->nqueued--;
		pthread_cond_signal(&g->done);
	}
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

static void bg_free(struct bg *g)
{
	if (!g)
		return;
	for (int i = 0; i < BG_BATCHES; i++) {
		sim_free(g->b[i].recs);
		sim_free(g->b[i].runs);
	}
	sim_free(g);
}

/* Start w's thread (NOTES). */
static int bg_start(trc_writer *w, struct sim_err *err)
{
	struct bg *g = sim_calloc(1, sizeof *g);
	if (!g)
		return sim_errf(err, SIM_ENOMEM, "%s: out of memory", w->path);
	for (int i = 0; i < BG_BATCHES; i++) {
		g->b[i].recs = sim_malloc(BG_RECS * sizeof *g->b[i].recs);
		g->b[i].runs = sim_malloc(BG_RECS * sizeof *g->b[i].runs);
		if (!g->b[i].recs || !g->b[i].runs) {
			bg_free(g);
			return sim_errf(err, SIM_ENOMEM, "%s: out of memory", w->path);
		}
	}
	g->fill = 0;
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->work, NULL);
	pthread_cond_init(&g->done, NULL);
	w->bg = g;
	if (pthread_create(&g->thread, NULL, bg_main, w)) {
		pthread_mutex_destroy(&g->mu);
		pthread_cond_destroy(&g->work);
		pthread_cond_destroy(&g->done);
		w->bg = NULL;
		bg_free(g);
		return sim_errf(err, SIM_EINTERNAL, "%s: cannot start the writer's thread", w->path);
	}
	return SIM_OK;
}

/* The thread's error, into err (which may be NULL); under the lock. */
static int bg_error(const struct bg *g, struct sim_err *err)
{
	int code = g->err.code ? g->err.code : SIM_EIO;
	if (err)
		*err = g->err;
	return code;
}

/* Queue the caller's batch, if it holds records, and take the next free one
 * (waiting for the thread if none is); under the lock. */
static void bg_pass(struct bg *g)
{
	if (g->fill >= 0 && g->b[g->fill].n) {
		g->nqueued++;
		g->fill = -1;
		pthread_cond_signal(&g->work);
	}
	if (g->fill < 0) {
		while (g->nqueued == BG_BATCHES)
			pthread_cond_wait(&g->done, &g->mu);
		g->fill = (int)((g->qhead + g->nqueued) % BG_BATCHES);
	}
}

/* Hand n checked records to the thread, in batches. */
static int bg_write(trc_writer *w, uint32_t stream, const struct trc_rec *recs, size_t n,
		    struct sim_err *err)
{
	struct bg *g = w->bg;
	int rc = SIM_OK;
	pthread_mutex_lock(&g->mu);
	if (g->failed)
		rc = bg_error(g, err);
	pthread_mutex_unlock(&g->mu);
	if (rc)
		return rc;
	while (n > 0) {
		struct batch *b = &g->b[g->fill];
		size_t k = BG_RECS - b->n < n ? BG_RECS - b->n : n;
		if (k == 0) {
			pthread_mutex_lock(&g->mu);
			bg_pass(g);
			if (g->failed) {
				rc = bg_error(g, err);
				pthread_mutex_unlock(&g->mu);
				return rc;
			}
			pthread_mutex_unlock(&g->mu);
			continue;
		}
		memcpy(b->recs + b->n, recs, k * sizeof *recs);
		if (b->nruns && b->runs[b->nruns - 1].stream == stream)
			b->runs[b->nruns - 1].n += (uint32_t)k;
		else
			b->runs[b->nruns++] = (struct run){ stream, (uint32_t)k };
		b->n += k;
		recs += k;
		n -= k;
	}
	return SIM_OK;
}

/* Queue what is left, wait for the thread to finish it, and join it: the
 * caller owns the writer again (5).  Returns the thread's error, if any. */
static int bg_stop(trc_writer *w, int drop, struct sim_err *err)
{
	struct bg *g = w->bg;
	int rc = SIM_OK;
	if (!g)
		return SIM_OK;
	pthread_mutex_lock(&g->mu);
	if (drop)
		g->failed = 1;   /* nothing more is written: the thread skips what is queued */
	else
		bg_pass(g);
	g->stop = 1;
	pthread_cond_signal(&g->work);
	pthread_mutex_unlock(&g->mu);
	pthread_join(g->thread, NULL);
	if (!drop && g->failed)
		rc = bg_error(g, err);
	pthread_mutex_destroy(&g->mu);
	pthread_cond_destroy(&g->work);
	pthread_cond_destroy(&g->done);
	bg_free(g);
	w->bg = NULL;
	return rc;
}

int trc_write(trc_writer *w, uint32_t stream, const struct trc_rec *recs, size_t n, struct sim_err *err)
{
	if (!w->bg && w->failed)
		return sim_errf(err, SIM_EIO, "%s: an earlier write failed", w->path);
	if (stream >= w->nstreams)
		return sim_errf(err, SIM_EINVAL, "%s: stream %u: the trace has %u streams", w->path, stream,
				w->nstreams);
	{
		const char *why;
		size_t i = trc_recs_check(recs, n, &why);
		if (why)
			return sim_errf(err, SIM_EINVAL, "%s: stream %u: record %zu (type %u): %s", w->path, stream,
					i, recs[i].type, why);
	}
	if (w->bg)
		return bg_write(w, stream, recs, n, err);
	return encode_recs(w, stream, recs, n, err);
}

int trc_writer_close(trc_writer *w, struct sim_err *err)
{
	uint8_t *idx = NULL;
	uint64_t isz;
	int rc = bg_stop(w, 0, err);

	if (rc == SIM_OK && w->failed)
		rc = sim_errf(err, SIM_EIO, "%s: an earlier write failed", w->path);
	for (uint32_t s = 0; rc == SIM_OK && s < w->nstreams; s++)
		rc = emit(w, s, err);
	if (rc == SIM_OK) {
		isz = trc_index_size(w->nents);
		idx = sim_malloc(isz);
		if (!idx)
			rc = sim_errf(err, SIM_ENOMEM, "%s: out of memory", w->path);
		else {
			trc_put_index(idx, w->ents, w->nents, w->offset);
			rc = put(w, idx, isz, err);
		}
	}
	sim_free(idx);
	if (rc == SIM_OK)
		rc = sim_out_commit(w->out, err);
	else
		sim_out_abort(w->out);
	writer_free(w);
	return rc;
}

void trc_writer_abandon(trc_writer *w)
{
	if (!w)
		return;
	bg_stop(w, 1, NULL);
	sim_out_abort(w->out);
	writer_free(w);
}

const char *trc_writer_file(const trc_writer *w)
{
	return sim_out_path(w->out);
}
