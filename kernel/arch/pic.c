/*
 * pic.c - the legacy 8259 pair: remapped to vectors 0x20-0x2F (so a stray IRQ can't look like
 * a CPU exception) and fully masked; the IOAPIC delivers device interrupts instead.
 */
#include "kernel/arch/apic.h"
#include "kernel/arch/cpu.h"

#define PIC1_CMD   0x20
#define PIC1_DATA  0x21
#define PIC2_CMD   0xA0
#define PIC2_DATA  0xA1
#define ICW1_INIT  0x11 /* edge, cascade, ICW4 follows */
#define ICW4_8086  0x01
#define PIC1_VECTOR 0x20
#define PIC2_VECTOR 0x28

/* Old PICs need a moment between commands; a write to the unused POST port provides it. */
static void pic_io_wait(void)
{
    outb(0x80, 0);
}

static void pic_send(uint16_t port, uint8_t v)
{
    outb(port, v);
    pic_io_wait();
}

void pic_disable(void)
{
    pic_send(PIC1_CMD, ICW1_INIT);
    pic_send(PIC2_CMD, ICW1_INIT);
    pic_send(PIC1_DATA, PIC1_VECTOR);
    pic_send(PIC2_DATA, PIC2_VECTOR);
    pic_send(PIC1_DATA, 1u << 2); /* slave on IRQ2 */
    pic_send(PIC2_DATA, 2);       /* slave's cascade identity */
    pic_send(PIC1_DATA, ICW4_8086);
    pic_send(PIC2_DATA, ICW4_8086);
    pic_send(PIC1_DATA, 0xFF);
    pic_send(PIC2_DATA, 0xFF);
}
