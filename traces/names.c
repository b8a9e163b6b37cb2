/* Names of record types and of the enums that records carry (record.h). */
#include "traces/record.h"

#include <stddef.h>

static const char *const type_names[TRC_NTYPES] = {
	[TRC_INSN] = "insn", [TRC_LOAD] = "load", [TRC_STORE] = "store",
	[TRC_PTE_SET] = "pte.set", [TRC_PTE_CLEAR] = "pte.clear", [TRC_ASID] = "asid",
	[TRC_SVC_BEGIN] = "svc.begin", [TRC_SVC_END] = "svc.end", [TRC_PRIV] = "priv",
	[TRC_LOCK_ACQ] = "lock.acq", [TRC_LOCK_REL] = "lock.rel",
	[TRC_SEM_WAIT] = "sem.wait", [TRC_SEM_SIGNAL] = "sem.signal",
	[TRC_DMA_REQ] = "dma.req", [TRC_DMA_DONE] = "dma.done",
	[TRC_NET_SEND] = "net.send", [TRC_NET_RECV] = "net.recv", [TRC_FRAG] = "frag",
	[TRC_MONCALL] = "moncall", [TRC_PAGE_ALLOC] = "page.alloc",
	[TRC_PAGE_FREE] = "page.free", [TRC_IDLE_BEGIN] = "idle.begin",
	[TRC_IDLE_END] = "idle.end", [TRC_TIME] = "time", [TRC_MARKER] = "marker",
};

static const char *const svc_names[TRC_NSERVICES] = {
	[TRC_SVC_UTLB_MISS] = "UTLB-MISS", [TRC_SVC_DEMAND_ZERO] = "DEMAND-ZERO",
	[TRC_SVC_QUICK_FAULT] = "QUICK-FAULT", [TRC_SVC_COPY_ON_WRITE] = "COPY-ON-WRITE",
	[TRC_SVC_PAGE_FAULT] = "PAGE-FAULT", [TRC_SVC_OPEN] = "open", [TRC_SVC_READ] = "read",
	[TRC_SVC_WRITE] = "write", [TRC_SVC_CLOSE] = "close", [TRC_SVC_EXECVE] = "execve",
	[TRC_SVC_FORK] = "fork", [TRC_SVC_EXIT] = "exit", [TRC_SVC_WAIT] = "wait",
	[TRC_SVC_BRK] = "brk", [TRC_SVC_MMAP] = "mmap", [TRC_SVC_STAT] = "stat",
	[TRC_SVC_OTHER_SYSCALL] = "other-syscall", [TRC_SVC_CLOCK_INTR] = "CLOCK-INTR",
	[TRC_SVC_DISK_INTR] = "DISK-INTR", [TRC_SVC_NET_INTR] = "NET-INTR",
	[TRC_SVC_IPI] = "IPI", [TRC_SVC_SCHED] = "SCHED",
};

static const char *const priv_names[TRC_NPRIV] = {
	[TRC_PRIV_TLBWR] = "tlbwr", [TRC_PRIV_TLBWI] = "tlbwi", [TRC_PRIV_TLBP] = "tlbp",
	[TRC_PRIV_TLBR] = "tlbr", [TRC_PRIV_MFC0] = "mfc0", [TRC_PRIV_MTC0] = "mtc0",
	[TRC_PRIV_ERET] = "eret", [TRC_PRIV_CACHE] = "cache", [TRC_PRIV_INTR_MASK] = "intr-mask",
};

static const char *const mc_names[TRC_NMONCALLS] = {
	[TRC_MC_ZERO_PAGE] = "ZERO_PAGE", [TRC_MC_PAGE_FREED] = "PAGE_FREED",
	[TRC_MC_IDLE] = "IDLE", [TRC_MC_REMAP] = "REMAP", [TRC_MC_DISK] = "DISK",
	[TRC_MC_NET] = "NET",
};

static const char *const cat_names[TRC_NCATEGORIES] = {
	[TRC_CAT_KERNEL_TEXT] = "kernel-text", [TRC_CAT_KERNEL_DATA] = "kernel-data",
	[TRC_CAT_BUFFER_CACHE] = "buffer-cache", [TRC_CAT_USER] = "user",
};

const char *trc_type_name(unsigned t) { return t < TRC_NTYPES ? type_names[t] : NULL; }
const char *trc_service_name(unsigned s) { return s < TRC_NSERVICES ? svc_names[s] : NULL; }
const char *trc_priv_name(unsigned k) { return k < TRC_NPRIV ? priv_names[k] : NULL; }
const char *trc_moncall_name(unsigned k) { return k < TRC_NMONCALLS ? mc_names[k] : NULL; }
const char *trc_category_name(unsigned c) { return c < TRC_NCATEGORIES ? cat_names[c] : NULL; }
