/*
 * The global disk cache and copy-on-write disks (paper 4.2.5).
 *
 * Definitions.  A block is one page of a disk: (disk, sector * 512 / page
 * size).  Copy-on-write disks (vm.disks.cow) are shared by every VM: the
 * monitor keeps each block it has read in machine memory (the global disk
 * cache, one B-tree per disk in Disco, a hash table here), and a later DMA
 * read of whole, page-aligned cached blocks by any VM maps the cached page
 * read-only into the guest instead of reading the disk: the request
 * completes at once, at the monitor's cost.  Writes to a copy-on-write disk
 * are kept by the monitor for the VM that made them (a second B-tree per
 * disk and VM, here a set of (disk, VM, block)); that VM's later reads of
 * those blocks are its own, never shared.  Any other disk is private to the
 * first VM that uses it (persistent disks: one VM at a time).
 *
 * A store to a page shared this way takes the monitor's copy-on-write fault
 * (vmm_cow_fault): the writer's mappings go, it gets a private copy (through
 * the caches), the others keep the shared page.
 *
 * Invariants (vmm_check and tests/e2e/vms.sh):
 *   (1) a cached block's machine page is held by the cache (pmap_hold) and
 *       so stays allocated while the cache names it;
 *   (2) no TLB or L2TLB maps a shared machine page writable (vmm_tlb_fill
 *       maps shared pages read-only);
 *   (3) with policy.cowdisk off nothing is shared: M equals V but for the
 *       monitor's own memory.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "monitor/vmm.h"

/* An open-addressing map of non-zero uint64 keys. */
struct u64map {
	uint64_t *key, *val;
	size_t cap, n;
};

static size_t h64(uint64_t k, size_t cap) { return (size_t)((k * 0x9E3779B97F4A7C15ull) >> 17) & (cap - 1); }

static long map_find(const struct u64map *t, uint64_t k)
{
	if (!t->cap)
		return -1;
	for (size_t i = h64(k, t->cap); t->key[i]; i = (i + 1) & (t->cap - 1))
		if (t->key[i] == k)
			return (long)i;
	return -1;
}

static int map_put(struct u64map *t, uint64_t k, uint64_t v)
{
	long f = map_find(t, k);
	size_t i;
	if (f >= 0) {
		t->val[f] = v;
		return SIM_OK;
	}
	if ((t->n + 1) * 2 > t->cap) {
		struct u64map nt = { 0 };
		nt.cap = t->cap ? 2 * t->cap : 256;
		nt.key = sim_calloc(nt.cap, sizeof *nt.key);
		nt.val = sim_calloc(nt.cap, sizeof *nt.val);
		if (!nt.key || !nt.val) {
			sim_free(nt.key);
			sim_free(nt.val);
			return SIM_ENOMEM;
		}
		for (size_t j = 0; j < t->cap; j++)
			if (t->key[j]) {
				size_t k2 = h64(t->key[j], nt.cap);
				while (nt.key[k2])
					k2 = (k2 + 1) & (nt.cap - 1);
				nt.key[k2] = t->key[j];
				nt.val[k2] = t->val[j];
			}
		nt.n = t->n;
		sim_free(t->key);
		sim_free(t->val);
		*t = nt;
	}
	for (i = h64(k, t->cap); t->key[i]; i = (i + 1) & (t->cap - 1))
		;
	t->key[i] = k;
	t->val[i] = v;
	t->n++;
	return SIM_OK;
}

struct vmm_diskcache {
	int on;                      /* policy.cowdisk */
	uint64_t cow_disks;          /* bit d: disk d is copy-on-write (vm.disks.cow) */
	int *owner;                  /* [ndisks] private disks: the VM using it, -1 none */
	struct u64map blocks;        /* block key -> machine page */
	struct u64map ready;         /* block key -> the cycle its data is in memory */
	struct u64map modified;      /* (block key, VM) written by that VM */
	struct vmm_dma {             /* [nvcpus] the request whose fragments follow */
		unsigned disk;
		uint64_t block;          /* first block; UINT64_MAX: not page-aligned */
		uint64_t off;            /* bytes of fragments seen */
		uint64_t done;           /* the cycle it completes */
		int write, cow;
	} *req;
};

