/*
 * A synthetic workload stream for the trace benchmarks: what a vCPU running a
 * compiled program looks like to the trace.  Code is a fixed set of basic
 * blocks laid out back to back (so falling through is the predicted PC);
 * control flow loops inside a function, falls through, or calls another
 * function (each block has one callee; one far jump in 12 goes anywhere);
 * each block has a fixed pattern of data references, as real code does:
 * stack slots in a frame that depends on the function, array walks with a
 * stride, globals, and 5% random references into a 64 MiB heap.  About one block in 40 runs in the kernel (KSEG0
 * data); time stamps, service markers and PTE updates are sprinkled in.
 */
#ifndef TESTS_BENCH_SYNTH_H
#define TESTS_BENCH_SYNTH_H

#include <stdint.h>
#include <string.h>

#include "traces/record.h"

#define SYN_BLOCKS 4096
#define SYN_MAXREF 4

enum { REF_STACK, REF_ARRAY, REF_GLOBAL, REF_RANDOM };

struct syn_ref {
	uint8_t kind, size, store;
	uint8_t at;         /* the instruction of the block that makes it */
	int32_t off;        /* stack offset, array stride or global address index */
};

struct synth {
	uint64_t rng;
	uint64_t pc0;                        /* start of text */
	uint32_t start[SYN_BLOCKS];          /* first instruction, in instructions from pc0 */
	uint8_t len[SYN_BLOCKS];             /* instructions */
	uint8_t nref[SYN_BLOCKS];
	struct syn_ref ref[SYN_BLOCKS][SYN_MAXREF];
	uint64_t array_pos[SYN_BLOCKS];
	uint32_t callee[SYN_BLOCKS];         /* where a block's call or far jump goes */
	uint64_t sp;
	uint32_t cur;                        /* current block */
	uint32_t loop_head, loop_left;
	uint64_t nrec, next_time, now;
	uint64_t run_pc;                     /* pending instruction run: start, count, mode */
	uint32_t run_n;
	uint8_t run_mode;
	uint32_t svc_id;
};

