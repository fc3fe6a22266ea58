// Feeds the replay plan reader (core/replay/plan.cpp, `replay --plan`) with any JSON document; a plan it
// accepts must survive its own rendering: reading back to_json(plan) gives the same plan.
#include "core/replay/plan.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto document = schemaflip::fuzz::parse_json(schemaflip::fuzz::as_text(data, size));
    if (!document) return 0;
    schemaflip::fuzz::expect_only_input_errors([&] {
        const auto rendered = schemaflip::replay::to_json(schemaflip::replay::plan_from_json(*document));
        const auto again = schemaflip::replay::to_json(schemaflip::replay::plan_from_json(nlohmann::json(rendered)));
        schemaflip::fuzz::require(rendered == again, "a plan reads back as itself");
    });
    return 0;
}
