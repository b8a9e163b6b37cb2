# Engineering (paper Table 1, 5.2): one VCS Verilog simulation and one
# Flashlite memory-system simulation on IRIX; 3.5 s natively on the
# uniprocessor.  Two long-running processes with large footprints: compute
# bound, little OS activity (Table 3 on the Origin: 0.2 s of kernel in 65 s),
# TLB-miss heavy: 1.2 TLB misses per 1000 cycles on the Origin (section 6.2),
# the input the data footprint and random share were calibrated to
# (analysis/CALIBRATION.md).
capture.guest = irix
capture.wl.jobs = 2
capture.wl.parallel = 2
capture.wl.fork = true
# 3.5 s at 400 MHz with a CPI near 1.6: about 440M instructions each
capture.wl.insns = 440e6
capture.wl.binaries = 2
# VCS compiles the design to a large body of code
capture.wl.text_size = 4M
capture.wl.text_hot = 1M
capture.wl.text_cluster = 16K
capture.wl.call_rate = 0.002
capture.wl.run_length = 3
capture.wl.data_size = 4M
capture.wl.stack_size = 32K
capture.wl.parent_size = 64K
capture.wl.cow_pages = 3
capture.wl.random = 0.0075
capture.wl.sequential = 0.2
capture.wl.shared = 0
capture.wl.opens = 4
capture.wl.reads = 20
capture.wl.writes = 20
capture.wl.others = 20
capture.wl.read_size = 4K
capture.wl.write_size = 1K
capture.wl.file_size = 256K
capture.wl.shared_file = 0
capture.wl.read_miss = 0.05
capture.wl.flush_writes = 64
