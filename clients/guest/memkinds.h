/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The memory kinds the real-client tests register with each interface: the
 * gup_longterm selftest's, each faulted in writable first, plus read-only
 * mappings that the base kernel refuses to some clients for its own reasons.
 */
#ifndef MEMKINDS_H
#define MEMKINDS_H

#include <stdbool.h>
#include <stddef.h>

struct region {
	char *addr;
	size_t size;
	int fd;
};

struct mem_kind {
	const char *name;
	/* Map @r (size set by the caller, or by the kind); 0 or -errno. */
	int (*map)(const struct mem_kind *kind, struct region *r);
	const char *dir;	/* for files: the directory */
	bool shared;		/* MAP_SHARED rather than MAP_PRIVATE */
	bool read_only;		/* PROT_READ: faulted in readable only */
	bool huge;		/* hugetlb: the region is one 2 MiB page */
};

extern const struct mem_kind mem_kinds[];
extern const size_t nr_mem_kinds;

/* Map @kind into @r (@size bytes, or one huge page); 0 or -errno. */
int map_kind(const struct mem_kind *kind, struct region *r, size_t size);
void unmap_kind(struct region *r);
/*
 * With CLIENTS_BREAK_PIN in the environment, after a registration: drop the
 * pages of @r from the mapping (MADV_DONTNEED), so that a private mapping's
 * next access gets new pages and the pin holds pages the user no longer
 * sees: the data checks must then fail (clients/break-premises.sh).
 */
void break_pin_if_asked(struct region *r);
const char *errno_name(int err);

#endif /* MEMKINDS_H */
