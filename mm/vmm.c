/*
 * vmm.c - the kernel's own page tables and guard-paged kernel stacks.
 *
 * Layout of the upper half (the lower half stays empty: no identity map):
 *   HHDM_BASE ...         direct map of [0, hhdm_size) RW+NX, 1 GiB pages where the CPU has
 *                         them, else 2 MiB (hhdm_size clamped to [4 GiB, HHDM_SIZE_MAX]);
 *   VMM_KSTACK_BASE ...   kernel stacks, one VMM_KSTACK_SLOT per stack, stack at the slot's top,
 *                         the rest of the slot (at least one page) unmapped as the guard;
 *   VMM_SCRATCH_BASE ...  free for ad-hoc kernel mappings (the self-tests use it);
 *   BOOT_KERNEL_BASE ...  the image with 4 KiB pages: text RX, rodata R+NX, data/bss RW+NX.
 * All 256 upper-half PML4 entries point at PDPTs allocated here, so an address space that copies
 * the kernel PML4's upper half sees every later kernel mapping without any synchronisation.
 * Kernel mappings are global when the CPU has PGE; NX is used only when EFER.NXE is really on.
 * Page-table pages are never freed: unmapping clears leaves only (kernel tables are few).
 * vmm_map_page/vmm_unmap_page flush only this CPU's TLB; memory that other CPUs may have
 * touched is unmapped with vmm_unmap_free, which shoots down every CPU's entries before it
 * frees the pages.
 */
#include "mm/vmm.h"
#include "kernel/arch/arch.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/tlb.h"
#include "kernel/kprintf.h"
#include "kernel/ktest.h"
#include "kernel/panic.h"
#include "mm/hhdm.h"
#include "mm/mm_internal.h"
#include "mm/pmm.h"
#include "mm/pte.h"


#define GiB (1ULL << 30)
#define MiB2 (1ULL << 21)
#define UPPER_HALF 0xFFFF800000000000ULL

extern char __kernel_start[], __text_start[], __text_end[], __rodata_start[], __rodata_end[],
    __data_start[], __data_end[];

static struct {
    uint64_t pml4_phys;
    bool nx, global, gbpages;
    uint64_t hhdm_bytes;
    mm_lock_t lock;
} vmm;

static struct {
    uint64_t used[VMM_KSTACK_SLOTS / 64];
    mm_lock_t lock;
} kstacks;

static inline uint64_t *table_of(uint64_t entry) { return phys_to_virt(entry & PTE_ADDR); }
static inline unsigned pt_index(uint64_t va, int level) { return (va >> (12 + 9 * level)) & 511; }

static bool va_canonical(uint64_t va)
{
    uint64_t top = va >> 47;
    return top == 0 || top == 0x1FFFF;
}

static uint64_t table_alloc(void)
{
    uint64_t p = pmm_alloc();
    if (p)
        mm_zero(phys_to_virt(p), PAGE_SIZE);
    return p;
}

/* Leaf flags for a kernel-table mapping described by VMM_* flags. */
static uint64_t pte_flags(uint64_t va, unsigned flags)
{
    uint64_t f = PTE_P;
    if (flags & VMM_WRITE)
        f |= PTE_W;
    if (flags & VMM_USER)
        f |= PTE_U;
    else if (vmm.global && va >= UPPER_HALF)
        f |= PTE_G;
    if (flags & VMM_NOCACHE)
        f |= PTE_PCD | PTE_PWT;
    if (!(flags & VMM_EXEC) && vmm.nx)
        f |= PTE_NX;
    return f;
}

/* The PT entry for va, creating tables on the way when `create`; NULL if absent or if a large
 * page covers va (then *large is set). */
