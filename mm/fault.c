/*
 * fault.c - the page-fault path for user addresses (demand paging).
 *
 * Every #PF comes here first. A fault on a user address, raised by user code or by a
 * user-memory copy (an .extable instruction), is served from the region it falls in: a
 * zeroed page (private anonymous, stack), the shared object's page, the device page, or a
 * private copy of the file page. Anything else - no region, the wrong access, the guard
 * page, no memory left above the kernel's reserve - goes on to exception_handle(), which
 * kills the process with its one-line report (process.c) or, for a copy, makes it return
 * EFAULT. Kernel faults on kernel addresses go there untouched.
 *
 * Runs with interrupts off (interrupt gate): the handler never sleeps. Why the last fault
 * on this CPU could not be served is kept per CPU for the report.
 */
#include "kernel/arch/arch.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/smp.h"
#include "kernel/kprintf.h"
#include "kernel/lib/string.h"
#include "kernel/panic.h"
#include "kernel/uaccess.h"
#include "mm/aspace.h"
#include "mm/aspace_internal.h"
#include "mm/hhdm.h"
#include "mm/pmm.h"
#include "mm/shm.h"
#include <spindle/errno.h>


static uint64_t fb_phys, fb_size;
static aspace_fault_t last_unserved[SMP_MAX_CPUS];
static aspace_t *(*fault_current_aspace)(void); /* aspace_current_register */

void aspace_current_register(aspace_t *(*current)(void))
{
    ASSERT(fault_current_aspace == NULL && current != NULL);
    fault_current_aspace = current;
}

const char *aspace_fault_name(aspace_fault_t why)
{
    switch (why) {
    case ASPACE_FAULT_OK: return "served";
    case ASPACE_FAULT_UNMAPPED: return "no mapping there";
    case ASPACE_FAULT_PROTECTION: return "access not allowed by the mapping";
    case ASPACE_FAULT_GUARD: return "stack overflow (guard page)";
    case ASPACE_FAULT_NOMEM: return "out of memory";
    case ASPACE_FAULT_IO: return "file page could not be read";
    }
    return "?";
}

static aspace_fault_t fault_check_access(const vma_t *v, unsigned access)
{
    if (!v)
        return ASPACE_FAULT_UNMAPPED;
    if (v->kind == VMA_GUARD)
        return ASPACE_FAULT_GUARD;
    if (!(v->prot & VMA_PROT_MASK))
        return ASPACE_FAULT_PROTECTION;
    if (access == ASPACE_ACCESS_WRITE && !(v->prot & VMA_WRITE))
        return ASPACE_FAULT_PROTECTION;
    if (access == ASPACE_ACCESS_EXEC && !(v->prot & VMA_EXEC))
        return ASPACE_FAULT_PROTECTION;
    return ASPACE_FAULT_OK;
}

/* A new zeroed private page. */
static aspace_fault_t fault_private_page(uint64_t *phys)
{
    uint64_t p = aspace_page_alloc();
    if (!p)
        return ASPACE_FAULT_NOMEM;
    memset(phys_to_virt(p), 0, PAGE_SIZE);
    *phys = p;
    return ASPACE_FAULT_OK;
}

/* A file region's page: read with no lock held and interrupts on (the VFS may sleep), then
 * installed if the region is still the same and nobody mapped the page meanwhile. If it
 * changed, the page is dropped and the touch simply faults again. Takes over the caller's
 * file reference. */
static aspace_fault_t fault_file_page(aspace_t *as, uint64_t page, void *file, uint64_t pgoff)
{
    aspace_fault_t why = ASPACE_FAULT_OK;
    uint64_t p = cpu_irqs_enabled() ? aspace_page_alloc() : 0;
    if (!cpu_irqs_enabled())
        why = ASPACE_FAULT_IO; /* a fault that cannot sleep (interrupts were off) */
    else if (!p)
        why = ASPACE_FAULT_NOMEM;
    else if (aspace_file_read_page(file, pgoff, phys_to_virt(p)) != 0)
        why = ASPACE_FAULT_IO;
    if (!why) {
        uint64_t f = mm_lock_acquire(&as->lock);
        const vma_t *v = vma_find(&as->vmas, page);
        uint64_t *pte = aspace_pte(as, page, false);
        bool same = v && v->kind == VMA_FILE && v->file == file &&
                    v->pgoff + (page - v->start) / PAGE_SIZE == pgoff;
        if (same && !(pte && pte_holds_page(*pte))) {
            if (aspace_pte_install(as, page, p, v->prot, true))
                p = 0;
            else
                why = ASPACE_FAULT_NOMEM;
        }
        mm_lock_release(&as->lock, f);
    }
    if (p)
        pmm_free(p);
    aspace_file_put(file);
    return why;
}

/* Maps va's page from v. Lock held. */
static aspace_fault_t fault_fill(aspace_t *as, const vma_t *v, uint64_t va)
{
    uint64_t index = v->pgoff + (va - v->start) / PAGE_SIZE, phys;
    bool owned = false;
    switch (v->kind) {
    case VMA_SHARED:
        phys = shm_page(v->shm, (size_t)index, aspace_page_alloc);
        break;
    case VMA_DEVICE:
        phys = v->dev_phys + index * PAGE_SIZE;
        break;
    default: {
        aspace_fault_t why = fault_private_page(&phys);
        if (why)
            return why;
        owned = true;
    }
    }
    if (!phys)
        return ASPACE_FAULT_NOMEM;
    if (!aspace_pte_install(as, va, phys, v->prot, owned)) {
        if (owned)
            pmm_free(phys);
        return ASPACE_FAULT_NOMEM; /* no page for a page table */
    }
    return ASPACE_FAULT_OK;
}

