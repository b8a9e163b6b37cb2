/* The machine's parameters (DESIGN 4): geometry, latencies, clock. */
#ifndef MACHINE_PARAMS_H
#define MACHINE_PARAMS_H

#include "base/params.h"

extern const struct param_table machine_param_table;

#endif
