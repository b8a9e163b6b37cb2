/*
 * Test helper for tests/e2e/mutate.sh: damages a trace file in one way.
 *
 *   tool_mutate IN info                   prints "SIZE HEADER_BYTES CHUNKS"
 *   tool_mutate IN OUT flip BYTE BIT      one bit flipped
 *   tool_mutate IN OUT set BYTE VALUE     one byte overwritten
 *   tool_mutate IN OUT trunc LEN          the first LEN bytes only
 *   tool_mutate IN OUT dup K [noindex]    chunk K written twice
 *   tool_mutate IN OUT drop K [noindex]   chunk K left out
 *   tool_mutate IN OUT swap K [noindex]   chunks K and K+1 swapped
 *
 * The chunk edits keep the original index and trailer after the chunks
 * (which then no longer match them) unless noindex is given.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "traces/format.h"

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;
	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) ||
	    !(buf = malloc((size_t)n + 1)) || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "tool_mutate: %s: cannot read\n", path);
		exit(2);
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void spill(const char *path, const uint8_t *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "tool_mutate: %s: cannot write\n", path);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	size_t len, hlen, nch = 0, end, k = 0, o = 0;
	size_t off[4096];
	uint8_t *d, *out;
	const char *op;
	int noindex;

	if (argc < 3) {
		fprintf(stderr, "usage: tool_mutate IN info | IN OUT OP ARG...\n");
		return 2;
	}
	d = slurp(argv[1], &len);
	if (len < TRC_HDR_MIN) {
		fprintf(stderr, "tool_mutate: %s: too short\n", argv[1]);
		return 2;
	}
	hlen = rd32(d + 12);
	for (end = hlen; end + TRC_CHUNK_HDR <= len && !memcmp(d + end, TRC_CHUNK_MAGIC, 4) && nch < 4096;) {
		size_t cs = rd32(d + end + 16);
		if (end + TRC_CHUNK_HDR + cs > len)
			break;
		off[nch++] = end;
		end += TRC_CHUNK_HDR + cs;
	}
	if (!strcmp(argv[2], "info")) {
		printf("%zu %zu %zu\n", len, hlen, nch);
		free(d);
		return 0;
	}
	if (argc < 5) {
		fprintf(stderr, "tool_mutate: OP and its argument missing\n");
		free(d);
		return 2;
	}
	op = argv[3];
	k = strtoul(argv[4], NULL, 10);
	noindex = argc > 5 && !strcmp(argv[5], "noindex");
	out = malloc(2 * len + 1);
	if (!strcmp(op, "flip") || !strcmp(op, "set")) {
		unsigned long v = argc > 5 ? strtoul(argv[5], NULL, 10) : 0;
		memcpy(out, d, len);
		if (k < len)
			out[k] = !strcmp(op, "flip") ? out[k] ^ (uint8_t)(1u << (v & 7)) : (uint8_t)v;
		o = len;
	} else if (!strcmp(op, "trunc")) {
		o = k < len ? k : len;
		memcpy(out, d, o);
	} else if (!strcmp(op, "dup") || !strcmp(op, "drop") || !strcmp(op, "swap")) {
		if (k >= nch || (!strcmp(op, "swap") && k + 1 >= nch)) {
			fprintf(stderr, "tool_mutate: no chunk %zu (%zu chunks)\n", k, nch);
			free(out);
			free(d);
			return 2;
		}
		memcpy(out, d, hlen);
		o = hlen;
		for (size_t i = 0; i < nch; i++) {
			size_t j = i, n;
			if (!strcmp(op, "drop") && i == k)
				continue;
			if (!strcmp(op, "swap") && (i == k || i == k + 1))
				j = i == k ? k + 1 : k;
			n = (j + 1 < nch ? off[j + 1] : end) - off[j];
			memcpy(out + o, d + off[j], n);
			o += n;
			if (!strcmp(op, "dup") && i == k) {
				memcpy(out + o, d + off[j], n);
				o += n;
			}
		}
		if (!noindex) {
			memcpy(out + o, d + end, len - end);
			o += len - end;
		}
	} else {
		fprintf(stderr, "tool_mutate: unknown operation '%s'\n", op);
		free(out);
		free(d);
		return 2;
	}
	spill(argv[2], out, o);
	free(out);
	free(d);
	return 0;
}
