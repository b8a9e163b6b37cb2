/*
 * NOTES ON THE RECORD CODEC
 *
 * Definitions.  A record on disk is a tag byte, then fields as LEB128
 * varints.  The tag's low 5 bits are the record type (enum trc_type); its
 * high 3 bits ("x") carry a small type-specific field.  "zz(d)" is the
 * zigzag form of a signed 64-bit difference d (wrapping arithmetic).
 * A predictor is the value the coder expects next for one kind of address;
 * fields that are addresses are coded as zz(value - predictor).
 *
 * Predictors (struct trc_codec), all zero at a chunk start (trc_codec_reset):
 *   pc      end of the last instruction run: start + 4 * count
 *   itab    per run start PC (key (pc >> 2) mod 2^TRC_ITAB_BITS): the count that run had
 *           and the start of the run that followed it (a branch target)
 *   dtab    per data reference, keyed by the PC of the instruction that made
 *           it (the last one of the preceding run, pc - 4) plus how many data
 *           references came since that run: the last address, the last
 *           stride (32 bits, signed), size and mode.  The predicted address
 *           is last + stride; a reference coded against another base, or a
 *           step that does not fit in 32 bits, leaves the stride 0.
 *   daddr   the last data address of any reference
 *   vpn     last PTE virtual page + 1
 *   ppn     last guest physical page (PTE target, page alloc/free) + 1
 *   frag    end of the last fragment (address + length)
 *   sector  end of the last DMA request (first sector + count)
 *   time    last TIME value
 * So a loop's instruction runs cost one byte each (sequential or predicted
 * target, predicted count), and its stack, global and strided array
 * references one byte each (predicted address, size and mode).
 *
 * Invariants.
 *   (1) The encoder writes only records trc_rec_check() accepts, and the
 *       decoder produces only such records: fields a type does not use are 0.
 *   (2) Encoder and decoder update predictors identically after every record,
 *       whatever form the encoder chose; the choice of form (the shortest)
 *       lives in the encoder only.
 *   (3) The decoder reads at most TRC_CODEC_MAXREC bytes of one record without
 *       a bounds check, relying on TRC_CODEC_PAD zero bytes after the data: a
 *       zero byte ends any varint, and the record is rejected afterwards if it
 *       ran past the end.
 *
 * Interface: trc_codec_reset() (or trc_codec_reset_zero()) at each chunk
 * start, then trc_encode_many() a block of records at a time (writer.c);
 * trc_decode() a chunk a block of records at a time, in order (reader.c).
 */
#include "traces/codec.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "base/err.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define IMASK ((1u << TRC_ITAB_BITS) - 1)
#define DMASK ((1u << TRC_DTAB_BITS) - 1)
#define IKEY(pc) ((uint32_t)((pc) >> 2) & IMASK)
#define DKEY(c) (((uint32_t)(((c)->pc - 4) >> 2) + (c)->dk) & DMASK)

void trc_codec_init(struct trc_codec *c)
{
	memset(c, 0, sizeof *c);
	c->epoch = 1;
}

void trc_codec_reset(struct trc_codec *c)
{
	uint32_t e = c->epoch + 1u;
	if (e > UINT16_MAX) {
		trc_codec_init(c);
		return;
	}
	memset(c, 0, offsetof(struct trc_codec, epoch));
	c->epoch = (uint16_t)e;
	c->fresh = 0;
}

void trc_codec_reset_zero(struct trc_codec *c)
{
	trc_codec_reset(c);
	memset(c->itab, 0, sizeof c->itab);
	memset(c->dtab, 0, sizeof c->dtab);
	c->fresh = 1;
}

/* The stride a data reference leaves in its dtab entry: its step for forms 0
 * and 1 when that fits in 32 signed bits, else 0. */
static inline int32_t stride32(unsigned x, uint64_t step)
{
	return (x & 3) < 2 && (int64_t)step == (int32_t)step ? (int32_t)step : 0;
}

