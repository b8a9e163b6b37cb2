/* The trace format's knobs. */
#ifndef TRACES_PARAMS_H
#define TRACES_PARAMS_H

#include "base/params.h"

extern const struct param_table trace_param_table;

#endif
