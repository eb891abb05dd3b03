/*
 * test_path.c - host tests for path resolution (kernel/fs/path.c) on a fake tree:
 *   /            root
 *   /a/b/file    directories a, b; a regular file
 *   /mnt         covered by a second file system whose root holds "inner"
 * Checks ".", "..", ".." above the root, relative walks, mount crossing both ways, every
 * error (ENOENT, ENOTDIR, ENAMETOOLONG), the parent split, and that every walk gives back
 * every reference it took.
 */
#include <stdlib.h>
#include <string.h>
#include "host_test.h"
#include "kernel/fs/path.c"

#define MAX_KIDS 4

typedef struct {
    const char *names[MAX_KIDS];
    vnode_t *kids[MAX_KIDS];
    int count;
} fake_dir_t;

static vnode_t v_root, v_a, v_b, v_file, v_mnt, v_root2, v_inner;
static fake_dir_t d_root, d_a, d_b, d_mnt, d_root2;
static int refs_taken;

vnode_t *vfs_root(void)
{
    return &v_root;
}

void vnode_get_locked(vnode_t *v)
{
    v->refs++;
    refs_taken++;
}

void vnode_put_locked(vnode_t *v)
{
    if (v->refs == 0)
        abort(); /* a walk dropped a reference it never took */
    v->refs--;
    refs_taken--;
}

static int fake_lookup(vnode_t *dir, const char *name, size_t len, vnode_t **out)
{
    fake_dir_t *d = dir->priv;
    for (int i = 0; i < d->count; i++) {
        if (strlen(d->names[i]) == len && memcmp(d->names[i], name, len) == 0) {
            vnode_get_locked(d->kids[i]);
            *out = d->kids[i];
            return 0;
        }
    }
    return ENOENT;
}

static const vnode_ops_t fake_ops = { .lookup = fake_lookup };

static void add(vnode_t *dir, const char *name, vnode_t *kid)
{
    fake_dir_t *d = dir->priv;
    d->names[d->count] = name;
    d->kids[d->count++] = kid;
    if (kid->type == VNODE_DIR)
        kid->parent = dir;
}

static void mkdirv(vnode_t *v, fake_dir_t *d)
{
    memset(v, 0, sizeof *v);
    memset(d, 0, sizeof *d);
    v->type = VNODE_DIR;
    v->ops = &fake_ops;
    v->priv = d;
}

static void build(void)
{
    mkdirv(&v_root, &d_root);
    mkdirv(&v_a, &d_a);
    mkdirv(&v_b, &d_b);
    mkdirv(&v_mnt, &d_mnt);
    mkdirv(&v_root2, &d_root2);
    memset(&v_file, 0, sizeof v_file);
    v_file.type = VNODE_FILE;
    memset(&v_inner, 0, sizeof v_inner);
    v_inner.type = VNODE_FILE;
    add(&v_root, "a", &v_a);
    add(&v_a, "b", &v_b);
    add(&v_b, "file", &v_file);
    add(&v_root, "mnt", &v_mnt);
    add(&v_root2, "inner", &v_inner);
    v_mnt.mounted = &v_root2;
    v_root2.covers = &v_mnt;
    refs_taken = 0;
}

/* Walks path from start; returns the error, and the result (reference dropped) in *out. */
static int walk(vnode_t *start, const char *path, vnode_t **out)
{
    vnode_t *v = NULL;
    int err = vfs_walk_locked(start, path, &v);
    if (!err)
        vnode_put_locked(v);
    if (out)
        *out = err ? NULL : v;
    return err;
}

HOST_TEST(absolute_and_relative_paths_resolve)
{
    build();
    vnode_t *v;
    CHECK(walk(&v_root, "/a/b/file", &v) == 0 && v == &v_file);
    CHECK(walk(&v_a, "b/file", &v) == 0 && v == &v_file);
    CHECK(walk(&v_b, "/", &v) == 0 && v == &v_root);
    CHECK(walk(&v_b, ".", &v) == 0 && v == &v_b);
    CHECK(walk(&v_root, "//a///b//", &v) == 0 && v == &v_b);
    CHECK_EQ(refs_taken, 0);
}

