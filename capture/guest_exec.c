/*
 * The IRIX guest: execve, step by step as IRIX's exec does it
 * (design notes: capture/guest_os.c).
 *
 * IRIX 5.3's source is not public; IRIX 6.5.17's is, and its exec keeps
 * System V's shape (Bach 1986, 7.5: namei, read the header, copy the
 * arguments into the kernel, free the old regions, attach the new ones,
 * copy the arguments onto the new stack).  The steps, after
 * irix/kern/os/exec.c (iexec, gexec, exrdhead, remove_proc), elf.c
 * (elfexec, getelfhead, elf2exec_complete), fuexarg.c and
 * as/pas_addspace.c (pas_addstackexec):
 *
 *   1. lookuppn: the binary's name, through directory blocks (namei);
 *   2. getelfhead: the ELF header, then the program headers, each read by
 *      exrdhead (vn_rdwr through the buffer cache) into a kern_malloc
 *      buffer;
 *   3. kvpalloc: a window of btoc(3 * ncargs + auxsize) pages of mapped
 *      kernel memory, taken from the free pages; fuexarg copies the
 *      argument and environment pointers into the window's holding area
 *      and their strings into its top ncargs bytes, zeroes (bzero) the
 *      rest of those ncargs bytes, and copies the pointers down to the
 *      stack's real area below the strings;
 *   4. remove_proc: the old image's regions detached, its private pages
 *      and its page tables freed (gos_unmap_all); a new tlbpid, and
 *      setup_wired_tlb(1), which invalidates the wired TLB entries that
 *      mapped the old page tables;
 *   5. the dynamic linker: exrdhead of PT_INTERP's name, lookupname of it,
 *      getelfhead of it;
 *   6. pas_addstackexec: the window's top btoc(stack size) pages, which
 *      hold the strings and pointers, become the new stack region's pages
 *      (their PTEs are moved, nothing is copied), and the lowest of them
 *      is zeroed below the stack pointer (page_zero); the process's
 *      frames start there, and the stack grows down into pages it faults
 *      in;
 *   7. kvpfree: the window's other pages go back to the free pages.
 *
 * The new image's page tables are taken as its PTEs are first set (the
 * stack's here, with the argument pages; the text's and data's at their
 * first faults), each from IRIX's page-table pool or a zeroed page from
 * the free pages (gos_pt_need).
 *
 * Left out: the regions' attach (execmap takes no page: the text is
 * faulted in later), the new ASID itself (the process keeps its own: the
 * old image's entries go with its PTEs), the dynamic linker's own
 * faults, the new program's reads of its arguments and environment (the
 * workload references none of the argument pages above its stack's first
 * page).  The window is mapped kernel memory
 * (K2SEG) in IRIX; the model addresses it through KSEG0, so natively it
 * takes no TLB miss (IRIX's would), and under the monitor each of its
 * pages takes the kernel TLB fault IRIX 5.3's relocated kernel takes.
 *
 * The native path stays as calibrated (capture.os.path.execve: Table 2's
 * native time): the steps' own instructions come out of it.
 */
#include <assert.h>

#include "capture/guest_int.h"

/* ncargs, the bytes of arguments and environment exec takes: its default
 * in IRIX 6.5 (irix/kern/mtune/kernel, 20480, minimum 5120).  IRIX 5.3's is
 * not in our sources and is taken to be the same. */
#define NCARGS 20480
/* elf.c: a dynamic executable with a PT_PHDR passes 7 auxiliary vector
 * entries (AT_PHDR, PHENT, PHNUM, ENTRY, BASE, PAGESZ, NULL) of 8 bytes
 * (irix5_auxv_t: a 32-bit type and value). */
#define AUXSIZE 56
/* Assumed (the paper gives no command line): a compile's arguments (about
 * 7 strings, 200 bytes) and a login environment of about 25 strings of
 * about 32 bytes: 1 KB of strings and 32 pointers. */
#define ARG_BYTES 1024
#define ARG_PTRS 32
/* Elf32_Ehdr and Elf32_Phdr (System V ABI, chapter 5). */
#define EHDR_BYTES 52
#define PHDR_BYTES 32
/* Program headers (assumed, from the MIPS ABI supplement's layout): a
 * dynamic executable's PHDR, INTERP, REGINFO, DYNAMIC and two LOADs; the
 * dynamic linker's REGINFO, DYNAMIC and two LOADs. */
#define BIN_PHNUM 6
#define RLD_PHNUM 4
/* PT_INTERP's string: "/lib/rld" and its NUL (IRIX 5's dynamic linker). */
#define INTERP_BYTES 9
/* kvpalloc's and kvpfree's work on one page under memlock (assumed, as
 * DEMAND-ZERO's 40 instructions for its allocation). */
