/*
 * A record source whose chunks a second thread reads, checks and decodes
 * ahead of the replay (replay.h: rpl_prefetch_start).
 *
 * NOTES ON THE DESIGN
 *
 * Definitions.  The "decoder" is the thread that owns the trace reader from
 * start to stop: it alone calls it.  The "consumer" is the replay's thread,
 * calling next_block through the source.  Each stream has a ring of
 * `ring` slots, each a record array holding one decoded block (at most
 * TRC_BLOCK records: traces/trace.h): 64 slots a stream, fewer from five
 * streams on so that they hold at most 256 blocks (24 MiB) in all, at
 * least 4.  The deeper the ring, the longer the decoder may be kept off a
 * core (by other jobs) before the consumer has to wait for it.
 *
 * Per stream, under the lock: head (the slot the consumer reads next, or
 * holds), filled (slots decoded and not yet released, the held one
 * included), held (the consumer holds slots[head] until its next call for
 * the stream), eof (the decoder is done with the stream: drained, or
 * failed with rc and err, delivered once the decoded slots before it are).
 *
 * Invariants.
 *   (1) A stream's records reach the consumer in the order the reader gives
 *       them, block after block, whatever the timing: the decoder fills slot
 *       (head + filled) mod ring, the consumer reads slot head.  So a replay
 *       through this source computes what one through the reader does (the
 *       engine never depends on how a source cuts a stream into blocks).
 *   (2) The slot the decoder fills is neither held nor filled: it decodes
 *       into it without the lock, and only it changes `filled` upwards.
 *   (3) The decoder stops at a stream's first error; the consumer gets that
 *       error where the reader would have given it, after the chunks before.
 *   (4) Memory: at most `ring` record arrays per stream (one held, the
 *       rest ready or being decoded), 96 KiB each.
 *
 * Which stream the decoder serves: the one the consumer waits for, else
 * the one with the fewest decoded slots (the lowest index on a tie), else
 * it sleeps until the consumer has released half a stream's ring (or waits
 * for a stream).  Waking it for each released slot would have the two
 * threads take turns, a sleep and a wake-up per block on each side, and
 * neither run long enough for the second core to pay.
 */
#include <pthread.h>
#include <string.h>

#include "base/mem.h"
#include "replay/replay.h"
#include "traces/trace.h"

#define RING_MAX 64
#define RING_MIN 4
#define RING_ALL 256

struct slot {
	struct trc_rec *buf;
	size_t cap;                 /* bytes */
	size_t n;
};

struct pstream {
	struct slot *slot;          /* [ring] */
	unsigned head, filled;
	int held, eof, rc;
	struct sim_err err;
};

struct rpl_prefetch {
	trc_reader *r;
	uint32_t ns;
	unsigned ring;              /* slots a stream */
	struct pstream *s;          /* [ns] */
	pthread_mutex_t mu;
	pthread_cond_t more;        /* to the consumer: a slot was filled or a stream ended */
	pthread_cond_t room;        /* to the decoder: a slot was released, or a stream is wanted, or stop */
	long want;                  /* the stream the consumer waits for, -1 none */
	int stop;
	pthread_t thread;
};

/* The stream to decode next, or -1 (under the lock). */
static long pick(const struct rpl_prefetch *p)
{
	long best = -1;
	if (p->want >= 0 && !p->s[p->want].eof && p->s[p->want].filled < p->ring)
		return p->want;
	for (uint32_t i = 0; i < p->ns; i++) {
		const struct pstream *s = &p->s[i];
		if (!s->eof && s->filled < p->ring && (best < 0 || s->filled < p->s[best].filled))
			best = (long)i;
	}
	return best;
}

