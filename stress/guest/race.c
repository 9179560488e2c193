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
 *   race: ARENA | PIN | attempts A, granted G, refused R, errors E (errno...) |
 *         read failed F | held across truncate T, punch P, cow C, pageout O
 * "refused" is EFAULT, "errors" any other errno; a pin that was granted
 * counts as granted even if reading it then failed (read failed). A
 * long-term write pin of a shared ext4 or xfs file must never be granted on
 * a kernel with the rule (the bench checks it); it may also fail for the
 * races' own reasons (a truncated page is EFAULT too). "held across": the
 * granted pins during which a mutator finished a truncate, a hole punch, a
 * fork whose child wrote the arena (COW) or a MADV_PAGEOUT of the same
 * arena: the evidence that the threads raced.
 *
 * And, on a gup_test with the long-term test ioctls, the pin check: a
 * thread of its own writes a file (pattern.h), maps it MAP_PRIVATE, pins
 * the mapping read-only and long-term, writes through the mapping (a COW
 * fault on the base, whose pin then keeps the file's page) and reads the
 * pin, over and over while everything else races; the pin must show what
 * the mapping shows, and the file what was written to it:
 *   pincheck: FILE: rounds N, pin as mapped M, mismatches X, file intact K, version V
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
#include "pattern.h"

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
	/* Mutations finished, by kind (the pinners compare before and after). */
	atomic_long done[4];
};

/* The mutations a pin can be held across (struct arena's done[]). */
enum mutation { TRUNCATE, PUNCH, COW, PAGEOUT, NR_MUTATIONS };
static const char *const mutation_names[NR_MUTATIONS] = {
	"truncate", "punch", "cow", "pageout",
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
	atomic_long attempts, granted, refused, errors, read_failed;
	atomic_long err[MAX_ERRNO];
	atomic_long across[NR_MUTATIONS];
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

/* The mutations of @a finished so far, into @seen. */
static void snapshot(struct arena *a, long seen[NR_MUTATIONS])
{
	int m;

	for (m = 0; m < NR_MUTATIONS; m++)
		seen[m] = atomic_load(&a->done[m]);
}

/* A granted pin of @a was held from @before until now: count what it met. */
static void held_across(struct arena *a, struct counts *c, const long before[NR_MUTATIONS])
{
	long now[NR_MUTATIONS];
	int m;

	snapshot(a, now);
	for (m = 0; m < NR_MUTATIONS; m++)
		if (now[m] != before[m])
			atomic_fetch_add(&c->across[m], 1);
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
		long before[NR_MUTATIONS];
		int ret;

		snapshot(a, before);

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
			/* Granted: whatever reading it gives. */
			if (ioctl(gup, PIN_LONGTERM_TEST_READ, &dst))
				atomic_fetch_add(&counts[i][pin].read_failed, 1);
			held_across(a, &counts[i][pin], before);
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
			if (!ret) {
				held_across(a, &counts[i][pin], before);
				io_uring_unregister_buffers(&ring);
			}
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
				atomic_fetch_add(&a->done[TRUNCATE], 1);
			}
			break;
		case 1:	/* punch a hole */
			if (a->fd >= 0 &&
			    !fallocate(a->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
				       a->huge ? 0 : off, a->huge ? HUGE : 4096))
				atomic_fetch_add(&a->done[PUNCH], 1);
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
			if (!madvise(a->addr, a->size, MADV_PAGEOUT))
				atomic_fetch_add(&a->done[PAGEOUT], 1);
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
			if (pid > 0) {
				waitpid(pid, NULL, 0);
				atomic_fetch_add(&a->done[COW], 1);
			}
			break;
		}
		}
	}
	return NULL;
}

#define CHECK_PAGES	16
#define CHECK_FILE	"/mnt/ext4/pincheck"

/* The pin check's figures (see the top of this file). */
static long check_rounds, check_as_mapped, check_mismatches, check_intact;
static unsigned long check_version;

/*
 * The pin check: until the race stops, version v of the pattern written to
 * CHECK_FILE, mapped MAP_PRIVATE, read in (so that the mapping holds the
 * page cache's pages), pinned read-only and long-term (slow and fast in
 * turn), version v + 1 written through the mapping, then the pin read: it
 * must hold what the mapping shows (v + 1) and the file must still hold v.
 * Ends with the last version written and fsync()ed: stress.sh checks it on
 * the disk after a remount (datacheck verify).
 */
