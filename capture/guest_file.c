/*
 * The IRIX guest: the buffer cache, disk requests and the system calls on files
 * (design notes: capture/guest_os.c).
 */
#include "capture/guest_int.h"

int gos_shared_tag(const struct gos *g, uint64_t tag)
{
	return (tag >= TAG_SHARED_FILE && tag < TAG_SHARED_FILE + g->shared_file_blocks) ||
	       (tag >= TAG_BINARY && tag < TAG_BINARY + (g->nbin + 1) * 64)   /* and the dynamic linker */ ||
	       (tag >= TAG_DIR && tag < TAG_DIR + 16);
}

void gos_io_start(struct gos *g, struct gcpu *t, int proc, uint64_t gpa, uint64_t tag,
		     int write)
{
	uint32_t id = (uint32_t)((t - g->c) << 24) | (++t->next_io & 0xffffff);
	uint64_t sectors = g->psize / 512;
	unsigned disk = 0;
	uint64_t block = tag % 1000000;
	if (gos_nfs_remote(g, t, tag)) {
		/* a workload file of an NFS client: the server reads or writes it */
		gos_nfs_call(g, t, proc, gpa >> g->pshift, tag, write);
		return;
	}
	if (t->nio == MAXIO)
		gos_disk_intr(g, t, 0);   /* the oldest must be complete by now */
	if (g->disks_per_copy) {
		/* files every copy shares (the system input files, the
		 * binaries' headers, the directories) are on the root disk, the
		 * same block in every VM; a copy's own files on its own disk */
		if (gos_shared_tag(g, tag))
			block = ROOT_FILES + (tag >> 32) * 0x100000 + (tag & 0xfffff);
		else   /* a job's file: job_no + 1 + 100000 x the stream that forked it */
			disk = 1 + (unsigned)((((tag >> 20) - 1) / 100000) % (uint64_t)(g->ndisks - 1));
	}
	push(t, TRC_DMA_REQ, write ? TRC_F_WRITE : 0, disk, id, block * sectors, sectors);
	push(t, TRC_FRAG, 0, 0, 0, gpa, g->psize);
	t->io[t->nio] = (struct io){ .id = id, .proc = proc, .tick = t->tick_no, .write = write,
				     .gppn = gpa >> g->pshift };
	/* the NFS server answers a call when its disk is done (nfsd's reply
	 * follows the interrupt in its stream): it keeps the ticks */
	if (g->async_io && !(g->nfs && t->vm == NFS_SERVER)) {
		size_t m = t->npend;
		t->io[t->nio].async = 1;
		push(t, TRC_MARKER, 0, RPL_MARK_INTR, id, 0, 0);
		gos_disk_intr_handler(g, t, id);
		if (t->oom == GCPU_OK)
			t->pend[m].val = t->npend - m - 1;   /* the handler's records */
	}
	t->nio++;
}

/* The buffer lock is a spinlock: no disk wait may happen while it is held.
 * Under it at most 8 requests start (namei's two lookups, or execve's
 * header reads of one block, each perhaps a write-back and a read), so room
 * for them is made before taking it. */
void gos_bc_lock(struct gos *g, struct gcpu *t)
{
	while (t->nio > MAXIO - 8)
		gos_disk_intr(g, t, 0);   /* the oldest must be complete by now */
	lock_acq(t, LOCK_BUF);
}

/* Whether a request of t's kernel still reads or writes guest page gppn: its
 * entry, or NULL. */
static struct io *page_io(struct gos *g, struct gcpu *t, uint64_t gppn)
{
	for (int c = 0; c < t->k->ncpus; c++) {
		struct gcpu *u = &g->c[t->k->cpu0 + c];
		for (int j = 0; j < u->nio; j++)
			if (u->io[j].gppn == gppn)
				return &u->io[j];
	}
	return NULL;
}

/* A buffer's page goes back to the free pages, under memlock, with the
 * page-freed hint under the Disco-aware HAL (gos_page_free). */
static void bc_page_free(struct gos *g, struct gcpu *t, uint64_t gppn)
{
	lock_acq(t, LOCK_MEM);
	gos_page_free(g, t, gppn, TRC_CAT_BUFFER_CACHE);
	lock_rel(t, LOCK_MEM);
}

void gos_bc_io_done(struct gos *g, struct gcpu *t, const struct io *io)
{
	if (io->free_page)
		bc_page_free(g, t, io->gppn);
}

/* Find block tag in the buffer cache; on a miss take a slot (clock) and, if
 * read, start its read.  Returns the slot; *miss set on a read miss.
 *
 * Pages: the cache holds at most k->bc_blocks blocks (capture.os.bufcache_size),
 * each in a page of its own that IRIX takes from its free pages when the
 * block comes in and returns to them when the block is replaced (written
 * back first if dirty, and freed when no request uses it any more).  So a
 * new block's page is often one an exited process freed, which under the
 * monitor's page-freed hint has no machine page (4.3.3). */
