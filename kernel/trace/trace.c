/*
 * trace.c - who is traced, and the life of one traced call (see trace.h).
 *
 * A traced call is formatted in two halves: the call with its arguments at entry (user
 * memory as it was before the call), the result at exit. The entry half waits in a pending
 * slot; if no other trace line is written meanwhile, both halves leave as one line. When
 * another line must go out first (another thread, a child, an exit), every pending entry is
 * written with " <unfinished ...>" and its owner later writes "<... name resumed> = ...",
 * as strace does. Slots live in a fixed table, not on the caller's stack, so a thread that
 * dies inside a call (kill, process exit) leaves nothing dangling: its entry is flushed by
 * the next line and the slot reused (a generation number tells its owner it is gone).
 *
 * Locking: trace_lock (the scheduler lock) covers the slots, the sessions and the ring
 * producers; user memory is read only outside it. Process settings (trace_proc_t) change
 * under it and are freed only by their process's exit hook; trace() installs them only on
 * a process that is not ending, so none can appear after that hook ran.
 */
#include "kernel/trace/trace.h"
#include <spindle/abi.h>
#include <spindle/errno.h>
#include "kernel/arch/cpu.h"
#include "kernel/cmdline.h"
#include "kernel/lib/string.h"
#include "kernel/time/clock.h"
#include "kernel/trace/trace_decode.h"
#include "kernel/trace/trace_fmt.h"
#include "kernel/trace/trace_out.h"
#include "kernel/trace/trace_summary.h"
#include "kernel/uaccess.h"
#include "mm/heap.h"
#include "proc/process.h"
#include "sched/sched.h"
#include "syscall/syscall.h"
#include "syscall/syscall_abi.h"

#define TRACE_LINE_MAX   640
#define TRACE_SLOTS      32
#define TRACE_TAIL_ROOM  40 /* kept free for the end of a line: " <1.234567s>\n", "] +++\n" */
#define TRACE_FLAGS_KNOWN (TRACE_ON | TRACE_CHILDREN | TRACE_FOLLOW | TRACE_COUNT)

typedef struct trace_proc {
    uint64_t flags;           /* TRACE_* */
    trace_set_t calls;        /* which call numbers are shown */
    trace_session_t *session; /* TRACE_COUNT: where counts go */
    bool member;              /* counted in session->members */
} trace_proc_t;

typedef struct {
    bool pending;
    uint64_t tid;             /* owner */
    uint64_t gen;
    uint64_t seq;
    size_t len;
    char text[TRACE_LINE_MAX];
} trace_slot_t;

typedef struct {
    int index; /* -1: no slot (the entry was written at once as unfinished) */
    uint64_t gen;
} trace_ticket_t;

volatile bool trace_enabled;

static trace_slot_t trace_slots[TRACE_SLOTS];
static uint64_t trace_seq, trace_gen;

/* Boot selection: trace=all | trace=PID | trace=NAME. */
static bool trace_boot_done, trace_boot_all;
static uint64_t trace_boot_pid;
static const char *trace_boot_name;

/* The scheduler lock: the trace state is read next to process and thread state. */
static uint64_t trace_lock(void)
{
    return sched_lock();
}

static void trace_unlock(uint64_t f)
{
    sched_unlock(f);
}

/* ------------------------------------------------------------------ boot options */

static bool parse_pid(const char *s, uint64_t *pid)
{
    uint64_t v = 0;
    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > UINT64_MAX / 10 - 1)
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *pid = v;
    return true;
}

/* Once, at the first spawn or trace() call (the command line is parsed by then). */
static void trace_boot_init(void)
{
    if (trace_boot_done)
        return;
    trace_boot_done = true;
    trace_out_init(cmdline_get(&kernel_cmdline, "trace_port"));
    const char *sel = cmdline_get(&kernel_cmdline, "trace");
    if (!sel || !*sel)
        return;
    if (strcmp(sel, "all") == 0)
        trace_boot_all = true;
    else if (!parse_pid(sel, &trace_boot_pid))
        trace_boot_name = sel;
    trace_enabled = true;
}

/* ------------------------------------------------------------------ lines */

/* Appends tail into the room held back at tb_init, even when the body was cut. */
static void tb_finish(trace_buf_t *b, const char *tail)
{
    b->cap += TRACE_TAIL_ROOM;
    b->full = false;
    tb_puts(b, tail);
}

static void line_prefix(trace_buf_t *b, uint64_t ns, const process_t *p, uint64_t tid)
{
    tb_putc(b, '[');
    tb_seconds(b, ns);
    tb_puts(b, "] ");
    tb_udec(b, p->pid);
    tb_putc(b, ':');
    tb_udec(b, tid);
    tb_putc(b, ' ');
    tb_puts(b, p->name);
    tb_putc(b, ' ');
}

