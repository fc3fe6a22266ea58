#!/usr/bin/env bash
# Benchmark: provisioning a PostgreSQL shadow with `schemaflip shadow up --sync none --jobs 2` against
# copying the same database with pg_dump and pg_restore, on the same throwaway PostgreSQL 15 server.
# Two data sets: Sakila as shipped in shared/data/sampledb (15 MB), and Sakila plus two generated
# archive tables (rental and payment repeated COPIES times, with primary keys, indexes and a foreign key;
# 1.2 GB at the default 360 copies). Peers: `pg_dump -Fc | pg_restore` (one stream, as a user would type
# it) and `pg_dump -Fc -f FILE` then `pg_restore -j 2` (parallel restore needs a file). Each side's time
# is the best of RUNS runs (Sakila: 3); every copy's exact row count per table is checked against the
# source. The target is schemaflip <= 1.0x pg_dump | pg_restore's wall time.
# Usage: bench/shadow_vs_pg_restore.sh [SCHEMAFLIP_BINARY]   (run from the repository, as root or postgres)
# Without a binary, builds Release in build-bench/. Environment: COPIES (360), RUNS (2), JOBS (2),
# BENCH_DIR (/tmp/schemaflip-bench-shadow).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
binary=${1:-}
copies=${COPIES:-360}
runs=${RUNS:-2}
jobs=${JOBS:-2}
work=${BENCH_DIR:-/tmp/schemaflip-bench-shadow}
sakila=$root/../shared/data/sampledb/sakila
pg_bin=/usr/lib/postgresql/15/bin

[[ -x /usr/bin/time ]] || apt-get install -y -qq time >/dev/null
if [[ -z "$binary" ]]; then
  echo "building Release in $root/build-bench"
  cmake -S "$root" -B "$root/build-bench" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSCHEMAFLIP_BUILD_TESTS=OFF >/dev/null
  cmake --build "$root/build-bench" -j 2 >/dev/null
  binary=$root/build-bench/cli/schemaflip
