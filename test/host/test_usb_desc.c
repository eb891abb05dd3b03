/*
 * test_usb_desc.c - USB descriptor parsing (kernel/usb/usb_desc.c) against a real boot
 * keyboard's descriptors and malformed ones: short and mistyped device descriptors,
 * impossible packet sizes, configurations whose lengths lie (zero, past the end, past
 * wTotalLength), keyboards without an interrupt-IN endpoint, and every truncation and a
 * random-byte sweep of a valid configuration (ASan checks nothing is read past the buffer).
 */
#include "host_test.h"

#include <stdlib.h>
#include <string.h>

#include "kernel/usb/usb_desc.c"

static const uint8_t dev_ok[18] = { 18, 1, 0x00, 0x02, 0, 0, 0, 8, 0x27, 0x06, 0x01, 0x00,
                                    0, 0, 1, 2, 3, 1 };

/* config 1: a mass-storage interface, then the boot keyboard with an OUT endpoint first. */
static const uint8_t cfg_ok[] = {
    9, 2, 48, 0, 2, 1, 0, 0xA0, 50,
    9, 4, 0, 0, 2, 8, 6, 0x50, 0,          /* interface 0: mass storage */
    7, 5, 0x81, 2, 0x00, 0x02, 0,          /* bulk IN */
    9, 4, 1, 0, 2, 3, 1, 1, 0,             /* interface 1: HID boot keyboard */
    7, 5, 0x02, 3, 8, 0, 10,               /* interrupt OUT: not ours */
    7, 5, 0x83, 3, 8, 0, 10,               /* interrupt IN, 8 bytes, 10 ms */
};

static uint8_t *copy(const uint8_t *src, size_t n)
{
    uint8_t *p = malloc(n ? n : 1);
    memcpy(p, src, n);
    return p;
}

HOST_TEST(device_descriptor_read)
{
    usb_device_desc_t d;
    const char *why = NULL;
    CHECK(usb_device_desc_parse(dev_ok, sizeof dev_ok, &d, &why));
    CHECK_EQ(d.vendor, 0x0627);
    CHECK_EQ(d.product, 1);
    CHECK_EQ(d.max_packet0, 8);
    CHECK_EQ(d.usb_version, 0x200);
}

HOST_TEST(device_descriptor_malformed)
{
    usb_device_desc_t d;
    const char *why = NULL;
    uint8_t b[18];
    for (size_t n = 0; n < sizeof dev_ok; n++) {
        uint8_t *p = copy(dev_ok, n);
        CHECK(!usb_device_desc_parse(p, n, &d, &why));
        free(p);
    }
    memcpy(b, dev_ok, 18); b[1] = 2;
    CHECK(!usb_device_desc_parse(b, 18, &d, &why));
    memcpy(b, dev_ok, 18); b[0] = 17;
    CHECK(!usb_device_desc_parse(b, 18, &d, &why));
    memcpy(b, dev_ok, 18); b[7] = 7;
    CHECK(!usb_device_desc_parse(b, 18, &d, &why));
    CHECK(strstr(why, "packet size"));
    memcpy(b, dev_ok, 18); b[17] = 0;
    CHECK(!usb_device_desc_parse(b, 18, &d, &why));
}

HOST_TEST(boot_keyboard_found_after_other_interfaces)
{
    usb_kbd_iface_t k;
    const char *why = NULL;
    CHECK_EQ(usb_config_total_length(cfg_ok, sizeof cfg_ok), sizeof cfg_ok);
    CHECK(usb_config_find_boot_kbd(cfg_ok, sizeof cfg_ok, &k, &why));
    CHECK_EQ(k.config_value, 1);
    CHECK_EQ(k.interface, 1);
    CHECK_EQ(k.ep_addr, 0x83);
    CHECK_EQ(k.ep_max_packet, 8);
    CHECK_EQ(k.ep_interval, 10);
}

HOST_TEST(lying_lengths_are_refused)
{
    usb_kbd_iface_t k;
    const char *why = NULL;
    uint8_t b[sizeof cfg_ok];
    memcpy(b, cfg_ok, sizeof b); b[9 + 9 + 7] = 0;          /* keyboard interface bLength 0 */
    CHECK(!usb_config_find_boot_kbd(b, sizeof b, &k, &why));
    CHECK(strstr(why, "length"));
    memcpy(b, cfg_ok, sizeof b); b[sizeof b - 7] = 200;     /* endpoint runs past the end */
    CHECK(!usb_config_find_boot_kbd(b, sizeof b, &k, &why));
    memcpy(b, cfg_ok, sizeof b); b[2] = 5;                  /* wTotalLength below a header */
    CHECK(!usb_config_find_boot_kbd(b, sizeof b, &k, &why));
    memcpy(b, cfg_ok, sizeof b); b[2] = 43;                 /* wTotalLength cuts the endpoint */
    CHECK(!usb_config_find_boot_kbd(b, sizeof b, &k, &why));
    memcpy(b, cfg_ok, sizeof b); b[1] = 4;                  /* not a configuration */
    CHECK(!usb_config_find_boot_kbd(b, sizeof b, &k, &why));
}

HOST_TEST(keyboard_endpoint_must_be_usable)
{
    usb_kbd_iface_t k;
    const char *why = NULL;
    uint8_t b[sizeof cfg_ok];
    memcpy(b, cfg_ok, sizeof b); b[sizeof b - 1] = 0;       /* interval 0 */
    CHECK(!usb_config_find_boot_kbd(b, sizeof b, &k, &why));
    memcpy(b, cfg_ok, sizeof b); b[sizeof b - 3] = 4;       /* 4-byte packets */
    CHECK(!usb_config_find_boot_kbd(b, sizeof b, &k, &why));
    memcpy(b, cfg_ok, sizeof b); b[sizeof b - 5] = 0x80;    /* endpoint 0 */
    CHECK(!usb_config_find_boot_kbd(b, sizeof b, &k, &why));
    memcpy(b, cfg_ok, sizeof b); b[sizeof b - 4] = 2;       /* bulk, not interrupt */
    CHECK(!usb_config_find_boot_kbd(b, sizeof b, &k, &why));
    CHECK(strstr(why, "no interrupt-IN"));
    memcpy(b, cfg_ok, sizeof b); b[9 + 9 + 7 + 7] = 2;      /* protocol 2: a mouse */
    CHECK(!usb_config_find_boot_kbd(b, sizeof b, &k, &why));
    CHECK(strstr(why, "no boot keyboard"));
}

HOST_TEST(every_truncation_and_random_bytes_are_safe)
{
    usb_kbd_iface_t k;
    const char *why = NULL;
    for (size_t n = 0; n < sizeof cfg_ok; n++) {
        uint8_t *p = copy(cfg_ok, n);
        CHECK(!usb_config_find_boot_kbd(p, n, &k, &why));
        free(p);
    }
    srand(20);
    for (int round = 0; round < 20000; round++) {
        size_t n = (size_t)(rand() % 80);
        uint8_t *p = malloc(n ? n : 1);
        for (size_t i = 0; i < n; i++)
            p[i] = (uint8_t)rand();
        if (n >= 2 && round % 2) {
            p[0] = 9; p[1] = 2; /* make the header plausible half the time */
        }
        if (usb_config_find_boot_kbd(p, n, &k, &why)) {
            CHECK((k.ep_addr & 0x80) && (k.ep_addr & 0x0F));
            CHECK(k.ep_max_packet >= 8 && k.ep_max_packet <= 1024 && k.ep_interval > 0);
        }
        free(p);
    }
}
