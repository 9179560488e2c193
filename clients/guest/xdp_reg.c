// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_reg: register each memory kind (memkinds.c) as the UMEM of an AF_XDP
 * socket (setsockopt(XDP_UMEM_REG), the raw socket API), which
 * xdp_umem_pin_pages() pins with FOLL_WRITE | FOLL_LONGTERM. One line per
 * registration:
 *   row: af_xdp | MEMORY | write | granted|refused: ERRNO
 * and, after each granted one, a frame moved through the pinned pages both
 * ways: written into the UMEM through the user's mapping, sent on lo from
 * there (the kernel reads the pinned page), looped back and redirected by
 * an XDP program (generic mode) to the same socket, which receives it into
 * another chunk of the UMEM (the kernel writes the pinned page), where the
 * user's mapping must show it:
 *   data: af_xdp | MEMORY | write | ok|MISMATCH: WHAT
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>

#include "memkinds.h"

#ifndef AF_XDP
#define AF_XDP	44
#endif
#ifndef SOL_XDP
#define SOL_XDP	283
#endif

#define CHUNK		2048
#define RING		4	/* entries in each ring */
#define ETH_TYPE	0x88b5	/* IEEE 802 local experimental */
#define FRAME		1000	/* bytes of a test frame, header included */

/* One ring of the socket, mapped. */
struct ring {
	uint32_t *producer, *consumer;
	void *desc;
	void *map;
	size_t len;
};

static int bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

#define INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

/*
 * An XDP program that redirects frames of type ETH_TYPE to the socket in
 * slot 0 of the XSKMAP @map (or passes them on if there is none) and passes
 * every other frame on; attached to lo in generic mode. The link's fd, or -1.
 */
static int attach_redirect(int map)
{
	struct bpf_insn prog[] = {
		INSN(BPF_LDX | BPF_W | BPF_MEM, 2, 1, 0, 0),	/* r2 = data */
		INSN(BPF_LDX | BPF_W | BPF_MEM, 3, 1, 4, 0),	/* r3 = data_end */
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, 4, 2, 0, 0),
		INSN(BPF_ALU64 | BPF_ADD | BPF_K, 4, 0, 0, 14),
		INSN(BPF_JMP | BPF_JGT | BPF_X, 4, 3, 8, 0),	/* short: pass */
		INSN(BPF_LDX | BPF_H | BPF_MEM, 4, 2, 12, 0),	/* ethertype */
		INSN(BPF_JMP | BPF_JNE | BPF_K, 4, 0, 6, htons(ETH_TYPE)),
		INSN(BPF_LDX | BPF_W | BPF_MEM, 2, 1, 16, 0),	/* rx_queue_index */
		INSN(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, map),
		INSN(0, 0, 0, 0, 0),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, 3, 0, 0, XDP_PASS),
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_redirect_map),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, XDP_PASS),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	char log[4096] = "";
	union bpf_attr attr;
	int fd, link;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_XDP;
	attr.insns = (unsigned long)prog;
	attr.insn_cnt = sizeof(prog) / sizeof(prog[0]);
	attr.license = (unsigned long)"GPL";
	attr.log_buf = (unsigned long)log;
	attr.log_size = sizeof(log);
	attr.log_level = 1;
	fd = bpf(BPF_PROG_LOAD, &attr);
	if (fd < 0) {
		fprintf(stderr, "xdp_reg: BPF_PROG_LOAD: %s\n%s\n", strerror(errno), log);
		return -1;
	}
	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = fd;
	attr.link_create.target_ifindex = if_nametoindex("lo");
	attr.link_create.attach_type = BPF_XDP;
	attr.link_create.flags = XDP_FLAGS_SKB_MODE;
	link = bpf(BPF_LINK_CREATE, &attr);
	if (link < 0)
		fprintf(stderr, "xdp_reg: BPF_LINK_CREATE on lo: %s\n", strerror(errno));
	close(fd);
	return link;
}

static int map_ring(int fd, int opt, off_t pgoff, const struct xdp_ring_offset *off,
		    size_t desc_size, struct ring *ring)
{
	int entries = RING;

	if (setsockopt(fd, SOL_XDP, opt, &entries, sizeof(entries)))
		return -1;
	ring->len = off->desc + RING * desc_size;
	ring->map = mmap(NULL, ring->len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
			 fd, pgoff);
	if (ring->map == MAP_FAILED)
		return -1;
	ring->producer = (uint32_t *)((char *)ring->map + off->producer);
	ring->consumer = (uint32_t *)((char *)ring->map + off->consumer);
	ring->desc = (char *)ring->map + off->desc;
	return 0;
}

static void unmap_ring(struct ring *ring)
{
	if (ring->map && ring->map != MAP_FAILED)
		munmap(ring->map, ring->len);
}

/*
 * Move a frame through the UMEM @r of socket @fd (registered, no ring yet)
 * both ways, with @xskmap's slot 0 pointing the XDP program at @fd. NULL if
 * the frame came back intact, else what went wrong.
 */
