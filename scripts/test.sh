#!/usr/bin/env bash
# The one test command: installs missing packages, builds, starts a throwaway PostgreSQL 15, and runs
# every test through ctest. The cluster is stopped and deleted on exit, also on failure.
# In CI (CI=true), or with SCHEMAFLIP_HARDENING=1, it then builds the ASan+UBSan build, runs the whole
# suite again under the sanitizers, and runs every fuzz target for SCHEMAFLIP_FUZZ_SECONDS (default 20)
# each; SCHEMAFLIP_HARDENING=0 skips that part.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SCHEMAFLIP_BUILD_DIR:-$root/build}

"$root/scripts/install-deps.sh"

werror=OFF
[[ "${CI:-}" == true ]] && werror=ON
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSCHEMAFLIP_WERROR="$werror" -DSCHEMAFLIP_BUILD_TESTS=ON \
  ${SCHEMAFLIP_CMAKE_ARGS:-}
cmake --build "$build"

# shellcheck source=scripts/throwaway-postgres.sh
source "$root/scripts/throwaway-postgres.sh"
start_throwaway_postgres

ctest --test-dir "$build" --output-on-failure --no-tests=error "$@"

# The package as users get it: build the .deb, install it with apt, check the installed copy, remove it.
"$root/scripts/check-package.sh" "$build"

hardening=${SCHEMAFLIP_HARDENING:-}
[[ -z "$hardening" && "${CI:-}" == true ]] && hardening=1
if [[ "$hardening" == 1 ]]; then
  # The same suite under AddressSanitizer (with leak detection) and UndefinedBehaviorSanitizer, against
  # the same throwaway server; the build also holds the fuzz targets, whose seeds and past crashes run
  # as the fuzz_inputs_* tests. Suppressions: tests/support/lsan.supp says why each entry is there.
  "$root/scripts/sanitizer-build.sh"
  ASAN_OPTIONS=detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1 \
    LSAN_OPTIONS=suppressions=$root/tests/support/lsan.supp:print_suppressions=0 \
    UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir "${SCHEMAFLIP_SANITIZER_BUILD_DIR:-$root/build-asan}" --output-on-failure --no-tests=error "$@"
  "$root/scripts/fuzz.sh" "${SCHEMAFLIP_FUZZ_SECONDS:-20}"
fi