static uint64_t *pte_walk(uint64_t pml4_phys, uint64_t va, bool create, bool user, bool *large)
{
    uint64_t *table = phys_to_virt(pml4_phys);
    *large = false;
    for (int level = 3; level > 0; level--) {
        uint64_t *e = &table[pt_index(va, level)];
        if (!(*e & PTE_P)) {
            if (!create)
                return NULL;
            uint64_t t = table_alloc();
            if (!t)
                return NULL;
            *e = t | PTE_P | PTE_W | (user ? PTE_U : 0);
        } else if (*e & PTE_PS) {
            *large = true;
            return NULL;
        } else if (user && !(*e & PTE_U)) {
            *e |= PTE_U;
        }
        table = table_of(*e);
    }
    return &table[pt_index(va, 0)];
}

/* ------------------------------------------------------------------ public primitives */

bool vmm_map_page(uint64_t virt, uint64_t phys, unsigned flags)
{
    ASSERT(!(virt & (PAGE_SIZE - 1)) && !(phys & (PAGE_SIZE - 1)) && va_canonical(virt));
    ASSERT(!(phys & ~PTE_ADDR));
    uint64_t lock = mm_lock_acquire(&vmm.lock);
    bool large;
    uint64_t *pte = pte_walk(vmm.pml4_phys, virt, true, flags & VMM_USER, &large);
    if (pte) {
        *pte = phys | pte_flags(virt, flags);
        cpu_invlpg(virt);
    }
    mm_lock_release(&vmm.lock, lock);
    return pte != NULL;
}

void vmm_unmap_page(uint64_t virt)
{
    ASSERT(va_canonical(virt));
    virt = PAGE_ALIGN_DOWN(virt);
    uint64_t lock = mm_lock_acquire(&vmm.lock);
    bool large;
    uint64_t *pte = pte_walk(vmm.pml4_phys, virt, false, false, &large);
    if (large)
        panic("vmm: unmap of %p inside a large page", (void *)virt);
    if (pte && (*pte & PTE_P)) {
        *pte = 0;
        cpu_invlpg(virt);
    }
    mm_lock_release(&vmm.lock, lock);
}

/* Walks any table tree, large pages included. */
static uint64_t translate_in(uint64_t pml4_phys, uint64_t va)
{
    if (!va_canonical(va))
        return 0;
    uint64_t *table = phys_to_virt(pml4_phys);
    for (int level = 3; level >= 0; level--) {
        uint64_t e = table[pt_index(va, level)];
        if (!(e & PTE_P))
            return 0;
        if (level == 0 || (level <= 2 && (e & PTE_PS))) {
            uint64_t span = 1ULL << (12 + 9 * level);
            return ((e & PTE_ADDR) & ~(span - 1)) + (va & (span - 1));
        }
        table = table_of(e);
    }
    return 0;
}

uint64_t vmm_translate(uint64_t virt)
{
    uint64_t lock = mm_lock_acquire(&vmm.lock);
    uint64_t p = translate_in(vmm.pml4_phys, virt);
    mm_lock_release(&vmm.lock, lock);
    return p;
}

uint64_t vmm_kernel_pml4(void)
{
    return vmm.pml4_phys;
}

bool vmm_nx_enabled(void)
{
    return vmm.nx;
}

/* ------------------------------------------------------------------ building the tables */

static void vmm_features_pick(void)
{
    /* NX in a PTE without EFER.NXE is a reserved-bit fault: trust the MSR, not the flag. */
    vmm.nx = cpu_features.nx && (rdmsr(MSR_EFER) & EFER_NXE);
    vmm.global = cpu_features.pge;
    vmm.gbpages = cpu_features.gbpages;
}

static uint64_t table_alloc_or_die(void)
{
    uint64_t t = table_alloc();
    if (!t)
        panic("vmm: out of memory while building the kernel page tables");
    return t;
}

