# args.sh - the options every test script of the runner takes (sourced, bash):
#
#   test_args NAME [--build DIR] [--out DIR] [--smp N] [--mem SIZE]
#
# sets build (default build), smp and mem (defaults: what the caller set before, else 1 and
# 512M) and out (DIR/NAME, default BUILD/test/NAME), which it empties. An unknown option
# ends the script with status 2.
test_args() {
    local name=$1; shift
    build=build out= smp=${smp:-1} mem=${mem:-512M}
    while [ $# -gt 0 ]; do
        case $1 in
            --build) build=$2; shift 2 ;;
            --out) out=$2; shift 2 ;;
            --smp) smp=$2; shift 2 ;;
            --mem) mem=$2; shift 2 ;;
            *) echo "$name.sh: unknown option $1" >&2; exit 2 ;;
        esac
    done
    out=${out:-$build/test}/$name
    rm -rf "$out"; mkdir -p "$out"
}
