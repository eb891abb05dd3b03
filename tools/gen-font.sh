#!/bin/sh
# PLACEHOLDER (to be replaced): converts a PSF font to C.
echo 'const unsigned char font_placeholder[1] = { 0 };'
