/*
 * trace_decode.c - one decoder per argument kind of syscalls.spec (see trace_decode.h).
 * Nothing here knows a particular call: new calls in the spec are decoded as soon as they
 * exist. Reads of user memory are small and bounded (TRACE_STR_MAX bytes per string or
 * buffer, TRACE_ARGV_MAX strings per argv), so tracing cannot be made to copy much.
 */
#include "kernel/trace/trace_decode.h"
#include <spindle/abi.h>
#include <spindle/errno.h>
#include "kernel/lib/string.h"
#include "kernel/uaccess.h"

#define TRACE_ARGV_MAX 6  /* argv entries shown before "..." */
#define TRACE_OUT_MAX  16 /* bytes of a uptr_out type shown as numbers */

void trace_decode_name(trace_buf_t *b, const syscall_abi_t *abi, uint64_t nr)
{
    const syscall_meta_t *m = syscall_abi_meta(abi, nr);
    if (m) {
        tb_puts(b, m->name);
        return;
    }
    tb_puts(b, "syscall_");
    tb_udec(b, nr);
}

/* A user string, cut at TRACE_STR_MAX; the pointer itself when it cannot be read. */
static void decode_ustr(trace_buf_t *b, uint64_t p)
{
    char s[TRACE_STR_MAX + 1];
    if (!p) {
        tb_puts(b, "NULL");
        return;
    }
    size_t len = 0;
    int err = copy_string_from_user(s, (const void *)p, sizeof s, &len);
    if (err == ENAMETOOLONG) {
        tb_quoted(b, s, TRACE_STR_MAX, true);
    } else if (err) {
        tb_hex(b, p);
    } else {
        tb_quoted(b, s, len, false);
    }
}

static void decode_ustrv(trace_buf_t *b, uint64_t p)
{
    if (!p) {
        tb_puts(b, "NULL");
        return;
    }
    uint64_t first;
    if (copy_from_user(&first, (const void *)p, sizeof first)) {
        tb_hex(b, p);
        return;
    }
    tb_putc(b, '[');
    for (int i = 0;; i++) {
        uint64_t s;
        if (copy_from_user(&s, (const uint64_t *)p + i, sizeof s)) {
            tb_puts(b, i ? ", ?" : "?");
            break;
        }
        if (!s)
            break;
        if (i == TRACE_ARGV_MAX) {
            tb_puts(b, ", ...");
            break;
        }
        if (i)
            tb_puts(b, ", ");
        decode_ustr(b, s);
    }
    tb_putc(b, ']');
}

/* n bytes at p (cut at TRACE_STR_MAX), or the pointer when unreadable. */
static void decode_bytes(trace_buf_t *b, uint64_t p, uint64_t n)
{
    char data[TRACE_STR_MAX];
    uint64_t k = n < TRACE_STR_MAX ? n : TRACE_STR_MAX;
    if (!p || copy_from_user(data, (const void *)p, (size_t)k)) {
        tb_pointer(b, p);
        return;
    }
    tb_quoted(b, data, (size_t)k, n > k);
}

static bool type_is_64(const char *type)
{
    size_t n = strlen(type);
    return n >= 4 && strcmp(type + n - 4, "64_t") == 0;
}

/* A small out-structure as numbers: [7], [3, 4]; larger ones are not shown. */
static void decode_out_value(trace_buf_t *b, const syscall_arg_meta_t *a, uint64_t p)
{
    uint32_t words[TRACE_OUT_MAX / 4];
    uint16_t size = a->type_size;
    if (!p || size > TRACE_OUT_MAX || (size % 4 && size != 1 && size != 2))
        return;
    memset(words, 0, sizeof words);
    if (copy_from_user(words, (const void *)p, size))
        return;
    tb_puts(b, " [");
    if (size == 8 && type_is_64(a->type)) {
        tb_dec(b, (int64_t)((uint64_t)words[1] << 32 | words[0]));
    } else if (size < 4) {
        tb_udec(b, size == 1 ? (words[0] & 0xff) : (words[0] & 0xffff));
    } else {
        for (unsigned i = 0; i < size / 4u; i++) {
            if (i)
                tb_puts(b, ", ");
            tb_dec(b, (int32_t)words[i]);
        }
    }
    tb_putc(b, ']');
}