/* Table entries of the current chunk; an older one reads as empty. */
static inline struct trc_itab *IT(struct trc_codec *c, uint32_t key)
{
	struct trc_itab *e = &c->itab[key];
	if (e->epoch != c->epoch)
		*e = (struct trc_itab){ .epoch = c->epoch };
	return e;
}

static inline struct trc_dtab *DT(struct trc_codec *c, uint32_t key)
{
	struct trc_dtab *e = &c->dtab[key];
	if (e->epoch != c->epoch)
		*e = (struct trc_dtab){ .epoch = c->epoch };
	return e;
}

/* Fields each type uses (record.h). */
enum { F_ID = 1, F_AUX = 2, F_ADDR = 4, F_VAL = 8 };
static const struct {
	uint8_t fields;
	uint8_t flags;     /* allowed TRC_F_* */
	uint16_t aux_lo, aux_hi;
} use[TRC_NTYPES] = {
	[TRC_INSN] = { F_ID | F_ADDR, TRC_F_KERNEL | TRC_F_KSEG0, 0, 0 },
	[TRC_LOAD] = { F_AUX | F_ADDR, TRC_F_KERNEL | TRC_F_KSEG0, 1, 255 },
	[TRC_STORE] = { F_AUX | F_ADDR, TRC_F_KERNEL | TRC_F_KSEG0, 1, 255 },
	[TRC_PTE_SET] = { F_ID | F_AUX | F_ADDR | F_VAL, 0, 0, 7 },
	[TRC_PTE_CLEAR] = { F_ID | F_ADDR, 0, 0, 0 },
	[TRC_ASID] = { F_ID, 0, 0, 0 },
	[TRC_SVC_BEGIN] = { F_ID | F_AUX, 0, 1, TRC_NSERVICES - 1 },
	[TRC_SVC_END] = { F_AUX, 0, 1, TRC_NSERVICES - 1 },
	[TRC_PRIV] = { F_AUX | F_VAL, TRC_F_ENTRY, 1, TRC_NPRIV - 1 },
	[TRC_LOCK_ACQ] = { F_ID | F_ADDR, 0, 0, 0 },
	[TRC_LOCK_REL] = { F_ID | F_ADDR, 0, 0, 0 },
	[TRC_SEM_WAIT] = { F_ID, 0, 0, 0 },
	[TRC_SEM_SIGNAL] = { F_ID, 0, 0, 0 },
	[TRC_DMA_REQ] = { F_ID | F_AUX | F_ADDR | F_VAL, TRC_F_WRITE, 0, 0xffff },
	[TRC_DMA_DONE] = { F_ID, 0, 0, 0 },
	[TRC_NET_SEND] = { F_ID | F_AUX, 0, 0, 0xffff },
	[TRC_NET_RECV] = { F_ID | F_AUX, 0, 0, 0xffff },
	[TRC_FRAG] = { F_ADDR | F_VAL, 0, 0, 0 },
	[TRC_MONCALL] = { F_AUX | F_ADDR | F_VAL, 0, 1, TRC_NMONCALLS - 1 },
	[TRC_PAGE_ALLOC] = { F_AUX | F_ADDR, 0, 1, TRC_NCATEGORIES - 1 },
	[TRC_PAGE_FREE] = { F_AUX | F_ADDR, 0, 1, TRC_NCATEGORIES - 1 },
	[TRC_IDLE_BEGIN] = { 0, 0, 0, 0 },
	[TRC_IDLE_END] = { 0, 0, 0, 0 },
	[TRC_TIME] = { F_VAL, 0, 0, 0 },
	[TRC_MARKER] = { F_ID | F_AUX | F_VAL, 0, 0, 0xffff },
};

/* The checks of trc_rec_check for the records most traces are made of
 * (instruction runs, loads, stores), in a few compares: 1 when r is one of
 * them and valid, 0 when the whole check must say. */
static inline int common_valid(const struct trc_rec *r)
{
	const unsigned flags = TRC_F_KERNEL | TRC_F_KSEG0;
	if (r->type == TRC_INSN)
		return !(r->flags & ~flags) && r->aux == 0 && r->val == 0 && r->id != 0;
	if (r->type == TRC_LOAD || r->type == TRC_STORE)
		return !(r->flags & ~flags) && r->id == 0 && r->val == 0 && r->aux >= 1 && r->aux <= 255;
	return 0;
}

