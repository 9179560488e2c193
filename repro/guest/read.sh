#!/bin/sh
# Guest, last boot of a repro run (repro/repro.sh): /init mounted the disks
# (the journal replayed after the power cut); print what the test file holds.
fs=$(sed -n 's/.*repro\.fs=\([^ ]*\).*/\1/p' /proc/cmdline)
repro read "/mnt/$fs/repro.dat"