#define WIN_PAGE_INSNS 40
/* The largest window: 3 * NCARGS + AUXSIZE bytes on 4 KB pages. */
#define WIN_MAX 16
/* The wired TLB entries (IRIX 6.5's sys/immu.h, R4000 and R10000):
 * NWIREDENTRIES 8 on 4 KB pages and 6 on 16 KB, TLBWIREDBASE 1 (entry 0,
 * the PDA's, is set once); on 4 KB pages one of them (UKSTKTLBINDEX, 1:
 * TLBKSLOTS 1) maps the u-area and kernel stack and is kept. */
#define WIRED_4K 8
#define WIRED_16K 6

/* The dynamic linker's file: after the binaries (its blocks are shared,
 * on the root disk, as theirs are). */
static uint64_t rld_tag(const struct gos *g)
{
	return TAG_BINARY + g->nbin * 64;
}

/* The kern_malloc buffer exrdhead reads into: a place in the kernel heap
 * of its own per vCPU (assumed: the heap's middle). */
static uint64_t head_buf(const struct gos *g, const struct gcpu *t)
{
	uint64_t dsize = (g->kdata_pages - 1) << g->pshift;
	return KSEG0 + (g->ktext_pages << g->pshift) + ((dsize / 2) & ~0x3ffull) +
	       (uint64_t)(t->me % 16) * 0x400;
}

/* exrdhead: len bytes at offset off of file tag's first block, through
 * the buffer cache into the kern_malloc buffer.  The caller holds the
 * buffer lock. */
static void read_head(struct gos *g, struct gcpu *t, uint64_t tag, uint64_t off, uint64_t len)
{
	int miss;
	uint64_t s = gos_bc_get(g, t, t->cur, tag, BC_CACHED, &miss);
	gos_copy(g, t, KSEG0 + (bc_gppn(t->k, s) << g->pshift) + off, KF, head_buf(g, t), KF, len);
}

/* lookuppn and getelfhead of file tag with phnum program headers. */
static void open_elf(struct gos *g, struct gcpu *t, uint64_t tag, uint64_t phnum)
{
	gos_namei(g, t);
	gos_bc_lock(g, t);
	read_head(g, t, tag, 0, EHDR_BYTES);
	read_head(g, t, tag, EHDR_BYTES, phnum * PHDR_BYTES);
	lock_rel(t, LOCK_BUF);
}

/* The window: its pages, and the KSEG0 address of its byte off. */
struct win {
	uint64_t n;                /* pages */
	uint64_t stack;            /* its top pages that become the stack's */
	uint64_t gppn[WIN_MAX];
};

static uint64_t win_va(const struct gos *g, const struct win *w, uint64_t off)
{
	return KSEG0 + (w->gppn[off >> g->pshift] << g->pshift) + (off & (g->psize - 1));
}

/* Bytes of the new stack: the strings' ncargs, argc, the pointers and
 * their two NULs, the auxiliary vector (fuexarg's newsp), rounded to 16
 * bytes (its quad-word alignment). */
static uint64_t stack_bytes(void)
{
	return (NCARGS + (ARG_PTRS + 3) * 4 + AUXSIZE + 15) & ~15ull;
}

/* Copy len bytes to window offset off, a line a turn (4 instructions, a
 * load and a store, as gos_copy); src 0: the stores alone. */
static void win_copy(struct gos *g, struct gcpu *t, uint64_t src, unsigned sf, const struct win *w,
		     uint64_t off, uint64_t len)
{
	for (uint64_t o = 0; o < len; o += 32) {
		push(t, TRC_INSN, KF, 0, 4, KSEG0 + 0x2400, 0);
		if (src)
			push(t, TRC_LOAD, sf, 8, 0, src + o, 0);
		push(t, TRC_STORE, KF, 8, 0, win_va(g, w, off + o) & ~7ull, 0);
		t->insns += 4;
	}
}

/* Copy len bytes from window offset from to window offset to. */
static void win_move(struct gos *g, struct gcpu *t, const struct win *w, uint64_t from, uint64_t to,
		     uint64_t len)
{
	for (uint64_t o = 0; o < len; o += 32) {
		push(t, TRC_INSN, KF, 0, 4, KSEG0 + 0x2400, 0);
		push(t, TRC_LOAD, KF, 8, 0, win_va(g, w, from + o) & ~7ull, 0);
		push(t, TRC_STORE, KF, 8, 0, win_va(g, w, to + o) & ~7ull, 0);
		t->insns += 4;
	}
}

/* bzero of len bytes from window offset off: a store a line (4
 * instructions, as gos_zero_page's loop).  The kernel's own zeroing, the
 * same under either HAL, so counted in the guest's clock. */