static const char *move_frame(int fd, int xskmap, struct region *r, unsigned int seed)
{
	struct ring rx = { 0 }, tx = { 0 }, fill = { 0 }, comp = { 0 };
	struct sockaddr_xdp sxdp = { .sxdp_family = AF_XDP, .sxdp_flags = XDP_COPY };
	struct xdp_mmap_offsets off;
	socklen_t optlen = sizeof(off);
	union bpf_attr attr;
	const char *what = NULL;
	struct xdp_desc *desc;
	uint32_t key = 0, prod;
	char *frame = r->addr;
	int i;

	if (getsockopt(fd, SOL_XDP, XDP_MMAP_OFFSETS, &off, &optlen))
		return "cannot read the ring offsets";
	if (map_ring(fd, XDP_RX_RING, XDP_PGOFF_RX_RING, &off.rx, sizeof(struct xdp_desc), &rx) ||
	    map_ring(fd, XDP_TX_RING, XDP_PGOFF_TX_RING, &off.tx, sizeof(struct xdp_desc), &tx) ||
	    map_ring(fd, XDP_UMEM_FILL_RING, XDP_UMEM_PGOFF_FILL_RING, &off.fr, 8, &fill) ||
	    map_ring(fd, XDP_UMEM_COMPLETION_RING, XDP_UMEM_PGOFF_COMPLETION_RING, &off.cr, 8,
		     &comp)) {
		what = "cannot set up the rings";
		goto out;
	}
	sxdp.sxdp_ifindex = if_nametoindex("lo");
	/*
	 * The previous kind's socket frees lo's queue 0 after its close, in a
	 * work item: until then the queue is busy.
	 */
	for (i = 0; bind(fd, (struct sockaddr *)&sxdp, sizeof(sxdp)); i++) {
		if (errno != EBUSY || i == 1000) {
			what = "cannot bind to lo";
			goto out;
		}
		usleep(1000);
	}
	memset(&attr, 0, sizeof(attr));
	attr.map_fd = xskmap;
	attr.key = (unsigned long)&key;
	attr.value = (unsigned long)&fd;
	if (bpf(BPF_MAP_UPDATE_ELEM, &attr)) {
		what = "cannot put the socket in the XSKMAP";
		goto out;
	}

	/* Chunk 1 receives: the device writes it. */
	memset(r->addr + CHUNK, 0, CHUNK);
	((uint64_t *)fill.desc)[0] = CHUNK;
	__atomic_store_n(fill.producer, 1, __ATOMIC_RELEASE);
	/* Chunk 0 sends: zero MAC addresses, our type, then the pattern. */
	memset(frame, 0, 12);
	frame[12] = ETH_TYPE >> 8;
	frame[13] = ETH_TYPE & 0xff;
	for (i = 14; i < FRAME; i++)
		frame[i] = (char)(i * 3 + seed * 11 + 5);
	desc = tx.desc;
	desc[0] = (struct xdp_desc){ .addr = 0, .len = FRAME };
	__atomic_store_n(tx.producer, 1, __ATOMIC_RELEASE);
	if (sendto(fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0) {
		what = "sendto (the TX kick) failed";
		goto out;
	}
	for (i = 0; i < 1000; i++) {
		prod = __atomic_load_n(rx.producer, __ATOMIC_ACQUIRE);
		if (prod)
			break;
		usleep(1000);
	}
	if (!prod) {
		what = "no frame came back within a second";
		goto out;
	}
	desc = rx.desc;
	if (desc[0].len != FRAME)
		what = "the frame came back with another length";
	else if (desc[0].addr < CHUNK || desc[0].addr + FRAME > 2 * CHUNK)
		what = "the frame came back outside the chunk given";
	else if (memcmp(r->addr + desc[0].addr, frame, FRAME))
		what = "the frame received differs from the one sent";
	else if (__atomic_load_n(comp.producer, __ATOMIC_ACQUIRE) != 1)
		what = "the send did not complete";
out:
	unmap_ring(&rx);
	unmap_ring(&tx);
	unmap_ring(&fill);
	unmap_ring(&comp);
	return what;
}

int main(void)
{
	union bpf_attr attr;
	int failed = 0, xskmap, link;
	size_t k;

	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_XSKMAP;
	attr.key_size = 4;
	attr.value_size = 4;
	attr.max_entries = 1;
	xskmap = bpf(BPF_MAP_CREATE, &attr);
	if (xskmap < 0) {
		perror("xdp_reg: BPF_MAP_CREATE");
		return 1;
	}
	link = attach_redirect(xskmap);
	if (link < 0)
		return 1;
	for (k = 0; k < nr_mem_kinds; k++) {
		struct xdp_umem_reg reg = { .chunk_size = CHUNK };
		struct region r;
		int fd, ret;

		fd = socket(AF_XDP, SOCK_RAW, 0);
		if (fd < 0) {
			printf("row: af_xdp | %s | write | broken: socket: %s\n",
			       mem_kinds[k].name, errno_name(errno));
			failed = 1;
			continue;
		}
		ret = map_kind(&mem_kinds[k], &r, 2 * 4096);
		if (ret) {
			printf("row: af_xdp | %s | write | broken: cannot map: %s\n",
			       mem_kinds[k].name, errno_name(-ret));
			failed = 1;
			close(fd);
			continue;
		}
		reg.addr = (unsigned long)r.addr;
		reg.len = r.size;
		if (!setsockopt(fd, SOL_XDP, XDP_UMEM_REG, &reg, sizeof(reg))) {
			const char *what;

			printf("row: af_xdp | %s | write | granted\n",
			       mem_kinds[k].name);
			break_pin_if_asked(&r);
			what = move_frame(fd, xskmap, &r, k);
			printf("data: af_xdp | %s | write | %s%s\n", mem_kinds[k].name,
			       what ? "MISMATCH: " : "ok", what ? what : "");
			failed |= !!what;
		} else {
			printf("row: af_xdp | %s | write | refused: %s\n",
			       mem_kinds[k].name, errno_name(errno));
		}
		/* Closing the socket releases the UMEM and its pins. */
		close(fd);
		unmap_kind(&r);
	}
	close(link);
	close(xskmap);
	return failed;
}
