/*
 * The scorecard of the report: each number of the paper the model is held
 * to, the band inside which the model's number counts as reproduced (one
 * table, analysis/scorecard.c, each band with its source), and per number
 * the verdict "within band" or "misses".
 */
#ifndef ANALYSIS_SCORECARD_H
#define ANALYSIS_SCORECARD_H

#include <stdio.h>

/* How a band judges a model number m against the paper's p. */
enum an_band_kind {
	AN_BAND_RANGE = 1,    /* lo <= m <= hi */
	AN_BAND_SLOWDOWN,     /* |m/p - 1| <= lo and |(m-1)/(p-1) - 1| <= hi */
};

/* A band's hi at or above this: no upper bound ("at least lo"). */
#define AN_BAND_OPEN 1e9

struct an_band {
	const char *id;       /* numbers.json id; one '*' matches any run of characters */
	int kind;             /* enum an_band_kind */
	double lo, hi;
	const char *figure;   /* the report's key: fig6, table2, table3, fig8, fig9 */
	const char *source;   /* where the band comes from */
	const char *why;      /* when it misses: what the model lacks (analysis/CALIBRATION.md) */
};

/* The band for numbers.json id `id`; NULL when the number is not scored
 * (inputs such as Table 2's counts, or numbers the paper gives no value for). */
const struct an_band *an_band_find(const char *id);

/* Whether model number m is inside band b, the paper's number being p. */
int an_band_holds(const struct an_band *b, double p, double m);

#define AN_SCORES_MAX 256

struct an_score {
	char id[96];
	char unit[16];
	double paper, model;  /* paper: NaN when the paper states only a range */
	const struct an_band *band;
	int holds;
};

/* Every number a report states, in the order it states them. */
struct an_scores {
	int n;
	struct an_score s[AN_SCORES_MAX];
};

/* Record a number (beyond AN_SCORES_MAX numbers: dropped). */
void an_scores_add(struct an_scores *sc, const char *id, double paper, double model,
		   const char *unit);

/* Of the scored numbers of figure `figure` ("fig6", ...): how many there
 * are (*total) and how many are within their band (*held). */
void an_scores_count(const struct an_scores *sc, const char *figure, int *held, int *total);

/* The scorecard table (markdown): paper, model, difference, verdict, band. */
void an_scorecard_write(FILE *f, const struct an_scores *sc);

/* The scorecard over n runs of the same figures, one per seed (seeds[i]
 * for runs[i]): per scored number of runs[0], the model's number in each
 * run, their mean and range, how many runs are within band, and the
 * verdict of the mean, which is what the table's count states.  The means
 * are added to *mean (as a scorecard of their own, for an_misses_write). */
void an_scorecard_seeds_write(FILE *f, const struct an_scores *runs, int n, const long long *seeds,
			      struct an_scores *mean);

/* Number id's model value in sc; NaN when sc has no such number. */
double an_scores_model(const struct an_scores *sc, const char *id);

/* Number id over runs[0..n-1]: the mean, least and greatest of the runs
 * that have it, and how many do (got; 0: the others are NaN). */
struct an_span { double mean, min, max; int got; };
void an_scores_span(const struct an_scores *runs, int n, const char *id, struct an_span *sp);

/* "Where the model misses, and why": one bullet per band that misses at
 * least once, naming the numbers. */
void an_misses_write(FILE *f, const struct an_scores *sc);

#endif
