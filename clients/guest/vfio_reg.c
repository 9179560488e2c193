// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_reg GROUP DEVICE: map each memory kind (memkinds.c) for DMA by the
 * device of VFIO group /dev/vfio/GROUP through the type1 IOMMU driver
 * (VFIO_IOMMU_MAP_DMA, which pins with pin_user_pages_remote() and
 * FOLL_LONGTERM, plus FOLL_WRITE when the device may write), readable and
 * writable, and read-only. One line per mapping:
 *   row: vfio | MEMORY | write|read-only | granted|refused: ERRNO
 * Then a positive control, a real transfer: DEVICE (a PCI address) is
 * qemu's edu device, whose DMA engine copies a page of anonymous memory
 * into its buffer and back into another page, through the IOMMU:
 *   control: vfio-edu-dma: ok|FAILED
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <sys/mman.h>
#include <linux/vfio.h>

#include "memkinds.h"

static int open_container(const char *group_name, int *groupp)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[64];
	int container, group;

	container = open("/dev/vfio/vfio", O_RDWR);
	if (container < 0) {
		perror("/dev/vfio/vfio");
		return -1;
	}
	if (ioctl(container, VFIO_GET_API_VERSION) != VFIO_API_VERSION ||
	    !ioctl(container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU)) {
		fprintf(stderr, "vfio_reg: no type1v2 IOMMU support\n");
		return -1;
	}
	snprintf(path, sizeof(path), "/dev/vfio/%s", group_name);
	group = open(path, O_RDWR);
	if (group < 0) {
		perror(path);
		return -1;
	}
	if (ioctl(group, VFIO_GROUP_GET_STATUS, &status) ||
	    !(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		fprintf(stderr, "vfio_reg: group %s is not viable\n", group_name);
		return -1;
	}
	if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &container)) {
		perror("VFIO_GROUP_SET_CONTAINER");
		return -1;
	}
	if (ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU)) {
		perror("VFIO_SET_IOMMU");
		return -1;
	}
	*groupp = group;
	return container;
}

/* qemu's edu device: BAR 0 registers, and the address of its buffer. */
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_COUNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_CMD_START	0x1
#define EDU_CMD_TO_RAM	0x2
#define EDU_BUFFER	0x40000
/* Below its 28-bit DMA mask. */
#define CONTROL_IOVA	0x100000UL
/*
 * Half a page per transfer: qemu 7.2's edu refuses a transfer that ends at
 * the end of its 4 KiB buffer (an off-by-one in its range check).
 */
#define EDU_XFER	2048

static int edu_dma(volatile unsigned char *bar, __u64 src, __u64 dst, __u32 cmd)
{
	int i;

	*(volatile __u64 *)(bar + EDU_DMA_SRC) = src;
	*(volatile __u64 *)(bar + EDU_DMA_DST) = dst;
	*(volatile __u64 *)(bar + EDU_DMA_COUNT) = EDU_XFER;
	*(volatile __u64 *)(bar + EDU_DMA_CMD) = cmd | EDU_CMD_START;
	for (i = 0; i < 1000; i++) {
		if (!(*(volatile __u64 *)(bar + EDU_DMA_CMD) & EDU_CMD_START))
			return 0;
		usleep(1000);
	}
	return -1;
}

/* Copy half a page through the edu device: RAM, its buffer, another page. */
static int edu_control(int container, int group, const char *device)
{
	struct vfio_region_info bar0 = {
		.argsz = sizeof(bar0), .index = VFIO_PCI_BAR0_REGION_INDEX,
	};
	struct vfio_region_info config = {
		.argsz = sizeof(config), .index = VFIO_PCI_CONFIG_REGION_INDEX,
	};
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map), .size = 2 * 4096, .iova = CONTROL_IOVA,
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
	};
	volatile unsigned char *bar;
	unsigned short command;
	unsigned char *pages;
	int fd, i;

	fd = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, device);
	if (fd < 0 || ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &bar0) ||
	    ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &config))
		return perror("vfio device"), -1;
	bar = mmap(NULL, bar0.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   bar0.offset);
	if (bar == MAP_FAILED)
		return perror("mmap BAR 0"), -1;
	/* Bus master: the device may not DMA until told. */
	if (pread(fd, &command, 2, config.offset + 4) != 2)
		return perror("config"), -1;
	command |= 0x4;
	if (pwrite(fd, &command, 2, config.offset + 4) != 2)
		return perror("config"), -1;

	pages = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pages == MAP_FAILED)
		return -1;
	for (i = 0; i < 4096; i++)
		pages[i] = (unsigned char)(i * 7 + 3);
	memset(pages + 4096, 0, 4096);
	map.vaddr = (unsigned long)pages;
	if (ioctl(container, VFIO_IOMMU_MAP_DMA, &map))
		return perror("VFIO_IOMMU_MAP_DMA"), -1;
	if (edu_dma(bar, CONTROL_IOVA, EDU_BUFFER, 0) ||
	    edu_dma(bar, EDU_BUFFER, CONTROL_IOVA + 4096, EDU_CMD_TO_RAM))
		return fprintf(stderr, "edu: DMA timed out\n"), -1;
	return memcmp(pages, pages + 4096, EDU_XFER) ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const struct { const char *name; __u32 flags; } accesses[] = {
		{ "write", VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE },
		{ "read-only", VFIO_DMA_MAP_FLAG_READ },
	};
	int container, group, failed = 0;
	size_t k, a;

	if (argc != 3) {
		fprintf(stderr, "usage: vfio_reg GROUP DEVICE\n");
		return 2;
	}
	container = open_container(argv[1], &group);
	if (container < 0)
		return 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (k = 0; k < nr_mem_kinds; k++) {
		for (a = 0; a < 2; a++) {
			struct vfio_iommu_type1_dma_map map = {
				.argsz = sizeof(map), .flags = accesses[a].flags,
				.iova = 1UL << 30,
			};
			struct vfio_iommu_type1_dma_unmap unmap = {
				.argsz = sizeof(unmap), .iova = 1UL << 30,
			};
			struct region r;
			int ret;

			ret = map_kind(&mem_kinds[k], &r, 2 * 4096);
			if (ret) {
				printf("row: vfio | %s | %s | broken: cannot map: %s\n",
				       mem_kinds[k].name, accesses[a].name,
				       errno_name(-ret));
				failed = 1;
				continue;
			}
			map.vaddr = (unsigned long)r.addr;
			map.size = r.size;
			unmap.size = r.size;
			if (!ioctl(container, VFIO_IOMMU_MAP_DMA, &map)) {
				printf("row: vfio | %s | %s | granted\n",
				       mem_kinds[k].name, accesses[a].name);
				if (ioctl(container, VFIO_IOMMU_UNMAP_DMA, &unmap)) {
					perror("VFIO_IOMMU_UNMAP_DMA");
					failed = 1;
				}
			} else {
				printf("row: vfio | %s | %s | refused: %s\n",
				       mem_kinds[k].name, accesses[a].name,
				       errno_name(errno));
			}
			unmap_kind(&r);
		}
	}
	if (edu_control(container, group, argv[2])) {
		printf("control: vfio-edu-dma: FAILED\n");
		failed = 1;
	} else {
		printf("control: vfio-edu-dma: ok\n");
	}
	return failed;
}
