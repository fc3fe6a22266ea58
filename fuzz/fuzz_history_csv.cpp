// Feeds the schema-history CSV reader (core/history/csv_reader.cpp: RFC 4180 quoting, one row per op,
// `train --history`); every event it keeps has an op of the vocabulary.
#include "core/history/history.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    schemaflip::history::History history;
    schemaflip::fuzz::expect_only_input_errors([&] {
        schemaflip::history::read_history_csv_text(schemaflip::fuzz::as_text(data, size), "fuzz.csv", history);
    });
    for (const auto& event : history.events) {
        schemaflip::fuzz::require(schemaflip::history::is_known_op(event.op), "events have known ops");
    }
    schemaflip::fuzz::require(history.problems.examples.size() <= schemaflip::history::k_max_problem_examples,
                              "problem examples are capped");
    return 0;
}
