// The time assignment of record_fields.hpp, out of line with its parse_timestamp.
#include "core/logs/record_fields.hpp"

#include "core/logs/log_line_prefix.hpp"

namespace schemaflip::logs {

bool assign_json_time(const flat_json::Value& value, LogRecord& record) {
    std::size_t time_length = 0;
    record.time_ms = parse_timestamp(value.text, time_length);
    return record.time_ms.has_value();
}

}  // namespace schemaflip::logs
