/* cp - copies files: cp SRC DEST, or cp SRC... DIR (into DIR under their own names). */
#include "src_dest.h"

static int copy_file(const char *src, const char *dest)
{
    if (is_dir(src)) {
        fprintf(stderr, "cp: %s: is a directory (not copied)\n", src);
        return 1;
    }
    if (copy_bytes(src, dest) < 0) {
        fprintf(stderr, "cp: %s -> %s: %s\n", src, dest, strerror(errno));
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    return src_dest_main(argc, argv, "cp", copy_file);
}
