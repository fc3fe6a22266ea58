// The default change-prediction model: models/default_model.ubj, trained on the shared schema-history
// train.csv by scripts/train-default-model.sh and embedded in the binary at build time
// (cmake/EmbedFile.cmake). Model::load_default() loads it.
#pragma once

#include <span>

namespace schemaflip::predict {

// The bytes of models/default_model.ubj as they were when the binary was built.
std::span<const unsigned char> default_model_bytes();

}  // namespace schemaflip::predict
