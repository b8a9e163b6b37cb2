/*
 * One pass, many configurations (DESIGN 8): the trace is decoded once and
 * every decoded chunk is handed to each configuration's engine.
 *
 * Definitions: for each stream, chunk k is the k-th block the reader gives;
 * cursor[i][s] is the next chunk engine i will ask of stream s, so it holds
 * chunk cursor - 1 (its pointer stays valid until its next request).
 * Invariants:
 *   (1) cached chunks of stream s are exactly [first[s], next[s]);
 *   (2) a chunk is freed only when every engine still running has a cursor
 *       at least two past it (nobody holds it or will read it);
 *   (3) engines are stepped slowest first (by records done), a step at a
 *       time, so the cache spans the distance between the slowest and the
 *       fastest engine, not the trace.
 */
#include <string.h>

#include "base/mem.h"
#include "replay/replay.h"
#include "traces/trace.h"

#define STEP_RECORDS (1u << 20)

struct cchunk {
	struct trc_rec *recs;
	size_t n;
};

struct scache {
	struct cchunk *ring;   /* chunk k at ring[k % cap] */
	size_t cap;
	uint64_t first, next;
	int eof;
};

struct shared {
	trc_reader *r;
	int n;
	uint32_t ns;
	struct scache *sc;     /* [ns] */
	uint64_t *cursor;      /* [n * ns] */
	int *active;           /* [n] */
	struct sctx { struct shared *sh; int i; } *ctx;
	struct rpl_source *src;
	struct rpl_profile **prof;   /* [n] read-ahead profiles, NULL where none is needed */
};

static void release(struct shared *sh, uint32_t s)
{
	struct scache *c = &sh->sc[s];
	uint64_t low = c->next;
	for (int i = 0; i < sh->n; i++)
		if (sh->active[i]) {
			uint64_t held = sh->cursor[(size_t)i * sh->ns + s];
			held = held ? held - 1 : 0;
			if (held < low)
				low = held;
		}
	while (c->first < low) {   /* keeps (2) */
		struct cchunk *k = &c->ring[c->first % c->cap];
		sim_free(k->recs);
		k->recs = NULL;
		c->first++;
	}
}

static int grow(struct scache *c)
{
	size_t ncap = c->cap ? c->cap * 2 : 8;
	struct cchunk *nr = sim_calloc(ncap, sizeof *nr);
	if (!nr)
		return SIM_ENOMEM;
	for (uint64_t k = c->first; k < c->next; k++)
		nr[k % ncap] = c->ring[k % c->cap];
	sim_free(c->ring);
	c->ring = nr;
	c->cap = ncap;
	return SIM_OK;
}

static int shared_next(void *ctxp, uint32_t s, const struct trc_rec **recs, size_t *n,
		       struct sim_err *err)
{
	struct shared *sh = ((struct sctx *)ctxp)->sh;
	int i = ((struct sctx *)ctxp)->i;
	struct scache *c = &sh->sc[s];
	uint64_t *cur = &sh->cursor[(size_t)i * sh->ns + s];
	struct cchunk *k;

	if (*cur == c->next) {
		const struct trc_rec *dec;
		size_t dn;
		int rc;
		if (c->eof) {
			*n = 0;
			return SIM_OK;
		}
		rc = trc_next_block(sh->r, s, &dec, &dn, err);
		if (rc)
			return rc;
		if (dn == 0) {
			c->eof = 1;
			*n = 0;
			return SIM_OK;
		}
		if (c->next - c->first == c->cap && grow(c))
			return sim_errf(err, SIM_ENOMEM, "out of memory caching decoded chunks");
		k = &c->ring[c->next % c->cap];
		k->recs = sim_malloc(dn * sizeof *dec);
		if (!k->recs)
			return sim_errf(err, SIM_ENOMEM, "out of memory caching decoded chunks");
		memcpy(k->recs, dec, dn * sizeof *dec);
		k->n = dn;
		c->next++;
	}
	k = &c->ring[*cur % c->cap];
	*recs = k->recs;
	*n = k->n;
	(*cur)++;
	release(sh, s);
	return SIM_OK;
}

