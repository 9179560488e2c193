// SPDX-License-Identifier: GPL-2.0
/*
 * uring_reg [CLIENT]: register each memory kind (memkinds.c) as an io_uring
 * fixed buffer (IORING_REGISTER_BUFFERS, through liburing), which
 * io_pin_pages() pins with FOLL_WRITE | FOLL_LONGTERM. One line per
 * registration, CLIENT (default "io_uring") naming the run in the table:
 *   row: CLIENT | MEMORY | write | granted|refused: ERRNO
 */
#include <stdio.h>
#include <sys/uio.h>
#include <liburing.h>

#include "memkinds.h"

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
			printf("row: %s | %s | write | granted\n", client,
			       mem_kinds[k].name);
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
