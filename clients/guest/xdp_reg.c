// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_reg: register each memory kind (memkinds.c) as the UMEM of an AF_XDP
 * socket (setsockopt(XDP_UMEM_REG), the raw socket API), which
 * xdp_umem_pin_pages() pins with FOLL_WRITE | FOLL_LONGTERM. One line per
 * registration:
 *   row: af_xdp | MEMORY | write | granted|refused: ERRNO
 */
#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_xdp.h>

#include "memkinds.h"

#ifndef AF_XDP
#define AF_XDP	44
#endif
#ifndef SOL_XDP
#define SOL_XDP	283
#endif

int main(void)
{
	size_t k;
	int failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (k = 0; k < nr_mem_kinds; k++) {
		struct xdp_umem_reg reg = { .chunk_size = 2048 };
		struct region r;
		int fd, ret;

		fd = socket(AF_XDP, SOCK_RAW, 0);
		if (fd < 0) {
			printf("row: af_xdp | %s | write | broken: socket: %s\n",
			       mem_kinds[k].name, errno_name(errno));
			failed = 1;
			continue;
		}
		ret = map_kind(&mem_kinds[k], &r, 2 * 4096);
		if (ret) {
			printf("row: af_xdp | %s | write | broken: cannot map: %s\n",
			       mem_kinds[k].name, errno_name(-ret));
			failed = 1;
			close(fd);
			continue;
		}
		reg.addr = (unsigned long)r.addr;
		reg.len = r.size;
		if (!setsockopt(fd, SOL_XDP, XDP_UMEM_REG, &reg, sizeof(reg)))
			printf("row: af_xdp | %s | write | granted\n",
			       mem_kinds[k].name);
		else
			printf("row: af_xdp | %s | write | refused: %s\n",
			       mem_kinds[k].name, errno_name(errno));
		/* Closing the socket releases the UMEM and its pins. */
		close(fd);
		unmap_kind(&r);
	}
	return failed;
}
