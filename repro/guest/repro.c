// SPDX-License-Identifier: GPL-2.0
/*
 * repro MODE FILE: one step of the pinned-page data-integrity reproducer.
 * Runs in the bench VM and prints "key: value" lines.
 *
 *   longterm FILE    the file through a MAP_SHARED mapping gets a long-term
 *                    write pin (gup_repro), writeback cleans it, the "device"
 *                    writes 'B': does fsync() put 'B' on disk? The pin is still
 *                    held when repro exits (a child process keeps it), so the
 *                    power cut that follows happens with the pin held.
 *   shortterm FILE   the same with a short-term pin
 *   dirty-warn FILE [shortterm]
 *                    pin (long-term unless "shortterm"), fsync, device write,
 *                    set_page_dirty() without the page lock (ext4 warns),
 *                    unpin, fsync
 *   syncfs FILE      longterm, but the sync after the device's write is
 *                    syncfs(), which calls no ->fsync()
 *   cycles FILE      longterm, then CYCLES rounds of: user space writes
 *                    through the mapping, background writeback (the
 *                    flusher, and sync_file_range() without waiting) cleans
 *                    the folios, the device writes, fsync(): is each round's
 *                    device write on disk after its fsync()? The last
 *                    round's device write is 'B'.
 *   layout FILE      longterm, then the operations that would move the
 *                    pinned blocks (truncate, hole punch, fallocate's zero,
 *                    collapse and insert range): what each returns; then an
 *                    O_DIRECT write of 'D' over the file: does the
 *                    mapping see it? Then the device writes 'E': is the
 *                    pinned folio still the file's page (the mapping sees
 *                    'E'), and does fsync() put 'E' on disk?
 *   tail FILE        longterm, the file cut to end 512 bytes before its last
 *                    mapped page ends (that page holds the end of the file)
 *   enospc FILE      the file's pages made a hole and the file system filled
 *                    (fallocate() of FILE.filler until ENOSPC): a long-term
 *                    write pin, whose fault cannot reserve a block
 *                    (pin-at-enospc); then FILE.filler removed
 *                    (filler-removed), as longterm
 *   control FILE     no pin: user space writes 'C' through the mapping
 *   partial FILE     NR_PAGES of anonymous memory followed by NR_PAGES of
 *                    FILE (created) mapped MAP_SHARED, all written: how many
 *                    pages does one long-term write pin of the whole range
 *                    get, through pin_user_pages() and pin_user_pages_fast()?
 *   read FILE        which pattern the file holds on disk
 *
 * Patterns: 'A' is written through the mapping and synced before the pin
 * ("old"); the device writes 'B', user space 'C' in control mode; in layout
 * mode 'D' with O_DIRECT, then 'E' from the device ("new"). The file must
 * exist and be at least NR_PAGES pages long (tail mode cuts it, and read
 * then reads what is left). Data is read back with O_DIRECT, from the disk;
 * it is written with O_DIRECT only in layout mode, under a durable pin,
 * which is what that mode asks about. Where the kernel counts refused
 * long-term write pins, each pin says how many it added to the count.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gup_repro.h"

#define DEBUGFS_FILE	"/sys/kernel/debug/gup_repro"
#define NR_PAGES	4
#define OLD		'A'
#define DEVICE_NEW	'B'
#define USER_NEW	'C'
#define ODIRECT_NEW	'D'
#define DEVICE_LAST	'E'
#define CYCLES		16
#define TAIL_CUT	512
#define REFUSED_COUNT	"/proc/sys/vm/gup_longterm_file_write_refused"
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const char *path;
static size_t len;	/* what is mapped */
static size_t file_len;	/* what the file holds, read back from the disk */

static void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "repro: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

static const char *errname(int err)
{
	const char *name = strerrorname_np(err);

	return name ? name : "unknown";
}

