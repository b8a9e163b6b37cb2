/*
 * The virtual subnet (paper 4.2.6, 4.3.4): VMs on one machine talk through
 * a virtual network device whose transfers the monitor makes.  A message's
 * fragments are guest physical ranges of the sender; the receiver names
 * where they go.  A fragment pair that spans a whole, page-aligned page on
 * both sides is remapped: the receiver's page maps the sender's machine
 * page read-only, shared by both VMs (a store by either takes a
 * copy-on-write fault); anything else is copied through the caches by the
 * monitor.  policy.vnet = off copies everything.
 *
 * Definitions.  A message is (source VM, destination VM, id); the engine
 * orders its send and receive (a receive waits for the send in simulated
 * time, replay/engine.c) and calls, for the sender, vmm_net_send_begin, a
 * vmm_net_frag per fragment and vmm_net_send_end; for the receiver,
 * vmm_net_recv_begin once the message is complete, vmm_net_frag per
 * fragment, vmm_net_recv_end, which forgets the message.
 *
 * The HAL's remap (vmm_remap_page, a monitor call) is the same remap within
 * one VM: NFS copies a reply's data page from the mbuf the device filled
 * into the buffer cache, and the Disco-aware HAL turns that bcopy into a
 * remap (4.3.4, Figure 5), so the client's buffer page shares the server's
 * machine page.  The monitor cycles of all three are counted (vnet_cycles).
 */
#include <inttypes.h>
#include <string.h>

#include "base/mem.h"
#include "monitor/vmm.h"

struct netmsg {
	uint64_t key;                /* src << 48 | dst << 32 | id, 0 free */
	uint32_t first, n;           /* its fragments in frags[] */
	uint64_t sent_at;
	int complete;
};

struct vmm_vnet {
	int on;                      /* policy.vnet */
	struct netmsg *msg;
	size_t nmsg, cap;
	uint64_t (*frags)[2];        /* gpa, len */
	size_t nfrags, fcap;
	struct vmm_netcur {          /* [nvcpus] the message a vCPU's fragments belong to */
		long msg;                /* -1 none */
		int recv;
		uint32_t frag;           /* receive: the sender's fragment being filled */
		uint64_t frag_off;       /* bytes of it filled */
	} *cur;
};

static uint64_t msg_key(int src, int dst, uint32_t id)
{
	return (uint64_t)(src + 1) << 48 | (uint64_t)(dst + 1) << 32 | id;
}

static long find(const struct vmm_vnet *n, uint64_t key)
{
	for (size_t i = 0; i < n->nmsg; i++)
		if (n->msg[i].key == key)
			return (long)i;
	return -1;
}

int vmm_vnet_new(struct vmm *x, const cfg *c, struct sim_err *err)
{
	struct vmm_vnet *n = sim_calloc(1, sizeof *n);
	if (!n || !(n->cur = sim_calloc((size_t)x->nvcpus, sizeof *n->cur))) {
		sim_free(n);
		return sim_errf(err, SIM_ENOMEM, "out of memory for the virtual network");
	}
	for (int i = 0; i < x->nvcpus; i++)
		n->cur[i].msg = -1;
	n->on = x->ops == &vmm_disco_ops && cfg_int(c, "policy.vnet");
	x->vnet = n;
	return SIM_OK;
}

void vmm_vnet_free(struct vmm *x)
{
	if (!x->vnet)
		return;
	sim_free(x->vnet->msg);
	sim_free(x->vnet->frags);
	sim_free(x->vnet->cur);
	sim_free(x->vnet);
	x->vnet = NULL;
}