static void *decoder(void *arg)
{
	struct rpl_prefetch *p = arg;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		long i;
		struct pstream *s;
		struct slot *sl;
		struct sim_err err = { 0 };
		size_t n = 0;
		int rc;
		while (!p->stop && (i = pick(p)) < 0)
			pthread_cond_wait(&p->room, &p->mu);
		if (p->stop)
			break;
		s = &p->s[i];
		sl = &s->slot[(s->head + s->filled) % p->ring];
		pthread_mutex_unlock(&p->mu);
		rc = trc_next_block_into(p->r, (uint32_t)i, &sl->buf, &sl->cap, &n, &err);   /* (2) */
		pthread_mutex_lock(&p->mu);
		if (rc != SIM_OK) {
			s->eof = 1;
			s->rc = rc;
			s->err = err;
		} else if (n == 0) {
			s->eof = 1;
		} else {
			sl->n = n;
			s->filled++;
		}
		pthread_cond_broadcast(&p->more);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static int prefetch_next(void *ctx, uint32_t stream, const struct trc_rec **recs, size_t *n,
			 struct sim_err *err)
{
	struct rpl_prefetch *p = ctx;
	struct pstream *s;
	int rc = SIM_OK;

	*recs = NULL;
	*n = 0;
	if (stream >= p->ns)
		return sim_errf(err, SIM_EINVAL, "stream %u: the trace has %u streams", stream, p->ns);
	s = &p->s[stream];
	pthread_mutex_lock(&p->mu);
	if (s->held) {   /* the consumer is done with the block it held */
		s->held = 0;
		s->head = (s->head + 1) % p->ring;
		if (--s->filled == p->ring / 2)
			pthread_cond_signal(&p->room);
	}
	while (s->filled == 0 && !s->eof) {
		p->want = stream;
		pthread_cond_signal(&p->room);
		pthread_cond_wait(&p->more, &p->mu);
	}
	if (p->want == (long)stream)
		p->want = -1;
	if (s->filled) {
		s->held = 1;
		*recs = s->slot[s->head].buf;
		*n = s->slot[s->head].n;
	} else if (s->rc != SIM_OK) {
		rc = s->rc;
		*err = s->err;
	} else {
		/* drained: its arrays go (the decoder is done with the stream) */
		for (unsigned k = 0; k < p->ring; k++) {
			sim_free(s->slot[k].buf);
			s->slot[k].buf = NULL;
			s->slot[k].cap = 0;
		}
	}
	pthread_mutex_unlock(&p->mu);
	return rc;
}

int rpl_prefetch_start(rpl_prefetch **out, struct rpl_source *src, struct trc_reader *r,
		       struct sim_err *err)
{
	struct rpl_prefetch *p = sim_calloc(1, sizeof *p);
	*out = NULL;
	if (!p)
		return sim_errf(err, SIM_ENOMEM, "out of memory for the decoding thread");
	p->r = r;
	p->ns = trc_reader_info(r)->nstreams;
	p->want = -1;
	p->ring = RING_ALL / p->ns;
	p->ring = p->ring > RING_MAX ? RING_MAX : p->ring < RING_MIN ? RING_MIN : p->ring;
	p->s = sim_calloc(p->ns, sizeof *p->s);
	for (uint32_t i = 0; p->s && i < p->ns; i++)
		if (!(p->s[i].slot = sim_calloc(p->ring, sizeof *p->s[i].slot)))
			break;
	if (!p->s || !p->s[p->ns - 1].slot) {
		for (uint32_t i = 0; p->s && i < p->ns; i++)
			sim_free(p->s[i].slot);
		sim_free(p->s);
		sim_free(p);
		return sim_errf(err, SIM_ENOMEM, "out of memory for the decoding thread");
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->more, NULL);
	pthread_cond_init(&p->room, NULL);
	if (pthread_create(&p->thread, NULL, decoder, p) != 0) {
		pthread_mutex_destroy(&p->mu);
		pthread_cond_destroy(&p->more);
		pthread_cond_destroy(&p->room);
		for (uint32_t i = 0; i < p->ns; i++)
			sim_free(p->s[i].slot);
		sim_free(p->s);
		sim_free(p);
		return sim_errf(err, SIM_EINTERNAL, "cannot start the decoding thread");
	}
	src->nstreams = p->ns;
	src->next_block = prefetch_next;
	src->ctx = p;
	src->profile = NULL;
	src->interrupt = NULL;
	*out = p;
	return SIM_OK;
}

void rpl_prefetch_stop(rpl_prefetch *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_signal(&p->room);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thread, NULL);
	for (uint32_t i = 0; i < p->ns; i++) {
		for (unsigned k = 0; k < p->ring; k++)
			sim_free(p->s[i].slot[k].buf);
		sim_free(p->s[i].slot);
	}
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->more);
	pthread_cond_destroy(&p->room);
	sim_free(p->s);
	sim_free(p);
}
