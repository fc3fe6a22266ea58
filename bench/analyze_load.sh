#!/usr/bin/env bash
# Load: `schemaflip analyze` over a large stderr log at two sizes, to show its peak RSS stays flat in the
# log's size (it grows with distinct fingerprints only). The log is shared/data/pglogs/pgbadger__rds.log.gz
# repeated, every copy with its process IDs shifted (so per-session state sees new sessions all the way),
# written under /tmp and deleted at the end. Prints, per size: MB, seconds, MB/s, peak RSS, and the
# executed statements the profile counts (which must scale with the copies).
# Usage: bench/analyze_load.sh [SCHEMAFLIP_BINARY] [SMALL_MB] [LARGE_MB]   (run by hand, not in CI; a few minutes)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
binary=${1:-$root/build-release/cli/schemaflip}
small_mb=${2:-200}
large_mb=${3:-2000}
work=$(mktemp -d /tmp/schemaflip-analyze-load.XXXXXX)
trap 'rm -rf "$work"' EXIT
source_log=$root/../shared/data/pglogs/pgbadger__rds.log.gz
[[ -x /usr/bin/time ]] || apt-get install -y -qq time >/dev/null

zcat "$source_log" >"$work/one.log"
one_bytes=$(stat -c %s "$work/one.log")
# Ten variants of the log, each with its [pid] fields moved to another range; the big logs cycle them.
for v in 0 1 2 3 4 5 6 7 8 9; do
  sed -E "s/\[([0-9]+)\]:/[${v}\1]:/" "$work/one.log" >"$work/variant$v.log"
done
rm "$work/one.log"

make_log() {  # make_log MB FILE
  local copies=$((($1 * 1000000 + one_bytes - 1) / one_bytes)) i
  for ((i = 0; i < copies; i++)); do cat "$work/variant$((i % 10)).log"; done >"$2"
}

echo "analyze load: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%8s %9s %8s %10s %12s\n' "MB" "seconds" "MB/s" "peak RSS" "executed"
for mb in "$small_mb" "$large_mb"; do
  make_log "$mb" "$work/big.log"
  size=$(stat -c %s "$work/big.log")
  /usr/bin/time -v -o "$work/time.txt" "$binary" --format json analyze --jobs "$(nproc)" "$work/big.log" -o "$work/profile.json"
  seconds=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$work/time.txt")
  rss_kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time.txt")
  executed=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['summary']['executed_statements'])" "$work/profile.json" 2>/dev/null || echo "?")
  awk -v b="$size" -v s="$seconds" -v r="$rss_kb" -v e="$executed" \
    'BEGIN { printf "%8.0f %9.1f %8.0f %7.0f MB %12s\n", b / 1e6, s, b / 1e6 / s, r / 1024, e }'
  rm -f "$work/big.log" "$work/profile.json"
done