static uint64_t block_key(unsigned disk, uint64_t block) { return (uint64_t)(disk + 1) << 48 | block; }
static uint64_t mod_key(unsigned disk, uint64_t block, int vm)
{
	return block_key(disk, block) | (uint64_t)(vm + 1) << 56;
}

int vmm_diskcache_new(struct vmm *x, const cfg *c, struct sim_err *err)
{
	struct vmm_diskcache *d = sim_calloc(1, sizeof *d);
	const char *p = cfg_str(c, "vm.disks.cow");
	if (!d)
		return sim_errf(err, SIM_ENOMEM, "out of memory for the disk cache");
	x->dc = d;
	d->on = (int)cfg_int(c, "policy.cowdisk");
	d->owner = sim_malloc((size_t)(x->mc.ndisks > 0 ? x->mc.ndisks : 1) * sizeof *d->owner);
	d->req = sim_calloc((size_t)x->nvcpus, sizeof *d->req);
	if (!d->owner || !d->req)
		return sim_errf(err, SIM_ENOMEM, "out of memory for the disk cache");
	for (int i = 0; i < x->mc.ndisks; i++)
		d->owner[i] = -1;
	while (*p) {
		char *end;
		long k;
		while (*p == ' ' || *p == ',')
			p++;
		if (!*p)
			break;
		k = strtol(p, &end, 10);
		if (end == p || k < 0 || k >= x->mc.ndisks || k >= 64)
			return sim_errf(err, SIM_EINVAL, "vm.disks.cow = %s: '%.*s' is not a disk of the "
					"machine's %d (machine.disks)", cfg_str(c, "vm.disks.cow"),
					(int)strcspn(p, ","), p, x->mc.ndisks);
		d->cow_disks |= 1ull << k;
		p = end;
		while (*p == ' ')
			p++;
		if (*p && *p != ',')
			return sim_errf(err, SIM_EINVAL, "vm.disks.cow = %s: disk numbers are separated "
					"by commas", cfg_str(c, "vm.disks.cow"));
	}
	return SIM_OK;
}

void vmm_diskcache_free(struct vmm *x)
{
	struct vmm_diskcache *d = x->dc;
	if (!d)
		return;
	sim_free(d->owner);
	sim_free(d->req);
	sim_free(d->blocks.key);
	sim_free(d->blocks.val);
	sim_free(d->ready.key);
	sim_free(d->ready.val);
	sim_free(d->modified.key);
	sim_free(d->modified.val);
	sim_free(d);
	x->dc = NULL;
}

uint64_t vmm_diskcache_blocks(const struct vmm *x) { return x->dc ? x->dc->blocks.n : 0; }

void vmm_dma_issued(struct vmm *x, struct vmm_vcpu *v, uint64_t done)
{
	if (x->dc)
		x->dc->req[v->id].done = done;
}

int vmm_diskcache_request(struct vmm *x, struct vmm_vcpu *v, unsigned disk, uint64_t sector,
			  uint64_t count, int write, uint64_t *done_at)
{
	uint64_t ready = v->clock;
	struct vmm_diskcache *d = x->dc;
	struct vmm_dma *q = &d->req[v->id];
	uint64_t psize = x->pmask + 1, spp = psize / 512;
	int cow = disk < 64 && (d->cow_disks >> disk & 1);

	*done_at = UINT64_MAX;
	if (!cow) {
		if (d->owner[disk] >= 0 && d->owner[disk] != v->vm)
			return sim_errf(x->err, SIM_EINVAL, "VM %d uses disk %u, a private exclusive disk "
					"of VM %d: only copy-on-write disks (vm.disks.cow) are shared",
					v->vm, disk, d->owner[disk]);
		d->owner[disk] = v->vm;
	}
	q->disk = disk;
	q->write = write;
	q->off = 0;
	q->cow = cow && d->on;
	q->block = spp && sector % spp == 0 && count % spp == 0 ? sector / spp : UINT64_MAX;
	if (!q->cow)
		return SIM_OK;
	if (write) {
		/* kept by the monitor for this VM, in memory */
		for (uint64_t b = 0; q->block != UINT64_MAX && b < count / spp; b++)
			if (map_put(&d->modified, mod_key(disk, q->block + b, v->vm), 1))
				return sim_errf(x->err, SIM_ENOMEM, "out of memory for modified sectors");
		*done_at = v->clock;
		x->cnt.cow_writes++;
		return SIM_OK;
	}
	if (q->block == UINT64_MAX || count == 0)
		return SIM_OK;
	for (uint64_t b = 0; b < count / spp; b++) {
		long r = map_find(&d->ready, block_key(disk, q->block + b));
		if (r < 0 || map_find(&d->modified, mod_key(disk, q->block + b, v->vm)) >= 0)
			return SIM_OK;
		if (d->ready.val[r] > ready)
			ready = d->ready.val[r];   /* still coming from the disk for another VM */
	}
	/* every block cached: "disk requests can finish nearly instantly" */
	*done_at = ready;
	x->cnt.diskcache_hits++;
	return SIM_OK;
}

