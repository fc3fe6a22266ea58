#!/usr/bin/env bash
# The one test command: installs missing packages, builds, starts a throwaway PostgreSQL 15, and runs
# every test through ctest. The cluster is stopped and deleted on exit, also on failure.
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