static int open_file(int flags)
{
	struct stat st;
	int fd;

	fd = open(path, flags);
	if (fd < 0)
		die("open %s: %s", path, strerror(errno));
	if (fstat(fd, &st))
		die("stat %s: %s", path, strerror(errno));
	if ((size_t)st.st_size < file_len)
		die("%s has %lld bytes, needs %zu: create it first", path,
		    (long long)st.st_size, file_len);
	return fd;
}

/* What the disk holds: the byte if all of it is the same, else '?'. */
static char read_disk(void)
{
	char *buf;
	size_t i;
	ssize_t n;
	int fd;
	char c;

	fd = open_file(O_RDONLY | O_DIRECT);
	if (posix_memalign((void **)&buf, 4096, file_len))
		die("out of memory");
	n = pread(fd, buf, file_len, 0);
	if (n < 0)
		die("O_DIRECT read of %s: %s", path, strerror(errno));
	if ((size_t)n != file_len)
		die("O_DIRECT read of %s: %zd bytes, wanted %zu", path, n,
		    file_len);
	close(fd);
	c = buf[0];
	for (i = 1; i < file_len; i++)
		if (buf[i] != c)
			c = '?';
	free(buf);
	return c;
}

/* The pattern the application sees through its mapping: one byte or '?'. */
static char map_pattern(const char *map)
{
	size_t i;

	for (i = 1; i < len; i++)
		if (map[i] != map[0])
			return '?';
	return map[0];
}

static const char *describe(char c, char new)
{
	if (c == OLD)
		return "old";
	if (c == new)
		return "new";
	return c == '?' ? "mixed" : "other";
}

/* Open FILE, map it shared, write OLD through the mapping and sync it. */
static char *map_old(int *fdp)
{
	char *map;
	int fd;

	fd = open_file(O_RDWR);
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		die("mmap %s: %s", path, strerror(errno));
	memset(map, OLD, len);
	if (msync(map, len, MS_SYNC))
		die("msync: %s", strerror(errno));
	*fdp = fd;
	return map;
}

/* "KEY: 0", or "KEY: -1 (ERRNO)" for a call that failed (RET not 0). */
static void print_result(const char *key, int ret)
{
	if (ret)
		printf("%s: -1 (%s)\n", key, errname(errno));
	else
		printf("%s: 0\n", key);
}

static void print_fsync(const char *key, int fd)
{
	print_result(key, fsync(fd));
}

static void device_ioctl(int dev, unsigned long cmd, void *arg, const char *what)
{
	if (ioctl(dev, cmd, arg))
		die("%s: %s", what, strerror(errno));
}

/* The kernel's count of refused long-term write pins, or -1 if it has none. */
static long refused_count(void)
{
	FILE *f = fopen(REFUSED_COUNT, "r");
	long count = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &count) != 1)
		die("%s: not a number", REFUSED_COUNT);
	fclose(f);
	return count;
}

/*
 * Returns the gup_repro file descriptor, or -1 if the pin was refused; says
 * which as "KEY: granted" or "KEY: refused (ERRNO)".
 */
static int pin_as(char *map, int longterm, const char *key)
{
	struct gup_repro_pin arg = {
		.addr = (unsigned long)map,
		.len = len,
		.flags = longterm ? GUP_REPRO_LONGTERM : 0,
	};
	long before = refused_count();
	int dev, ret;

	dev = open(DEBUGFS_FILE, O_RDWR);
	if (dev < 0)
		die("open %s: %s (is gup_repro loaded?)", DEBUGFS_FILE,
		    strerror(errno));
	printf("pin-kind: %s\n", longterm ? "longterm" : "shortterm");
	ret = ioctl(dev, GUP_REPRO_PIN, &arg);
	if (ret)
		printf("%s: refused (%s)\n", key, errname(errno));
	else
		printf("%s: granted\n", key);
	if (before >= 0)
		printf("refusals-counted: %ld\n", refused_count() - before);
	if (ret) {
		close(dev);
		return -1;
	}
	return dev;
}

static int pin(char *map, int longterm)
{
	return pin_as(map, longterm, "pin");
}

