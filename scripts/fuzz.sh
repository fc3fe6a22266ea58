#!/usr/bin/env bash
# Builds the ASan+UBSan+libFuzzer build (scripts/sanitizer-build.sh) and runs every fuzz target for a
# bounded time. Usage: scripts/fuzz.sh [seconds-per-target [target...]]  (default 20 s, every target;
# a target is a fuzz/fuzz_<target>.cpp name such as log_stderr).
# Fails when any target crashes, leaks, times out on one input (-timeout) or exceeds -rss_limit_mb, and
# says which target and where the reproducer is: rerun it with `build-asan/fuzz/fuzz_<target> <file>`,
# fix the bug, and keep the file under fixtures/fuzz-regressions/<target>/ (see README, "Hardening").
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SCHEMAFLIP_SANITIZER_BUILD_DIR:-$root/build-asan}
seconds=${1:-20}
shift || true

"$root/scripts/sanitizer-build.sh" fuzz

targets=("$@")
if ((${#targets[@]} == 0)); then
  for source in "$root"/fuzz/fuzz_*.cpp; do
    name=$(basename "$source" .cpp)
    targets+=("${name#fuzz_}")
  done
fi

runs=$build/fuzz-runs
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
failed=()
for target in "${targets[@]}"; do
  binary=$build/fuzz/fuzz_$target
  [[ -x $binary ]] || { echo "fuzz: no target $target (fuzz/fuzz_$target.cpp)" >&2; exit 2; }
  work=$runs/$target
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts"
  # New inputs go to the first folder (scratch); the committed seeds and regressions are only read.
  inputs=("$work/corpus")
  for seeds in "$root/fuzz/corpus/$target" "$root/fixtures/fuzz-regressions/$target"; do
    [[ -d $seeds ]] && inputs+=("$seeds")
  done
  options=()
  [[ $target == doc_* ]] && options+=(-dict="$root/fuzz/json.dict")
  status=0
  # The outer timeout only guards against a fuzzer that never starts; libFuzzer stops itself.
  timeout $((seconds + 300)) "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$work/artifacts/" "${options[@]}" "${inputs[@]}" >"$work/log" 2>&1 || status=$?
  # libFuzzer's last status line: executions, coverage (edges), features, corpus; then the mean speed.
  summary=$(grep -E '^#[0-9]+[[:space:]]+[A-Z]+[[:space:]]+cov:' "$work/log" | tail -1 |
    sed -E 's/^#([0-9]+)[[:space:]]+[A-Z]+[[:space:]]+(cov: [0-9]+ ft: [0-9]+ corp: [^ ]+).*/\2 runs: \1/' || true)
  speed=$(grep -E '^stat::average_exec_per_sec:' "$work/log" | awk '{print $2}' || true)
  [[ -n $speed ]] && summary="$summary exec/s: $speed"
  if ((status == 0)); then
    printf 'fuzz: %-16s ok   %s\n' "$target" "${summary:-(no status line)}"
    continue
  fi
  failed+=("$target")
  printf 'fuzz: %-16s FAIL (exit %d)\n' "$target" "$status"
  grep -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|SUMMARY:|property failed|terminate called|what\(\):' \
    "$work/log" | head -8 | sed 's/^/      /' || true
  for artifact in "$work"/artifacts/*; do
    [[ -e $artifact ]] && echo "      reproducer: $artifact  (rerun: $binary $artifact)"
  done
  echo "      full log: $work/log"
done

if ((${#failed[@]} > 0)); then
  echo "fuzz: ${#failed[@]} of ${#targets[@]} targets failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: all ${#targets[@]} targets ran ${seconds} s each without a finding"