#define TRACE_KEEP_NONE UINT64_MAX

/* Lock held. Writes every pending entry (oldest first) but keep_tid's as unfinished. */
static void flush_pending(uint64_t keep_tid)
{
    static const char unfinished[] = " <unfinished ...>\n";
    for (;;) {
        int oldest = -1;
        for (int i = 0; i < TRACE_SLOTS; i++)
            if (trace_slots[i].tid != keep_tid && trace_slots[i].pending &&
                (oldest < 0 || trace_slots[i].seq < trace_slots[oldest].seq))
                oldest = i;
        if (oldest < 0)
            return;
        trace_slot_t *s = &trace_slots[oldest];
        trace_out_line(s->text, s->len, unfinished, sizeof unfinished - 1);
        s->pending = false;
    }
}

/* Lock held. One line that is not a call's own completion. */
static void emit_line(const char *s, size_t n, uint64_t keep_tid)
{
    flush_pending(keep_tid);
    trace_out_line(s, n, "", 0);
}

static void emit_summary_line(const char *s, uint64_t n)
{
    trace_out_line(s, (size_t)n, "", 0);
}

/* Entry half: kept in a slot until the result comes, or written at once as unfinished
 * when every slot is taken. */
static trace_ticket_t pending_open(const trace_buf_t *b, uint64_t tid)
{
    trace_ticket_t t = { -1, 0 };
    uint64_t f = trace_lock();
    for (int i = 0; i < TRACE_SLOTS; i++) {
        if (trace_slots[i].pending)
            continue;
        trace_slot_t *s = &trace_slots[i];
        s->pending = true;
        s->tid = tid;
        s->gen = t.gen = ++trace_gen;
        s->seq = ++trace_seq;
        s->len = b->len;
        memcpy(s->text, b->buf, b->len);
        t.index = i;
        break;
    }
    if (t.index < 0) {
        static const char unfinished[] = " <unfinished ...>\n";
        flush_pending(TRACE_KEEP_NONE);
        trace_out_line(b->buf, b->len, unfinished, sizeof unfinished - 1);
    }
    trace_unlock(f);
    return t;
}

/* Result half, under the lock: completes the pending line, or resumes a flushed one. */
static void pending_close(trace_ticket_t t, const process_t *p, const syscall_abi_t *abi,
                          uint64_t tid, uint64_t nr,
                          uint64_t now, const trace_buf_t *result)
{
    trace_slot_t *s = t.index >= 0 ? &trace_slots[t.index] : NULL;
    if (s && s->pending && s->gen == t.gen) {
        flush_pending(tid);
        trace_out_line(s->text, s->len, result->buf, result->len);
        s->pending = false;
        return;
    }
    char head[TRACE_LINE_MAX / 4];
    trace_buf_t b;
    tb_init(&b, head, sizeof head);
    line_prefix(&b, now, p, tid);
    tb_puts(&b, "<... ");
    trace_decode_name(&b, abi, nr);
    tb_puts(&b, " resumed>");
    flush_pending(TRACE_KEEP_NONE);
    trace_out_line(head, b.len, result->buf, result->len);
}

/* ------------------------------------------------------------------ the call path */

static bool set_has(const trace_set_t *s, uint64_t nr)
{
    return nr >= TRACE_SET_MAX || (s->bits[nr / 64] >> (nr % 64) & 1);
}

static bool set_full(const trace_set_t *s)
{
    for (unsigned i = 0; i < TRACE_SET_MAX / 64; i++)
        if (s->bits[i] != ~0ULL)
            return false;
    return true;
}

/* The set holds native numbers (trace -e names them). A Linux call is shown when its native
 * namesake is in the set (write, openat, futex, ...); one with no namesake (brk) only when
 * every call is. */
static bool set_has_call(const trace_set_t *s, const syscall_abi_t *abi, uint64_t nr)
{
    if (!abi->negative_errno || set_full(s))
        return set_has(s, nr);
    const syscall_meta_t *m = syscall_abi_meta(abi, nr);
    for (uint64_t n = 0; m && n < SYS_COUNT; n++)
        if (strcmp(syscall_meta_table[n].name, m->name) == 0)
            return set_has(s, n);
    return false;
}


/* Looks the settings up again under the lock: another thread may have ended the process
 * (and freed them) while this call ran. */
static void count_call(const process_t *p, const syscall_abi_t *abi, uint64_t nr, bool failed,
                       uint64_t ns)
{
    uint64_t f = trace_lock();
    const trace_proc_t *tp = p->trace;
    if (tp && (tp->flags & TRACE_COUNT) && tp->session)
        trace_summary_add(tp->session, abi, nr, failed, ns);
    trace_unlock(f);
}

