/* mv - renames: mv SRC DEST, or mv SRC... DIR. A new name is made with link() and the old
 * one removed; where link() refuses (another file system, a directory) a file is copied
 * and then removed. */
#include "src_dest.h"

static int copy_then_remove(const char *src, const char *dest)
{
    if (copy_bytes(src, dest) < 0) {
        int e = errno;
        unlink(dest);
        errno = e;
        return -1;
    }
    return unlink(src);
}

static int move(const char *src, const char *dest)
{
    struct stat st;
    if (stat(src, &st) < 0) {
        fprintf(stderr, "mv: %s: %s\n", src, strerror(errno));
        return 1;
    }
    if (stat(dest, &st) == 0 && !S_ISDIR(st.st_mode) && unlink(dest) < 0) {
        fprintf(stderr, "mv: %s: %s\n", dest, strerror(errno));
        return 1;
    }
    if (link(src, dest) == 0) {
        if (unlink(src) == 0)
            return 0;
        fprintf(stderr, "mv: %s: %s (the new name %s exists too)\n", src, strerror(errno), dest);
        return 1;
    }
    if (errno != EXDEV && errno != EPERM && errno != EACCES && errno != EISDIR) {
        fprintf(stderr, "mv: %s -> %s: %s\n", src, dest, strerror(errno));
        return 1;
    }
    if (is_dir(src)) {
        fprintf(stderr, "mv: %s: directories cannot be moved here\n", src);
        return 1;
    }
    if (copy_then_remove(src, dest) < 0) {
        fprintf(stderr, "mv: %s -> %s: %s\n", src, dest, strerror(errno));
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    return src_dest_main(argc, argv, "mv", move);
}
