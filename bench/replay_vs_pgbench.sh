#!/usr/bin/env bash
# Benchmark: schemaflip replay vs pgbench on the same read workload, side by side in one run.
# A `pgbench -i` database is the primary and a shadow of it (`shadow up`, a column added) the shadow.
# schemaflip replays QUERIES of pgbench's select-only statements (SELECT abalance FROM pgbench_accounts
# WHERE aid = N, N drawn with a fixed seed) at 100%, comparing every result, with CLIENTS connections per
# side; pgbench runs its select-only script (shared/data/workloads/pgbench/select-only.sql) for the same
# number of transactions on the primary, then on the shadow, with CLIENTS connections. Prints both
# throughputs in compared reads per second (pgbench: QUERIES / (seconds on primary + seconds on shadow))
# and the ratio; the target is >= 0.8. Run by hand, not in tests: the machine is shared, so run it rarely.
# Usage: bench/replay_vs_pgbench.sh [SCHEMAFLIP_BINARY] [QUERIES] [CLIENTS]   (run from the repository)
# Uses the server of SCHEMAFLIP_TEST_PG when set, else a throwaway cluster (scripts/throwaway-postgres.sh).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
binary=${1:-$root/build/cli/schemaflip}
queries=${2:-100000}
clients=${3:-2}
work=${BENCH_DIR:-/tmp/schemaflip-bench-replay}
script=$root/../shared/data/workloads/pgbench/select-only.sql
mkdir -p "$work"

if [[ -z "${SCHEMAFLIP_TEST_PG:-}" ]]; then
  # shellcheck source=../scripts/throwaway-postgres.sh
  source "$root/scripts/throwaway-postgres.sh"
  start_throwaway_postgres
fi
server=${SCHEMAFLIP_TEST_PG%/*}
primary=$server/bench_replay_primary
shadow=$server/bench_replay_shadow

psql "$SCHEMAFLIP_TEST_PG" -q -c "DROP DATABASE IF EXISTS bench_replay_shadow WITH (FORCE)" \
  -c "DROP DATABASE IF EXISTS bench_replay_primary WITH (FORCE)" -c "CREATE DATABASE bench_replay_primary"
pgbench -i -s 1 -q "$primary" >/dev/null 2>&1
echo "ALTER TABLE pgbench_accounts ADD COLUMN note text;" >"$work/change.sql"
"$binary" shadow up --primary "$primary" --shadow "$shadow" --ddl "$work/change.sql" -o "$work/shadow.json" >/dev/null

# The replayed statements: pgbench's select-only statement with aids from a fixed seed (scale 1: 100,000 rows).
awk -v n="$queries" 'BEGIN { srand(1); for (i = 0; i < n; i++) printf "SELECT abalance FROM pgbench_accounts WHERE aid = %d;\n", 1 + int(rand() * 100000) }' \
  >"$work/queries.sql"
echo '{"stages": [{"percent": 100, "min_queries": 1, "max_latency_ratio_p95": null}]}' >"$work/plan.json"
echo "workload: $queries select-only reads, $clients connections per side, $(nproc) cores"

start=$(date +%s.%N)
set +e
"$binary" --format json replay --shadow-manifest "$work/shadow.json" --queries "$work/queries.sql" --plan "$work/plan.json" \
  --jobs "$clients" -o "$work/report.json"
status=$?
set -e
end=$(date +%s.%N)
((status <= 1)) || { echo "replay failed with exit $status" >&2; exit 1; }
sf_seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
read -r decision compared < <(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); \
print(r['decision'], sum(s['compared'] for s in r['stages']))" "$work/report.json")

# pgbench's own figure, excluding connection set-up: seconds = transactions / tps.
pgbench_seconds() {
  local tps
  tps=$(pgbench -n -M simple -c "$clients" -j "$clients" -t $((queries / clients)) -f "$script" "$1" 2>/dev/null |
    awk -F'= ' '/^tps/ { split($2, a, " "); print a[1]; exit }')
  awk -v n=$((queries / clients * clients)) -v t="$tps" 'BEGIN { printf "%.3f", n / t }'
}
pg_primary=$(pgbench_seconds "$primary")
pg_shadow=$(pgbench_seconds "$shadow")

awk -v n="$queries" -v sf="$sf_seconds" -v pp="$pg_primary" -v ps="$pg_shadow" -v c="$compared" -v d="$decision" 'BEGIN {
  pg = pp + ps
  printf "%-34s %10s %16s\n", "tool", "seconds", "reads compared/s"
  printf "%-34s %10.2f %16.0f\n", "pgbench (primary + shadow)", pg, n / pg
  printf "%-34s %10.2f %16.0f   (%d compared, decision %s)\n", "schemaflip replay (with comparison)", sf, c / sf, c, d
  printf "throughput ratio (schemaflip / pgbench): %.2fx   (target >= 0.8x)\n", (c / sf) / (n / pg)
}'
"$binary" shadow down --manifest "$work/shadow.json" >/dev/null
psql "$SCHEMAFLIP_TEST_PG" -q -c "DROP DATABASE IF EXISTS bench_replay_primary WITH (FORCE)"
[[ "$compared" == "$queries" ]] || { echo "MISMATCH: schemaflip compared $compared reads of $queries" >&2; exit 1; }
