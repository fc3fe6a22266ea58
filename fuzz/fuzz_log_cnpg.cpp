// Feeds the cnpg log reader (core/logs/cnpg_reader.cpp: CloudNativePG JSON lines wrapping csvlog records) with arbitrary bytes as one log file.
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    schemaflip::fuzz::read_every_record(schemaflip::logs::make_cnpg_reader, schemaflip::fuzz::as_text(data, size));
    return 0;
}
