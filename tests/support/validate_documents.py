#!/usr/bin/env python3
"""Validates every JSON document schemaflip writes against its JSON Schema in schemas/.

Documents come from two places: the golden outputs in fixtures/cli (equal to what the binary prints,
checked by the golden test), and fresh runs of the binary against the test databases listed below.
Usage: validate_documents.py SCHEMAFLIP_BINARY SOURCE_DIR
"""
import json
import os
import pathlib
import subprocess
import sys
import tempfile

import jsonschema

binary, source = sys.argv[1], pathlib.Path(sys.argv[2]).resolve()


def load_validators():
    validators = {}
    for path in sorted((source / "schemas").glob("*.schema.json")):
        schema = json.loads(path.read_text())
        jsonschema.Draft202012Validator.check_schema(schema)
        kind = schema["properties"]["kind"]["const"]
        validators[kind] = jsonschema.Draft202012Validator(schema)
    return validators


SCRATCH = tempfile.TemporaryDirectory(prefix="schemaflip-validate.")


def shadow_up_argv():
    """A SQLite shadow of the Chinook fixture (only read) with a column added and a type rebuilt, in a scratch dir."""
    ddl = pathlib.Path(SCRATCH.name) / "change.sql"
    ddl.write_text("ALTER TABLE customer ADD COLUMN tier text;\nALTER TABLE invoice ALTER COLUMN total TYPE numeric(12,2);\n")
    return ["--format", "json", "shadow", "up", "--primary", str(source / "fixtures/sampledb/chinook.sqlite"),
            "--shadow", str(pathlib.Path(SCRATCH.name) / "shadow.sqlite"), "--ddl", str(ddl)]


def fresh_runs():
    """(name, argv) pairs whose stdout is a JSON document."""
    runs = [("inspect sqlite chinook", ["--format", "json", "inspect", str(source / "fixtures/sampledb/chinook.sqlite")])]
    runs.append(("shadow up sqlite chinook", shadow_up_argv()))
    logs = source.parent / "shared/data/pglogs"
    for name in ["pg15gen__gen_a.log", "pgbadger__cnpg.log.gz", "pgbadger__logplex.log", "pgbadger__multiline_param.log",
                 "pgbadger__pg-syslog.1.gz"]:
        runs.append((f"analyze {name}", ["--format", "json", "analyze", str(logs / name)]))
    pg = os.environ.get("SCHEMAFLIP_TEST_PG")
    if pg:
        chinook = pg.rsplit("/", 1)[0] + "/chinook"
        runs.append(("inspect postgresql chinook", ["--format", "json", "inspect", chinook, "--exact-counts"]))
    elif os.environ.get("CI") == "true":
        sys.exit("SCHEMAFLIP_TEST_PG is not set: in CI the PostgreSQL documents must be validated")
    return runs


def documents():
    for path in sorted((source / "fixtures/cli").rglob("expected.stdout")):
        text = path.read_text()
        if text.lstrip().startswith("{"):
            yield str(path.relative_to(source)), json.loads(text)
    for name, argv in fresh_runs():
        result = subprocess.run([binary, *argv], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            yield name, {"error": f"exit {result.returncode}: {result.stderr.strip()}"}
        else:
            yield name, json.loads(result.stdout)


def main():
    validators = load_validators()
    passed = failed = 0
    for name, document in documents():
        validator = validators.get(document.get("kind"))
        errors = [f"no schema for kind {document.get('kind')!r}: {document}"] if validator is None else [
            f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]
        if errors:
            failed += 1
            print(f"FAIL {name}")
            for error in errors[:10]:
                print(f"  {error}")
        else:
            passed += 1
            print(f"ok   {name}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
