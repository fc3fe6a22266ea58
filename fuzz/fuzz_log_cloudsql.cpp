// Feeds the cloudsql log reader (core/logs/cloudsql_reader.cpp: Cloud SQL JSON entries holding stderr lines) with arbitrary bytes as one log file.
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    schemaflip::fuzz::read_every_record(schemaflip::logs::make_cloudsql_reader, schemaflip::fuzz::as_text(data, size));
    return 0;
}
