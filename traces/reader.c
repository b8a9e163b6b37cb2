/*
 * NOTES ON THE TRACE READER
 *
 * Definitions.  The "source" is the file (read with pread) or a file image in
 * memory.  The "chunk table" lists every chunk (struct trc_chunk_ent) in file
 * order: from the index when the file has one, else from scanning chunk
 * headers from the end of the file header ("scan mode", has_index = 0).
 * Each stream has a cursor into its own list of chunks (order[]).
 *
 * Invariants.
 *   (1) Nothing read from the source sizes an allocation before it is
 *       bounded: config text <= 1 MiB, chunk count <= file size / chunk
 *       header size, raw size <= TRC_MAX_CHUNK, compressed size <=
 *       ZSTD_compressBound(raw) and inside the file, records <= raw size.
 *   (2) With an index, the chunks tile the file exactly: the first starts at
 *       the end of the header, each starts where the previous ends, and the
 *       last ends where the index starts; the index and trailer end the file.
 *       Any other layout is SIM_ECORRUPT.
 *   (3) A chunk's records are handed out only after its header checksum, its
 *       agreement with the chunk table and the checksums of its zstd frame
 *       and of its raw bytes passed; a block of them (TRC_BLOCK records: a
 *       chunk is decoded a block at a time, so that the records a consumer
 *       reads are still in the host's caches) only after every record
 *       before it in the chunk decoded.  A record that does not decode is
 *       reported when its block is asked for.
 *   (4) Memory: one compressed buffer shared by all streams (the largest
 *       chunk read so far), plus per stream one raw buffer (its largest
 *       chunk), the decoder's tables (512 KiB) and one block of records:
 *       bounded by chunk size times streams.
 *
 * Interface: trc_reader_open() or trc_reader_open_mem(); trc_next_block()
 * per stream until it gives n = 0; trc_rewind(); trc_reader_close().
 * trc_repair() turns a scan-mode file into one with an index.
 */
#include "traces/trace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

#include "base/mem.h"
#include "traces/codec.h"
#include "traces/format.h"

/* A fuzzing build (make fuzz) accepts wrong checksums so that the fuzzer
 * reaches the parsing behind them; every other build checks them all. */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define BADSUM(stored, computed) ((void)(stored), (void)(computed), 0)
#else
#define BADSUM(stored, computed) ((stored) != (computed))
#endif

struct trc_reader {
	int fd;                    /* -1 for a memory image */
	const uint8_t *mem;
	uint64_t size;             /* of the file */
	char *name;
	char *config;
	struct trc_info info;
	struct trc_chunk_ent *ents;  /* the chunk table, file order */
	uint64_t nents;
	/* per stream (struct of arrays) */
	uint64_t *first;           /* its chunks are order[first[s] .. first[s]+count[s]) */
	uint64_t *count;
	uint64_t *cursor;
	uint32_t *nest;            /* per stream: services open (svc.begin not yet ended) */
	uint64_t *order;           /* chunk table indices, grouped by stream */
	struct trc_rec **recs;
	size_t *recs_cap;
	struct part *part;         /* per stream: the chunk being handed out */
	/* shared buffer (invariant (4)) */
	uint8_t *cbuf;
	size_t cbuf_cap;
	ZSTD_DCtx *dctx;
};

/* A stream's chunk, checked and decompressed, handed out TRC_BLOCK records
 * at a time (invariant (3)). */
struct part {
	uint8_t *raw;              /* its raw bytes, TRC_CODEC_PAD zero bytes after */
	size_t raw_cap, len, pos;  /* pos: raw byte offset of the next record */
	uint64_t offset;           /* of the chunk in the file */
	uint32_t nrec, done;       /* its records; those handed out; done < nrec while one is open */
	int open;
	struct trc_codec *codec;   /* the decoder's predictors, carried from block to block */
};

/* Read n bytes at off; SIM_EIO on a system error, SIM_ECORRUPT when the file
 * ends first (callers bound off + n by the size first, so that is rare). */
static int src_read(trc_reader *r, uint64_t off, void *buf, size_t n, struct sim_err *err)
{
	if (off > r->size || n > r->size - off)
		return sim_errf(err, SIM_ECORRUPT, "%s: byte %llu: file ends before %zu bytes", r->name,
				(unsigned long long)off, n);
	if (!r->mem) {
		uint8_t *p = buf;
		while (n > 0) {
			ssize_t k = pread(r->fd, p, n, (off_t)off);
			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0)
				return sim_errf(err, SIM_EIO, "%s: byte %llu: read failed: %s", r->name,
						(unsigned long long)off, strerror(errno));
			if (k == 0)
				return sim_errf(err, SIM_ECORRUPT, "%s: byte %llu: file ends early", r->name,
						(unsigned long long)off);
			p += k;
			n -= (size_t)k;
			off += (uint64_t)k;
		}
	} else {
		memcpy(buf, r->mem + off, n);
	}
	return SIM_OK;
}

