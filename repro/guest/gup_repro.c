// SPDX-License-Identifier: GPL-2.0
/*
 * gup_repro: play the part of a device that pins user memory for DMA, to show
 * what happens when that memory is a MAP_SHARED mapping of a file.
 *
 * /sys/kernel/debug/gup_repro takes the ioctls of gup_repro.h. Each open file
 * holds at most one pinned range. The "device" writes to it through the
 * kernel's mapping of the pages, as DMA does: the user's page tables are not
 * involved, so the file system is not told.
 */

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "gup_repro.h"

#define GUP_REPRO_MAX_PAGES	64

struct gup_repro {
	struct mutex lock;	/* serializes the ioctls, protects the fields below */
	struct page **pages;
	unsigned long nr_pages;
};

static struct dentry *gup_repro_file;

static int gup_repro_open(struct inode *inode, struct file *file)
{
	struct gup_repro *gr;

	gr = kzalloc(sizeof(*gr), GFP_KERNEL);
	if (!gr)
		return -ENOMEM;
	mutex_init(&gr->lock);
	file->private_data = gr;
	return 0;
}

/* The device is done with the pages: they may hold its data, so dirty them. */
static void gup_repro_unpin(struct gup_repro *gr)
{
	unpin_user_pages_dirty_lock(gr->pages, gr->nr_pages, true);
	kfree(gr->pages);
	gr->pages = NULL;
	gr->nr_pages = 0;
}

/*
 * Copy and check a pin request (@allowed: the flags this ioctl takes); give
 * its number of pages and the GUP flags it asks for.
 */
static long gup_repro_get_arg(const struct gup_repro_pin __user *uarg,
			      unsigned int allowed, struct gup_repro_pin *arg,
			      unsigned long *nr_pages, unsigned int *gup_flags)
{
	if (copy_from_user(arg, uarg, sizeof(*arg)))
		return -EFAULT;
	if ((arg->flags & ~allowed) || arg->reserved)
		return -EINVAL;
	if (!arg->len || !PAGE_ALIGNED(arg->addr) || !PAGE_ALIGNED(arg->len))
		return -EINVAL;
	*nr_pages = arg->len >> PAGE_SHIFT;
	if (*nr_pages > GUP_REPRO_MAX_PAGES)
		return -E2BIG;
	*gup_flags = FOLL_WRITE;
	if (arg->flags & GUP_REPRO_LONGTERM)
		*gup_flags |= FOLL_LONGTERM;
	return 0;
}

static long gup_repro_pin(struct gup_repro *gr,
			  const struct gup_repro_pin __user *uarg)
{
	unsigned int gup_flags;
	struct gup_repro_pin arg;
	unsigned long nr_pages;
	struct page **pages;
	long pinned;

	pinned = gup_repro_get_arg(uarg, GUP_REPRO_LONGTERM, &arg, &nr_pages, &gup_flags);
	if (pinned)
		return pinned;
	if (gr->pages)
		return -EBUSY;

	pages = kcalloc(nr_pages, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;

	mmap_read_lock(current->mm);
	pinned = pin_user_pages(arg.addr, nr_pages, gup_flags, pages, NULL);
	mmap_read_unlock(current->mm);

	/* A device cannot use part of its buffer: all or nothing. */
	if (pinned >= 0 && pinned != nr_pages) {
		unpin_user_pages(pages, pinned);
		pinned = -EFAULT;
	}
	if (pinned < 0) {
		kfree(pages);
		return pinned;
	}

	gr->pages = pages;
	gr->nr_pages = nr_pages;
	return 0;
}

static long gup_repro_count(const struct gup_repro_pin __user *uarg)
{
	unsigned int gup_flags;
	struct gup_repro_pin arg;
	unsigned long nr_pages;
	struct page **pages;
	long pinned;

	pinned = gup_repro_get_arg(uarg, GUP_REPRO_LONGTERM | GUP_REPRO_FAST, &arg,
				   &nr_pages, &gup_flags);
	if (pinned)
		return pinned;

	pages = kcalloc(nr_pages, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	if (arg.flags & GUP_REPRO_FAST) {
		pinned = pin_user_pages_fast(arg.addr, nr_pages, gup_flags, pages);
	} else {
		mmap_read_lock(current->mm);
		pinned = pin_user_pages(arg.addr, nr_pages, gup_flags, pages, NULL);
		mmap_read_unlock(current->mm);
	}
	if (pinned > 0)
		unpin_user_pages(pages, pinned);
	kfree(pages);
	return pinned;
}

/* DMA: write through the kernel's mapping, dirty nothing. */
static long gup_repro_device_write(struct gup_repro *gr,
				   const struct gup_repro_fill __user *uarg)
{
	struct gup_repro_fill arg;
	unsigned long i;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (!gr->pages)
		return -EINVAL;

	for (i = 0; i < gr->nr_pages; i++) {
		void *addr = kmap_local_page(gr->pages[i]);

		memset(addr, arg.byte, PAGE_SIZE);
		kunmap_local(addr);
		flush_dcache_page(gr->pages[i]);
	}
	return 0;
}

/*
 * What a driver completing DMA in atomic context does: set_page_dirty()
 * without the page lock, on folios the file system may have cleaned.
 */
static long gup_repro_dirty_unlocked(struct gup_repro *gr)
{
	unsigned long i;

	if (!gr->pages)
		return -EINVAL;

	for (i = 0; i < gr->nr_pages; i++)
		set_page_dirty(gr->pages[i]);
	return 0;
}

static long gup_repro_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	struct gup_repro *gr = file->private_data;
	void __user *uarg = (void __user *)arg;
	long ret;

	mutex_lock(&gr->lock);
	switch (cmd) {
	case GUP_REPRO_PIN:
		ret = gup_repro_pin(gr, uarg);
		break;
	case GUP_REPRO_DEVICE_WRITE:
		ret = gup_repro_device_write(gr, uarg);
		break;
	case GUP_REPRO_DIRTY_UNLOCKED:
		ret = gup_repro_dirty_unlocked(gr);
		break;
	case GUP_REPRO_COUNT:
		ret = gup_repro_count(uarg);
		break;
	case GUP_REPRO_UNPIN:
		ret = -EINVAL;
		if (gr->pages) {
			gup_repro_unpin(gr);
			ret = 0;
		}
		break;
	default:
		ret = -ENOTTY;
		break;
	}
	mutex_unlock(&gr->lock);
	return ret;
}

static int gup_repro_release(struct inode *inode, struct file *file)
{
	struct gup_repro *gr = file->private_data;

	if (gr->pages)
		gup_repro_unpin(gr);
	mutex_destroy(&gr->lock);
	kfree(gr);
	return 0;
}

static const struct file_operations gup_repro_fops = {
	.owner		= THIS_MODULE,
	.open		= gup_repro_open,
	.release	= gup_repro_release,
	.unlocked_ioctl	= gup_repro_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= no_llseek,
};

static int __init gup_repro_init(void)
{
	gup_repro_file = debugfs_create_file("gup_repro", 0600, NULL, NULL,
					     &gup_repro_fops);
	return PTR_ERR_OR_ZERO(gup_repro_file);
}

static void __exit gup_repro_exit(void)
{
	debugfs_remove(gup_repro_file);
}

module_init(gup_repro_init);
module_exit(gup_repro_exit);

MODULE_DESCRIPTION("Pin user pages like a DMA device, to reproduce GUP bugs");
MODULE_LICENSE("GPL");
