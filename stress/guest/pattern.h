/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The data the stress writes and checks (datacheck.c, race.c's pin check):
 * byte @i of version @seed, computed again wherever it is checked, so that
 * what is read back is compared with what was meant, not with another copy
 * on the same disk.
 */
#ifndef PATTERN_H
#define PATTERN_H

#include <stddef.h>

static inline char pattern_byte(unsigned long seed, size_t i)
{
	unsigned long x = i * 2654435761UL + seed * 40503UL + 1;

	return (char)((x >> 13) ^ x);
}

static inline void pattern_fill(char *buf, size_t len, unsigned long seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = pattern_byte(seed, i);
}

#endif /* PATTERN_H */
