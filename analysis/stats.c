/* Replica statistics with GSL; see stats.h. */
#include "analysis/stats.h"

#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

double an_t95(size_t n)
{
	if (n < 2)
		return NAN;
	return gsl_cdf_tdist_Pinv(0.975, (double)(n - 1));
}

void an_summarize(const double *x, size_t n, struct an_summary *s)
{
	s->n = n;
	s->mean = n ? gsl_stats_mean(x, 1, n) : NAN;
	if (n < 2) {
		s->sd = NAN;
		s->ci95 = NAN;
		return;
	}
	s->sd = gsl_stats_sd_m(x, 1, n, s->mean);
	s->ci95 = an_t95(n) * s->sd / sqrt((double)n);
}
