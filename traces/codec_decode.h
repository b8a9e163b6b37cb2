/*
 * The body of trc_decode() (codec.c), included there twice: DECODE_FN is
 * the function's name; DECODE_FRESH 1 when the chunk's tables were zeroed
 * at its start, so that an entry needs no epoch check (every entry is of
 * this chunk), 0 when an entry of an older chunk must read as empty (IT,
 * DT).  Internal to traces/codec.c.
 */
#if DECODE_FRESH
#define TAB_I(key) (&c->itab[key])
#define TAB_D(key) (&c->dtab[key])
#else
#define TAB_I(key) IT(c, key)
#define TAB_D(key) DT(c, key)
#endif

static int DECODE_FN(struct trc_codec *c, const uint8_t *buf, size_t len, size_t *pos, struct trc_rec *out,
		     size_t first, size_t n, size_t nrec, uint32_t *nest, uint32_t max_nest, size_t *deep,
		     size_t *bad_off, char *why, size_t whylen)
{
	/* Threaded dispatch on the whole tag byte: every handler ends in an
	 * indirect jump to the next record's handler, and the tag's x bits,
	 * constants in each handler of the common records, cost no test.
	 * What a record costs most is that jump when the predictor misses it:
	 * a trace's sequence of record types follows its program's control
	 * flow (3.5 cycles a record where that repeats, four or five times
	 * as many where it does not); choosing between handlers without a
	 * branch did not pay (the test of which records qualify mispredicts
	 * instead). */
	static const void *const op[256] = {
		OP8(0, &&l_badtag), OP_X(TRC_INSN, l_seq_), OP_X(TRC_LOAD, l_load_), OP_X(TRC_STORE, l_store_),
		OP8(TRC_PTE_SET, &&l_rare), OP8(TRC_PTE_CLEAR, &&l_rare), OP8(TRC_ASID, &&l_rare),
		OP8(TRC_SVC_BEGIN, &&l_rare), OP8(TRC_SVC_END, &&l_rare), OP8(TRC_PRIV, &&l_rare),
		OP8(TRC_LOCK_ACQ, &&l_rare), OP8(TRC_LOCK_REL, &&l_rare), OP8(TRC_SEM_WAIT, &&l_rare),
		OP8(TRC_SEM_SIGNAL, &&l_rare), OP8(TRC_DMA_REQ, &&l_rare), OP8(TRC_DMA_DONE, &&l_rare),
		OP8(TRC_NET_SEND, &&l_rare), OP8(TRC_NET_RECV, &&l_rare), OP8(TRC_FRAG, &&l_rare),
		OP8(TRC_MONCALL, &&l_rare), OP8(TRC_PAGE_ALLOC, &&l_rare), OP8(TRC_PAGE_FREE, &&l_rare),
		OP8(TRC_IDLE_BEGIN, &&l_rare), OP8(TRC_IDLE_END, &&l_rare), OP8(TRC_TIME, &&l_rare),
		OP8(TRC_MARKER, &&l_rare), OP_X(TRC_TAG_INSN_TARGET, l_target_),
		OP_X(TRC_TAG_INSN_DELTA, l_delta_), OP8(28, &&l_badtag), OP8(29, &&l_badtag),
		OP8(30, &&l_badtag), OP8(31, &&l_badtag),
	};
	const uint8_t *p, *end = buf + len, *start;
	/* lim is end until a varint goes bad, then at or before p: the one
	 * test per record, p >= lim, catches both */
	const uint8_t *lim = end;
	unsigned bad = 0;
	struct trc_rec *o = out, *oend = out + n;
	/* the scalar predictors live in registers while decoding; the tables
	 * and the rarer records' predictors in *c.  dkey is the data-reference
	 * key before its mask, ((pc - 4) >> 2) + dk (mod 2^32), kept instead of
	 * dk because it is what a data reference needs. */
	uint64_t pc, daddr;
	uint32_t prev_key, dkey;
	struct rare rare = { .open = *nest, .max_nest = max_nest, .deep = SIZE_MAX };

	*deep = SIZE_MAX;
	p = start = buf + *pos;
	pc = c->pc;
	daddr = c->daddr;
	prev_key = c->prev_key;
	dkey = (uint32_t)((pc - 4) >> 2) + c->dk;
	if (n == 0)
		goto l_done;
	/* NEXT: check the record just decoded, then jump to the next one's handler */
#define NEXT()                                                   \
	do {                                                     \
		if (unlikely(p >= lim))                          \
			goto l_edge;                             \
		if (unlikely(++o == oend))                       \
			goto l_done;                             \
		start = p;                                       \
		goto *op[*p++];                                  \
	} while (0)
#define GET() getl(&p, &bad, &lim)
	if (unlikely(p >= end))
		goto l_short;
	goto *op[*p++];

	/* Instruction runs: start at pc (opcode 1), at the predicted branch
	 * target (26) or at a PC delta (27); the x bits are the flags and
	 * "the count is the predicted one" (4). */
#define INSN(lab, opc, x)                                                                        \
lab##x: {                                                                                        \
		struct trc_itab *cur;                                                            \
		uint64_t a, b;                                                                   \
		if ((opc) == TRC_TAG_INSN_TARGET) {                                              \
			/* the table's own entry: writing it back changes nothing */             \
			a = TAB_I(prev_key)->target;                                             \
		} else {                                                                         \
			a = (opc) == TRC_INSN ? pc : pc + unzz(GET());                           \
			TAB_I(prev_key)->target = a;                                             \
		}                                                                                \
		prev_key = IKEY(a);                                                              \
		cur = TAB_I(prev_key);                                                           \
		if ((x) & 4) {                                                                   \
			b = cur->count;   /* unchanged: not written back */                      \
			if (unlikely(b == 0))                                                    \
				goto l_range;                                                    \
		} else {                                                                         \
			b = GET();                                                               \
			if (unlikely(b == 0 || b > UINT32_MAX))                                  \
				goto l_range;                                                    \
			cur->count = (uint32_t)b;                                                \
		}                                                                                \
		put_rec(o, TRC_INSN, (x) & 3, 0, (uint32_t)b, a);                                \
		pc = a + 4 * b;                                                                  \
		/* no prefetch of the entries the next records use: their addresses     \
		 * are known here, as early as the processor's own loads of them can    \
		 * issue, and fetching them twice only cost time */                     \
		dkey = (uint32_t)((pc - 4) >> 2);                                                \
		NEXT();                                                                          \
	}
	X8(INSN, l_seq_, TRC_INSN)
	X8(INSN, l_target_, TRC_TAG_INSN_TARGET)
	X8(INSN, l_delta_, TRC_TAG_INSN_DELTA)