int vmm_dma_fragment(struct vmm *x, struct vmm_vcpu *v, uint64_t gpa, uint64_t len)
{
	struct vmm_diskcache *d = x->dc;
	struct vmm_dma *q = d ? &d->req[v->id] : NULL;
	uint64_t psize = x->pmask + 1, first = gpa >> x->pshift, last = (gpa + len - 1) >> x->pshift;
	int whole = (gpa & x->pmask) == 0 && (len & x->pmask) == 0;

	for (uint64_t p = first; p <= last; p++) {
		uint64_t mpn, key = 0, g = x->vm[v->vm].base + p;
		uint64_t block = q ? q->block + (q->off + (p - first) * psize) / psize : 0;
		int cacheable = q && q->cow && whole && q->block != UINT64_MAX, rc;
		long f = -1;
		if (x->owed_zero && gpa <= p << x->pshift && gpa + len >= (p + 1) << x->pshift)
			x->owed_zero[g] = 0;   /* the device overwrites the whole page: nothing to clear */
		if (cacheable) {
			key = block_key(q->disk, block);
			if (map_find(&d->modified, mod_key(q->disk, block, v->vm)) >= 0)
				cacheable = 0;   /* this VM's own version of the block: never shared */
			else
				f = map_find(&d->blocks, key);
		}
		if (f >= 0) {
			/* map the cached page read-only (paper 4.2.5) */
			if (x->pmarr[g] == d->blocks.val[f])
				continue;
			if ((rc = vmm_map_shared(x, v, g, d->blocks.val[f])))
				return rc;
			x->cnt.cow_mapped++;
			continue;
		}
		/* the device writes the page: a page of its own, whose cached lines go */
		if ((rc = vmm_private_page(x, v, p, &mpn)))
			return rc;
		machine_page_flush(x->m, mpn);
		if (cacheable) {
			/* the block enters the cache, shared with the guest page, whose
			 * mappings go: they return read-only (2) */
			vmm_numa_unmap_all(x, g);
			if (pmap_hold(x->pm, mpn) == 0) {
				vmm_fp_note_shared(x, mpn, g);
				if (map_put(&d->blocks, key, mpn) || map_put(&d->ready, key, q->done))
					return sim_errf(x->err, SIM_ENOMEM, "out of memory for the disk cache");
			}
		}
	}
	if (q)
		q->off += len;
	return SIM_OK;
}

int vmm_cow_fault(struct vmm *x, struct vmm_vcpu *v, uint64_t g)
{
	uint64_t old, nm;
	int targets = vmm_numa_unmap_all(x, g);
	vcpu_spend(v, ACCT_MONITOR, ACCT_SPLIT_MONITOR, (uint64_t)x->k.exception + x->k.trap_reflect +
		   x->k.page_move);
	(void)targets;   /* the writer's own TLB: a local flush, no interrupt */
	nm = pmap_unshare(x->pm, g, machine_cpu_node(x->m, v->cpu), &old);
	if (nm == PMAP_NONE)
		return sim_errf(x->err, SIM_EINVAL, "machine memory is full (machine.mem.size) on a "
				"copy-on-write fault");
	vmm_copy_page(x, v, old, nm);
	vmm_pmap_changed(x);
	x->cnt.cow_faults++;
	return SIM_OK;
}
