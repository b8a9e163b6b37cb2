/*
 * Trace files (.dtr): writing and reading the per-vCPU record streams.
 * Layout in traces/FORMAT.md.  A writer buffers each stream's encoded bytes
 * and emits one chunk (one zstd frame, checksummed) per trace.chunk_size raw
 * bytes; close writes the index.  A reader hands out each stream's records a
 * block of a chunk at a time as decoded struct trc_rec arrays; its memory is
 * bounded by the chunk size times the number of streams, never by the
 * file's size.
 */
#ifndef TRACES_TRACE_H
#define TRACES_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "traces/record.h"

#define TRC_MAX_STREAMS 1024
#define TRC_MAX_CHUNK   (16u << 20)     /* largest raw chunk a reader accepts */
#define TRC_MAX_NEST    8               /* deepest svc.begin nesting a reader accepts, per stream */

typedef struct trc_writer trc_writer;
typedef struct trc_reader trc_reader;

struct trc_write_opts {
	uint32_t nstreams;         /* vCPU streams, 1..TRC_MAX_STREAMS */
	uint32_t page_size;        /* guest page size in bytes */
	const char *config_text;   /* "key = value\n" lines: the capture configuration */
	size_t chunk_size;         /* raw bytes per chunk (trace.chunk_size) */
	int zstd_level;            /* trace.zstd_level */
	int background;            /* 1: a thread of the writer's own encodes, compresses and
				    * writes while trc_write's caller goes on (the same bytes);
				    * a write error is returned by a later trc_write or by
				    * trc_writer_close */
};

/* Open path for writing (truncating it).  Returns 0 or an error code. */
int trc_writer_open(trc_writer **out, const char *path, const struct trc_write_opts *opts,
		    struct sim_err *err);
/* Append n records to a stream.  Records are validated (type, flags, sizes);
 * a bad record is SIM_EINVAL and nothing of it is written. */
int trc_write(trc_writer *w, uint32_t stream, const struct trc_rec *recs, size_t n,
	      struct sim_err *err);
/* Flush every stream, write the index and the trailer, close.  Frees w. */
int trc_writer_close(trc_writer *w, struct sim_err *err);
/* Close without flushing or writing an index and remove the unfinished file;
 * an existing file at the path is left as it was. */
void trc_writer_abandon(trc_writer *w);
/* The file being written until close: a temporary file beside the path
 * (base/outfile.h), or the path itself for a device. */
const char *trc_writer_file(const trc_writer *w);

struct trc_info {
	uint16_t version_major, version_minor;
	uint32_t nstreams;
	uint32_t page_size;
	const char *config_text;   /* NUL-terminated */
	int has_index;             /* 0: no index (writer died); chunks found by scanning */
	uint64_t valid_bytes;      /* bytes up to the end of the last complete chunk/index */
	char warning[512];         /* non-empty when something was recovered or skipped */
};

struct trc_stream_stats {
	uint64_t records;
	uint64_t chunks;
	uint64_t raw_bytes;
	uint64_t compressed_bytes; /* chunk payloads plus chunk headers */
};

/* Open a trace for reading: checks the header and the index (or scans the
 * chunk headers when there is none).  Every error names the file, the byte
 * offset and what is wrong. */
int trc_reader_open(trc_reader **out, const char *path, struct sim_err *err);
/* The same from a file image in memory (name is used in messages); data must
 * stay valid until trc_reader_close(). */
int trc_reader_open_mem(trc_reader **out, const char *name, const void *data, size_t size,
			struct sim_err *err);
const struct trc_info *trc_reader_info(const trc_reader *r);
/* Per-stream totals from the index (or the scan). */
int trc_reader_stream_stats(const trc_reader *r, uint32_t stream, struct trc_stream_stats *st);
/* The next block of a stream (at most TRC_BLOCK records, from one chunk):
 * *recs points into the reader's buffer, valid until the next call for the
 * same stream; *n = 0 at the end of the stream. */
#define TRC_BLOCK 4096
int trc_next_block(trc_reader *r, uint32_t stream, const struct trc_rec **recs, size_t *n,
		   struct sim_err *err);
/* The same into a record array of the caller's: *buf, of *cap bytes, is
 * grown (realloc) as the chunk needs, and stays the caller's to free.  Lets
 * a reader in one thread hand chunks to a consumer in another (one reader is
 * used by one thread at a time). */
int trc_next_block_into(trc_reader *r, uint32_t stream, struct trc_rec **buf, size_t *cap, size_t *n,
			struct sim_err *err);
/* Go back to the start of every stream. */
void trc_rewind(trc_reader *r);
void trc_reader_close(trc_reader *r);

/* Write an index to a file that has none (its writer died): truncates any
 * incomplete chunk at the end and appends the index and trailer. */
int trc_repair(const char *path, struct sim_err *err);

#endif
