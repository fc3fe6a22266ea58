#!/usr/bin/env bash
# The README's main-job command: installs missing packages, builds, and runs schemaflip on the bundled
# Chinook SQLite database: `schemaflip demo` (analyze, predict, shadow, replay, flip).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SCHEMAFLIP_BUILD_DIR:-$root/build}
"$root/scripts/install-deps.sh" >&2
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSCHEMAFLIP_BUILD_TESTS=OFF >&2
cmake --build "$build" --target schemaflip >&2
"$build/cli/schemaflip" demo "$@"
