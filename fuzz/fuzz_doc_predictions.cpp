// Feeds the two readers of a predictions document: `shadow up --changes` (the one event with DDL, parsed
// by core/sql; core/shadow/predicted_change.cpp) and `flip --predictions` (the event of the change and the
// queries it breaks; core/flip/flip_inputs.cpp).
#include "core/flip/flip_inputs.hpp"
#include "core/shadow/shadow_engine.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto document = schemaflip::fuzz::parse_json(schemaflip::fuzz::as_text(data, size));
    if (!document) return 0;
    std::string id;
    schemaflip::fuzz::expect_only_input_errors([&] {
        id = schemaflip::shadow::predicted_change_from_json(*document, "fuzz.json", "").id;
    });
    schemaflip::fuzz::expect_only_input_errors([&] {
        const auto event = schemaflip::flip::find_predicted_event(*document, id.empty() ? "0123456789abcdef" : id);
        if (!id.empty()) schemaflip::fuzz::require(event.has_value(), "flip finds the event shadow chose");
    });
    return 0;
}
