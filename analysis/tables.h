/* Every parameter table of the program, NULL-terminated: what `disco params`
 * lists and what a configuration of the whole model holds. */
#ifndef ANALYSIS_TABLES_H
#define ANALYSIS_TABLES_H

#include "base/params.h"

extern const struct param_table *const disco_param_tables[];

#endif
