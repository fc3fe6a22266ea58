#!/usr/bin/env python3
"""Validates every JSON document schemaflip writes against its JSON Schema in schemas/.

Documents come from two places: the golden outputs in fixtures/cli (equal to what the binary prints,
checked by the golden test), and fresh runs of the binary against the test databases listed below.
Usage: validate_documents.py SCHEMAFLIP_BINARY SOURCE_DIR
"""
import json
import os
import pathlib
import shutil
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


def postgres_logical_shadow_argv(chinook):
    """A logically synced PostgreSQL shadow of Chinook (a publication and slot on it until shadow_down_after)."""
    ddl = pathlib.Path(SCRATCH.name) / "pg-change.sql"
    ddl.write_text("ALTER TABLE customer ADD COLUMN tier text;\nALTER TABLE invoice_line ALTER COLUMN quantity TYPE bigint;\n")
    shadow = chinook.rsplit("/", 1)[0] + f"/sf_validate_shadow_{os.getpid()}"
    return ["--format", "json", "shadow", "up", "--primary", chinook, "--shadow", shadow, "--ddl", str(ddl), "--sync", "logical"]


def shadow_down_after(name, document):
    """Removes the PostgreSQL shadow a run created, from the manifest it printed."""
    if not name.startswith("shadow up postgresql") or document.get("kind") != "shadow_manifest":
        return
    manifest = pathlib.Path(SCRATCH.name) / "pg-shadow.json"
    manifest.write_text(json.dumps(document))
    subprocess.run([binary, "shadow", "down", "--manifest", str(manifest)], capture_output=True, check=False)


def train_argv(history):
    """A small training run: one project of the shared history, a few rounds, the model in the scratch dir."""
    small = pathlib.Path(SCRATCH.name) / "healthchecks.csv"
    lines = history.read_text().splitlines(keepends=True)
    small.write_text(lines[0] + "".join(line for line in lines[1:] if line.startswith("healthchecks/healthchecks,")))
    return ["--format", "json", "train", "--history", str(small), "-o", str(pathlib.Path(SCRATCH.name) / "model.ubj"),
            "--rounds", "3"]


# Runs whose exit status 1 (the gate says no) still prints their document: replay's and flip's hold and rollback.
GATE_RUNS = {"replay sqlite chinook dropped column", "flip sqlite chinook dropped column"}


def replay_runs():
    """Replays on SQLite copies of the Chinook fixture: an identical copy (flip) and one without Customer.Fax
    (rollback: shape_narrowed and error_shadow_only examples with both sides' rows)."""
    scratch = pathlib.Path(SCRATCH.name)
    chinook = source / "fixtures/sampledb/chinook.sqlite"
    queries = [str(source / "fixtures/replay/chinook_sqlite_reads.sql"), str(source / "fixtures/replay/noisy_sqlite.sql")]
    plan = str(source / "fixtures/replay/staged.plan.json")
    copy = scratch / "replay-copy.sqlite"
    shutil.copyfile(chinook, copy)
    ddl = scratch / "replay-change.sql"
    ddl.write_text("ALTER TABLE Customer DROP COLUMN Fax;\n")
    manifest = scratch / "replay-shadow.json"
    subprocess.run([binary, "shadow", "up", "--primary", str(chinook), "--shadow", str(scratch / "replay-shadow.sqlite"),
                    "--ddl", str(ddl), "-o", str(manifest)], capture_output=True, check=True)
    return [("replay sqlite chinook identity", ["--format", "json", "replay", "--primary", str(chinook), "--shadow", str(copy),
                                                "--queries", *queries, "--plan", plan]),
            ("replay sqlite chinook dropped column", ["--format", "json", "replay", "--shadow-manifest", str(manifest),
                                                      "--queries", *queries, "--plan", plan])]


