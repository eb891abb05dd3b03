/*
 * uart.h - the 16550 UART's register map: offsets from a port's base, the bits Spindle uses,
 * and the standard COM port bases. Plain constants, shared by the kernel's serial console
 * (serial.c), the serial input paths (kernel/fs/dev_console.c, dev_misc.c) and the loader
 * (efi/console.c), so no copy of the map can drift.
 */
#ifndef KERNEL_CONSOLE_UART_H
#define KERNEL_CONSOLE_UART_H

#define COM1_PORT 0x3F8
#define COM2_PORT 0x2F8

/* Register offsets from the base port. */
#define UART_DATA 0 /* THR/RBR; divisor low byte when DLAB is set */
#define UART_IER  1 /* interrupt enable; divisor high byte when DLAB is set */
#define UART_FCR  2
#define UART_LCR  3
#define UART_MCR  4
#define UART_LSR  5
#define UART_SCR  7

#define IER_RX_AVAILABLE 0x01
#define LCR_8N1          0x03
#define LCR_DLAB         0x80
#define FCR_ENABLE_CLEAR 0xC7 /* FIFO on, both FIFOs cleared, 14-byte receive trigger */
#define MCR_NORMAL       0x0F /* DTR, RTS, OUT1, OUT2 */
#define MCR_LOOPBACK     0x1E /* loopback with RTS, OUT1, OUT2 */
#define LSR_DATA_READY   0x01
#define LSR_THR_EMPTY    0x20

#endif
