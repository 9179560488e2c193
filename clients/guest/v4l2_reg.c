// SPDX-License-Identifier: GPL-2.0
/*
 * v4l2_reg: queue each memory kind (memkinds.c) as a USERPTR buffer on the
 * vivid driver's video output queue (the device reads it) and capture queue
 * (the device writes it). videobuf2's vmalloc allocator pins the buffer
 * through get_vaddr_frames() with FOLL_LONGTERM when it is queued
 * (VIDIOC_QBUF); VIDIOC_REQBUFS with count 0 releases it. It pins output
 * buffers for writing too (FOLL_WRITE | FOLL_FORCE on 6.1, FOLL_WRITE in
 * mainline: drivers may write to them), so both rows are write pins.
 * One line each:
 *   row: v4l2-vivid | MEMORY | write (output)|write (capture) | granted|refused: ERRNO
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/videodev2.h>

#include "memkinds.h"

/* The /dev node of the video device whose sysfs name is @name. */
static int open_node(const char *name)
{
	char path[300], buf[64];
	struct dirent *e;
	DIR *dir;
	int fd = -1;

	dir = opendir("/sys/class/video4linux");
	while (dir && fd < 0 && (e = readdir(dir))) {
		FILE *f;

		snprintf(path, sizeof(path), "/sys/class/video4linux/%s/name", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f) && !strncmp(buf, name, strlen(name))) {
			snprintf(path, sizeof(path), "/dev/%s", e->d_name);
			fd = open(path, O_RDWR);
		}
		fclose(f);
	}
	if (dir)
		closedir(dir);
	if (fd < 0)
		fprintf(stderr, "v4l2_reg: no video device named %s\n", name);
	return fd;
}

static int reqbufs(int fd, enum v4l2_buf_type type, unsigned int count)
{
	struct v4l2_requestbuffers req = {
		.count = count, .type = type, .memory = V4L2_MEMORY_USERPTR,
	};

	return ioctl(fd, VIDIOC_REQBUFS, &req);
}

/* Queue every memory kind on @fd's queue of @type; 0 if all could be tried. */
static int try_queue(int fd, enum v4l2_buf_type type, const char *access)
{
	struct v4l2_format fmt = { .type = type };
	size_t k, size;
	int failed = 0;

	/* A small frame: two pages, so that every kind can hold it. */
	if (ioctl(fd, VIDIOC_G_FMT, &fmt))
		return perror("VIDIOC_G_FMT"), 1;
	fmt.fmt.pix.width = 64;
	fmt.fmt.pix.height = 64;
	fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_YUYV;
	if (ioctl(fd, VIDIOC_S_FMT, &fmt))
		return perror("VIDIOC_S_FMT"), 1;
	size = (fmt.fmt.pix.sizeimage + 4095) & ~4095UL;

	for (k = 0; k < nr_mem_kinds; k++) {
		struct v4l2_buffer buf = {
			.type = type, .memory = V4L2_MEMORY_USERPTR, .index = 0,
		};
		struct region r;
		int ret;

		if (reqbufs(fd, type, 1))
			return perror("VIDIOC_REQBUFS"), 1;
		ret = map_kind(&mem_kinds[k], &r, size);
		if (ret) {
			printf("row: v4l2-vivid | %s | %s | broken: cannot map: %s\n",
			       mem_kinds[k].name, access, errno_name(-ret));
			failed = 1;
			continue;
		}
		buf.m.userptr = (unsigned long)r.addr;
		buf.length = fmt.fmt.pix.sizeimage;
		buf.bytesused = fmt.fmt.pix.sizeimage;
		if (!ioctl(fd, VIDIOC_QBUF, &buf))
			printf("row: v4l2-vivid | %s | %s | granted\n",
			       mem_kinds[k].name, access);
		else
			printf("row: v4l2-vivid | %s | %s | refused: %s\n",
			       mem_kinds[k].name, access, errno_name(errno));
		/* Free the buffer: unpins it. */
		if (reqbufs(fd, type, 0))
			return perror("VIDIOC_REQBUFS 0"), 1;
		unmap_kind(&r);
	}
	return failed;
}

int main(void)
{
	int out, cap, failed;

	setvbuf(stdout, NULL, _IOLBF, 0);
	out = open_node("vivid-000-vid-out");
	cap = open_node("vivid-000-vid-cap");
	if (out < 0 || cap < 0)
		return 1;
	failed = try_queue(out, V4L2_BUF_TYPE_VIDEO_OUTPUT, "write (output)");
	failed |= try_queue(cap, V4L2_BUF_TYPE_VIDEO_CAPTURE, "write (capture)");
	return failed;
}
