// The fields csvlog, jsonlog and CloudNativePG name alike, and how one assigns them into a LogRecord.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/logs/flat_json.hpp"
#include "core/logs/log_record.hpp"

namespace schemaflip::logs {

// A LogRecord field that structured formats carry under a name (a JSON key) or a position (a csv
// column). Each format has a table from its names to these.
enum class RecordField : std::uint8_t {
    time, user, database, session, application, severity, sqlstate, message, detail, statement
};

// The string that holds `field`; nullptr for time, which is no string.
inline std::string* text_field(LogRecord& record, RecordField field) {
    switch (field) {
    case RecordField::time: return nullptr;
    case RecordField::user: return &record.user;
    case RecordField::database: return &record.database;
    case RecordField::session: return &record.session;
    case RecordField::application: return &record.application;
    case RecordField::severity: return &record.severity;
    case RecordField::sqlstate: return &record.sqlstate;
    case RecordField::message: return &record.message;
    case RecordField::detail: return &record.detail;
    case RecordField::statement: return &record.statement;
    }
    return nullptr;
}

// The RecordFields an object had, for a format's checks of required fields.
class FieldSet {
public:
    void add(RecordField field) { m_bits |= bit(field); }
    bool contains(RecordField field) const { return (m_bits & bit(field)) != 0; }

private:
    static std::uint32_t bit(RecordField field) { return 1u << static_cast<unsigned>(field); }

    std::uint32_t m_bits = 0;
};

struct JsonField {
    std::string_view key;
    RecordField field;
};

// Assigns a time by parse_timestamp; false when it does not parse.
bool assign_json_time(const flat_json::Value& value, LogRecord& record);

// Assigns the members of the cursor's object whose keys `fields` names (other keys are skipped): time
// by parse_timestamp, the rest by flat_json::assign_scalar. Adds each field met to `seen`. Returns false
// at the first value of the wrong kind (or a time that does not parse), leaving the rest unread; else
// true, and the caller checks cursor.failed(). Inline and unrolled over the format's constant table, so
// that each key is compared as a constant, as a hand-written if-chain would: this runs for every member
// of every line.
template <std::size_t N>
inline bool assign_json_fields(flat_json::ObjectCursor& cursor, const std::array<JsonField, N>& fields,
                               LogRecord& record, FieldSet& seen) {
    std::string_view key;
    flat_json::Value value;
    while (cursor.next(key, value)) {
#pragma GCC unroll 16
        for (const JsonField& field : fields) {
            if (field.key != key) {
                continue;
            }
            seen.add(field.field);
            const bool ok = field.field == RecordField::time
                                ? assign_json_time(value, record)
                                : flat_json::assign_scalar(value, *text_field(record, field.field));
            if (!ok) {
                return false;
            }
            break;
        }
    }
    return true;
}

}  // namespace schemaflip::logs
