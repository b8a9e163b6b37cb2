/*
 * The monitor's cost table.  Sources: Table 2 of the paper gives, for each
 * kernel service of Pmake on IRIX 5.3, its native average time and the
 * slowdown split into TLB writes, other privileged instructions, monitor
 * services and kernel TLB faults; Table 3 / section 6.2 give the Origin's
 * effective TLB miss cost (62 cycles native, 92 under Disco).  Per-operation
 * costs are not stated; the defaults below are first estimates marked
 * "provisional", to be calibrated against Table 2 (analysis/CALIBRATION.md).
 */
#include "monitor/costs.h"

#include <string.h>

static const struct param_def defs[] = {
	{ "monitor.paths", PARAM_CHOICE, "machine", 0, 0, "machine,constant", NULL,
	  "machine: the monitor's paths run as code and data on the machine (instructions "
	  "fetched from the node's copy of its text; the vCPU's saved state, the L2TLB, the "
	  "pmap and the memmap loaded and stored through the caches; counts monitor.path.*; "
	  "fidelity review A4); constant: each path costs its monitor.cost.* cycles" },
	{ "monitor.path.l2tlb_probe", PARAM_INT, "8", 0, 1e4, NULL, "instructions",
	  "the TLB-miss handler before it compares the set's ways: save two registers, read "
	  "BadVAddr and EntryHi, hash (VPN/2, ASID), form the set's address (assumed: a count of "
	  "those operations, 4.2.2)" },
	{ "monitor.path.l2tlb_way", PARAM_INT, "3", 0, 1e4, NULL, "instructions",
	  "per way compared: load the tag, compare, branch (assumed); a probe compares the set's ways "
	  "in order and stops at the one that matches, so a hit in way w compares w + 1" },
	{ "monitor.path.l2tlb_hit", PARAM_INT, "6", 0, 1e4, NULL, "instructions",
	  "after a hit: write EntryLo0 and EntryLo1, tlbwr, restore two registers, eret (assumed)" },
	{ "monitor.path.reflect", PARAM_INT, "240", 0, 1e5, NULL, "instructions",
	  "reflect a trap into the guest: save EPC, Cause, Status and BadVAddr in the vCPU, "
	  "jump to its vector (calibrated with monitor.path.priv: Table 2 QUICK-FAULT other privs, "
	  "0.56, with the paths' misses on top; CALIBRATION.md step 10)" },
	{ "monitor.path.priv", PARAM_INT, "67", 0, 1e5, NULL, "instructions",
	  "decode and emulate a privileged instruction on the vCPU's registers (calibrated with "
	  "monitor.path.reflect)" },
	{ "monitor.path.tlb_write", PARAM_INT, "434", 0, 1e5, NULL, "instructions",
	  "emulate tlbwr/tlbwi: EntryHi/Lo from the vCPU, pmap and memmap entries, L2TLB "
	  "entry and backmap (calibrated: Table 2 QUICK-FAULT TLB writes, 0.80 for the fault's "
	  "three, with their misses on top; CALIBRATION.md step 10)" },
	{ "monitor.path.ktlb", PARAM_INT, "116", 0, 1e5, NULL, "instructions",
	  "fill a TLB fault on the relocated kernel segment from the pmap (as "
	  "monitor.cost.ktlb_fault, provisional)" },
	{ "monitor.path.moncall", PARAM_INT, "96", 0, 1e5, NULL, "instructions",
	  "a monitor call's entry and dispatch (as monitor.cost.moncall, provisional)" },
	{ "monitor.cost.tlb_refill", PARAM_INT, "14", 0, 1e6, NULL, "cycles",
	  "monitor.paths = constant: a TLB miss refilled from the L2TLB, beyond the exception (Table "
	  "2 UTLB-MISS: 1.35 x 0.035 us at 400 MHz = 19 cycles, less the flash presets' 4-cycle "
	  "exception)" },
	{ "monitor.cost.l2tlb_miss", PARAM_INT, "10", 0, 1e6, NULL, "cycles",
	  "monitor.paths = constant: probing the L2TLB without a hit, beyond the exception, before "
	  "the miss is reflected (provisional)" },
	/* The paths below are entered by a hardware exception; each costs
	 * guest.cost.exception (the CPU's entry and return) plus the cycles
	 * given here.  The calibrated ones were fitted to Table 2 on the flash
	 * presets, whose exception is 4 cycles, and are stated without it. */
	{ "monitor.cost.trap_reflect", PARAM_INT, "246", 0, 1e6, NULL, "cycles",
	  "reflect an exception into the guest kernel, beyond the exception (calibrated with monitor.cost.priv: Table 2 QUICK-FAULT other privs, 0.56 x 5 us = 1120 cycles at 400 MHz for the IRIX model's one reflection and 12 other privileged instructions; split assumed)" },
	{ "monitor.cost.tlb_write", PARAM_INT, "526", 0, 1e6, NULL, "cycles",
	  "emulate a TLB write, beyond the exception (calibrated: Table 2 QUICK-FAULT TLB writes, 0.80 x 5 us = 1600 cycles for the fault's three: tlbwr + IRIX 5.3's two wired-entry swaps)" },
	{ "monitor.cost.priv", PARAM_INT, "71", 0, 1e6, NULL, "cycles",
	  "emulate another privileged instruction, beyond the exception (calibrated with monitor.cost.trap_reflect: Table 2 QUICK-FAULT other privs)" },
	{ "monitor.cost.ktlb_fault", PARAM_INT, "116", 0, 1e6, NULL, "cycles",
	  "TLB fault on the relocated unmapped kernel segment, beyond the exception (provisional; Table 2 kernel-TLB column)" },
	{ "monitor.cost.moncall", PARAM_INT, "96", 0, 1e6, NULL, "cycles",
	  "a monitor call's entry and return, beyond the exception (provisional)" },
	{ "monitor.cost.dma", PARAM_INT, "400", 0, 1e7, NULL, "cycles",
	  "intercept and forward a DMA request (provisional; paper 6.1: 15 us per crossing on the Origin)" },
	{ "monitor.cost.vcpu_switch", PARAM_INT, "500", 0, 1e7, NULL, "cycles",
	  "switch the vCPU on a CPU, flushing its TLB (provisional)" },
	{ "monitor.cost.hot_intr", PARAM_INT, "300", 0, 1e7, NULL, "cycles",
	  "take a hot-page counter interrupt and run the policy (provisional)" },
	{ "monitor.cost.shootdown", PARAM_INT, "800", 0, 1e7, NULL, "cycles",
	  "one inter-processor interrupt of a TLB shootdown, both ends (provisional: ~2 us at 400 MHz)" },
	{ "monitor.cost.page_move", PARAM_INT, "400", 0, 1e7, NULL, "cycles",
	  "pmap and memmap updates of a migration, replication or collapse; the copy is modelled apart "
	  "(provisional)" },
	{ "monitor.cost.cow_map", PARAM_INT, "200", 0, 1e7, NULL, "cycles",
	  "map one cached disk block read-only into a guest: B-tree lookup, pmap and memmap update "
	  "(4.2.5 gives no figure; provisional)" },
	{ "policy.cowdisk", PARAM_BOOL, "on", 0, 0, NULL, NULL,
	  "copy-on-write disks share the blocks VMs read (4.2.5); off: every VM reads its own copy" },
	{ "policy.vnet", PARAM_BOOL, "on", 0, 0, NULL, NULL,
	  "the virtual subnet remaps whole page-aligned fragments into the receiver read-only "
	  "(4.2.6); off: the monitor copies every byte" },
	{ "vm.disks.cow", PARAM_STR, "", 0, 0, NULL, "list",
	  "disks every VM shares copy-on-write (the root disk and binaries, 5.3), comma-separated "
	  "disk numbers; the others are private to the first VM that uses them" },
	/* The monitor's own memory, for the footprint (Figure 7's "Disco" bar) */
	{ "monitor.mem.text", PARAM_SIZE, "72K", 0, 1 << 30, NULL, "bytes",
	  "the monitor's code, replicated into every node's memory (paper 4.1: \"currently 72KB\")" },
	{ "monitor.mem.pmap_entry", PARAM_SIZE, "16", 0, 4096, NULL, "bytes",
	  "one pmap entry per guest physical page: machine page and precomputed TLB entry "
	  "(4.2.2; size assumed)" },
	{ "monitor.mem.memmap_entry", PARAM_SIZE, "16", 0, 4096, NULL, "bytes",
	  "one memmap entry per machine page: its owner and links (4.2.2; size assumed)" },
	{ "monitor.mem.vcpu", PARAM_SIZE, "2K", 0, 1 << 20, NULL, "bytes",
	  "one vCPU: saved registers, privileged state, the virtual TLB's 64 entries (4.2.1; assumed)" },
	{ "monitor.mem.l2tlb_entry", PARAM_SIZE, "16", 0, 4096, NULL, "bytes",
	  "one L2TLB entry: the tag and the pair's two EntryLo words, 4 bytes each on the 32-bit Disco "
	  "(12, laid out at 16; assumed); disco capture --os irix62 sets 32: the 64-bit Disco IRIX 6.2 "
	  "ran on (5.2), 8 bytes each; policy.l2tlb.entries per vCPU" },
	{ "guest.cost.exception", PARAM_INT, "4", 0, 1e6, NULL, "cycles",
	  "the CPU's exception entry and return, natively and under the monitor (pipeline drain of "
	  "the flash presets' in-order CPU; assumed; the origin200 preset sets the R10000's)" },
	{ "guest.utlb.insns", PARAM_INT, "8", 1, 1e4, NULL, "instructions",
	  "IRIX UTLB refill handler length besides its tlbwr and eret, which the TLB write charges "
	  "(Table 2: 0.035 us = 14 cycles at 400 MHz = the 4-cycle exception + 8 + tlbwr + eret, "
	  "its PTE load hitting; the R4000 manual's refill: read Context, load the PTE pair, write "
	  "EntryLo0/1, tlbwr, eret)" },
	{ "guest.cost.priv", PARAM_INT, "1", 0, 1e6, NULL, "cycles",
	  "a privileged instruction on bare hardware (one instruction)" },
};