static void device_write(int dev, char byte)
{
	struct gup_repro_fill arg = { .byte = byte };

	device_ioctl(dev, GUP_REPRO_DEVICE_WRITE, &arg, "DEVICE_WRITE");
	printf("device-write: %c\n", byte);
}

/*
 * Keep the pin past our exit: a child holds the gup_repro file open (the pin
 * lives as long as the open file) until the power cut.
 */
static void hold(int dev)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		setsid();
		for (;;)
			pause();
	}
	close(dev);
	printf("holding: pin (pid %d)\n", (int)pid);
}

/*
 * The common start: map the file, pin it, let writeback clean it, let the
 * device write, and say what the application's mapping shows. Returns the
 * pinning device, or -1 (reported) if the pin was refused.
 */
static int pin_clean_and_write(int longterm, int *fd, char **map)
{
	int dev;

	*map = map_old(fd);
	dev = pin(*map, longterm);
	if (dev < 0) {
		printf("holding: none\n");
		return -1;
	}
	print_fsync("fsync-before-device", *fd);
	device_write(dev, DEVICE_NEW);
	printf("mapping: %s\n", describe(map_pattern(*map), DEVICE_NEW));
	return dev;
}

/*
 * longterm, shortterm, syncfs: the sync after the device's write is
 * fsync(), or with SYNCFS syncfs(), which calls no ->fsync().
 */
static void synced_write(int longterm, int use_syncfs)
{
	const char *call = use_syncfs ? "syncfs" : "fsync";
	char *map, key[32];
	int fd, dev;

	dev = pin_clean_and_write(longterm, &fd, &map);
	if (dev < 0)
		return;
	print_result(call, use_syncfs ? syncfs(fd) : fsync(fd));
	snprintf(key, sizeof(key), "odirect-after-%s", call);
	printf("%s: %s\n", key, describe(read_disk(), DEVICE_NEW));
	hold(dev);
}

static void pinned_write(int longterm)
{
	synced_write(longterm, 0);
}

static void pinned_write_syncfs(int longterm)
{
	synced_write(longterm, 1);
}

/*
 * enospc: fill the file system with FILLER, fallocate()d in ever
 * smaller pieces until not one block is left (no data is written).
 */
static int fill_file_system(const char *filler)
{
	long long size = 0;
	long step;
	int ffd;

	ffd = open(filler, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (ffd < 0)
		die("create %s: %s", filler, strerror(errno));
	for (step = 64L << 20; step >= 4096; step /= 2) {
		while (!fallocate(ffd, 0, size, step))
			size += step;
		if (errno != ENOSPC)
			die("fallocate %s: %s", filler, strerror(errno));
	}
	printf("filler: %lld bytes\n", size);
	return ffd;
}

/* enospc: a pin whose fault finds the file system full, then as longterm. */
static void pinned_enospc(int longterm)
{
	char filler[4096], *map;
	int fd, ffd, dev;

	snprintf(filler, sizeof(filler), "%s.filler", path);
	fd = open_file(O_RDWR);
	if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, len) || fsync(fd))
		die("punch %s: %s", path, strerror(errno));
	ffd = fill_file_system(filler);
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		die("mmap %s: %s", path, strerror(errno));
	dev = pin_as(map, longterm, "pin-at-enospc");
	if (dev >= 0)
		close(dev);
	munmap(map, len);
	close(fd);
	if (unlink(filler))
		die("unlink %s: %s", filler, strerror(errno));
	close(ffd);
	printf("filler-removed: yes\n");
	synced_write(longterm, 0);
}

/* tail: the file ends TAIL_CUT bytes before the mapping does, then longterm. */
static void pinned_write_tail(int longterm)
{
	int fd;

	fd = open_file(O_RDWR);
	file_len = len - TAIL_CUT;
	if (ftruncate(fd, file_len))
		die("ftruncate %s: %s", path, strerror(errno));
	close(fd);
	printf("size: %zu\n", file_len);
	synced_write(longterm, 0);
}

