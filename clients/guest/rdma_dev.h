/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The verbs device of a given name, for the clients that register memory
 * regions (rdma_reg.c, flood.c). A header of its own, not memkinds.c: the
 * programs that link memkinds.c do not all link libibverbs.
 */
#ifndef RDMA_DEV_H
#define RDMA_DEV_H

#include <stdio.h>
#include <string.h>
#include <infiniband/verbs.h>

/* Opens the device called NAME; NULL, and why on stderr as PROG, if none. */
static inline struct ibv_context *open_rdma_device(const char *prog, const char *name)
{
	struct ibv_context *ctx = NULL;
	struct ibv_device **list;
	int i, n;

	list = ibv_get_device_list(&n);
	if (!list) {
		perror("ibv_get_device_list");
		return NULL;
	}
	for (i = 0; i < n && !ctx; i++)
		if (!strcmp(ibv_get_device_name(list[i]), name))
			ctx = ibv_open_device(list[i]);
	ibv_free_device_list(list);
	if (!ctx)
		fprintf(stderr, "%s: no device %s\n", prog, name);
	return ctx;
}

#endif
