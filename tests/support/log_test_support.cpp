// Helpers shared by the log reader tests (see log_test_support.hpp).
#include "support/log_test_support.hpp"

#include <fstream>
#include <nlohmann/json.hpp>

#include "support/test_support.hpp"

namespace schemaflip::test {

ReadResult read_all(ReaderFactory make, logs::LineSource& lines, const logs::ReaderOptions& options) {
    auto reader = make(lines, options);
    ReadResult result;
    logs::LogRecord record;
    while (reader->next(record)) {
        result.records.push_back(record);
    }
    result.unrecognised = reader->unrecognised().count;
    result.stray = reader->stray_lines();
    result.description = reader->description();
    return result;
}

ReadResult read_buffer(ReaderFactory make, std::string_view text, const logs::ReaderOptions& options) {
    auto lines = logs::buffer_line_source(text);
    return read_all(make, *lines, options);
}

ReadResult read_shared_log(ReaderFactory make, const std::string& name) {
    auto lines = logs::open_line_source(shared_data_path("pglogs/" + name).string());
    return read_all(make, *lines);
}

const nlohmann::json& expected_counts() {
    static const nlohmann::json counts = [] {
        std::ifstream in(shared_data_path("pglogs/expected_counts.json"));
        return nlohmann::json::parse(in);
    }();
    return counts;
}

std::string string_or_empty(const nlohmann::json& object, const char* key) {
    const auto found = object.find(key);
    return found == object.end() ? std::string() : found->get<std::string>();
}

std::map<std::string, std::uint64_t> severity_counts(const std::vector<logs::LogRecord>& records) {
    std::map<std::string, std::uint64_t> counts;
    for (const auto& record : records) {
        ++counts[record.severity];
    }
    return counts;
}

}  // namespace schemaflip::test
