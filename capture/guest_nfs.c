/*
 * The IRIX guest: NFS over the virtual network (capture.os.disks = nfs;
 * paper 4.2.6, 4.3.4, 5.3; design notes: capture/guest_os.c).
 *
 * Definitions.  VM 0 is the server: it mounts every workload disk (each
 * copy's own files) and runs its nfsds (capture.os.nfs.nfsd) besides its
 * own Pmake copy, which reads its files locally.  The other VMs are clients: their workload files
 * are remote; the root disk (kernel, binaries, system input files) stays a
 * copy-on-write disk of every VM.
 *
 * A client's read that misses its buffer cache calls the server: an NFS
 * header (NFS_HDR bytes) sent over the virtual network, and the process
 * sleeps as on a disk read.  The reply is taken as a network interrupt
 * (NET-INTR, when a disk completion would be: capture.os.io_ticks, or at
 * once when idle): the header and one page-aligned data page received into
 * a receive mbuf, then NFS's copy of the page into the buffer, which the
 * Disco-aware HAL turns into its remap monitor call (4.3.4), then the mbuf
 * freed.  With the unfixed mbuf freelist (capture.os.nfs.mbuf_fixed = off)
 * the freelist's link is written into the freed cluster's first word.
 * A client's write-back (the flush, an evicted dirty buffer) sends the
 * header and the buffer page; the reply is a header.
 *
 * The server takes a call as a network interrupt (the header, and a
 * write's page into an mbuf), then an nfsd serves it: the buffer-cache
 * lookup, a disk read on a miss (capture.wl.read_miss, as for any read); a
 * write's page goes from the mbuf into the buffer (the remap) and to disk
 * before the reply (NFS version 2 writes are synchronous).  A call that
 * needs the disk waits for it while the other nfsds (capture.os.nfs.nfsd)
 * take the next calls; its reply goes when the server takes the disk's
 * interrupt.  With every nfsd waiting, the server takes the oldest's
 * interrupt first: calls queue behind the disks of one server (5.4: "the
 * serialization of NFS requests on the single server that manages all
 * eight disks").  A read's reply carries the buffer page itself as its
 * data fragment, so that the monitor remaps it into the client (4.2.6,
 * Figure 5).
 *
 * Invariants.
 *   (1) The server receives calls in the order they were sent (in the
 *       guest's order of generation, which is the engine's order of
 *       simulated time to within a step: in NFS mode every stream is
 *       generated a step at a time), and before it receives a client's
 *       call it has replied to that client's earlier ones; a client
 *       receives a reply only after it sent the call.  So no receive waits
 *       on a send that waits on it.
 *   (2) Message ids are per client, below 2^24; a reply has its call's id.
 *   (3) The server's stream ends only when every client's has and no call
 *       waits.
 */
#include "capture/guest_int.h"


int gos_nfs_remote(const struct gos *g, const struct gcpu *t, uint64_t tag)
{
	return g->nfs && t->vm != NFS_SERVER && !gos_shared_tag(g, tag);
}

static uint64_t mbuf_next(struct gkern *k)
{
	return k->mbuf[k->mbuf_hand++ % NMBUF];
}

/* Build a header in the header page (the RPC and XDR layer) and send. */
static void send_hdr(struct gos *g, struct gcpu *t, int vm, uint32_t id)
{
	uint64_t hdr = t->k->hdr_gppn << g->pshift;
	gos_kpath(g, t, TRC_SVC_NET_INTR, g->nfs_path);
	for (uint64_t off = 0; off < NFS_HDR; off += 32)
		push(t, TRC_STORE, KF, 8, 0, KSEG0 + hdr + off, 0);
	push(t, TRC_NET_SEND, 0, (unsigned)vm, id, 0, 0);
	push(t, TRC_FRAG, 0, 0, 0, hdr, NFS_HDR);
}

/* NFS's copy of a received page from mbuf mb into buffer page dst: the
 * Disco-aware HAL's remap, else a bcopy; then the mbuf is freed. */
