// Reads PostgreSQL jsonlog (PG 15+): one JSON object a line, keys left out when their value is empty.
#include <string>

#include "core/logs/flat_json.hpp"
#include "core/logs/log_line_prefix.hpp"
#include "core/logs/record_reader.hpp"

namespace schemaflip::logs {
namespace {

constexpr std::string_view k_successful_completion = "00000";

bool is_blank(std::string_view line) { return line.find_first_not_of(" \t") == std::string_view::npos; }

class JsonlogReader final : public RecordReader {
public:
    explicit JsonlogReader(LineSource& lines) : m_lines(lines) {}

    bool next(LogRecord& record) override {
        std::string_view line;
        while (m_lines.next_line(line)) {
            if (is_blank(line)) {
                continue;
            }
            const char* problem = fill_record(line, record);
            if (problem == nullptr) {
                return true;
            }
            m_unrecognised.add(m_lines.name(), m_lines.line_number(), problem, line);
        }
        return false;
    }

    const Unrecognised& unrecognised() const override { return m_unrecognised; }
    std::uint64_t stray_lines() const override { return 0; }
    std::string description() const override { return "jsonlog"; }

private:
    // Fills the record from one line; returns why the line is not a jsonlog record, or nullptr.
    const char* fill_record(std::string_view line, LogRecord& record) {
        record.clear();
        record.source = m_lines.name();
        record.line = m_lines.line_number();
        flat_json::ObjectCursor cursor(line);
        std::string_view key;
        flat_json::Value value;
        bool has_severity = false;
        bool has_message = false;
        bool has_state_code = false;
        while (cursor.next(key, value)) {
            bool ok = true;
            if (key == "timestamp") {
                std::size_t time_length = 0;
                record.time_ms = parse_timestamp(value.text, time_length);
                ok = record.time_ms.has_value();
            } else if (key == "user") {
                ok = flat_json::assign_scalar(value, record.user);
            } else if (key == "dbname") {
                ok = flat_json::assign_scalar(value, record.database);
            } else if (key == "pid") {
                ok = flat_json::assign_scalar(value, record.session);
            } else if (key == "application_name") {
                ok = flat_json::assign_scalar(value, record.application);
            } else if (key == "error_severity") {
                ok = flat_json::assign_scalar(value, record.severity);
                has_severity = true;
            } else if (key == "state_code") {
                ok = flat_json::assign_scalar(value, record.sqlstate);
                has_state_code = true;
            } else if (key == "message") {
                ok = flat_json::assign_scalar(value, record.message);
                has_message = true;
            } else if (key == "detail") {
                ok = flat_json::assign_scalar(value, record.detail);
            } else if (key == "statement") {
                ok = flat_json::assign_scalar(value, record.statement);
            }
            if (!ok) {
                return "jsonlog field with a value of the wrong kind";
            }
        }
        if (cursor.failed()) {
            return "not a JSON object";
        }
        if (!has_severity || !has_message) {
            return "JSON object without error_severity and message";
        }
        // PostgreSQL leaves state_code out when it is 00000 (successful completion), which csvlog and
        // %e write out; filling it in keeps the formats' records equal.
        if (!has_state_code) {
            record.sqlstate = k_successful_completion;
        }
        return nullptr;
    }

    LineSource& m_lines;
    Unrecognised m_unrecognised;
};

}  // namespace

std::unique_ptr<RecordReader> make_jsonlog_reader(LineSource& lines, const ReaderOptions&) {
    return std::make_unique<JsonlogReader>(lines);
}

bool sniff_jsonlog(std::string_view first_line) {
    flat_json::ObjectCursor cursor(first_line);
    std::string_view key;
    flat_json::Value value;
    bool has_timestamp = false;
    bool has_severity = false;
    while (cursor.next(key, value)) {
        has_timestamp = has_timestamp || (key == "timestamp" && value.kind == flat_json::Kind::string);
        has_severity = has_severity || (key == "error_severity" && value.kind == flat_json::Kind::string);
    }
    return !cursor.failed() && has_timestamp && has_severity;
}

}  // namespace schemaflip::logs