uint64_t gos_bc_get(struct gos *g, struct gcpu *t, int proc, uint64_t tag, int how, int *miss)
{
	struct gkern *k = t->k;
	/* Fibonacci hashing: the product's high bits (its low bits are the
	 * tag's low bits, which would put every file's block k in one set) */
	uint64_t h = ((tag * 0x9e3779b97f4a7c15ull) >> 32) % k->bc_blocks, s, page;
	*miss = 0;
	for (uint64_t i = 0; i < 4; i++) {   /* 4-way probe */
		s = (h + i) % k->bc_blocks;
		gos_kpath(g, t, TRC_SVC_READ, 6);
		push(t, TRC_LOAD, KF, 8, 0, k->buf_va + s * BUF_HDR, 0);   /* the slot's buffer header */
		if (k->bc_tag[s] == tag + 1)
			return s;
	}
	/* an empty slot of the set if there is one: a cache with room
	 * replaces nothing; else the set's clock hand */
	s = (h + (k->bc_hand++ & 3)) % k->bc_blocks;
	for (uint64_t i = 0; i < 4; i++)
		if (!k->bc_tag[(h + i) % k->bc_blocks]) {
			s = (h + i) % k->bc_blocks;
			break;
		}
	if (k->bc_tag[s]) {   /* the block it held is replaced */
		struct io *busy;
		page = bc_gppn(k, s);
		if (k->bc_dirty[s]) {
			gos_io_start(g, t, -1, page << g->pshift, k->bc_tag[s] - 1, 1);
			k->bc_dirty[s] = 0;
		}
		if ((busy = page_io(g, t, page)))
			busy->free_page = 1;
		else
			bc_page_free(g, t, page);
	}
	k->bc_tag[s] = tag + 1;
	lock_acq(t, LOCK_MEM);
	k->bc_page[s] = page = gos_page_alloc(g, t, TRC_CAT_BUFFER_CACHE);
	lock_rel(t, LOCK_MEM);
	if (how == BC_WRITE)
		return s;
	/* the block may be cached from before the run (a warm cache): its
	 * page was filled in the part not run; an NFS client's copy of a
	 * remote file is not cached: it asks the server, whose cache may be
	 * warm */
	if (how == BC_CACHED || (unif(&t->krng) >= g->read_miss && !gos_nfs_remote(g, t, tag))) {
		push(t, TRC_MARKER, 0, RPL_MARK_WARM_PAGE, 0, 0, page);
		return s;
	}
	gos_io_start(g, t, proc, page << g->pshift, tag, 0);
	*miss = 1;
	return s;
}

/* ---- system calls ---- */

/* Read and write find the block's page in the page cache (pfind: its
 * hash bucket and its pfdat entry).  On an smp kernel under memlock, with
 * up to `budget` of the call's own instructions (PFIND_INSNS of them): the
 * paper's source for memlock (5.4, Rosenblum et al. 1995) names read and
 * write among its users, with the faults, fork, exec and exit.  Returns
 * the instructions spent (none on other kernels, whose lookup is within
 * their paths as Table 2 calibrated them). */
static uint64_t page_find(struct gos *g, struct gcpu *t, unsigned svc, uint64_t gppn,
			  uint64_t budget)
{
	uint64_t n = budget < PFIND_INSNS ? budget : PFIND_INSNS;
	if (!t->k->smp) {
		gos_page_lookup(t, gppn);
		return 0;
	}
	lock_acq(t, LOCK_MEM);
	gos_page_lookup(t, gppn);
	gos_kpath(g, t, svc, n);
	lock_rel(t, LOCK_MEM);
	return n;
}

/* The vnode (VN_*) of the running process's own files. */
static uint64_t file_vnode(const struct gos *g, const struct gcpu *t)
{
	return VN_BIN + g->nbin + (uint64_t)t->cur;
}

static uint64_t user_buf(struct gos *g, struct gcpu *t, struct proc *p, uint64_t len)
{
	uint64_t k = rnd(&p->rng) % g->data_pages;
	uint64_t off = (rnd(&p->rng) % g->psize) & ~31ull;
	if (off + len > g->psize)
		off = len < g->psize ? (g->psize - len) & ~31ull : 0;
	gos_touch_data(g, t, p, k, 1);
	return (DATA_VA + (k << g->pshift) + off);
}

/* namei holds the directory's vnode lock, a sleeping lock (a semaphore:
 * other vCPUs looking up in that directory wait), over two directory
 * blocks, almost always cached.  It leaves t->vnode at the directory's. */
void gos_namei(struct gos *g, struct gcpu *t)
{
	int miss;
	uint32_t dir = SEM_VNODE + (uint32_t)(rnd(&t->krng) % 4);
	t->vnode = vnode_of(t->k, VN_DIR + dir - SEM_VNODE);
	push(t, TRC_SEM_WAIT, 0, 0, dir, 0, 0);
	gos_bc_lock(g, t);
	gos_bc_get(g, t, t->cur, TAG_DIR + rnd(&t->krng) % 16, BC_CACHED, &miss);
	gos_bc_get(g, t, t->cur, TAG_DIR + rnd(&t->krng) % 16, BC_CACHED, &miss);
	lock_rel(t, LOCK_BUF);
	push(t, TRC_SEM_SIGNAL, 0, 0, dir, 0, 0);
}

