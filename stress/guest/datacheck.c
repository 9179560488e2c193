// SPDX-License-Identifier: GPL-2.0
/*
 * datacheck write SEED SIZE FILE: write SIZE bytes of version SEED of the
 * pattern (pattern.h) to FILE, its first half with write() and its second
 * half through a MAP_SHARED mapping, and fsync() it.
 * datacheck verify SEED SIZE FILE: FILE holds exactly that, compared with
 * the pattern computed again (not with another file). Prints
 * "datacheck: FILE: N bytes written|verified" or what differs.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pattern.h"

int main(int argc, char **argv)
{
	unsigned long seed;
	size_t len, half, i;
	struct stat st;
	char *ref, *map;
	int fd;

	if (argc != 5)
		return fprintf(stderr, "usage: datacheck write|verify SEED SIZE FILE\n"), 2;
	seed = strtoul(argv[2], NULL, 0);
	len = strtoul(argv[3], NULL, 0);
	ref = malloc(len);
	if (!len || !ref)
		return fprintf(stderr, "datacheck: bad size %s\n", argv[3]), 2;
	pattern_fill(ref, len, seed);
	half = len / 2 & ~4095UL;
	if (!strcmp(argv[1], "write")) {
		fd = open(argv[4], O_RDWR | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || ftruncate(fd, len) ||
		    pwrite(fd, ref, half, 0) != (ssize_t)half)
			return perror(argv[4]), 1;
		map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (map == MAP_FAILED)
			return perror("mmap"), 1;
		memcpy(map + half, ref + half, len - half);
		if (msync(map, len, MS_SYNC) || fsync(fd))
			return perror("fsync"), 1;
		printf("datacheck: %s: %zu bytes written\n", argv[4], len);
		return 0;
	}
	fd = open(argv[4], O_RDONLY);
	if (fd < 0 || fstat(fd, &st))
		return perror(argv[4]), 1;
	if ((size_t)st.st_size != len)
		return printf("datacheck: %s: size %lld, expected %zu\n", argv[4],
			      (long long)st.st_size, len), 1;
	map = malloc(len);
	if (!map || pread(fd, map, len, 0) != (ssize_t)len)
		return perror(argv[4]), 1;
	for (i = 0; i < len; i++)
		if (map[i] != ref[i])
			return printf("datacheck: %s: byte %zu differs\n", argv[4], i), 1;
	printf("datacheck: %s: %zu bytes verified\n", argv[4], len);
	return 0;
}
