// What every fuzz target shares: the input as text, the rule that bad input may only end in schemaflip's
// own InputError or UsageError (exit 3 or 2), and checks that abort so libFuzzer keeps the input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/logs/line_source.hpp"
#include "core/logs/record_reader.hpp"
#include "core/util/error.hpp"

namespace schemaflip::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// Runs `body`, letting through only the errors that are the documented answer to bad input. Anything
// else (std::out_of_range, nlohmann's type_error, a database error) escapes to libFuzzer, which reports
// it as a crash: for a user it would be exit 5, "internal error".
template <typename Body>
void expect_only_input_errors(Body&& body) {
    try {
        body();
    } catch (const Error& error) {
        if (error.code() != ExitCode::bad_input && error.code() != ExitCode::usage) throw;
    }
}

// A property the code promises; on failure the input is a crash for libFuzzer (abort, not an exception
// that a caller could swallow).
inline void require(bool condition, const char* what) {
    if (condition) return;
    std::fprintf(stderr, "fuzz: property failed: %s\n", what);
    std::abort();
}

// The input as a JSON document; nullopt when it is not JSON (the CLI reports that itself, before any
// reader runs, so the readers only ever see parsed documents).
inline std::optional<nlohmann::json> parse_json(std::string_view text) {
    auto document = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (document.is_discarded()) return std::nullopt;
    return document;
}

using ReaderFactory = std::unique_ptr<logs::RecordReader> (*)(logs::LineSource&, const logs::ReaderOptions&);

// Every record a log reader finds in `text`, and what it says about itself afterwards.
inline void read_every_record(ReaderFactory make, std::string_view text, const logs::ReaderOptions& options = {}) {
    expect_only_input_errors([&] {
        auto lines = logs::buffer_line_source(text, "fuzz.log");
        auto reader = make(*lines, options);
        logs::LogRecord record;
        std::uint64_t previous_line = 0;
        while (reader->next(record)) {
            // Records come in input order and point at a line of the input.
            require(record.line >= previous_line, "record line numbers never go back");
            require(record.line <= lines->line_number(), "a record starts at a line already read");
            previous_line = record.line;
        }
        require(reader->unrecognised().examples.size() <= 5, "at most 5 unrecognised examples");
        (void)reader->description();
    });
}

}  // namespace schemaflip::fuzz
