/*
 * Trace records: what a guest does, independently of the policies under study
 * (DESIGN 3).  On disk records are byte-coded (traces/FORMAT.md); in memory
 * every record is this fixed-size struct, decoded a block at a time into an
 * array the engine walks.
 *
 * Field use by type (fields not listed are zero):
 *   TRC_INSN        addr = first PC (guest virtual), id = instruction count (>= 1),
 *                   flags = mode (TRC_F_KERNEL, TRC_F_KSEG0)
 *   TRC_LOAD/STORE  addr = guest virtual address, aux = size in bytes (1..255),
 *                   flags = mode (TRC_F_KERNEL, TRC_F_KSEG0)
 *   TRC_PTE_SET     id = ASID, addr = virtual page number, val = guest physical
 *                   page number, aux = protection (TRC_PROT_*)
 *   TRC_PTE_CLEAR   id = ASID, addr = virtual page number
 *   TRC_ASID        id = the ASID now running (address-space switch)
 *   TRC_SVC_BEGIN   aux = service (TRC_SVC_*), id = nesting-free instance number
 *   TRC_SVC_END     aux = service
 *   TRC_PRIV        aux = privileged instruction kind (TRC_PRIV_*), val = operand;
 *                   a TLB write (TLBWR, TLBWI) with flags = TRC_F_ENTRY names
 *                   the entry it writes: id = ASID, addr = virtual page number
 *                   (either page of the even/odd pair; the entry's contents
 *                   are the guest's PTEs for the pair); without the flag it
 *                   writes an entry the trace does not model (id, addr 0)
 *   TRC_LOCK_ACQ    id = lock id, addr = the lock word's guest virtual address
 *                   (a KSEG0 kernel address) or 0        TRC_LOCK_REL  the same
 *   TRC_SEM_WAIT    id = semaphore id     TRC_SEM_SIGNAL id = semaphore id
 *   TRC_DMA_REQ     id = request id, aux = disk, addr = first sector, val = sector
 *                   count, flags = TRC_F_WRITE for a write; followed by the
 *                   fragments as TRC_FRAG records (count in the request's
 *                   TRC_FRAG run: every FRAG until the next non-FRAG record)
 *   TRC_DMA_DONE    id = request id
 *   TRC_NET_SEND    id = message id, aux = destination VM, followed by TRC_FRAGs
 *   TRC_NET_RECV    id = message id, aux = source VM, followed by TRC_FRAGs
 *   TRC_FRAG        addr = guest physical address, val = length in bytes
 *   TRC_MONCALL     aux = monitor call (TRC_MC_*), addr = first argument,
 *                   val = second argument
 *   TRC_PAGE_ALLOC  addr = guest physical page number, aux = category (TRC_CAT_*)
 *   TRC_PAGE_FREE   addr = guest physical page number, aux = category
 *   TRC_IDLE_BEGIN, TRC_IDLE_END   (no fields)
 *   TRC_TIME        val = capture clock, in cycles of this vCPU
 *   TRC_MARKER      aux = marker kind, id = marker id, val = value
 */
#ifndef TRACES_RECORD_H
#define TRACES_RECORD_H

#include <stdint.h>

enum trc_type {
	TRC_INSN = 1,
	TRC_LOAD,
	TRC_STORE,
	TRC_PTE_SET,
	TRC_PTE_CLEAR,
	TRC_ASID,
	TRC_SVC_BEGIN,
	TRC_SVC_END,
	TRC_PRIV,
	TRC_LOCK_ACQ,
	TRC_LOCK_REL,
	TRC_SEM_WAIT,
	TRC_SEM_SIGNAL,
	TRC_DMA_REQ,
	TRC_DMA_DONE,
	TRC_NET_SEND,
	TRC_NET_RECV,
	TRC_FRAG,
	TRC_MONCALL,
	TRC_PAGE_ALLOC,
	TRC_PAGE_FREE,
	TRC_IDLE_BEGIN,
	TRC_IDLE_END,
	TRC_TIME,
	TRC_MARKER,
	TRC_NTYPES              /* one past the last type */
};

