/*
 * Test helper for tests/e2e/membound.sh: writes a small trace whose every
 * checksum is valid but whose contents claim far more than the file holds.
 *
 *   tool_hostile OUT bomb NSTREAMS RAW    NSTREAMS streams, each one chunk of
 *                                         RAW bytes of idle.begin records
 *                                         (one byte each: RAW records)
 *   tool_hostile OUT streams NSTREAMS     NSTREAMS streams claimed, one chunk
 *   tool_hostile OUT chunks N             N tiny chunks of one stream
 *   tool_hostile OUT nrecords N           a chunk of 64 bytes claiming N records
 *   tool_hostile OUT rawsize N            a chunk claiming N raw bytes (it has 64)
 *   tool_hostile OUT nest DEPTH           DEPTH nested svc.begin records
 *   tool_hostile OUT index N              an index claiming N entries
 *   tool_hostile OUT config N             a header with N bytes of configuration
 *
 * Each is complete (index and trailer) unless the case is about them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>
#include <zstd.h>

#include "traces/codec.h"
#include "traces/format.h"

static FILE *out;
static uint64_t pos;
static struct trc_chunk_ent *ents;
static uint64_t nents, cap;

static void put(const void *p, size_t n)
{
	if (fwrite(p, 1, n, out) != n) {
		perror("tool_hostile: write");
		exit(2);
	}
	pos += n;
}

static void header(uint32_t nstreams, uint32_t clen)
{
	uint32_t hlen = TRC_HDR_MIN + clen;
	uint8_t *h = calloc(1, hlen);
	memcpy(h, TRC_FILE_MAGIC, 8);
	le16(h + 8, TRC_VERSION_MAJOR);
	le16(h + 10, TRC_VERSION_MINOR);
	le32(h + 12, hlen);
	le32(h + 16, nstreams);
	le32(h + 20, 4096);
	le32(h + 24, clen);
	for (uint32_t i = 0; i < clen; i++)   /* comment lines of '#' */
		h[TRC_HDR_FIXED + i] = (i % 64 == 63) ? '\n' : '#';
	if (clen)
		h[TRC_HDR_FIXED + clen - 1] = '\n';
	le64(h + hlen - 8, XXH3_64bits(h, hlen - 8));
	put(h, hlen);
	free(h);
}

/* One chunk of raw bytes; nrecords and raw_size as claimed. */
static void chunk(uint32_t stream, uint32_t seq, const uint8_t *raw, size_t rlen, uint32_t nrecords,
		  uint32_t raw_claim)
{
	size_t bound = ZSTD_compressBound(rlen), clen;
	uint8_t *c = malloc(bound), hb[TRC_CHUNK_HDR];
	struct trc_chunk_hdr h = { 0 };
	clen = ZSTD_compress(c, bound, raw, rlen, 19);
	if (ZSTD_isError(clen)) {
		fprintf(stderr, "tool_hostile: zstd: %s\n", ZSTD_getErrorName(clen));
		exit(2);
	}
	h.stream = stream;
	h.nrecords = nrecords;
	h.raw_size = raw_claim;
	h.comp_size = (uint32_t)clen;
	h.seq = seq;
	h.raw_hash = XXH3_64bits(raw, rlen);
	h.comp_hash = XXH3_64bits(c, clen);
	trc_put_chunk_hdr(hb, &h);
	if (nents == cap) {
		cap = cap ? 2 * cap : 64;
		ents = realloc(ents, cap * sizeof *ents);
	}
	ents[nents++] = (struct trc_chunk_ent){ pos, stream, nrecords, raw_claim, (uint32_t)clen };
	put(hb, sizeof hb);
	put(c, clen);
	free(c);
}

