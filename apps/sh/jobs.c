/*
 * jobs.c - background jobs. A job is the set of pids of one background pipeline (or of
 * the child shell running a background && / || group). Its pids are waited for one by
 * one, by pid, so a foreground wait never collects a background child by accident; a
 * slot is freed when all of its pids have been collected.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include "sh.h"

static int job_running(const sh_job_t *j)
{
    for (int i = 0; i < j->npids; i++)
        if (j->pids[i])
            return 1;
    return 0;
}

/* As in other shells: one more than the largest job number in use, so numbers come back
 * once jobs end (`kill %1` works again after the first jobs are done). */
static int job_next_id(const sh_t *sh)
{
    int top = 0;
    for (int s = 0; s < SH_MAX_JOBS; s++)
        if (sh->jobs[s].id > top)
            top = sh->jobs[s].id;
    return top + 1;
}

int sh_job_add(sh_t *sh, const pid_t *pids, int npids, const char *text, size_t text_len)
{
    int id = job_next_id(sh);
    for (int s = 0; s < SH_MAX_JOBS; s++) {
        sh_job_t *j = &sh->jobs[s];
        if (j->id)
            continue;
        j->id = id;
        j->npids = npids;
        memcpy(j->pids, pids, (size_t)npids * sizeof *pids);
        j->status = 0;
        size_t n = text_len < SH_JOB_TEXT - 1 ? text_len : SH_JOB_TEXT - 1;
        memcpy(j->text, text, n);
        j->text[n] = '\0';
        if (sh->interactive)
            sh_fdprintf(2, "[%d] %d\n", j->id, (int)pids[npids - 1]);
        return j->id;
    }
    sh_error("too many background jobs: running this one in the foreground");
    return 0;
}

/* Collects pid slot i of job j; block says whether to wait for it. Returns 1 when it ended. */
static int job_collect(sh_job_t *j, int i, int block)
{
    int word = 0;
    pid_t r = waitpid(j->pids[i], &word, block ? 0 : WNOHANG);
    if (r == 0 || (r < 0 && errno == EINTR))
        return 0;
    if (i == j->npids - 1)
        j->status = r > 0 ? sh_wait_status(word) : SH_STATUS_NOT_FOUND;
    j->pids[i] = 0; /* ended, or not our child any more (ECHILD): either way gone */
    return 1;
}

static void job_finish(sh_t *sh, sh_job_t *j, int report)
{
    if (report && sh->interactive) {
        if (j->status == 0)
            sh_fdprintf(2, "[%d] done       %s\n", j->id, j->text);
        else
            sh_fdprintf(2, "[%d] exit %-5d %s\n", j->id, j->status, j->text);
    }
    j->id = 0;
}

void sh_jobs_reap(sh_t *sh)
{
    for (int s = 0; s < SH_MAX_JOBS; s++) {
        sh_job_t *j = &sh->jobs[s];
        if (!j->id)
            continue;
        for (int i = 0; i < j->npids; i++)
            if (j->pids[i])
                job_collect(j, i, 0);
        if (!job_running(j))
            job_finish(sh, j, 1);
    }
}

static int job_wait(sh_t *sh, sh_job_t *j)
{
    for (int i = 0; i < j->npids; i++)
        while (j->pids[i] && !job_collect(j, i, 1))
            ;
    int status = j->status;
    job_finish(sh, j, 0);
    return status;
}

int sh_jobs_wait_all(sh_t *sh)
{
    for (int s = 0; s < SH_MAX_JOBS; s++)
        if (sh->jobs[s].id)
            job_wait(sh, &sh->jobs[s]);
    return 0;
}

int sh_jobs_wait_one(sh_t *sh, const char *spec)
{
    int by_id = spec[0] == '%';
    char *end;
    long v = strtol(spec + by_id, &end, 10);
    if (*end != '\0' || end == spec + by_id || v <= 0)
        return -1;
    for (int s = 0; s < SH_MAX_JOBS; s++) {
        sh_job_t *j = &sh->jobs[s];
        if (!j->id)
            continue;
        if (by_id && j->id == v)
            return job_wait(sh, j);
        for (int i = 0; !by_id && i < j->npids; i++)
            if (j->pids[i] == (pid_t)v)
                return job_wait(sh, j);
    }
    return -1;
}

int sh_jobs_pids(sh_t *sh, const char *spec, pid_t *pids)
{
    int by_id = spec[0] == '%';
    char *end;
    long v = strtol(spec + by_id, &end, 10);
    if (*end != '\0' || end == spec + by_id || v <= 0)
        return -1;
    if (!by_id) {
        pids[0] = (pid_t)v;
        return 1;
    }
    for (int s = 0; s < SH_MAX_JOBS; s++) {
        const sh_job_t *j = &sh->jobs[s];
        if (j->id != v)
            continue;
        int n = 0;
        for (int i = 0; i < j->npids; i++)
            if (j->pids[i])
                pids[n++] = j->pids[i];
        return n;
    }
    return -1;
}

void sh_jobs_list(sh_t *sh, int fd)
{
    sh_jobs_reap(sh);
    for (int s = 0; s < SH_MAX_JOBS; s++) {
        const sh_job_t *j = &sh->jobs[s];
        if (j->id)
            sh_fdprintf(fd, "[%d] running    %s\n", j->id, j->text);
    }
}
