// SPDX-License-Identifier: GPL-2.0
/*
 * race SECONDS [benchmark]: long-term and short-term pins, read-only and read-write,
 * through GUP-fast and the slow path (gup_test) and io_uring registration,
 * of file, shmem, THP and hugetlb memory, while other threads truncate,
 * punch holes, write, sync, drop, page out, move and remap the same memory,
 * fork and write to it, merge its private pages (KSM), and compact and drop
 * caches: the fast-path check
 * reads folio->mapping of folios it does not lock, and everything here
 * changes it.
 *
 * Prints one line per arena and pin kind:
 *   race: ARENA | PIN | attempts A, granted G, refused R, errors E (errno...)
 * "refused" is EFAULT. A long-term write pin of a shared ext4 or xfs file
 * must never be granted on a kernel with the rule (the bench checks it); it
 * may also fail for the races' own reasons (a truncated page is EFAULT too).
 * "benchmark": a gup_test without the long-term test ioctls (the base's):
 * long-term pins through its benchmark ioctls, which unpin at once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <liburing.h>

#include "gup_test.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT		21
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE	23
#endif
#ifndef MFD_HUGETLB
#define MFD_HUGETLB		0x0004U
#endif

#define GUP_TEST_FILE	"/sys/kernel/debug/gup_test"
#define PAGES		64
#define HUGE		(2UL << 20)
#define FOLL_WRITE_FLAG	0x01	/* the kernel's FOLL_WRITE, for PIN_BASIC_TEST */
#define FOLL_LONGTERM_FLAG 0x10000	/* 6.1's FOLL_LONGTERM, for PIN_FAST_BENCHMARK */

struct arena {
	const char *name;
	int fd;			/* -1: anonymous */
	bool shared, huge;	/* huge: hugetlb, pinned whole */
	char *_Atomic addr;	/* moved by mremap() while pinners read it */
	char *other;		/* where mremap() moves it next, reserved */
	size_t size;
	pthread_mutex_t lock;	/* held while the mapping is replaced or moved */
};

enum pin {
	LT_RO_SLOW, LT_RO_FAST, LT_RW_SLOW, LT_RW_FAST, ST_RW, URING, NR_PINS
};

static const char *const pin_names[NR_PINS] = {
	"long-term read-only slow", "long-term read-only fast",
	"long-term read-write slow", "long-term read-write fast",
	"short-term read-write", "io_uring fixed buffer",
};

#define MAX_ERRNO	140
struct counts {
	atomic_long attempts, granted, refused, errors;
	atomic_long err[MAX_ERRNO];
};

#define NR_ARENAS	8
static struct arena arenas[NR_ARENAS];
static struct counts counts[NR_ARENAS][NR_PINS];
/* Long-term pins through the benchmark ioctls (race SECONDS benchmark). */
static bool benchmark;
static int nr_arenas;
static atomic_bool stop;
/*
 * Every thread sets up (its stack, its buffers, its ring: mappings) before
 * any mutator moves an arena: a move leaves a hole for a moment, which a
 * new mapping could take and the move's reservation would then replace.
 */
static pthread_barrier_t start_line;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* The races only need the calls made, not their results. */
static void ignore(long ret)
{
	(void)ret;
}

static unsigned long rnd(unsigned int *seed, unsigned long n)
{
	return n ? (unsigned long)rand_r(seed) % n : 0;
}

/*
 * Room for an arena twice over, 2 MiB aligned (THP and hugetlb need it), not
 * accessible: the arena lives in one half, and mremap() moves it to the other.
 */
