// SPDX-License-Identifier: GPL-2.0
/*
 * gup_bench: what GUP costs per pinned page, per memory kind, path and size,
 * through the gup_test benchmark ioctls that both the base and the patched
 * kernel have.
 *
 * Run it in a VM booted with -icount shift=0 -smp 1: guest time then counts
 * executed instructions (1 ns = 1 instruction), so the numbers repeat.
 *
 * Output: CSV lines "memory,path,size_kib,pinned,median,min,max" where the
 * last three are instructions per page over REPS samples. From 1 MiB up a
 * sample is the kernel's own timing of the pin calls (get_delta_usec, without
 * the unpin); below it, where microseconds are too coarse, a sample is the
 * user-space time of a batch of ioctls minus the same batch of empty ioctls
 * (size 0), per page, so it includes the per-call overhead and the unpin.
 * "pinned" is "all" or "refused" (the size came back short); a THP kind
 * whose region is not wholly PMD-mapped (per /proc/self/smaps, e.g. no THP in
 * this kernel) gets one "no-thp" line per size instead of its rows.
 *
 * The path "io-uring-register" is not a gup_test ioctl but io_uring
 * fixed-buffer registration (pin_user_pages() with FOLL_LONGTERM |
 * FOLL_WRITE, plus io_uring's own work): a sample is the user-space time of
 * one IORING_REGISTER_BUFFERS call, per page, registering the region as
 * max(1, PAGES_PER_SAMPLE / pages) buffers of the given size. The
 * unregistration that follows is not timed (it waits for io_uring's
 * deferred release, timer time, not instructions). A buffer that io_uring
 * refuses (-EOPNOTSUPP, its own rule for shared file mappings, on both
 * kernels; -EFAULT, if GUP refused it) is "refused".
 *
 * Usage: gup_bench [-q]    -q: a quick smoke run (two sizes, 3 samples)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>

#include <liburing.h>

#include "gup_test.h"
#include "vm_util.h"

/* The kernel's FOLL_* values on 6.1 (include/linux/mm.h). */
#define FOLL_WRITE	0x01
#define FOLL_LONGTERM	0x10000

#define MAX_REPS	11
#define HUGE_SIZE	(2UL << 20)
#define KERNEL_TIMING_MIN	(1UL << 20)
/* Small sizes: each user-space sample pins about this many pages in all. */
#define PAGES_PER_SAMPLE	1024

struct region {
	char *addr;
	size_t size;	/* mapped, >= the size pinned */
	int fd;
};

struct mem_kind {
	const char *name;
	bool (*map)(struct region *r, size_t size);
	/* THP kinds: is the region PMD-mapped? (selftests/vm/vm_util.c) */
	bool (*check_huge)(void *addr, int nr_hpages, uint64_t hpage_size);
};

struct gup_path {
	const char *name;
	/* Instructions (ns under icount) per page for one sample. */
	bool (*sample)(const struct gup_path *path, struct region *r,
		       size_t size, double *per_page, bool *refused);
	/* For gup_test_sample(): the benchmark ioctl and its gup_flags. */
	unsigned long cmd;
	unsigned int gup_flags;
};

static bool gup_test_sample(const struct gup_path *path, struct region *r,
			    size_t size, double *per_page, bool *refused);
static bool uring_sample(const struct gup_path *path, struct region *r,
			 size_t size, double *per_page, bool *refused);

static const struct gup_path paths[] = {
	{ .name = "gup-fast", .sample = gup_test_sample,
	  .cmd = GUP_FAST_BENCHMARK },
	{ .name = "pin-fast-longterm", .sample = gup_test_sample,
	  .cmd = PIN_FAST_BENCHMARK, .gup_flags = FOLL_LONGTERM },
	{ .name = "pin-fast-longterm-write", .sample = gup_test_sample,
	  .cmd = PIN_FAST_BENCHMARK, .gup_flags = FOLL_LONGTERM | FOLL_WRITE },
	{ .name = "pin-slow-longterm", .sample = gup_test_sample,
	  .cmd = PIN_LONGTERM_BENCHMARK },
	{ .name = "pin-slow-longterm-write", .sample = gup_test_sample,
	  .cmd = PIN_LONGTERM_BENCHMARK, .gup_flags = FOLL_WRITE },
	{ .name = "io-uring-register", .sample = uring_sample },
};

static int gup_fd;
static struct io_uring ring;
static size_t pagesize;

static size_t round_up(size_t size, size_t align)
{
	return (size + align - 1) / align * align;
}

