// Feeds the sql log reader (core/logs/sql_reader.cpp: plain .sql files split into statements) with arbitrary bytes as one log file.
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    schemaflip::fuzz::read_every_record(schemaflip::logs::make_sql_reader, schemaflip::fuzz::as_text(data, size));
    return 0;
}
