# TLB micro-benchmark (paper 6.2: "A micro-benchmark measurement on the
# Origin200 shows that the effective cost of a TLB miss is about 92 cycles
# in Disco and 62 cycles in IRIX").  The paper does not describe its
# micro-benchmark; this is the plainest program that measures a refill: one
# process walks its data with one load per page, over more pages than the
# TLB maps (64 entries of two pages: 2 MB with 16 KB pages) and fewer than
# the L2TLB holds, each page's line a line further into the page than the
# last so the lines it loads stay in the 1 MB L2 cache.  Nearly every load
# takes a TLB miss; the refill's cost is the UTLB-MISS service's cycles per
# miss.  Its first pass takes the demand-zero faults, which are not counted
# there.
capture.guest = irix
capture.wl.jobs = 1
capture.wl.parallel = 1
capture.wl.fork = false
# about 1,700 passes over the region: the first pass's faults are noise
capture.wl.insns = 6e6
capture.wl.binaries = 1
capture.wl.text_size = 16K
capture.wl.text_hot = 16K
capture.wl.text_cluster = 16K
capture.wl.call_rate = 0
capture.wl.run_length = 3
# 6 MB: 384 pages of 16 KB, three times the TLB's reach
capture.wl.data_size = 6M
capture.wl.stack_size = 16K
capture.wl.parent_size = 0
capture.wl.cow_pages = 0
capture.wl.random = 0
capture.wl.sequential = 1
# two 16 KB pages (a TLB entry maps an even/odd pair) and a 128-byte line
capture.wl.seq_stride = 32896
capture.wl.shared = 0
capture.wl.opens = 0
capture.wl.reads = 0
capture.wl.writes = 0
capture.wl.others = 0
capture.wl.shared_file = 0
