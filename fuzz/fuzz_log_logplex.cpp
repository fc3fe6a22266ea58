// Feeds the logplex log reader (core/logs/logplex_reader.cpp: Heroku logplex lines, app[postgres.PID] envelopes) with arbitrary bytes as one log file.
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    schemaflip::fuzz::read_every_record(schemaflip::logs::make_logplex_reader, schemaflip::fuzz::as_text(data, size));
    return 0;
}
