/*
 * Forked worker processes: what every worker does first, and the writes
 * that carry its results to the parent over a pipe.  The sweep's workers
 * (replay/sweep.c) and the figures' jobs (analysis/jobs.c) use them.
 */
#ifndef BASE_WORKER_H
#define BASE_WORKER_H

#include <stddef.h>
#include <sys/types.h>

/* In a worker just forked from `parent`: the default handlers for SIGINT,
 * SIGTERM, SIGPIPE and SIGALRM (the parent's are not the worker's), no
 * signal blocked (the parent blocks them around the fork), and SIGTERM
 * when the parent dies.  Returns -1 if the parent is already gone (the
 * worker should _exit), else 0. */
int sim_worker_begin(pid_t parent);

/* Write all n bytes of buf to fd, again after EINTR; 0, or -1 on an error
 * or a write that makes no progress. */
int sim_write_all(int fd, const void *buf, size_t n);

#endif
