/* hello - the first user program: prints one line through the buffered stdio and exits 0. */
#include <stdio.h>

int main(void)
{
    printf("Hello from Spindle!\n");
    return 0;
}
