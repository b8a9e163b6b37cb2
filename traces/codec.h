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
#define TRC_NSLOTS       4    /* data-address predictors */

struct trc_codec {
	uint64_t pc;                 /* predicted PC: end of the last instruction run */
	uint64_t slot[TRC_NSLOTS];   /* last data address through each slot */
	uint8_t slot_size[TRC_NSLOTS];
	uint8_t slot_mode[TRC_NSLOTS];
	uint32_t slot_used[TRC_NSLOTS];  /* encoder only: when each slot was last used */
	uint32_t clock;              /* encoder only */
	uint64_t vpn, ppn;           /* predicted page numbers */
	uint64_t frag, sector, time; /* predicted fragment address, sector, time */
};

/* Start of a chunk: every predictor back to its initial value. */
void trc_codec_reset(struct trc_codec *c);

/* NULL when r is a valid record (record.h's field use), else the reason. */
const char *trc_rec_check(const struct trc_rec *r);

/* Encode one valid record (trc_rec_check() == NULL) at out, which has room
 * for TRC_CODEC_MAXREC bytes; returns the number of bytes written. */
size_t trc_encode(struct trc_codec *c, const struct trc_rec *r, uint8_t *out);

/* Decode a whole chunk: exactly nrec records from buf[0..len), where
 * buf[len..len+TRC_CODEC_PAD) are zero bytes.  Returns 0, or SIM_ECORRUPT
 * with *bad_off = the raw byte offset of the bad record and *why. */
int trc_decode(const uint8_t *buf, size_t len, struct trc_rec *out, size_t nrec,
	       size_t *bad_off, char *why, size_t whylen);

#endif
