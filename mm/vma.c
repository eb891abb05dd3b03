/*
 * vma.c - the AVL tree of a space's regions (see vma.h). Keys are start addresses; since
 * regions never overlap, ordering by start also orders them by end, which is what lets
 * vma_next_after() answer "first region ending above addr" in one descent.
 * Nodes are relinked, never copied: callers keep pointers to them across removals.
 * Recursion depth is the tree height, at most about 1.44 log2(n).
 */
#include "mm/vma.h"
#include "kernel/panic.h"

#define VMA_PAGE_MASK 0xFFFULL

static int vma_height(const vma_t *v)
{
    return v ? v->height : 0;
}

static void vma_update(vma_t *v)
{
    int l = vma_height(v->left), r = vma_height(v->right);
    v->height = 1 + (l > r ? l : r);
}

static vma_t *vma_rotate_right(vma_t *v)
{
    vma_t *l = v->left;
    v->left = l->right;
    l->right = v;
    vma_update(v);
    vma_update(l);
    return l;
}

static vma_t *vma_rotate_left(vma_t *v)
{
    vma_t *r = v->right;
    v->right = r->left;
    r->left = v;
    vma_update(v);
    vma_update(r);
    return r;
}

/* Restores the AVL balance at v after one of its subtrees changed height by one. */
static vma_t *vma_rebalance(vma_t *v)
{
    vma_update(v);
    int bal = vma_height(v->left) - vma_height(v->right);
    if (bal > 1) {
        if (vma_height(v->left->left) < vma_height(v->left->right))
            v->left = vma_rotate_left(v->left);
        return vma_rotate_right(v);
    }
    if (bal < -1) {
        if (vma_height(v->right->right) < vma_height(v->right->left))
            v->right = vma_rotate_right(v->right);
        return vma_rotate_left(v);
    }
    return v;
}

vma_t *vma_find(const vma_tree_t *t, uint64_t addr)
{
    vma_t *v = t->root;
    while (v) {
        if (addr < v->start)
            v = v->left;
        else if (addr >= v->end)
            v = v->right;
        else
            return v;
    }
    return NULL;
}

vma_t *vma_next_after(const vma_tree_t *t, uint64_t addr)
{
    vma_t *v = t->root, *best = NULL;
    while (v) {
        if (v->end > addr) {
            best = v;
            v = v->left;
        } else {
            v = v->right;
        }
    }
    return best;
}

bool vma_range_free(const vma_tree_t *t, uint64_t start, uint64_t end)
{
    const vma_t *v = vma_next_after(t, start);
    return !v || v->start >= end;
}

static vma_t *vma_insert_at(vma_t *root, vma_t *v)
{
    if (!root)
        return v;
    if (v->start < root->start) {
        ASSERT(v->end <= root->start);
        root->left = vma_insert_at(root->left, v);
    } else {
        ASSERT(v->start >= root->end);
        root->right = vma_insert_at(root->right, v);
    }
    return vma_rebalance(root);
}

void vma_insert(vma_tree_t *t, vma_t *v)
{
    ASSERT(v->start < v->end && !(v->start & VMA_PAGE_MASK) && !(v->end & VMA_PAGE_MASK));
    v->left = v->right = NULL;
    v->height = 1;
    t->root = vma_insert_at(t->root, v);
    t->count++;
}

/* Detaches the leftmost node of the subtree root into *min; returns the new subtree. */
static vma_t *vma_detach_min(vma_t *root, vma_t **min)
{
    if (!root->left) {
        *min = root;
        return root->right;
    }
    root->left = vma_detach_min(root->left, min);
    return vma_rebalance(root);
}

static vma_t *vma_remove_at(vma_t *root, vma_t *v)
{
    ASSERT(root); /* v must be in the tree */
    if (v->start < root->start) {
        root->left = vma_remove_at(root->left, v);
    } else if (v->start > root->start) {
        root->right = vma_remove_at(root->right, v);
    } else {
        ASSERT(root == v);
        if (!v->left || !v->right)
            return v->left ? v->left : v->right;
        vma_t *succ;
        vma_t *right = vma_detach_min(v->right, &succ);
        succ->left = v->left;
        succ->right = right;
        root = succ;
    }
    return vma_rebalance(root);
}

void vma_remove(vma_tree_t *t, vma_t *v)
{
    t->root = vma_remove_at(t->root, v);
    t->count--;
    v->left = v->right = NULL;
}

/* Checks the subtree; *lo is the lowest address the next region (in order) may start at. */
static bool vma_check_at(const vma_t *v, uint64_t *lo, size_t *n)
{
    if (!v)
        return true;
    if (!vma_check_at(v->left, lo, n))
        return false;
    if (v->start < *lo || v->start >= v->end || (v->start & VMA_PAGE_MASK) ||
        (v->end & VMA_PAGE_MASK))
        return false;
    *lo = v->end;
    (*n)++;
    int l = vma_height(v->left), r = vma_height(v->right);
    if (v->height != 1 + (l > r ? l : r) || l - r > 1 || r - l > 1)
        return false;
    return vma_check_at(v->right, lo, n);
}

bool vma_tree_check(const vma_tree_t *t)
{
    uint64_t lo = 0;
    size_t n = 0;
    return vma_check_at(t->root, &lo, &n) && n == t->count;
}
