#!/usr/bin/env bash
# Rebuilds the committed seed corpora fuzz/corpus/<target>/ from fixtures/ and the shared data
# (../shared/data): a few small, representative inputs per target, logs cut to their first whole lines
# under 6 KB. Run by hand when a reader learns a new format; libFuzzer grows its own corpus from these.
# Usage: fuzz/make_corpus.sh [schemaflip-binary]  (a binary adds real predictions/manifest/report/flip-task
# documents made by `schemaflip demo --dir`).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
shared=${SCHEMAFLIP_SHARED_DATA:-$root/../shared/data}
corpus=$root/fuzz/corpus
binary=${1:-}

# head_of SRC DEST: SRC (gzip or plain) cut to its whole lines within the first 6 KB.
head_of() {
  local source=$1 dest=$2
  mkdir -p "$(dirname "$dest")"
  # No pipefail here: head closing the pipe early stops gzip with SIGPIPE, which is the point.
  ( set +o pipefail
    { if [[ $source == *.gz ]]; then gzip -dc "$source"; else cat "$source"; fi; } 2>/dev/null | head -c 6144 |
      python3 -c 'import sys; d = sys.stdin.buffer.read(); cut = d.rfind(b"\n"); sys.stdout.buffer.write(d if cut < 0 else d[:cut + 1])' >"$dest" )
}
# with_prefix PREFIX SRC DEST: the stderr target's input, the --prefix on the first line.
with_prefix() {
  local prefix=$1 source=$2 dest=$3
  head_of "$source" "$dest.tmp"
  { printf '%s\n' "$prefix"; cat "$dest.tmp"; } >"$dest"
  rm "$dest.tmp"
}

rm -rf "$corpus"
logs=$shared/pglogs
with_prefix '%t [%p-%l] %q%u@%d ' "$logs/beats__postgresql-9.6-multi-core.log" "$corpus/log_stderr/beats_multi_core"
with_prefix '%m [%p] ' "$logs/lnav__logfile_postgres.1.log" "$corpus/log_stderr/lnav_1"
with_prefix '' "$logs/pgbadger__multiline_param.log" "$corpus/log_stderr/multiline_param_detected"
with_prefix '%t [%p]: [%l-1] [%x] usr=%u,db=%d,appli=%a ' "$logs/pgbadger__postgresql_param_range.log" "$corpus/log_stderr/param_range"
with_prefix '%t:%r:%u@%d:[%p]:' "$logs/pgbadger__rds.log.gz" "$corpus/log_stderr/rds"
with_prefix '%m [%p] %q%u@%d ' "$logs/pg15gen__gen_a.log" "$corpus/log_stderr/pg15gen"
with_prefix '' "$root/fixtures/logs/chinook_app.log" "$corpus/log_stderr/chinook_app_detected"
for name in beats__postgresql-11-multi-line.csv.log beats__postgresql-11-parse-bind.csv.log pg15gen__gen_a.csv \
            pgbadger__csv_statement_without_duration.log pgbadger__weeknumber.log; do
  head_of "$logs/$name" "$corpus/log_csvlog/$name"
