// Feeds `schemaflip rollback` with any JSON document as the flip task: its rollback section read back
// (core/flip/apply_rollback.cpp, read_task_rollback) and rendered as the text rollback shows.
#include "core/flip/apply_rollback.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto document = schemaflip::fuzz::parse_json(schemaflip::fuzz::as_text(data, size));
    if (!document) return 0;
    schemaflip::fuzz::expect_only_input_errors([&] {
        (void)schemaflip::flip::render_rollback(schemaflip::flip::read_task_rollback(*document));
    });
    return 0;
}
