/*
 * The model's one pseudo-random generator: splitmix64 (Steele, Lea and
 * Flood, 2014), a 64-bit state advanced by a constant and mixed.  Every
 * random choice of the model (TLB replacement, the guests' workloads) draws
 * from it, so that a seed gives the same run on every machine.
 */
#ifndef BASE_RNG_H
#define BASE_RNG_H

#include <stdint.h>

/* The next 64 random bits of state *s. */
static inline uint64_t sim_rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* A uniform double in [0, 1): the top 53 bits of the next draw. */
static inline double sim_rng_unif(uint64_t *s)
{
	return (double)(sim_rng_next(s) >> 11) * (1.0 / 9007199254740992.0);
}

#endif
