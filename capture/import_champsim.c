/*
 * ChampSim instruction traces: a sequence of 64-byte records, little-endian,
 * one per executed instruction (ChampSim's struct input_instr):
 *
 *   offset  size  field
 *        0     8  ip                         the instruction's virtual address
 *        8     1  is_branch
 *        9     1  branch_taken
 *       10     2  destination_registers[2]   (not used here)
 *       12     4  source_registers[4]        (not used here)
 *       16    16  destination_memory[2]      store addresses, 0 = none
 *       32    32  source_memory[4]           load addresses, 0 = none
 *
 * The file is plain, or xz-compressed (recognised by the xz magic bytes
 * FD 37 7A 58 5A 00, decompressed with liblzma as it is read).  Each record
 * is a fetch, then its loads, then its stores, each one byte (ChampSim
 * charges an operand to the line its address falls in; so does a 1-byte
 * reference).  A fetch continues the current run unless the previous
 * instruction was a taken branch or the PC did not move forward by 1 to 15
 * bytes (an x86 instruction's length).  A file whose size is not a multiple
 * of 64 bytes ends in a truncated record: an error naming its byte offset
 * (in the decompressed data for xz).
 */
#include <errno.h>
#include <lzma.h>
#include <string.h>
#include <unistd.h>

#include "base/mem.h"
#include "capture/import_int.h"

#define CS_REC 64
#define CS_BUF (CS_REC * 8192)
#define CS_IN (1u << 16)

static const uint8_t xz_magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };

struct cs_in {
	int fd;
	const char *name;
	int xz;
	lzma_stream zs;
	uint8_t *in;          /* [CS_IN]: compressed bytes (xz), or the first bytes read */
	size_t in_len;        /* bytes of in[] not yet consumed (plain: the sniffed prefix) */
	int in_eof;
	uint64_t in_off;      /* compressed bytes read from fd */
};

static inline uint64_t rd64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Up to n bytes from fd into buf; *got: how many (0: the end, and on
 * failure, so that it is defined on every path). */
