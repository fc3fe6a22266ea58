// Reads JSON lines of statements, {"ts": …, "query": …, "duration_ms": …}: one plain statement a line.
#include <charconv>
#include <cmath>
#include <optional>
#include <string>

#include "core/logs/flat_json.hpp"
#include "core/logs/log_line_prefix.hpp"
#include "core/logs/json_line_reader.hpp"

namespace schemaflip::logs {
namespace {

// Epoch numbers above this are milliseconds: as seconds they would be past the year 5000.
constexpr double k_epoch_milliseconds_threshold = 1e11;

constexpr std::string_view k_blank_characters = " \t\r\n";

bool is_blank(std::string_view text) { return text.find_first_not_of(k_blank_characters) == std::string_view::npos; }

std::optional<double> parse_number(std::string_view text) {
    double number = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (error != std::errc{} || end != text.data() + text.size() || !std::isfinite(number)) {
        return std::nullopt;
    }
    return number;
}

// ts: an ISO-8601 string, or epoch seconds (fractional allowed) or milliseconds as a number.
bool read_time(const flat_json::Value& value, LogRecord& record) {
    if (value.kind == flat_json::Kind::null) {
        return true;
    }
    if (value.kind == flat_json::Kind::string) {
        std::size_t time_length = 0;
        record.time_ms = parse_timestamp(value.text, time_length);
        return record.time_ms.has_value() && time_length == value.text.size();
    }
    if (value.kind != flat_json::Kind::number) {
        return false;
    }
    const auto number = parse_number(value.text);
    if (!number || std::fabs(*number) > 1e15) {
        return false;
    }
    const double milliseconds = std::fabs(*number) >= k_epoch_milliseconds_threshold ? *number : *number * 1000.0;
    record.time_ms = static_cast<std::int64_t>(std::floor(milliseconds));
    return true;
}

bool read_duration(const flat_json::Value& value, LogRecord& record) {
    if (value.kind == flat_json::Kind::null) {
        return true;
    }
    if (value.kind != flat_json::Kind::number) {
        return false;
    }
    const auto number = parse_number(value.text);
    if (!number || *number < 0) {
        return false;
    }
    record.plain_duration_ms = number;
    return true;
}

class JsonlReader final : public JsonLineReader {
public:
    explicit JsonlReader(LineSource& lines) : JsonLineReader(lines, k_blank_characters) {}

    std::string description() const override { return "jsonl"; }

private:
    // Returns why the line is not a statement line, or nullptr.
    const char* fill_record(std::string_view line, LogRecord& record) override {
        record.plain_statement = true;
        flat_json::ObjectCursor cursor(line);
        std::string_view key;
        flat_json::Value value;
        bool has_query = false;
        while (cursor.next(key, value)) {
            if (key == "query") {
                if (value.kind != flat_json::Kind::string || !flat_json::decode_string(value.text, record.message)) {
                    return "\"query\" is not a string";
                }
                has_query = true;
            } else if (key == "ts") {
                if (!read_time(value, record)) {
                    return "\"ts\" is neither an ISO-8601 time nor an epoch number";
                }
            } else if (key == "duration_ms") {
                if (!read_duration(value, record)) {
                    return "\"duration_ms\" is not a non-negative number";
                }
            }
        }
        if (cursor.failed()) {
            return "not a JSON object";
        }
        if (!has_query || is_blank(record.message)) {
            return "JSON line without a query";
        }
        return nullptr;
    }
};

}  // namespace

std::unique_ptr<RecordReader> make_jsonl_reader(LineSource& lines, const ReaderOptions&) {
    return std::make_unique<JsonlReader>(lines);
}

// An object with a "query" key that is none of the server-log JSON formats (jsonlog, cnpg, Cloud SQL).
bool sniff_jsonl(std::string_view first_line) {
    flat_json::ObjectCursor cursor(first_line);
    std::string_view key;
    flat_json::Value value;
    bool has_query = false;
    bool has_server_log_key = false;
    while (cursor.next(key, value)) {
        has_query = has_query || (key == "query" && value.kind == flat_json::Kind::string);
        has_server_log_key = has_server_log_key || key == "textPayload" || key == "logName";
    }
    return !cursor.failed() && has_query && !has_server_log_key && !sniff_jsonlog(first_line) &&
           !sniff_cnpg(first_line);
}

}  // namespace schemaflip::logs
