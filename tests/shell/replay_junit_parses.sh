#!/usr/bin/env bash
# The JUnit XML of `replay --junit` read by a real XML parser (python3's xml.etree) and checked against the
# JSON report of the same run: one test case per stage, one failing case per mismatching fingerprint, the
# counts in the suite attributes. Runs a breaking change (exit 1) and a safe one (exit 0) on SQLite.
# Usage: replay_junit_parses.sh SCHEMAFLIP SOURCE_DIR PYTHON3
set -euo pipefail
binary=$1
source_dir=$2
python=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run_case() {  # name ddl expected-exit
  local name=$1 ddl=$2 expected=$3 status=0
  cp "$source_dir/fixtures/sampledb/chinook.sqlite" "$tmp/$name.primary.sqlite"
  printf '%s\n' "$ddl" > "$tmp/$name.sql"
  "$binary" shadow up --primary "$tmp/$name.primary.sqlite" --shadow "$tmp/$name.shadow.sqlite" --ddl "$tmp/$name.sql" \
    -o "$tmp/$name.manifest.json" > /dev/null
  "$binary" replay --shadow-manifest "$tmp/$name.manifest.json" --queries "$source_dir/fixtures/replay/chinook_sqlite_reads.sql" \
    --plan "$source_dir/fixtures/replay/staged.plan.json" -o "$tmp/$name.report.json" --junit "$tmp/$name.junit.xml" \
    > /dev/null || status=$?
  [[ $status == "$expected" ]] || { echo "FAIL: $name: replay exited $status, expected $expected" >&2; exit 1; }
  "$python" - "$tmp/$name.junit.xml" "$tmp/$name.report.json" <<'PY'
import json, sys
import xml.etree.ElementTree as ET

root = ET.parse(sys.argv[1]).getroot()
report = json.load(open(sys.argv[2]))
assert root.tag == "testsuites", root.tag
stages, differences = root.findall("testsuite")
assert stages.get("name") == "schemaflip replay stages"

cases = stages.findall("testcase")
assert len(cases) == len(report["stages"]), (len(cases), len(report["stages"]))
failed = 0
for case, stage in zip(cases, report["stages"]):
    failure = case.find("failure")
    should_fail = stage["status"] in ("failed", "insufficient")
    assert (failure is not None) == should_fail, (case.get("name"), stage["status"])
    assert (case.find("skipped") is not None) == (stage["status"] == "not_run"), case.get("name")
    failed += should_fail
assert int(stages.get("failures")) == failed
properties = {p.get("name"): p.get("value") for p in stages.find("properties")}
assert properties["decision"] == report["decision"], properties
assert properties["reason"] == report["reason"], properties

mismatches = [g for g in report["differences"] if g["mismatch"]]
difference_cases = differences.findall("testcase")
assert len(difference_cases) == len(mismatches)
for case, group in zip(difference_cases, mismatches):
    assert case.get("name") == group["fingerprint"] + " " + group["difference"], case.get("name")
    failure = case.find("failure")
    assert failure is not None and failure.get("type") == group["difference"]
    assert group["statement"][:50] in failure.text, failure.text
total_failures = failed + len(mismatches)
assert int(root.get("failures")) == total_failures and int(root.get("tests")) == len(cases) + len(mismatches)
print(f"{sys.argv[1]}: {len(cases)} stages, {len(mismatches)} failing fingerprints, decision {report['decision']}")
PY
}

run_case renamed_column "ALTER TABLE Track RENAME COLUMN Composer TO Author" 1
run_case added_index "CREATE INDEX track_composer_idx ON Track (Composer)" 0