static int read_some(int fd, uint8_t *buf, size_t n, size_t *got, const char *name, uint64_t off,
		     struct sim_err *err)
{
	*got = 0;
	for (;;) {
		ssize_t k = read(fd, buf, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return sim_errf(err, SIM_EIO, "%s: byte %llu: read failed: %s", name,
					(unsigned long long)off, strerror(errno));
		*got = (size_t)k;
		return SIM_OK;
	}
}

/* Fill out[0, n) with decompressed (or plain) bytes; *got < n only at the
 * end (0 on failure). */
static int cs_read(struct cs_in *s, uint8_t *out, size_t n, size_t *got, struct sim_err *err)
{
	size_t have = 0, k;
	int rc;
	*got = 0;
	if (!s->xz) {
		if (s->in_len) {   /* the bytes read to look for the magic */
			k = s->in_len < n ? s->in_len : n;
			memcpy(out, s->in, k);
			memmove(s->in, s->in + k, s->in_len - k);
			s->in_len -= k;
			have = k;
		}
		while (have < n) {
			if ((rc = read_some(s->fd, out + have, n - have, &k, s->name, s->in_off, err)) != SIM_OK)
				return rc;
			if (k == 0)
				break;
			have += k;
			s->in_off += k;
		}
		*got = have;
		return SIM_OK;
	}
	s->zs.next_out = out;
	s->zs.avail_out = n;
	while (s->zs.avail_out > 0) {
		lzma_ret r;
		if (s->zs.avail_in == 0 && !s->in_eof) {
			if ((rc = read_some(s->fd, s->in, CS_IN, &k, s->name, s->in_off, err)) != SIM_OK)
				return rc;
			s->in_off += k;
			s->in_eof = k == 0;
			s->zs.next_in = s->in;
			s->zs.avail_in = k;
		}
		r = lzma_code(&s->zs, s->in_eof ? LZMA_FINISH : LZMA_RUN);
		if (r == LZMA_STREAM_END)
			break;
		if (r != LZMA_OK) {
			const char *why = r == LZMA_BUF_ERROR ? "the xz stream ends early (truncated file)" :
					  r == LZMA_DATA_ERROR ? "corrupt xz data" :
					  r == LZMA_FORMAT_ERROR ? "not an xz stream" :
					  r == LZMA_MEM_ERROR ? "out of memory" : "xz decoding failed";
			return sim_errf(err, r == LZMA_MEM_ERROR ? SIM_ENOMEM : SIM_EINVAL,
					"%s: compressed byte %llu: %s", s->name,
					(unsigned long long)(s->in_off - s->zs.avail_in), why);
		}
	}
	*got = n - s->zs.avail_out;
	return SIM_OK;
}

int cap_import_champsim(cap_import *im, int fd, const char *name, struct sim_err *err)
{
	struct cs_in s = { 0 };
	uint8_t *buf;
	uint64_t off = 0, prev_ip = 0;
	int prev_taken = 1, rc = SIM_OK;
	size_t got;

	s.fd = fd;
	s.name = name;
	s.zs = (lzma_stream)LZMA_STREAM_INIT;
	s.in = sim_malloc(CS_IN);
	buf = sim_malloc(CS_BUF);
	if (!s.in || !buf) {
		rc = sim_errf(err, SIM_ENOMEM, "out of memory reading %s", name);
		goto out;
	}
	/* sniff the magic: up to 6 bytes */
	while (s.in_len < sizeof xz_magic) {
		if ((rc = read_some(fd, s.in + s.in_len, sizeof xz_magic - s.in_len, &got, name, s.in_len, err)))
			goto out;
		if (got == 0)
			break;
		s.in_len += got;
	}
	s.in_off = s.in_len;
	if (s.in_len == sizeof xz_magic && !memcmp(s.in, xz_magic, sizeof xz_magic)) {
		s.xz = 1;
		if (lzma_stream_decoder(&s.zs, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK) {
			rc = sim_errf(err, SIM_ENOMEM, "%s: cannot start the xz decoder", name);
			goto out;
		}
		s.zs.next_in = s.in;
		s.zs.avail_in = s.in_len;
		s.in_len = 0;
	}
	for (;;) {
		if ((rc = cs_read(&s, buf, CS_BUF, &got, err)) != SIM_OK)
			goto out;
		for (size_t i = 0; i + CS_REC <= got; i += CS_REC) {
			const uint8_t *r = buf + i;
			uint64_t ip = rd64(r), a;
			int nrefs = 1;
			rc = cap_imp_insn(im, ip, !prev_taken && ip > prev_ip && ip - prev_ip < 16, err);
			prev_ip = ip;
			prev_taken = r[8] && r[9];
			for (int k = 0; k < 4 && !rc; k++)
				if ((a = rd64(r + 32 + 8 * k)) != 0) {
					rc = cap_imp_data(im, 0, a, 1, err);
					nrefs++;
				}
			for (int k = 0; k < 2 && !rc; k++)
				if ((a = rd64(r + 16 + 8 * k)) != 0) {
					rc = cap_imp_data(im, 1, a, 1, err);
					nrefs++;
				}
			if (rc) {
				sim_err_prefix(err, "%s: byte %llu", name, (unsigned long long)(off + i));
				goto out;
			}
			cap_imp_count(im, (uint64_t)nrefs, 0, 0);
		}
		cap_imp_count(im, 0, got, 0);
		if (got % CS_REC) {
			rc = sim_errf(err, SIM_EINVAL, "%s: byte %llu: truncated record (%zu of %d bytes)%s", name,
				      (unsigned long long)(off + got - got % CS_REC), got % CS_REC, CS_REC,
				      s.xz ? " in the decompressed data" : "");
			goto out;
		}
		off += got;
		if (got < CS_BUF)
			break;
	}
out:
	if (s.xz)
		lzma_end(&s.zs);
	sim_free(buf);
	sim_free(s.in);
	return rc;
}
