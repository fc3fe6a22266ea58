#!/usr/bin/env bash
# Load: `schemaflip replay --jobs 8` over pgbench select-only reads at two stream sizes (default 100k and
# 1M), to show peak RSS against the number of queries, and that no connection outlives the run. The
# primary is a `pgbench -i -s 1` database, the shadow a copy of it with a column added; one stage at 100%
# compares every read. Prints, per size: queries, seconds, compared reads/s, peak RSS, the decision, and the
# replay sessions still on the server after the run (must be 0). The in-process test "replay --jobs 8
# leaves no file descriptor and no connection behind" checks descriptors and sessions exactly.
# Usage: bench/replay_load.sh [SCHEMAFLIP_BINARY] [SMALL] [LARGE] [JOBS]   (run by hand, not in CI; a few minutes)
# Uses the server of SCHEMAFLIP_TEST_PG when set, else a throwaway cluster (scripts/throwaway-postgres.sh).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
binary=${1:-$root/build-release/cli/schemaflip}
small=${2:-100000}
large=${3:-1000000}
jobs=${4:-8}
work=$(mktemp -d /tmp/schemaflip-replay-load.XXXXXX)
[[ -x /usr/bin/time ]] || apt-get install -y -qq time >/dev/null

if [[ -z "${SCHEMAFLIP_TEST_PG:-}" ]]; then
  # shellcheck source=../scripts/throwaway-postgres.sh
  source "$root/scripts/throwaway-postgres.sh"
  start_throwaway_postgres
fi
server=${SCHEMAFLIP_TEST_PG%/*}
primary=$server/bench_load_primary
shadow=$server/bench_load_shadow
cleanup() {
  psql "$SCHEMAFLIP_TEST_PG" -q -c "DROP DATABASE IF EXISTS bench_load_shadow WITH (FORCE)" \
    -c "DROP DATABASE IF EXISTS bench_load_primary WITH (FORCE)" || true
  rm -rf "$work"
}
trap 'cleanup; declare -F stop_throwaway_postgres >/dev/null && stop_throwaway_postgres || true' EXIT

psql "$SCHEMAFLIP_TEST_PG" -q -c "DROP DATABASE IF EXISTS bench_load_shadow WITH (FORCE)" \
  -c "DROP DATABASE IF EXISTS bench_load_primary WITH (FORCE)" -c "CREATE DATABASE bench_load_primary"
pgbench -i -s 1 -q "$primary" >/dev/null 2>&1
psql "$SCHEMAFLIP_TEST_PG" -q -c "CREATE DATABASE bench_load_shadow TEMPLATE bench_load_primary"
psql "$shadow" -q -c "ALTER TABLE pgbench_accounts ADD COLUMN note text"

echo "replay load: --jobs $jobs, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%9s %9s %10s %10s %9s %9s\n' "queries" "seconds" "reads/s" "peak RSS" "decision" "sessions"
for n in "$small" "$large"; do
  awk -v n="$n" 'BEGIN { srand(1); for (i = 0; i < n; i++) printf "SELECT abalance FROM pgbench_accounts WHERE aid = %d;\n", 1 + int(rand() * 100000) }' \
    >"$work/queries.sql"
  echo "{\"stages\": [{\"percent\": 100, \"min_queries\": $n, \"max_latency_ratio_p95\": null}]}" >"$work/plan.json"
  set +e
  /usr/bin/time -v -o "$work/time.txt" "$binary" --format json replay --primary "$primary" --shadow "$shadow" \
    --queries "$work/queries.sql" --plan "$work/plan.json" --jobs "$jobs" -o "$work/report.json"
  status=$?
  set -e
  ((status <= 1)) || { echo "replay failed with exit $status" >&2; exit 1; }
  sessions=$(psql "$SCHEMAFLIP_TEST_PG" -Atq -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'schemaflip replay'")
  seconds=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$work/time.txt")
  rss_kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time.txt")
  read -r decision compared < <(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); \
print(r['decision'], sum(s['compared'] for s in r['stages']))" "$work/report.json")
  awk -v n="$n" -v s="$seconds" -v r="$rss_kb" -v c="$compared" -v d="$decision" -v k="$sessions" \
    'BEGIN { printf "%9d %9.1f %10.0f %7.0f MB %9s %9s\n", n, s, c / s, r / 1024, d, k }'
  [[ "$compared" == "$n" ]] || echo "MISMATCH: compared $compared of $n" >&2
done
