/*
 * path.c - joins and normalises paths (see path.h). Works component by component on the
 * output buffer, which always holds a normalised absolute path: ".." trims back to the
 * previous '/', so it can never climb above the root.
 */
#include <string.h>
#include "path.h"

/* Appends one component (name, n bytes) to the normalised path in out (len bytes). */
static int path_push(char *out, size_t *len, size_t size, const char *name, size_t n)
{
    if (n == 1 && name[0] == '.')
        return 0;
    if (n == 2 && name[0] == '.' && name[1] == '.') {
        while (*len > 1 && out[*len - 1] != '/')
            (*len)--;
        if (*len > 1)
            (*len)--; /* the slash before the removed component */
        out[*len] = '\0';
        return 0;
    }
    size_t need = *len + (*len > 1 ? 1 : 0) + n + 1;
    if (need > size)
        return -1;
    if (*len > 1)
        out[(*len)++] = '/';
    memcpy(out + *len, name, n);
    *len += n;
    out[*len] = '\0';
    return 0;
}

static int path_push_all(char *out, size_t *len, size_t size, const char *p)
{
    while (*p) {
        while (*p == '/')
            p++;
        size_t n = strcspn(p, "/");
        if (n && path_push(out, len, size, p, n) < 0)
            return -1;
        p += n;
    }
    return 0;
}

int sh_path_resolve(const char *cwd, const char *path, char *out, size_t size)
{
    if (size < 2)
        return -1;
    out[0] = '/';
    out[1] = '\0';
    size_t len = 1;
    if (path[0] != '/' && path_push_all(out, &len, size, cwd) < 0)
        return -1;
    return path_push_all(out, &len, size, path);
}
