/* Random valid records for the trace tests (seeded, reproducible). */
#ifndef TESTS_TRACES_GEN_H
#define TESTS_TRACES_GEN_H

#include <stdint.h>
#include <string.h>

#include "traces/record.h"
#include "traces/trace.h"

static inline uint64_t gen_next(uint64_t *s)   /* splitmix64 */
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A value that is small, medium or any 64 bits, so every varint length occurs. */
static inline uint64_t gen_val(uint64_t *s)
{
	uint64_t v = gen_next(s);
	switch (v & 3) {
	case 0: return v >> 58;
	case 1: return v >> 40;
	case 2: return gen_next(s);
	default: return 0x400000 + ((v >> 8) & 0xffff) * 4;
	}
}

/* A random valid record of the given type (0: a random type). */
static inline struct trc_rec gen_rec(uint64_t *s, unsigned type)
{
	struct trc_rec r;
	memset(&r, 0, sizeof r);
	if (type == 0)
		type = 1 + gen_next(s) % (TRC_NTYPES - 1);
	r.type = (uint8_t)type;
	switch (type) {
	case TRC_INSN:
		r.addr = gen_val(s);
		r.id = 1 + (uint32_t)(gen_val(s) % UINT32_MAX);
		r.flags = gen_next(s) & 3;
		break;
	case TRC_LOAD: case TRC_STORE:
		r.addr = gen_val(s);
		r.aux = 1 + gen_next(s) % 255;
		r.flags = gen_next(s) & 3;
		break;
	case TRC_PTE_SET:
		r.id = (uint32_t)gen_val(s);
		r.addr = gen_val(s);
		r.val = gen_val(s);
		r.aux = gen_next(s) & 7;
		break;
	case TRC_PTE_CLEAR:
		r.id = (uint32_t)gen_val(s);
		r.addr = gen_val(s);
		break;
	case TRC_ASID: case TRC_LOCK_ACQ: case TRC_LOCK_REL: case TRC_SEM_WAIT: case TRC_SEM_SIGNAL:
	case TRC_DMA_DONE:
		r.id = (uint32_t)gen_val(s);
		break;
	case TRC_SVC_BEGIN:
		r.id = (uint32_t)gen_val(s);
		/* fall through */
	case TRC_SVC_END:
		r.aux = 1 + gen_next(s) % (TRC_NSERVICES - 1);
		break;
	case TRC_PRIV:
		r.aux = 1 + gen_next(s) % (TRC_NPRIV - 1);
		r.val = gen_val(s);
		if ((r.aux == TRC_PRIV_TLBWR || r.aux == TRC_PRIV_TLBWI) && (r.val & 1)) {
			/* a TLB write that names its entry (no extra draw: the
			 * stream of records stays what it was otherwise) */
			r.flags = TRC_F_ENTRY;
			r.id = (uint32_t)(r.val >> 8);
			r.addr = r.val >> 3;
		}
		break;
	case TRC_DMA_REQ:
		r.id = (uint32_t)gen_val(s);
		r.aux = (uint16_t)gen_next(s);
		r.addr = gen_val(s);
		r.val = gen_val(s);
		r.flags = gen_next(s) & 1 ? TRC_F_WRITE : 0;
		break;
	case TRC_NET_SEND: case TRC_NET_RECV:
		r.id = (uint32_t)gen_val(s);
		r.aux = (uint16_t)gen_next(s);
		break;
	case TRC_FRAG:
		r.addr = gen_val(s);
		r.val = gen_val(s);
		break;
	case TRC_MONCALL:
		r.aux = 1 + gen_next(s) % (TRC_NMONCALLS - 1);
		r.addr = gen_val(s);
		r.val = gen_val(s);
		break;
	case TRC_PAGE_ALLOC: case TRC_PAGE_FREE:
		r.aux = 1 + gen_next(s) % (TRC_NCATEGORIES - 1);
		r.addr = gen_val(s);
		break;
	case TRC_TIME:
		r.val = gen_val(s);
		break;
	case TRC_MARKER:
		r.aux = (uint16_t)gen_next(s);
		r.id = (uint32_t)gen_val(s);
		r.val = gen_val(s);
		break;
	}
	return r;
}

/* gen_rec, keeping a stream's services nested at most TRC_MAX_NEST deep
 * (*nest counts the open ones): a svc.begin too deep becomes a svc.end. */
static inline struct trc_rec gen_rec_nest(uint64_t *s, unsigned type, unsigned *nest)
{
	struct trc_rec r = gen_rec(s, type);
	if (r.type == TRC_SVC_BEGIN && *nest == TRC_MAX_NEST)
		r = gen_rec(s, TRC_SVC_END);
	if (r.type == TRC_SVC_BEGIN)
		++*nest;
	else if (r.type == TRC_SVC_END && *nest > 0)
		--*nest;
	return r;
}

#endif
