/*
 * A small id -> object table (ids are sparse), linear probing.  Objects are
 * of one size and start with their uint32_t id.
 */
#ifndef BASE_IDTAB_H
#define BASE_IDTAB_H

#include <stddef.h>
#include <stdint.h>

struct idtab {
	void *slots;
	uint8_t *used;
	size_t cap, n, size;
};

/* An empty table of objects of `size` bytes: SIM_OK or SIM_ENOMEM. */
int idtab_init(struct idtab *t, size_t size);
void idtab_free(struct idtab *t);
/* The object for id, created zeroed (with its id set) when absent; NULL on
 * out of memory.  Pointers stay valid until the next idtab_get or
 * idtab_del. */
void *idtab_get(struct idtab *t, uint32_t id);
/* Forget id's object, if any: a later idtab_get creates it zeroed again.
 * Other objects may move. */
void idtab_del(struct idtab *t, uint32_t id);

#endif
