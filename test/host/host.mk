# host.mk - builds and runs the host unit tests (test/host/test_*.c), one program per file,
# with AddressSanitizer and UBSan. A test file #includes the kernel .c files it tests, so no
# source list is kept here. Output: one "ok"/"FAIL" line per case (collected by test/run.sh).
BUILD ?= build
HOST_TESTS := $(wildcard test/host/test_*.c)
HOST_BINS  := $(patsubst test/host/%.c,$(BUILD)/host/%,$(HOST_TESTS))
HOST_CFLAGS := -std=gnu17 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined \
    -fno-sanitize-recover=undefined -fno-omit-frame-pointer -I. -Iinclude -Itest/host \
    -I$(BUILD)/gen/include -I$(BUILD)/gen -I$(BUILD) \
    -DSPINDLE_HOST_TEST -MMD -MP

.PHONY: run
run: $(HOST_BINS)
	@status=0; for t in $(HOST_BINS); do \
	    ASAN_OPTIONS=detect_leaks=1 $$t || { echo "FAIL host.$$(basename $$t): exited $$?"; status=1; }; \
	done; exit $$status

$(BUILD)/host/%: test/host/%.c
	@mkdir -p $(dir $@)
	@$(CC) $(HOST_CFLAGS) -DHOST_SUITE='"$(patsubst test_%,%,$*)"' $< -o $@

-include $(wildcard $(BUILD)/host/*.d)
