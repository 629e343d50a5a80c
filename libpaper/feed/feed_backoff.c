/* Reconnect delays (feed_backoff.h). */
#include "feed/feed_backoff.h"

#include "base/rng.h"

uint32_t paper__backoff_ms(uint32_t base_ms, uint32_t cap_ms, unsigned attempt, uint64_t seed,
			   uint64_t draw)
{
	uint64_t step = base_ms;
	for (unsigned i = 0; i < attempt && step < cap_ms; i++)
		step *= 2;
	if (step > cap_ms)
		step = cap_ms;
	/* rng_symmetric is uniform in [-1, 1): map it to [0, 1). */
	double u = (rng_symmetric(seed, draw) + 1.0) / 2.0;
	return (uint32_t)(step / 2 + (uint64_t)(u * (double)(step - step / 2)));
}
