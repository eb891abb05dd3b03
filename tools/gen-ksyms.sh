#!/bin/sh
# PLACEHOLDER (to be replaced): reads `nm -n` output, writes the .ksyms assembly.
echo '    .section .ksyms, "a"'
echo '    .globl ksyms_count'
echo 'ksyms_count: .quad 0'
echo '    .section .note.GNU-stack, "", @progbits'