int vmm_net_send_begin(struct vmm *x, struct vmm_vcpu *v, int dst, uint32_t id)
{
	struct vmm_vnet *n = x->vnet;
	uint64_t key;
	if (dst < 0 || dst >= x->nvms)
		return sim_errf(x->err, SIM_EINVAL, "net.send to VM %d; the trace has %d (vm.vcpus)", dst,
				x->nvms);
	key = msg_key(v->vm, dst, id);
	if (find(n, key) >= 0)
		return sim_errf(x->err, SIM_EINVAL, "net.send: message %u from VM %d to VM %d sent twice",
				id, v->vm, dst);
	if (n->nmsg == n->cap) {
		size_t cap = n->cap ? 2 * n->cap : 16;
		void *p = sim_realloc(n->msg, cap * sizeof *n->msg);
		if (!p)
			return sim_errf(x->err, SIM_ENOMEM, "out of memory for network messages");
		n->msg = p;
		n->cap = cap;
	}
	n->msg[n->nmsg] = (struct netmsg){ .key = key, .first = (uint32_t)n->nfrags };
	n->cur[v->id] = (struct vmm_netcur){ .msg = (long)n->nmsg, .recv = 0 };
	n->nmsg++;
	if (x->ops == &vmm_disco_ops) {
		vcpu_spend(v, ACCT_MONITOR, ACCT_SPLIT_MONITOR, x->k.dma);   /* the device's request */
		x->cnt.vnet_cycles += x->k.dma;
	}
	return SIM_OK;
}

int vmm_net_send_end(struct vmm *x, struct vmm_vcpu *v, int *dst, uint32_t *key)
{
	struct vmm_vnet *n = x->vnet;
	struct netmsg *m;
	if (n->cur[v->id].msg < 0 || n->cur[v->id].recv)
		return 0;
	m = &n->msg[n->cur[v->id].msg];
	m->complete = 1;
	m->sent_at = v->clock;
	*dst = (int)(m->key >> 32 & 0xffff) - 1;
	*key = (uint32_t)v->vm << 24 | (uint32_t)(m->key & 0xffffff);
	n->cur[v->id].msg = -1;
	return 1;
}

int vmm_net_recv_begin(struct vmm *x, struct vmm_vcpu *v, int src, uint32_t id, int *ready)
{
	struct vmm_vnet *n = x->vnet;
	long i;
	*ready = 0;
	if (src < 0 || src >= x->nvms)
		return sim_errf(x->err, SIM_EINVAL, "net.recv from VM %d; the trace has %d (vm.vcpus)", src,
				x->nvms);
	i = find(n, msg_key(src, v->vm, id));
	if (i < 0 || !n->msg[i].complete)
		return SIM_OK;
	*ready = 1;
	n->cur[v->id] = (struct vmm_netcur){ .msg = i, .recv = 1 };
	if (x->ops == &vmm_disco_ops) {
		vcpu_spend(v, ACCT_MONITOR, ACCT_SPLIT_MONITOR, x->k.dma);
		x->cnt.vnet_cycles += x->k.dma;
	}
	return SIM_OK;
}

/* Receiver page p (its VM's) takes the sender's whole page gs (pmap index)
 * read-only: 1 when remapped, 0 when it must be copied, or an error. */
static int remap(struct vmm *x, struct vmm_vcpu *v, uint64_t p, uint64_t gs)
{
	uint64_t g = x->vm[v->vm].base + p, ms = x->pmarr[gs];
	int rc;
	if (ms == PMAP_NONE || pmap_nreplicas(x->pm, gs) || g == gs)
		return 0;
	if (x->pmarr[g] == ms)
		return 1;
	if (!pmap_is_shared(x->pm, gs)) {
		vmm_numa_unmap_all(x, gs);   /* the sender's mappings return read-only */
		vmm_fp_note_shared(x, ms, gs);
	}
	rc = vmm_map_shared(x, v, g, ms);
	return rc ? rc : 1;
}

/* Copy len bytes from the sender's guest page gs (pmap index) at offset so
 * into the receiver's page p at offset ro. */
static int copy(struct vmm *x, struct vmm_vcpu *v, uint64_t gs, uint64_t so, uint64_t p,
		uint64_t ro, uint64_t len)
{
	uint64_t mr, ms = x->pmarr[gs];
	int rc = vmm_private_page(x, v, p, &mr);
	if (rc)
		return rc;
	vmm_copy(x, v, ms != PMAP_NONE ? (ms << x->pshift) + so : UINT64_MAX, (mr << x->pshift) + ro, len);
	x->cnt.vnet_copied += len;
	return SIM_OK;
}

