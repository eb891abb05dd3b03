/*
 * errno.h - the error codes of the Spindle system-call ABI, shared by the kernel, the user
 * runtime (errno, strerror) and the tracer.
 *
 * One list, SPINDLE_ERRNO_LIST(X), holds every code as X(NAME, number, "message"); everything
 * else (the enum, the name and message lookups) is expanded from it, so a code cannot be
 * numbered in one place and described in another. Numbers follow Linux so ported programs
 * and readers see familiar values. 0 means "no error" and is never in the list.
 *
 * A failing system call returns ERR (or NULL for pointer results, see abi.h) and records one
 * of these codes in the calling thread; SYS_ERRNO reads it back.
 *
 * The codes are enum constants, not macros: a host test that also includes libc's <errno.h>
 * must not include this file in the same translation unit.
 */
#ifndef SPINDLE_ERRNO_H
#define SPINDLE_ERRNO_H

#define SPINDLE_ERRNO_LIST(X) \
    X(EPERM, 1, "Operation not permitted") \
    X(ENOENT, 2, "No such file or directory") \
    X(ESRCH, 3, "No such process") \
    X(EINTR, 4, "Interrupted system call") \
    X(EIO, 5, "Input/output error") \
    X(ENXIO, 6, "No such device or address") \
    X(E2BIG, 7, "Argument list too long") \
    X(ENOEXEC, 8, "Exec format error") \
    X(EBADF, 9, "Bad file descriptor") \
    X(ECHILD, 10, "No child processes") \
    X(EAGAIN, 11, "Resource temporarily unavailable") \
    X(ENOMEM, 12, "Out of memory") \
    X(EACCES, 13, "Permission denied") \
    X(EFAULT, 14, "Bad address") \
    X(EBUSY, 16, "Device or resource busy") \
    X(EEXIST, 17, "File exists") \
    X(EXDEV, 18, "Invalid cross-device link") \
    X(ENODEV, 19, "No such device") \
    X(ENOTDIR, 20, "Not a directory") \
    X(EISDIR, 21, "Is a directory") \
    X(EINVAL, 22, "Invalid argument") \
    X(ENFILE, 23, "Too many open files in system") \
    X(EMFILE, 24, "Too many open files") \
    X(ENOTTY, 25, "Inappropriate ioctl for device") \
    X(EFBIG, 27, "File too large") \
    X(ENOSPC, 28, "No space left on device") \
    X(ESPIPE, 29, "Illegal seek") \
    X(EROFS, 30, "Read-only file system") \
    X(EMLINK, 31, "Too many links") \
    X(EPIPE, 32, "Broken pipe") \
    X(EDOM, 33, "Numerical argument out of domain") \
    X(ERANGE, 34, "Numerical result out of range") \
    X(EDEADLK, 35, "Resource deadlock avoided") \
    X(ENAMETOOLONG, 36, "File name too long") \
    X(ENOSYS, 38, "Function not implemented") \
    X(ENOTEMPTY, 39, "Directory not empty") \
    X(ELOOP, 40, "Too many levels of symbolic links") \
    X(EOVERFLOW, 75, "Value too large for defined data type") \
    X(ENOTSUP, 95, "Operation not supported") \
    X(ETIMEDOUT, 110, "Connection timed out") \
    X(ECANCELED, 125, "Operation canceled")

#define SPINDLE_ERRNO_ENUM_(name, num, msg) name = num,
enum spindle_errno {
    SPINDLE_ERRNO_LIST(SPINDLE_ERRNO_ENUM_)
};
#undef SPINDLE_ERRNO_ENUM_

/* Largest code in the list: a kernel or tracer may size a table with it. */
#define SPINDLE_ERRNO_MAX 125

/* "ENOENT" for 2; NULL for a number that is not in the list (including 0). */
static inline const char *spindle_errno_name(int code)
{
    switch (code) {
#define SPINDLE_ERRNO_NAME_(name, num, msg) case num: return #name;
        SPINDLE_ERRNO_LIST(SPINDLE_ERRNO_NAME_)
#undef SPINDLE_ERRNO_NAME_
    default: return 0;
    }
}

/* "No such file or directory" for 2; NULL for a number that is not in the list. */
static inline const char *spindle_errno_message(int code)
{
    switch (code) {
#define SPINDLE_ERRNO_MSG_(name, num, msg) case num: return msg;
        SPINDLE_ERRNO_LIST(SPINDLE_ERRNO_MSG_)
#undef SPINDLE_ERRNO_MSG_
    default: return 0;
    }
}

#endif
