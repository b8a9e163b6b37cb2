/*
 * The IRIX guest model (capture/guest_os.c): an IRIX 5.3 or 6.2 kernel
 * (capture.os.*) running a workload (capture.wl.*, capture/workloads/).
 */
#ifndef CAPTURE_GUEST_OS_H
#define CAPTURE_GUEST_OS_H

#include "base/params.h"
#include "capture/capture.h"

extern const struct cap_guest_ops cap_guest_irix;
extern const struct param_table guest_os_param_table;   /* capture.os*, capture.wl.* */
/* SPLASH-2's programs (capture/guest_splash.c, guest_radix.c, guest_raytrace.c) */
extern const struct param_table guest_splash_param_table;     /* capture.wl.program, capture.radix.region_wake */
extern const struct param_table guest_radix_param_table;      /* capture.radix.* */
extern const struct param_table guest_raytrace_param_table;   /* capture.raytrace.* */

#endif
