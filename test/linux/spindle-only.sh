# spindle-only.sh - run by Spindle's /bin/sh (busybox sh would need fork) (test/linux.sh checks each
# section's lines with patterns, since the values differ from the host's): the Linux-format
# /proc files and the busybox tools that read them.
echo "=== spindle-ps"
/linux/busybox ps
echo "=== spindle-meminfo"
/linux/busybox cat /proc/meminfo
echo "=== spindle-uptime"
/linux/busybox cat /proc/uptime
echo "=== spindle-cpuinfo"
/linux/busybox grep -c "^processor" /proc/cpuinfo
/linux/busybox grep -m1 "^flags" /proc/cpuinfo
echo "=== spindle-stat"
/linux/busybox cat /proc/self/stat
echo "=== spindle-free"
/linux/busybox free
echo "=== spindle-top"
/linux/busybox top -b -n 1
echo "=== spindle-end"