static void win_zero(struct gos *g, struct gcpu *t, const struct win *w, uint64_t off, uint64_t len)
{
	for (uint64_t o = 0; o < len; o += 32) {
		push(t, TRC_INSN, KF, 0, 4, KSEG0 + 0x2000, 0);
		push(t, TRC_STORE, KF, 8, 0, win_va(g, w, off + o) & ~7ull, 0);
		t->insns += 4;
	}
}

/* kvpalloc and fuexarg (step 3).  The strings come from the old image:
 * a forked child's data, which it shares with the parent that built the
 * command line (its first mapped data page; none mapped: the stores
 * alone). */
static void take_args(struct gos *g, struct gcpu *t, struct proc *p, struct win *w)
{
	uint64_t size = w->n << g->pshift;
	uint64_t hold = size - 3 * NCARGS - AUXSIZE;   /* fuexarg's vaddr: the holding area */
	uint64_t strings = size - NCARGS;              /* the strings' ncargs bytes */
	uint64_t ptrs = (ARG_PTRS + 2) * 4;            /* the pointers and two NULs */
	uint64_t src = 0;
	for (uint64_t k = 0; k < g->data_pages && !src; k++)
		if (p->data_gppn[k])
			src = DATA_VA + (k << g->pshift);
	lock_acq(t, LOCK_MEM);
	for (uint64_t i = 0; i < w->n; i++) {
		/* the top pages are the new stack's: user pages from here on */
		w->gppn[i] = gos_page_alloc(g, t, i >= w->n - w->stack ? TRC_CAT_USER : TRC_CAT_KERNEL_DATA);
		gos_kpath(g, t, TRC_SVC_EXECVE, WIN_PAGE_INSNS);
	}
	lock_rel(t, LOCK_MEM);
	win_copy(g, t, src, TRC_F_KERNEL, w, hold, ptrs);   /* fuword: the pointers */
	win_copy(g, t, src ? src + ptrs : 0, TRC_F_KERNEL, w, strings, ARG_BYTES);   /* copyinstr */
	win_zero(g, t, w, strings + ARG_BYTES, NCARGS - ARG_BYTES);
	/* the pointers and argc down to the real area below the auxiliary
	 * vector's room */
	win_move(g, t, w, hold, strings - AUXSIZE - ptrs - 4, ptrs + 4);
}

/* pas_addstackexec and kvpfree (steps 6, 7).  The stack region is the
 * argument pages alone (its size is the arguments', rounded to pages):
 * the lowest of them, which holds the stack pointer, is the workload's
 * stack page 0, where the process's frames start below the stack
 * pointer; the stack grows down from there into pages it faults in
 * (DEMAND-ZERO, user_step in guest_proc.c). */
static void build_stack(struct gos *g, struct gcpu *t, struct proc *p, struct win *w)
{
	uint64_t size = w->n << g->pshift, sp = size - stack_bytes();
	for (uint64_t j = 0; j < w->stack; j++) {
		uint64_t gp = w->gppn[w->n - 1 - j];
		if (j == w->stack - 1)
			p->stack_gppn[0] = gp;
		else
			p->args_gppn[j] = gp;
		gos_pt_need(g, t, p, args_vpn(g, j), TRC_SVC_EXECVE, 0);
		push(t, TRC_PTE_SET, 0, TRC_PROT_VALID | TRC_PROT_WRITE, p->asid, args_vpn(g, j), gp);
	}
	/* page_zero: the lowest stack page below the stack pointer */
	win_zero(g, t, w, sp & ~(g->psize - 1), sp & (g->psize - 1));
	lock_acq(t, LOCK_MEM);
	for (uint64_t i = 0; i < w->n - w->stack; i++) {
		gos_kpath(g, t, TRC_SVC_EXECVE, WIN_PAGE_INSNS);
		gos_page_free(g, t, w->gppn[i], TRC_CAT_KERNEL_DATA);
	}
	lock_rel(t, LOCK_MEM);
}

/* setup_wired_tlb(1) (IRIX 6.5's, called by remove_proc after its
 * new_tlbpid): each wired entry but the PDA's, and on 4 KB pages the
 * u-area's, invalidated (invaltlb: a TLB write of an invalid entry, here
 * the model's sequence of three mtc0 and a tlbwi), 6 on 4 KB pages and 5
 * on 16 KB.  The model holds no wired
 * entry, so the writes name none. */
static void wired_tlb_reset(struct gos *g, struct gcpu *t)
{
	uint64_t n = g->psize == 4096 ? WIRED_4K - 1 - 1 : WIRED_16K - 1;
	for (uint64_t i = 0; i < n; i++)
		gos_tlb_write(t, TRC_PRIV_TLBWI, 0, 0, 0);
}

