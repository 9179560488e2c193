#!/bin/sh
# Guest, on the machine with an IOMMU (vm-run.sh --iommu): bind qemu's edu
# device (PCI 1234:11e8) to vfio-pci and run vfio_reg on its group, which
# maps each memory kind for DMA and then lets the device copy a page through
# the IOMMU as a positive control.
dev=
for d in /sys/bus/pci/devices/*; do
	if [ "$(cat "$d/vendor")" = 0x1234 ] && [ "$(cat "$d/device")" = 0x11e8 ]; then
		dev=${d##*/}
	fi
done
[ -n "$dev" ] || { echo "error: no edu device"; exit 1; }
echo vfio-pci >"/sys/bus/pci/devices/$dev/driver_override"
echo "$dev" >/sys/bus/pci/drivers_probe
group=$(basename "$(readlink "/sys/bus/pci/devices/$dev/iommu_group")")
[ -e "/dev/vfio/$group" ] || { echo "error: no /dev/vfio/$group (is the IOMMU on?)"; exit 1; }
echo "edu: $dev, iommu group $group"
vfio_reg "$group" "$dev"