int rpl_run_shared(const cfg *const *cfgs, const int *modes, int n, struct trc_reader *r,
		   struct rpl_results *res, rpl_progress_fn progress, void *progress_ctx,
		   struct sim_err *err)
{
	struct shared sh = { 0 };
	rpl_engine **eng = NULL;
	int rc = SIM_OK, left;

	memset(res, 0, (size_t)n * sizeof *res);
	sh.r = r;
	sh.n = n;
	sh.ns = trc_reader_info(r)->nstreams;
	sh.sc = sim_calloc(sh.ns, sizeof *sh.sc);
	sh.cursor = sim_calloc((size_t)n * sh.ns, sizeof *sh.cursor);
	sh.active = sim_calloc((size_t)n, sizeof *sh.active);
	sh.ctx = sim_calloc((size_t)n, sizeof *sh.ctx);
	sh.src = sim_calloc((size_t)n, sizeof *sh.src);
	sh.prof = sim_calloc((size_t)n, sizeof *sh.prof);
	eng = sim_calloc((size_t)n, sizeof *eng);
	if (!sh.sc || !sh.cursor || !sh.active || !sh.ctx || !sh.src || !sh.prof || !eng) {
		rc = sim_errf(err, SIM_ENOMEM, "out of memory for a shared replay");
		goto out;
	}
	/* the first passes of the configurations whose migration policy reads
	 * ahead, one each, before the shared pass (r is rewound after each) */
	for (int i = 0; i < n; i++) {
		rc = rpl_read_ahead(cfgs[i], modes[i], r, &sh.prof[i], err);
		if (rc) {
			sim_err_prefix(err, "configuration %d", i + 1);
			goto out;
		}
	}
	for (int i = 0; i < n; i++) {
		sh.ctx[i].sh = &sh;
		sh.ctx[i].i = i;
		sh.src[i].nstreams = sh.ns;
		sh.src[i].next_block = shared_next;
		sh.src[i].ctx = &sh.ctx[i];
		sh.src[i].profile = sh.prof[i];
		sh.src[i].interrupt = NULL;
		rc = rpl_engine_new(&eng[i], cfgs[i], modes[i], &sh.src[i], &res[i], NULL, NULL, err);
		if (rc) {
			sim_err_prefix(err, "configuration %d", i + 1);
			goto out;
		}
		sh.active[i] = 1;
	}
	for (left = n; left > 0;) {
		int slow = -1, done = 0;
		for (int i = 0; i < n; i++)   /* keeps (3) */
			if (sh.active[i] && (slow < 0 || res[i].records < res[slow].records))
				slow = i;
		rc = rpl_engine_step(eng[slow], STEP_RECORDS, &done);
		if (rc) {
			sim_err_prefix(err, "configuration %d", slow + 1);
			goto out;
		}
		if (done) {
			sh.active[slow] = 0;
			left--;
			for (uint32_t s = 0; s < sh.ns; s++)
				release(&sh, s);
		}
		if (progress)
			progress(progress_ctx, res[slow].records, res[slow].cycles);
	}
out:
	for (int i = 0; eng && i < n; i++)
		rpl_engine_free(eng[i]);
	if (rc)
		for (int i = 0; i < n; i++)
			rpl_results_free(&res[i]);
	for (uint32_t s = 0; sh.sc && s < sh.ns; s++) {
		for (uint64_t k = sh.sc[s].first; k < sh.sc[s].next; k++)
			sim_free(sh.sc[s].ring[k % sh.sc[s].cap].recs);
		sim_free(sh.sc[s].ring);
	}
	sim_free(sh.sc);
	sim_free(sh.cursor);
	sim_free(sh.active);
	sim_free(sh.ctx);
	sim_free(sh.src);
	for (int i = 0; sh.prof && i < n; i++)
		rpl_profile_free(sh.prof[i]);
	sim_free(sh.prof);
	sim_free(eng);
	return rc;
}