static void *pin_checker(void *arg)
{
	size_t size = CHECK_PAGES * 4096;
	char *want = malloc(size), *got = malloc(size);
	int gup = open(GUP_TEST_FILE, O_RDWR);
	int fd = open(CHECK_FILE, O_RDWR | O_CREAT | O_TRUNC, 0600);
	/*
	 * Its own reserved range, mapped into with MAP_FIXED each round: a
	 * mapping the kernel placed could take the hole a moving arena leaves
	 * for a moment, and the arena's reservation would then replace it.
	 */
	char *at = reserve(size);
	unsigned long v = 0;
	size_t i;

	(void)arg;
	if (gup < 0 || fd < 0 || !want || !got)
		die("pin check setup");
	pthread_barrier_wait(&start_line);
	while (!atomic_load(&stop)) {
		struct pin_longterm_test lt = { .size = size };
		__u64 dst = (unsigned long)got;
		char *map;

		v += 2;
		pattern_fill(want, size, v);
		if (pwrite(fd, want, size, 0) != (ssize_t)size)
			die("pin check: pwrite");
		map = mmap(at, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, 0);
		if (map == MAP_FAILED)
			die("pin check: mmap");
		for (i = 0; i < size; i += 4096)
			(void)*(volatile char *)(map + i);
		lt.addr = (unsigned long)map;
		lt.flags = (v / 2) % 2 ? PIN_LONGTERM_TEST_FLAG_USE_FAST : 0;
		if (ioctl(gup, PIN_LONGTERM_TEST_START, &lt))
			die("pin check: PIN_LONGTERM_TEST_START");
		/*
		 * stress.break=pincheck (stress/break-premises.sh): the mapping
		 * drops its pages, so that the pin holds pages it no longer
		 * shows; the check must then see mismatches.
		 */
		if (getenv("RACE_BREAK_PINCHECK"))
			madvise(map, size, MADV_DONTNEED);
		pattern_fill(map, size, v + 1);
		if (ioctl(gup, PIN_LONGTERM_TEST_READ, &dst))
			die("pin check: PIN_LONGTERM_TEST_READ");
		ioctl(gup, PIN_LONGTERM_TEST_STOP);
		check_rounds++;
		if (!memcmp(got, map, size))
			check_as_mapped++;
		else
			check_mismatches++;
		if (pread(fd, got, size, 0) == (ssize_t)size && !memcmp(got, want, size))
			check_intact++;
		if (mmap(at, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
			 MAP_FIXED, -1, 0) == MAP_FAILED)
			die("pin check: mmap (reserve again)");
		if (check_rounds % 16 == 0)
			fsync(fd);
	}
	check_version = v;
	if (fsync(fd))
		die("pin check: fsync");
	close(fd);
	close(gup);
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
	pthread_t threads[10];
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

	/* 4 pinners, 4 mutators, the reclaimer, the pin check, this thread. */
	pthread_barrier_init(&start_line, NULL, benchmark ? 10 : 11);
	for (i = 0; i < 4; i++)
		pthread_create(&threads[nr++], NULL, pinner, (void *)(long)(i + 1));
	for (i = 0; i < 4; i++)
		pthread_create(&threads[nr++], NULL, mutator, (void *)(long)(i + 100));
	pthread_create(&threads[nr++], NULL, reclaimer, NULL);
	if (!benchmark)
		pthread_create(&threads[nr++], NULL, pin_checker, NULL);
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
			printf(" | read failed %ld | held across", atomic_load(&c->read_failed));
			for (e = 0; e < NR_MUTATIONS; e++)
				printf("%s %s %ld", e ? "," : "", mutation_names[e],
				       atomic_load(&c->across[e]));
			printf("\n");
		}
	if (benchmark)
		printf("pincheck: not run (no PIN_LONGTERM_TEST ioctls)\n");
	else
		printf("pincheck: %s: rounds %ld, pin as mapped %ld, mismatches %ld, file intact %ld, version %lu\n",
		       CHECK_FILE, check_rounds, check_as_mapped, check_mismatches,
		       check_intact, check_version);
	return 0;
}
