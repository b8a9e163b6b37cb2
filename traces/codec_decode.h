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
	/* Threaded dispatch: every handler ends in its own indirect jump to the
	 * next record's handler, so the branch predictor sees which type tends
	 * to follow which (a run, then its load, ...). */
	static const void *const op[32] = {
		[0] = &&l_badtag, [TRC_INSN] = &&l_insn_seq, [TRC_LOAD] = &&l_data, [TRC_STORE] = &&l_data,
		[TRC_PTE_SET] = &&l_rare, [TRC_PTE_CLEAR] = &&l_rare, [TRC_ASID] = &&l_rare,
		[TRC_SVC_BEGIN] = &&l_rare, [TRC_SVC_END] = &&l_rare, [TRC_PRIV] = &&l_rare,
		[TRC_LOCK_ACQ] = &&l_rare, [TRC_LOCK_REL] = &&l_rare, [TRC_SEM_WAIT] = &&l_rare,
		[TRC_SEM_SIGNAL] = &&l_rare, [TRC_DMA_REQ] = &&l_rare, [TRC_DMA_DONE] = &&l_rare,
		[TRC_NET_SEND] = &&l_rare, [TRC_NET_RECV] = &&l_rare, [TRC_FRAG] = &&l_rare,
		[TRC_MONCALL] = &&l_rare, [TRC_PAGE_ALLOC] = &&l_rare, [TRC_PAGE_FREE] = &&l_rare,
		[TRC_IDLE_BEGIN] = &&l_rare, [TRC_IDLE_END] = &&l_rare, [TRC_TIME] = &&l_rare,
		[TRC_MARKER] = &&l_rare, [TRC_TAG_INSN_TARGET] = &&l_insn_target,
		[TRC_TAG_INSN_DELTA] = &&l_insn_delta, [28] = &&l_badtag, [29] = &&l_badtag,
		[30] = &&l_badtag, [31] = &&l_badtag,
	};
	const uint8_t *p, *end = buf + len, *start;
	unsigned bad = 0, tag = 0, x = 0, type = 0;
	uint64_t a, b;
	size_t i = 0;
	/* the scalar predictors live in registers while decoding; the tables in *c */
	uint64_t pc, daddr;   /* the rarer records' predictors stay in *c */
	uint32_t prev_key, dk;
	struct rare rare = { .open = *nest, .max_nest = max_nest, .deep = SIZE_MAX };

	*deep = SIZE_MAX;
	p = start = buf + *pos;
	pc = c->pc;
	daddr = c->daddr;
	prev_key = c->prev_key;
	dk = c->dk;
	if (n == 0)
		goto l_done;
	/* NEXT: check the record just decoded, then jump to the next one's handler */
#define NEXT()                                                   \
	do {                                                     \
		if (unlikely(bad | (p >= end)))                  \
			goto l_edge;                             \
		if (unlikely(++i == n))                          \
			goto l_done;                             \
		start = p;                                       \
		tag = *p++;                                      \
		x = tag >> 5;                                    \
		type = tag & 31;                                 \
		goto *op[type];                                  \
	} while (0)
	if (unlikely(p >= end))
		goto l_short;
	tag = *p++;
	x = tag >> 5;
	type = tag & 31;
	goto *op[type];

l_insn_seq:
	a = pc;
	goto l_insn;
l_insn_target:
	a = TAB_I(prev_key)->target;
	goto l_insn;
l_insn_delta:
	a = pc + unzz(get(&p, &bad));
l_insn: {
		struct trc_itab *cur;
		type = TRC_INSN;
		TAB_I(prev_key)->target = a;
		prev_key = IKEY(a);
		cur = TAB_I(prev_key);
		b = (x & 4) ? cur->count : get(&p, &bad);
		if (unlikely(b == 0 || b > UINT32_MAX))
			goto l_range;
		cur->count = (uint32_t)b;
		put_rec(&out[i], TRC_INSN, x & 3, 0, (uint32_t)b, a);
		pc = a + 4 * b;
		dk = 0;
		/* the tables are larger than the host's nearest caches: fetch the
		 * entries the next records most likely use (a data reference of
		 * this run's last instruction, a run starting where this one ends) */
		__builtin_prefetch(&c->dtab[(uint32_t)((pc - 4) >> 2) & DMASK]);
		__builtin_prefetch(&c->itab[IKEY(pc)]);
		NEXT();
	}
l_data: {
		struct trc_dtab *e = TAB_D(((uint32_t)((pc - 4) >> 2) + dk) & DMASK);
		uint64_t last = e->last;
		if (!(x & 4)) {
			b = get(&p, &bad);
			if (unlikely((b & 0xff) == 0 || b >> 8 > 3))
				goto l_range;
			e->size = (uint8_t)b;
			e->mode = (uint8_t)(b >> 8);
		} else if (unlikely(e->size == 0)) {
			goto l_range;   /* "same size" before any size */
		}
		switch (x & 3) {
		case 0: a = last + (uint64_t)(int64_t)e->stride; break;
		case 1: a = last + (uint64_t)(int64_t)e->stride + unzz(get(&p, &bad)); break;
		case 2: a = daddr + unzz(get(&p, &bad)); break;
		default: a = last + unzz(get(&p, &bad)); break;
		}
		e->stride = stride32(x, a - last);
		e->last = a;
		daddr = a;
		dk++;
		__builtin_prefetch(&c->dtab[((uint32_t)((pc - 4) >> 2) + dk) & DMASK]);   /* the next reference's */
		put_rec(&out[i], type, e->mode, e->size, 0, a);
		NEXT();
	}
l_rare: {
		const uint8_t *rp = p;
		unsigned rbad = 0;
		int v;
		rare.i = i;
		v = decode_rare(c, &rp, &rbad, type, x, &out[i], &rare);
		bad |= rbad;
		if (unlikely(v == R_BADTAG))
			goto l_badtag;
		if (unlikely(v == R_RANGE))
			goto l_range;
		p = rp;
		NEXT();
	}
#undef NEXT

l_edge:   /* a bad varint, or the data ends at or before this record's end */
	if (bad | (p > end))
		goto l_badrec;
	if (++i != n)
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
	c->dk = dk;
	return SIM_OK;
l_short:
	return fail((size_t)(p - buf), bad_off, why, whylen,
		    "the chunk's data ends after %llu records, its header says %llu",
		    (unsigned long long)(first + i), (unsigned long long)nrec);
l_badrec:
	*bad_off = (size_t)(start - buf);
	if (bad & V_LONG)
		snprintf(why, whylen, "a varint of a %s record runs on past 10 bytes", trc_type_name(type));
	else if (bad & V_OVERFLOW)
		snprintf(why, whylen, "a varint of a %s record overflows 64 bits", trc_type_name(type));
	else
		snprintf(why, whylen, "a %s record runs past the end of the chunk's data", trc_type_name(type));
	return SIM_ECORRUPT;
l_badtag:
	*bad_off = (size_t)(start - buf);
	snprintf(why, whylen, "unknown record tag 0x%02x", tag);
	return SIM_ECORRUPT;
l_range:
	*bad_off = (size_t)(start - buf);
	snprintf(why, whylen, "a field of a %s record is out of range", trc_type_name(type));
	return SIM_ECORRUPT;
}

#undef TAB_I
#undef TAB_D
#undef DECODE_FN
#undef DECODE_FRESH
