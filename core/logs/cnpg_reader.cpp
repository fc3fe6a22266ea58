// Reads CloudNativePG JSON lines: PostgreSQL records ("logger":"postgres","msg":"record") carry the
// csvlog fields under "record"; every other line (instance manager, pg_controldata, …) is stray.
#include <array>
#include <string>

#include "core/logs/flat_json.hpp"
#include "core/logs/record_fields.hpp"
#include "core/logs/record_reader.hpp"

namespace schemaflip::logs {
namespace {

// The keys under "record": csvlog's column names.
constexpr std::array<JsonField, 10> k_fields{{
    {"log_time", RecordField::time},
    {"user_name", RecordField::user},
    {"database_name", RecordField::database},
    {"process_id", RecordField::session},
    {"application_name", RecordField::application},
    {"error_severity", RecordField::severity},
    {"sql_state_code", RecordField::sqlstate},
    {"message", RecordField::message},
    {"detail", RecordField::detail},
    {"query", RecordField::statement},
}};

bool is_blank(std::string_view line) { return line.find_first_not_of(" \t") == std::string_view::npos; }

// The envelope members that decide whether a line is a PostgreSQL record.
struct Envelope {
    std::string_view logger;
    std::string_view msg;
    std::string_view record;  // the object text, empty when absent
    bool is_json = false;
};

Envelope read_envelope(std::string_view line) {
    Envelope envelope;
    flat_json::ObjectCursor cursor(line);
    std::string_view key;
    flat_json::Value value;
    while (cursor.next(key, value)) {
        if (key == "logger" && value.kind == flat_json::Kind::string) {
            envelope.logger = value.text;
        } else if (key == "msg" && value.kind == flat_json::Kind::string) {
            envelope.msg = value.text;
        } else if (key == "record" && value.kind == flat_json::Kind::object) {
            envelope.record = value.text;
        }
    }
    envelope.is_json = !cursor.failed();
    return envelope;
}

bool is_postgres_record(const Envelope& envelope) {
    return envelope.logger == "postgres" && envelope.msg == "record" && !envelope.record.empty();
}

class CnpgReader final : public RecordReader {
public:
    explicit CnpgReader(LineSource& lines) : m_lines(lines) {}

    bool next(LogRecord& record) override {
        std::string_view line;
        while (m_lines.next_line(line)) {
            if (is_blank(line)) {
                continue;
            }
            const Envelope envelope = read_envelope(line);
            if (!envelope.is_json) {
                m_unrecognised.add(m_lines.name(), m_lines.line_number(), "not a JSON object", line);
                continue;
            }
            if (!is_postgres_record(envelope)) {
                ++m_stray_lines;
                continue;
            }
            const char* problem = fill_record(envelope.record, record);
            if (problem == nullptr) {
                return true;
            }
            m_unrecognised.add(m_lines.name(), m_lines.line_number(), problem, line);
        }
        return false;
    }

    const Unrecognised& unrecognised() const override { return m_unrecognised; }
    std::uint64_t stray_lines() const override { return m_stray_lines; }
    std::string description() const override { return "cnpg"; }

private:
    // Maps the csvlog-named fields of "record"; returns why they do not make a record, or nullptr.
    const char* fill_record(std::string_view fields, LogRecord& record) {
        record.clear();
        record.source = m_lines.name();
        record.line = m_lines.line_number();
        flat_json::ObjectCursor cursor(fields);
        FieldSet seen;
        if (!assign_json_fields(cursor, k_fields, record, seen)) {
            return "cnpg record field with a value of the wrong kind";
        }
        if (!seen.contains(RecordField::severity)) {
            return "cnpg record without error_severity";
        }
        return nullptr;
    }

    LineSource& m_lines;
    Unrecognised m_unrecognised;
    std::uint64_t m_stray_lines = 0;
};

}  // namespace

std::unique_ptr<RecordReader> make_cnpg_reader(LineSource& lines, const ReaderOptions&) {
    return std::make_unique<CnpgReader>(lines);
}

// A CloudNativePG log may start with an instance-manager line rather than a PostgreSQL record, so any
// zap-style line (level, ts, msg) counts, as well as a PostgreSQL record envelope.
bool sniff_cnpg(std::string_view first_line) {
    flat_json::ObjectCursor cursor(first_line);
    std::string_view key;
    flat_json::Value value;
    bool has_level = false;
    bool has_ts = false;
    bool has_msg = false;
    while (cursor.next(key, value)) {
        has_level = has_level || key == "level";
        has_ts = has_ts || key == "ts";
        has_msg = has_msg || key == "msg";
    }
    if (cursor.failed()) {
        return false;
    }
    return (has_level && has_ts && has_msg) || is_postgres_record(read_envelope(first_line));
}

}  // namespace schemaflip::logs
