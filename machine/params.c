/*
 * The machine's parameters.  Defaults follow the Disco paper, section 5.1
 * (FLASH-like machine simulated by SimOS) unless the help says otherwise.
 */
#include "machine/params.h"

#define K 1024.0
#define M (1024.0 * 1024.0)
#define G (1024.0 * 1024.0 * 1024.0)

static const struct param_def defs[] = {
	{ "machine.cpus", PARAM_INT, "8", 1, 128, NULL, "",
	  "processors (8 for the memory and scalability runs of paper 5.3-5.4)" },
	{ "machine.cpus_per_node", PARAM_INT, "1", 1, 8, NULL, "",
	  "processors per NUMA node (FLASH: 1)" },
	{ "machine.clock_mhz", PARAM_REAL, "400", 1, 10000, NULL, "MHz",
	  "CPU clock: in-order, 1 instruction/cycle + stalls, twice an R10000's 200 MHz (paper 5.1)" },
	{ "machine.mem.size", PARAM_SIZE, "256M", 1 * M, 64 * G, NULL, "bytes",
	  "machine memory, split evenly over the nodes (paper 5.3: 256 MB)" },
	{ "machine.page_size", PARAM_SIZE, "4K", 4 * K, 64 * K, NULL, "bytes",
	  "page size (IRIX 5.3: 4KB, IRIX 6.2: 16KB; a trace's header overrides it)" },
	{ "machine.tlb.entries", PARAM_INT, "64", 2, 1024, NULL, "",
	  "TLB entries, each mapping an even/odd page pair (R10000: 64)" },
	{ "machine.tlb.wired", PARAM_INT, "8", 0, 64, NULL, "",
	  "wired TLB entries below the random-replacement range (R10000 Wired register; IRIX uses 8)" },
	{ "machine.tlb.seed", PARAM_INT, "1", 0, 4294967295.0, NULL, "",
	  "seed of the TLB's random replacement" },
	{ "machine.l1i.size", PARAM_SIZE, "32K", 1 * K, 16 * M, NULL, "bytes",
	  "L1 instruction cache (R10000: 32KB)" },
	{ "machine.l1i.ways", PARAM_INT, "2", 1, 64, NULL, "", "L1 instruction cache ways (R10000: 2)" },
	{ "machine.l1i.line", PARAM_SIZE, "64", 16, 512, NULL, "bytes", "L1 instruction cache line (R10000: 64B)" },
	{ "machine.l1d.size", PARAM_SIZE, "32K", 1 * K, 16 * M, NULL, "bytes",
	  "L1 data cache (R10000: 32KB)" },
	{ "machine.l1d.ways", PARAM_INT, "2", 1, 64, NULL, "", "L1 data cache ways (R10000: 2)" },
	{ "machine.l1d.line", PARAM_SIZE, "32", 16, 512, NULL, "bytes", "L1 data cache line (R10000: 32B)" },
	{ "machine.l2.size", PARAM_SIZE, "1M", 16 * K, 256 * M, NULL, "bytes",
	  "unified board-level L2 (paper 5.1: 1MB; 256KB for the Raytrace runs of 5.5)" },
	{ "machine.l2.ways", PARAM_INT, "2", 1, 64, NULL, "", "L2 ways (R10000 secondary cache: 2)" },
	{ "machine.l2.line", PARAM_SIZE, "128", 16, 1024, NULL, "bytes", "L2 line (R10000: 128B)" },
	{ "machine.l2.hit_ns", PARAM_REAL, "25", 0, 10000, NULL, "ns",
	  "L1 miss that hits in L2 (assumed: about 10 cycles of a 400 MHz CPU)" },
	{ "machine.latency.local_ns", PARAM_REAL, "300", 0, 1e6, NULL, "ns",
	  "L2 miss to local memory, no contention (paper 5.1)" },
	{ "machine.latency.remote_ns", PARAM_REAL, "900", 0, 1e6, NULL, "ns",
	  "L2 miss to remote memory, no contention (paper 5.1)" },
	{ "machine.latency.comm_extra_ns", PARAM_REAL, "300", 0, 1e6, NULL, "ns",
	  "added to a miss to a line dirty in another cache, a 3-hop intervention (assumed: one more "
	  "network traversal, (remote - local) / 2 = 300 ns of the paper's 900/300)" },
	{ "machine.mem.occupancy_ns", PARAM_REAL, "100", 0, 1e6, NULL, "ns",
	  "time a node's memory/directory controller is busy per miss it serves (assumed: one DRAM "
	  "access of a mid-90s memory plus a short protocol handler, about a third of the local latency)" },
	{ "machine.uma", PARAM_BOOL, "false", 0, 0, NULL, "",
	  "uniform memory: every miss at the local latency (the UMA runs of paper 5.5)" },
	{ "machine.disks", PARAM_INT, "10", 1, 256, NULL, "", "disks (paper 5.3: 10)" },
	{ "machine.disk.position_us", PARAM_REAL, "12000", 0, 1e7, NULL, "us",
	  "disk positioning per request (assumed: a mid-90s 7200 rpm SCSI disk such as the Seagate "
	  "Barracuda: about 8 ms average seek + 4.2 ms half a rotation)" },
	{ "machine.disk.mb_per_s", PARAM_REAL, "6", 0.01, 1e5, NULL, "MB/s",
	  "disk transfer rate, MB = 10^6 bytes (assumed: media rate of a mid-90s SCSI-2 disk, 5-7 MB/s)" },
};

const struct param_table machine_param_table = { "machine", defs, sizeof defs / sizeof defs[0] };

/* The machine presets (--config NAME) ship in this folder. */
__attribute__((constructor)) static void presets_source(void)
{
	sim_data_source("presets", "machine/presets");
}
