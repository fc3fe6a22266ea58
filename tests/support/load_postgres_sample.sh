#!/usr/bin/env bash
# Loads a sample database script into the test server as database NAME (dropped and created anew).
# Usage: load_postgres_sample.sh NAME FILE... — exit 77 (skip) when SCHEMAFLIP_TEST_PG is unset outside CI.
set -euo pipefail
name=$1
shift
if [[ -z "${SCHEMAFLIP_TEST_PG:-}" ]]; then
  if [[ "${CI:-}" == true ]]; then
    echo "SCHEMAFLIP_TEST_PG is not set: in CI the PostgreSQL tests must run (use scripts/test.sh)" >&2
    exit 1
  fi
  echo "skipped: SCHEMAFLIP_TEST_PG is not set"
  exit 77
fi
admin=$SCHEMAFLIP_TEST_PG
target=${admin%/*}/$name
psql "$admin" -v ON_ERROR_STOP=1 -q -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" -c "CREATE DATABASE \"$name\""
for file in "$@"; do
  # Sample scripts that create their own database (DROP/CREATE DATABASE, \c) are loaded into NAME instead.
  sed -e '/^DROP DATABASE/d' -e '/^CREATE DATABASE/d' -e '/^\\c /d' "$file" |
    psql "$target" -v ON_ERROR_STOP=1 -q >/dev/null
done
psql "$target" -q -c "ANALYZE" >/dev/null
echo "loaded $name"