static void vmm_map_direct(uint64_t *pml4, uint64_t bytes)
{
    uint64_t leaf = PTE_P | PTE_W | PTE_PS | (vmm.global ? PTE_G : 0) | (vmm.nx ? PTE_NX : 0);
    for (uint64_t gb = 0; gb < bytes; gb += GiB) {
        uint64_t va = HHDM_BASE + gb;
        uint64_t *pdpt = table_of(pml4[pt_index(va, 3)]);
        uint64_t *e = &pdpt[pt_index(va, 2)];
        if (vmm.gbpages) {
            *e = gb | leaf;
            continue;
        }
        uint64_t pd = table_alloc_or_die();
        uint64_t *pdv = phys_to_virt(pd);
        for (unsigned i = 0; i < 512; i++)
            pdv[i] = (gb + i * MiB2) | leaf;
        *e = pd | PTE_P | PTE_W;
    }
}

static void vmm_map_image_range(uint64_t pml4_phys, const boot_info_t *bi, const char *from,
                                const char *to, unsigned flags)
{
    uint64_t start = PAGE_ALIGN_DOWN((uint64_t)from), end = PAGE_ALIGN_UP((uint64_t)to);
    for (uint64_t va = start; va < end; va += PAGE_SIZE) {
        bool large;
        uint64_t *pte = pte_walk(pml4_phys, va, true, false, &large);
        if (!pte)
            panic("vmm: cannot map the kernel image at %p", (void *)va);
        *pte = (bi->kernel_phys_base + (va - bi->kernel_virt_base)) | pte_flags(va, flags);
    }
}

/* The loader's word on where the image lives must match the linker and the live tables. */
static void vmm_check_image(const boot_info_t *bi)
{
    uint64_t image = (uint64_t)__data_end - (uint64_t)__kernel_start;
    uint64_t live = translate_in(read_cr3() & PTE_ADDR, (uint64_t)__text_start);
    uint64_t want = bi->kernel_phys_base + ((uint64_t)__text_start - bi->kernel_virt_base);
    if (bi->kernel_virt_base != (uint64_t)__kernel_start || (bi->kernel_phys_base & 0xFFF) ||
        bi->kernel_size < image || live != want)
        panic("vmm: boot_info kernel placement (virt %p phys %p size %llu) does not match the "
              "image (%p, %llu bytes) or the live tables (text at %p)",
              (void *)bi->kernel_virt_base, (void *)bi->kernel_phys_base,
              (unsigned long long)bi->kernel_size, (void *)__kernel_start,
              (unsigned long long)image, (void *)live);
}

static uint64_t vmm_hhdm_bytes(const boot_info_t *bi)
{
    uint64_t bytes = bi->hhdm_size;
    if (bytes < 4 * GiB)
        bytes = 4 * GiB;
    if (bytes > HHDM_SIZE_MAX)
        bytes = HHDM_SIZE_MAX;
    uint64_t unit = vmm.gbpages ? GiB : MiB2;
    return (bytes + unit - 1) & ~(unit - 1);
}

static void vmm_load(uint64_t pml4_phys)
{
    write_cr3(pml4_phys);
    /* Global entries survive a CR3 write: toggling PGE drops any the loader left behind. */
    uint64_t cr4 = read_cr4();
    if (cr4 & CR4_PGE) {
        write_cr4(cr4 & ~CR4_PGE);
        write_cr4(cr4);
    }
}

void vmm_init(const boot_info_t *bi)
{
    mm_lock_init(&vmm.lock, LOCK_RANK_VMM);
    mm_lock_init(&kstacks.lock, LOCK_RANK_KSTACK);
    vmm_features_pick();
    vmm_check_image(bi);
    uint64_t pml4_phys = table_alloc_or_die();
    uint64_t *pml4 = phys_to_virt(pml4_phys);
    for (unsigned i = 256; i < 512; i++)
        pml4[i] = table_alloc_or_die() | PTE_P | PTE_W;
    vmm.hhdm_bytes = vmm_hhdm_bytes(bi);
    vmm_map_direct(pml4, vmm.hhdm_bytes);
    vmm_map_image_range(pml4_phys, bi, __text_start, __text_end, VMM_EXEC);
    vmm_map_image_range(pml4_phys, bi, __rodata_start, __rodata_end, 0);
    vmm_map_image_range(pml4_phys, bi, __data_start, __data_end, VMM_WRITE);
    vmm.pml4_phys = pml4_phys;
    vmm_load(pml4_phys);
    kprintf("vmm: own tables loaded: %llu GiB direct map (%s pages), NX %s, global %s, "
            "no identity map\n",
            (unsigned long long)(vmm.hhdm_bytes / GiB), vmm.gbpages ? "1 GiB" : "2 MiB",
            vmm.nx ? "on" : "off", vmm.global ? "on" : "off");
}

