/*
 * procfs.c - the /proc file system (see procfs.h). Process data comes from the source the
 * process layer registers (procfs_source_t: info and next_pid copy it out under the
 * process table's lock).
 */
#include "kernel/fs/procfs.h"
#include <spindle/errno.h>
#include "kernel/lib/format.h"
#include "kernel/lib/string.h"
#include "kernel/panic.h"
#include "kernel/sysinfo.h"
#include "mm/heap.h"

#define PROCFS_TEXT_MAX 256 /* a one-value field or status */
/* /proc/PID/stat: the name and 52 numbers of at most 20 digits, with their spaces. */
#define PROCFS_STAT_MAX (PROCESS_NAME_MAX + 52 * 21 + 16)

enum { FIELD_STATUS, FIELD_NAME, FIELD_STATE, FIELD_PARENT, FIELD_THREADS, FIELD_MEMORY,
       FIELD_STAT, FIELD_COUNT };
static const char *const field_names[FIELD_COUNT] = {
    "status", "name", "state", "parent", "threads", "memory", "stat",
};

static size_t procfs_format_loadavg(char *buf, size_t cap);

static const procfs_source_t *procfs_src; /* procfs_source_register */

void procfs_source_register(const procfs_source_t *src)
{
    ASSERT(procfs_src == NULL);
    ASSERT(src && src->info && src->next_pid && src->count && src->self_pid);
    procfs_src = src;
}

static const procfs_source_t *procfs_source(void)
{
    ASSERT(procfs_src != NULL);
    return procfs_src;
}

/* Files of the root itself (pid 0 nodes, field FIELD_ROOT + index): /proc/system, the
 * machine summary of kernel/sysinfo.c for `sysinfo`, and the Linux-format files. readdir
 * lists them after "self", with cookies COOKIE_ROOT + index. */
#define FIELD_ROOT  0x100
#define COOKIE_ROOT (1ULL << 63)
static const struct {
    const char *name;
    size_t (*format)(char *buf, size_t cap);
    size_t cap;                 /* 0: ask sysinfo_cpuinfo_max() */
} root_files[] = {
    { "system", sysinfo_format, SYSINFO_TEXT_MAX },
    { "meminfo", sysinfo_format_meminfo, SYSINFO_MEMINFO_MAX },
    { "uptime", sysinfo_format_uptime, SYSINFO_UPTIME_MAX },
    { "cpuinfo", sysinfo_format_cpuinfo, 0 },
    { "stat", sysinfo_format_stat, SYSINFO_STAT_MAX },
    { "loadavg", procfs_format_loadavg, PROCFS_TEXT_MAX },
};
#define ROOT_FILES (sizeof root_files / sizeof root_files[0])

typedef struct {
    uint64_t pid;
    unsigned field;
} procfs_node_t;

/* The text of one open file, sized for its field (cpuinfo grows with the CPUs). */
typedef struct {
    size_t len;
    char text[];
} procfs_text_t;

static const vnode_ops_t procfs_root_ops, procfs_pid_ops, procfs_file_ops;
static const file_ops_t procfs_fops;

/* Stable inode numbers: readers skip a directory entry whose number is 0 (glibc's readdir
 * does), and stat should agree with readdir. Root files are pid 0; field PROCFS_DIR_FIELD
 * names the /proc/PID directory itself. */
#define PROCFS_INO_SELF  2
#define PROCFS_DIR_FIELD 0x1ff
static uint64_t procfs_ino(uint64_t pid, unsigned field)
{
    return ((pid + 1) << 9) | field;
}

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
    v->ino = procfs_ino(pid, type == VNODE_DIR ? PROCFS_DIR_FIELD : field);
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
    for (unsigned i = 0; i < ROOT_FILES; i++)
        if (strlen(root_files[i].name) == len && memcmp(root_files[i].name, name, len) == 0)
            return procfs_node(VNODE_FILE, &procfs_file_ops, 0, FIELD_ROOT + i, dir, out);
    if (len == 4 && memcmp(name, "self", 4) == 0)
        pid = procfs_source()->self_pid();
    else if (!parse_pid(name, len, &pid))
        return ENOENT;
    if (!procfs_source()->info(pid, &info))
        return ENOENT;
    return procfs_node(VNODE_DIR, &procfs_pid_ops, pid, 0, dir, out);
}

