/*
 * procfs.c - the /proc file system (see procfs.h). Process data comes from
 * process_info()/process_next_pid(), which copy it out under the process table's lock.
 */
#include "kernel/fs/procfs.h"
#include <spindle/errno.h>
#include "kernel/lib/format.h"
#include "kernel/lib/string.h"
#include "kernel/panic.h"
#include "kernel/sysinfo.h"
#include "mm/heap.h"
#include "sched/process.h"

#define PROCFS_TEXT_MAX 256 /* a process field; /proc/system has SYSINFO_TEXT_MAX */

enum { FIELD_STATUS, FIELD_NAME, FIELD_STATE, FIELD_PARENT, FIELD_THREADS, FIELD_MEMORY,
       FIELD_COUNT };
/* (shell) /proc/system: the machine summary of kernel/sysinfo.c, for `sysinfo`. Its node
 * uses this field number with pid 0; readdir lists it right after "self". */
#define FIELD_SYSTEM  (FIELD_COUNT + 1)
#define COOKIE_SYSTEM (1ULL << 63)
static const char *const field_names[FIELD_COUNT] = {
    "status", "name", "state", "parent", "threads", "memory",
};

typedef struct {
    uint64_t pid;
    unsigned field;
} procfs_node_t;

/* The text of one open file, sized for its field (the system summary is longer). */
typedef struct {
    size_t len;
    char text[];
} procfs_text_t;

static const vnode_ops_t procfs_root_ops, procfs_pid_ops, procfs_file_ops;
static const file_ops_t procfs_fops;

