/*
 * fs_ktest.c - kernel self-tests of the file layer that user programs cannot reach: the
 * archive import skipping corrupt or hostile entries while keeping the rest, the tmpfs
 * size limit turning into ENOSPC and giving every page back, truncation giving back a
 * sparse file's page index, and vnode release on the last reference of a removed file.
 */
#include <spindle/errno.h>
#include "kernel/fs/devfs.h"
#include "kernel/fs/tmpfs.h"
#include "kernel/ktest.h"
#include "kernel/lib/string.h"
#include "kernel/lib/tar.h"
#include "mm/heap.h"
#include "mm/pmm.h"

#define BLK 512

static void put_octal(uint8_t *f, size_t len, uint64_t v)
{
    memset(f, '0', len - 1);
    f[len - 1] = 0;
    for (size_t i = len - 1; i-- > 0 && v; v >>= 3)
        f[i] = (uint8_t)('0' + (v & 7));
}

static size_t tar_add(uint8_t *a, size_t blk, const char *name, char type, const char *data)
{
    uint8_t *h = a + blk * BLK;
    size_t len = strlen(data);
    memset(h, 0, BLK);
    memcpy(h, name, strlen(name));
    put_octal(h + 100, 8, 0644);
    put_octal(h + 124, 12, len);
    h[156] = (uint8_t)type;
    memcpy(h + 257, "ustar\0" "00", 8);
    memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (int i = 0; i < BLK; i++)
        sum += h[i];
    put_octal(h + 148, 7, sum);
    memcpy(h + BLK, data, len);
    return blk + 1 + (len + BLK - 1) / BLK;
}

static int lookup_file(vnode_t *root, const char *path, char *buf, size_t n)
{
    vnode_t *v;
    fs_mutex_lock(&vfs_lock);
    int err = vfs_walk_locked(root, path, &v);
    fs_mutex_unlock(&vfs_lock);
    if (err)
        return err;
    file_t tmp = { .refs = 1, .flags = O_RDONLY, .vnode = v, .ops = v->fops };
    int64_t got = v->fops->read(&tmp, buf, n);
    vnode_put(v);
    return got < 0 ? (int)-got : 0;
}

KTEST(vfs_import_skips_corrupt_and_hostile_entries_and_keeps_the_rest)
{
    uint8_t *a = kzalloc(16 * BLK);
    KTEST_EXPECT(a);
    size_t b = tar_add(a, 0, "./good/one", '0', "first");
    size_t bad = b;
    b = tar_add(a, b, "./broken", '0', "x");
    a[bad * BLK + 3] ^= 0x55;                       /* checksum no longer matches */
    b = tar_add(a, b, "../escape", '0', "evil");    /* leaves the root: refused */
    b = tar_add(a, b, "./good/link", '2', "");      /* symlink type: skipped */
    b = tar_add(a, b, "./good/two", '0', "second");
    vnode_t *root = tmpfs_create_root();
    fs_mutex_lock(&vfs_lock);
    tmpfs_import_tar_locked(root, a, (b + 2) * BLK);
    fs_mutex_unlock(&vfs_lock);
    char buf[16] = { 0 };
    KTEST_EXPECT(lookup_file(root, "good/one", buf, sizeof buf) == 0 && !memcmp(buf, "first", 5));
    KTEST_EXPECT(lookup_file(root, "good/two", buf, sizeof buf) == 0 && !memcmp(buf, "second", 6));
    KTEST_EXPECT(lookup_file(root, "broken", buf, sizeof buf) == ENOENT);
    KTEST_EXPECT(lookup_file(root, "escape", buf, sizeof buf) == ENOENT);
    KTEST_EXPECT(lookup_file(root, "good/link", buf, sizeof buf) == ENOENT);
    kfree(a);
    /* the test root is left as is (a few hundred bytes): nothing unmounts a tmpfs */
}