aspace_fault_t aspace_fault(aspace_t *as, uint64_t va, unsigned access)
{
    if (va >= ASPACE_USER_END)
        return ASPACE_FAULT_UNMAPPED;
    uint64_t page = PAGE_ALIGN_DOWN(va);
    void *file = NULL;
    uint64_t pgoff = 0;
    uint64_t f = mm_lock_acquire(&as->lock);
    const vma_t *v = vma_find(&as->vmas, va);
    aspace_fault_t why = fault_check_access(v, access);
    if (!why) {
        uint64_t *pte = aspace_pte(as, page, false);
        if (pte && pte_holds_page(*pte)) {
            /* Already there: a stale TLB entry, or another thread won. The entry is
             * rewritten from the region so a mismatch can never fault forever. */
            *pte = (*pte & (PTE_ADDR | PTE_SW_NOFREE)) | aspace_pte_bits(v->prot);
            cpu_invlpg(page);
        } else if (v->kind == VMA_FILE) {
            file = v->file;
            pgoff = v->pgoff + (page - v->start) / PAGE_SIZE;
            aspace_file_get(file);
        } else {
            why = fault_fill(as, v, page);
        }
    }
    mm_lock_release(&as->lock, f);
    return file ? fault_file_page(as, page, file, pgoff) : why;
}

uint64_t aspace_user_phys(aspace_t *as, uint64_t va, unsigned access, aspace_fault_t *why)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        uint64_t f = mm_lock_acquire(&as->lock);
        const vma_t *v = vma_find(&as->vmas, va);
        *why = fault_check_access(v, access);
        uint64_t *pte = *why ? NULL : aspace_pte(as, PAGE_ALIGN_DOWN(va), false);
        uint64_t phys = pte && (*pte & PTE_P) ? (*pte & PTE_ADDR) | (va & (PAGE_SIZE - 1)) : 0;
        mm_lock_release(&as->lock, f);
        if (*why)
            return 0;
        if (phys)
            return phys;
        *why = aspace_fault(as, va, access);
        if (*why)
            return 0;
    }
    *why = ASPACE_FAULT_UNMAPPED; /* unmapped again between the fault and the look */
    return 0;
}

int aspace_futex_object(aspace_t *as, uint64_t va, shm_t **shm, uint64_t *offset)
{
    uint64_t f = mm_lock_acquire(&as->lock);
    const vma_t *v = vma_find(&as->vmas, va);
    aspace_fault_t why = fault_check_access(v, ASPACE_ACCESS_READ);
    *shm = NULL;
    if (!why && v->kind == VMA_SHARED) {
        shm_get(v->shm); /* the key's object may not go away (and its address be reused) */
        *shm = v->shm;
        *offset = v->pgoff * PAGE_SIZE + (va - v->start);
    }
    mm_lock_release(&as->lock, f);
    return why ? EFAULT : 0;
}

/* True when the kernel-mode fault is inside a user-memory copy routine. */
static bool fault_in_uaccess(const interrupt_frame_t *f)
{
    interrupt_frame_t probe = *f; /* extable_fixup rewrites rip: only look */
    return extable_fixup(&probe);
}

static unsigned fault_access(uint64_t err)
{
    return (err & PF_FETCH) ? ASPACE_ACCESS_EXEC
           : (err & PF_WRITE) ? ASPACE_ACCESS_WRITE : ASPACE_ACCESS_READ;
}

const char *aspace_fault_last_reason(void)
{
    return aspace_fault_name(last_unserved[smp_cpu_index() % SMP_MAX_CPUS]);
}

static void fault_handle(interrupt_frame_t *f)
{
    uint64_t va = read_cr2();
    bool user = (f->cs & 3) != 0;
    aspace_fault_t why = ASPACE_FAULT_UNMAPPED;
    if (!(f->error_code & PF_RSVD) && va < ASPACE_USER_END && (user || fault_in_uaccess(f))) {
        ASSERT(fault_current_aspace != NULL);
        aspace_t *as = fault_current_aspace();
        if (as && (read_cr3() & PTE_ADDR) == as->pml4_phys) {
            /* Serve it like the code that faulted would run: interruptible if it was (a
             * file page may have to wait for the VFS). CR2 is already read. */
            if (f->rflags & RFLAGS_IF)
                cpu_sti();
            why = aspace_fault(as, va, fault_access(f->error_code));
            cpu_cli();
            if (why == ASPACE_FAULT_OK)
                return;
        }
    }
    last_unserved[smp_cpu_index() % SMP_MAX_CPUS] = why;
    exception_handle(f); /* kill with the report, EFAULT for a copy, or the kernel's panic */
}

void aspace_init(uint64_t fb_phys_base, uint64_t fb_bytes)
{
    fb_phys = fb_phys_base & ~(PAGE_SIZE - 1);
    fb_size = fb_phys_base ? PAGE_ALIGN_UP(fb_bytes + (fb_phys_base & (PAGE_SIZE - 1))) : 0;
    idt_set_handler(VECTOR_PAGE_FAULT, fault_handle);
}

void aspace_framebuffer(uint64_t *phys, uint64_t *size)
{
    *phys = fb_phys;
    *size = fb_size;
}
