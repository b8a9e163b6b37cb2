/*
 * The record codec (internal to traces/): struct trc_rec <-> the byte coding
 * of traces/FORMAT.md section 4.  Predictor state lives in a struct
 * trc_codec the caller resets at each chunk start, so every chunk decodes on
 * its own.  Not for use outside traces/.
 */
#ifndef TRACES_CODEC_H
#define TRACES_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "traces/record.h"

#define TRC_CODEC_MAXREC 64   /* most bytes one encoded record takes */
#define TRC_CODEC_PAD    64   /* zero bytes the decoder needs after the data */
#define TRC_ITAB_BITS    14   /* instruction-run table: 16384 entries */
#define TRC_DTAB_BITS    14   /* data-reference table: 16384 entries */
#define TRC_CODEC_FRESH_MIN 32768   /* records from which trc_decode zeroes the tables */
#define TRC_CODEC_FRESH_BYTES (256u << 10)   /* chunk size from which the writer does */
#define TRC_TAG_INSN_TARGET 26   /* INSN starting at the predicted branch target */
#define TRC_TAG_INSN_DELTA  27   /* INSN starting elsewhere: PC delta follows */

/* Predictor state of one stream within one chunk (about 512 KiB: allocate it
 * and trc_codec_init() it once; trc_codec_reset() at each chunk start is
 * cheap: table entries carry the epoch (chunk) they were written in, and an
 * entry of an older epoch reads as zero; trc_codec_reset_zero() zeroes the
 * tables instead, for a long chunk (the decoder's of TRC_CODEC_FRESH_MIN
 * records or more, the writer's of TRC_CODEC_FRESH_BYTES), whose entries
 * are then written with epoch 0, which no chunk has). */
struct trc_codec {
	uint64_t pc;                 /* end of the last instruction run: start + 4 * count */
	uint64_t daddr;              /* the last data address */
	uint32_t prev_key;           /* itab key of the last run's start */
	uint32_t dk;                 /* data references since the last run */
	uint64_t vpn, ppn;           /* predicted page numbers */
	uint64_t frag, sector, time; /* predicted fragment address, sector, time */
	uint64_t first_time;         /* the chunk's first time record's, if timed (encoding only) */
	uint8_t timed;
	uint16_t epoch;              /* the current chunk, never 0 */
	uint8_t fresh;               /* the tables were zeroed at this chunk's start: an entry
				      * with epoch 0 is of this chunk (trc_codec_reset_zero) */
	struct trc_itab {
		uint64_t target;     /* start of the run that followed the run starting here */
		uint32_t count;      /* its instruction count */
		uint16_t epoch;
	} itab[1u << TRC_ITAB_BITS];
	struct trc_dtab {
		uint64_t last;       /* last address this reference (by PC) touched */
		int32_t stride;      /* its last step, when that fits in 32 bits, else 0 */
		uint8_t size, mode;  /* and the size and mode it had */
		uint16_t epoch;
	} dtab[1u << TRC_DTAB_BITS];
};

_Static_assert(sizeof(struct trc_itab) == 16 && sizeof(struct trc_dtab) == 16, "table entries are 16 bytes");

/* Once, after allocating: every table entry empty. */
void trc_codec_init(struct trc_codec *c);
/* Start of a chunk: every predictor back to its initial value. */
void trc_codec_reset(struct trc_codec *c);
/* The same, zeroing the tables too (512 KiB), so that the chunk's records
 * need no epoch checks (c->fresh): for a long chunk. */
void trc_codec_reset_zero(struct trc_codec *c);

/* NULL when r is a valid record (record.h's field use), else the reason. */
const char *trc_rec_check(const struct trc_rec *r);
/* trc_rec_check over r[0..n): the index of the first invalid record with
 * *why its reason, or n with *why NULL. */
size_t trc_recs_check(const struct trc_rec *r, size_t n, const char **why);

/* Encode one valid record (trc_rec_check() == NULL) at out, which has room
 * for TRC_CODEC_MAXREC bytes; returns the record's length.  The bytes after
 * the record, within that room, may be overwritten (a varint is stored 8
 * bytes at a time). */
size_t trc_encode(struct trc_codec *c, const struct trc_rec *r, uint8_t *out);
/* Encode valid records r[0..n) one after another at buf + *len, as many as
 * leave TRC_CODEC_MAXREC bytes of room before buf + cap with each one
 * started (*len <= cap); *len moves past them.  Returns how many: the same
 * bytes as trc_encode on each in turn (and as it, may overwrite bytes after
 * the last one, before buf + cap). */
size_t trc_encode_many(struct trc_codec *c, const struct trc_rec *r, size_t n, uint8_t *buf, size_t *len,
		       size_t cap);

/* Decode records first .. first + n - 1 of a chunk of nrec records whose
 * raw bytes are buf[0..len), where buf[len..len+TRC_CODEC_PAD) are zero
 * bytes, into out[0..n): a chunk is decoded a part at a time, in order, the
 * predictors carried in c from one part to the next (first = 0 starts the
 * chunk: c is reset and *pos, the raw byte offset of the next record, set
 * to 0).  The last part (first + n = nrec) also checks that the data ends
 * there.  Returns 0, or SIM_ECORRUPT with *bad_off = the raw byte offset of
 * the bad record and *why.
 * The services open, counted on the way: *nest (carried from part to part
 * by the caller) goes up at each svc.begin and down at each svc.end while
 * above 0; *deep is the index in out[] of the first svc.begin that took it
 * above max_nest, SIZE_MAX if none did. */
int trc_decode(struct trc_codec *c, const uint8_t *buf, size_t len, size_t *pos, struct trc_rec *out,
	       size_t first, size_t n, size_t nrec, uint32_t *nest, uint32_t max_nest, size_t *deep,
	       size_t *bad_off, char *why, size_t whylen);

#endif
