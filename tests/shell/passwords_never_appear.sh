#!/usr/bin/env bash
# A password never appears in anything schemaflip prints or writes. Every command that takes a database
# (inspect, predict --db, shadow up/status/down, replay, flip, rollback; analyze and train run with the
# password in the environment) is run with the password given three ways — in a postgresql:// URL, as
# password= of a key=value string, and in PGPASSWORD — against a server that checks passwords (its own
# throwaway cluster with scram-sha-256 on TCP), with the right password, a wrong one, a refused port and
# a host name that does not resolve. Then stdout, stderr and every file written (documents, reports,
# manifests, flip tasks, JUnit XML) are searched for both passwords.
# Usage: passwords_never_appear.sh SCHEMAFLIP SOURCE_DIR SHARED_DATA
set -euo pipefail
binary=$1
source_dir=$2
shared_data=$3
secret='Pw_R1ght_5ecret_8471'
wrong='Pw_Wr0ng_5ecret_3309'

source "$source_dir/scripts/throwaway-postgres.sh"
start_throwaway_postgres >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"; stop_throwaway_postgres' EXIT
port=${SCHEMAFLIP_TEST_PG##*:}
port=${port%%/*}
socket_dir=$_throwaway_pg_dir
unset SCHEMAFLIP_TEST_PG PGPASSWORD PGUSER PGHOST PGPORT PGDATABASE

# Setup over the Unix socket (trust); TCP clients must give the password.
psql_admin() { psql -X -q -v ON_ERROR_STOP=1 -h "$socket_dir" -p "$port" -U postgres "$@"; }
psql_admin -d postgres -c "ALTER ROLE postgres PASSWORD '$secret'" -c "CREATE DATABASE app"
psql_admin -d app <<'SQL'
CREATE TABLE customer (id serial PRIMARY KEY, name text NOT NULL, email text, code text);
INSERT INTO customer (name, email, code) SELECT 'customer ' || i, 'c' || i || '@example.com', i::text FROM generate_series(1, 60) i;
CREATE TABLE orders (id serial PRIMARY KEY, customer_id integer NOT NULL REFERENCES customer, total numeric(10, 2));
INSERT INTO orders (customer_id, total) SELECT 1 + i % 60, i * 1.5 FROM generate_series(1, 200) i;
SQL
printf 'local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n' > "$_throwaway_pg_dir/data/pg_hba.conf"
chown postgres: "$_throwaway_pg_dir/data/pg_hba.conf" 2>/dev/null || true
_run_as_postgres "$pg_bin/pg_ctl" -D "$_throwaway_pg_dir/data" reload >/dev/null
sleep 0.5

# The inputs that need no database.
mkdir -p "$work/in"
cat > "$work/in/reads.sql" <<'SQL'
SELECT id, name FROM customer WHERE id = 3;
SELECT count(*) FROM orders WHERE customer_id = 7;
SELECT c.name, sum(o.total) FROM customer c JOIN orders o ON o.customer_id = c.id GROUP BY c.name ORDER BY c.name;
SELECT * FROM customer WHERE id < 5 ORDER BY id;
SQL
echo 'ALTER TABLE customer ADD COLUMN tier text;' > "$work/in/change.sql"
echo '{"stages": [{"percent": 100, "min_queries": 4, "max_latency_ratio_p95": null}]}' > "$work/in/plan.json"
# A log that itself names the password (an ALTER ROLE): the profile shows statements without literals.
cat > "$work/in/app.log" <<LOG
2024-05-01 10:00:00.000 UTC [101] LOG:  statement: SELECT id, name FROM customer WHERE id = 3
2024-05-01 10:00:01.000 UTC [101] LOG:  statement: ALTER ROLE postgres PASSWORD '$secret'
2024-05-01 10:00:02.000 UTC [101] LOG:  statement: SELECT count(*) FROM orders WHERE customer_id = 7
LOG
# One project's schema history (278 rows): enough to train a small model quickly.
history=$work/in/history.csv
{ head -1 "$shared_data/schema-history/train.csv"; grep '^healthchecks/healthchecks,' "$shared_data/schema-history/train.csv"; } > "$history"

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# run NAME EXPECTED-EXITS... -- ARGS...: runs schemaflip with stdout and stderr kept in $work/out.
run() {
  local name=$1; shift
  local expected=()
  while [[ $1 != -- ]]; do expected+=("$1"); shift; done
  shift
  local status=0
  "$binary" "$@" > "$work/out/$name.stdout" 2> "$work/out/$name.stderr" || status=$?
  local ok=0
  for code in "${expected[@]}"; do [[ $status == "$code" ]] && ok=1; done
  if [[ $ok == 0 ]]; then
    fail "$name: exit $status, expected ${expected[*]}: $(head -c 400 "$work/out/$name.stderr")"
  fi
}

# One form of giving the password: URL of database NAME on HOST:PORT with PASSWORD.
url_for() {  # form host port password dbname
  local form=$1 host=$2 port=$3 password=$4 dbname=$5
  case $form in
    url) echo "postgresql://postgres:$password@$host:$port/$dbname" ;;
    keyvalue) echo "host=$host port=$port user=postgres password=$password dbname=$dbname connect_timeout=5" ;;
    env) echo "postgresql://postgres@$host:$port/$dbname" ;;
  esac
}

for form in url keyvalue env; do
  # The reachable server with the right password: every command succeeds and writes its documents.
  out=$work/$form-ok
  mkdir -p "$out" "$work/out"
  primary=$(url_for $form 127.0.0.1 "$port" "$secret" app)
  shadow=$(url_for $form 127.0.0.1 "$port" "$secret" "app_shadow_$form")
  if [[ $form == env ]]; then export PGPASSWORD=$secret; else unset PGPASSWORD; fi
  run "$form-ok-inspect" 0 -- --format json inspect "$primary" -o "$out/snapshot.json"
  run "$form-ok-inspect-text" 0 -- inspect "$primary"
  run "$form-ok-analyze" 0 -- --format json analyze "$work/in/app.log" -o "$out/profile.json"
  run "$form-ok-predict" 0 1 -- --format json predict --profile "$out/profile.json" --db "$primary" -o "$out/predictions.json"
  run "$form-ok-shadow-up" 0 -- shadow up --primary "$primary" --shadow "$shadow" --ddl "$work/in/change.sql" -o "$out/shadow.json"
  run "$form-ok-shadow-status" 0 4 -- --format json shadow status --manifest "$out/shadow.json"
  run "$form-ok-replay" 0 -- replay --primary "$primary" --shadow "$shadow" --queries "$work/in/reads.sql" \
    --plan "$work/in/plan.json" -o "$out/report.json" --junit "$out/junit.xml"
  run "$form-ok-replay-manifest" 0 4 -- --format json replay --shadow-manifest "$out/shadow.json" --queries "$work/in/reads.sql" \
    --plan "$work/in/plan.json"
  run "$form-ok-flip" 0 -- flip --report "$out/report.json" --shadow-manifest "$out/shadow.json" -o "$out/task.json"
  run "$form-ok-rollback-show" 0 -- rollback --task "$out/task.json"
  run "$form-ok-rollback-apply" 0 -- rollback --task "$out/task.json" --db "$shadow" --apply
  run "$form-ok-train" 0 -- train --history "$history" --rounds 2 -o "$out/model.json"
  # With the password only in the URL, the manifest's URLs (redacted) cannot log in again: shadow down
  # may then need PGPASSWORD, and says so; remove the shadow either way.
  run "$form-ok-shadow-down" 0 4 -- --format json shadow down --manifest "$out/shadow.json"
  PGPASSWORD=$secret run "$form-ok-shadow-down-env" 0 -- shadow down --manifest "$out/shadow.json"
  [[ -s $out/report.json && -s $out/task.json && -s $out/junit.xml && -s $out/snapshot.json ]] ||
    fail "$form: a document is missing in $out: $(ls "$out")"

  # Unreachable or refusing servers: a wrong password, a refused port, a host that does not resolve.
  for target in wrongpw refused nohost; do
    out=$work/$form-$target
    mkdir -p "$out"
    case $target in
      wrongpw) host=127.0.0.1 p=$port pw=$wrong ;;
      refused) host=127.0.0.1 p=1 pw=$secret ;;
      nohost) host=no-such-host.invalid p=$port pw=$secret ;;
    esac
    primary=$(url_for $form $host "$p" "$pw" app)
    shadow=$(url_for $form $host "$p" "$pw" "app_shadow_$form")
    if [[ $form == env ]]; then export PGPASSWORD=$pw; else unset PGPASSWORD; fi
    name=$form-$target
    run "$name-inspect" 4 -- inspect "$primary" -o "$out/snapshot.json"
    run "$name-predict" 4 -- predict --profile "$work/$form-ok/profile.json" --db "$primary" -o "$out/predictions.json"
    run "$name-shadow-up" 4 -- shadow up --primary "$primary" --shadow "$shadow" --ddl "$work/in/change.sql" -o "$out/shadow.json"
    run "$name-replay" 4 -- replay --primary "$primary" --shadow "$shadow" --queries "$work/in/reads.sql" --plan "$work/in/plan.json" \
      -o "$out/report.json" --junit "$out/junit.xml"
    run "$name-rollback-apply" 4 -- rollback --task "$work/$form-ok/task.json" --db "$shadow" --apply
    # A manifest that names this server: status, down and replay connect with the environment's password.
    sed -e "s/127\.0\.0\.1:$port/$host:$p/g" "$work/$form-ok/shadow.json" > "$out/manifest.json"
    run "$name-shadow-status" 4 -- shadow status --manifest "$out/manifest.json"
    run "$name-shadow-down" 4 -- shadow down --manifest "$out/manifest.json"
    [[ ! -e $out/report.json && ! -e $out/snapshot.json && ! -e $out/shadow.json ]] ||
      fail "$name: a failed command left a document: $(ls "$out")"
  done
done
unset PGPASSWORD

# Nothing printed or written anywhere holds either password (the inputs hold one on purpose).
leaks=$(grep -rlF -e "$secret" -e "$wrong" "$work" --exclude-dir=in || true)
if [[ -n $leaks ]]; then
  for file in $leaks; do fail "password in $file: $(grep -F -e "$secret" -e "$wrong" "$file" | head -3)"; done
fi
# The search looked at what the commands wrote (a test that finds nothing to search proves nothing).
files=$(find "$work" -type f -not -path "$work/in/*" | wc -l)
[[ $files -ge 150 ]] || fail "only $files output files were searched"
grep -q 'cannot connect' "$work/out/url-wrongpw-inspect.stderr" || fail "no connection error was printed"

if [[ $failures -gt 0 ]]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "no password in $files files"