/* process_exit and thread_exit: the line goes out before the call, which never returns. */
static void trace_noreturn_call(trace_buf_t *b, const process_t *p, const syscall_abi_t *abi,
                                uint64_t nr)
{
    tb_finish(b, " = ?\n");
    count_call(p, abi, nr, false, 0);
    uint64_t f = trace_lock();
    emit_line(b->buf, b->len, TRACE_KEEP_NONE);
    trace_unlock(f);
    trace_out_drain();
}

void trace_syscall(interrupt_frame_t *f, const syscall_abi_t *abi)
{
    uint64_t nr = f->rax;
    uint64_t args[SYSCALL_MAX_ARGS] = { f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9 };
    process_t *p = process_current();
    trace_proc_t *tp = p->trace;
    if (!tp || !(tp->flags & TRACE_ON) || !set_has_call(&tp->calls, abi, nr)) {
        f->rax = abi->invoke(nr, args);
        return;
    }
    thread_t *t = sched_current();
    char line[TRACE_LINE_MAX];
    trace_buf_t b;
    tb_init(&b, line, sizeof line - TRACE_TAIL_ROOM);
    uint64_t start = clock_now_ns();
    line_prefix(&b, start, p, t->tid);
    trace_decode_call(&b, abi, nr, args);
    const syscall_meta_t *m = syscall_abi_meta(abi, nr);
    if (m && m->ret == SYSCALL_RET_VOID) {
        trace_noreturn_call(&b, p, abi, nr);
        f->rax = abi->invoke(nr, args);
        return;
    }
    trace_ticket_t ticket = pending_open(&b, t->tid);
    uint64_t ret = abi->invoke(nr, args);
    uint64_t end = clock_now_ns();
    f->rax = ret;

    char res[TRACE_LINE_MAX / 2];
    trace_buf_t r;
    tb_init(&r, res, sizeof res - TRACE_TAIL_ROOM);
    trace_decode_result(&r, abi, nr, args, ret, t->error);
    r.cap = sizeof res;
    r.full = false;
    tb_putc(&r, ' ');
    tb_duration(&r, end - start);
    tb_putc(&r, '\n');
    uint64_t err;
    count_call(p, abi, nr, syscall_abi_failed(abi, nr, ret, t->error, &err), end - start);
    uint64_t fl = trace_lock();
    pending_close(ticket, p, abi, t->tid, nr, end, &r);
    trace_unlock(fl);
    trace_out_drain();
}

/* ------------------------------------------------------------------ processes */

static void session_put(trace_session_t *s)
{
    if (s && --s->refs == 0)
        kfree(s);
}

/* What a new child of parent inherits; 0 when it is not traced. */
static uint64_t child_flags(const process_t *parent, const process_t *child)
{
    const trace_proc_t *tp = parent->trace;
    if (tp && (tp->flags & TRACE_CHILDREN))
        return TRACE_ON | (tp->flags & (TRACE_FOLLOW | TRACE_COUNT));
    if (tp && (tp->flags & TRACE_ON) && (tp->flags & TRACE_FOLLOW))
        return tp->flags & (TRACE_ON | TRACE_FOLLOW | TRACE_COUNT);
    if (trace_boot_all || (trace_boot_pid && child->pid == trace_boot_pid))
        return TRACE_ON;
    if (trace_boot_name && strcmp(child->name, trace_boot_name) == 0)
        return TRACE_ON | TRACE_FOLLOW;
    return 0;
}

static void started_line(const process_t *parent, const process_t *child,
                         const char *const *argv, uint64_t argc)
{
    char line[TRACE_LINE_MAX];
    trace_buf_t b;
    tb_init(&b, line, sizeof line - TRACE_TAIL_ROOM);
    line_prefix(&b, clock_now_ns(), child, child->main_thread->tid);
    tb_puts(&b, "+++ started by ");
    tb_udec(&b, parent->pid);
    tb_puts(&b, ": [");
    for (uint64_t i = 0; i < argc; i++) {
        if (i)
            tb_puts(&b, ", ");
        size_t n = strlen(argv[i]);
        tb_quoted(&b, argv[i], n < TRACE_STR_MAX ? n : TRACE_STR_MAX, n > TRACE_STR_MAX);
    }
    tb_finish(&b, "] +++\n");
    uint64_t f = trace_lock();
    /* The parent's own spawn entry stays pending: its line follows this one. */
    emit_line(line, b.len, sched_current()->tid);
    trace_unlock(f);
}

