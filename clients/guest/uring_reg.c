// SPDX-License-Identifier: GPL-2.0
/*
 * uring_reg [CLIENT]: register each memory kind (memkinds.c) as an io_uring
 * fixed buffer (IORING_REGISTER_BUFFERS, through liburing), which
 * io_pin_pages() pins with FOLL_WRITE | FOLL_LONGTERM. One line per
 * registration, CLIENT (default "io_uring") naming the run in the table:
 *   row: CLIENT | MEMORY | write | granted|refused: ERRNO
 * and, after each granted one, the data moved through the pinned pages in
 * both directions (a pattern read from a file with READ_FIXED must appear in
 * the user's mapping; one written there must reach a file with WRITE_FIXED):
 *   data: CLIENT | MEMORY | write | ok|MISMATCH: WHAT
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>
#include <liburing.h>

#include "memkinds.h"

/* One fixed-buffer I/O of the whole of @r, from or to @fd at offset 0. */
static int fixed_io(struct io_uring *ring, int fd, struct region *r, int write)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	struct io_uring_cqe *cqe;
	int ret;

	if (write)
		io_uring_prep_write_fixed(sqe, fd, r->addr, r->size, 0, 0);
	else
		io_uring_prep_read_fixed(sqe, fd, r->addr, r->size, 0, 0);
	ret = io_uring_submit_and_wait(ring, 1);
	if (ret < 0)
		return ret;
	ret = io_uring_wait_cqe(ring, &cqe);
	if (ret)
		return ret;
	ret = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	return ret;
}

/* The pattern of @seed, @size bytes, into @buf. */
static void fill(char *buf, size_t size, unsigned int seed)
{
	size_t i;

	for (i = 0; i < size; i++)
		buf[i] = (char)(i * 7 + seed * 13 + 1);
}

/*
 * Move a pattern into the registered buffer @r and another out of it, with
 * fixed-buffer I/O on a memfd; NULL if both arrived, else what went wrong.
 */
static const char *move_data(struct io_uring *ring, struct region *r, unsigned int seed)
{
	const char *what = NULL;
	char *want = malloc(r->size), *got = malloc(r->size);
	int fd = memfd_create("uring-data", 0);

	if (!want || !got || fd < 0) {
		what = "no memory for the check";
		goto out;
	}
	fill(want, r->size, seed);
	if (pwrite(fd, want, r->size, 0) != (ssize_t)r->size)
		what = "pwrite of the source failed";
	else if (fixed_io(ring, fd, r, 0) != (int)r->size)
		what = "READ_FIXED did not read the whole buffer";
	else if (memcmp(r->addr, want, r->size))
		what = "READ_FIXED's data is not in the user's mapping";
	if (what)
		goto out;
	fill(want, r->size, seed + 1);
	memcpy(r->addr, want, r->size);
	if (fixed_io(ring, fd, r, 1) != (int)r->size)
		what = "WRITE_FIXED did not write the whole buffer";
	else if (pread(fd, got, r->size, 0) != (ssize_t)r->size)
		what = "pread of the destination failed";
	else if (memcmp(got, want, r->size))
		what = "WRITE_FIXED did not write what the user's mapping holds";
out:
	if (fd >= 0)
		close(fd);
	free(want);
	free(got);
	return what;
}

int main(int argc, char **argv)
{
	const char *client = argc > 1 ? argv[1] : "io_uring";
	struct io_uring ring;
	size_t k;
	int ret, failed = 0;

	ret = io_uring_queue_init(1, &ring, 0);
	if (ret) {
		fprintf(stderr, "io_uring_queue_init: %s\n", errno_name(-ret));
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (k = 0; k < nr_mem_kinds; k++) {
		struct region r;
		struct iovec iov;

		ret = map_kind(&mem_kinds[k], &r, 2 * 4096);
		if (ret) {
			printf("row: %s | %s | write | broken: cannot map: %s\n",
			       client, mem_kinds[k].name, errno_name(-ret));
			failed = 1;
			continue;
		}
		iov.iov_base = r.addr;
		iov.iov_len = r.size;
		/* liburing returns -errno. */
		ret = io_uring_register_buffers(&ring, &iov, 1);
		if (!ret) {
			const char *what;

			printf("row: %s | %s | write | granted\n", client,
			       mem_kinds[k].name);
			break_pin_if_asked(&r);
			what = move_data(&ring, &r, k);
			printf("data: %s | %s | write | %s%s\n", client,
			       mem_kinds[k].name, what ? "MISMATCH: " : "ok",
			       what ? what : "");
			failed |= !!what;
			io_uring_unregister_buffers(&ring);
		} else {
			printf("row: %s | %s | write | refused: %s\n", client,
			       mem_kinds[k].name, errno_name(-ret));
		}
		unmap_kind(&r);
	}
	io_uring_queue_exit(&ring);
	return failed;
}