def flip_runs():
    """Flip tasks from replay reports on SQLite copies of Chinook: an added column (flip, a rollback step) and a
    dropped column (rollback decision, IRREVERSIBLE, affected fingerprints)."""
    scratch = pathlib.Path(SCRATCH.name)
    chinook = source / "fixtures/sampledb/chinook.sqlite"
    queries = [str(source / "fixtures/replay/chinook_sqlite_reads.sql")]
    runs = []
    for name, ddl in [("added column", "ALTER TABLE Track ADD COLUMN Rating integer;\n"),
                      ("dropped column", "ALTER TABLE Customer DROP COLUMN Fax;\n")]:
        slug = name.replace(" ", "-")
        change = scratch / f"flip-{slug}.sql"
        change.write_text(ddl)
        manifest, report = scratch / f"flip-{slug}-shadow.json", scratch / f"flip-{slug}-report.json"
        subprocess.run([binary, "shadow", "up", "--primary", str(chinook), "--shadow", str(scratch / f"flip-{slug}.sqlite"),
                        "--ddl", str(change), "-o", str(manifest)], capture_output=True, check=True)
        subprocess.run([binary, "replay", "--shadow-manifest", str(manifest), "--queries", *queries,
                        "--plan", str(source / "fixtures/replay/zoo.plan.json"), "-o", str(report)], capture_output=True, check=False)
        runs.append((f"flip sqlite chinook {name}", ["flip", "--report", str(report), "--shadow-manifest", str(manifest)]))
    return runs


def fresh_runs():
    """(name, argv) pairs whose stdout is a JSON document."""
    runs = [("inspect sqlite chinook", ["--format", "json", "inspect", str(source / "fixtures/sampledb/chinook.sqlite")])]
    runs.append(("shadow up sqlite chinook", shadow_up_argv()))
    predict = source / "fixtures/predict"
    runs.append(("predict sqlite patterns", ["--format", "json", "predict", "--at", "2026-11-24", "--db", str(predict / "patterns.sqlite"),
                                             "--pending", str(predict / "pending"), "--profile", str(predict / "chinook_app.profile.json")]))
    history = source.parent / "shared/data/schema-history/train.csv"
    runs.append(("train --evaluate default model", ["--format", "json", "train", "--evaluate", str(history)]))
    runs.append(("train healthchecks", train_argv(history)))
    runs.extend(replay_runs())
    runs.extend(flip_runs())
    logs = source.parent / "shared/data/pglogs"
    for name in ["pg15gen__gen_a.log", "pgbadger__cnpg.log.gz", "pgbadger__logplex.log", "pgbadger__multiline_param.log",
                 "pgbadger__pg-syslog.1.gz"]:
        runs.append((f"analyze {name}", ["--format", "json", "analyze", str(logs / name)]))
    pg = os.environ.get("SCHEMAFLIP_TEST_PG")
    if pg:
        chinook = pg.rsplit("/", 1)[0] + "/chinook"
        runs.append(("inspect postgresql chinook", ["--format", "json", "inspect", chinook, "--exact-counts"]))
        runs.append(("predict postgresql chinook", ["--format", "json", "predict", "--at", "2026-11-25", "--db", chinook,
                                                    "--profile", str(predict / "chinook_app.profile.json"),
                                                    "--pending", str(predict / "pending")]))
        runs.append(("shadow up postgresql chinook --sync logical", postgres_logical_shadow_argv(chinook)))
    elif os.environ.get("CI") == "true":
        sys.exit("SCHEMAFLIP_TEST_PG is not set: in CI the PostgreSQL documents must be validated")
    return runs


def documents():
    for path in sorted((source / "fixtures/cli").rglob("expected.stdout")):
        text = path.read_text()
        if text.lstrip().startswith("{"):
            yield str(path.relative_to(source)), json.loads(text)
    for path in sorted((source / "fixtures/replay").glob("*.plan.json")):
        yield str(path.relative_to(source)), json.loads(path.read_text())
    for name, argv in fresh_runs():
        result = subprocess.run([binary, *argv], capture_output=True, text=True, check=False)
        if result.returncode != 0 and not (result.returncode == 1 and name in GATE_RUNS):
            yield name, {"error": f"exit {result.returncode}: {result.stderr.strip()}"}
        else:
            document = json.loads(result.stdout)
            shadow_down_after(name, document)
            yield name, document


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