static void to_buffer(struct gos *g, struct gcpu *t, uint64_t mb, uint64_t dst)
{
	if (g->hal_disco)
		push(t, TRC_MONCALL, 0, TRC_MC_REMAP, 0, mb, dst);
	else
		gos_copy(g, t, KSEG0 + (mb << g->pshift), KF, KSEG0 + (dst << g->pshift), KF, g->psize);
	if (!g->mbuf_fixed)   /* the freelist linked through the freed cluster (4.3.4) */
		push(t, TRC_STORE, KF, 8, 0, KSEG0 + (mb << g->pshift), 0);
}

void gos_nfs_call(struct gos *g, struct gcpu *t, int proc, uint64_t gppn, uint64_t tag, int write)
{
	uint32_t id;
	if (t->nio == MAXIO)
		gos_disk_intr(g, t, 0);   /* the oldest must be complete by now */
	if (g->qn == g->qcap) {
		size_t cap = g->qcap ? 2 * g->qcap : 64;
		struct nfsreq *q = sim_realloc(g->q, cap * sizeof *q);
		if (!q) {
			t->oom = GCPU_NO_MEMORY;
			return;
		}
		g->q = q;
		g->qcap = cap;
	}
	id = t->next_xid = (t->next_xid + 1) & 0xffffff;
	send_hdr(g, t, NFS_SERVER, id);
	if (write)
		push(t, TRC_FRAG, 0, 0, 0, gppn << g->pshift, g->psize);
	g->q[g->qn++] = (struct nfsreq){ .vm = t->vm, .id = id, .tag = tag, .write = write,
					 .seq = ++g->nfs_seq };
	t->io[t->nio++] = (struct io){ .id = id, .proc = proc, .tick = t->tick_no, .net = 1,
				       .write = write, .gppn = gppn };
}

void gos_nfs_reply(struct gos *g, struct gcpu *t, struct io io)
{
	struct gkern *k = t->k;
	uint64_t mb = io.write ? 0 : mbuf_next(k);
	t->took[io.id % (2 * MAXIO)].id = io.id;
	t->took[io.id % (2 * MAXIO)].seq = ++g->nfs_seq;
	gos_kentry(g, t, TRC_SVC_NET_INTR);
	push(t, TRC_NET_RECV, 0, NFS_SERVER, io.id, 0, 0);
	push(t, TRC_FRAG, 0, 0, 0, k->hdr_gppn << g->pshift, NFS_HDR);
	if (!io.write)
		push(t, TRC_FRAG, 0, 0, 0, mb << g->pshift, g->psize);
	gos_kpath(g, t, TRC_SVC_NET_INTR, g->net_intr_path);
	gos_kpath(g, t, TRC_SVC_NET_INTR, g->nfs_path);   /* the RPC layer matches the reply */
	if (!io.write)
		to_buffer(g, t, mb, io.gppn);
	gos_kexit(g, t, TRC_SVC_NET_INTR);
	if (io.proc >= 0 && k->p[io.proc].state == P_IOWAIT) {
		k->p[io.proc].state = P_RUN;
		gos_proc_ready(t, io.proc);
	}
}

int gos_nfs_pending(const struct gos *g, const struct gcpu *t)
{
	return g->nfs && t->vm == NFS_SERVER && t->vi == 0 && g->qhead < g->qn;
}

int gos_nfs_serving(const struct gos *g, const struct gcpu *t)
{
	if (!g->nfs || t->vm != NFS_SERVER || t->vi != 0)
		return 0;
	if (g->qhead < g->qn)
		return 1;
	for (int i = 0; i < g->n; i++)
		if (g->c[i].vm != NFS_SERVER && !g->c[i].done)
			return 1;
	return 0;
}

/* The reply to call r: the header, and a read's data page (the buffer). */
static void reply(struct gos *g, struct gcpu *t, struct nfsreq r, uint64_t buf)
{
	if (!r.write)   /* the block's data is in the buffer page: its first line read for the reply */
		push(t, TRC_LOAD, KF, 8, 0, KSEG0 + (buf << g->pshift), 0);
	send_hdr(g, t, r.vm, r.id);
	if (!r.write)
		push(t, TRC_FRAG, 0, 0, 0, buf << g->pshift, g->psize);
}