static char *reserve(size_t size)
{
	char *p = mmap(NULL, 2 * size + HUGE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		die("mmap (reserve)");
	return (char *)(((unsigned long)p + HUGE - 1) & ~(HUGE - 1));
}

/* (Re)map @a at its address; fault it in. */
static void map_arena(struct arena *a)
{
	int flags = (a->shared ? MAP_SHARED : MAP_PRIVATE) |
		    (a->fd < 0 ? MAP_ANONYMOUS : 0) | MAP_FIXED;
	char *addr = a->addr;

	if (mmap(addr, a->size, PROT_READ | PROT_WRITE, flags, a->fd, 0) == MAP_FAILED)
		die("mmap");
	if (!a->huge)
		madvise(addr, a->size, MADV_HUGEPAGE);
	/* KSM merges the private pages that are the same (ksmd runs). */
	if (!a->shared)
		madvise(addr, a->size, MADV_MERGEABLE);
	/* Not memset(): a truncated file would raise SIGBUS. */
	madvise(addr, a->size, MADV_POPULATE_WRITE);
}

/* Move @a to its other half, and reserve the half it leaves. */
static void move_arena(struct arena *a)
{
	char *from = a->addr;

	/* (A failure leaves it where it was: a race, not an error.) */
	if (mremap(from, a->size, a->size, MREMAP_MAYMOVE | MREMAP_FIXED,
		   a->other) == MAP_FAILED)
		return;
	a->addr = a->other;
	a->other = from;
	if (mmap(from, a->size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
		 MAP_NORESERVE | MAP_FIXED, -1, 0) == MAP_FAILED)
		die("mmap (reserve again)");
}

/* An arena of @size bytes: a file, shmem or anonymous memory. */
static void add_arena(const char *name, int fd, bool shared, bool huge, size_t size)
{
	struct arena *a = &arenas[nr_arenas++];

	a->name = name;
	a->fd = fd;
	a->shared = shared;
	a->huge = huge;
	a->size = size;
	a->addr = reserve(size);
	a->other = a->addr + size;
	pthread_mutex_init(&a->lock, NULL);
	if (fd >= 0 && ftruncate(fd, a->size))
		die("ftruncate");
	map_arena(a);
}

static int file_in(const char *dir)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/race.XXXXXX", dir);
	fd = mkstemp(path);
	if (fd < 0)
		die(path);
	unlink(path);
	return fd;
}

static void count(int arena, enum pin pin, int err)
{
	struct counts *c = &counts[arena][pin];

	atomic_fetch_add(&c->attempts, 1);
	if (!err)
		atomic_fetch_add(&c->granted, 1);
	else if (err == EFAULT)
		atomic_fetch_add(&c->refused, 1);
	else {
		atomic_fetch_add(&c->errors, 1);
		atomic_fetch_add(&c->err[err < MAX_ERRNO ? err : 0], 1);
	}
}

/*
 * A long-term pin through the benchmark ioctls, which pin and unpin at once
 * (a gup_test without PIN_LONGTERM_TEST_START: the base's): pin_user_pages()
 * with FOLL_LONGTERM (PIN_LONGTERM_BENCHMARK adds it), or
 * pin_user_pages_fast() with FOLL_LONGTERM (PIN_FAST_BENCHMARK passes it on).
 * They return 0 for a refusal too, with the size they pinned: less than
 * asked is a refusal (EFAULT).
 */
static int benchmark_pin(int gup, struct gup_test *st, enum pin pin)
{
	unsigned long size = st->size;
	bool fast = pin == LT_RO_FAST || pin == LT_RW_FAST;

	st->gup_flags = pin == LT_RW_SLOW || pin == LT_RW_FAST ? FOLL_WRITE_FLAG : 0;
	if (fast)
		st->gup_flags |= FOLL_LONGTERM_FLAG;
	if (ioctl(gup, fast ? PIN_FAST_BENCHMARK : PIN_LONGTERM_BENCHMARK, st))
		return errno;
	return st->size == size ? 0 : EFAULT;
}

