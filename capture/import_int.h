/*
 * Importers, internal: what the format readers (capture/import*.c) call on
 * the shared trace builder.  Not for other modules.
 */
#ifndef CAPTURE_IMPORT_INT_H
#define CAPTURE_IMPORT_INT_H

#include <stdint.h>

#include "capture/import.h"

/* An instruction fetch at pc; sequential = it follows the previous fetch
 * without a jump (the reader knows its format's rule), so it may join the
 * current instruction run.  Returns 0 or an error code in err. */
int cap_imp_insn(cap_import *im, uint64_t pc, int sequential, struct sim_err *err);
/* A load or store of size bytes (>= 1) at addr, after the current run's
 * last instruction (which made it). */
int cap_imp_data(cap_import *im, int store, uint64_t addr, uint64_t size, struct sim_err *err);
/* Account input: references read, bytes read, lines or labels skipped. */
void cap_imp_count(cap_import *im, uint64_t refs, uint64_t bytes, uint64_t skipped);

#endif
