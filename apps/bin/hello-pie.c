/*
 * hello-pie - hello built as a position-independent executable (every apps/bin/NAME-pie.c is).
 * The greeting is reached through a pointer stored in .data, which is only right after crt0
 * applied the program's R_X86_64_RELATIVE relocations, so a broken self-relocation shows.
 */
#include <stdio.h>

static const char *const greeting[] = { "Hello", "from", "Spindle!" };

int main(void)
{
    for (unsigned i = 0; i < sizeof(greeting) / sizeof(greeting[0]); i++)
        printf(i ? " %s" : "%s", greeting[i]);
    printf("\n");
    return 0;
}
