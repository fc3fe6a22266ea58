// Feeds the jsonl log reader (core/logs/jsonl_reader.cpp: {"ts", "query", "duration_ms"} lines) with arbitrary bytes as one log file.
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    schemaflip::fuzz::read_every_record(schemaflip::logs::make_jsonl_reader, schemaflip::fuzz::as_text(data, size));
    return 0;
}