#undef INSN

	/* Loads and stores: x bit 2 "size and mode as last time", bits 0-1 the
	 * address's form. */
#define DATA(lab, type, x)                                                                       \
lab##x: {                                                                                        \
		struct trc_dtab *e = TAB_D(dkey & DMASK);                                        \
		uint64_t last = e->last, a;                                                      \
		if (!((x) & 4)) {                                                                \
			uint64_t b = GET();                                                      \
			if (unlikely((b & 0xff) == 0 || b >> 8 > 3))                             \
				goto l_range;                                                    \
			e->size = (uint8_t)b;                                                    \
			e->mode = (uint8_t)(b >> 8);                                             \
		} else if (unlikely(e->size == 0)) {                                             \
			goto l_range;   /* "same size" before any size */                        \
		}                                                                                \
		/* form 0 leaves the stride as it was: its step is the stride */                 \
		if (((x) & 3) == 0) {                                                            \
			a = last + (uint64_t)(int64_t)e->stride;                                 \
		} else if (((x) & 3) == 1) {                                                     \
			a = last + (uint64_t)(int64_t)e->stride + unzz(GET());                   \
			e->stride = stride32(x, a - last);                                       \
		} else {                                                                         \
			a = ((x) & 3) == 2 ? daddr + unzz(GET()) : last + unzz(GET());           \
			e->stride = 0;                                                           \
		}                                                                                \
		e->last = a;                                                                     \
		daddr = a;                                                                       \
		dkey++;                                                                          \
		put_rec(o, type, e->mode, e->size, 0, a);                                        \
		NEXT();                                                                          \
	}
	X8(DATA, l_load_, TRC_LOAD)
	X8(DATA, l_store_, TRC_STORE)
#undef DATA

l_rare: {
		const uint8_t *rp = p;
		unsigned rbad = 0, tag = *start;
		int v;
		rare.i = (size_t)(o - out);
		v = decode_rare(c, &rp, &rbad, tag & 31, tag >> 5, o, &rare);
		if (unlikely(rbad)) {
			bad |= rbad;
			lim = start;
		}
		if (unlikely(v == R_BADTAG))
			goto l_badtag;
		if (unlikely(v == R_RANGE))
			goto l_range;
		p = rp;
		NEXT();
	}
#undef NEXT
#undef GET

l_edge:   /* a bad varint, or the data ends at or before this record's end */
	if (bad | (p > end))
		goto l_badrec;
	if (++o != oend)
		goto l_short;
l_done:
	if (first + n == nrec && p != end)
		return fail((size_t)(p - buf), bad_off, why, whylen, "%llu bytes follow the chunk's %llu records",
			    (unsigned long long)(end - p), (unsigned long long)nrec);
	*pos = (size_t)(p - buf);
	*nest = rare.open;
	*deep = rare.deep;
	c->pc = pc;
	c->daddr = daddr;
	c->prev_key = prev_key;
	c->dk = dkey - (uint32_t)((pc - 4) >> 2);
	return SIM_OK;
l_short:
	return fail((size_t)(p - buf), bad_off, why, whylen,
		    "the chunk's data ends after %llu records, its header says %llu",
		    (unsigned long long)(first + (size_t)(o - out)), (unsigned long long)nrec);
l_badrec:
	*bad_off = (size_t)(start - buf);
	if (bad & V_LONG)
		snprintf(why, whylen, "a varint of a %s record runs on past 10 bytes", trc_type_name(tag_type(*start)));
	else if (bad & V_OVERFLOW)
		snprintf(why, whylen, "a varint of a %s record overflows 64 bits", trc_type_name(tag_type(*start)));
	else
		snprintf(why, whylen, "a %s record runs past the end of the chunk's data", trc_type_name(tag_type(*start)));
	return SIM_ECORRUPT;
l_badtag:
	*bad_off = (size_t)(start - buf);
	snprintf(why, whylen, "unknown record tag 0x%02x", *start);
	return SIM_ECORRUPT;
l_range:
	*bad_off = (size_t)(start - buf);
	snprintf(why, whylen, "a field of a %s record is out of range", trc_type_name(tag_type(*start)));
	return SIM_ECORRUPT;
}

#undef TAB_I
#undef TAB_D
#undef DECODE_FN
#undef DECODE_FRESH