/*
 * cycles: each round's bytes differ from the last round's and from the
 * patterns above ('a'... from user space, 'N'... from the device), except the
 * last round's device write, which is DEVICE_NEW, what the power cut keeps
 * or loses.
 */
static void pinned_cycles(int longterm)
{
	const char *failed_fsync = NULL, *failed_disk = NULL;
	int fd, dev, round, kept = 0;
	char *map, user, device, disk;

	dev = pin_clean_and_write(longterm, &fd, &map);
	if (dev < 0)
		return;
	for (round = 0; round < CYCLES; round++) {
		user = 'a' + round;
		device = round == CYCLES - 1 ? DEVICE_NEW : 'N' + round % 12;
		memset(map, user, len);
		/* The flusher runs every 0.1 s in this case (run.sh). */
		usleep(300000);
		if (sync_file_range(fd, 0, len, SYNC_FILE_RANGE_WRITE))
			die("sync_file_range: %s", strerror(errno));
		device_write(dev, device);
		if (fsync(fd) && !failed_fsync)
			failed_fsync = errname(errno);
		disk = read_disk();
		printf("round: %d user %c device %c disk %c\n", round, user,
		       device, disk);
		if (disk == device)
			kept++;
		else if (!failed_disk)
			failed_disk = disk == user ? "user" : describe(disk, device);
	}
	printf("rounds-kept: %d of %d\n", kept, CYCLES);
	printf("mapping: %s\n", describe(map_pattern(map), DEVICE_NEW));
	if (failed_fsync)
		printf("fsync: -1 (%s)\n", failed_fsync);
	else
		printf("fsync: 0\n");
	printf("odirect-after-fsync: %s\n", failed_disk ? failed_disk : "new");
	hold(dev);
}

static void pinned_layout(int longterm)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	char *map, *buf;
	int fd, dev, dfd;
	ssize_t n;

	dev = pin_clean_and_write(longterm, &fd, &map);
	if (dev < 0)
		return;
	print_result("truncate", ftruncate(fd, page));
	print_result("punch", fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
					0, page));
	print_result("zero-range", fallocate(fd, FALLOC_FL_ZERO_RANGE, 0, page));
	print_result("collapse", fallocate(fd, FALLOC_FL_COLLAPSE_RANGE, 0, page));
	print_result("insert", fallocate(fd, FALLOC_FL_INSERT_RANGE, 0, page));
	dfd = open_file(O_WRONLY | O_DIRECT);
	if (posix_memalign((void **)&buf, page, len))
		die("out of memory");
	memset(buf, ODIRECT_NEW, len);
	n = pwrite(dfd, buf, len, 0);
	if (n < 0)
		printf("odirect-write: -1 (%s)\n", errname(errno));
	else
		printf("odirect-write: %zd\n", n);
	free(buf);
	close(dfd);
	printf("mapping-after-odirect-write: %s\n",
	       describe(map_pattern(map), ODIRECT_NEW));
	/*
	 * Is the pinned folio still the file's page? A direct write that
	 * dropped it from the page cache would leave the device writing to a
	 * folio no mapping and no sync sees any more.
	 */
	device_write(dev, DEVICE_LAST);
	printf("mapping-after-device-write: %s\n",
	       describe(map_pattern(map), DEVICE_LAST));
	print_fsync("fsync", fd);
	printf("odirect-after-fsync: %s\n", describe(read_disk(), DEVICE_LAST));
	hold(dev);
}

static void dirty_warn(int longterm)
{
	char *map;
	int fd, dev;

	dev = pin_clean_and_write(longterm, &fd, &map);
	if (dev < 0)
		return;
	device_ioctl(dev, GUP_REPRO_DIRTY_UNLOCKED, NULL, "DIRTY_UNLOCKED");
	printf("dirty-unlocked: done\n");
	device_ioctl(dev, GUP_REPRO_UNPIN, NULL, "UNPIN");
	printf("unpin: done\n");
	print_fsync("fsync", fd);
	printf("odirect-after-unpin: %s\n", describe(read_disk(), DEVICE_NEW));
	close(dev);
	printf("holding: none\n");
}

