/*
 * isr_frame.h - interrupt_frame_t offsets for isr.S. The assembler cannot see the C struct,
 * so idt.c checks every value here against offsetof() at compile time.
 */
#ifndef KERNEL_ARCH_ISR_FRAME_H
#define KERNEL_ARCH_ISR_FRAME_H

#define FRAME_VECTOR     (15 * 8)
#define FRAME_ERROR_CODE (16 * 8)
#define FRAME_RIP        (17 * 8)
#define FRAME_CS         (18 * 8)
#define FRAME_SIZE       (22 * 8)

#endif