/* ------------------------------------------------------------------ kernel stacks */

static long kstack_slot_take(void)
{
    uint64_t lock = mm_lock_acquire(&kstacks.lock);
    long slot = -1;
    for (unsigned w = 0; w < VMM_KSTACK_SLOTS / 64 && slot < 0; w++) {
        if (kstacks.used[w] != ~0ULL) {
            unsigned b = (unsigned)__builtin_ctzll(~kstacks.used[w]);
            kstacks.used[w] |= 1ULL << b;
            slot = (long)(w * 64 + b);
        }
    }
    mm_lock_release(&kstacks.lock, lock);
    return slot;
}

static void kstack_slot_put(unsigned long slot)
{
    uint64_t lock = mm_lock_acquire(&kstacks.lock);
    ASSERT(kstacks.used[slot / 64] & (1ULL << (slot % 64)));
    kstacks.used[slot / 64] &= ~(1ULL << (slot % 64));
    mm_lock_release(&kstacks.lock, lock);
}

#define UNMAP_BATCH 32

/* Unmaps the pages mapped in [start, start + pages * PAGE_SIZE) and frees them, a batch at
 * a time: a page goes back to the allocator only after every CPU dropped its TLB entry. */
void vmm_unmap_free(uint64_t start, size_t pages)
{
    uint64_t phys[UNMAP_BATCH];
    for (size_t done = 0; done < pages;) {
        size_t n = pages - done < UNMAP_BATCH ? pages - done : UNMAP_BATCH, got = 0;
        uint64_t from = start + done * PAGE_SIZE;
        for (size_t i = 0; i < n; i++) {
            uint64_t va = from + i * PAGE_SIZE;
            uint64_t p = vmm_translate(va);
            if (!p)
                continue;
            vmm_unmap_page(va);
            phys[got++] = p;
        }
        tlb_shootdown(TLB_KERNEL, from, from + n * PAGE_SIZE, tlb_ready_mask());
        for (size_t i = 0; i < got; i++)
            pmm_free(phys[i]);
        done += n;
    }
}

/* Unmaps and frees [top - size, top). */
static void kstack_release_pages(uint64_t top, size_t size)
{
    vmm_unmap_free(top - size, size / PAGE_SIZE);
}

uint64_t vmm_alloc_kstack(size_t size)
{
    size = PAGE_ALIGN_UP(size);
    if (size == 0 || size > VMM_KSTACK_MAX)
        return 0;
    long slot = kstack_slot_take();
    if (slot < 0)
        return 0;
    uint64_t top = VMM_KSTACK_BASE + ((uint64_t)slot + 1) * VMM_KSTACK_SLOT;
    for (uint64_t va = top - size; va < top; va += PAGE_SIZE) {
        uint64_t p = pmm_alloc();
        if (!p)
            goto fail;
        mm_zero(phys_to_virt(p), PAGE_SIZE);
        if (!vmm_map_page(va, p, VMM_WRITE)) {
            pmm_free(p);
            goto fail;
        }
    }
    return top;
fail:
    kstack_release_pages(top, size);
    kstack_slot_put((unsigned long)slot);
    return 0;
}

void vmm_free_kstack(uint64_t top, size_t size)
{
    size = PAGE_ALIGN_UP(size);
    uint64_t off = top - VMM_KSTACK_BASE;
    if (top <= VMM_KSTACK_BASE || off % VMM_KSTACK_SLOT || off / VMM_KSTACK_SLOT > VMM_KSTACK_SLOTS ||
        size == 0 || size > VMM_KSTACK_MAX)
        panic("vmm: free of kernel stack top %p size %zu that was never handed out", (void *)top,
              size);
    kstack_release_pages(top, size);
    kstack_slot_put(off / VMM_KSTACK_SLOT - 1);
}

