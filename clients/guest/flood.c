// SPDX-License-Identifier: GPL-2.0
/*
 * flood rdma DEVICE FILE N | flood io_uring FILE N: as an unprivileged user
 * (nobody), ask N times for a long-term write pin of a MAP_SHARED mapping
 * of FILE, on a file system that tracks dirty pages, through an interface
 * that needs no privilege:
 *   rdma: an RDMA memory region with local write access on DEVICE (the
 *         uverbs device nodes are open to every user), which GUP refuses
 *         with EFAULT, and counts and reports;
 *   io_uring: a fixed buffer, which io_uring refuses itself with
 *         EOPNOTSUPP before GUP is asked, so GUP counts and reports nothing.
 * Prints "flood MODE: R refused (ERRNO), G granted, other O, S seconds".
 * The kernel must not log a line per refusal (the bench counts them).
 * FILE may be a block device: its last page is mapped and left unwritten
 * (the pin is refused before anything is faulted in), so that the report
 * can be checked to name the inode the rule is about, the device's.
 * flood switch: try to turn the administrator's switch on as root without
 * CAP_SYS_ADMIN and as nobody (both must fail; see try_switch()).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <linux/fs.h>
#include <time.h>
#include <unistd.h>
#include <infiniband/verbs.h>
#include <liburing.h>
#include "rdma_dev.h"

static struct ibv_pd *rdma_pd;
static struct io_uring ring;
static struct iovec buf;

static struct ibv_pd *open_pd(const char *name)
{
	struct ibv_context *ctx = open_rdma_device("flood", name);

	return ctx ? ibv_alloc_pd(ctx) : NULL;
}

/* One pin request: 0 if granted (and released), else the errno. */
static int pin_rdma(void)
{
	struct ibv_mr *mr;

	mr = ibv_reg_mr(rdma_pd, buf.iov_base, buf.iov_len, IBV_ACCESS_LOCAL_WRITE);
	if (!mr)
		return errno;
	ibv_dereg_mr(mr);
	return 0;
}

static int pin_io_uring(void)
{
	int ret = io_uring_register_buffers(&ring, &buf, 1);	/* -errno */

	if (ret)
		return -ret;
	io_uring_unregister_buffers(&ring);
	return 0;
}

#define SWITCH "/proc/sys/vm/gup_longterm_file_write"

/* Write "1" to the switch: 0 or the errno of the open or the write. */
static int write_switch(void)
{
	int fd = open(SWITCH, O_WRONLY), err = 0;

	if (fd < 0)
		return errno;
	if (write(fd, "1\n", 2) != 2)
		err = errno;
	close(fd);
	return err;
}

/*
 * flood switch: the administrator's switch is written by root with
 * CAP_SYS_ADMIN only. Root without it in its effective set (capset()) gets
 * EPERM from the handler, nobody EACCES from the file's mode; the switch
 * stays as it was.
 */
static int try_switch(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	char before[16] = "", after[16] = "";
	int fd, no_admin, nobody;

	fd = open(SWITCH, O_RDONLY);
	if (fd < 0 || read(fd, before, sizeof(before) - 1) <= 0)
		return perror(SWITCH), 1;
	close(fd);
	if (syscall(SYS_capget, &hdr, data))
		return perror("capget"), 1;
	data[CAP_SYS_ADMIN / 32].effective &= ~(1U << (CAP_SYS_ADMIN % 32));
	if (syscall(SYS_capset, &hdr, data))
		return perror("capset"), 1;
	no_admin = write_switch();
	if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
		return perror("setuid"), 1;
	nobody = write_switch();
	fd = open(SWITCH, O_RDONLY);
	if (fd < 0 || read(fd, after, sizeof(after) - 1) <= 0)
		return perror(SWITCH), 1;
	close(fd);
	before[strcspn(before, "\n")] = 0;
	after[strcspn(after, "\n")] = 0;
	printf("switch: root without CAP_SYS_ADMIN: %s, nobody: %s, value %s before, %s after\n",
	       no_admin ? strerror(no_admin) : "written", nobody ? strerror(nobody) : "written",
	       before, after);
	return 0;
}

int main(int argc, char **argv)
{
	long n, i, refused = 0, granted = 0, other = 0;
	int fd, err, expected;
	struct timespec t0, t1;
	unsigned long long size;
	off_t offset = 0;
	struct stat st;
	int (*pin)(void);
	const char *file;

	if (argc == 2 && !strcmp(argv[1], "switch"))
		return try_switch();
	if (argc == 5 && !strcmp(argv[1], "rdma")) {
		pin = pin_rdma;
		expected = EFAULT;
	} else if (argc == 4 && !strcmp(argv[1], "io_uring")) {
		pin = pin_io_uring;
		expected = EOPNOTSUPP;
	} else {
		fprintf(stderr, "usage: flood rdma DEVICE FILE N | flood io_uring FILE N | flood switch\n");
		return 2;
	}
	file = argv[argc - 2];
	n = atol(argv[argc - 1]);
	fd = open(file, O_RDWR | O_CREAT, 0600);
	if (fd < 0 || fstat(fd, &st)) {
		perror(file);
		return 1;
	}
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, &size) || size < 4096) {
			perror("BLKGETSIZE64");
			return 1;
		}
		offset = (size - 4096) & ~4095ULL;
	} else if (ftruncate(fd, 4096)) {
		perror(file);
		return 1;
	}
	buf.iov_len = 4096;
	buf.iov_base = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset);
	if (buf.iov_base == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	/* A file's page is written first, so that its PTE is writable. */
	if (!S_ISBLK(st.st_mode))
		memset(buf.iov_base, 1, 4096);
	/* Drop privileges: uid and gid 65534 (nobody). */
	if (setgroups(0, NULL) || setgid(65534) || setuid(65534)) {
		perror("setuid");
		return 1;
	}
	if (pin == pin_rdma) {
		rdma_pd = open_pd(argv[2]);
		if (!rdma_pd)
			return 1;
	} else {
		err = io_uring_queue_init(1, &ring, 0);
		if (err) {
			fprintf(stderr, "io_uring_queue_init: %s\n", strerror(-err));
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		err = pin();
		if (!err)
			granted++;
		else if (err == expected)
			refused++;
		else
			other++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("flood %s: %ld refused (%s), %ld granted, other %ld, %ld seconds\n",
	       argv[1], refused, expected == EFAULT ? "EFAULT" : "EOPNOTSUPP",
	       granted, other,
	       (long)(t1.tv_sec - t0.tv_sec + (t1.tv_nsec >= t0.tv_nsec ? 0 : -1)) + 1);
	return 0;
}
