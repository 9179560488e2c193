// SPDX-License-Identifier: GPL-2.0
/*
 * rdma_reg DEVICE: register each memory kind (memkinds.c) as an RDMA memory
 * region on DEVICE (rxe0: soft RoCE, pinned by ib_umem_get() with
 * pin_user_pages_fast(); siw0: soft iWARP, pinned by siw_umem_get() with
 * pin_user_pages()), with local write access and read-only, through
 * libibverbs' ibv_reg_mr(). One line per registration:
 *   row: CLIENT | MEMORY | ACCESS | granted|refused: ERRNO
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <infiniband/verbs.h>

#include "memkinds.h"
#include "rdma_dev.h"

int main(int argc, char **argv)
{
	static const struct { const char *name; int access; } accesses[] = {
		{ "write", IBV_ACCESS_LOCAL_WRITE },
		{ "read-only", 0 },
	};
	struct ibv_context *ctx;
	struct ibv_pd *pd;
	size_t k, a;
	int failed = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: rdma_reg DEVICE\n");
		return 2;
	}
	ctx = open_rdma_device("rdma_reg", argv[1]);
	if (!ctx)
		return 1;
	pd = ibv_alloc_pd(ctx);
	if (!pd) {
		perror("ibv_alloc_pd");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (k = 0; k < nr_mem_kinds; k++) {
		for (a = 0; a < 2; a++) {
			struct region r;
			struct ibv_mr *mr;
			int ret;

			ret = map_kind(&mem_kinds[k], &r, 2 * 4096);
			if (ret) {
				printf("row: rdma-%s | %s | %s | broken: cannot map: %s\n",
				       argv[1], mem_kinds[k].name, accesses[a].name,
				       errno_name(-ret));
				failed = 1;
				continue;
			}
			mr = ibv_reg_mr(pd, r.addr, r.size, accesses[a].access);
			if (mr) {
				printf("row: rdma-%s | %s | %s | granted\n", argv[1],
				       mem_kinds[k].name, accesses[a].name);
				ibv_dereg_mr(mr);
			} else {
				printf("row: rdma-%s | %s | %s | refused: %s\n",
				       argv[1], mem_kinds[k].name, accesses[a].name,
				       errno_name(errno));
			}
			unmap_kind(&r);
		}
	}
	ibv_dealloc_pd(pd);
	ibv_close_device(ctx);
	return failed;
}
