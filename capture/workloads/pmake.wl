# Pmake (paper Table 1, 5.2): pmake -J2 compiling GNU chess with gcc on IRIX;
# 3.9 s natively on the uniprocessor.  Many short processes (fork + execve +
# exit), shared compiler binaries, file reads and writes.
# Rates are inputs taken from Table 2 (IRIX 5.3 counts over the run):
#   execve 42 -> 42 jobs; open 667 -> 16 per job; read 733 -> 17.5 per job;
#   write 1610 -> 38 per job; DEMAND-ZERO 4328 -> about 100 4KB pages per job
#   (data_size 400K + stack); QUICK-FAULT 5745 -> about 137 text pages
#   executed per job (text_hot 560K in 16KB clusters of a 2MB cc1);
#   UTLB-MISS 630K -> 15K per job: call_rate and random were lowered towards
#   that; the model still takes about 21K per job (about 900K in all), the rest
#   coming from the sequential walk over the data (analysis/CALIBRATION.md).
# Whole jobs: capture.scale runs 42 x scale of them (at least two).
capture.guest = irix
capture.wl.jobs = 42
capture.wl.parallel = 2
capture.wl.fork = true
capture.wl.insns = 18e6
capture.wl.binaries = 2
capture.wl.text_size = 2M
capture.wl.text_hot = 560K
capture.wl.text_cluster = 16K
capture.wl.call_rate = 0.002
capture.wl.run_length = 3
capture.wl.data_size = 400K
capture.wl.stack_size = 16K
capture.wl.parent_size = 64K
capture.wl.cow_pages = 3
capture.wl.random = 0.002
capture.wl.sequential = 0.15
capture.wl.shared = 0
capture.wl.opens = 16
capture.wl.reads = 17.5
capture.wl.writes = 38
capture.wl.others = 40
capture.wl.read_size = 2K
capture.wl.write_size = 1K
capture.wl.file_size = 64K
capture.wl.shared_file = 0.6
capture.wl.shared_file_size = 1M
# Assumed, no source: a dirty buffer pushed to disk every 8 writes.  A
# written block takes four of the 1 KB writes, so about half the blocks
# written reach the disk within the run.  In a steady state every block
# written and kept (the objects) reaches the disk once, autoup seconds
# after it was dirtied (30 s in SVR4), and the run's window sees that rate;
# the other half stands for temporary files deleted before their push.
# The split is the assumption; it sets most of pmake's disk writes.
capture.wl.flush_writes = 8
