/*
 * Allocation: a thin layer over malloc that tests can make fail on the Nth
 * call (fault injection), so that every out-of-memory path can be exercised.
 * Callers check for NULL and turn it into SIM_ENOMEM.
 */
#ifndef BASE_MEM_H
#define BASE_MEM_H

#include <stddef.h>

void *sim_malloc(size_t n);
void *sim_calloc(size_t count, size_t size);
void *sim_realloc(void *p, size_t n);
void sim_free(void *p);
char *sim_strdup(const char *s);

/* A hint for a large array read at random (a directory, a per-page table):
 * back the n bytes from p with the host's huge pages where it can, so that
 * its accesses miss the host's TLB far less.  Changes no byte; a no-op
 * where the host has no such pages. */
void sim_mem_huge(void *p, size_t n);

/* Fault injection (tests): the n-th allocation from now (1 = the next one)
 * and every later one fail; n = 0 turns injection off. */
void sim_mem_fail_after(long n);

#endif
