/*
 * usb_desc.h - USB descriptors (USB 2.0 chapter 9, HID 1.11 appendix B): the device
 * descriptor and the walk of a configuration descriptor that finds a boot-protocol keyboard
 * interface and its interrupt-IN endpoint. Pure code: the bytes come from a device and are
 * hostile, so every length is checked against what was actually received; host-tested.
 */
#ifndef KERNEL_USB_USB_DESC_H
#define KERNEL_USB_USB_DESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define USB_DESC_DEVICE    1
#define USB_DESC_CONFIG    2
#define USB_DESC_INTERFACE 4
#define USB_DESC_ENDPOINT  5
#define USB_DEVICE_DESC_LEN 18
#define USB_CONFIG_DESC_LEN 9

typedef struct {
    uint16_t usb_version, vendor, product;
    uint8_t dev_class, max_packet0, num_configs;
} usb_device_desc_t;

typedef struct {
    uint8_t config_value;   /* for SET_CONFIGURATION */
    uint8_t interface;      /* bInterfaceNumber of the boot keyboard */
    uint8_t ep_addr;        /* endpoint number 1..15 | 0x80 */
    uint16_t ep_max_packet; /* 8..1024 */
    uint8_t ep_interval;    /* bInterval, 1..255 */
} usb_kbd_iface_t;

/* The 18-byte device descriptor (len = bytes received); false with *why when malformed. */
bool usb_device_desc_parse(const uint8_t *buf, size_t len, usb_device_desc_t *out,
                           const char **why);
/* wTotalLength of a configuration descriptor header (len >= 9), 0 when malformed. */
uint16_t usb_config_total_length(const uint8_t *buf, size_t len);
/* Finds the first boot keyboard (class 3, subclass 1, protocol 1, alternate 0) and its
 * first interrupt-IN endpoint; false with *why when there is none or a descriptor lies. */
bool usb_config_find_boot_kbd(const uint8_t *buf, size_t len, usb_kbd_iface_t *out,
                              const char **why);

#endif
