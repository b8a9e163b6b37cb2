/*
 * Statistics over replicas (DESIGN 11): several seeds of one sweep point give
 * a mean, a standard deviation and a 95% confidence interval (Student t), by
 * GSL.
 */
#ifndef ANALYSIS_STATS_H
#define ANALYSIS_STATS_H

#include <stddef.h>

struct an_summary {
	size_t n;          /* values summarized */
	double mean;       /* NaN when n = 0 */
	double sd;         /* sample standard deviation (n - 1 in the denominator); NaN when n < 2 */
	double ci95;       /* half-width of the 95% confidence interval of the mean,
			    * t(0.975, n - 1) * sd / sqrt(n); NaN when n < 2 */
};

/* Summarize x[0..n-1] (finite values; x may be NULL when n = 0). */
void an_summarize(const double *x, size_t n, struct an_summary *s);

/* The two-sided 95% Student t quantile for n - 1 degrees of freedom
 * (t(0.975, n - 1)); NaN when n < 2. */
double an_t95(size_t n);

#endif