size_t trc_recs_check(const struct trc_rec *r, size_t n, const char **why)
{
	for (size_t i = 0; i < n; i++)
		if (!common_valid(&r[i]) && (*why = trc_rec_check(&r[i])) != NULL)
			return i;
	*why = NULL;
	return n;
}

const char *trc_rec_check(const struct trc_rec *r)
{
	if (r->type == 0 || r->type >= TRC_NTYPES)
		return "unknown record type";
	if (r->flags & ~use[r->type].flags)
		return "flags not allowed for this type";
	if (r->type == TRC_PRIV && (r->flags & TRC_F_ENTRY)) {
		if (r->aux != TRC_PRIV_TLBWR && r->aux != TRC_PRIV_TLBWI)
			return "only a TLB write names an entry";
		return NULL;   /* id = ASID, addr = VPN: any values */
	}
	if ((!(use[r->type].fields & F_ID) && r->id) || (!(use[r->type].fields & F_AUX) && r->aux) ||
	    (!(use[r->type].fields & F_ADDR) && r->addr) || (!(use[r->type].fields & F_VAL) && r->val))
		return "a field this type does not use is not zero";
	if ((use[r->type].fields & F_AUX) && (r->aux < use[r->type].aux_lo || r->aux > use[r->type].aux_hi))
		return r->type == TRC_LOAD || r->type == TRC_STORE ? "size out of range 1..255"
								   : "aux out of range for this type";
	if (r->type == TRC_INSN && r->id == 0)
		return "instruction count 0";
	return NULL;
}

/* ---- encoding ---- */

static inline uint64_t zz(uint64_t d) { return (d << 1) ^ (uint64_t)((int64_t)d >> 63); }
static inline uint64_t unzz(uint64_t v) { return (v >> 1) ^ (0 - (v & 1)); }

/* A varint at p, a byte at a time; returns the byte after it.  For the
 * values put() does not take in one store. */