static void index_(uint64_t claim)
{
	uint64_t n = nents, size = trc_index_size(n);
	uint8_t *b = malloc(size);
	trc_put_index(b, ents, n, pos);
	if (claim != n) {   /* a count that does not match, checksum made valid */
		le64(b + 8, claim);
		le64(b + TRC_INDEX_HDR + n * TRC_INDEX_ENTRY,
		     XXH3_64bits(b, TRC_INDEX_HDR + n * TRC_INDEX_ENTRY));
	}
	put(b, size);
	free(b);
}

/* n records of one type, encoded. */
static uint8_t *records(int type, size_t n, size_t *len)
{
	struct trc_codec *cd = malloc(sizeof *cd);
	uint8_t *buf = malloc(n * 32 + 64);
	struct trc_rec r = { 0 };
	size_t k = 0;
	trc_codec_init(cd);
	trc_codec_reset(cd);
	r.type = (uint8_t)type;
	r.aux = type == TRC_SVC_BEGIN ? 1 : 0;   /* a service, not "none" */
	for (size_t i = 0; i < n; i++)
		k += trc_encode(cd, &r, buf + k);
	free(cd);
	*len = k;
	return buf;
}

int main(int argc, char **argv)
{
	const char *what;
	unsigned long long n, m = 0;
	uint8_t *raw;
	size_t rlen;

	if (argc < 4) {
		fprintf(stderr, "usage: tool_hostile OUT CASE N [RAW]\n");
		return 2;
	}
	what = argv[2];
	n = strtoull(argv[3], NULL, 10);
	if (argc > 4)
		m = strtoull(argv[4], NULL, 10);
	if (!(out = fopen(argv[1], "wb"))) {
		perror(argv[1]);
		return 2;
	}
	if (!strcmp(what, "bomb")) {
		raw = records(TRC_IDLE_BEGIN, (size_t)m, &rlen);
		header((uint32_t)n, 0);
		for (uint32_t s = 0; s < n; s++)
			chunk(s, 0, raw, rlen, (uint32_t)m, (uint32_t)rlen);
		index_(nents);
	} else if (!strcmp(what, "streams")) {
		raw = records(TRC_IDLE_BEGIN, 4, &rlen);
		header((uint32_t)n, 0);
		chunk(0, 0, raw, rlen, 4, (uint32_t)rlen);
		index_(nents);
	} else if (!strcmp(what, "chunks")) {
		raw = records(TRC_IDLE_BEGIN, 1, &rlen);
		header(1, 0);
		for (uint32_t i = 0; i < n; i++)
			chunk(0, i, raw, rlen, 1, (uint32_t)rlen);
		index_(nents);
	} else if (!strcmp(what, "nrecords") || !strcmp(what, "rawsize")) {
		raw = records(TRC_IDLE_BEGIN, 64, &rlen);
		header(1, 0);
		if (!strcmp(what, "nrecords"))
			chunk(0, 0, raw, rlen, (uint32_t)n, (uint32_t)rlen);
		else
			chunk(0, 0, raw, rlen, 64, (uint32_t)n);
		index_(nents);
	} else if (!strcmp(what, "nest")) {
		raw = records(TRC_SVC_BEGIN, (size_t)n, &rlen);
		header(1, 0);
		chunk(0, 0, raw, rlen, (uint32_t)n, (uint32_t)rlen);
		index_(nents);
	} else if (!strcmp(what, "index")) {
		raw = records(TRC_IDLE_BEGIN, 4, &rlen);
		header(1, 0);
		chunk(0, 0, raw, rlen, 4, (uint32_t)rlen);
		index_(n);
	} else if (!strcmp(what, "config")) {
		raw = records(TRC_IDLE_BEGIN, 4, &rlen);
		header(1, (uint32_t)n);
		chunk(0, 0, raw, rlen, 4, (uint32_t)rlen);
		index_(nents);
	} else {
		fprintf(stderr, "tool_hostile: unknown case '%s'\n", what);
		return 2;
	}
	free(raw);
	if (fclose(out)) {
		perror(argv[1]);
		return 2;
	}
	return 0;
}
