// SPDX-License-Identifier: GPL-2.0
/*
 * flood FILE N: as an unprivileged user (nobody), ask N times for a refused
 * long-term write pin: register a MAP_SHARED mapping of FILE, on a file
 * system that tracks dirty pages, as an io_uring fixed buffer, which needs
 * no privilege. Prints "flood: R refused (EFAULT), G granted, other O, S
 * seconds". The kernel must not log a line per refusal (the bench counts
 * them).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <liburing.h>

int main(int argc, char **argv)
{
	long n, i, refused = 0, granted = 0, other = 0;
	struct timespec t0, t1;
	struct io_uring ring;
	struct iovec iov;
	int fd, ret;

	if (argc != 3) {
		fprintf(stderr, "usage: flood FILE N\n");
		return 2;
	}
	n = atol(argv[2]);
	fd = open(argv[1], O_RDWR | O_CREAT, 0600);
	if (fd < 0 || ftruncate(fd, 4096)) {
		perror(argv[1]);
		return 1;
	}
	iov.iov_len = 4096;
	iov.iov_base = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (iov.iov_base == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	memset(iov.iov_base, 1, 4096);
	/* Drop privileges: uid and gid 65534 (nobody). */
	if (setgid(65534) || setuid(65534)) {
		perror("setuid");
		return 1;
	}
	ret = io_uring_queue_init(1, &ring, 0);
	if (ret) {
		fprintf(stderr, "io_uring_queue_init: %s\n", strerror(-ret));
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		ret = io_uring_register_buffers(&ring, &iov, 1);
		if (!ret) {
			granted++;
			io_uring_unregister_buffers(&ring);
		} else if (ret == -EFAULT) {
			refused++;
		} else {
			other++;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("flood: %ld refused (EFAULT), %ld granted, other %ld, %ld seconds\n",
	       refused, granted, other,
	       (long)(t1.tv_sec - t0.tv_sec + (t1.tv_nsec >= t0.tv_nsec ? 0 : -1)) + 1);
	return 0;
}
