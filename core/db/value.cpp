// Names of value kinds, as used in JSON output and messages.
#include "core/db/value.hpp"

#include <charconv>
#include <cstdio>

namespace schemaflip::db {

const char* to_string(ValueKind kind) {
    switch (kind) {
        case ValueKind::null: return "null";
        case ValueKind::integer: return "integer";
        case ValueKind::floating: return "float";
        case ValueKind::numeric: return "numeric";
        case ValueKind::text: return "text";
        case ValueKind::bytes: return "bytes";
        case ValueKind::boolean: return "boolean";
        case ValueKind::date: return "date";
        case ValueKind::time: return "time";
        case ValueKind::timestamp: return "timestamp";
        case ValueKind::timestamptz: return "timestamptz";
        case ValueKind::json: return "json";
    }
    return "unknown";
}

std::string value_text(const Value& value) {
    switch (value.kind) {
        case ValueKind::null: return {};
        case ValueKind::integer: return std::to_string(value.integer);
        case ValueKind::boolean: return value.integer != 0 ? "true" : "false";
        case ValueKind::floating: {
            char buffer[32];
            const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value.floating);
            return ec == std::errc() ? std::string(buffer, end) : std::string("nan");
        }
        default: return value.text;
    }
}

std::int64_t value_integer(const Value& value) {
    switch (value.kind) {
        case ValueKind::integer:
        case ValueKind::boolean: return value.integer;
        case ValueKind::floating: return static_cast<std::int64_t>(value.floating);
        case ValueKind::null: return 0;
        default: {
            std::int64_t parsed = 0;
            const auto* begin = value.text.data();
            const auto* end = begin + value.text.size();
            std::from_chars(begin, end, parsed);
            return parsed;
        }
    }
}

}  // namespace schemaflip::db
