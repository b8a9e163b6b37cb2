/*
 * Errors: every library function that can fail returns an int code (0 on
 * success, a negative SIM_E* code otherwise) and fills a struct sim_err with
 * a message saying what failed, where and why.  Only the CLI prints and exits.
 */
#ifndef BASE_ERR_H
#define BASE_ERR_H

#include <stddef.h>

#define SIM_OK        0
#define SIM_EINVAL   (-1)   /* bad usage or bad input: a value, a file's contents */
#define SIM_ECORRUPT (-2)   /* a file is damaged or not what it claims to be */
#define SIM_EVERSION (-3)   /* a file of a newer, unknown major version */
#define SIM_EIO      (-4)   /* the operating system refused: open, read, write */
#define SIM_ENOMEM   (-5)   /* out of memory */
#define SIM_ENOTSUP  (-6)   /* not available in this build or configuration */
#define SIM_EINTERNAL (-7)  /* a bug: an invariant did not hold */

#define SIM_ERR_MSG 1024

struct sim_err {
	int code;               /* last SIM_E* code, SIM_OK if none */
	char msg[SIM_ERR_MSG];  /* "what: where: why", without a trailing newline */
};

/* Set err (if not NULL) and return code; printf-style message. */
int sim_errf(struct sim_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix an already-set message with more context ("file.dtr: ..."). */
int sim_err_prefix(struct sim_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void sim_err_clear(struct sim_err *err);

/* A short name for a code: "invalid input", "corrupt file", ... */
const char *sim_strerror(int code);

/* The process exit status a CLI uses for a code: 2 for bad usage or bad
 * input (EINVAL, ECORRUPT, EVERSION), 1 for everything else, 0 for SIM_OK. */
int sim_exit_status(int code);

#endif