/* A job shortened by capture.scale runs an even sample of the full job:
 * that share of its pages was touched in the part not run, so they are
 * resident already (no fault is taken for them). */
static void prefault(struct gos *g, struct gcpu *t, struct proc *p)
{
	lock_acq(t, LOCK_MEM);
	for (uint64_t k = 0; k < g->data_pages; k++)
		if (unif(&p->rng) < g->prefault) {
			p->data_gppn[k] = gos_page_alloc(g, t, TRC_CAT_USER);
			p->data_cow[k] = 0;
			/* faulted (and zeroed) in the part not run */
			push(t, TRC_MARKER, 0, RPL_MARK_WARM_PAGE, 0, 0, p->data_gppn[k]);
			gos_pt_need(g, t, p, data_vpn(g, k), TRC_SVC_EXECVE, 1);
			push(t, TRC_PTE_SET, 0, TRC_PROT_VALID | TRC_PROT_WRITE, p->asid,
			     data_vpn(g, k), p->data_gppn[k]);
		}
	for (uint64_t k = 0; k < g->text_pages; k++)
		if (unif(&p->rng) < g->prefault) {
			p->text_mapped[k] = 1;
			gos_pt_need(g, t, p, (TEXT_VA >> g->pshift) + k, TRC_SVC_EXECVE, 1);
			push(t, TRC_PTE_SET, 0, TRC_PROT_VALID, p->asid,
			     (TEXT_VA >> g->pshift) + k, g->text_gppn0 + (uint64_t)p->bin * g->text_pages + k);
		}
	for (uint64_t k = 0; k < g->shared_pages && g->p_shared > 0; k++)
		if (unif(&p->rng) < g->prefault) {
			p->shared_mapped[k] = 1;
			gos_pt_need(g, t, p, (SHARED_VA >> g->pshift) + k, TRC_SVC_EXECVE, 1);
			push(t, TRC_PTE_SET, 0, TRC_PROT_VALID, p->asid,
			     (SHARED_VA >> g->pshift) + k, g->shared_gppn0 + k);
		}
	lock_rel(t, LOCK_MEM);
}

void gos_exec_layout(struct gos *g)
{
	g->args_pages = (stack_bytes() + g->psize - 1) >> g->pshift;
	g->frame_off = (g->args_pages << g->pshift) - stack_bytes();
	/* the stack pointer lies inside the lowest argument page, with room
	 * below it for user_step's frames (512 bytes), and the pages above
	 * it fit args_gppn: 3888 bytes, 5 pages on 4 KB pages; 12080, 1 on
	 * 16 KB */
	assert(g->frame_off >= 512 && g->args_pages - 1 <= EXEC_XPAGES);
}

void gos_execve(struct gos *g, struct gcpu *t, struct proc *p)
{
	uint64_t path = g->path[TRC_SVC_EXECVE], first = path / 2, rest = path - first, steps, t0;
	uint64_t bin_vnode = vnode_of(t->k, VN_BIN + (uint64_t)p->bin);
	uint64_t bin = TAG_BINARY + (uint64_t)p->bin * 64;
	struct win w;

	w.n = (3 * NCARGS + AUXSIZE + g->psize - 1) >> g->pshift;
	w.stack = g->args_pages;
	assert(w.n <= WIN_MAX && w.stack <= w.n);
	gos_kentry(g, t, TRC_SVC_EXECVE);
	t->vnode = bin_vnode;
	gos_kpath(g, t, TRC_SVC_EXECVE, first);
	t0 = t->insns;
	open_elf(g, t, bin, BIN_PHNUM);                      /* 1, 2 */
	t->vnode = bin_vnode;
	take_args(g, t, p, &w);                              /* 3 */
	steps = t->insns - t0;
	gos_unmap_all(g, t, p, TRC_SVC_EXECVE);              /* 4 */
	wired_tlb_reset(g, t);
	t0 = t->insns;
	gos_bc_lock(g, t);                                   /* 5 */
	read_head(g, t, bin, EHDR_BYTES + BIN_PHNUM * PHDR_BYTES, INTERP_BYTES);
	lock_rel(t, LOCK_BUF);
	open_elf(g, t, rld_tag(g), RLD_PHNUM);
	t->vnode = bin_vnode;
	if (g->prefault > 0)
		prefault(g, t, p);
	build_stack(g, t, p, &w);                            /* 6, 7 */
	steps += t->insns - t0;
	gos_kpath(g, t, TRC_SVC_EXECVE, rest > steps ? rest - steps : 0);
	gos_kexit(g, t, TRC_SVC_EXECVE);
	p->exec_done = 1;
}
