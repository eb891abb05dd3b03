#!/bin/sh
# fuzz-host.sh BUILD SECONDS - runs the libFuzzer targets in test/fuzz/ (the ELF validator and
# the USTAR reader, the parsers that face untrusted files) for SECONDS each, with clang's
# AddressSanitizer and UBSan. The seed corpus lives in test/fuzz/corpus/NAME/; new inputs found
# go to BUILD/fuzz/corpus-NAME (FUZZ_SAVE=1 merges them back into the tree's corpus). A crash
# leaves its input in BUILD/fuzz/ and fails the run.
set -eu
build=${1:-build} seconds=${2:-60}
command -v clang >/dev/null 2>&1 || { echo "fuzz-host: clang missing (apt-get install clang libclang-rt-14-dev)" >&2; exit 1; }
mkdir -p "$build/fuzz"
status=0
for src in test/fuzz/fuzz_*.c; do
    name=$(basename "$src" .c); name=${name#fuzz_}
    bin=$build/fuzz/fuzz_$name
    clang -std=gnu17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
        -I. -Iinclude -DSPINDLE_HOST_TEST "$src" -o "$bin"
    work=$build/fuzz/corpus-$name
    mkdir -p "$work"
    cp test/fuzz/corpus/"$name"/* "$work"/ 2>/dev/null || true
    echo "fuzz-host: $name for ${seconds}s"
    if (cd "$build/fuzz" && "./fuzz_$name" -max_total_time="$seconds" -close_fd_mask=1 \
            -max_len=65536 "corpus-$name" > "fuzz_$name.log" 2>&1); then
        echo "ok fuzz.$name ($(ls "$work" | wc -l) corpus files)"
    else
        echo "FAIL fuzz.$name: see $build/fuzz/fuzz_$name.log"; tail -n 30 "$build/fuzz/fuzz_$name.log"
        status=1
    fi
    if [ "${FUZZ_SAVE:-0}" = 1 ]; then
        "$bin" -merge=1 "test/fuzz/corpus/$name" "$work" > /dev/null 2>&1 || true
    fi
done
exit $status
