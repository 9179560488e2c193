/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gup_repro: the ioctls of /sys/kernel/debug/gup_repro, shared by the test
 * module and the user-space driver program.
 */
#ifndef GUP_REPRO_H
#define GUP_REPRO_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* struct gup_repro_pin.flags */
#define GUP_REPRO_LONGTERM	0x1
#define GUP_REPRO_FAST		0x2	/* GUP_REPRO_COUNT: pin_user_pages_fast() */

struct gup_repro_pin {
	__u64 addr;	/* page aligned */
	__u64 len;	/* bytes, a multiple of the page size */
	__u32 flags;
	__u32 reserved;	/* must be 0 */
};

struct gup_repro_fill {
	__u8 byte;	/* what the "device" writes to every pinned page */
	__u8 reserved[7];
};

/* Pin [addr, addr + len) for writing: all of it or nothing. */
#define GUP_REPRO_PIN		_IOW('G', 0x40, struct gup_repro_pin)
/* Write to the pinned pages through the kernel's mapping, like DMA would. */
#define GUP_REPRO_DEVICE_WRITE	_IOW('G', 0x41, struct gup_repro_fill)
/* set_page_dirty() on every pinned page, without the page lock. */
#define GUP_REPRO_DIRTY_UNLOCKED	_IO('G', 0x42)
/* unpin_user_pages_dirty_lock(..., true) */
#define GUP_REPRO_UNPIN		_IO('G', 0x43)
/*
 * Pin [addr, addr + len) for writing in one call, return the number of pages
 * that call pinned (or -errno) and unpin them at once: what a caller that
 * accepts a partial pin sees.
 */
#define GUP_REPRO_COUNT		_IOW('G', 0x44, struct gup_repro_pin)

#endif /* GUP_REPRO_H */
