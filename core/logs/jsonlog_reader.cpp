// Reads PostgreSQL jsonlog (PG 15+): one JSON object a line, keys left out when their value is empty.
#include <array>
#include <string>

#include "core/logs/flat_json.hpp"
#include "core/logs/json_line_reader.hpp"
#include "core/logs/record_fields.hpp"

namespace schemaflip::logs {
namespace {

constexpr std::string_view k_successful_completion = "00000";

constexpr std::array<JsonField, 10> k_fields{{
    {"timestamp", RecordField::time},
    {"user", RecordField::user},
    {"dbname", RecordField::database},
    {"pid", RecordField::session},
    {"application_name", RecordField::application},
    {"error_severity", RecordField::severity},
    {"state_code", RecordField::sqlstate},
    {"message", RecordField::message},
    {"detail", RecordField::detail},
    {"statement", RecordField::statement},
}};

class JsonlogReader final : public JsonLineReader {
public:
    explicit JsonlogReader(LineSource& lines) : JsonLineReader(lines, " \t") {}

    std::string description() const override { return "jsonlog"; }

private:
    // Returns why the line is not a jsonlog record, or nullptr.
    const char* fill_record(std::string_view line, LogRecord& record) override {
        flat_json::ObjectCursor cursor(line);
        FieldSet seen;
        if (!assign_json_fields(cursor, k_fields, record, seen)) {
            return "jsonlog field with a value of the wrong kind";
        }
        if (cursor.failed()) {
            return "not a JSON object";
        }
        if (!seen.contains(RecordField::severity) || !seen.contains(RecordField::message)) {
            return "JSON object without error_severity and message";
        }
        // PostgreSQL leaves state_code out when it is 00000 (successful completion), which csvlog and
        // %e write out; filling it in keeps the formats' records equal.
        if (!seen.contains(RecordField::sqlstate)) {
            record.sqlstate = k_successful_completion;
        }
        return nullptr;
    }
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
