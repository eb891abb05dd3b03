/*
 * bigbss - a program whose zero-filled data (416 MiB of bss) is larger than the per-process
 * memory limit at 512 MiB of RAM (384 MiB) but smaller than the free memory there: spawning
 * it must fail with ENOMEM, because a program image counts against the limit like any
 * mapping (t_mem.spawn-bss-over-process-limit-enomem). If it ever runs, it touches one byte
 * and exits 0.
 */
#define BIGBSS_BYTES (416UL << 20)

static volatile char big[BIGBSS_BYTES];

int main(void)
{
    big[BIGBSS_BYTES - 1] = 1;
    return 0;
}