/* ------------------------------------------------------------------ self-tests */


KTEST(vmm_map_translate_unmap_roundtrip)
{
    size_t before = pmm_free_pages();
    uint64_t p = pmm_alloc();
    KTEST_EXPECT(p != 0);
    uint64_t va = VMM_SCRATCH_BASE + 0x123000;
    KTEST_EXPECT(vmm_translate(va) == 0);
    KTEST_EXPECT(vmm_map_page(va, p, VMM_WRITE));
    KTEST_EXPECT(vmm_translate(va + 0x10) == p + 0x10);
    *(volatile uint64_t *)va = 0x5151A5A5DEADBEEFULL;
    KTEST_EXPECT(*(volatile uint64_t *)phys_to_virt(p) == 0x5151A5A5DEADBEEFULL);
    vmm_unmap_page(va);
    KTEST_EXPECT(vmm_translate(va) == 0);
    pmm_free(p);
    /* The scratch path's page tables stay allocated, so compare after giving back p only. */
    KTEST_EXPECT(pmm_free_pages() + 3 >= before);
}

KTEST(vmm_kernel_tables_have_no_identity_map_and_wx_split)
{
    KTEST_EXPECT(vmm_translate(0x100000) == 0);
    KTEST_EXPECT(vmm_translate((uint64_t)phys_to_virt(0x100000)) == 0x100000);
    KTEST_EXPECT(vmm_translate(HHDM_BASE + vmm.hhdm_bytes - 8) == vmm.hhdm_bytes - 8);
    bool large;
    uint64_t *text = pte_walk(vmm.pml4_phys, (uint64_t)__text_start, false, false, &large);
    uint64_t *ro = pte_walk(vmm.pml4_phys, (uint64_t)__rodata_start, false, false, &large);
    uint64_t *data = pte_walk(vmm.pml4_phys, (uint64_t)__data_start, false, false, &large);
    KTEST_EXPECT(text && ro && data);
    KTEST_EXPECT((*text & PTE_W) == 0 && (*text & PTE_NX) == 0);
    KTEST_EXPECT((*ro & PTE_W) == 0);
    KTEST_EXPECT((*data & PTE_W) != 0);
    KTEST_EXPECT(!vmm.nx || ((*ro & PTE_NX) && (*data & PTE_NX)));
    uint64_t *pml4 = phys_to_virt(vmm.pml4_phys);
    for (unsigned i = 256; i < 512; i++)
        KTEST_EXPECT(pml4[i] & PTE_P);
}

KTEST(vmm_kstack_guard_page_is_unmapped)
{
    size_t before = pmm_free_pages();
    uint64_t top = vmm_alloc_kstack(16384);
    KTEST_EXPECT(top != 0);
    KTEST_EXPECT(vmm_translate(top - 8) != 0);
    KTEST_EXPECT(vmm_translate(top - 16384) != 0);
    KTEST_EXPECT(vmm_translate(top - 16384 - 8) == 0);
    volatile uint64_t *bottom = (volatile uint64_t *)(top - 16384);
    bottom[0] = 42;
    KTEST_EXPECT(bottom[0] == 42);
    uint64_t top2 = vmm_alloc_kstack(8192);
    KTEST_EXPECT(top2 != 0 && top2 != top);
    vmm_free_kstack(top2, 8192);
    vmm_free_kstack(top, 16384);
    KTEST_EXPECT(vmm_translate(top - 8) == 0);
    /* Page tables of the first stack stay; a second round must not cost anything more. */
    size_t mid = pmm_free_pages();
    top = vmm_alloc_kstack(16384);
    KTEST_EXPECT(top != 0);
    vmm_free_kstack(top, 16384);
    KTEST_EXPECT(pmm_free_pages() == mid);
    KTEST_EXPECT(mid + 3 >= before);
}
