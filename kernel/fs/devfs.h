/*
 * devfs.h - the device file system mounted at /dev: a fixed tree of device nodes
 * (console, null, zero, random, urandom, ttyS0, ttyS1, fb0, pipe/new) built at boot.
 * Device nodes are never released (static lifetime); their behaviour is their file_ops.
 */
#ifndef KERNEL_FS_DEVFS_H
#define KERNEL_FS_DEVFS_H

#include <spindle/boot.h>
#include "kernel/fs/vfs.h"

/* Builds the tree; returns its root directory (+1 ref). */
vnode_t *devfs_create(const boot_framebuffer_t *fb);

/* Device file operations, one per device file (dev_*.c). */
extern const file_ops_t dev_console_fops, dev_null_fops, dev_zero_fops, dev_random_fops,
    dev_serial_fops, dev_fb_fops;
/* Per-node setup for devices that need one (the serial port number, the framebuffer). */
int dev_serial_open(vnode_t *v, file_t *f);
void dev_fb_set(const boot_framebuffer_t *fb);
/* For mmap of /dev/fb0: true when f is the framebuffer device (there is one), with its
 * physical range. */
bool dev_fb_range(const file_t *f, uint64_t *phys, uint64_t *size);

/* The console's input side: IRQ/polling setup (it registers console_input_char as the
 * sink of console_input_feed), and what input drivers call with each character typed. */
void dev_console_init(void);
void console_input_char(char c);

/* 64 random bits (hardware when the CPU has it). */
uint64_t dev_random_u64(void);

/* Pipes (pipe.c): the open2 op of /dev/pipe/new. */
int pipe_open2(vnode_t *v, file_t **read_end, file_t **write_end);
#define PIPE_CAPACITY 16384

#endif
