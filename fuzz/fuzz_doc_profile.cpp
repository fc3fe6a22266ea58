// Feeds predict's readers of the documents it takes besides a live database: the workload profile
// (core/predict/predictions_inputs.cpp, each example parsed again by core/sql) and the schema snapshot
// (core/schema/snapshot.cpp, also embedded in manifests and flip tasks).
#include "core/predict/predictions_inputs.hpp"
#include "core/schema/snapshot.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto document = schemaflip::fuzz::parse_json(schemaflip::fuzz::as_text(data, size));
    if (!document) return 0;
    schemaflip::fuzz::expect_only_input_errors([&] {
        (void)schemaflip::predict::workload_from_json(*document, "fuzz.json", nullptr);
    });
    schemaflip::fuzz::expect_only_input_errors([&] {
        (void)schemaflip::schema::render_text(schemaflip::schema::snapshot_from_json(*document));
    });
    return 0;
}
