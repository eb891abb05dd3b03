/*
 * path.h - path arithmetic for the shell: the kernel's spawn() wants an absolute program
 * path, and the shell keeps its working directory as text (there is no getcwd call), so
 * relative names are joined and normalised here.
 */
#ifndef SH_PATH_H
#define SH_PATH_H

#include <stddef.h>

/* Writes the absolute, normalised form of path (relative to cwd, itself absolute) to out:
 * no "." or ".." components, no repeated or trailing slashes ("/" for the root; ".." at
 * the root stays at the root). Returns 0, or -1 when it does not fit in size bytes. */
int sh_path_resolve(const char *cwd, const char *path, char *out, size_t size);

#endif