#define corrupt(r, off, ...) bad(r, err, SIM_ECORRUPT, off, __VA_ARGS__)
__attribute__((format(printf, 5, 6)))
static int bad(trc_reader *r, struct sim_err *err, int code, uint64_t off, const char *fmt, ...)
{
	char what[SIM_ERR_MSG];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return sim_errf(err, code, "%s: byte %llu: %s", r->name, (unsigned long long)off, what);
}

static void get_chunk_hdr(const uint8_t *p, struct trc_chunk_hdr *h)
{
	h->stream = rd32(p + 4);
	h->nrecords = rd32(p + 8);
	h->raw_size = rd32(p + 12);
	h->comp_size = rd32(p + 16);
	h->flags = rd32(p + 20);
	h->seq = rd32(p + 24);
	h->first_time = rd64(p + 32);
	h->raw_hash = rd64(p + 40);
	h->comp_hash = rd64(p + 48);
}

/* Check a chunk header's magic, checksum and sizes (invariant (1)). */
static int check_chunk_hdr(trc_reader *r, uint64_t off, const uint8_t *p, struct trc_chunk_hdr *h,
			   struct sim_err *err)
{
	if (memcmp(p, TRC_CHUNK_MAGIC, 4) != 0)
		return corrupt(r, off, "no chunk header here (bad chunk magic)");
	if (BADSUM(rd64(p + 56), XXH3_64bits(p, 56)))
		return corrupt(r, off, "chunk header checksum mismatch");
	get_chunk_hdr(p, h);
	if (h->stream >= r->info.nstreams)
		return corrupt(r, off, "chunk of stream %u, but the trace has %u streams", h->stream,
			       r->info.nstreams);
	if (h->raw_size == 0 || h->raw_size > TRC_MAX_CHUNK)
		return corrupt(r, off, "chunk raw size %u is not from 1 to %u", h->raw_size, TRC_MAX_CHUNK);
	if (h->nrecords == 0 || h->nrecords > h->raw_size)
		return corrupt(r, off, "chunk of %u records in %u raw bytes", h->nrecords, h->raw_size);
	if (h->comp_size == 0 || h->comp_size > ZSTD_compressBound(h->raw_size))
		return corrupt(r, off, "chunk compressed size %u is impossible for %u raw bytes", h->comp_size,
			       h->raw_size);
	if (h->flags & ~TRC_CHUNK_HAS_TIME)
		return corrupt(r, off, "unknown chunk flags 0x%x", h->flags);
	if (rd32(p + 28) != 0)
		return corrupt(r, off, "a chunk header's reserved field is not 0");
	return SIM_OK;
}

