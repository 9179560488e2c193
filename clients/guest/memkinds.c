// SPDX-License-Identifier: GPL-2.0
/* The memory kinds of the real-client tests: see memkinds.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "memkinds.h"

#define HUGE_SIZE	(2UL << 20)

#ifndef MFD_HUGETLB
#define MFD_HUGETLB	0x0004U
#endif

static int map_anon(const struct mem_kind *kind __attribute__((unused)),
		    struct region *r)
{
	r->addr = mmap(NULL, r->size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return r->addr == MAP_FAILED ? -errno : 0;
}

/* Map @r->fd, sized first unless the mapping is read-only. */
static int map_fd(const struct mem_kind *kind, struct region *r)
{
	int prot = kind->read_only ? PROT_READ : PROT_READ | PROT_WRITE;

	if (r->fd < 0)
		return -errno;
	if (ftruncate(r->fd, r->size))
		return -errno;
	r->addr = mmap(NULL, r->size, prot,
		       kind->shared ? MAP_SHARED : MAP_PRIVATE, r->fd, 0);
	return r->addr == MAP_FAILED ? -errno : 0;
}

static int map_memfd(const struct mem_kind *kind, struct region *r)
{
	r->fd = memfd_create("clients", kind->huge ? MFD_HUGETLB : 0);
	return map_fd(kind, r);
}

static int map_tmpfile(const struct mem_kind *kind, struct region *r)
{
	r->fd = open(kind->dir, O_TMPFILE | O_RDWR, 0600);
	return map_fd(kind, r);
}

/* A named file: hugetlbfs has no O_TMPFILE. */
static int map_file(const struct mem_kind *kind, struct region *r)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/clients.XXXXXX", kind->dir);
	r->fd = mkstemp(path);
	if (r->fd >= 0)
		unlink(path);
	return map_fd(kind, r);
}

const struct mem_kind mem_kinds[] = {
	{ .name = "anonymous", .map = map_anon },
	{ .name = "memfd", .map = map_memfd, .shared = true },
	{ .name = "tmpfs file", .map = map_tmpfile, .dir = "/dev/shm",
	  .shared = true },
	{ .name = "memfd hugetlb", .map = map_memfd, .shared = true,
	  .huge = true },
	{ .name = "hugetlbfs file", .map = map_file, .dir = "/mnt/huge",
	  .shared = true, .huge = true },
	{ .name = "ext4 MAP_PRIVATE", .map = map_tmpfile, .dir = "/mnt/ext4" },
	{ .name = "ext4 MAP_SHARED", .map = map_tmpfile, .dir = "/mnt/ext4",
	  .shared = true },
	{ .name = "xfs MAP_SHARED", .map = map_tmpfile, .dir = "/mnt/xfs",
	  .shared = true },
	{ .name = "ramfs MAP_SHARED", .map = map_file, .dir = "/mnt/ramfs",
	  .shared = true },
	{ .name = "ext4 MAP_SHARED PROT_READ", .map = map_tmpfile,
	  .dir = "/mnt/ext4", .shared = true, .read_only = true },
	{ .name = "hugetlbfs PROT_READ", .map = map_file, .dir = "/mnt/huge",
	  .shared = true, .read_only = true, .huge = true },
};

const size_t nr_mem_kinds = sizeof(mem_kinds) / sizeof(mem_kinds[0]);

int map_kind(const struct mem_kind *kind, struct region *r, size_t size)
{
	size_t i;
	int ret;

	r->fd = -1;
	r->size = kind->huge ? HUGE_SIZE : size;
	r->addr = NULL;
	ret = kind->map(kind, r);
	if (ret) {
		r->addr = NULL;
		return ret;
	}
	/*
	 * Fault every page in: writable, so that GUP-fast finds writable
	 * PTEs, or readable for a read-only mapping.
	 */
	for (i = 0; i < r->size; i += 4096) {
		if (kind->read_only)
			(void)*(volatile char *)(r->addr + i);
		else
			r->addr[i] = (char)(i / 4096 + 1);
	}
	return 0;
}

void break_pin_if_asked(struct region *r)
{
	if (getenv("CLIENTS_BREAK_PIN"))
		madvise(r->addr, r->size, MADV_DONTNEED);
}

void unmap_kind(struct region *r)
{
	if (r->addr)
		munmap(r->addr, r->size);
	if (r->fd >= 0)
		close(r->fd);
}

const char *errno_name(int err)
{
	switch (err) {
	case EFAULT: return "EFAULT";
	case EPERM: return "EPERM";
	case EINVAL: return "EINVAL";
	case ENOMEM: return "ENOMEM";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EACCES: return "EACCES";
	case EBUSY: return "EBUSY";
	case ENOSPC: return "ENOSPC";
	default: return strerror(err);
	}
}
