/*
 * HDF5 helpers shared by the results files (results_h5.c) and the sweep
 * tables (sweep.c).  Internal to analysis/.
 */
#ifndef ANALYSIS_H5UTIL_H
#define ANALYSIS_H5UTIL_H

#include <hdf5.h>

/* Silence HDF5's own error printing: every failure is reported through a
 * sim_err naming the file instead. */
void an_h5_quiet(void);

/* A variable-length UTF-8 string type (close it with H5Tclose), or -1. */
hid_t an_h5_str_type(void);

#endif