HOST_TEST(dot_and_dotdot_including_above_the_root)
{
    build();
    vnode_t *v;
    CHECK(walk(&v_root, "/a/b/..", &v) == 0 && v == &v_a);
    CHECK(walk(&v_root, "/a/./b/../../a", &v) == 0 && v == &v_a);
    CHECK(walk(&v_root, "/../../..", &v) == 0 && v == &v_root);
    CHECK(walk(&v_b, "../../../../a/b/file", &v) == 0 && v == &v_file);
    CHECK_EQ(refs_taken, 0);
}

HOST_TEST(mounts_are_crossed_both_ways)
{
    build();
    vnode_t *v;
    CHECK(walk(&v_root, "/mnt", &v) == 0 && v == &v_root2);
    CHECK(walk(&v_root, "/mnt/inner", &v) == 0 && v == &v_inner);
    CHECK(walk(&v_root, "/mnt/..", &v) == 0 && v == &v_root);
    CHECK(walk(&v_root2, "../a", &v) == 0 && v == &v_a);
    CHECK_EQ(refs_taken, 0);
}

HOST_TEST(each_failure_has_its_error)
{
    build();
    static char name[300], path[600];
    CHECK_EQ(walk(&v_root, "", NULL), ENOENT);
    CHECK_EQ(walk(&v_root, "/nope", NULL), ENOENT);
    CHECK_EQ(walk(&v_root, "/a/nope/file", NULL), ENOENT);
    CHECK_EQ(walk(&v_root, "/a/b/file/x", NULL), ENOTDIR);
    CHECK_EQ(walk(&v_root, "/a/b/file/", NULL), ENOTDIR);
    CHECK_EQ(walk(&v_root, "/a/b/file/..", NULL), ENOTDIR);
    memset(name, 'x', VFS_NAME_MAX);
    snprintf(path, sizeof path, "/a/%s", name);
    CHECK_EQ(walk(&v_root, path, NULL), ENOENT);        /* 255 bytes: a legal name */
    name[VFS_NAME_MAX] = 'x';
    snprintf(path, sizeof path, "/a/%s", name);
    CHECK_EQ(walk(&v_root, path, NULL), ENAMETOOLONG);  /* 256 bytes */
    CHECK_EQ(refs_taken, 0);
}

HOST_TEST(parent_split_gives_directory_and_last_name)
{
    build();
    vnode_t *d;
    const char *name;
    size_t len;
    bool must_dir;
    CHECK(vfs_walk_parent_locked(&v_root, "/a/b/new", &d, &name, &len, &must_dir) == 0);
    CHECK(d == &v_b && len == 3 && memcmp(name, "new", 3) == 0 && !must_dir);
    vnode_put_locked(d);
    CHECK(vfs_walk_parent_locked(&v_a, "b/sub//", &d, &name, &len, &must_dir) == 0);
    CHECK(d == &v_b && len == 3 && must_dir);
    vnode_put_locked(d);
    CHECK(vfs_walk_parent_locked(&v_a, "/", &d, &name, &len, &must_dir) == 0);
    CHECK(d == &v_root && len == 0);
    vnode_put_locked(d);
    CHECK(vfs_walk_parent_locked(&v_root, "top", &d, &name, &len, &must_dir) == 0);
    CHECK(d == &v_root && len == 3);
    vnode_put_locked(d);
    CHECK_EQ(vfs_walk_parent_locked(&v_root, "/a/b/file/x", &d, &name, &len, &must_dir), ENOTDIR);
    CHECK_EQ(vfs_walk_parent_locked(&v_root, "/no/x", &d, &name, &len, &must_dir), ENOENT);
    CHECK_EQ(vfs_walk_parent_locked(&v_root, "", &d, &name, &len, &must_dir), ENOENT);
    CHECK_EQ(refs_taken, 0);
}

HOST_TEST(path_next_splits_components)
{
    const char *p = "//ab/c//", *name;
    size_t len;
    CHECK(path_next(&p, &name, &len) == 0 && len == 2 && name[0] == 'a');
    CHECK(path_next(&p, &name, &len) == 0 && len == 1 && name[0] == 'c');
    CHECK_EQ(path_next(&p, &name, &len), ENOENT);
}
