#!/bin/sh
# Held-out check of the change-prediction model (issue 4's bar): train on 8 of the 11 projects of
# train.csv, evaluate on the rest, rotating; see train_holdout.py.
# Usage: bench/train_holdout.sh [BINARY [TRAIN FLAGS...]]   e.g. bench/train_holdout.sh build-release/cli/schemaflip --seed 7
set -eu
here=$(cd "$(dirname "$0")" && pwd)
binary=${1:-$here/../build-release/cli/schemaflip}
[ $# -gt 0 ] && shift
exec python3 "$here/train_holdout.py" "$binary" "$here/../../shared/data/schema-history/train.csv" "$@"