static void *pinner(void *arg)
{
	unsigned int seed = (unsigned long)arg;
	struct io_uring ring;
	char *buf = malloc(HUGE);
	int gup = open(GUP_TEST_FILE, O_RDWR);

	if (gup < 0 || !buf || io_uring_queue_init(1, &ring, 0))
		die("pinner setup");
	pthread_barrier_wait(&start_line);
	while (!atomic_load(&stop)) {
		int i = rnd(&seed, nr_arenas), err = 0;
		struct arena *a = &arenas[i];
		size_t pages = a->size / 4096;
		size_t first = a->huge ? 0 : rnd(&seed, pages);
		size_t n = a->huge ? pages : 1 + rnd(&seed, pages - first);
		char *start = a->addr + first * 4096;
		enum pin pin = rnd(&seed, NR_PINS);
		struct pin_longterm_test lt = {
			.addr = (unsigned long)start, .size = n * 4096,
		};
		struct gup_test st = {
			.addr = (unsigned long)start, .size = n * 4096,
			.nr_pages_per_call = n, .gup_flags = FOLL_WRITE_FLAG,
		};
		struct iovec iov = { start, n * 4096 };
		__u64 dst = (unsigned long)buf;
		int ret;

		if (benchmark && pin <= LT_RW_FAST) {
			/* (see main(): not of anonymous memory, read-only) */
			if (a->fd < 0 && (pin == LT_RO_SLOW || pin == LT_RO_FAST))
				continue;
			count(i, pin, benchmark_pin(gup, &st, pin));
			continue;
		}
		switch (pin) {
		case LT_RW_SLOW:
		case LT_RW_FAST:
			lt.flags |= PIN_LONGTERM_TEST_FLAG_USE_WRITE;
			/* fall through */
		case LT_RO_SLOW:
		case LT_RO_FAST:
			if (pin == LT_RO_FAST || pin == LT_RW_FAST)
				lt.flags |= PIN_LONGTERM_TEST_FLAG_USE_FAST;
			if (ioctl(gup, PIN_LONGTERM_TEST_START, &lt)) {
				err = errno;
				break;
			}
			if (ioctl(gup, PIN_LONGTERM_TEST_READ, &dst))
				err = errno == EFAULT ? EIO : errno;
			ioctl(gup, PIN_LONGTERM_TEST_STOP);
			break;
		case ST_RW:
			/* pin_user_pages(), then unpinned at once. */
			if (ioctl(gup, PIN_BASIC_TEST, &st))
				err = errno;
			else if (st.size != n * 4096)
				err = EFAULT;
			break;
		case URING:
			ret = io_uring_register_buffers(&ring, &iov, 1);
			if (!ret)
				io_uring_unregister_buffers(&ring);
			err = ret < 0 ? -ret : 0;
			break;
		default:
			break;
		}
		count(i, pin, err);
	}
	return NULL;
}

static void *mutator(void *arg)
{
	unsigned int seed = (unsigned long)arg;
	char page[4096];

	memset(page, 0x5a, sizeof(page));
	pthread_barrier_wait(&start_line);
	while (!atomic_load(&stop)) {
		struct arena *a = &arenas[rnd(&seed, nr_arenas)];
		off_t off = rnd(&seed, a->size / 4096) * 4096;

		switch (rnd(&seed, 10)) {
		case 0:	/* truncate and grow back */
			if (a->fd >= 0 && !a->huge) {
				ignore(ftruncate(a->fd, off));
				ignore(ftruncate(a->fd, a->size));
			}
			break;
		case 1:	/* punch a hole */
			if (a->fd >= 0)
				fallocate(a->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
					  a->huge ? 0 : off, a->huge ? HUGE : 4096);
			break;
		case 2:
			if (a->fd >= 0 && !a->huge)
				ignore(pwrite(a->fd, page, 4096, off));
			break;
		case 3:
			if (a->fd >= 0)
				fsync(a->fd);
			break;
		case 4:
			if (a->fd >= 0 && !a->huge)
				sync_file_range(a->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
			break;
		case 5:
			madvise(a->addr, a->size, MADV_DONTNEED);
			madvise(a->addr, a->size, MADV_POPULATE_WRITE);
			break;
		case 6:
			madvise(a->addr, a->size, MADV_PAGEOUT);
			break;
		case 7:	/* unmap and map again, at the same address */
			pthread_mutex_lock(&a->lock);
			map_arena(a);
			pthread_mutex_unlock(&a->lock);
			break;
		case 8:	/* move it (hugetlb: not from a random offset) */
			pthread_mutex_lock(&a->lock);
			move_arena(a);
			pthread_mutex_unlock(&a->lock);
			break;
		default: {	/* fork, and write in the child: COW */
			pid_t pid = fork();

			if (!pid) {
				madvise(a->addr, a->size, MADV_POPULATE_WRITE);
				_exit(0);
			}
			if (pid > 0)
				waitpid(pid, NULL, 0);
			break;
		}
		}
	}
	return NULL;
}

static void write_file(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY);

	if (fd >= 0) {
		ignore(write(fd, value, strlen(value)));
		close(fd);
	}
}

