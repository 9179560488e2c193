// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz N [any-flags]: N gup_test ioctls with random and boundary values in
 * every field: addresses mapped, unmapped, unaligned, in the kernel; sizes
 * from 0 to huge; every command, START twice, STOP without START, READ past
 * the end, unknown commands. Without "any-flags" (the base's gup_test),
 * the calls stay within what it handles without a warning or an oops
 * (FOLL_WRITE, FOLL_TOUCH but to GUP-fast, FOLL_FORCE, FOLL_LONGTERM to
 * the pinning commands; sizes up to 1 GiB; GUP-fast never asked for no
 * page); with "any-flags" (the series' gup_test, patch 17), gup_flags take
 * any value half of the time, and sizes are not limited. Each call must
 * return 0 or an error code; the kernel must not complain (the bench reads
 * its log). Prints "fuzz: N calls, 0: C, EINVAL: C, ...".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "gup_test.h"

#define GUP_TEST_FILE	"/sys/kernel/debug/gup_test"
#define REGION		(64 * 4096UL)
#define FOLL_WRITE	0x01
#define FOLL_TOUCH	0x02
#define FOLL_FORCE	0x10
#define FOLL_LONGTERM	0x10000
#define MAX_ERRNO	140

static unsigned int seed = 1;

static unsigned long rnd(unsigned long n)
{
	return n ? (((unsigned long)rand_r(&seed) << 31) ^ rand_r(&seed)) % n : 0;
}

static unsigned long pick(const unsigned long *values, size_t n)
{
	return values[rnd(n)];
}

int main(int argc, char **argv)
{
	static const unsigned long cmds[] = {
		GUP_FAST_BENCHMARK, PIN_FAST_BENCHMARK, PIN_LONGTERM_BENCHMARK,
		GUP_BASIC_TEST, PIN_BASIC_TEST, DUMP_USER_PAGES_TEST,
		PIN_LONGTERM_TEST_START, PIN_LONGTERM_TEST_STOP,
		PIN_LONGTERM_TEST_READ, _IOWR('g', 42, struct gup_test),
	};
	unsigned long results[MAX_ERRNO + 1] = { 0 };
	unsigned long n, i, addrs[8], sizes[9];
	int fd, any_flags, bad = 0;
	char *region, *hole;
	size_t e;

	if (argc < 2)
		return fprintf(stderr, "usage: fuzz N [any-flags]\n"), 2;
	n = strtoul(argv[1], NULL, 0);
	any_flags = argc > 2 && !strcmp(argv[2], "any-flags");
	fd = open(GUP_TEST_FILE, O_RDWR);
	region = mmap(NULL, 2 * REGION, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fd < 0 || region == MAP_FAILED)
		return perror("setup"), 1;
	memset(region, 1, REGION);
	hole = region + REGION;
	munmap(hole, REGION);

	addrs[0] = (unsigned long)region;
	addrs[1] = (unsigned long)region + 123;
	addrs[2] = (unsigned long)hole;
	addrs[3] = 0;
	addrs[4] = 0xffff888000000000UL;
	addrs[5] = -4096UL;
	addrs[6] = (unsigned long)region + REGION - 4096;
	addrs[7] = (unsigned long)region + 4096 * 7;
	sizes[0] = 0;
	sizes[1] = 1;
	sizes[2] = 4096;
	sizes[3] = REGION;
	sizes[4] = REGION + 4096;
	sizes[5] = 1UL << 40;
	sizes[6] = -1UL;
	sizes[7] = 3 * 4096;
	sizes[8] = 4096 * 17;

	for (i = 0; i < n; i++) {
		unsigned long cmd = pick(cmds, sizeof(cmds) / sizeof(cmds[0]));
		struct gup_test gup = { 0 };
		struct pin_longterm_test lt = { 0 };
		__u64 dst = pick(addrs, 8);
		void *arg = &gup;
		unsigned int flags;
		size_t j;
		int ret;

		gup.addr = rnd(8) ? pick(addrs, 8) : rnd(-1UL);
		gup.size = rnd(8) ? pick(sizes, 9) : rnd(-1UL);
		gup.nr_pages_per_call = rnd(4) ? 1 + rnd(64) : pick(sizes, 9);
		/* Any value half of the time, or else what GUP accepts. */
		if (any_flags && rnd(2)) {
			flags = rnd(1UL << 32);
		} else {
			flags = rnd(2) * FOLL_WRITE | rnd(2) * FOLL_TOUCH | rnd(2) * FOLL_FORCE;
			if (cmd == PIN_FAST_BENCHMARK || cmd == PIN_BASIC_TEST ||
			    cmd == PIN_LONGTERM_BENCHMARK)
				flags |= rnd(2) * FOLL_LONGTERM;
		}
		gup.gup_flags = flags;
		gup.test_flags = rnd(4) ? 0 : rnd(1UL << 32);
		if (cmd == DUMP_USER_PAGES_TEST && !rnd(16))
			gup.test_flags = GUP_TEST_FLAG_DUMP_PAGES_USE_PIN;
		/* Dump a page now and then only: each one fills the log. */
		for (j = 0; j < GUP_TEST_MAX_PAGES_TO_DUMP && !rnd(500); j++)
			gup.which_pages[j] = rnd(70);
		if (cmd == DUMP_USER_PAGES_TEST && (gup.gup_flags & FOLL_LONGTERM) &&
		    !(gup.test_flags & GUP_TEST_FLAG_DUMP_PAGES_USE_PIN) && !any_flags)
			gup.gup_flags &= ~FOLL_LONGTERM;
		/*
		 * The base's gup_test allocates for the size with a warning
		 * above INT_MAX bytes, passes GUP-fast FOLL_TOUCH, which it
		 * warns about, and asks it for no page when less than a page
		 * is left or nr_pages_per_call is 0, which makes it pin past
		 * the range (an oops): not on a kernel without the series'
		 * gup_test.
		 */
		if (!any_flags && gup.size > (1ULL << 30))
			gup.size = 1ULL << 30;
		if (!any_flags && (cmd == GUP_FAST_BENCHMARK || cmd == PIN_FAST_BENCHMARK)) {
			gup.gup_flags &= ~FOLL_TOUCH;
			gup.size &= ~4095ULL;
			if (!gup.nr_pages_per_call)
				gup.nr_pages_per_call = 1;
		}

		if (cmd == PIN_LONGTERM_TEST_START) {
			lt.addr = gup.addr;
			lt.size = gup.size;
			lt.flags = rnd(4) ? rnd(4) : rnd(1UL << 32);
			arg = &lt;
		} else if (cmd == PIN_LONGTERM_TEST_READ) {
			arg = rnd(8) ? (void *)&dst : (void *)pick(addrs, 8);
		}
		ret = ioctl(fd, cmd, arg);
		results[ret ? (errno < MAX_ERRNO ? errno : MAX_ERRNO) : 0]++;
		/* Between the random calls, a valid one must still work. */
		if (i % 1000 == 999) {
			struct gup_test good = {
				.addr = addrs[0], .size = REGION,
				.nr_pages_per_call = 64, .gup_flags = FOLL_WRITE,
			};

			if (ioctl(fd, PIN_BASIC_TEST, &good) || good.size != REGION) {
				printf("fuzz: a valid PIN_BASIC_TEST failed after %lu calls\n", i);
				bad++;
			}
		}
	}
	ioctl(fd, PIN_LONGTERM_TEST_STOP);
	printf("fuzz: %lu calls", n);
	for (e = 0; e <= MAX_ERRNO; e++)
		if (results[e])
			printf(", %s: %lu", e ? (strerrorname_np(e) ?: "?") : "0", results[e]);
	printf("\n");
	return bad ? 1 : 0;
}
