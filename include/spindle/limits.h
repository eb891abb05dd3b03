/*
 * limits.h - the system-wide limits of the Spindle ABI that a program can run into, shared by
 * the kernel (which enforces them) and programs (which may plan around them).
 *
 * Each limit counts kernel objects whose memory an app could otherwise pin without end (a
 * spawn storm, a thread storm): past it the creating call fails with EAGAIN and nothing else
 * changes. A process counts from the start of its spawn until its parent reaps it (zombies
 * count: their table entry is kernel memory too); a thread counts from its creation until
 * it has left its process. Independently of the counts, a spawn or thread_create that would
 * have to eat into the kernel's reserve of free pages fails with ENOMEM.
 */
#ifndef SPINDLE_LIMITS_H
#define SPINDLE_LIMITS_H

/* The first address above the user half: user memory, and every user pointer a call accepts,
 * lies below it (the one definition; the kernel's USER_ADDR_END and ASPACE_USER_END are it). */
#define SPINDLE_USER_ADDR_END 0x0000800000000000ULL

#define SPINDLE_PROCESS_MAX             256  /* processes in the table (pid 0 not counted) */
#define SPINDLE_THREADS_PER_PROCESS_MAX 64   /* threads of one process, its first included */
#define SPINDLE_THREAD_MAX              1024 /* user threads in the whole system */
/* Regions (mappings) of one address space, whatever backs them: each costs a kernel node,
 * so mmap, munmap and mprotect that would need more fail with ENOMEM (Linux:
 * vm.max_map_count). */
#define SPINDLE_REGIONS_PER_PROCESS_MAX 16384

#endif
