/*
 * The text form of traces: one record per line, a form a person reads and
 * writes (traces/FORMAT.md, "Text form").  trc_text_asm() turns a text file
 * into a trace file; trc_text_dump() prints a trace's records as text, so
 * that dump | asm gives back the same bytes.
 */
#ifndef TRACES_TEXT_H
#define TRACES_TEXT_H

#include <stdint.h>
#include <stdio.h>

#include "base/err.h"
#include "base/params.h"
#include "traces/trace.h"

struct trc_text_opts {
	size_t chunk_size;          /* 0: trace.chunk_size from the text's .config lines, else 1M */
	int zstd_level;             /* 0: trace.zstd_level from the text's .config lines, else 3 */
	const char *extra_config;   /* "key = value\n" lines appended to the header's configuration */
	/* When set, a configuration of every parameter: each .config line is
	 * applied to it as a replay applies the header's lines, so that a line
	 * a replay would refuse (an unknown name, a value out of range, no
	 * '=') is an error naming its file and line.  NULL: not checked. */
	cfg *check;
};

/* Assemble text_path into the trace file out_path.  Errors name the text
 * file and line (SIM_EINVAL) or the output file (SIM_EIO).  On error the
 * output file may be left incomplete. */
int trc_text_asm(const char *text_path, const char *out_path, const struct trc_text_opts *o,
		 struct sim_err *err);

/* One record as a line of text, without the newline, into buf (n bytes;
 * 160 always suffice).  Returns the line's length. */
size_t trc_text_format(const struct trc_rec *r, char *buf, size_t n);

/* Parse one record line (no directives, no comment) into *r.  Returns 0, or
 * SIM_EINVAL with the reason in why. */
int trc_text_parse(const char *line, struct trc_rec *r, char *why, size_t whylen);

struct trc_dump_opts {
	int64_t stream;             /* -1: every stream */
	uint64_t from;              /* first record (index within its stream) */
	uint64_t limit;             /* records per stream; 0: no limit */
	/* which configuration lines of the header to print (NULL: all); those
	 * left out are counted in a comment */
	int (*config_shown)(void *ctx, const char *line, size_t len);
	void *config_ctx;
};

/* Print the header as directives, then each selected stream's records
 * (".stream K" before each).  Returns 0 or the reader's error. */
int trc_text_dump(trc_reader *r, FILE *out, const struct trc_dump_opts *o, struct sim_err *err);

#endif