/* The disk request just started (the last one) is nfsd's for call r: the
 * reply waits for it, and nfsd takes the next call meanwhile. */
static void park(struct gcpu *t, struct nfsreq r)
{
	t->io[t->nio - 1].proc = IO_NFSD;
	t->io[t->nio - 1].call = r;
}

void gos_nfs_done(struct gos *g, struct gcpu *t, struct io io)
{
	gos_kentry(g, t, TRC_SVC_OTHER_SYSCALL);
	gos_kpath(g, t, io.call.write ? TRC_SVC_WRITE : TRC_SVC_READ, g->nfsd_path / 4);
	reply(g, t, io.call, io.gppn);
	gos_kexit(g, t, TRC_SVC_OTHER_SYSCALL);
}

/* Before call y is received, nfsd replies to the calls of its client
 * whose replies the client took before it sent y (it waits for them
 * first), and keeps at most capture.os.nfs.nfsd waiting for a disk: the
 * index of the request to finish first, or -1.  (One vCPU per client VM:
 * its stream is VM y.vm's.) */
static int finish_first(const struct gos *g, const struct gcpu *t, struct nfsreq y)
{
	const struct gcpu *c = &g->c[y.vm];
	int busy = 0, oldest = -1;
	for (int j = 0; j < t->nio; j++) {
		uint32_t id = t->io[j].call.id;
		if (t->io[j].proc != IO_NFSD)
			continue;
		if (t->io[j].call.vm == y.vm && c->took[id % (2 * MAXIO)].id == id &&
		    c->took[id % (2 * MAXIO)].seq < y.seq)
			return j;
		busy++;
		if (oldest < 0 || t->io[j].id < t->io[oldest].id)
			oldest = j;
	}
	return busy >= g->nfsd ? oldest : -1;
}

void gos_nfs_serve(struct gos *g, struct gcpu *t)
{
	struct nfsreq r = g->q[g->qhead];
	struct gkern *k = t->k;
	unsigned path = r.write ? TRC_SVC_WRITE : TRC_SVC_READ;
	uint64_t mb = 0, s, buf;
	int miss, j = finish_first(g, t, r);

	if (j >= 0) {   /* its disk interrupt, taken now: the reply goes */
		gos_disk_intr(g, t, j);
		return;
	}
	if (++g->qhead == g->qn)
		g->qhead = g->qn = 0;
	/* the call arrives */
	gos_kentry(g, t, TRC_SVC_NET_INTR);
	push(t, TRC_NET_RECV, 0, (unsigned)r.vm, r.id, 0, 0);
	push(t, TRC_FRAG, 0, 0, 0, k->hdr_gppn << g->pshift, NFS_HDR);
	if (r.write) {
		mb = mbuf_next(k);
		push(t, TRC_FRAG, 0, 0, 0, mb << g->pshift, g->psize);
	}
	gos_kpath(g, t, TRC_SVC_NET_INTR, g->net_intr_path);
	gos_kexit(g, t, TRC_SVC_NET_INTR);
	/* an nfsd serves it: a system call it lives in (nfssvc), the file
	 * system's paths */
	gos_kentry(g, t, TRC_SVC_OTHER_SYSCALL);
	gos_kpath(g, t, path, g->nfsd_path);
	gos_bc_lock(g, t);
	s = gos_bc_get(g, t, -1, r.tag, r.write ? BC_WRITE : BC_READ, &miss);
	lock_rel(t, LOCK_BUF);
	buf = bc_gppn(k, s);
	if (r.write) {
		/* into the buffer, and to disk before the reply (NFS version 2
		 * writes are synchronous) */
		to_buffer(g, t, mb, buf);
		gos_io_start(g, t, -1, buf << g->pshift, r.tag, 1);
		park(t, r);
	} else if (miss) {
		park(t, r);
	} else {
		reply(g, t, r, buf);
	}
	gos_kexit(g, t, TRC_SVC_OTHER_SYSCALL);
}