static int check_header(trc_reader *r, struct sim_err *err)
{
	uint8_t fixed[TRC_HDR_FIXED], *hdr;
	uint32_t hlen, clen;
	int rc;

	if (r->size < 8)
		return corrupt(r, r->size, "truncated header: the file has %llu bytes",
			       (unsigned long long)r->size);
	rc = src_read(r, 0, fixed, 8, err);
	if (rc != SIM_OK)
		return rc;
	if (memcmp(fixed, TRC_FILE_MAGIC, 8) != 0)
		return corrupt(r, 0, "not a disco trace (bad magic)");
	if (r->size < TRC_HDR_FIXED)
		return corrupt(r, r->size, "truncated header: the file has %llu bytes, a header at least %u",
			       (unsigned long long)r->size, TRC_HDR_MIN);
	rc = src_read(r, 0, fixed, TRC_HDR_FIXED, err);
	if (rc != SIM_OK)
		return rc;
	r->info.version_major = rd16(fixed + 8);
	r->info.version_minor = rd16(fixed + 10);
	if (r->info.version_major > TRC_VERSION_MAJOR)
		return bad(r, err, SIM_EVERSION, 8, "format version %u.%u is newer than this reader's %u.%u",
			   r->info.version_major, r->info.version_minor, TRC_VERSION_MAJOR, TRC_VERSION_MINOR);
	if (r->info.version_major == 1)
		return bad(r, err, SIM_EVERSION, 8, "format version %u.%u is older than this reader's %u.%u, "
			   "whose chunks carry sequence numbers: capture the trace again",
			   r->info.version_major, r->info.version_minor, TRC_VERSION_MAJOR, TRC_VERSION_MINOR);
	if (r->info.version_major < 1)
		return corrupt(r, 8, "format version %u.%u does not exist", r->info.version_major,
			       r->info.version_minor);
	hlen = rd32(fixed + 12);
	clen = rd32(fixed + 24);
	if (clen > TRC_MAX_CONFIG)
		return corrupt(r, 24, "configuration text of %u bytes (at most %u)", clen, TRC_MAX_CONFIG);
	/* a later minor version may add up to 4 KiB of header fields after the text */
	if (hlen < TRC_HDR_MIN + clen || hlen > TRC_HDR_MIN + clen + 4096)
		return corrupt(r, 12, "header length %u does not fit %u bytes of configuration", hlen, clen);
	if (hlen > r->size)
		return corrupt(r, r->size, "truncated header: it needs %u bytes, the file has %llu", hlen,
			       (unsigned long long)r->size);
	hdr = sim_malloc(hlen);
	if (!hdr)
		return sim_errf(err, SIM_ENOMEM, "%s: out of memory", r->name);
	rc = src_read(r, 0, hdr, hlen, err);
	if (rc != SIM_OK)
		goto out_free;
	if (BADSUM(rd64(hdr + hlen - 8), XXH3_64bits(hdr, hlen - 8))) {
		rc = corrupt(r, hlen - 8, "header checksum mismatch");
		goto out_free;
	}
	r->info.nstreams = rd32(hdr + 16);
	r->info.page_size = rd32(hdr + 20);
	if (r->info.nstreams < 1 || r->info.nstreams > TRC_MAX_STREAMS) {
		rc = corrupt(r, 16, "%u streams (1 to %u allowed)", r->info.nstreams, TRC_MAX_STREAMS);
		goto out_free;
	}
	if (r->info.page_size < 256 || r->info.page_size > (1u << 30) ||
	    (r->info.page_size & (r->info.page_size - 1))) {
		rc = corrupt(r, 20, "page size %u is not a power of two from 256 to 1G", r->info.page_size);
		goto out_free;
	}
	if (memchr(hdr + TRC_HDR_FIXED, 0, clen)) {
		rc = corrupt(r, TRC_HDR_FIXED, "configuration text contains a NUL byte");
		goto out_free;
	}
	r->config = sim_malloc(clen + 1);
	if (!r->config) {
		rc = sim_errf(err, SIM_ENOMEM, "%s: out of memory", r->name);
		goto out_free;
	}
	memcpy(r->config, hdr + TRC_HDR_FIXED, clen);
	r->config[clen] = '\0';
	r->info.config_text = r->config;
	r->info.valid_bytes = hlen;
out_free:
	sim_free(hdr);
	return rc;
}

static int add_ent(trc_reader *r, uint64_t *cap, const struct trc_chunk_ent *e, struct sim_err *err)
{
	if (r->nents == *cap) {
		uint64_t ncap = *cap ? 2 * *cap : 64;
		struct trc_chunk_ent *n = sim_realloc(r->ents, ncap * sizeof *n);
		if (!n)
			return sim_errf(err, SIM_ENOMEM, "%s: out of memory", r->name);
		r->ents = n;
		*cap = ncap;
	}
	r->ents[r->nents++] = *e;
	return SIM_OK;
}

