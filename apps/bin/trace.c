/*
 * trace - runs one program with its system calls traced to the kernel's trace port
 * (COM1, or COM2 when booted with trace_port=com2).
 *
 *   trace [-f] [-c] [-e call,call...] program [args...]
 *
 * -f also traces the children the program spawns (and theirs); -c adds a summary table
 * (calls, errors, time per call) when the traced programs have ended; -e shows only the
 * named calls. A program name without '/' is looked up in /bin. trace exits with the
 * program's status (128 + code when it was killed). Call names come from the generated
 * SYSCALL_LIST, the same spec the kernel's tracer decodes with.
 */
#include <errno.h>
#include <spindle.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <spindle/syscall_nums.h>

#define TRACE_PATH_MAX 256

typedef struct {
    const char *name;
    unsigned num;
} call_name_t;

#define CALL_NAME_(num, name, NAME, argc) { #name, num },
static const call_name_t call_names[] = { SYSCALL_LIST(CALL_NAME_) };

static int usage(void)
{
    fprintf(stderr, "usage: trace [-f] [-c] [-e call,call...] program [args...]\n");
    return 2;
}

static int call_number(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof call_names / sizeof call_names[0]; i++)
        if (strlen(call_names[i].name) == len && strncmp(call_names[i].name, name, len) == 0)
            return (int)call_names[i].num;
    return -1;
}

/* "write,getpid" -> the set; 0, or -1 after naming the unknown call. */
static int parse_calls(const char *list, trace_set_t *set)
{
    memset(set, 0, sizeof *set);
    while (*list) {
        const char *comma = strchr(list, ',');
        size_t len = comma ? (size_t)(comma - list) : strlen(list);
        int nr = call_number(list, len);
        if (nr < 0 || nr >= TRACE_SET_MAX) {
            fprintf(stderr, "trace: unknown system call '%.*s'\n", (int)len, list);
            return -1;
        }
        set->bits[nr / 64] |= 1ULL << (nr % 64);
        list += len + (comma ? 1 : 0);
    }
    return 0;
}

int main(int argc, char **argv)
{
    uint64_t flags = TRACE_CHILDREN;
    trace_set_t set;
    const trace_set_t *calls = NULL;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "-f") == 0) {
            flags |= TRACE_FOLLOW;
        } else if (strcmp(argv[i], "-c") == 0) {
            flags |= TRACE_COUNT;
        } else if (strcmp(argv[i], "-e") == 0 && i + 1 < argc) {
            if (parse_calls(argv[++i], &set) < 0)
                return 2;
            calls = &set;
        } else {
            return usage();
        }
    }
    if (i == argc)
        return usage();
    char path[TRACE_PATH_MAX];
    if (strchr(argv[i], '/'))
        snprintf(path, sizeof path, "%s", argv[i]);
    else
        snprintf(path, sizeof path, "/bin/%s", argv[i]);
    argv[i] = path;

    if (sys_trace(0, flags, calls) == ERR) {
        fprintf(stderr, "trace: cannot trace: %s\n", strerror((int)sys_errno()));
        return 1;
    }
    pid_t pid = spawn((const char *const *)(argv + i), NULL, NULL, 0);
    int spawn_errno = errno;
    sys_trace(0, 0, NULL); /* only that one child */
    if (pid < 0) {
        fprintf(stderr, "trace: cannot start %s: %s\n", path, strerror(spawn_errno));
        return 127;
    }
    int status;
    if (waitpid(pid, &status, 0) < 0) {
        fprintf(stderr, "trace: waiting for %s: %s\n", path, strerror(errno));
        return 1;
    }
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}
