/*
 * Importers (DESIGN 6): turn a real program's reference stream (Dinero IV
 * din text, Valgrind lackey output, ChampSim binary traces) into a trace of
 * one user address space on one vCPU, with the page-table records it needs,
 * so that it replays natively and under the monitor like any other trace.
 */
#ifndef CAPTURE_IMPORT_H
#define CAPTURE_IMPORT_H

#include <stdint.h>

#include "base/err.h"
#include "base/params.h"

typedef struct cap_import cap_import;

/* Input formats */
enum cap_import_format {
	CAP_IMPORT_DIN,        /* Dinero IV traditional text: "label hexaddr" */
	CAP_IMPORT_LACKEY,     /* valgrind --tool=lackey --trace-mem=yes */
	CAP_IMPORT_CHAMPSIM,   /* ChampSim input_instr records, plain or xz */
};

/* Where the references came from: the trace header's import.* keys. */
struct cap_import_origin {
	int format;               /* enum cap_import_format */
	const char *source;       /* the input file ("-": standard input), or NULL */
	const char *program;      /* the program run (disco record), or NULL */
	const char *const *argv;  /* its arguments (NULL-terminated), or NULL */
};

/* What an import did; every count is in references of the trace written
 * unless it says otherwise. */
struct cap_import_stats {
	uint64_t input_refs;      /* references read from the input (an M is two) */
	uint64_t insns;           /* instruction fetches written */
	uint64_t loads, stores;   /* data references written (split pieces counted) */
	uint64_t runs;            /* instruction-run records */
	uint64_t split;           /* data references split at a line or page boundary */
	uint64_t pages;           /* virtual pages given a guest physical page */
	uint64_t skipped;         /* input lines or labels ignored (din labels 3, 4) */
	uint64_t input_bytes;     /* bytes read (decompressed for xz) */
};

/* Progress, now and then: references read so far. */
typedef void (*cap_import_progress_fn)(void *ctx, uint64_t input_refs);

/* Set in c what an import changes from the defaults: machine.cpus = 1 (one
 * vCPU) and harder trace compression (trace.zstd_level, trace.chunk_size).
 * Callers apply it before the user's own settings. */
int cap_import_defaults(cfg *c, struct sim_err *err);
/* Open an importer writing trace_path.  c gives the machine (page size, L2
 * geometry for page colours, the VM's memory, the L1 data line at which
 * references are split) and trace.*; its changed parameters and the origin
 * are written into the header.  Returns 0 or an error code. */
int cap_import_open(cap_import **out, const char *trace_path, const cfg *c,
		    const struct cap_import_origin *origin, struct sim_err *err);
void cap_import_set_progress(cap_import *im, cap_import_progress_fn fn, void *ctx);

/* Read one input to its end and append its references.  name is used in
 * messages ("file:line: why", "file: byte N: why").  din and lackey read fd
 * (a file, a pipe, standard input); champsim reads fd and decompresses it
 * when it starts with the xz magic.  Bad input is SIM_EINVAL. */
int cap_import_din(cap_import *im, int fd, const char *name, struct sim_err *err);
int cap_import_lackey(cap_import *im, int fd, const char *name, struct sim_err *err);
int cap_import_champsim(cap_import *im, int fd, const char *name, struct sim_err *err);

/* Flush, write the index, close; fills st (may be NULL); frees im. */
int cap_import_close(cap_import *im, struct cap_import_stats *st, struct sim_err *err);
/* Give up: the trace file is left without an index; frees im. */
void cap_import_abandon(cap_import *im);

const char *cap_import_format_name(int format);   /* "din", "lackey", "champsim" */
int cap_import_format_parse(const char *s, int *format);

extern const struct param_table import_param_table;   /* import.* */

#endif
