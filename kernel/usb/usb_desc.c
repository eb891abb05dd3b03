/*
 * usb_desc.c - descriptor parsing (see usb_desc.h).
 *
 * The configuration walk: a descriptor is read only when 2 <= bLength <= the bytes left
 * and bLength covers the fields its type needs; a descriptor that breaks this ends the walk
 * with an error (what follows can't be trusted). Every step advances by >= 2 bytes.
 */
#include "kernel/usb/usb_desc.h"

#define USB_IFACE_DESC_LEN 9
#define USB_EP_DESC_LEN    7
#define USB_CLASS_HID      3
#define HID_SUBCLASS_BOOT  1
#define HID_PROTOCOL_KBD   1
#define USB_EP_IN          0x80
#define USB_EP_XFER_MASK   0x03
#define USB_EP_INTERRUPT   0x03
#define USB_BOOT_REPORT    8

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

bool usb_device_desc_parse(const uint8_t *buf, size_t len, usb_device_desc_t *out,
                           const char **why)
{
    if (len < USB_DEVICE_DESC_LEN || buf[0] < USB_DEVICE_DESC_LEN ||
        buf[1] != USB_DESC_DEVICE) {
        *why = "device descriptor short or of the wrong type";
        return false;
    }
    out->usb_version = rd16(buf + 2);
    out->dev_class = buf[4];
    out->max_packet0 = buf[7];
    out->vendor = rd16(buf + 8);
    out->product = rd16(buf + 10);
    out->num_configs = buf[17];
    uint8_t mps = out->max_packet0;
    /* 8, 16, 32 or 64 bytes (USB 2), or 9 = 2^9 bytes (USB 3) */
    if (mps != 8 && mps != 16 && mps != 32 && mps != 64 && mps != 9) {
        *why = "device descriptor gives an impossible control packet size";
        return false;
    }
    if (out->num_configs == 0) {
        *why = "device has no configuration";
        return false;
    }
    return true;
}

uint16_t usb_config_total_length(const uint8_t *buf, size_t len)
{
    if (len < USB_CONFIG_DESC_LEN || buf[0] < USB_CONFIG_DESC_LEN || buf[1] != USB_DESC_CONFIG)
        return 0;
    uint16_t total = rd16(buf + 2);
    return total >= USB_CONFIG_DESC_LEN ? total : 0;
}

static bool usb_iface_is_boot_kbd(const uint8_t *d)
{
    return d[3] == 0 && d[5] == USB_CLASS_HID && d[6] == HID_SUBCLASS_BOOT &&
           d[7] == HID_PROTOCOL_KBD;
}

/* Checks an interrupt-IN endpoint of the keyboard and fills out; NULL or the reason. */
static const char *usb_kbd_endpoint(const uint8_t *d, usb_kbd_iface_t *out)
{
    uint16_t mps = rd16(d + 4) & 0x7FF;
    if ((d[2] & 0x0F) == 0)
        return "keyboard endpoint is endpoint 0";
    if (mps < USB_BOOT_REPORT || mps > 1024)
        return "keyboard endpoint packet size out of range";
    if (d[6] == 0)
        return "keyboard endpoint has interval 0";
    out->ep_addr = d[2] & 0x8F;
    out->ep_max_packet = mps;
    out->ep_interval = d[6];
    return NULL;
}

bool usb_config_find_boot_kbd(const uint8_t *buf, size_t len, usb_kbd_iface_t *out,
                              const char **why)
{
    uint16_t total = usb_config_total_length(buf, len);
    if (!total) {
        *why = "configuration descriptor malformed";
        return false;
    }
    if (total < len)
        len = total; /* bytes past wTotalLength are not part of the configuration */
    out->config_value = buf[5];
    bool in_kbd = false;
    *why = "no boot keyboard interface";
    for (size_t off = 0; off + 2 <= len;) {
        const uint8_t *d = buf + off;
        uint8_t dlen = d[0], type = d[1];
        if (dlen < 2 || dlen > len - off) {
            *why = "descriptor length runs past the configuration";
            return false;
        }
        if (type == USB_DESC_INTERFACE) {
            if (dlen < USB_IFACE_DESC_LEN) {
                *why = "interface descriptor too short";
                return false;
            }
            in_kbd = usb_iface_is_boot_kbd(d);
            if (in_kbd)
                out->interface = d[2];
        } else if (type == USB_DESC_ENDPOINT && in_kbd) {
            if (dlen < USB_EP_DESC_LEN) {
                *why = "endpoint descriptor too short";
                return false;
            }
            if ((d[2] & USB_EP_IN) && (d[3] & USB_EP_XFER_MASK) == USB_EP_INTERRUPT) {
                const char *bad = usb_kbd_endpoint(d, out);
                *why = bad;
                return bad == NULL;
            }
        }
        off += dlen;
    }
    if (in_kbd)
        *why = "boot keyboard has no interrupt-IN endpoint";
    return false;
}
