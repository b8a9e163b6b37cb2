/* Allocation with fault injection; see mem.h. */
#include "base/mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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

void sim_mem_huge(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
	const uintptr_t huge = (uintptr_t)2 << 20;   /* x86-64's and arm64's 2 MB */
	uintptr_t from = ((uintptr_t)p + huge - 1) & ~(huge - 1), to = ((uintptr_t)p + n) & ~(huge - 1);
	/* only whole huge pages inside the array: madvise needs them aligned,
	 * and the allocation's first and last bytes may share pages with
	 * others; the kernel may refuse (no THP): it is a hint */
	if (p && to > from)
		(void)madvise((void *)from, to - from, MADV_HUGEPAGE);
#else
	(void)p;
	(void)n;
#endif
}

char *sim_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = sim_malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}