static uint8_t *put_loop(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

/* A varint at p; returns the byte after it.  May write up to 8 bytes at p
 * whatever the varint's length (a record has TRC_CODEC_MAXREC bytes of
 * room).  Below 2^56 (up to 8 bytes) without a branch on the length, which
 * follows the data and so mispredicts: the 7-bit groups spread to bytes by
 * three shift-and-mask steps (28, 14, 7 bits), the high bit set on all but
 * the last of the n bytes, the 8 bytes stored at once. */
static inline uint8_t *put(uint8_t *p, uint64_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (likely(v < (uint64_t)1 << 56)) {
		unsigned bits = 64 - (unsigned)__builtin_clzll(v | 1), n = (bits * 9 + 62) >> 6;   /* ceil(bits / 7) up to 56 bits */
		uint64_t w = (v & 0xfffffff) | (v & 0xfffffff0000000) << 4;
		w = (w & 0x00003fff00003fff) | (w & 0x0fffc0000fffc000) << 2;
		w = (w & 0x007f007f007f007f) | (w & 0x3f803f803f803f80) << 1;
		w |= 0x8080808080808080 & (((uint64_t)1 << (8 * (n - 1))) - 1);
		memcpy(p, &w, 8);
		return p + n;
	}
#endif
	return put_loop(p, v);
}

/* One record of the rarer types (not INSN, LOAD or STORE) at out; returns
 * its bytes.  Apart from trc_encode_many's loop so that the loop keeps its
 * predictors in registers; these records use only the predictors in *c. */
static __attribute__((noinline)) size_t encode_rare(struct trc_codec *c, const struct trc_rec *r, uint8_t *out)
{
	uint8_t *p = out + 1;
	unsigned x = 0;

	switch (r->type) {
	case TRC_PTE_SET:
		x = r->aux;
		p = put(p, r->id);
		p = put(p, zz(r->addr - c->vpn));
		p = put(p, zz(r->val - c->ppn));
		c->vpn = r->addr + 1;
		c->ppn = r->val + 1;
		break;
	case TRC_PTE_CLEAR:
		p = put(p, r->id);
		p = put(p, zz(r->addr - c->vpn));
		c->vpn = r->addr + 1;
		break;
	case TRC_LOCK_ACQ: case TRC_LOCK_REL:
		/* x = 1: the lock word's address follows */
		x = r->addr != 0;
		p = put(p, r->id);
		if (x)
			p = put(p, r->addr);
		break;
	case TRC_ASID: case TRC_SEM_WAIT: case TRC_SEM_SIGNAL: case TRC_DMA_DONE:
		p = put(p, r->id);
		break;
	case TRC_SVC_BEGIN:
		p = put(p, r->aux);
		p = put(p, r->id);
		break;
	case TRC_SVC_END:
		p = put(p, r->aux);
		break;
	case TRC_PRIV:
		p = put(p, r->aux);
		p = put(p, r->val);
		if (r->flags & TRC_F_ENTRY) {   /* the entry, coded as PTE_SET codes its page */
			x = 1;
			p = put(p, r->id);
			p = put(p, zz(r->addr - c->vpn));
			c->vpn = r->addr + 1;
		}
		break;
	case TRC_DMA_REQ:
		x = r->flags ? 1 : 0;
		p = put(p, r->id);
		p = put(p, r->aux);
		p = put(p, zz(r->addr - c->sector));
		p = put(p, r->val);
		c->sector = r->addr + r->val;
		break;
	case TRC_NET_SEND: case TRC_NET_RECV:
		p = put(p, r->id);
		p = put(p, r->aux);
		break;
	case TRC_FRAG:
		p = put(p, zz(r->addr - c->frag));
		p = put(p, r->val);
		c->frag = r->addr + r->val;
		break;
	case TRC_MONCALL:
		p = put(p, r->aux);
		p = put(p, r->addr);
		p = put(p, r->val);
		break;
	case TRC_PAGE_ALLOC: case TRC_PAGE_FREE:
		x = r->aux;
		p = put(p, zz(r->addr - c->ppn));
		c->ppn = r->addr + 1;
		break;
	case TRC_IDLE_BEGIN: case TRC_IDLE_END:
		break;
	case TRC_TIME:
		if (!c->timed) {   /* for the chunk's header */
			c->timed = 1;
			c->first_time = r->val;
		}
		p = put(p, zz(r->val - c->time));
		c->time = r->val;
		break;
	case TRC_MARKER:
		p = put(p, r->aux);
		p = put(p, r->id);
		p = put(p, r->val);
		break;
	}
	out[0] = (uint8_t)(r->type | x << 5);
	return (size_t)(p - out);
}

/* trc_encode_many's loop.  The predictors instruction runs and data
 * references use live in locals: in *c, every byte stored through p (which
 * may alias anything) would make the compiler load them again.  dkey is
 * the data-reference key before its mask, ((pc - 4) >> 2) + dk, as in
 * trc_decode.  fresh: the tables were zeroed at the chunk's start
 * (trc_codec_reset_zero), so that an entry needs no epoch check. */
static inline __attribute__((always_inline)) size_t encode_loop(struct trc_codec *c, const struct trc_rec *r,
								size_t n, uint8_t *buf, size_t *len, size_t cap,
								const int fresh)
{
	uint64_t pc = c->pc, daddr = c->daddr;
	uint32_t prev_key = c->prev_key, dkey = (uint32_t)((pc - 4) >> 2) + c->dk;
	const uint16_t epoch = c->epoch;
	const struct trc_rec *q = r, *end = r + n;
	uint8_t *p = buf + *len, *lim;

	if (cap - *len < TRC_CODEC_MAXREC)
		return 0;
	lim = buf + (cap - TRC_CODEC_MAXREC);   /* a record started at or before lim has its room */
	for (; q < end && p <= lim; q++) {
		/* the record's fields, read once, before any byte is stored */
		const unsigned type = q->type, flags = q->flags, aux = q->aux;
		const uint32_t id = q->id;
		const uint64_t addr = q->addr;

		if (type == TRC_INSN) {
			const uint32_t key = IKEY(addr);
			struct trc_itab *cur = &c->itab[key], *prev;
			unsigned tag = TRC_INSN, x = flags;
			if (!fresh && cur->epoch != epoch)
				*cur = (struct trc_itab){ .epoch = epoch };
			prev = &c->itab[prev_key];
			if (!fresh && prev->epoch != epoch)
				*prev = (struct trc_itab){ .epoch = epoch };
			if (id == cur->count)
				x |= 4;
			if (addr != pc)
				tag = addr == prev->target ? TRC_TAG_INSN_TARGET : TRC_TAG_INSN_DELTA;
			*p++ = (uint8_t)(tag | x << 5);
			if (tag == TRC_TAG_INSN_DELTA)
				p = put(p, zz(addr - pc));
			if (!(x & 4))
				p = put(p, id);
			prev->target = addr;
			cur->count = id;
			prev_key = key;
			pc = addr + 4 * (uint64_t)id;
			dkey = (uint32_t)((pc - 4) >> 2);
		} else if (type == TRC_LOAD || type == TRC_STORE) {
			struct trc_dtab *e = &c->dtab[dkey & DMASK];
			uint64_t last, d1, d2, d3, v;
			unsigned x = 0, form;
			if (!fresh && e->epoch != epoch)
				*e = (struct trc_dtab){ .epoch = epoch };
			last = e->last;
			if (aux == e->size && flags == e->mode)
				x = 4;
			/* the shortest form: the predicted address (0), else the
			 * smallest delta, a tie to the lower form (d1 when no
			 * larger than d2 and d3, else d2 when no larger than d3),
			 * chosen with conditional moves: which form wins follows
			 * the data, and branches on it mispredict */
			d1 = zz(addr - last - (uint64_t)(int64_t)e->stride);
			d2 = zz(addr - daddr);
			d3 = zz(addr - last);
			v = d2 <= d3 ? d2 : d3;
			form = d2 <= d3 ? 2 : 3;
			form = d1 <= v ? 1 : form;
			v = d1 <= v ? d1 : v;
			form = d1 == 0 ? 0 : form;
			x |= form;
			*p++ = (uint8_t)(type | x << 5);
			if (!(x & 4))
				p = put(p, aux | (uint64_t)flags << 8);
			if (form)
				p = put(p, v);
			/* a miss coded against another base restarts the stride at 0 */
			e->stride = stride32(x, addr - last);
			e->last = addr;
			e->size = (uint8_t)aux;
			e->mode = (uint8_t)flags;
			daddr = addr;
			dkey++;
		} else {
			p += encode_rare(c, q, p);
		}
	}
	c->pc = pc;
	c->daddr = daddr;
	c->prev_key = prev_key;
	c->dk = dkey - (uint32_t)((pc - 4) >> 2);
	*len = (size_t)(p - buf);
	return (size_t)(q - r);
}

size_t trc_encode_many(struct trc_codec *c, const struct trc_rec *r, size_t n, uint8_t *buf, size_t *len,
		       size_t cap)
{
	return c->fresh ? encode_loop(c, r, n, buf, len, cap, 1) : encode_loop(c, r, n, buf, len, cap, 0);
}

size_t trc_encode(struct trc_codec *c, const struct trc_rec *r, uint8_t *out)
{
	size_t len = 0;
	trc_encode_many(c, r, 1, out, &len, TRC_CODEC_MAXREC);
	return len;
}

/* ---- decoding ---- */

enum { V_LONG = 1, V_OVERFLOW = 2 };

/* A LEB128 varint at *pp; on a bad one sets *bad and returns 0.  Reads at
 * most 10 bytes (invariant (3)).  With lim (trc_decode's loop), a bad one
 * also sets *lim to where the reading stopped, at or before the end of the
 * record, so that the loop's one test per record, *pp >= *lim, stops there. */
static inline uint64_t getl(const uint8_t **pp, unsigned *bad, const uint8_t **lim)
{
	const uint8_t *p = *pp;
	uint64_t v = p[0], b;
	if (likely(v < 0x80)) {
		*pp = p + 1;
		return v;
	}
	v &= 0x7f;
	b = p[1];
	v |= (b & 0x7f) << 7;
	if (likely(b < 0x80)) {
		*pp = p + 2;
		return v;
	}
	for (int i = 2; i < 10; i++) {
		b = p[i];
		if (i == 9 && b > 1) {
			*bad |= b & 0x80 ? V_LONG : V_OVERFLOW;
			goto bad;
		}
		v |= (b & 0x7f) << (7 * i);
		if (b < 0x80) {
			*pp = p + i + 1;
			return v;
		}
	}
	*bad |= V_LONG;
bad:
	*pp = p + 10;
	if (lim)
		*lim = *pp;
	return 0;
}

static inline uint64_t get(const uint8_t **pp, unsigned *bad) { return getl(pp, bad, NULL); }

/* out[] gets a record of type, flags, aux, id and addr (val 0) as three
 * 8-byte stores rather than a zeroed struct filled field by field. */
static inline void put_rec(struct trc_rec *o, unsigned type, unsigned flags, unsigned aux, uint32_t id,
			   uint64_t addr)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t w = type | flags << 8 | (uint64_t)aux << 16 | (uint64_t)id << 32;
	_Static_assert(offsetof(struct trc_rec, id) == 4 && offsetof(struct trc_rec, addr) == 8,
		       "type, flags, aux and id fill the first 8 bytes");
	memcpy(o, &w, 8);
	o->addr = addr;
	o->val = 0;
#else
	*o = (struct trc_rec){ .type = (uint8_t)type, .flags = (uint8_t)flags, .aux = (uint16_t)aux, .id = id,
			       .addr = addr };
#endif
}

