// Feeds `schemaflip flip` with any JSON document as the replay report (core/flip/flip_inputs.cpp reads
// it; compatibility.cpp and flip_task.cpp turn it into the flip task), then renders the task as text and
// as GitHub annotations.
#include "core/flip/flip_task.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace flip = schemaflip::flip;
    auto document = schemaflip::fuzz::parse_json(schemaflip::fuzz::as_text(data, size));
    if (!document) return 0;
    schemaflip::fuzz::expect_only_input_errors([&] {
        flip::FlipInputs inputs;
        inputs.report = std::move(*document);
        const auto task = flip::build_flip_task(inputs, 1'700'000'000'000);
        (void)flip::render_flip_summary(task);
        (void)flip::render_flip_github(task);
    });
    return 0;
}
