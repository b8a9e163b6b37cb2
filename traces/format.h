/*
 * The .dtr file layout (internal to traces/): constants and little-endian
 * helpers shared by writer.c and reader.c.  traces/FORMAT.md is the
 * reference; keep the two in step.
 */
#ifndef TRACES_FORMAT_H
#define TRACES_FORMAT_H

#include <stdint.h>
#include <string.h>

#define TRC_VERSION_MAJOR 2
#define TRC_VERSION_MINOR 0

#define TRC_FILE_MAGIC   "DISCOTRC"   /* 8 bytes at offset 0 */
#define TRC_CHUNK_MAGIC  "CHNK"
#define TRC_INDEX_MAGIC  "INDX"
#define TRC_TRAILER_MAGIC "DTRINDEX"

#define TRC_HDR_FIXED    28           /* header bytes before the config text */
#define TRC_HDR_MIN      36           /* fixed part + checksum, no config */
#define TRC_MAX_CONFIG   (1u << 20)
#define TRC_CHUNK_HDR    64
#define TRC_INDEX_HDR    16           /* magic, reserved, entry count */
#define TRC_INDEX_ENTRY  24
#define TRC_TRAILER      16           /* index offset, magic */

#define TRC_CHUNK_HAS_TIME 1u         /* chunk header flag: first_time is set */

static inline void le16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}
static inline void le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}
static inline uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t rd64(const uint8_t *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }

/* A decoded chunk header (TRC_CHUNK_HDR bytes on disk). */
struct trc_chunk_hdr {
	uint32_t stream, nrecords, raw_size, comp_size, flags;
	uint32_t seq;          /* the chunk's number within its stream, from 0 */
	uint64_t first_time;
	uint64_t raw_hash;     /* XXH3-64 of the raw (decompressed) bytes */
	uint64_t comp_hash;    /* XXH3-64 of the zstd frame */
};

/* An index entry: where a chunk is and what it holds. */
struct trc_chunk_ent {
	uint64_t offset;       /* of its header */
	uint32_t stream, nrecords, raw_size, comp_size;
};

/* Chunk header -> bytes; the header checksum (bytes 56..63) covers bytes 0..55. */
void trc_put_chunk_hdr(uint8_t *p, const struct trc_chunk_hdr *h);
/* The bytes the index of n chunks and the trailer take; trc_put_index()
 * writes both into buf, which has room for trc_index_size(n) bytes. */
uint64_t trc_index_size(uint64_t n);
void trc_put_index(uint8_t *buf, const struct trc_chunk_ent *e, uint64_t n, uint64_t index_off);

#endif
