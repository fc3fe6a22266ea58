// Helpers shared by the log reader tests: every record of a buffer or shared log, the expected counts.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/logs/line_source.hpp"
#include "core/logs/record_reader.hpp"

namespace schemaflip::test {

// What a reader gave: its records, then its counts and description once the input was read.
struct ReadResult {
    std::vector<logs::LogRecord> records;
    std::uint64_t unrecognised = 0;
    std::uint64_t stray = 0;
    std::string description;
};

using ReaderFactory = std::unique_ptr<logs::RecordReader> (*)(logs::LineSource&, const logs::ReaderOptions&);

ReadResult read_all(ReaderFactory make, logs::LineSource& lines, const logs::ReaderOptions& options = {});
ReadResult read_buffer(ReaderFactory make, std::string_view text, const logs::ReaderOptions& options = {});
// A log in the shared data's pglogs/ folder.
ReadResult read_shared_log(ReaderFactory make, const std::string& name);

// pglogs/expected_counts.json, written by a script independent of this code; parsed once.
const nlohmann::json& expected_counts();

// The string at `key`, or "" when the object has no such key.
std::string string_or_empty(const nlohmann::json& object, const char* key);

// How many records there are of each severity.
std::map<std::string, std::uint64_t> severity_counts(const std::vector<logs::LogRecord>& records);

}  // namespace schemaflip::test
