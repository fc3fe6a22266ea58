// Exposes the byte array that cmake/EmbedFile.cmake generates from models/default_model.ubj.
#include "core/predict/default_model.hpp"

#include <cstddef>

#include "core/predict/model.hpp"
#include "core/util/error.hpp"

namespace schemaflip::embedded {
// Defined in the generated <build>/core/embedded/default_model.cpp.
extern const unsigned char default_model[];
extern const std::size_t default_model_size;
}  // namespace schemaflip::embedded

namespace schemaflip::predict {

std::span<const unsigned char> default_model_bytes() {
    return {embedded::default_model, embedded::default_model_size};
}

Model Model::load_default() {
    const auto bytes = default_model_bytes();
    if (bytes.empty()) {
        throw InputError("this build embeds no default model", "models/default_model.ubj was empty when it was built",
                         "run scripts/train-default-model.sh, or give --model");
    }
    return load_from_bytes(bytes, "the embedded default model");
}

}  // namespace schemaflip::predict