/* Map @size (rounded up to @align) with a start aligned to @align. */
static char *map_aligned(size_t size, size_t align, int prot, int flags, int fd)
{
	size_t len = round_up(size, align);
	char *area, *addr;

	area = mmap(NULL, len + align, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		return NULL;
	addr = (char *)round_up((uintptr_t)area, align);
	munmap(area, addr - area);
	munmap(addr + len, area + align - addr);
	if (mmap(addr, len, prot, flags | MAP_FIXED, fd, 0) == MAP_FAILED) {
		munmap(addr, len);
		return NULL;
	}
	return addr;
}

static bool map_anon(struct region *r, size_t size)
{
	r->size = size;
	r->addr = map_aligned(size, pagesize, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1);
	if (r->addr)
		madvise(r->addr, r->size, MADV_NOHUGEPAGE);
	return r->addr;
}

static bool map_anon_thp(struct region *r, size_t size)
{
	r->size = round_up(size, HUGE_SIZE);
	r->addr = map_aligned(r->size, HUGE_SIZE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1);
	if (r->addr)
		madvise(r->addr, r->size, MADV_HUGEPAGE);
	return r->addr;
}

static bool map_fd(struct region *r, size_t size, size_t align, int flags)
{
	r->size = round_up(size, align);
	if (r->fd < 0 || ftruncate(r->fd, r->size))
		return false;
	r->addr = map_aligned(r->size, align, PROT_READ | PROT_WRITE, flags, r->fd);
	return r->addr;
}

static bool map_memfd(struct region *r, size_t size)
{
	r->fd = memfd_create("gup_bench", 0);
	return map_fd(r, size, pagesize, MAP_SHARED);
}

static bool map_memfd_hugetlb(struct region *r, size_t size)
{
	r->fd = memfd_create("gup_bench", MFD_HUGETLB);
	return map_fd(r, size, HUGE_SIZE, MAP_SHARED);
}

static bool map_file(struct region *r, size_t size, const char *dir,
		     size_t align, int flags)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/gup_bench.XXXXXX", dir);
	r->fd = mkstemp(path);
	if (r->fd >= 0)
		unlink(path);
	return map_fd(r, size, align, flags);
}

static bool map_shmem_thp(struct region *r, size_t size)
{
	/* tmpfs mounted with huge=always by the guest script */
	return map_file(r, size, "/mnt/thp", HUGE_SIZE, MAP_SHARED);
}

static bool map_hugetlbfs(struct region *r, size_t size)
{
	return map_file(r, size, "/mnt/huge", HUGE_SIZE, MAP_SHARED);
}

static bool map_ext4_private(struct region *r, size_t size)
{
	return map_file(r, size, "/mnt/ext4", pagesize, MAP_PRIVATE);
}

static bool map_ext4_shared(struct region *r, size_t size)
{
	return map_file(r, size, "/mnt/ext4", pagesize, MAP_SHARED);
}

