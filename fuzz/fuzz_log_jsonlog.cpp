// Feeds the jsonlog log reader (core/logs/jsonlog_reader.cpp: PostgreSQL 15 jsonlog objects through flat_json) with arbitrary bytes as one log file.
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    schemaflip::fuzz::read_every_record(schemaflip::logs::make_jsonlog_reader, schemaflip::fuzz::as_text(data, size));
    return 0;
}
