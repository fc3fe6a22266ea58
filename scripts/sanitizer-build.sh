#!/usr/bin/env bash
# Configures and builds the one ASan+UBSan build that serves both the sanitizer test run and the fuzzers
# (clang, SCHEMAFLIP_SANITIZE=ON, SCHEMAFLIP_FUZZ=ON). Usage: sanitizer-build.sh [ninja target...]
# The build directory is $SCHEMAFLIP_SANITIZER_BUILD_DIR (default build-asan); ccache is used when present.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SCHEMAFLIP_SANITIZER_BUILD_DIR:-$root/build-asan}

launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
werror=OFF
[[ "${CI:-}" == true ]] && werror=ON

# -O1 and line tables only: ASan's recommended optimisation, and reports with file:line, at about half
# the compile time of RelWithDebInfo's -O2 -g on our 2-core machines.
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Sanitize \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ "${launcher[@]}" \
  -DCMAKE_C_FLAGS_SANITIZE="-O1 -gline-tables-only" -DCMAKE_CXX_FLAGS_SANITIZE="-O1 -gline-tables-only" \
  -DSCHEMAFLIP_SANITIZE=ON -DSCHEMAFLIP_FUZZ=ON -DSCHEMAFLIP_WERROR="$werror" -DSCHEMAFLIP_BUILD_TESTS=ON >/dev/null
# At most 2 jobs: the CI machine has 2 cores, and clang with ASan needs ~1 GB per job on the big files.
if (($# > 0)); then
  cmake --build "$build" -j2 --target "$@"
else
  cmake --build "$build" -j2
fi
