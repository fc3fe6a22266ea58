// Feeds the shadow manifest reader (core/shadow/shadow_manifest.cpp: `shadow status/down`, `replay
// --shadow-manifest`, `flip --shadow-manifest`) with any JSON document; a manifest it accepts renders as
// text and reads back from its own JSON as the same manifest.
#include "core/shadow/shadow_manifest.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace shadow = schemaflip::shadow;
    const auto document = schemaflip::fuzz::parse_json(schemaflip::fuzz::as_text(data, size));
    if (!document) return 0;
    schemaflip::fuzz::expect_only_input_errors([&] {
        const auto manifest = shadow::manifest_from_json(*document);
        (void)shadow::render_text(manifest);
        const auto rendered = shadow::to_json(manifest);
        schemaflip::fuzz::require(shadow::to_json(shadow::manifest_from_json(nlohmann::json(rendered))) == rendered,
                                  "a manifest reads back as itself");
    });
    return 0;
}