static bool parse_pid(const char *name, size_t len, uint64_t *pid)
{
    if (len == 0 || len > 19 || name[0] == '0')
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (name[i] < '0' || name[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(name[i] - '0');
    }
    *pid = v;
    return true;
}

static void procfs_release(vnode_t *v)
{
    kfree(v->priv);
    kfree(v);
}

static int procfs_node(vnode_type_t type, const vnode_ops_t *ops, uint64_t pid,
                       unsigned field, vnode_t *parent, vnode_t **out)
{
    vnode_t *v = vnode_alloc(type, ops, type == VNODE_FILE ? &procfs_fops : NULL);
    procfs_node_t *n = kzalloc(sizeof *n);
    if (!v || !n) {
        kfree(v);
        kfree(n);
        return ENOMEM;
    }
    n->pid = pid;
    n->field = field;
    v->priv = n;
    v->parent = type == VNODE_DIR ? parent : NULL; /* the procfs root is static */
    v->refs = 1;
    *out = v;
    return 0;
}

/* ---------------------------------------------------------------- root */

static int root_lookup(vnode_t *dir, const char *name, size_t len, vnode_t **out)
{
    uint64_t pid;
    process_info_t info;
    if (len == 6 && memcmp(name, "system", 6) == 0)
        return procfs_node(VNODE_FILE, &procfs_file_ops, 0, FIELD_SYSTEM, dir, out);
    if (len == 4 && memcmp(name, "self", 4) == 0)
        pid = process_current()->pid;
    else if (!parse_pid(name, len, &pid))
        return ENOENT;
    if (!process_info(pid, &info))
        return ENOENT;
    return procfs_node(VNODE_DIR, &procfs_pid_ops, pid, 0, dir, out);
}

static int root_readdir(vnode_t *dir, uint64_t *cookie, vfs_dirent_t *out)
{
    (void)dir;
    if (*cookie == 0) {
        out->ino = 0;
        out->type = VNODE_DIR;
        strlcpy(out->name, "self", sizeof out->name);
        *cookie = COOKIE_SYSTEM;
        return 0;
    }
    if (*cookie == COOKIE_SYSTEM) {
        out->ino = 0;
        out->type = VNODE_FILE;
        strlcpy(out->name, "system", sizeof out->name);
        *cookie = 1;
        return 0;
    }
    uint64_t pid;
    if (!process_next_pid(*cookie, &pid))
        return ENOENT;
    out->ino = 0;
    out->type = VNODE_DIR;
    snprintf(out->name, sizeof out->name, "%lu", (unsigned long)pid);
    *cookie = pid + 1;
    return 0;
}

static bool root_is_empty(vnode_t *dir)
{
    (void)dir;
    return false;
}

/* ---------------------------------------------------------------- /proc/PID */

static int pid_lookup(vnode_t *dir, const char *name, size_t len, vnode_t **out)
{
    procfs_node_t *n = dir->priv;
    for (unsigned i = 0; i < FIELD_COUNT; i++)
        if (strlen(field_names[i]) == len && memcmp(field_names[i], name, len) == 0)
            return procfs_node(VNODE_FILE, &procfs_file_ops, n->pid, i, dir, out);
    return ENOENT;
}

static int pid_readdir(vnode_t *dir, uint64_t *cookie, vfs_dirent_t *out)
{
    (void)dir;
    if (*cookie >= FIELD_COUNT)
        return ENOENT;
    out->ino = 0;
    out->type = VNODE_FILE;
    strlcpy(out->name, field_names[*cookie], sizeof out->name);
    (*cookie)++;
    return 0;
}

static void pid_release(vnode_t *v)
{
    /* lookups hold a reference on the parent only through v->parent's static root */
    procfs_release(v);
}

/* ---------------------------------------------------------------- files */

static size_t procfs_format(const process_info_t *pi, unsigned field, char *buf, size_t cap)
{
    const char *state = pi->state == PROCESS_ALIVE ? "alive" : "zombie";
    unsigned long kib = (unsigned long)(pi->memory_pages * 4);
    int n;
    switch (field) {
    case FIELD_NAME: n = snprintf(buf, cap, "%s\n", pi->name); break;
    case FIELD_STATE: n = snprintf(buf, cap, "%s\n", state); break;
    case FIELD_PARENT: n = snprintf(buf, cap, "%lu\n", (unsigned long)pi->parent); break;
    case FIELD_THREADS: n = snprintf(buf, cap, "%u\n", pi->threads); break;
    case FIELD_MEMORY: n = snprintf(buf, cap, "%lu\n", kib); break;
    default:
        n = snprintf(buf, cap, "pid: %lu\nname: %s\nstate: %s\nparent: %lu\nthreads: %u\n"
                     "memory_kib: %lu\ncpu_ms: %lu\n", (unsigned long)pi->pid, pi->name, state,
                     (unsigned long)pi->parent, pi->threads, kib,
                     (unsigned long)(pi->cpu_ns / 1000000));
        break;
    }
    return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

static int procfs_file_open(vnode_t *v, file_t *f)
{
    procfs_node_t *n = v->priv;
    process_info_t info;
    if ((f->flags & O_ACCMODE) != O_RDONLY)
        return EACCES;
    if (n->field != FIELD_SYSTEM && !process_info(n->pid, &info))
        return ENOENT;
    size_t cap = n->field == FIELD_SYSTEM ? SYSINFO_TEXT_MAX : PROCFS_TEXT_MAX;
    procfs_text_t *t = kzalloc(sizeof *t + cap);
    if (!t)
        return ENOMEM;
    if (n->field == FIELD_SYSTEM)
        t->len = sysinfo_format(t->text, cap);
    else
        t->len = procfs_format(&info, n->field, t->text, cap);
    f->priv = t;
    return 0;
}

static int64_t procfs_read(file_t *f, void *buf, size_t cnt)
{
    procfs_text_t *t = f->priv;
    if (f->offset >= t->len)
        return 0;
    size_t k = t->len - (size_t)f->offset;
    if (k > cnt)
        k = cnt;
    memcpy(buf, t->text + f->offset, k);
    f->offset += k;
    return (int64_t)k;
}

static void procfs_close(file_t *f)
{
    kfree(f->priv);
}

static const file_ops_t procfs_fops = {
    .read = procfs_read, .close = procfs_close, .seekable = true,
};
static const vnode_ops_t procfs_root_ops = {
    .lookup = root_lookup, .readdir = root_readdir, .is_empty = root_is_empty,
};
static const vnode_ops_t procfs_pid_ops = {
    .lookup = pid_lookup, .readdir = pid_readdir, .is_empty = root_is_empty,
    .release = pid_release,
};
static const vnode_ops_t procfs_file_ops = {
    .open = procfs_file_open, .release = procfs_release,
};

vnode_t *procfs_create(void)
{
    vnode_t *root = vnode_alloc(VNODE_DIR, &procfs_root_ops, NULL);
    ASSERT(root);
    root->nlink = 1;
    root->refs = 1;
    return root;
}