const struct param_table monitor_param_table = { "monitor", defs, sizeof defs / sizeof defs[0] };

int vmm_costs_from_cfg(const cfg *c, struct vmm_costs *k, struct sim_err *err)
{
	k->tlb_refill = (uint32_t)cfg_int(c, "monitor.cost.tlb_refill");
	k->l2tlb_miss = (uint32_t)cfg_int(c, "monitor.cost.l2tlb_miss");
	k->trap_reflect = (uint32_t)cfg_int(c, "monitor.cost.trap_reflect");
	k->tlb_write = (uint32_t)cfg_int(c, "monitor.cost.tlb_write");
	k->priv = (uint32_t)cfg_int(c, "monitor.cost.priv");
	k->ktlb_fault = (uint32_t)cfg_int(c, "monitor.cost.ktlb_fault");
	k->moncall = (uint32_t)cfg_int(c, "monitor.cost.moncall");
	k->dma = (uint32_t)cfg_int(c, "monitor.cost.dma");
	k->vcpu_switch = (uint32_t)cfg_int(c, "monitor.cost.vcpu_switch");
	k->hot_intr = (uint32_t)cfg_int(c, "monitor.cost.hot_intr");
	k->shootdown = (uint32_t)cfg_int(c, "monitor.cost.shootdown");
	k->page_move = (uint32_t)cfg_int(c, "monitor.cost.page_move");
	k->cow_map = (uint32_t)cfg_int(c, "monitor.cost.cow_map");
	k->paths_machine = !strcmp(cfg_str(c, "monitor.paths"), "machine");
	k->l2tlb_probe = (uint32_t)cfg_int(c, "monitor.path.l2tlb_probe");
	k->l2tlb_way = (uint32_t)cfg_int(c, "monitor.path.l2tlb_way");
	k->l2tlb_hit = (uint32_t)cfg_int(c, "monitor.path.l2tlb_hit");
	k->path_reflect = (uint32_t)cfg_int(c, "monitor.path.reflect");
	k->path_priv = (uint32_t)cfg_int(c, "monitor.path.priv");
	k->path_tlb_write = (uint32_t)cfg_int(c, "monitor.path.tlb_write");
	k->path_ktlb = (uint32_t)cfg_int(c, "monitor.path.ktlb");
	k->path_moncall = (uint32_t)cfg_int(c, "monitor.path.moncall");
	k->exception = (uint32_t)cfg_int(c, "guest.cost.exception");
	k->utlb_insns = (uint32_t)cfg_int(c, "guest.utlb.insns");
	k->priv_native = (uint32_t)cfg_int(c, "guest.cost.priv");
	return SIM_OK;
}
