// Feeds the stderr log reader (core/logs/stderr_reader.cpp and the log_line_prefix matcher): the input's
// first line is the --prefix (empty: detect it from the log), the rest is the log.
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input = schemaflip::fuzz::as_text(data, size);
    const auto newline = input.find('\n');
    if (newline == std::string_view::npos) return 0;
    schemaflip::logs::ReaderOptions options;
    options.prefix = std::string(input.substr(0, newline));
    schemaflip::fuzz::read_every_record(schemaflip::logs::make_stderr_reader, input.substr(newline + 1), options);
    return 0;
}