done
head_of "$logs/pg15gen__gen_a.json" "$corpus/log_jsonlog/pg15gen__gen_a.json"
head_of "$logs/pgbadger__pg_vacuums.json.gz" "$corpus/log_jsonlog/pg_vacuums.json"
head_of "$logs/pgbadger__pg-syslog.1.gz" "$corpus/log_syslog/pg-syslog.1"
head_of "$logs/pgbadger__cnpg.log.gz" "$corpus/log_cnpg/cnpg.log"
head_of "$logs/pgbadger__cloudsql.log.gz" "$corpus/log_cloudsql/cloudsql.log"
head_of "$logs/pgbadger__logplex.log" "$corpus/log_logplex/logplex.log"
mkdir -p "$corpus/log_jsonl"
cat >"$corpus/log_jsonl/shapes.jsonl" <<'JSONL'
{"ts":"2024-03-01T10:15:30.250Z","query":"SELECT * FROM users WHERE id = 1","duration_ms":1.5}
{"query":"UPDATE t\n   SET a = 'x;y'","ts":1709288130.25}
{"ts":1709288130250,"query":"DELETE FROM t","duration_ms":null}
{"ts":"2023-12-31 23:59:59.999+05:30","query":"SELECT 1","duration_ms":0,"user":"ignored"}
JSONL
for file in "$root"/fixtures/replay/*.sql "$root"/fixtures/demo/workload.sql; do
  head_of "$file" "$corpus/log_sql/$(basename "$file")"
done
# The scanner detects the format: every log seed above, the stderr ones without their prefix line.
mkdir -p "$corpus/log_scanner"
for dir in "$corpus"/log_*; do
  target=$(basename "$dir")
  [[ $target == log_scanner ]] && continue
  for file in "$dir"/*; do
    if [[ $target == log_stderr ]]; then
      tail -n +2 "$file" >"$corpus/log_scanner/${target}_$(basename "$file")"
    else
      cp "$file" "$corpus/log_scanner/${target}_$(basename "$file")"
    fi
  done
done

# JSON documents.
mkdir -p "$corpus/doc_plan" "$corpus/doc_profile"
cp "$root"/fixtures/replay/staged.plan.json "$corpus/doc_plan/staged.plan.json"
cp "$root/fixtures/replay/zoo.plan.json" "$corpus/doc_plan/zoo.plan.json"
cp "$root/fixtures/cli/replay/invalid_plan_is_bad_input/plan.json" "$corpus/doc_plan/invalid.plan.json"
cp "$root/fixtures/predict/chinook_app.profile.json" "$corpus/doc_profile/"
if [[ -n "$binary" ]]; then
  demo=$(mktemp -d)
  trap 'rm -rf "$demo"' EXIT
  "$binary" demo --dir "$demo/run" >/dev/null 2>&1 || true
  "$binary" inspect --format json "$root/fixtures/sampledb/chinook.sqlite" >"$corpus/doc_profile/chinook.snapshot.json"
  for file in "$demo"/run/*.json; do
    case $(python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get("kind", ""))' "$file") in
      predictions) dir=doc_predictions ;;
      shadow_manifest) dir=doc_manifest ;;
      replay_report) dir=doc_report ;;
      flip_task) dir=doc_flip_task ;;
      workload_profile) dir=doc_profile ;;
      *) continue ;;
    esac
    mkdir -p "$corpus/$dir"
    cp "$file" "$corpus/$dir/"
  done
  # The demo's predictions list every candidate (60 KB): its first events (with and without DDL) are enough.
  python3 - "$corpus/doc_predictions/predictions.json" <<'PY'
import json, sys
path = sys.argv[1]
document = json.load(open(path))
with_ddl = [e for e in document["events"] if e.get("ddl")][:3]
without = [e for e in document["events"] if not e.get("ddl")][:3]
document["events"] = with_ddl + without
json.dump(document, open(path, "w"), indent=2)
PY
fi

# Migration histories.
mkdir -p "$corpus/history_csv" "$corpus/history_sql" "$corpus/history_rails" "$corpus/history_django"
head_of "$shared/schema-history/train.csv" "$corpus/history_csv/train_head.csv"
cp "$root"/fixtures/migrations/flyway/db/migration/*.sql "$root"/fixtures/migrations/golang-migrate/migrations/*.sql \
  "$root"/fixtures/predict/pending/*.sql "$corpus/history_sql/"
cp "$root"/fixtures/migrations/rails/db/migrate/*.rb "$corpus/history_rails/"
cp "$root"/fixtures/migrations/django/shop/migrations/0*.py "$corpus/history_django/"

# SQL: one statement per file for the statement target, scripts for the text helpers, DDL for the DDL one.
mkdir -p "$corpus/sql_statement" "$corpus/sql_text" "$corpus/sql_ddl"
python3 - "$root" "$shared" "$corpus" <<'PY'
import glob, os, sys
root, shared, corpus = sys.argv[1:]
def statements(path):
    text = open(path, encoding="utf-8", errors="replace").read()
    return [s.strip() for s in text.split(";\n") if s.strip() and not s.strip().startswith("--")]
picked = []
for path in sorted(glob.glob(f"{root}/fixtures/replay/*.sql")) + [f"{root}/fixtures/demo/workload.sql"]:
    picked += statements(path)[:6]
for path in sorted(glob.glob(f"{shared}/workloads/job/*.sql"))[:6]:
    picked.append(open(path).read().strip().rstrip(";"))
for i, statement in enumerate(picked):
    open(f"{corpus}/sql_statement/{i:03d}.sql", "w").write(statement)
ddl = []
for path in sorted(glob.glob(f"{root}/fixtures/migrations/**/*.sql", recursive=True)) + sorted(glob.glob(f"{root}/fixtures/demo/*.sql")) + [f"{root}/fixtures/sqlite/rebuild_features.sql"]:
    ddl += [s for s in statements(path) if s.upper().lstrip().startswith(("ALTER", "CREATE", "DROP"))]
for i, statement in enumerate(ddl[:30]):
    open(f"{corpus}/sql_ddl/{i:03d}.sql", "w").write(statement)
    open(f"{corpus}/sql_statement/ddl_{i:03d}.sql", "w").write(statement)
for i, pair in enumerate(["integer\nbigint", "varchar(20)\ntext", "numeric(10,2)\nnumeric(12,2)", "timestamp\ntimestamptz", "text[]\nvarchar(3)[]"]):
    open(f"{corpus}/sql_ddl/types_{i}", "w").write(pair)
for path in sorted(glob.glob(f"{root}/fixtures/replay/*.sql")) + sorted(glob.glob(f"{root}/fixtures/demo/*.sql")):
    data = open(path, "rb").read()[:6144]
    open(f"{corpus}/sql_text/{os.path.basename(path)}", "wb").write(data)
for i, text in enumerate(["SELECT * FROM t WHERE a = $1 AND b = '$2' -- $3\n", "/* lead */ -- more\nALTER TABLE t ADD c int; SELECT $2::int, $1",
                          "INSERT INTO t VALUES ($1, $2, E'\\\\x', $$dollar$$)"]):
    open(f"{corpus}/sql_text/params_{i}.sql", "w").write(text)
PY
du -sh "$corpus"
for dir in "$corpus"/*; do printf '%-16s %3d files %6s\n' "$(basename "$dir")" "$(find "$dir" -type f | wc -l)" "$(du -sh "$dir" | cut -f1)"; done
