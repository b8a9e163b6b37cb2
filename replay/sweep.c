/* Sweep points: --vary parsing and the cartesian product; see sweep.h. */
#include "replay/sweep.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "replay/replay.h"

static int add_value(struct rpl_vary *v, const char *text, struct sim_err *err)
{
	if (v->nvals == RPL_MAX_VALUES)
		return sim_errf(err, SIM_EINVAL, "--vary %s: more than %d values", v->name, RPL_MAX_VALUES);
	v->vals[v->nvals] = sim_strdup(text);
	if (!v->vals[v->nvals])
		return sim_errf(err, SIM_ENOMEM, "out of memory");
	v->nvals++;
	return SIM_OK;
}

void rpl_vary_free(struct rpl_vary *v)
{
	for (int i = 0; i < v->nvals; i++)
		sim_free(v->vals[i]);
	v->nvals = 0;
}

/* Parse a number of the parameter's kind (sizes may carry suffixes). */
static int number(const struct param_def *d, const char *s, double *out)
{
	char *end;
	if (d->type == PARAM_SIZE) {
		int64_t x;
		if (param_parse_size(s, &x))
			return SIM_EINVAL;
		*out = (double)x;
		return SIM_OK;
	}
	errno = 0;
	*out = strtod(s, &end);
	return (*s && !*end && errno == 0 && isfinite(*out)) ? SIM_OK : SIM_EINVAL;
}

int rpl_vary_parse(const cfg *c, const char *spec, struct rpl_vary *v, struct sim_err *err)
{
	const char *eq = strchr(spec, '=');
	const struct param_def *d;
	char list[4096];
	long idx;
	cfg *probe = NULL;
	int rc = SIM_OK;

	memset(v, 0, sizeof *v);
	if (!eq || eq == spec || (size_t)(eq - spec) >= sizeof v->name)
		return sim_errf(err, SIM_EINVAL, "--vary %s: expected name=v1,v2,... or name=lo:hi:step", spec);
	memcpy(v->name, spec, (size_t)(eq - spec));
	v->name[eq - spec] = '\0';
	idx = cfg_find(c, v->name);
	if (idx < 0) {
		/* let cfg_set word the error, with its suggestions */
		cfg *tmp;
		if (cfg_copy(&tmp, c, err))
			return SIM_ENOMEM;
		rc = cfg_set(tmp, v->name, "0", "--vary", err);
		cfg_free(tmp);
		return rc ? rc : SIM_EINVAL;
	}
	d = cfg_def(c, (size_t)idx);
	snprintf(list, sizeof list, "%s", eq + 1);
	if (strchr(list, ':') && !strchr(list, ',')) {
		char *a = list, *b = strchr(a, ':'), *s2;
		double lo, hi, step;
		*b++ = '\0';
		s2 = strchr(b, ':');
		if (!s2)
			return sim_errf(err, SIM_EINVAL, "--vary %s: a range is lo:hi:step", spec);
		*s2++ = '\0';
		if (d->type != PARAM_INT && d->type != PARAM_SIZE && d->type != PARAM_REAL)
			return sim_errf(err, SIM_EINVAL, "--vary %s: %s is not numeric; list its values", spec, v->name);
		if (number(d, a, &lo) || number(d, b, &hi) || number(d, s2, &step) || step <= 0 || hi < lo)
			return sim_errf(err, SIM_EINVAL, "--vary %s: lo:hi:step must be numbers with step > 0 and hi >= lo", spec);
		if ((hi - lo) / step > RPL_MAX_VALUES)
			return sim_errf(err, SIM_EINVAL, "--vary %s: more than %d values", spec, RPL_MAX_VALUES);
		for (double x = lo; x <= hi * (1 + 1e-12) + 1e-12 && rc == SIM_OK; x += step) {
			char t[64];
			if (d->type == PARAM_REAL)
				snprintf(t, sizeof t, "%.10g", x);
			else
				snprintf(t, sizeof t, "%lld", (long long)llround(x));
			rc = add_value(v, t, err);
		}
	} else {
		char *save, *tok;
		for (tok = strtok_r(list, ",", &save); tok && rc == SIM_OK; tok = strtok_r(NULL, ",", &save))
			rc = add_value(v, tok, err);
	}
	if (rc == SIM_OK && v->nvals == 0)
		rc = sim_errf(err, SIM_EINVAL, "--vary %s: no values", spec);
	/* every value must be valid for the parameter */
	if (rc == SIM_OK && (rc = cfg_copy(&probe, c, err)) == SIM_OK) {
		for (int i = 0; i < v->nvals && rc == SIM_OK; i++)
			rc = cfg_set(probe, v->name, v->vals[i], "--vary", err);
		cfg_free(probe);
	}
	if (rc)
		rpl_vary_free(v);
	return rc;
}

void rpl_sweep_points_free(struct rpl_point *points, int npoints)
{
	for (int i = 0; points && i < npoints; i++)
		cfg_free(points[i].c);
	sim_free(points);
}

int rpl_sweep_points(const cfg *base, int mode, const struct rpl_vary *vary, int nvary,
		     int nseeds, struct rpl_point **points, int *npoints, struct sim_err *err)
{
	long total = nseeds < 1 ? 1 : nseeds;
	int idx[64] = { 0 };
	struct rpl_point *p;
	int64_t seed0 = cfg_int(base, "machine.tlb.seed");

	*points = NULL;
	*npoints = 0;
	if (nvary > 64)
		return sim_errf(err, SIM_EINVAL, "more than 64 --vary options");
	for (int i = 0; i < nvary; i++) {
		total *= vary[i].nvals;
		if (total > 1000000)
			return sim_errf(err, SIM_EINVAL, "the sweep has more than a million points");
	}
	p = sim_calloc((size_t)total, sizeof *p);
	if (!p)
		return sim_errf(err, SIM_ENOMEM, "out of memory for %ld sweep points", total);
	for (long k = 0; k < total; k++) {
		struct rpl_point *q = &p[k];
		size_t used = 0;
		int rc;
		long rest = k;
		q->seed = (int)(rest % (nseeds < 1 ? 1 : nseeds));
		rest /= (nseeds < 1 ? 1 : nseeds);
		for (int i = nvary - 1; i >= 0; i--) {
			idx[i] = (int)(rest % vary[i].nvals);
			rest /= vary[i].nvals;
		}
		rc = cfg_copy(&q->c, base, err);
		for (int i = 0; i < nvary && rc == SIM_OK; i++) {
			rc = cfg_set(q->c, vary[i].name, vary[i].vals[idx[i]], "--vary", err);
			used += (size_t)snprintf(q->label + used, sizeof q->label - used, "%s%s=%s",
						 i ? " " : "", vary[i].name, vary[i].vals[idx[i]]);
			if (used >= sizeof q->label)
				used = sizeof q->label - 1;
		}
		if (rc == SIM_OK && nseeds > 1) {
			char s[32];
			snprintf(s, sizeof s, "%lld", (long long)(seed0 + q->seed));
			rc = cfg_set(q->c, "machine.tlb.seed", s, "--seeds", err);
			snprintf(q->label + used, sizeof q->label - used, "%sseed=%d", used ? " " : "", q->seed);
		}
		if (rc) {
			*npoints = (int)k + 1;
			rpl_sweep_points_free(p, *npoints);
			*npoints = 0;
			return rc;
		}
		q->mode = mode;
		q->hash = cfg_hash(q->c) ^ ((uint64_t)(mode + 1) * 0x9E3779B97F4A7C15ull);
	}
	*points = p;
	*npoints = (int)total;
	return SIM_OK;
}
