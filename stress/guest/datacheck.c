// SPDX-License-Identifier: GPL-2.0
/*
 * datacheck write REF CHK: write REF's content to CHK, its first half with
 * write() and its second half through a MAP_SHARED mapping, and fsync() it.
 * datacheck verify REF CHK: CHK holds REF's content. Prints
 * "datacheck: CHK: N bytes written|verified" or what differs.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static char *slurp(const char *path, size_t *len)
{
	struct stat st;
	char *buf;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st))
		return NULL;
	buf = malloc(st.st_size);
	if (!buf || read(fd, buf, st.st_size) != st.st_size)
		return NULL;
	close(fd);
	*len = st.st_size;
	return buf;
}

int main(int argc, char **argv)
{
	size_t len, half, got;
	char *ref, *chk, *map;
	int fd;

	if (argc != 4)
		return fprintf(stderr, "usage: datacheck write|verify REF CHK\n"), 2;
	ref = slurp(argv[2], &len);
	if (!ref)
		return perror(argv[2]), 1;
	half = len / 2 & ~4095UL;
	if (!strcmp(argv[1], "write")) {
		fd = open(argv[3], O_RDWR | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || ftruncate(fd, len) ||
		    pwrite(fd, ref, half, 0) != (ssize_t)half)
			return perror(argv[3]), 1;
		map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (map == MAP_FAILED)
			return perror("mmap"), 1;
		memcpy(map + half, ref + half, len - half);
		if (msync(map, len, MS_SYNC) || fsync(fd))
			return perror("fsync"), 1;
		printf("datacheck: %s: %zu bytes written\n", argv[3], len);
		return 0;
	}
	chk = slurp(argv[3], &got);
	if (!chk || got != len)
		return printf("datacheck: %s: size %zu, expected %zu\n", argv[3],
			      chk ? got : 0, len), 1;
	if (memcmp(ref, chk, len))
		return printf("datacheck: %s: content differs\n", argv[3]), 1;
	printf("datacheck: %s: %zu bytes verified\n", argv[3], len);
	return 0;
}
