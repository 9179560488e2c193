// SPDX-License-Identifier: GPL-2.0
/*
 * vdpa_reg: map each memory kind (memkinds.c) for DMA through vhost-vdpa,
 * on the device the vdpa simulator provides (clients/guest/run.sh creates
 * it with iproute2's vdpa tool): an IOTLB update message written to
 * /dev/vhost-vdpa-N, which vhost_vdpa_pa_map() pins with FOLL_LONGTERM, plus
 * FOLL_WRITE when the device may write (VHOST_ACCESS_WO or _RW). One line per
 * mapping:
 *   row: vhost-vdpa | MEMORY | write|read-only | granted|refused: ERRNO
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/vhost.h>

#include "memkinds.h"

#define IOVA	0x100000UL

/* One IOTLB message: map (VHOST_IOTLB_UPDATE) or unmap (_INVALIDATE). */
static int iotlb(int fd, __u8 type, const struct region *r, __u8 perm)
{
	struct vhost_msg_v2 msg;

	memset(&msg, 0, sizeof(msg));
	msg.type = VHOST_IOTLB_MSG_V2;
	msg.iotlb.type = type;
	msg.iotlb.iova = IOVA;
	msg.iotlb.size = r->size;
	msg.iotlb.uaddr = (unsigned long)r->addr;
	msg.iotlb.perm = perm;
	return write(fd, &msg, sizeof(msg)) == sizeof(msg) ? 0 : -errno;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		__u8 perm;
	} accesses[] = {
		{ "write", VHOST_ACCESS_RW },
		{ "read-only", VHOST_ACCESS_RO },
	};
	const char *path = argc > 1 ? argv[1] : "/dev/vhost-vdpa-0";
	__u64 features;
	size_t k, a;
	int failed = 0, fd, ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = open(path, O_RDWR);
	if (fd < 0 || ioctl(fd, VHOST_SET_OWNER) ||
	    ioctl(fd, VHOST_GET_BACKEND_FEATURES, &features)) {
		perror(path);
		return 1;
	}
	features &= 1ULL << VHOST_BACKEND_F_IOTLB_MSG_V2;
	if (!features || ioctl(fd, VHOST_SET_BACKEND_FEATURES, &features)) {
		fprintf(stderr, "%s: no IOTLB message v2\n", path);
		return 1;
	}
	for (k = 0; k < nr_mem_kinds; k++) {
		for (a = 0; a < sizeof(accesses) / sizeof(accesses[0]); a++) {
			struct region r;

			ret = map_kind(&mem_kinds[k], &r, 2 * 4096);
			if (ret) {
				printf("row: vhost-vdpa | %s | %s | broken: cannot map: %s\n",
				       mem_kinds[k].name, accesses[a].name,
				       errno_name(-ret));
				failed = 1;
				continue;
			}
			ret = iotlb(fd, VHOST_IOTLB_UPDATE, &r, accesses[a].perm);
			if (!ret) {
				printf("row: vhost-vdpa | %s | %s | granted\n",
				       mem_kinds[k].name, accesses[a].name);
				/* Unmapping unpins. */
				if (iotlb(fd, VHOST_IOTLB_INVALIDATE, &r, 0)) {
					perror("VHOST_IOTLB_INVALIDATE");
					failed = 1;
				}
			} else {
				printf("row: vhost-vdpa | %s | %s | refused: %s\n",
				       mem_kinds[k].name, accesses[a].name,
				       errno_name(-ret));
			}
			unmap_kind(&r);
		}
	}
	close(fd);
	return failed;
}
