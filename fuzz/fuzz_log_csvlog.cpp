// Feeds the csvlog log reader (core/logs/csvlog_reader.cpp: CSV rows of 23-26 columns, quoted multi-line fields) with arbitrary bytes as one log file.
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    schemaflip::fuzz::read_every_record(schemaflip::logs::make_csvlog_reader, schemaflip::fuzz::as_text(data, size));
    return 0;
}