KTEST(tmpfs_full_is_enospc_and_remove_gives_pages_back)
{
    vnode_t *root = tmpfs_create_root();
    uint64_t old_limit = tmpfs_limit();
    size_t free_before = pmm_free_pages();
    vnode_t *v;
    fs_mutex_lock(&vfs_lock);
    tmpfs_set_limit(tmpfs_bytes_used() + 8 * 4096);
    int err = root->ops->create(root, "f", 1, VNODE_FILE, &v);
    static uint8_t page[4096];
    int64_t w = 0, total = 0;
    for (int i = 0; !err && i < 20 && (w = tmpfs_write_locked(v, page, sizeof page, total)) > 0; i++)
        total += w;
    tmpfs_set_limit(old_limit);
    /* eight pages of budget: one index node, then seven pages of data */
    bool enospc = w == -ENOSPC && total == 7 * 4096;
    vnode_put_locked(v);
    int rm = root->ops->unlink(root, "f", 1); /* last link and no reference: freed now */
    fs_mutex_unlock(&vfs_lock);
    KTEST_EXPECT(!err);
    KTEST_EXPECT(enospc);
    KTEST_EXPECT(rm == 0);
    KTEST_EXPECT(pmm_free_pages() >= free_before);
}

/* Issue 17: the page index was 8 bytes of kernel heap per page of offset, charged to
 * nothing (one write at 2^36 cost 256 MiB). Now a write far into a file costs the pages on
 * its path through the radix tree, charged to the file system, no heap; truncating gives
 * every one of them back. */
KTEST(tmpfs_sparse_write_costs_a_few_pages_charged_to_the_limit)
{
    vnode_t *root = tmpfs_create_root();
    vnode_t *v;
    static const uint8_t byte = 1;
    uint8_t back[2] = { 9, 9 };
    fs_mutex_lock(&vfs_lock);
    int err = root->ops->create(root, "s", 1, VNODE_FILE, &v);
    heap_trim();
    size_t heap_before = heap_bytes_in_use(), free_before = pmm_free_pages();
    uint64_t used_before = tmpfs_bytes_used();
    int64_t w = err ? 0 : tmpfs_write_locked(v, &byte, 1, 1ULL << 36);
    int64_t w2 = err ? 0 : tmpfs_write_locked(v, &byte, 1, 4096 * 3);
    uint64_t used_grown = tmpfs_bytes_used();
    size_t heap_grown = heap_bytes_in_use();
    file_t f = { .refs = 1, .flags = O_RDONLY, .offset = (1ULL << 36) - 1, .vnode = v,
                 .ops = v->fops };
    fs_mutex_unlock(&vfs_lock); /* tmpfs's read takes it itself */
    int64_t r = err ? 0 : v->fops->read(&f, back, 2);
    fs_mutex_lock(&vfs_lock);
    int tr = err ? -1 : v->ops->truncate(v, 4096 * 3 + 1);
    uint64_t used_cut = tmpfs_bytes_used();
    int tr0 = err ? -1 : v->ops->truncate(v, 0);
    uint64_t used_after = tmpfs_bytes_used();
    if (!err) {
        vnode_put_locked(v);
        root->ops->unlink(root, "s", 1);
    }
    fs_mutex_unlock(&vfs_lock);
    heap_trim();
    KTEST_EXPECT(!err);
    KTEST_EXPECT(w == 1 && w2 == 1);
    KTEST_EXPECT(r == 2 && back[0] == 0 && back[1] == 1);
    /* two data pages, three nodes on the far path, one more node for page 3 */
    KTEST_EXPECT(used_grown - used_before <= 8 * 4096);
    KTEST_EXPECT(heap_grown == heap_before);
    KTEST_EXPECT(tr == 0 && tr0 == 0);
    KTEST_EXPECT(used_cut - used_before <= 2 * 4096); /* page 3 and at most one node */
    KTEST_EXPECT(used_after == used_before);
    KTEST_EXPECT(pmm_free_pages() >= free_before);
}

KTEST(console_input_becomes_lines_with_backspace_and_eof)
{
    file_t f = { .refs = 1, .flags = O_RDONLY | O_NONBLOCK, .ops = &dev_console_fops };
    char buf[16];
    KTEST_EXPECT(f.ops->read(&f, buf, sizeof buf) == -EAGAIN); /* nothing typed yet */
    const char typed[] = "ab\bc\r";
    for (const char *c = typed; *c; c++)
        console_input_char(*c);
    KTEST_EXPECT(f.ops->read(&f, buf, sizeof buf) == 3 && !memcmp(buf, "ac\n", 3));
    console_input_char(0x04);                                  /* Ctrl-D on an empty line */
    KTEST_EXPECT(f.ops->read(&f, buf, sizeof buf) == 0);
    KTEST_EXPECT(f.ops->read(&f, buf, sizeof buf) == -EAGAIN);
}