static int root_readdir(vnode_t *dir, uint64_t *cookie, vfs_dirent_t *out)
{
    (void)dir;
    if (*cookie == 0) {
        out->ino = PROCFS_INO_SELF;
        out->type = VNODE_DIR;
        strlcpy(out->name, "self", sizeof out->name);
        *cookie = COOKIE_ROOT;
        return 0;
    }
    if (*cookie >= COOKIE_ROOT) {
        uint64_t i = *cookie - COOKIE_ROOT;
        if (i >= ROOT_FILES)
            return ENOENT;
        out->ino = procfs_ino(0, FIELD_ROOT + (unsigned)i);
        out->type = VNODE_FILE;
        strlcpy(out->name, root_files[i].name, sizeof out->name);
        *cookie = i + 1 < ROOT_FILES ? *cookie + 1 : 1;
        return 0;
    }
    uint64_t pid;
    if (!procfs_source()->next_pid(*cookie, &pid))
        return ENOENT;
    out->ino = procfs_ino(pid, PROCFS_DIR_FIELD);
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
    if (*cookie >= FIELD_COUNT)
        return ENOENT;
    out->ino = procfs_ino(((procfs_node_t *)dir->priv)->pid, (unsigned)*cookie);
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

/* Linux's /proc/PID/stat: 52 fields, real values where the kernel keeps them (state,
 * parent, CPU time in 100 Hz ticks, all of it counted as user time, threads, start time,
 * sizes), the others 0; the process group and session are the pid, as getpgid reports. */
static size_t procfs_format_stat(const process_info_t *pi, char *buf, size_t cap)
{
    char state = pi->state != PROCESS_ALIVE ? 'Z' : pi->runnable ? 'R' : 'S';
    unsigned long pid = (unsigned long)pi->pid;
    int n = snprintf(buf, cap,
                     "%lu (%s) %c %lu %lu %lu 0 -1 0 0 0 0 0 %llu 0 0 0 20 0 %u 0 %llu %llu %llu "
                     "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
                     pid, pi->name, state, (unsigned long)pi->parent, pid, pid,
                     (unsigned long long)(pi->cpu_ns / 10000000), pi->threads,
                     (unsigned long long)(pi->start_ns / 10000000),
                     (unsigned long long)(pi->vsize_pages * 4096),
                     (unsigned long long)pi->rss_pages);
    return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

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
    case FIELD_STAT: return procfs_format_stat(pi, buf, cap);
    default:
        n = snprintf(buf, cap, "pid: %lu\nname: %s\nstate: %s\nparent: %lu\nthreads: %u\n"
                     "memory_kib: %lu\ncpu_ms: %lu\n", (unsigned long)pi->pid, pi->name, state,
                     (unsigned long)pi->parent, pi->threads, kib,
                     (unsigned long)(pi->cpu_ns / 1000000));
        break;
    }
    return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

/* Linux's /proc/loadavg: no load average is kept (0.00), then processes in the table and
 * the highest pid. */
static size_t procfs_format_loadavg(char *buf, size_t cap)
{
    uint64_t pid = 1, last = 0;
    while (procfs_source()->next_pid(pid, &pid))
        last = pid++;
    int n = snprintf(buf, cap, "0.00 0.00 0.00 1/%zu %llu\n", procfs_source()->count(),
                     (unsigned long long)last);
    return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

/* The file's text, generated now into a buffer sized for it: NULL and *err on failure. */
static procfs_text_t *procfs_text_make(const procfs_node_t *n, int *err)
{
    process_info_t info;
    size_t cap;
    if (n->field >= FIELD_ROOT) {
        size_t i = n->field - FIELD_ROOT;
        cap = root_files[i].cap ? root_files[i].cap : sysinfo_cpuinfo_max();
    } else {
        if (!procfs_source()->info(n->pid, &info)) {
            *err = ENOENT;
            return NULL;
        }
        cap = n->field == FIELD_STAT ? PROCFS_STAT_MAX : PROCFS_TEXT_MAX;
    }
    procfs_text_t *t = kzalloc(sizeof *t + cap);
    if (!t) {
        *err = ENOMEM;
        return NULL;
    }
    if (n->field >= FIELD_ROOT)
        t->len = root_files[n->field - FIELD_ROOT].format(t->text, cap);
    else
        t->len = procfs_format(&info, n->field, t->text, cap);
    return t;
}

static int procfs_file_open(vnode_t *v, file_t *f)
{
    if ((f->flags & O_ACCMODE) != O_RDONLY)
        return EACCES;
    int err = 0;
    procfs_text_t *t = procfs_text_make(v->priv, &err);
    if (!t)
        return err;
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