static const struct mem_kind kinds[] = {
	{ "anon", map_anon, NULL },
	{ "anon-thp", map_anon_thp, check_huge_anon },
	{ "memfd", map_memfd, NULL },
	{ "shmem-thp", map_shmem_thp, check_huge_shmem },
	{ "memfd-hugetlb", map_memfd_hugetlb, NULL },
	{ "hugetlbfs", map_hugetlbfs, NULL },
	{ "ext4-private", map_ext4_private, NULL },
	{ "ext4-shared", map_ext4_shared, NULL },
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* One benchmark ioctl over @size bytes; false if it failed outright. */
static bool gup_call(const struct gup_path *path, char *addr, size_t size,
		     struct gup_test *gup)
{
	memset(gup, 0, sizeof(*gup));
	gup->addr = (uintptr_t)addr;
	gup->size = size;
	gup->nr_pages_per_call = size / pagesize;
	gup->gup_flags = path->gup_flags;
	return !ioctl(gup_fd, path->cmd, gup);
}

/* Register @r as max(1, PAGES_PER_SAMPLE / pages) buffers of @size, timed. */
static bool uring_sample(const struct gup_path *path, struct region *r,
			 size_t size, double *per_page, bool *refused)
{
	static struct iovec iovs[PAGES_PER_SAMPLE];
	size_t nr_pages = size / pagesize;
	unsigned int i, nr;
	uint64_t t0, t1;
	int ret;

	(void)path;	/* io_uring pins with FOLL_LONGTERM | FOLL_WRITE */
	nr = nr_pages < PAGES_PER_SAMPLE ? PAGES_PER_SAMPLE / nr_pages : 1;
	for (i = 0; i < nr; i++) {
		iovs[i].iov_base = r->addr;
		iovs[i].iov_len = size;
	}
	t0 = now_ns();
	ret = io_uring_register_buffers(&ring, iovs, nr);
	t1 = now_ns();
	*refused = ret == -EOPNOTSUPP || ret == -EFAULT;
	if (!ret)
		ret = io_uring_unregister_buffers(&ring);
	*per_page = (double)(t1 - t0) / nr / nr_pages;
	errno = -ret;
	return !ret || *refused;
}

/* One gup_test benchmark ioctl, or many calls timed from user space. */
static bool gup_test_sample(const struct gup_path *path, struct region *r,
			    size_t size, double *per_page, bool *refused)
{
	size_t nr_pages = size / pagesize;
	struct gup_test gup;
	uint64_t t0, t1, t2;
	unsigned long i, calls;

	if (size >= KERNEL_TIMING_MIN) {
		if (!gup_call(path, r->addr, size, &gup))
			return false;
		*refused = gup.size != size;
		*per_page = gup.get_delta_usec * 1000.0 / nr_pages;
		return true;
	}

	calls = PAGES_PER_SAMPLE / nr_pages;
	t0 = now_ns();
	for (i = 0; i < calls; i++)
		if (!gup_call(path, r->addr, 0, &gup))
			return false;
	t1 = now_ns();
	for (i = 0; i < calls; i++) {
		if (!gup_call(path, r->addr, size, &gup))
			return false;
		*refused = gup.size != size;
	}
	t2 = now_ns();
	*per_page = ((double)(t2 - t1) - (double)(t1 - t0)) / calls / nr_pages;
	return true;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void measure(const struct mem_kind *kind, struct region *r,
		    const struct gup_path *path, size_t size, int reps)
{
	double values[MAX_REPS];
	bool refused = false;
	int i;

	/* One untimed call warms caches and settles any COW. */
	path->sample(path, r, size, &values[0], &refused);
	for (i = 0; i < reps; i++) {
		if (!path->sample(path, r, size, &values[i], &refused)) {
			printf("%s,%s,%zu,error: %s,,,\n", kind->name, path->name,
			       size >> 10, strerror(errno));
			return;
		}
	}
	qsort(values, reps, sizeof(values[0]), cmp_double);
	printf("%s,%s,%zu,%s,%.2f,%.2f,%.2f\n", kind->name, path->name,
	       size >> 10, refused ? "refused" : "all", values[reps / 2],
	       values[0], values[reps - 1]);
}

/* Map @kind once for @size and measure every path on it. */
static void measure_paths(const struct mem_kind *kind, size_t size, int reps)
{
	struct region r = { .fd = -1 };
	unsigned int p;

	if (!kind->map(&r, size)) {
		printf("%s,all,%zu,unavailable,,,\n", kind->name, size >> 10);
		goto out;
	}
	/* Fault everything in writable, so that GUP-fast finds the PTEs. */
	memset(r.addr, 0x5a, r.size);
	/* A THP kind not wholly PMD-mapped would measure small pages. */
	if (kind->check_huge &&
	    !kind->check_huge(r.addr, r.size / HUGE_SIZE, HUGE_SIZE)) {
		printf("%s,all,%zu,no-thp,,,\n", kind->name, size >> 10);
		goto out;
	}
	for (p = 0; p < sizeof(paths) / sizeof(paths[0]); p++)
		measure(kind, &r, &paths[p], size, reps);
out:
	fflush(stdout);
	if (r.addr)
		munmap(r.addr, r.size);
	if (r.fd >= 0)
		close(r.fd);
}

int main(int argc, char **argv)
{
	bool quick = argc > 1 && !strcmp(argv[1], "-q");
	size_t min_size, max_size, size;
	int reps = quick ? 3 : MAX_REPS;
	unsigned int k;
	int ret;

	pagesize = getpagesize();
	gup_fd = open("/sys/kernel/debug/gup_test", O_RDWR);
	if (gup_fd < 0) {
		perror("/sys/kernel/debug/gup_test");
		return 1;
	}
	ret = io_uring_queue_init(4, &ring, 0);
	if (ret) {
		fprintf(stderr, "io_uring_queue_init: %s\n", strerror(-ret));
		return 1;
	}
	min_size = quick ? 64 << 10 : pagesize;
	max_size = quick ? 4 << 20 : 256 << 20;

	printf("memory,path,size_kib,pinned,median,min,max\n");
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		for (size = min_size; size <= max_size; size *= quick ? 64 : 4)
			measure_paths(&kinds[k], size, reps);
	return 0;
}