static int fail(size_t off, size_t *bad_off, char *why, size_t whylen, const char *fmt, unsigned long long a,
		unsigned long long b)
{
	*bad_off = off;
	snprintf(why, whylen, fmt, a, b);
	return SIM_ECORRUPT;
}

/* What trc_decode's rarer records share with it; apart so that the common
 * records' loop keeps its variables in registers. */
enum { R_OK, R_BADTAG, R_RANGE };
struct rare {
	uint32_t open, max_nest;   /* services open; the bound */
	size_t i, deep;            /* the record's index in out[]; *deep of trc_decode */
};

/* Decode the fields of one record of the rarer types (tag type, x) at *pp
 * into *o; R_OK, or the verdict on a bad one (*bad for a bad varint). */
static __attribute__((noinline)) int decode_rare(struct trc_codec *c, const uint8_t **pp, unsigned *bad,
						 unsigned type, unsigned x, struct trc_rec *o, struct rare *st)
{
	uint64_t a, b;
	switch (type) {
	case TRC_PTE_SET:
		b = get(pp, bad);
		if (unlikely(b > UINT32_MAX))
			return R_RANGE;
		c->vpn += unzz(get(pp, bad));
		c->ppn += unzz(get(pp, bad));
		*o = (struct trc_rec){ .type = TRC_PTE_SET, .aux = (uint16_t)x, .id = (uint32_t)b, .addr = c->vpn, .val = c->ppn };
		c->vpn++;
		c->ppn++;
		return R_OK;
	case TRC_PTE_CLEAR:
		if (unlikely(x))
			return R_BADTAG;
		b = get(pp, bad);
		if (unlikely(b > UINT32_MAX))
			return R_RANGE;
		c->vpn += unzz(get(pp, bad));
		*o = (struct trc_rec){ .type = TRC_PTE_CLEAR, .id = (uint32_t)b, .addr = c->vpn };
		c->vpn++;
		return R_OK;
	case TRC_ASID: case TRC_SEM_WAIT: case TRC_SEM_SIGNAL: case TRC_DMA_DONE:
		if (unlikely(x))
			return R_BADTAG;
		b = get(pp, bad);
		if (unlikely(b > UINT32_MAX))
			return R_RANGE;
		*o = (struct trc_rec){ .type = (uint8_t)type, .id = (uint32_t)b };
		return R_OK;
	case TRC_LOCK_ACQ: case TRC_LOCK_REL:
		if (unlikely(x > 1))
			return R_BADTAG;
		b = get(pp, bad);
		if (unlikely(b > UINT32_MAX))
			return R_RANGE;
		a = x ? get(pp, bad) : 0;
		if (unlikely(x && !a))
			return R_BADTAG;
		*o = (struct trc_rec){ .type = (uint8_t)type, .id = (uint32_t)b, .addr = a };
		return R_OK;
	case TRC_SVC_BEGIN: case TRC_SVC_END:
		if (unlikely(x))
			return R_BADTAG;
		a = get(pp, bad);
		b = type == TRC_SVC_BEGIN ? get(pp, bad) : 0;
		if (unlikely(a == 0 || a >= TRC_NSERVICES || b > UINT32_MAX))
			return R_RANGE;
		*o = (struct trc_rec){ .type = (uint8_t)type, .aux = (uint16_t)a, .id = (uint32_t)b };
		if (type == TRC_SVC_BEGIN) {
			if (++st->open > st->max_nest && st->deep == SIZE_MAX)
				st->deep = st->i;
		} else if (st->open > 0) {
			st->open--;
		}
		return R_OK;
	case TRC_PRIV:
		if (unlikely(x > 1))
			return R_BADTAG;
		a = get(pp, bad);
		b = get(pp, bad);
		if (unlikely(a == 0 || a >= TRC_NPRIV))
			return R_RANGE;
		*o = (struct trc_rec){ .type = TRC_PRIV, .aux = (uint16_t)a, .val = b };
		if (x) {
			uint64_t asid = get(pp, bad);
			if (unlikely(asid > UINT32_MAX || (a != TRC_PRIV_TLBWR && a != TRC_PRIV_TLBWI)))
				return R_RANGE;
			o->flags = TRC_F_ENTRY;
			o->id = (uint32_t)asid;
			o->addr = c->vpn + unzz(get(pp, bad));
			c->vpn = o->addr + 1;
		}
		return R_OK;
	case TRC_DMA_REQ: {
			uint64_t disk, cnt;
			if (unlikely(x > 1))
				return R_BADTAG;
			b = get(pp, bad);
			disk = get(pp, bad);
			a = c->sector + unzz(get(pp, bad));
			cnt = get(pp, bad);
			if (unlikely(b > UINT32_MAX || disk > 0xffff))
				return R_RANGE;
			*o = (struct trc_rec){ .type = TRC_DMA_REQ, .flags = x ? TRC_F_WRITE : 0, .aux = (uint16_t)disk,
						   .id = (uint32_t)b, .addr = a, .val = cnt };
			c->sector = a + cnt;
			return R_OK;
		}
	case TRC_NET_SEND: case TRC_NET_RECV:
		if (unlikely(x))
			return R_BADTAG;
		b = get(pp, bad);
		a = get(pp, bad);
		if (unlikely(b > UINT32_MAX || a > 0xffff))
			return R_RANGE;
		*o = (struct trc_rec){ .type = (uint8_t)type, .aux = (uint16_t)a, .id = (uint32_t)b };
		return R_OK;
	case TRC_FRAG:
		if (unlikely(x))
			return R_BADTAG;
		a = c->frag + unzz(get(pp, bad));
		b = get(pp, bad);
		*o = (struct trc_rec){ .type = TRC_FRAG, .addr = a, .val = b };
		c->frag = a + b;
		return R_OK;
	case TRC_MONCALL: {
			uint64_t k;
			if (unlikely(x))
				return R_BADTAG;
			k = get(pp, bad);
			a = get(pp, bad);
			b = get(pp, bad);
			if (unlikely(k == 0 || k >= TRC_NMONCALLS))
				return R_RANGE;
			*o = (struct trc_rec){ .type = TRC_MONCALL, .aux = (uint16_t)k, .addr = a, .val = b };
			return R_OK;
		}
	case TRC_PAGE_ALLOC: case TRC_PAGE_FREE:
		if (unlikely(x == 0 || x >= TRC_NCATEGORIES))
			return R_RANGE;
		c->ppn += unzz(get(pp, bad));
		*o = (struct trc_rec){ .type = (uint8_t)type, .aux = (uint16_t)x, .addr = c->ppn };
		c->ppn++;
		return R_OK;
	case TRC_IDLE_BEGIN: case TRC_IDLE_END:
		if (unlikely(x))
			return R_BADTAG;
		*o = (struct trc_rec){ .type = (uint8_t)type };
		return R_OK;
	case TRC_TIME:
		if (unlikely(x))
			return R_BADTAG;
		c->time += unzz(get(pp, bad));
		*o = (struct trc_rec){ .type = TRC_TIME, .val = c->time };
		return R_OK;
	case TRC_MARKER: {
			uint64_t k;
			if (unlikely(x))
				return R_BADTAG;
			k = get(pp, bad);
			b = get(pp, bad);
			a = get(pp, bad);
			if (unlikely(k > 0xffff || b > UINT32_MAX))
				return R_RANGE;
			*o = (struct trc_rec){ .type = TRC_MARKER, .aux = (uint16_t)k, .id = (uint32_t)b, .val = a };
			return R_OK;
		}
	}
	return R_BADTAG;
}

