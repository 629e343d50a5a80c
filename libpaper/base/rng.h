/*
 * Private: counter-based random numbers for slippage jitter.
 * A draw is a pure function of (seed, counter), so a broker rebuilt from its event log draws
 * the same numbers as the original without saving generator state.
 */
#ifndef PAPER_PRIV_RNG_H
#define PAPER_PRIV_RNG_H

#include <stdint.h>

/* SplitMix64 finaliser (Steele, Lea, Flood 2014): a bijective 64-bit mix. */
static inline uint64_t rng_mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Uniform in [-1, 1) from draw number n of stream seed. */
static inline double rng_symmetric(uint64_t seed, uint64_t n)
{
	uint64_t x = rng_mix(seed + UINT64_C(0x9e3779b97f4a7c15) * (n + 1));
	return (double)(x >> 11) * (2.0 / 9007199254740992.0) - 1.0;
}

#endif