static inline uint64_t syn_rand(struct synth *s)
{
	uint64_t z = (s->rng += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline void syn_init(struct synth *s, uint64_t seed)
{
	uint32_t at = 0;
	memset(s, 0, sizeof *s);
	s->rng = seed;
	s->pc0 = 0x400000;
	s->sp = 0x7fff0000 - (seed % 16) * 0x10000;
	for (uint32_t b = 0; b < SYN_BLOCKS; b++) {
		uint64_t r = syn_rand(s);
		s->start[b] = at;
		s->len[b] = (uint8_t)(2 + r % 7 + (r >> 8) % 5);   /* 2..16, mean about 7 */
		at += s->len[b];
		s->nref[b] = (uint8_t)((r >> 16) % (SYN_MAXREF + 1));
		for (int k = 0; k < s->nref[b]; k++) {
			uint64_t q = syn_rand(s);
			struct syn_ref *f = &s->ref[b][k];
			unsigned p = q % 100;
			f->kind = p < 50 ? REF_STACK : p < 75 ? REF_ARRAY : p < 95 ? REF_GLOBAL : REF_RANDOM;
			f->size = (q >> 8) % 4 == 0 ? 8 : (q >> 8) % 8 == 1 ? 1 : 4;
			f->store = (q >> 12) % 3 == 0;
			f->at = (uint8_t)(k == 0 ? (q >> 24) % s->len[b] : s->ref[b][k - 1].at + (q >> 24) % (s->len[b] - s->ref[b][k - 1].at));
			f->off = f->kind == REF_STACK ? (int32_t)((q >> 16) % 32) * 4
				 : f->kind == REF_ARRAY ? f->size
				 : (int32_t)((q >> 16) % 4096);
		}
		s->array_pos[b] = 0x10000000 + (uint64_t)b * 0x10000;
		s->callee[b] = (uint32_t)(syn_rand(s) % SYN_BLOCKS);
	}
	s->next_time = 10000;
}

static inline struct trc_rec syn_data(struct synth *s, uint32_t b, int k, uint8_t mode)
{
	struct syn_ref *f = &s->ref[b][k];
	uint64_t a;
	switch (f->kind) {
	case REF_STACK: a = s->sp - (b / 64 % 8) * 256 + (uint64_t)f->off; break;   /* frame by call depth */
	case REF_ARRAY: a = s->array_pos[b]; s->array_pos[b] += (uint64_t)f->off; break;
	case REF_GLOBAL: a = 0x10000000 - 0x100000 + (uint64_t)f->off * 8; break;
	default: a = 0x20000000 + (syn_rand(s) % (64u << 20) & ~7ull); break;
	}
	if (mode & TRC_F_KSEG0)
		a = 0x80000000ull + (a & 0xffffff);
	return (struct trc_rec){ .type = f->store ? TRC_STORE : TRC_LOAD, .flags = mode, .aux = f->size, .addr = a };
}

static inline size_t syn_flush(struct synth *s, struct trc_rec *out, size_t i)
{
	if (s->run_n) {
		out[i++] = (struct trc_rec){ .type = TRC_INSN, .flags = s->run_mode, .id = s->run_n, .addr = s->run_pc };
		s->run_pc += 4ull * s->run_n;
		s->run_n = 0;
	}
	return i;
}

/* Fill out[0..n) (n >= 64) with the next records; returns how many were
 * written (a block is never split, so it may be a little less than n).
 * Instruction runs are what a capture sees: sequential fetch up to the next
 * data reference, taken branch or mode change is one record. */
static inline size_t syn_fill(struct synth *s, struct trc_rec *out, size_t n)
{
	size_t i = 0;
	while (i + 32 < n) {
		uint32_t b = s->cur;
		uint64_t r = syn_rand(s);
		uint64_t pc = s->pc0 + 4ull * s->start[b];
		uint8_t mode = 0;
		uint16_t svc = (uint16_t)(TRC_SVC_UTLB_MISS + (r >> 8) % 5);
		int k = 0;
		if (r % 40 == 0) {   /* a short kernel excursion: a service */
			mode = TRC_F_KERNEL | TRC_F_KSEG0;
			i = syn_flush(s, out, i);
			out[i++] = (struct trc_rec){ .type = TRC_SVC_BEGIN, .aux = svc, .id = ++s->svc_id };
		}
		if (s->run_n && (s->run_mode != mode || s->run_pc + 4ull * s->run_n != pc))
			i = syn_flush(s, out, i);
		if (!s->run_n) {
			s->run_pc = pc;
			s->run_mode = mode;
		}
		for (unsigned at = 0; at < s->len[b]; at++) {
			s->run_n++;
			for (; k < s->nref[b] && s->ref[b][k].at == at; k++) {
				i = syn_flush(s, out, i);
				out[i++] = syn_data(s, b, k, mode);
			}
		}
		if (mode) {
			i = syn_flush(s, out, i);
			out[i++] = (struct trc_rec){ .type = TRC_SVC_END, .aux = svc };
		}
		if ((r >> 32) % 4096 == 0) {
			i = syn_flush(s, out, i);
			out[i++] = (struct trc_rec){ .type = TRC_PTE_SET, .id = 1, .addr = (r >> 40) & 0xfff,
						     .val = (r >> 20) & 0xffff, .aux = TRC_PROT_VALID | TRC_PROT_WRITE };
		}
		s->now += s->len[b];
		if (s->now >= s->next_time) {
			i = syn_flush(s, out, i);
			out[i++] = (struct trc_rec){ .type = TRC_TIME, .val = s->now };
			s->next_time += 10000;
		}
		/* control flow */
		if (s->loop_left > 0 && b >= s->loop_head + 3) {
			s->loop_left--;
			s->cur = s->loop_head;
		} else {
			unsigned p = (r >> 12) % 100;
			if (p < 75) {
				s->cur = (b + 1) % SYN_BLOCKS;   /* fall through */
			} else if (p < 88) {                  /* a loop starts here */
				s->loop_head = b;
				s->loop_left = (uint32_t)((r >> 24) % 50);
				s->cur = (b + 1) % SYN_BLOCKS;
			} else {                              /* call or return elsewhere */
				s->cur = p < 96 ? s->callee[b] : (uint32_t)((r >> 40) % SYN_BLOCKS);
				s->loop_left = 0;
			}
		}
	}
	i = syn_flush(s, out, i);
	s->nrec += i;
	return i;
}

#endif
