# Raytrace (paper Table 1, 5.2): SPLASH-2 raytrace of the car scene, -p1;
# 12.9 s natively on the uniprocessor.  Compute bound: the scene is read
# shared (a file-mapped region every ray reads), the ray state is private;
# a low TLB miss rate (assumed: most references hit a small working set; the
# paper gives no rate, only the resulting 3% overhead, which is not used here).
# Its data set fits in 1 MB (5.5: "Raytrace's largest available data set
# fully fits in a 1MB cache"): the scene 512K, each process's private ray
# state 256K and the hot text 128K, 896K together, leaving room in a 1 MB
# cache for the kernel's lines.  The split is assumed; the total is the
# paper's.
#
# Figure 9 runs the parallel program (5.5: "The Raytrace workload spans 16
# processors"): SPLASH-2's raytrace -p16 car.env, capture.wl.program =
# raytrace with capture.os.kernel = smp (analysis/fig9.c).  Its 16 processes
# share one address space under one IRIX (capture/guest_raytrace.c):
# the frame buffer, the work pools and their WPJOB nodes, gm->rid and the
# locks written by several of them, the scene read by all.  Its inputs are
# capture.raytrace.* (car.env's resolution 128 128, block 8 8, bundle 4 4 and
# three lights; the rays per pixel assumed) and this file's: each pixel costs
# capture.wl.insns / (128 x 128) instructions (the -p1 run's 3.4G over the
# image), a ray's code runs the stream above (text, scene, private data and
# stack, by the same fractions and sizes), and capture.scale is the share of
# each process's bundles it traces.  Figure 6 runs the -p1 program as the
# job model above (capture.wl.program = jobs, the default).
capture.guest = irix
capture.wl.jobs = 1
capture.wl.parallel = 1
capture.wl.fork = true
# 12.9 s at 400 MHz, CPI near 1.5: about 3.4G instructions
capture.wl.insns = 3.4e9
capture.wl.binaries = 1
capture.wl.text_size = 512K
capture.wl.text_hot = 128K
capture.wl.text_cluster = 16K
capture.wl.call_rate = 0.002
capture.wl.run_length = 4
capture.wl.data_size = 256K
capture.wl.stack_size = 32K
capture.wl.parent_size = 64K
capture.wl.cow_pages = 3
capture.wl.random = 0.0005
capture.wl.sequential = 0.2
capture.wl.shared = 0.15
capture.wl.shared_size = 512K
capture.wl.opens = 3
capture.wl.reads = 40
capture.wl.writes = 40
capture.wl.others = 20
capture.wl.read_size = 4K
capture.wl.write_size = 4K
capture.wl.file_size = 1M
capture.wl.shared_file = 0
capture.wl.read_miss = 0.05
capture.wl.flush_writes = 64
