#!/usr/bin/env bash
# Sourced by scripts that need a PostgreSQL 15 server for a while: start_throwaway_postgres starts a
# fresh cluster (data and socket under /tmp, a free loopback port, wal_level=logical), exports
# SCHEMAFLIP_TEST_PG, and arranges for the cluster to be stopped and deleted when the shell exits.

pg_bin=/usr/lib/postgresql/15/bin

_run_as_postgres() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

stop_throwaway_postgres() {
  if [[ -n "${_throwaway_pg_dir:-}" && -d "$_throwaway_pg_dir" ]]; then
    _run_as_postgres "$pg_bin/pg_ctl" -D "$_throwaway_pg_dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$_throwaway_pg_dir"
  fi
}

start_throwaway_postgres() {
  _throwaway_pg_dir=$(mktemp -d /tmp/schemaflip-pg.XXXXXX)
  trap stop_throwaway_postgres EXIT
  chmod 755 "$_throwaway_pg_dir"
  [[ $(id -u) -eq 0 ]] && chown postgres: "$_throwaway_pg_dir"
  local port
  port=$(_free_port)
  _run_as_postgres "$pg_bin/initdb" -D "$_throwaway_pg_dir/data" -U postgres -A trust -E UTF8 \
    --locale=C.UTF-8 --no-sync >"$_throwaway_pg_dir/initdb.log" 2>&1 ||
    { cat "$_throwaway_pg_dir/initdb.log" >&2; return 1; }
  _run_as_postgres "$pg_bin/pg_ctl" -D "$_throwaway_pg_dir/data" -l "$_throwaway_pg_dir/server.log" -w \
    -o "-k $_throwaway_pg_dir -p $port -c listen_addresses=127.0.0.1 -c wal_level=logical -c fsync=off \
        -c max_wal_senders=10 -c max_replication_slots=10" start >/dev/null ||
    { cat "$_throwaway_pg_dir/server.log" >&2; return 1; }
  export SCHEMAFLIP_TEST_PG="postgresql://postgres@127.0.0.1:$port/postgres"
  echo "throwaway PostgreSQL 15 at $SCHEMAFLIP_TEST_PG (data in $_throwaway_pg_dir)"
}
