#!/bin/sh
# Regenerates models/default_model.ubj, the model embedded in the binary: builds schemaflip, trains it on
# the shared schema-history train.csv exactly as the product documents (`schemaflip train --history
# train.csv -o models/default_model.ubj`, default seed, rounds and horizon), then rebuilds so the binary
# embeds the new bytes. Run it after any change to the features, the targets or the training parameters;
# the ctest test default_model_is_reproducible fails until then.
# Usage: scripts/train-default-model.sh [BUILD_DIR]   (default: build; SCHEMAFLIP_SHARED_DATA overrides
# the data folder, default ../shared/data next to the repository)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
history=${SCHEMAFLIP_SHARED_DATA:-$root/../shared/data}/schema-history/train.csv

cmake --build "$build" --target schemaflip
"$build/cli/schemaflip" train --history "$history" -o "$root/models/default_model.ubj"
cmake --build "$build" --target schemaflip
ls -l "$root/models/default_model.ubj"