/* The index: bounded, checksummed, and tiling the file (invariant (2)). */
static int read_index(trc_reader *r, uint64_t hlen, struct sim_err *err)
{
	uint8_t tr[TRC_TRAILER], ih[TRC_INDEX_HDR], *buf;
	uint64_t ioff, n, body, off;
	int rc;

	rc = src_read(r, r->size - TRC_TRAILER, tr, TRC_TRAILER, err);
	if (rc != SIM_OK)
		return rc;
	ioff = rd64(tr);
	if (ioff < hlen || ioff > r->size - TRC_TRAILER || r->size - TRC_TRAILER - ioff < TRC_INDEX_HDR + 8)
		return corrupt(r, r->size - TRC_TRAILER, "the trailer points the index at byte %llu, outside the file",
			       (unsigned long long)ioff);
	rc = src_read(r, ioff, ih, sizeof ih, err);
	if (rc != SIM_OK)
		return rc;
	if (memcmp(ih, TRC_INDEX_MAGIC, 4) != 0 || rd32(ih + 4) != 0)
		return corrupt(r, ioff, "no index here (bad index magic)");
	n = rd64(ih + 8);
	if (n > r->size / TRC_CHUNK_HDR || trc_index_size(n) > r->size - ioff)
		return corrupt(r, ioff, "an index of %llu chunks does not fit in the file",
			       (unsigned long long)n);
	if (trc_index_size(n) != r->size - ioff)
		return corrupt(r, ioff + trc_index_size(n) - TRC_TRAILER,
			       "the file has %llu bytes after its index and trailer",
			       (unsigned long long)(r->size - ioff - trc_index_size(n)));
	body = TRC_INDEX_HDR + n * TRC_INDEX_ENTRY + 8;
	buf = sim_malloc(body);
	r->ents = sim_malloc(n ? n * sizeof *r->ents : 1);
	if (!buf || !r->ents) {
		sim_free(buf);
		return sim_errf(err, SIM_ENOMEM, "%s: out of memory", r->name);
	}
	rc = src_read(r, ioff, buf, body, err);
	if (rc != SIM_OK)
		goto out_free;
	if (BADSUM(rd64(buf + body - 8), XXH3_64bits(buf, body - 8))) {
		rc = corrupt(r, ioff + body - 8, "index checksum mismatch");
		goto out_free;
	}
	off = hlen;
	for (uint64_t i = 0; i < n; i++) {
		const uint8_t *p = buf + TRC_INDEX_HDR + i * TRC_INDEX_ENTRY;
		struct trc_chunk_ent e = { .offset = rd64(p), .stream = rd32(p + 8), .nrecords = rd32(p + 12),
					   .raw_size = rd32(p + 16), .comp_size = rd32(p + 20) };
		uint64_t at = ioff + TRC_INDEX_HDR + i * TRC_INDEX_ENTRY;
		if (e.offset != off) {
			rc = corrupt(r, at, "index entry %llu puts a chunk at byte %llu, the previous one ends at %llu",
				     (unsigned long long)i, (unsigned long long)e.offset, (unsigned long long)off);
			goto out_free;
		}
		if (e.stream >= r->info.nstreams || e.raw_size == 0 || e.raw_size > TRC_MAX_CHUNK ||
		    e.nrecords == 0 || e.nrecords > e.raw_size || e.comp_size == 0 ||
		    e.comp_size > ZSTD_compressBound(e.raw_size) || ioff - off < TRC_CHUNK_HDR + (uint64_t)e.comp_size) {
			rc = corrupt(r, at, "index entry %llu is impossible (stream %u, %u records, %u raw bytes, "
				     "%u compressed)", (unsigned long long)i, e.stream, e.nrecords, e.raw_size,
				     e.comp_size);
			goto out_free;
		}
		r->ents[i] = e;
		off += TRC_CHUNK_HDR + e.comp_size;
	}
	if (off != ioff) {
		rc = corrupt(r, off, "the index covers the file up to byte %llu, but the index starts at %llu",
			     (unsigned long long)off, (unsigned long long)ioff);
		goto out_free;
	}
	r->nents = n;
	r->info.has_index = 1;
	r->info.valid_bytes = r->size;
out_free:
	sim_free(buf);
	return rc;
}

/* No index: walk the chunk headers; stop, with a warning, at a tail a dying
 * writer could have left (a partial chunk or index). */
