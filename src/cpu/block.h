/* The decoded-block cache (exec.c); one per core for now. */
#ifndef ARMVIRT_BLOCK_H
#define ARMVIRT_BLOCK_H

#include <stdint.h>

struct block_cache;

struct block_cache *block_cache_new(void);
void block_cache_free(struct block_cache *bc);
void block_cache_flush(struct block_cache *bc);
/* Drop every block decoded from the physical page at page_pa. */
void block_cache_invalidate_page(struct block_cache *bc, uint64_t page_pa);

#endif
