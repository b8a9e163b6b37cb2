# Database (paper Table 1, 5.2): Sybase SQL server running a decision-support
# query on a warm cache; 2.0 s natively on the uniprocessor.  Memory
# intensive, with an exceptionally high TLB miss rate (paper 5.2): scans and
# hash joins over a large buffer pool mapped by the server.  The random share
# over the pool is an assumption (the paper gives no rate; the resulting 16%
# overhead is not used here).
capture.guest = irix
capture.wl.jobs = 1
capture.wl.parallel = 1
capture.wl.fork = true
# 2.0 s at 400 MHz with a high CPI: about 400M instructions
capture.wl.insns = 400e6
capture.wl.binaries = 1
capture.wl.text_size = 6M
capture.wl.text_hot = 1M
capture.wl.text_cluster = 16K
capture.wl.call_rate = 0.004
capture.wl.run_length = 3
capture.wl.data_size = 4M
capture.wl.stack_size = 64K
capture.wl.parent_size = 64K
capture.wl.cow_pages = 3
capture.wl.random = 0.03
capture.wl.sequential = 0.25
# the warm buffer pool: shared memory, already resident
capture.wl.shared = 0.06
capture.wl.shared_size = 8M
capture.wl.opens = 5
capture.wl.reads = 30
capture.wl.writes = 10
capture.wl.others = 200
capture.wl.read_size = 4K
capture.wl.write_size = 2K
capture.wl.file_size = 1M
capture.wl.shared_file = 0
capture.wl.read_miss = 0.02
capture.wl.flush_writes = 64
