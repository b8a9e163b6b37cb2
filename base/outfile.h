/*
 * Output files: every result, trace, plot and table disco writes goes through
 * here, so a failed or interrupted write never damages the file it replaces.
 * Bytes go to a temporary file beside the target; commit syncs it and renames
 * it over the target.
 */
#ifndef BASE_OUTFILE_H
#define BASE_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

#include "base/err.h"

typedef struct sim_out sim_out;

/* Open and finish an output file.
 *
 * sim_out_open resolves path through symbolic links (the link's target is
 * replaced, not the link) and then:
 *   - a regular file or nothing there: writes PATH.tmp-XXXXXX in the same
 *     folder, with the old file's mode (new files: 0666 less the umask);
 *   - a character device (/dev/null): writes it directly;
 *   - anything else (folder, FIFO, socket, block device): SIM_EINVAL.
 * The temporary file is locked (flock) until commit or abort, so tools that
 * modify files in place can see that its writer is still running.
 * sim_out_commit flushes the stream (if any), fsyncs, closes and renames the
 * temporary file over the target; on failure it removes it and the target is
 * untouched.  sim_out_abort closes and removes it.  Both free o (NULL is
 * allowed).  Errors name the target and the reason (strerror). */
int sim_out_open(sim_out **out, const char *path, struct sim_err *err);
int sim_out_commit(sim_out *o, struct sim_err *err);
void sim_out_abort(sim_out *o);

/* Writing: the descriptor, or one stdio stream on it (owned by o; do not
 * fclose it); the path bytes go to (the temporary file or the device, for
 * programs that open it by name) and the target's resolved path. */
int sim_out_fd(const sim_out *o);
FILE *sim_out_stream(sim_out *o, struct sim_err *err);
const char *sim_out_path(const sim_out *o);
const char *sim_out_target(const sim_out *o);
/* Write all n bytes at the descriptor's offset; SIM_EIO names the target,
 * the byte offset and errno.  Later writes and commit fail after an error. */
int sim_out_write(sim_out *o, const void *buf, size_t n, struct sim_err *err);

/* A whole file from one buffer: open + write + commit. */
int sim_out_write_file(const char *path, const void *buf, size_t n, struct sim_err *err);

/* SIM_EINVAL (naming both) if output and input are the same file (same device
 * and inode, through links); SIM_OK otherwise, also when either is absent. */
int sim_out_not_input(const char *output, const char *input, struct sim_err *err);

/* 1 if path (through links) is a regular file starting with the n bytes of
 * magic, 0 otherwise (absent, shorter, unreadable): writers use it to refuse
 * replacing a file of another kind (a trace with results). */
int sim_file_has_magic(const char *path, const void *magic, size_t n);

/* Exclusive use of a file by one process: flock on PATH.lock (holding the
 * holder's pid), taken without waiting.  SIM_EIO naming the holding pid if
 * another process has it (and saying so when that pid has ended but a
 * process it started still holds the lock).  sim_lock_release (NULL
 * allowed) removes the lock file and frees l; the lock also ends with the
 * process, but a process killed before it can release leaves the file:
 * the next sim_lock_take takes that stale file over, and
 * sim_lock_stale_pid then gives the pid it named (0 if the lock was not
 * stale), for the caller to say so. */
struct sim_lock;
int sim_lock_take(const char *path, struct sim_lock **l, struct sim_err *err);
long sim_lock_stale_pid(const struct sim_lock *l);
void sim_lock_release(struct sim_lock *l);

#endif
