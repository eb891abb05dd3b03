/* bench_nop - the tiny program bench spawns to time spawn + exit + wait: it only exits. */
int main(void)
{
    return 0;
}