void gos_sys_open(struct gos *g, struct gcpu *t, struct proc *p)
{
	gos_kentry(g, t, TRC_SVC_OPEN);
	gos_kpath(g, t, TRC_SVC_OPEN, g->path[TRC_SVC_OPEN] / 2);
	gos_namei(g, t);
	gos_kpath(g, t, TRC_SVC_OPEN, g->path[TRC_SVC_OPEN] - g->path[TRC_SVC_OPEN] / 2);
	gos_kexit(g, t, TRC_SVC_OPEN);
}

/* Returns 1 when the process sleeps on the disk. */
int gos_sys_read(struct gos *g, struct gcpu *t, struct proc *p)
{
	uint64_t tag, s, buf, len = g->read_bytes, rest;
	int miss;
	if (unif(&p->rng) < g->shared_file)
		tag = TAG_SHARED_FILE + rnd(&p->rng) % g->shared_file_blocks;
	else
		tag = (p->file << 20) + (p->rd_blk++ % g->file_blocks);
	buf = user_buf(g, t, p, len);
	gos_kentry(g, t, TRC_SVC_READ);
	t->vnode = vnode_of(t->k, tag < TAG_BINARY ? VN_SHARED : file_vnode(g, t));
	gos_kpath(g, t, TRC_SVC_READ, g->path[TRC_SVC_READ] / 2);
	gos_bc_lock(g, t);
	s = gos_bc_get(g, t, t->cur, tag, BC_READ, &miss);
	lock_rel(t, LOCK_BUF);
	if (miss) {
		/* sleep: the copy happens when the block is in */
		gos_kpath(g, t, TRC_SVC_READ, 60);
		gos_kexit(g, t, TRC_SVC_READ);
		p->state = P_IOWAIT;
		p->on_cpu = -1;
		gos_proc_out(t, (int)(p - t->k->p));
		return 1;
	}
	rest = g->path[TRC_SVC_READ] - g->path[TRC_SVC_READ] / 2;
	rest -= page_find(g, t, TRC_SVC_READ, bc_gppn(t->k, s), rest);
	gos_copy(g, t, KSEG0 + (bc_gppn(t->k, s) << g->pshift), KF, buf, TRC_F_KERNEL, len);
	gos_kpath(g, t, TRC_SVC_READ, rest);
	gos_kexit(g, t, TRC_SVC_READ);
	return 0;
}

void gos_sys_write(struct gos *g, struct gcpu *t, struct proc *p)
{
	/* a file's block is a buffer, a page: the writes fill it in turn */
	uint64_t tag = (p->file << 20) + 0x80000 + p->wr_blk * g->write_bytes / g->psize, s;
	uint64_t len = g->write_bytes, rest;
	uint64_t buf = user_buf(g, t, p, len);
	int miss;
	p->wr_blk++;
	gos_kentry(g, t, TRC_SVC_WRITE);
	t->vnode = vnode_of(t->k, file_vnode(g, t));
	gos_kpath(g, t, TRC_SVC_WRITE, g->path[TRC_SVC_WRITE] / 2);
	gos_bc_lock(g, t);
	s = gos_bc_get(g, t, t->cur, tag, BC_WRITE, &miss);
	t->k->bc_dirty[s] = 1;
	lock_rel(t, LOCK_BUF);
	rest = g->path[TRC_SVC_WRITE] - g->path[TRC_SVC_WRITE] / 2;
	rest -= page_find(g, t, TRC_SVC_WRITE, bc_gppn(t->k, s), rest);
	gos_copy(g, t, buf, TRC_F_KERNEL,
	     KSEG0 + (bc_gppn(t->k, s) << g->pshift) + ((p->wr_blk * len) % g->psize & ~31ull) %
		     (g->psize - (len < g->psize ? len : 0) + 1),
	     KF, len);
	gos_kpath(g, t, TRC_SVC_WRITE, rest);
	if (++t->k->writes_since_flush >= g->flush_writes) {
		/* the flush daemon's work, charged to this write: push a dirty block */
		t->k->writes_since_flush = 0;
		if (t->k->bc_dirty[s]) {
			gos_io_start(g, t, -1, bc_gppn(t->k, s) << g->pshift, tag, 1);
			t->k->bc_dirty[s] = 0;
		}
	}
	gos_kexit(g, t, TRC_SVC_WRITE);
}

void gos_sys_other(struct gos *g, struct gcpu *t, struct proc *p)
{
	static const unsigned kinds[] = { TRC_SVC_CLOSE, TRC_SVC_STAT, TRC_SVC_BRK,
					  TRC_SVC_OTHER_SYSCALL };
	unsigned svc = kinds[rnd(&p->rng) % 4];
	gos_kentry(g, t, svc);
	gos_kpath(g, t, svc, g->path[TRC_SVC_OTHER_SYSCALL]);
	gos_kexit(g, t, svc);
}