fi
mkdir -p "$work"
# shellcheck source=../scripts/throwaway-postgres.sh
source "$root/scripts/throwaway-postgres.sh"
start_throwaway_postgres
server=${SCHEMAFLIP_TEST_PG%/postgres}
port=${server##*:}
export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres

sql() { "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -d "$1" "${@:2}"; }
drop() { "$pg_bin/dropdb" --if-exists --force "$1"; }

load_sakila() {
  "$pg_bin/createdb" "$1"
  sql "$1" -f "$sakila/postgres-sakila-schema.sql" >/dev/null
  sql "$1" -f "$sakila/postgres-sakila-insert-data-using-copy.sql" >/dev/null
}

# Sakila's rentals and payments, COPIES times over, as two archive tables shaped like their originals.
add_archive() {
  sql "$1" -v copies="$copies" <<'SQL'
CREATE TABLE rental_archive AS
  SELECT (g - 1) * 100000 + r.rental_id AS archive_id, g AS generation, r.rental_date + g * interval '1 day' AS rental_date,
         r.inventory_id, r.customer_id, r.return_date + g * interval '1 day' AS return_date, r.staff_id, r.last_update
  FROM rental AS r CROSS JOIN generate_series(1, :copies) AS g;
CREATE TABLE payment_archive AS
  SELECT (g - 1) * 100000 + p.payment_id AS archive_id, g AS generation, p.customer_id, p.staff_id, p.rental_id, p.amount,
         p.payment_date + g * interval '1 day' AS payment_date
  FROM payment AS p CROSS JOIN generate_series(1, :copies) AS g;
ALTER TABLE rental_archive ADD PRIMARY KEY (archive_id);
ALTER TABLE payment_archive ADD PRIMARY KEY (archive_id);
CREATE INDEX rental_archive_customer_idx ON rental_archive (customer_id);
CREATE INDEX payment_archive_customer_idx ON payment_archive (customer_id);
ALTER TABLE payment_archive ADD FOREIGN KEY (customer_id) REFERENCES customer (customer_id);
VACUUM ANALYZE;
SQL
}

# "table rows" per user table, exact, sorted: what every copy must match.
row_counts() {
  sql "$1" -At <<'SQL'
SELECT format('%I.%I', n.nspname, c.relname) || ' ' ||
       (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM ONLY %I.%I', n.nspname, c.relname), false, true, '')))[1]::text
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1;
SQL
}

# Runs a command under /usr/bin/time; sets run_seconds.
timed() {
  /usr/bin/time -f '%e' -o "$work/time.txt" "$@"
  run_seconds=$(cat "$work/time.txt")
}
best() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a < b) ? a : b }'; }

check_copy() {
  if ! diff <(row_counts "$1") "$work/source.counts" >"$work/counts.diff"; then
    echo "MISMATCH: row counts of $2 differ from the source:" >&2
    cat "$work/counts.diff" >&2
    exit 1
  fi
}

echo "ALTER TABLE film ADD COLUMN shadow_note text;" >"$work/change.sql"

# Times the three sides on database $1 with $2 runs; sets sf, pipe, dump, restore (best seconds each).
bench() {
  local db=$1 n=$2
  row_counts "$db" >"$work/source.counts"
  sf= pipe= dump= restore=
  for ((run = 1; run <= n; run++)); do
    timed "$binary" shadow up --primary "$server/$db" --shadow "$server/${db}_shadow" --ddl "$work/change.sql" \
      --jobs "$jobs" --sync none -o "$work/shadow.json" >/dev/null
    sf=$(best "$run_seconds" "$sf")
    check_copy "${db}_shadow" "the shadow"
    "$binary" shadow down --manifest "$work/shadow.json" >/dev/null

    timed bash -c "'$pg_bin/createdb' '${db}_pipe' && '$pg_bin/pg_dump' -Fc '$db' | '$pg_bin/pg_restore' -d '${db}_pipe'"
    pipe=$(best "$run_seconds" "$pipe")
    check_copy "${db}_pipe" "pg_dump | pg_restore"
    drop "${db}_pipe"

    timed "$pg_bin/pg_dump" -Fc -f "$work/$db.dump" "$db"
    dump=$(best "$run_seconds" "$dump")
    timed bash -c "'$pg_bin/createdb' '${db}_file' && '$pg_bin/pg_restore' -j '$jobs' -d '${db}_file' '$work/$db.dump'"
    restore=$(best "$run_seconds" "$restore")
    check_copy "${db}_file" "pg_restore -j $jobs"
    drop "${db}_file"
    rm -f "$work/$db.dump"
  done
}

report() {
  local name=$1 db=$2 n=$3
  local mb tables rows
  mb=$(sql "$db" -Atc "SELECT round(pg_database_size(current_database()) / 1e6)")
  tables=$(wc -l <"$work/source.counts")
  rows=$(awk '{ s += $2 } END { print s }' "$work/source.counts")
  awk -v name="$name" -v mb="$mb" -v t="$tables" -v r="$rows" -v n="$n" -v j="$jobs" -v sf="$sf" -v pipe="$pipe" \
      -v dump="$dump" -v restore="$restore" 'BEGIN {
    printf "\n%s: %d MB, %d tables, %d rows, best of %d runs, same row counts on every copy\n", name, mb, t, r, n
    printf "  %-56s %9s %9s\n", "side", "seconds", "MB/s"
    printf "  %-56s %9.2f %9.1f\n", "schemaflip shadow up --jobs " j " --sync none", sf, mb / sf
    printf "  %-56s %9.2f %9.1f\n", "pg_dump -Fc | pg_restore", pipe, mb / pipe
    printf "  %-56s %9.2f %9.1f\n", "pg_dump -Fc -f + pg_restore -j " j " (" dump " + " restore ")", dump + restore, mb / (dump + restore)
    printf "  ratio schemaflip / (pg_dump | pg_restore): %.2fx   (target <= 1.0x)\n", sf / pipe
    printf "  ratio schemaflip / (pg_dump -f + pg_restore -j %d): %.2fx\n", j, sf / (dump + restore)
  }'
}

echo "loading Sakila from $sakila"
load_sakila sakila
bench sakila 3
report "Sakila" sakila 3

echo "generating the archive tables ($copies copies of rental and payment)"
load_sakila sakila_big
add_archive sakila_big
bench sakila_big "$runs"
report "Sakila + archive" sakila_big "$runs"
rm -f "$work"/change.sql "$work"/shadow.json "$work"/source.counts "$work"/counts.diff "$work"/time.txt
rmdir "$work" 2>/dev/null || true