/* flags */
#define TRC_F_KERNEL  0x01  /* executed in kernel (or supervisor) mode */
#define TRC_F_KSEG0   0x02  /* kernel reference to the unmapped segment */
#define TRC_F_WRITE   0x04  /* DMA_REQ: memory to disk */
#define TRC_F_ENTRY   0x08  /* PRIV TLBWR/TLBWI: id and addr name the entry written */
#define TRC_F_ALL     0x0f

/* PTE protection */
#define TRC_PROT_VALID  0x01
#define TRC_PROT_WRITE  0x02  /* the page may be written (the R4000 D bit) */
#define TRC_PROT_GLOBAL 0x04  /* matches every ASID */

/* Services (Table 2 of the paper and the rest of a kernel's entry points). */
enum trc_service {
	TRC_SVC_UTLB_MISS = 1,
	TRC_SVC_DEMAND_ZERO,
	TRC_SVC_QUICK_FAULT,
	TRC_SVC_COPY_ON_WRITE,
	TRC_SVC_PAGE_FAULT,     /* any other fault (page-in) */
	TRC_SVC_OPEN,
	TRC_SVC_READ,
	TRC_SVC_WRITE,
	TRC_SVC_CLOSE,
	TRC_SVC_EXECVE,
	TRC_SVC_FORK,
	TRC_SVC_EXIT,
	TRC_SVC_WAIT,
	TRC_SVC_BRK,
	TRC_SVC_MMAP,
	TRC_SVC_STAT,
	TRC_SVC_OTHER_SYSCALL,
	TRC_SVC_CLOCK_INTR,
	TRC_SVC_DISK_INTR,
	TRC_SVC_NET_INTR,
	TRC_SVC_IPI,
	TRC_SVC_SCHED,          /* context switch */
	TRC_NSERVICES
};

/* Privileged instructions, by kind (MIPS R4000/R10000). */
enum trc_priv {
	TRC_PRIV_TLBWR = 1,     /* TLB write random */
	TRC_PRIV_TLBWI,         /* TLB write indexed */
	TRC_PRIV_TLBP,          /* TLB probe */
	TRC_PRIV_TLBR,          /* TLB read */
	TRC_PRIV_MFC0,          /* read a privileged register */
	TRC_PRIV_MTC0,          /* write a privileged register */
	TRC_PRIV_ERET,          /* return from exception */
	TRC_PRIV_CACHE,         /* cache operation */
	TRC_PRIV_INTR_MASK,     /* enable/disable interrupts (status register) */
	TRC_NPRIV
};

/* Monitor calls a Disco-aware HAL makes (paper 4.3.3). */
enum trc_moncall {
	TRC_MC_ZERO_PAGE = 1,   /* addr = guest physical page to be handed out zeroed */
	TRC_MC_PAGE_FREED,      /* addr = guest physical page the guest freed */
	TRC_MC_IDLE,            /* the vCPU has nothing to do: deschedule it */
	TRC_MC_REMAP,           /* addr = source, val = destination guest physical page */
	TRC_MC_DISK,            /* a disk request through the monitor's interface */
	TRC_MC_NET,             /* a network send through the monitor's interface */
	TRC_NMONCALLS
};

/* Page categories (Figure 7 of the paper). */
enum trc_category {
	TRC_CAT_KERNEL_TEXT = 1,
	TRC_CAT_KERNEL_DATA,
	TRC_CAT_BUFFER_CACHE,
	TRC_CAT_USER,
	TRC_NCATEGORIES
};

struct trc_rec {
	uint8_t type;    /* enum trc_type */
	uint8_t flags;   /* TRC_F_* */
	uint16_t aux;    /* size, service, kind, category, disk, VM: see above */
	uint32_t id;     /* count, ASID, lock, semaphore, request or message id */
	uint64_t addr;   /* an address or page number */
	uint64_t val;    /* a second value */
};

_Static_assert(sizeof(struct trc_rec) == 24, "trc_rec is 24 bytes");

/* Names for text forms and reports; NULL for an out-of-range value. */
const char *trc_type_name(unsigned type);
const char *trc_service_name(unsigned svc);   /* "DEMAND-ZERO", "open", ... */
const char *trc_priv_name(unsigned kind);
const char *trc_moncall_name(unsigned kind);
const char *trc_category_name(unsigned cat);

#endif