static void control(int longterm __attribute__((unused)))
{
	char *map;
	int fd;

	map = map_old(&fd);
	printf("pin: none\n");
	print_fsync("fsync-before-device", fd);
	memset(map, USER_NEW, len);
	printf("user-write: %c\n", USER_NEW);
	printf("mapping: %s\n", describe(map_pattern(map), USER_NEW));
	print_fsync("fsync", fd);
	printf("odirect-after-fsync: %s\n", describe(read_disk(), USER_NEW));
	printf("holding: none\n");
}

/* partial */
static void partial(int longterm __attribute__((unused)))
{
	static const struct { const char *name; __u32 flags; } calls[] = {
		{ "slow", GUP_REPRO_LONGTERM },
		{ "fast", GUP_REPRO_LONGTERM | GUP_REPRO_FAST },
	};
	char *area;
	size_t i;
	int fd, dev;

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, len))
		die("create %s: %s", path, strerror(errno));
	area = mmap(NULL, 2 * len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED ||
	    mmap(area + len, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 fd, 0) == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	/* Fault everything in writable, so that GUP-fast finds the PTEs. */
	memset(area, OLD, 2 * len);
	dev = open(DEBUGFS_FILE, O_RDWR);
	if (dev < 0)
		die("open %s: %s (is gup_repro loaded?)", DEBUGFS_FILE,
		    strerror(errno));
	for (i = 0; i < ARRAY_SIZE(calls); i++) {
		struct gup_repro_pin arg = {
			.addr = (unsigned long)area,
			.len = 2 * len,
			.flags = calls[i].flags,
		};
		int ret = ioctl(dev, GUP_REPRO_COUNT, &arg);

		if (ret < 0)
			printf("partial-%s: refused (%s)\n", calls[i].name,
			       errname(errno));
		else
			printf("partial-%s: %d of %zu\n", calls[i].name, ret,
			       2 * len / (size_t)sysconf(_SC_PAGESIZE));
	}
	close(dev);
}

static void read_back(int longterm __attribute__((unused)))
{
	struct stat st;

	/* A file that tail mode cut: what it holds. */
	if (!stat(path, &st) && (size_t)st.st_size < len)
		file_len = (size_t)st.st_size & ~(size_t)(TAIL_CUT - 1);
	printf("data: %c\n", read_disk());
}

static void usage(void)
{
	fprintf(stderr,
		"usage: repro longterm|shortterm|syncfs|cycles|layout|tail|enospc|control|partial|read FILE\n"
		"       repro dirty-warn FILE [shortterm]\n");
	exit(2);
}

static const struct {
	const char *name;
	void (*run)(int longterm);
	int longterm;
} modes[] = {
	{ "longterm", pinned_write, 1 },
	{ "shortterm", pinned_write, 0 },
	{ "syncfs", pinned_write_syncfs, 1 },
	{ "cycles", pinned_cycles, 1 },
	{ "layout", pinned_layout, 1 },
	{ "tail", pinned_write_tail, 1 },
	{ "enospc", pinned_enospc, 1 },
	{ "dirty-warn", dirty_warn, 1 },
	{ "control", control, 0 },
	{ "partial", partial, 1 },
	{ "read", read_back, 0 },
};

int main(int argc, char **argv)
{
	size_t i;
	int longterm;

	if (argc < 3 || argc > 4)
		usage();
	for (i = 0; i < ARRAY_SIZE(modes); i++)
		if (!strcmp(argv[1], modes[i].name))
			break;
	if (i == ARRAY_SIZE(modes))
		usage();
	longterm = modes[i].longterm;
	if (argc == 4) {
		if (strcmp(argv[1], "dirty-warn") || strcmp(argv[3], "shortterm"))
			usage();
		longterm = 0;
	}
	path = argv[2];
	len = NR_PAGES * (size_t)sysconf(_SC_PAGESIZE);
	file_len = len;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("mode: %s\n", argv[1]);
	modes[i].run(longterm);
	return 0;
}
