/*
 * console_input.c - where typed characters go. Keyboard drivers at the arch level (the PS/2
 * keyboard) hand each character to console_input_feed; the console device of the file
 * layer (kernel/fs/dev_console.c) registers itself as the one sink, so no driver includes
 * a higher layer.
 *
 * Invariant: the sink is registered once, before any keyboard is set up (devfs exists
 * before ps2kbd_init in kernel_main); written before interrupts can feed it, read-only
 * after, so the feed path takes no lock.
 */
#include "kernel/console/console.h"
#include "kernel/panic.h"

static void (*input_sink)(char c);

void console_input_sink_register(void (*sink)(char c))
{
    ASSERT(input_sink == NULL && sink != NULL);
    __atomic_store_n(&input_sink, sink, __ATOMIC_RELEASE);
}

void console_input_feed(char c)
{
    void (*sink)(char) = __atomic_load_n(&input_sink, __ATOMIC_ACQUIRE);
    ASSERT(sink != NULL);
    sink(c);
}
