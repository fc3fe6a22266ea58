// Feeds the syslog log reader (core/logs/syslog_reader.cpp: syslog envelopes, [N-k] parts, detected log_line_prefix) with arbitrary bytes as one log file.
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    schemaflip::fuzz::read_every_record(schemaflip::logs::make_syslog_reader, schemaflip::fuzz::as_text(data, size));
    return 0;
}