static int scan(trc_reader *r, uint64_t hlen, struct sim_err *err)
{
	uint64_t off = hlen, cap = 0;
	uint8_t p[TRC_CHUNK_HDR];
	struct trc_chunk_hdr h;
	const char *why = NULL;
	char whybuf[200];
	uint32_t *next = sim_calloc(r->info.nstreams ? r->info.nstreams : 1, sizeof *next);
	int rc = SIM_OK;

	if (!next)
		return sim_errf(err, SIM_ENOMEM, "%s: out of memory", r->name);
	r->info.has_index = 0;
	while (off < r->size) {
		uint64_t left = r->size - off;
		rc = src_read(r, off, p, left < TRC_CHUNK_HDR ? (size_t)left : TRC_CHUNK_HDR, err);
		if (rc != SIM_OK)
			goto out;
		if (!memcmp(p, TRC_INDEX_MAGIC, left < 4 ? (size_t)left : 4)) {
			/* a dying writer leaves at most a prefix of its index */
			if (left >= TRC_INDEX_HDR && rd64(p + 8) <= r->size / TRC_CHUNK_HDR &&
			    trc_index_size(rd64(p + 8)) <= left) {
				rc = corrupt(r, off, "a complete index without a valid trailer at the end of "
					     "the file (damaged trailer, or bytes after it)");
				goto out;
			}
			why = "an incomplete index";
			break;
		}
		if (left < TRC_CHUNK_HDR) {
			if (memcmp(p, TRC_CHUNK_MAGIC, left < 4 ? (size_t)left : 4) != 0) {
				rc = corrupt(r, off, "no chunk header here (bad chunk magic)");
				goto out;
			}
			snprintf(whybuf, sizeof whybuf, "an incomplete chunk header (%llu of %u bytes)",
				 (unsigned long long)left, TRC_CHUNK_HDR);
			why = whybuf;
			break;
		}
		rc = check_chunk_hdr(r, off, p, &h, err);
		if (rc != SIM_OK)
			goto out;
		if (h.seq != next[h.stream]) {
			rc = corrupt(r, off, "a chunk of stream %u with sequence number %u where %u comes next: "
				     "a chunk of the stream was duplicated, dropped or moved", h.stream, h.seq,
				     next[h.stream]);
			goto out;
		}
		next[h.stream]++;
		if (left - TRC_CHUNK_HDR < h.comp_size) {
			snprintf(whybuf, sizeof whybuf, "an incomplete chunk (%llu of %u bytes)",
				 (unsigned long long)left, TRC_CHUNK_HDR + h.comp_size);
			why = whybuf;
			break;
		}
		rc = add_ent(r, &cap, &(struct trc_chunk_ent){ .offset = off, .stream = h.stream,
							  .nrecords = h.nrecords, .raw_size = h.raw_size,
							  .comp_size = h.comp_size }, err);
		if (rc != SIM_OK)
			goto out;
		off += TRC_CHUNK_HDR + h.comp_size;
	}
	r->info.valid_bytes = off;
	if (why)
		snprintf(r->info.warning, sizeof r->info.warning,
			 "%s: byte %llu: no index (its writer did not finish): %llu complete chunks read, "
			 "then %s; 'disco inspect --repair' writes the index",
			 r->name, (unsigned long long)off, (unsigned long long)r->nents, why);
	else
		snprintf(r->info.warning, sizeof r->info.warning,
			 "%s: byte %llu: no index (its writer did not finish): %llu complete chunks read; "
			 "'disco inspect --repair' writes the index",
			 r->name, (unsigned long long)off, (unsigned long long)r->nents);
	rc = SIM_OK;
out:
	sim_free(next);
	return rc;
}

/* Group the chunk table by stream. */
static int build_streams(trc_reader *r, struct sim_err *err)
{
	uint32_t ns = r->info.nstreams;
	uint64_t *fill;
	r->first = sim_calloc(ns, sizeof *r->first);
	r->count = sim_calloc(ns, sizeof *r->count);
	r->cursor = sim_calloc(ns, sizeof *r->cursor);
	r->nest = sim_calloc(ns, sizeof *r->nest);
	r->recs = sim_calloc(ns, sizeof *r->recs);
	r->recs_cap = sim_calloc(ns, sizeof *r->recs_cap);
	r->part = sim_calloc(ns, sizeof *r->part);
	r->order = sim_malloc(r->nents ? r->nents * sizeof *r->order : 1);
	fill = sim_calloc(ns, sizeof *fill);
	if (!r->first || !r->count || !r->cursor || !r->nest || !r->recs || !r->recs_cap || !r->part || !r->order ||
	    !fill) {
		sim_free(fill);
		return sim_errf(err, SIM_ENOMEM, "%s: out of memory", r->name);
	}
	for (uint64_t i = 0; i < r->nents; i++)
		r->count[r->ents[i].stream]++;
	for (uint32_t s = 1; s < ns; s++)
		r->first[s] = r->first[s - 1] + r->count[s - 1];
	for (uint64_t i = 0; i < r->nents; i++) {
		uint32_t s = r->ents[i].stream;
		r->order[r->first[s] + fill[s]++] = i;
	}
	sim_free(fill);
	return SIM_OK;
}

static int open_common(trc_reader *r, struct sim_err *err)
{
	int rc = check_header(r, err);
	uint8_t tr[TRC_TRAILER];
	uint64_t hlen;

	if (rc != SIM_OK)
		return rc;
	hlen = r->info.valid_bytes;
	r->dctx = ZSTD_createDCtx();
	if (!r->dctx)
		return sim_errf(err, SIM_ENOMEM, "%s: out of memory", r->name);
	if (r->size - hlen >= TRC_TRAILER) {
		rc = src_read(r, r->size - TRC_TRAILER, tr, sizeof tr, err);
		if (rc != SIM_OK)
			return rc;
	}
	if (r->size - hlen >= TRC_TRAILER && !memcmp(tr + 8, TRC_TRAILER_MAGIC, 8))
		rc = read_index(r, hlen, err);
	else
		rc = scan(r, hlen, err);
	if (rc != SIM_OK)
		return rc;
	return build_streams(r, err);
}

static int reader_new(trc_reader **out, const char *name, struct sim_err *err)
{
	trc_reader *r = sim_calloc(1, sizeof *r);
	*out = NULL;
	if (!r)
		return sim_errf(err, SIM_ENOMEM, "%s: out of memory", name);
	r->fd = -1;
	r->name = sim_strdup(name);
	if (!r->name) {
		sim_free(r);
		return sim_errf(err, SIM_ENOMEM, "%s: out of memory", name);
	}
	*out = r;
	return SIM_OK;
}

