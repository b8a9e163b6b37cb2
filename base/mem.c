/* Allocation with fault injection; see mem.h. */
#include "base/mem.h"

#include <stdlib.h>
#include <string.h>

static long fail_countdown;   /* 0: off; k > 0: the k-th next allocation fails */

static int should_fail(void)
{
	if (fail_countdown == 0)
		return 0;
	if (fail_countdown > 1) {
		fail_countdown--;
		return 0;
	}
	return 1;   /* stays failing until reset */
}

void sim_mem_fail_after(long n) { fail_countdown = n < 0 ? 0 : n; }

void *sim_malloc(size_t n) { return should_fail() ? NULL : malloc(n ? n : 1); }

void *sim_calloc(size_t count, size_t size)
{
	return should_fail() ? NULL : calloc(count ? count : 1, size ? size : 1);
}

void *sim_realloc(void *p, size_t n) { return should_fail() ? NULL : realloc(p, n ? n : 1); }

void sim_free(void *p) { free(p); }

char *sim_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = sim_malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}