/* The record type a tag stands for, for messages: the instruction runs'
 * other opcodes are INSN records. */
static inline unsigned tag_type(unsigned tag)
{
	unsigned t = tag & 31;
	return t == TRC_TAG_INSN_TARGET || t == TRC_TAG_INSN_DELTA ? TRC_INSN : t;
}

/* The dispatch table's entries of opcode opc: all eight x values to one
 * label (OP8), or each to its own handler lab0 .. lab7 (OP_X); X8 makes
 * those handlers, m(lab, opc, x) for each x. */
#define OP8(opc, l) [opc] = l, [32 | (opc)] = l, [64 | (opc)] = l, [96 | (opc)] = l, [128 | (opc)] = l, \
		    [160 | (opc)] = l, [192 | (opc)] = l, [224 | (opc)] = l
#define OP_X(opc, lab) [opc] = &&lab##0, [32 | (opc)] = &&lab##1, [64 | (opc)] = &&lab##2, \
		       [96 | (opc)] = &&lab##3, [128 | (opc)] = &&lab##4, [160 | (opc)] = &&lab##5, \
		       [192 | (opc)] = &&lab##6, [224 | (opc)] = &&lab##7
#define X8(m, lab, opc) m(lab, opc, 0) m(lab, opc, 1) m(lab, opc, 2) m(lab, opc, 3) \
			m(lab, opc, 4) m(lab, opc, 5) m(lab, opc, 6) m(lab, opc, 7)

/* trc_decode()'s loop, twice: with and without the tables' epoch checks. */
#define DECODE_FN decode_checked
#define DECODE_FRESH 0
#include "traces/codec_decode.h"
#define DECODE_FN decode_fresh
#define DECODE_FRESH 1
#include "traces/codec_decode.h"

int trc_decode(struct trc_codec *c, const uint8_t *buf, size_t len, size_t *pos, struct trc_rec *out,
	       size_t first, size_t n, size_t nrec, uint32_t *nest, uint32_t max_nest, size_t *deep,
	       size_t *bad_off, char *why, size_t whylen)
{
	if (first == 0) {
		/* a long chunk pays for zeroing the tables (512 KiB) at its
		 * start with the epoch checks its records no longer make */
		if (nrec >= TRC_CODEC_FRESH_MIN)
			trc_codec_reset_zero(c);
		else
			trc_codec_reset(c);
		*pos = 0;
	}
	return (c->fresh ? decode_fresh : decode_checked)(c, buf, len, pos, out, first, n, nrec, nest,
							   max_nest, deep, bad_off, why, whylen);
}