void trace_process_started(struct process *parent, struct process *child,
                           const char *const *argv, uint64_t argc)
{
    trace_boot_init();
    if (!trace_enabled)
        return;
    uint64_t flags = child_flags(parent, child);
    if (!flags)
        return;
    trace_proc_t *tp = kzalloc(sizeof *tp);
    if (!tp)
        return; /* untraced rather than failing the spawn */
    const trace_proc_t *pt = parent->trace;
    if (pt)
        tp->calls = pt->calls;
    else
        memset(&tp->calls, 0xff, sizeof tp->calls);
    uint64_t f = trace_lock();
    if (child->trace) { /* another thread of the parent's trace() came first: keep it */
        trace_unlock(f);
        kfree(tp);
        return;
    }
    tp->flags = flags;
    if ((flags & TRACE_COUNT) && pt && pt->session) {
        tp->session = pt->session;
        tp->session->refs++;
        tp->session->members++;
        tp->member = true;
    }
    child->trace = tp;
    trace_unlock(f);
    started_line(parent, child, argv, argc);
    trace_out_drain();
}

static void exit_line(const process_t *p, uint64_t status)
{
    char line[TRACE_LINE_MAX / 4];
    trace_buf_t b;
    tb_init(&b, line, sizeof line);
    line_prefix(&b, clock_now_ns(), p, sched_current()->tid);
    if (!(status & WAIT_STATUS_KILLED)) {
        tb_puts(&b, "+++ exited with ");
        tb_udec(&b, WAIT_STATUS_CODE(status));
    } else if (WAIT_STATUS_CODE(status) >= PROCESS_FAULT_BASE) {
        tb_puts(&b, "+++ killed by ");
        tb_puts(&b, exception_name(WAIT_STATUS_CODE(status) - PROCESS_FAULT_BASE));
        tb_puts(&b, " (status ");
        tb_hex(&b, status);
        tb_putc(&b, ')');
    } else {
        tb_puts(&b, "+++ killed with code ");
        tb_udec(&b, WAIT_STATUS_CODE(status));
    }
    tb_puts(&b, " +++\n");
    emit_line(line, b.len, TRACE_KEEP_NONE);
}

void trace_process_exited(struct process *p, uint64_t status)
{
    trace_proc_t *tp = p->trace;
    if (!tp)
        return;
    uint64_t f = trace_lock();
    if (tp->flags & TRACE_ON)
        exit_line(p, status);
    trace_session_t *s = tp->session;
    if (s && tp->member && --s->members == 0)
        trace_summary_print(s, emit_summary_line);
    session_put(s);
    p->trace = NULL;
    trace_unlock(f);
    kfree(tp);
    trace_out_drain();
}

/* ------------------------------------------------------------------ trace() */

/* Scheduler lock held. The caller itself or one of its live descendants with this pid. A
 * process that is ending (kill_pending, set under this lock before its exit hook frees its
 * settings) no longer counts: its exit may still sleep on file locks while it looks alive,
 * and settings installed then would never be freed. */
static process_t *find_descendant(process_t *p, uint64_t pid)
{
    if (p->pid == pid)
        return p->state == PROCESS_ALIVE && !p->kill_pending ? p : NULL;
    for (process_t *c = p->children; c; c = c->next_sibling) {
        process_t *found = find_descendant(c, pid);
        if (found)
            return found;
    }
    return NULL;
}

int trace_control(uint64_t pid, uint64_t flags, const void *user_calls)
{
    trace_boot_init();
    if (flags & ~(uint64_t)TRACE_FLAGS_KNOWN)
        return EINVAL;
    trace_set_t calls;
    if (!user_calls)
        memset(&calls, 0xff, sizeof calls);
    else if (copy_from_user(&calls, user_calls, sizeof calls))
        return EFAULT;
    trace_proc_t *fresh = kzalloc(sizeof *fresh);
    trace_session_t *session = (flags & TRACE_COUNT) ? kzalloc(sizeof *session) : NULL;
    if (!fresh || ((flags & TRACE_COUNT) && !session)) {
        kfree(fresh);
        kfree(session);
        return ENOMEM;
    }
    process_t *self = process_current();
    uint64_t f = trace_lock();
    process_t *target = find_descendant(self, pid ? pid : self->pid);
    if (!target) {
        trace_unlock(f);
        kfree(fresh);
        kfree(session);
        return ESRCH;
    }
    trace_proc_t *tp = target->trace;
    if (!tp) {
        tp = target->trace = fresh;
        fresh = NULL;
    }
    if ((flags & TRACE_COUNT) && !tp->session) {
        session->refs = 1;
        tp->session = session;
        session = NULL;
    }
    if ((flags & TRACE_ON) && tp->session && !tp->member) {
        tp->session->members++;
        tp->member = true;
    }
    tp->calls = calls;
    tp->flags = flags;
    if (flags)
        trace_enabled = true;
    trace_unlock(f);
    kfree(fresh);
    kfree(session);
    return 0;
}
