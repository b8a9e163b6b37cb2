/* A small id -> object table for sparse ids, with linear probing. */
#include <string.h>

#include "base/idtab.h"
#include "base/err.h"
#include "base/mem.h"

int idtab_init(struct idtab *t, size_t size)
{
	t->cap = 64;
	t->n = 0;
	t->size = size;
	t->slots = sim_calloc(t->cap, size);
	t->used = sim_calloc(t->cap, 1);
	return t->slots && t->used ? SIM_OK : SIM_ENOMEM;
}

void idtab_free(struct idtab *t)
{
	sim_free(t->slots);
	sim_free(t->used);
}

static inline size_t id_hash(uint32_t id, size_t cap) { return (id * 2654435761u) & (cap - 1); }

/* The object for id, created zeroed (with its id set) when absent; NULL on
 * out of memory.  Objects start with a uint32_t id. */
void *idtab_get(struct idtab *t, uint32_t id)
{
	size_t i;
	if ((t->n + 1) * 2 > t->cap) {
		struct idtab nt = { 0 };
		nt.cap = t->cap * 2;
		nt.size = t->size;
		nt.slots = sim_calloc(nt.cap, nt.size);
		nt.used = sim_calloc(nt.cap, 1);
		if (!nt.slots || !nt.used) {
			idtab_free(&nt);
			return NULL;
		}
		for (size_t j = 0; j < t->cap; j++)
			if (t->used[j]) {
				void *o = (char *)t->slots + j * t->size;
				size_t k = id_hash(*(uint32_t *)o, nt.cap);
				while (nt.used[k])
					k = (k + 1) & (nt.cap - 1);
				memcpy((char *)nt.slots + k * nt.size, o, nt.size);
				nt.used[k] = 1;
			}
		nt.n = t->n;
		idtab_free(t);
		*t = nt;
	}
	for (i = id_hash(id, t->cap); t->used[i]; i = (i + 1) & (t->cap - 1)) {
		void *o = (char *)t->slots + i * t->size;
		if (*(uint32_t *)o == id)
			return o;
	}
	t->used[i] = 1;
	t->n++;
	memset((char *)t->slots + i * t->size, 0, t->size);
	*(uint32_t *)((char *)t->slots + i * t->size) = id;
	return (char *)t->slots + i * t->size;
}


/* Backward-shift deletion: the objects after the hole in its probe run move
 * up into it when their home slot is not between the hole and them, so that
 * every lookup still finds its object before an unused slot. */
void idtab_del(struct idtab *t, uint32_t id)
{
	size_t i, j, mask = t->cap - 1;
	for (i = id_hash(id, t->cap); t->used[i]; i = (i + 1) & mask)
		if (*(uint32_t *)((char *)t->slots + i * t->size) == id)
			break;
	if (!t->used[i])
		return;
	for (j = (i + 1) & mask; t->used[j]; j = (j + 1) & mask) {
		size_t home = id_hash(*(uint32_t *)((char *)t->slots + j * t->size), t->cap);
		/* j's object may fill the hole at i unless its home lies in (i, j] */
		if (((j - home) & mask) >= ((j - i) & mask)) {
			memcpy((char *)t->slots + i * t->size, (char *)t->slots + j * t->size, t->size);
			i = j;
		}
	}
	t->used[i] = 0;
	t->n--;
}