int trc_reader_open(trc_reader **out, const char *path, struct sim_err *err)
{
	trc_reader *r;
	struct stat st;
	int rc = reader_new(&r, path, err);

	*out = NULL;
	if (rc != SIM_OK)
		return rc;
	/* O_NONBLOCK: opening a FIFO must not wait for a writer; checked below */
	r->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (r->fd < 0) {
		rc = sim_errf(err, errno == ENOENT ? SIM_EINVAL : SIM_EIO, "%s: cannot open: %s", path,
			      strerror(errno));
		goto fail;
	}
	if (fstat(r->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = sim_errf(err, SIM_EINVAL, "%s: not a regular file", path);
		goto fail;
	}
	fcntl(r->fd, F_SETFL, 0);
	r->size = (uint64_t)st.st_size;
	rc = open_common(r, err);
	if (rc != SIM_OK)
		goto fail;
	*out = r;
	return SIM_OK;
fail:
	trc_reader_close(r);
	return rc;
}

int trc_reader_open_mem(trc_reader **out, const char *name, const void *data, size_t size,
			struct sim_err *err)
{
	trc_reader *r;
	int rc = reader_new(&r, name, err);

	*out = NULL;
	if (rc != SIM_OK)
		return rc;
	r->mem = data;
	r->size = size;
	rc = open_common(r, err);
	if (rc != SIM_OK) {
		trc_reader_close(r);
		return rc;
	}
	*out = r;
	return SIM_OK;
}

const struct trc_info *trc_reader_info(const trc_reader *r) { return &r->info; }

int trc_reader_stream_stats(const trc_reader *r, uint32_t stream, struct trc_stream_stats *st)
{
	memset(st, 0, sizeof *st);
	if (stream >= r->info.nstreams)
		return SIM_EINVAL;
	for (uint64_t k = 0; k < r->count[stream]; k++) {
		const struct trc_chunk_ent *e = &r->ents[r->order[r->first[stream] + k]];
		st->records += e->nrecords;
		st->chunks++;
		st->raw_bytes += e->raw_size;
		st->compressed_bytes += TRC_CHUNK_HDR + e->comp_size;
	}
	return SIM_OK;
}

/* Grow *buf to at least n bytes (never shrinks). */
static int reserve(void **buf, size_t *cap, size_t n)
{
	void *p;
	if (n <= *cap)
		return SIM_OK;
	p = sim_realloc(*buf, n);
	if (!p)
		return SIM_ENOMEM;
	*buf = p;
	*cap = n;
	return SIM_OK;
}

/* Open the next chunk of a stream (not drained, none open): its header, its
 * checksums, its raw bytes into the stream's part. */
static int open_chunk(trc_reader *r, uint32_t stream, struct sim_err *err)
{
	const struct trc_chunk_ent *e = &r->ents[r->order[r->first[stream] + r->cursor[stream]]];
	struct part *pt = &r->part[stream];
	struct trc_chunk_hdr h;
	uint8_t p[TRC_CHUNK_HDR];
	size_t got;
	int rc;

	rc = src_read(r, e->offset, p, sizeof p, err);
	if (rc != SIM_OK)
		return rc;
	rc = check_chunk_hdr(r, e->offset, p, &h, err);
	if (rc != SIM_OK)
		return rc;
	if (h.stream != e->stream || h.nrecords != e->nrecords || h.raw_size != e->raw_size ||
	    h.comp_size != e->comp_size)
		return corrupt(r, e->offset, "the chunk header disagrees with the index");
	if (h.seq != r->cursor[stream])
		return corrupt(r, e->offset, "chunk %llu of stream %u has sequence number %u: a chunk of "
			       "the stream was duplicated, dropped or moved", (unsigned long long)r->cursor[stream],
			       stream, h.seq);
	if (reserve((void **)&r->cbuf, &r->cbuf_cap, h.comp_size) != SIM_OK ||
	    reserve((void **)&pt->raw, &pt->raw_cap, (size_t)h.raw_size + TRC_CODEC_PAD) != SIM_OK)
		return sim_errf(err, SIM_ENOMEM, "%s: byte %llu: out of memory for a chunk of %u bytes "
				"(%u MiB)", r->name, (unsigned long long)e->offset, h.raw_size, h.raw_size >> 20);
	if (!pt->codec) {
		pt->codec = sim_malloc(sizeof *pt->codec);
		if (!pt->codec)
			return sim_errf(err, SIM_ENOMEM, "%s: out of memory for a decoder", r->name);
		trc_codec_init(pt->codec);
	}
	rc = src_read(r, e->offset + TRC_CHUNK_HDR, r->cbuf, h.comp_size, err);
	if (rc != SIM_OK)
		return rc;
	if (BADSUM(h.comp_hash, XXH3_64bits(r->cbuf, h.comp_size)))
		return corrupt(r, e->offset + TRC_CHUNK_HDR, "checksum mismatch in the compressed data of a chunk "
			       "of stream %u", stream);
	got = ZSTD_decompressDCtx(r->dctx, pt->raw, h.raw_size, r->cbuf, h.comp_size);
	if (ZSTD_isError(got))
		return corrupt(r, e->offset + TRC_CHUNK_HDR, "zstd: %s", ZSTD_getErrorName(got));
	if (got != h.raw_size)
		return corrupt(r, e->offset + TRC_CHUNK_HDR, "the chunk decompresses to %zu bytes, its header says %u",
			       got, h.raw_size);
	memset(pt->raw + got, 0, TRC_CODEC_PAD);
	if (BADSUM(h.raw_hash, XXH3_64bits(pt->raw, got)))
		return corrupt(r, e->offset + TRC_CHUNK_HDR, "checksum mismatch in the raw data of a chunk of stream %u",
			       stream);
	pt->len = got;
	pt->pos = 0;
	pt->offset = e->offset;
	pt->nrec = h.nrecords;
	pt->done = 0;
	pt->open = 1;
	r->cursor[stream]++;
	return SIM_OK;
}

/* The next block of a stream decoded into *buf (grown to *cap bytes as
 * needed); *n = 0 when the stream is drained. */
static int next_part(trc_reader *r, uint32_t stream, struct trc_rec **buf, size_t *cap, size_t *n,
		     struct sim_err *err)
{
	struct part *pt;
	size_t bad_off, k, deep;
	char why[160];
	int rc;

	*n = 0;
	if (stream >= r->info.nstreams)
		return sim_errf(err, SIM_EINVAL, "%s: stream %u: the trace has %u streams", r->name, stream,
				r->info.nstreams);
	pt = &r->part[stream];
	if (!pt->open) {
		if (r->cursor[stream] == r->count[stream])
			return SIM_OK;
		rc = open_chunk(r, stream, err);
		if (rc != SIM_OK)
			return rc;
	}
	k = pt->nrec - pt->done < TRC_BLOCK ? pt->nrec - pt->done : TRC_BLOCK;
	/* the record array is sized only from a chunk whose checksums passed */
	if (reserve((void **)buf, cap, k * sizeof(struct trc_rec)) != SIM_OK)
		return sim_errf(err, SIM_ENOMEM, "%s: byte %llu: out of memory for %zu records of a chunk of "
				"stream %u (%zu MiB)", r->name, (unsigned long long)pt->offset, k, stream,
				(k * sizeof(struct trc_rec)) >> 20);
	/* the nesting bound consumers size their service stacks by (replay's
	 * engine), counted by the decoder */
	rc = trc_decode(pt->codec, pt->raw, pt->len, &pt->pos, *buf, pt->done, k, pt->nrec, &r->nest[stream],
			TRC_MAX_NEST, &deep, &bad_off, why, sizeof why);
	if (rc != SIM_OK) {
		pt->open = 0;
		return corrupt(r, pt->offset, "chunk of stream %u, raw byte %zu: %s", stream, bad_off, why);
	}
	if (deep != SIZE_MAX) {
		pt->open = 0;
		return corrupt(r, pt->offset, "chunk of stream %u, record %zu: services nest more than %d deep",
			       stream, pt->done + deep, TRC_MAX_NEST);
	}
	pt->done += (uint32_t)k;
	if (pt->done == pt->nrec)
		pt->open = 0;
	*n = k;
	return SIM_OK;
}

/* A drained stream's buffers go, so that a reader of one stream after
 * another (inspect, dump) holds one stream's at a time. */
static void drop_stream(trc_reader *r, uint32_t stream)
{
	struct part *pt = &r->part[stream];
	sim_free(r->recs[stream]);
	r->recs[stream] = NULL;
	r->recs_cap[stream] = 0;
	sim_free(pt->raw);
	sim_free(pt->codec);
	memset(pt, 0, sizeof *pt);
}

int trc_next_block(trc_reader *r, uint32_t stream, const struct trc_rec **recs, size_t *n,
		   struct sim_err *err)
{
	int rc;
	*recs = NULL;
	*n = 0;
	if (stream < r->info.nstreams && !r->part[stream].open && r->cursor[stream] == r->count[stream]) {
		drop_stream(r, stream);
		return SIM_OK;
	}
	rc = next_part(r, stream, &r->recs[stream], &r->recs_cap[stream], n, err);
	if (rc == SIM_OK && *n)
		*recs = r->recs[stream];
	return rc;
}

int trc_next_block_into(trc_reader *r, uint32_t stream, struct trc_rec **buf, size_t *cap, size_t *n,
			struct sim_err *err)
{
	int rc;
	if (stream < r->info.nstreams && !r->part[stream].open && r->cursor[stream] == r->count[stream]) {
		drop_stream(r, stream);
		*n = 0;
		return SIM_OK;
	}
	rc = next_part(r, stream, buf, cap, n, err);
	return rc;
}

void trc_rewind(trc_reader *r)
{
	for (uint32_t s = 0; s < r->info.nstreams && r->cursor; s++) {
		r->cursor[s] = r->nest[s] = 0;
		r->part[s].open = 0;
	}
}

void trc_reader_close(trc_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	if (r->recs)
		for (uint32_t s = 0; s < r->info.nstreams; s++)
			sim_free(r->recs[s]);
	if (r->part)
		for (uint32_t s = 0; s < r->info.nstreams; s++) {
			sim_free(r->part[s].raw);
			sim_free(r->part[s].codec);
		}
	sim_free(r->part);
	sim_free(r->recs);
	sim_free(r->recs_cap);
	sim_free(r->first);
	sim_free(r->count);
	sim_free(r->cursor);
	sim_free(r->nest);
	sim_free(r->order);
	sim_free(r->ents);
	sim_free(r->cbuf);
	ZSTD_freeDCtx(r->dctx);
	sim_free(r->config);
	sim_free(r->name);
	sim_free(r);
}

int trc_repair(const char *path, struct sim_err *err)
{
	trc_reader *r;
	uint8_t *idx;
	uint64_t isz, off;
	int rc, fd;

	/* The lock first: a writer still at work holds it (base/outfile.h), and
	 * cutting its file would lose everything it writes later. */
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return sim_errf(err, errno == ENOENT ? SIM_EINVAL : SIM_EIO, "%s: cannot open for writing: %s",
				path, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		rc = errno == EWOULDBLOCK
			? sim_errf(err, SIM_EINVAL, "%s: its writer is still running (the file is locked); "
				   "repair it once the writer has stopped", path)
			: sim_errf(err, SIM_EIO, "%s: cannot lock: %s", path, strerror(errno));
		close(fd);
		return rc;
	}
	if ((rc = trc_reader_open(&r, path, err)) != SIM_OK) {
		close(fd);
		return rc;
	}
	if (r->info.has_index) {
		trc_reader_close(r);
		close(fd);
		return SIM_OK;
	}
	/* Decode every chunk before changing anything: an index is written only
	 * for chunks whose data is intact. */
	for (uint32_t s = 0; s < r->info.nstreams && rc == SIM_OK; s++) {
		const struct trc_rec *recs;
		size_t n;
		do
			rc = trc_next_block(r, s, &recs, &n, err);
		while (rc == SIM_OK && n);
	}
	if (rc != SIM_OK) {
		trc_reader_close(r);
		close(fd);
		sim_err_prefix(err, "not repaired, the file is unchanged");
		return rc;
	}
	off = r->info.valid_bytes;
	isz = trc_index_size(r->nents);
	idx = sim_malloc(isz);
	if (!idx) {
		trc_reader_close(r);
		close(fd);
		return sim_errf(err, SIM_ENOMEM, "%s: out of memory", path);
	}
	trc_put_index(idx, r->ents, r->nents, off);
	trc_reader_close(r);
	if (ftruncate(fd, (off_t)off) != 0) {
		rc = sim_errf(err, SIM_EIO, "%s: byte %llu: cannot truncate: %s", path, (unsigned long long)off,
			      strerror(errno));
		goto out_close;
	}
	for (uint64_t done = 0; done < isz;) {
		ssize_t k = pwrite(fd, idx + done, isz - done, (off_t)(off + done));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			rc = sim_errf(err, SIM_EIO, "%s: byte %llu: write failed: %s", path,
				      (unsigned long long)(off + done), k < 0 ? strerror(errno) : "no progress");
			goto out_close;
		}
		done += (uint64_t)k;
	}
	if (fsync(fd) != 0)
		rc = sim_errf(err, SIM_EIO, "%s: write failed: %s", path, strerror(errno));
out_close:
	if (close(fd) != 0 && rc == SIM_OK)
		rc = sim_errf(err, SIM_EIO, "%s: close failed: %s", path, strerror(errno));
	sim_free(idx);
	return rc;
}
