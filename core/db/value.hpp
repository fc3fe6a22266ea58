// Typed values and query results shared by every database backend.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace schemaflip::db {

// The engine-neutral kind of a value. Exact numerics, dates, times and json keep the engine's text
// form in `text` so no precision is lost; comparison code normalises them.
enum class ValueKind { null, integer, floating, numeric, text, bytes, boolean, date, time, timestamp, timestamptz, json };

struct Value {
    ValueKind kind = ValueKind::null;
    std::int64_t integer = 0;  // integer, boolean (0/1)
    double floating = 0.0;     // floating
    std::string text;          // numeric, text, bytes (raw bytes), date, time, timestamp(tz), json

    bool is_null() const { return kind == ValueKind::null; }

    static Value null() { return {}; }
    static Value of_integer(std::int64_t v) { return {ValueKind::integer, v, 0.0, {}}; }
    static Value of_float(double v) { return {ValueKind::floating, 0, v, {}}; }
    static Value of_boolean(bool v) { return {ValueKind::boolean, v ? 1 : 0, 0.0, {}}; }
    static Value of_text(ValueKind kind, std::string v) { return {kind, 0, 0.0, std::move(v)}; }

    bool operator==(const Value&) const = default;
};

const char* to_string(ValueKind kind);

// The value as text: integers and floats printed, booleans as true/false, NULL as "".
std::string value_text(const Value& value);
// The value as an integer: integers and booleans as they are, text parsed; NULL or unparsable gives 0.
std::int64_t value_integer(const Value& value);

struct Column {
    std::string name;
    std::string engine_type;  // the engine's own type name (int4, numeric, TEXT, ...), empty if unknown
};

struct QueryResult {
    std::vector<Column> columns;
    std::vector<std::vector<Value>> rows;
    std::int64_t affected_rows = 0;         // rows changed by INSERT/UPDATE/DELETE, when known
    std::chrono::nanoseconds elapsed{0};  // wall time of the statement on the server side of the API
};

}  // namespace schemaflip::db
