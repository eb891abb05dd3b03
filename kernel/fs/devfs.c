/*
 * devfs.c - the /dev tree: small fixed directories whose entries point at static device
 * vnodes. Nothing can be created or removed here (EACCES). Built once at boot.
 */
#include "kernel/fs/devfs.h"
#include <spindle/errno.h>
#include "kernel/lib/string.h"
#include "kernel/panic.h"

#define DEVFS_DIR_MAX 16

typedef struct {
    const char *name;
    vnode_t *vnode;
} devfs_entry_t;

typedef struct {
    devfs_entry_t entries[DEVFS_DIR_MAX];
    unsigned count;
} devfs_dir_t;

static int devfs_lookup(vnode_t *dir, const char *name, size_t len, vnode_t **out)
{
    devfs_dir_t *d = dir->priv;
    for (unsigned i = 0; i < d->count; i++) {
        const char *n = d->entries[i].name;
        if (strlen(n) == len && memcmp(n, name, len) == 0) {
            vnode_get_locked(d->entries[i].vnode);
            *out = d->entries[i].vnode;
            return 0;
        }
    }
    return ENOENT;
}

static int devfs_create_refused(vnode_t *dir, const char *name, size_t len, vnode_type_t type,
                                vnode_t **out)
{
    (void)dir; (void)name; (void)len; (void)type; (void)out;
    return EACCES;
}

static int devfs_unlink_refused(vnode_t *dir, const char *name, size_t len)
{
    (void)dir; (void)name; (void)len;
    return EACCES;
}

static int devfs_link_refused(vnode_t *dir, const char *name, size_t len, vnode_t *target)
{
    (void)dir; (void)name; (void)len; (void)target;
    return EXDEV;
}

static int devfs_readdir(vnode_t *dir, uint64_t *cookie, vfs_dirent_t *out)
{
    devfs_dir_t *d = dir->priv;
    if (*cookie >= d->count)
        return ENOENT;
    devfs_entry_t *e = &d->entries[*cookie];
    out->ino = e->vnode->ino;
    out->type = e->vnode->type;
    strlcpy(out->name, e->name, sizeof out->name);
    (*cookie)++;
    return 0;
}

static bool devfs_is_empty(vnode_t *dir)
{
    return ((devfs_dir_t *)dir->priv)->count == 0;
}

static const vnode_ops_t devfs_dir_ops = {
    .lookup = devfs_lookup,
    .create = devfs_create_refused,
    .link = devfs_link_refused,
    .unlink = devfs_unlink_refused,
    .readdir = devfs_readdir,
    .is_empty = devfs_is_empty,
};

static const vnode_ops_t devfs_dev_ops = { 0 };
static const vnode_ops_t devfs_serial_ops = { .open = dev_serial_open };
static const vnode_ops_t devfs_pipe_ops = { .open2 = pipe_open2 };

static vnode_t *devfs_node(vnode_type_t type, const vnode_ops_t *ops, const file_ops_t *fops,
                           void *priv)
{
    vnode_t *v = vnode_alloc(type, ops, fops);
    ASSERT(v);
    v->nlink = 1;
    v->refs = 1; /* static: never released */
    v->priv = priv;
    return v;
}

static vnode_t *devfs_dir_new(vnode_t *parent)
{
    static devfs_dir_t dirs[3];
    static unsigned used;
    ASSERT(used < 3);
    vnode_t *v = devfs_node(VNODE_DIR, &devfs_dir_ops, NULL, &dirs[used++]);
    v->parent = parent;
    return v;
}

static void devfs_add(vnode_t *dir, const char *name, vnode_t *v)
{
    devfs_dir_t *d = dir->priv;
    ASSERT(d->count < DEVFS_DIR_MAX);
    d->entries[d->count++] = (devfs_entry_t){ name, v };
}

vnode_t *devfs_create(const boot_framebuffer_t *fb)
{
    static uint16_t com1 = 0x3F8, com2 = 0x2F8;
    vnode_t *root = devfs_dir_new(NULL);
    devfs_add(root, "console", devfs_node(VNODE_DEV, &devfs_dev_ops, &dev_console_fops, NULL));
    devfs_add(root, "null", devfs_node(VNODE_DEV, &devfs_dev_ops, &dev_null_fops, NULL));
    devfs_add(root, "zero", devfs_node(VNODE_DEV, &devfs_dev_ops, &dev_zero_fops, NULL));
    devfs_add(root, "random", devfs_node(VNODE_DEV, &devfs_dev_ops, &dev_random_fops, NULL));
    devfs_add(root, "urandom", devfs_node(VNODE_DEV, &devfs_dev_ops, &dev_random_fops, NULL));
    devfs_add(root, "ttyS0", devfs_node(VNODE_DEV, &devfs_serial_ops, &dev_serial_fops, &com1));
    devfs_add(root, "ttyS1", devfs_node(VNODE_DEV, &devfs_serial_ops, &dev_serial_fops, &com2));
    dev_fb_set(fb);
    devfs_add(root, "fb0", devfs_node(VNODE_DEV, &devfs_dev_ops, &dev_fb_fops, NULL));
    vnode_t *pipes = devfs_dir_new(root);
    devfs_add(root, "pipe", pipes);
    devfs_add(pipes, "new", devfs_node(VNODE_DEV, &devfs_pipe_ops, NULL, NULL));
    /* The mount point of /dev/shm (vfs_init puts a tmpfs there for shm_open). */
    devfs_add(root, "shm", devfs_dir_new(root));
    dev_console_init();
    return root;
}
