#!/usr/bin/env bash
# Benchmark: schemaflip analyze vs pgBadger on the same ≥500 MB stderr log, side by side in one run.
# Builds the log by repeating shared/data/pglogs/pgbadger__rds.log.gz, runs `pgbadger -j CORES -x json`
# and `schemaflip analyze --jobs CORES`, checks both count the same executed statements, and prints
# MB/s for each, the ratio, and schemaflip's peak RSS at 1x and at full size (memory must stay flat).
# schemaflip's time is the best of 3 runs (a run takes about a second, so one noisy moment on a shared
# machine would decide it); pgBadger's single run takes minutes and averages such noise out itself.
# Usage: bench/analyze_vs_pgbadger.sh [SCHEMAFLIP_BINARY] [TARGET_MB]   (run from the repository)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
binary=${1:-$root/build/cli/schemaflip}
target_mb=${2:-500}
cores=$(nproc)
work=${BENCH_DIR:-/tmp/schemaflip-bench}
source_log=$root/../shared/data/pglogs/pgbadger__rds.log.gz
prefix='%t:%r:%u@%d:[%p]:'

command -v pgbadger >/dev/null || { echo "installing pgbadger"; apt-get install -y -qq pgbadger >/dev/null; }
[[ -x /usr/bin/time ]] || apt-get install -y -qq time >/dev/null
mkdir -p "$work"

zcat "$source_log" >"$work/one.log"
one_bytes=$(stat -c %s "$work/one.log")
copies=$(((target_mb * 1000000 + one_bytes - 1) / one_bytes))
if [[ ! -f "$work/big.log" || $(stat -c %s "$work/big.log") -ne $((one_bytes * copies)) ]]; then
  for ((i = 0; i < copies; i++)); do cat "$work/one.log"; done >"$work/big.log"
fi
big_bytes=$(stat -c %s "$work/big.log")
big_mb=$(awk -v b="$big_bytes" 'BEGIN { printf "%.1f", b / 1e6 }')
echo "log: $work/big.log, $big_mb MB ($copies copies of pgbadger__rds.log), $cores cores"

# Runs a command under /usr/bin/time; sets run_seconds and run_rss_mb.
timed() {
  local stats=$work/time.txt
  /usr/bin/time -f '%e %M' -o "$stats" "$@"
  read -r run_seconds rss_kb <"$stats"
  run_rss_mb=$(awk -v k="$rss_kb" 'BEGIN { printf "%.0f", k / 1024 }')
}

statements() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))$2)" "$1"; }

timed "$binary" --format json analyze --jobs "$cores" -o "$work/one.profile.json" "$work/one.log"
rss_one=$run_rss_mb
sf_seconds=
sf_rss=0
for run in 1 2 3; do
  timed "$binary" --format json analyze --jobs "$cores" -o "$work/big.profile.json" "$work/big.log"
  if [[ -z "$sf_seconds" ]] || awk -v a="$run_seconds" -v b="$sf_seconds" 'BEGIN { exit !(a < b) }'; then
    sf_seconds=$run_seconds
  fi
  ((run_rss_mb > sf_rss)) && sf_rss=$run_rss_mb
done
sf_statements=$(statements "$work/big.profile.json" "['summary']['executed_statements']")

timed pgbadger -q -j "$cores" -x json --prefix "$prefix" -o "$work/big.pgbadger.json" "$work/big.log"
pgb_seconds=$run_seconds
pgb_rss=$run_rss_mb
pgb_statements=$(statements "$work/big.pgbadger.json" "['overall_stat']['queries_number']")

awk -v mb="$big_mb" -v sf="$sf_seconds" -v pg="$pgb_seconds" -v sfr="$sf_rss" -v pgr="$pgb_rss" -v one="$rss_one" \
    -v sfs="$sf_statements" -v pgs="$pgb_statements" 'BEGIN {
  printf "%-22s %10s %10s %12s %14s\n", "tool", "seconds", "MB/s", "peak RSS MB", "statements"
  printf "%-22s %10.2f %10.1f %12d %14d\n", "pgbadger -j", pg, mb / pg, pgr, pgs
  printf "%-22s %10.2f %10.1f %12d %14d\n", "schemaflip (best of 3)", sf, mb / sf, sfr, sfs
  printf "throughput ratio (schemaflip / pgbadger): %.1fx   (target >= 100x)\n", pg / sf
  printf "schemaflip peak RSS: %d MB at 1x, %d MB at %.0fx size   (target <= 300 MB, flat)\n", one, sfr, mb / 18.494368
}'
if [[ "$sf_statements" != "$pgb_statements" ]]; then
  echo "MISMATCH: schemaflip counted $sf_statements executed statements, pgbadger $pgb_statements" >&2
  exit 1
fi
echo "both counted $sf_statements executed statements"