int vmm_net_frag(struct vmm *x, struct vmm_vcpu *v, uint64_t gpa, uint64_t len)
{
	struct vmm_vnet *n = x->vnet;
	struct vmm_netcur *c = &n->cur[v->id];
	struct netmsg *m;
	uint64_t t0;
	if (c->msg < 0)
		return SIM_OK;
	m = &n->msg[c->msg];
	if (!c->recv) {
		if (n->nfrags == n->fcap) {
			size_t cap = n->fcap ? 2 * n->fcap : 64;
			void *p = sim_realloc(n->frags, cap * sizeof *n->frags);
			if (!p)
				return sim_errf(x->err, SIM_ENOMEM, "out of memory for network messages");
			n->frags = p;
			n->fcap = cap;
		}
		/* kept as the sender's pmap address: its VM's base added */
		n->frags[n->nfrags][0] = (x->vm[v->vm].base << x->pshift) + gpa;
		n->frags[n->nfrags][1] = len;
		n->nfrags++;
		m->n++;
		return SIM_OK;
	}
	if (x->ops != &vmm_disco_ops) {
		/* natively the device writes the pages (one VM: a loopback) */
		for (uint64_t p = gpa >> x->pshift; len && p <= (gpa + len - 1) >> x->pshift; p++) {
			uint64_t mpn;
			int rc = vmm_machine_page(x, v, p, &mpn);
			if (rc)
				return rc;
			machine_page_flush(x->m, mpn);
		}
		return SIM_OK;
	}
	/* receive: fill from the sender's fragments in order */
	t0 = v->clock;
	while (len > 0 && c->frag < m->n) {
		const uint64_t *f = n->frags[m->first + c->frag];
		uint64_t sa = f[0] + c->frag_off, take = f[1] - c->frag_off;
		uint64_t psize = x->pmask + 1;
		int rc;
		if (take > len)
			take = len;
		/* within one page on each side */
		if (take > psize - (sa & x->pmask))
			take = psize - (sa & x->pmask);
		if (take > psize - (gpa & x->pmask))
			take = psize - (gpa & x->pmask);
		rc = n->on && take == psize && !(sa & x->pmask) && !(gpa & x->pmask) ?
		     remap(x, v, gpa >> x->pshift, sa >> x->pshift) : 0;
		if (rc < 0)
			return rc;
		if (rc)
			x->cnt.vnet_remapped++;
		else if ((rc = copy(x, v, sa >> x->pshift, sa & x->pmask, gpa >> x->pshift,
				    gpa & x->pmask, take)))
			return rc;
		x->cnt.vnet_cycles += v->clock - t0;
		t0 = v->clock;
		gpa += take;
		len -= take;
		c->frag_off += take;
		if (c->frag_off == f[1]) {
			c->frag++;
			c->frag_off = 0;
		}
	}
	return SIM_OK;
}

void vmm_net_recv_end(struct vmm *x, struct vmm_vcpu *v)
{
	struct vmm_vnet *n = x->vnet;
	struct vmm_netcur *c = &n->cur[v->id];
	if (c->msg < 0 || !c->recv)
		return;
	n->msg[c->msg].key = 0;   /* consumed: its id may come again */
	/* the table shrinks from its end */
	while (n->nmsg && !n->msg[n->nmsg - 1].key) {
		n->nmsg--;
		if (!n->nmsg)
			n->nfrags = 0;
	}
	c->msg = -1;
}

int vmm_remap_page(struct vmm *x, struct vmm_vcpu *v, uint64_t src, uint64_t dst)
{
	const struct vmm_vm *vm = &x->vm[v->vm];
	uint64_t t0 = v->clock;
	int rc = 0;
	if (src >= vm->pages || dst >= vm->pages)
		return sim_errf(x->err, SIM_EINVAL, "remap of guest page 0x%" PRIx64 " to 0x%" PRIx64
				": beyond the VM's %" PRIu64 " pages (vm.mem.size)", src, dst, vm->pages);
	if (src == dst)
		return SIM_OK;
	if (x->vnet->on)
		rc = remap(x, v, dst, vm->base + src);
	if (rc > 0)
		x->cnt.hal_remaps++;
	else if (!rc)
		rc = copy(x, v, vm->base + src, 0, dst, 0, x->pmask + 1);
	x->cnt.vnet_cycles += v->clock - t0;
	return rc < 0 ? rc : SIM_OK;
}