static void decode_arg(trace_buf_t *b, const syscall_arg_meta_t *a,
                       const uint64_t args[SYSCALL_MAX_ARGS], uint64_t v)
{
    switch (a->kind) {
    case SYSCALL_ARG_INT:
    case SYSCALL_ARG_OFF:
    case SYSCALL_ARG_FD:
    case SYSCALL_ARG_PID:
    case SYSCALL_ARG_TID:
        tb_dec(b, (int64_t)v);
        break;
    case SYSCALL_ARG_NS:
        if (v == CLOCK_NEVER)
            tb_puts(b, "CLOCK_NEVER");
        else
            tb_udec(b, v);
        break;
    case SYSCALL_ARG_FLAGS:
        tb_flags(b, a->flags, v);
        break;
    case SYSCALL_ARG_USTR:
        decode_ustr(b, v);
        break;
    case SYSCALL_ARG_USTRV:
        decode_ustrv(b, v);
        break;
    case SYSCALL_ARG_UBUF_IN:
    case SYSCALL_ARG_UBUF_IO:
        decode_bytes(b, v, a->len_arg >= 0 ? args[a->len_arg] : 0);
        break;
    case SYSCALL_ARG_UINT:
    case SYSCALL_ARG_SIZE:
        tb_udec(b, v);
        break;
    default: /* UPTR, UPTR_IN, UBUF_OUT, UPTR_OUT: the address; out data follows the result */
        tb_pointer(b, v);
        break;
    }
}

void trace_decode_call(trace_buf_t *b, const syscall_abi_t *abi, uint64_t nr,
                       const uint64_t args[SYSCALL_MAX_ARGS])
{
    const syscall_meta_t *m = syscall_abi_meta(abi, nr);
    trace_decode_name(b, abi, nr);
    tb_putc(b, '(');
    for (unsigned i = 0; m && i < m->argc && i < SYSCALL_MAX_ARGS; i++) {
        if (i)
            tb_puts(b, ", ");
        decode_arg(b, &m->args[i], args, args[i]);
    }
    tb_putc(b, ')');
}

static void decode_value(trace_buf_t *b, const syscall_abi_t *abi, const syscall_meta_t *m,
                         uint64_t ret)
{
    if (abi->negative_errno && m && m->ret == SYSCALL_RET_UPTR) {
        tb_pointer(b, ret);
        return;
    }
    if (abi->negative_errno) { /* Linux results are plain numbers, like strace shows them */
        tb_dec(b, (int64_t)ret);
        return;
    }
    switch (m ? m->ret : SYSCALL_RET_INT) {
    case SYSCALL_RET_VOID:
        tb_putc(b, '?');
        break;
    case SYSCALL_RET_ERRNO:
        tb_udec(b, ret);
        if (ret) {
            tb_putc(b, ' ');
            tb_errno(b, ret);
        }
        break;
    case SYSCALL_RET_INT:
    case SYSCALL_RET_OFF:
        tb_dec(b, (int64_t)ret);
        break;
    case SYSCALL_RET_UPTR:
        tb_pointer(b, ret);
        break;
    default:
        tb_udec(b, ret);
        break;
    }
}

/* What the call wrote: ubuf_out contents (up to the result for counting calls) and small
 * uptr_out values. Only after a success. */
static void decode_outputs(trace_buf_t *b, const syscall_meta_t *m,
                           const uint64_t args[SYSCALL_MAX_ARGS], uint64_t ret)
{
    for (unsigned i = 0; i < m->argc && i < SYSCALL_MAX_ARGS; i++) {
        const syscall_arg_meta_t *a = &m->args[i];
        if (a->kind == SYSCALL_ARG_UPTR_OUT) {
            decode_out_value(b, a, args[i]);
        } else if (a->kind == SYSCALL_ARG_UBUF_OUT && args[i]) {
            uint64_t len = a->len_arg >= 0 ? args[a->len_arg] : 0;
            bool counted = m->ret == SYSCALL_RET_SIZE || m->ret == SYSCALL_RET_INT;
            uint64_t n = counted ? (ret < len ? ret : len) : len;
            if (!counted && n > TRACE_STR_MAX)
                n = TRACE_STR_MAX;
            tb_putc(b, ' ');
            decode_bytes(b, args[i], n);
        }
    }
}

void trace_decode_result(trace_buf_t *b, const syscall_abi_t *abi, uint64_t nr,
                         const uint64_t args[SYSCALL_MAX_ARGS], uint64_t ret, uint64_t err)
{
    const syscall_meta_t *m = syscall_abi_meta(abi, nr);
    tb_puts(b, " = ");
    if (syscall_abi_failed(abi, nr, ret, err, &err)) {
        tb_puts(b, abi->negative_errno ? "-1 " : m && m->ret == SYSCALL_RET_UPTR ? "NULL " : "ERR ");
        tb_errno(b, err);
        return;
    }
    decode_value(b, abi, m, ret);
    if (m)
        decode_outputs(b, m, args, ret);
}
