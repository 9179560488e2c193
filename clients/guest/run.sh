#!/bin/sh
# Guest: the real long-term pinners of the clients table, each driven by its
# own user-space stack (clients/guest/build.sh), printing "row:" lines:
#   CLIENT | MEMORY | ACCESS | granted|refused: ERRNO
# after each granted one, where the stack can move data through that memory
# (io_uring, AF_XDP, V4L2 capture), whether the data the user's mapping
# shows is the data the device moved:
#   data: CLIENT | MEMORY | ACCESS | ok|MISMATCH: WHAT
# and, for the RDMA stacks, positive controls: real transfers in the same
# boot that compare what they moved ("control: NAME: ok|FAILED").
export LD_LIBRARY_PATH=/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu
export PATH="$PATH:/usr/bin:/usr/sbin"
IP=/usr/sbin/ip
RDMA=/usr/bin/rdma
VDPA=/usr/sbin/vdpa
rc=0
# clients/break-premises.sh --boot: the data checks must see broken pins.
if grep -qw clients.break_pin=1 /proc/cmdline; then
	export CLIENTS_BREAK_PIN=1
	echo "clients.break_pin=1: each pin's mapping loses its pages after the registration"
fi

control() {
	name=$1
	shift
	if "$@" >"/tmp/control-$name.log" 2>&1; then
		echo "control: $name: ok"
	else
		echo "control: $name: FAILED"
		sed 's/^/    /' "/tmp/control-$name.log"
		rc=1
	fi
}

# The network the RDMA devices sit on: lo, and one dummy device with an IPv4
# address for each (the RDMA connection manager picks the device by address;
# one rxe device serves both ends of a connection through its loopback path).
# (The dummy driver creates dummy0 at boot: these have names of their own.)
$IP link set lo up
n=0
for net in rxenet siwnet; do
	$IP link add $net type dummy && $IP addr add 10.0.$n.1/24 dev $net &&
		$IP link set $net up || rc=1
	n=$((n + 1))
done
$RDMA link add rxe0 type rxe netdev rxenet || rc=1
$RDMA link add siw0 type siw netdev siwnet || rc=1
$RDMA link

# The GID index of rxe0's IPv4 address (there is no IPv6, so GID 0 is unusable).
gid=
for f in /sys/class/infiniband/rxe0/ports/1/gids/*; do
	case $(cat "$f") in
	0000:0000:0000:0000:0000:ffff:0a00:0001) gid=${f##*/} ;;
	esac
done
echo "rxe0 IPv4 GID index: ${gid:-none}"

rdma_reg rxe0 || rc=1
rdma_reg siw0 || rc=1
uring_reg || rc=1
# io_uring again with the administrator's switch on (the patched kernel's
# vm.gup_longterm_file_write; the base has none, and runs the same rows as
# io_uring's): io_uring must refuse what it always refused, whatever GUP
# would grant (io_uring needs no privilege: the switch is not meant for it).
switch=/proc/sys/vm/gup_longterm_file_write
if [ -e $switch ]; then
	echo 1 >$switch || rc=1
	echo "vm.gup_longterm_file_write: $(cat $switch)"
fi
uring_reg io_uring-sw1 || rc=1
[ ! -e $switch ] || echo 0 >$switch || rc=1
xdp_reg || rc=1
v4l2_reg || rc=1
# vhost-vdpa on the vdpa simulator's network device (vhost_vdpa binds it).
if $VDPA dev add mgmtdev vdpasim_net name vdpa0 && [ -c /dev/vhost-vdpa-0 ]; then
	vdpa_reg /dev/vhost-vdpa-0 || rc=1
else
	echo "error: no vhost-vdpa device"
	rc=1
fi

# Positive controls: real data transfers over the same devices, each
# comparing what arrived with what was sent. rping -V compares every ping's
# data (a rotating pattern, moved with RDMA READ and WRITE between registered
# buffers), on both devices. ibv_rc_pingpong -c checks little: rdma-core's
# pattern is a zero byte at the start of each page, and a mismatch is only
# printed ("invalid data in page N"), so that line fails the control here.
# shellcheck disable=SC2317 # called through control
pingpong() {
	ibv_rc_pingpong "$@" >/tmp/pingpong.out 2>&1
	status=$?
	cat /tmp/pingpong.out
	[ "$status" -eq 0 ] && ! grep -q 'invalid data' /tmp/pingpong.out
}
ibv_rc_pingpong -d rxe0 -g "${gid:-1}" -n 10 -c >/tmp/pingpong-server.log 2>&1 &
server=$!
sleep 2
control ibv_rc_pingpong-rxe pingpong -d rxe0 -g "${gid:-1}" -n 10 -c 127.0.0.1
wait $server || { echo "control: ibv_rc_pingpong-rxe server: FAILED"; cat /tmp/pingpong-server.log; rc=1; }
for dev in rxe:10.0.0.1 siw:10.0.1.1; do
	rping -s -a "${dev#*:}" -C 10 -V >"/tmp/rping-${dev%%:*}-server.log" 2>&1 &
	server=$!
	sleep 2
	control "rping-${dev%%:*}" rping -c -a "${dev#*:}" -C 10 -V
	wait $server || { echo "control: rping-${dev%%:*} server: FAILED"; cat "/tmp/rping-${dev%%:*}-server.log"; rc=1; }
done
exit $rc
