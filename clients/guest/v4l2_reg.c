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
 * and, after each granted capture, a frame captured into the pinned pages
 * (the device writes them), which the user's mapping must show as the
 * reference frame captured first into one of vivid's own (MMAP) buffers:
 *   data: v4l2-vivid | MEMORY | write (capture) | ok|MISMATCH: WHAT
 * (on-screen text off: vivid's frames are then all the same test pattern).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
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

/* vivid's "OSD Text Mode" control (vivid-ctrls.c) and its value "None". */
#define VIVID_CID_OSD_TEXT_MODE	(0x00f0f000 + 1)
#define VIVID_OSD_NONE		2

static int reqbufs_mem(int fd, enum v4l2_buf_type type, unsigned int count,
		       enum v4l2_memory memory)
{
	struct v4l2_requestbuffers req = {
		.count = count, .type = type, .memory = memory,
	};

	return ioctl(fd, VIDIOC_REQBUFS, &req);
}

static int reqbufs(int fd, enum v4l2_buf_type type, unsigned int count)
{
	return reqbufs_mem(fd, type, count, V4L2_MEMORY_USERPTR);
}

/* Stream @fd's capture queue until one buffer is done: 0 or -1. */
static int capture_one(int fd, enum v4l2_memory memory, struct v4l2_buffer *done)
{
	enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int ret = -1;

	if (ioctl(fd, VIDIOC_STREAMON, &type))
		return -1;
	*done = (struct v4l2_buffer){ .type = type, .memory = memory };
	if (poll(&pfd, 1, 10000) == 1 && !ioctl(fd, VIDIOC_DQBUF, done))
		ret = 0;
	ioctl(fd, VIDIOC_STREAMOFF, &type);
	return ret;
}

#define FILL	0x5a	/* what a buffer holds before a capture */

/* The bytes of @buf that are not FILL. */
static size_t written(const char *buf, size_t size)
{
	size_t i, n = 0;

	for (i = 0; i < size; i++)
		n += buf[i] != FILL;
	return n;
}

/* The reference frame, @size bytes, captured into an MMAP buffer; or NULL. */
static char *reference_frame(int fd, size_t size)
{
	struct v4l2_buffer buf = {
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP,
	};
	struct v4l2_control osd = { .id = VIVID_CID_OSD_TEXT_MODE, .value = VIVID_OSD_NONE };
	char *frame = NULL;
	void *map;

	if (ioctl(fd, VIDIOC_S_CTRL, &osd))
		return perror("VIDIOC_S_CTRL (OSD Text Mode)"), NULL;
	if (reqbufs_mem(fd, buf.type, 1, V4L2_MEMORY_MMAP) || ioctl(fd, VIDIOC_QUERYBUF, &buf))
		return perror("MMAP buffers"), NULL;
	map = mmap(NULL, buf.length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, buf.m.offset);
	if (map == MAP_FAILED)
		return perror("mmap of vivid's buffer"), NULL;
	/*
	 * The same fill as the USERPTR buffers get (capture_check()): vivid
	 * writes half of each frame's bytes here (measured: 115200 of 230400),
	 * and what it leaves must be the same in both.
	 */
	memset(map, FILL, size);
	if (!ioctl(fd, VIDIOC_QBUF, &buf) && !capture_one(fd, V4L2_MEMORY_MMAP, &buf) &&
	    buf.bytesused == size && written(map, size) >= size / 4) {
		frame = malloc(size);
		if (frame)
			memcpy(frame, map, size);
		printf("v4l2-vivid reference frame: %zu of %zu bytes written\n",
		       written(map, size), size);
	} else {
		fprintf(stderr, "v4l2_reg: no reference frame, or one that is mostly fill\n");
	}
	munmap(map, buf.length);
	reqbufs_mem(fd, V4L2_BUF_TYPE_VIDEO_CAPTURE, 0, V4L2_MEMORY_MMAP);
	return frame;
}

/* Capture into the queued USERPTR buffer @r: NULL if it shows @ref. */
static const char *capture_check(int fd, struct region *r, const char *ref, size_t size)
{
	struct v4l2_buffer done;

	memset(r->addr, FILL, size);
	if (capture_one(fd, V4L2_MEMORY_USERPTR, &done))
		return "no frame captured within 10 s";
	if (done.bytesused != size)
		return "the frame has another size";
	if (memcmp(r->addr, ref, size)) {
		static char what[160];
		size_t i, first = size, n = 0;

		for (i = 0; i < size; i++)
			if (r->addr[i] != ref[i] && n++ == 0)
				first = i;
		snprintf(what, sizeof(what),
			 "the user's mapping does not show the frame captured (%zu of %zu bytes differ, the first at %zu: 0x%02x, not 0x%02x)",
			 n, size, first, (unsigned char)r->addr[first], (unsigned char)ref[first]);
		return what;
	}
	return NULL;
}

/* Queue every memory kind on @fd's queue of @type; 0 if all could be tried. */
static int try_queue(int fd, enum v4l2_buf_type type, const char *access)
{
	struct v4l2_format fmt = { .type = type };
	size_t k, size;
	char *ref = NULL;
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
	if (type == V4L2_BUF_TYPE_VIDEO_CAPTURE) {
		ref = reference_frame(fd, fmt.fmt.pix.sizeimage);
		if (!ref)
			return 1;
	}

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
		if (!ioctl(fd, VIDIOC_QBUF, &buf)) {
			printf("row: v4l2-vivid | %s | %s | granted\n",
			       mem_kinds[k].name, access);
			if (ref) {
				const char *what;

				break_pin_if_asked(&r);
				what = capture_check(fd, &r, ref, fmt.fmt.pix.sizeimage);
				printf("data: v4l2-vivid | %s | %s | %s%s\n",
				       mem_kinds[k].name, access,
				       what ? "MISMATCH: " : "ok", what ? what : "");
				failed |= !!what;
			}
		} else
			printf("row: v4l2-vivid | %s | %s | refused: %s\n",
			       mem_kinds[k].name, access, errno_name(errno));
		/* Free the buffer: unpins it. */
		if (reqbufs(fd, type, 0))
			return perror("VIDIOC_REQBUFS 0"), 1;
		unmap_kind(&r);
	}
	free(ref);
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
