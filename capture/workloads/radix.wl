# Radix (paper 5.1, 5.4): SPLASH-2's radix sort, "sorts 4 million integers
# (-n4194304 -r256 m1073741824)": 4M keys below 2^30, radix 256, so four
# passes of 8 bits.  One thread per CPU in one address space, on the 8 CPUs
# of Figure 8 (5.4: "eight processors and 256MB of memory").  The program is
# in capture/guest_radix.c (histogram, barrier, prefix, barrier, scattered
# permutation, per pass); its loops' instruction counts are assumed from
# SPLASH-2's radix.C.
#
# On IRIX 5.3 (this file's default): one kernel for the 8 CPUs, which sets
# up each thread's page table lazily (5.4), so every thread's first touch of
# every page is a fault, taken under the shared region's lock and memlock.
# On SPLASHOS (paper 4.4): --set capture.guest=splashos --mode disco; the
# same user stream, its page faults handled by the monitor.
capture.guest = irix
capture.wl.program = radix
# 5.4: eight processors
capture.cpus = 8
# one IRIX on the machine, shared by its CPUs (5.4)
capture.os = irix53
capture.os.kernel = smp
# 5.1: -n4194304 -r256 -m1073741824
capture.radix.keys = 4194304
capture.radix.radix = 256
capture.radix.max_key = 1073741824