/* The number in the file at @path, or -1. */
static long read_number(const char *path)
{
	FILE *f = fopen(path, "r");
	long n = -1;

	if (f) {
		if (fscanf(f, "%ld", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

/* The most pages KSM had merged at a time, sampled by the reclaimer. */
static long ksm_sharing_max;

static void *reclaimer(void *arg)
{
	long sharing;

	(void)arg;
	pthread_barrier_wait(&start_line);
	while (!atomic_load(&stop)) {
		write_file("/proc/sys/vm/compact_memory", "1");
		write_file("/proc/sys/vm/drop_caches", "3");
		sharing = read_number("/sys/kernel/mm/ksm/pages_sharing");
		if (sharing > ksm_sharing_max)
			ksm_sharing_max = sharing;
		usleep(200000);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t threads[9];
	int seconds, i, j, e, nr = 0;

	if (argc == 3 && !strcmp(argv[2], "benchmark"))
		benchmark = true;
	else if (argc != 2)
		return fprintf(stderr, "usage: race SECONDS [benchmark]\n"), 2;
	seconds = atoi(argv[1]);
	/*
	 * The base's benchmark ioctls WARN ("is NOT dma-pinned") on the zero
	 * page, which its pin_user_pages() returns without a pin: a read-only
	 * pin of anonymous memory that MADV_DONTNEED emptied gets it. Those
	 * pins are not taken there.
	 */
	if (benchmark)
		printf("race: long-term pins through PIN_LONGTERM_BENCHMARK and PIN_FAST_BENCHMARK, no read-only one of anonymous memory (the zero page: gup_test warns)\n");
	add_arena("ext4 MAP_SHARED", file_in("/mnt/ext4"), true, false, PAGES * 4096UL);
	add_arena("xfs MAP_SHARED", file_in("/mnt/xfs"), true, false, PAGES * 4096UL);
	add_arena("ext4 MAP_PRIVATE", file_in("/mnt/ext4"), false, false, PAGES * 4096UL);
	add_arena("shmem THP", memfd_create("race", 0), true, false, HUGE);
	add_arena("anonymous THP", -1, false, false, HUGE);
	add_arena("hugetlb", memfd_create("race", MFD_HUGETLB), true, true, HUGE);

	/* 4 pinners, 4 mutators, the reclaimer, and this thread. */
	pthread_barrier_init(&start_line, NULL, 10);
	for (i = 0; i < 4; i++)
		pthread_create(&threads[nr++], NULL, pinner, (void *)(long)(i + 1));
	for (i = 0; i < 4; i++)
		pthread_create(&threads[nr++], NULL, mutator, (void *)(long)(i + 100));
	pthread_create(&threads[nr++], NULL, reclaimer, NULL);
	pthread_barrier_wait(&start_line);
	sleep(seconds);
	atomic_store(&stop, true);
	for (i = 0; i < nr; i++)
		pthread_join(threads[i], NULL);
	printf("ksm: %ld full scans, at most %ld pages sharing at a time\n",
	       read_number("/sys/kernel/mm/ksm/full_scans"), ksm_sharing_max);

	for (i = 0; i < nr_arenas; i++)
		for (j = 0; j < NR_PINS; j++) {
			struct counts *c = &counts[i][j];

			printf("race: %s | %s | attempts %ld, granted %ld, refused %ld, errors %ld",
			       arenas[i].name, pin_names[j], atomic_load(&c->attempts),
			       atomic_load(&c->granted), atomic_load(&c->refused),
			       atomic_load(&c->errors));
			for (e = 0; e < MAX_ERRNO; e++)
				if (atomic_load(&c->err[e]))
					printf(" %s:%ld", strerrorname_np(e) ? strerrorname_np(e) : "?",
					       atomic_load(&c->err[e]));
			printf("\n");
		}
	return 0;
}
