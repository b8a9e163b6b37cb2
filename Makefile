# disco: build, test, benchmark, reproduce.
#
#   make figures        the main job: reproduce the paper's figures (quick scale) into out/
#   make check          build and run every test (SANITIZE=1: with ASan + UBSan)
#   make check-long     the heavier tests
#   make check-slurm    a sweep's job array on a real one-machine Slurm, merged and
#                       compared with the same sweep run here (root; installs Debian's
#                       Slurm and munge packages: mk/deps.sh ensure slurm)
#   make bench          throughput and size figures, printed with the machine's details
#   make fuzz           libFuzzer on the trace reader, the text form and the parameter parser
#                       (FUZZ_SECONDS each, default 180)
#   make install PREFIX=/usr/local
#
# Every user-facing target first makes sure the Debian packages are there
# (mk/deps.sh: installs them as root, prints the apt-get line otherwise).

SRCDIR   := $(abspath .)
SANITIZE ?=
BUILD    ?= $(if $(SANITIZE),build-san,build)
PREFIX   ?= /usr/local
FUZZ_SECONDS ?= 180
PKGS     := gsl hdf5 libzstd libxxhash liblzma check

GOALS := all disco check check-long bench figures fuzz install tests

ifndef DISCO_INNER

.PHONY: $(GOALS) deps deps-slurm check-slurm clean
all:
$(GOALS): deps
	@$(MAKE) --no-print-directory DISCO_INNER=1 $@
check-slurm: deps deps-slurm
	@$(MAKE) --no-print-directory DISCO_INNER=1 $@
deps:
	@sh mk/deps.sh ensure
deps-slurm:
	@sh mk/deps.sh ensure slurm
clean:
	rm -rf build build-san build-fuzz out

else

CC       ?= cc
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS)) -lm
CFLAGS   ?= -O2 -g
SANITIZERS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SANFLAGS := $(if $(SANITIZE),$(SANITIZERS))
# gcc's -Wformat-truncation flags every snprintf that may cut; clang has no such option
NOTRUNC  := $(shell $(CC) -Werror -Wno-format-truncation -E -x c /dev/null >/dev/null 2>&1 && echo -Wno-format-truncation)
XCFLAGS  := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter $(NOTRUNC) \
            -I$(SRCDIR) -DDISCO_SRCDIR='"$(SRCDIR)"' $(PKG_CFLAGS) $(SANFLAGS) -MMD -MP
override LDFLAGS += $(SANFLAGS) -pthread   # kept when LDFLAGS is given on the command line

# Libraries, highest first (link order).
MODULES  := analysis capture replay monitor policies machine traces base
define module_srcs
$(sort $(wildcard $(1)/*.c))
endef
LIBS     := $(foreach m,$(MODULES),$(if $(call module_srcs,$(m)),$(BUILD)/lib$(m).a))
CLI_SRCS := $(sort $(wildcard cli/*.c))
CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/obj/%.o)
DISCO    := $(BUILD)/disco

TEST_SRCS := $(sort $(wildcard tests/*/check_*.c))
TEST_BINS := $(TEST_SRCS:%.c=$(BUILD)/%)
TESTLIB   := $(BUILD)/obj/tests/testlib.o
# Helper programs the end-to-end tests run (tests/<module>/tool_*.c).
TOOL_SRCS := $(sort $(wildcard tests/*/tool_*.c))
TOOL_BINS := $(TOOL_SRCS:%.c=$(BUILD)/%)
BENCH_SRCS := $(sort $(wildcard tests/bench/*.c))
BENCH_BINS := $(BENCH_SRCS:%.c=$(BUILD)/%)

.PHONY: $(GOALS)
all disco: $(DISCO)
tests: $(DISCO) $(TEST_BINS) $(TOOL_BINS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(XCFLAGS) -c $< -o $@

define module_rule
$(BUILD)/lib$(1).a: $(patsubst %.c,$(BUILD)/obj/%.o,$(call module_srcs,$(1)))
	@mkdir -p $$(dir $$@)
	rm -f $$@ && ar rcs $$@ $$^
endef
$(foreach m,$(MODULES),$(if $(call module_srcs,$(m)),$(eval $(call module_rule,$(m)))))

$(DISCO): $(CLI_OBJS) $(LIBS)
	$(CC) $(LDFLAGS) $(CLI_OBJS) $(LIBS) $(PKG_LIBS) -o $@

$(BUILD)/tests/%: tests/%.c $(TESTLIB) $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(XCFLAGS) $< $(TESTLIB) $(LIBS) $(PKG_LIBS) $(LDFLAGS) -o $@

check: tests
	@DISCO=$(abspath $(DISCO)) BUILD=$(BUILD) sh tests/run.sh $(TEST_BINS)

check-long: tests
	@DISCO=$(abspath $(DISCO)) BUILD=$(BUILD) DISCO_LONG=1 sh tests/run.sh $(TEST_BINS)

.PHONY: check-slurm
check-slurm: $(DISCO)
	@DISCO=$(abspath $(DISCO)) BUILD=$(BUILD) sh tests/slurm/check.sh

bench: $(DISCO) $(BENCH_BINS)
	@DISCO=$(abspath $(DISCO)) BUILD=$(BUILD) sh tests/bench/run.sh $(BENCH_BINS)

figures: $(DISCO)
	$(DISCO) figures --quick -o out

# libFuzzer needs clang; the fuzz build has its own tree.  Checksums are not
# enforced in it (FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION), so the fuzzer gets
# past them to the parsing; new inputs go to build-fuzz/corpus-run, never into
# the seed corpus tests/fuzz/corpus.
FUZZ_SRCS := $(foreach m,traces base,$(call module_srcs,$(m)))
FUZZ_TARGETS := trace asm params
fuzz:
	@command -v clang >/dev/null || { echo "make fuzz needs clang: apt-get install clang" >&2; exit 1; }
	@mkdir -p build-fuzz/corpus-run build-fuzz/corpus-asm build-fuzz/corpus-params
	for t in $(FUZZ_TARGETS); do \
	  clang -O1 -g -std=c11 -D_GNU_SOURCE -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION \
	    -DDISCO_SRCDIR='"$(SRCDIR)"' -I$(SRCDIR) $(PKG_CFLAGS) \
	    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	    tests/fuzz/fuzz_$$t.c $(FUZZ_SRCS) $(PKG_LIBS) -o build-fuzz/fuzz_$$t || exit 1; \
	done
	build-fuzz/fuzz_trace -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -rss_limit_mb=2048 \
	  -print_final_stats=1 -artifact_prefix=build-fuzz/ build-fuzz/corpus-run tests/fuzz/corpus
	build-fuzz/fuzz_asm -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -rss_limit_mb=2048 \
	  -print_final_stats=1 -artifact_prefix=build-fuzz/asm- build-fuzz/corpus-asm tests/fuzz/corpus-text
	build-fuzz/fuzz_params -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -rss_limit_mb=2048 \
	  -print_final_stats=1 -artifact_prefix=build-fuzz/params- build-fuzz/corpus-params tests/fuzz/corpus-text

install: $(DISCO)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/disco/presets \
	  $(DESTDIR)$(PREFIX)/share/disco/workloads
	install -m 755 $(DISCO) $(DESTDIR)$(PREFIX)/bin/disco
	install -m 644 machine/presets/*.conf $(DESTDIR)$(PREFIX)/share/disco/presets/
	if ls capture/workloads/* >/dev/null 2>&1; then \
	  install -m 644 capture/workloads/* $(DESTDIR)$(PREFIX)/share/disco/workloads/; fi

.SECONDARY:
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

endif
