// Reading sampled text values as integers, booleans, UUIDs and timestamps. This is data, not SQL: each
// parser accepts a subset of what PostgreSQL 15's input function for the type accepts, so a column whose
// values all pass can be converted with a plain cast.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace schemaflip::predict {

// int8in: optional surrounding whitespace, an optional sign, decimal digits, within 64 bits. With
// `strict`, no whitespace (SQLite converts only a bare integer literal to INTEGER).
std::optional<std::int64_t> parse_integer(std::string_view text, bool strict = false);

// boolin: true/false, t/f, yes/no, y/n, on/off, 1/0 in any ASCII case, with surrounding whitespace.
struct BooleanValue {
    bool value = false;
    bool is_word = false;  // not 1/0: a column of 1s and 0s is read as integers first
};
std::optional<BooleanValue> parse_boolean(std::string_view text);

// uuid_in's canonical form: 8-4-4-4-12 hexadecimal digits, either case.
bool is_uuid(std::string_view text);

// ISO 8601 dates and times as timestamp_in/date_in read them: YYYY-MM-DD, optionally followed by a space
// or T and HH:MM[:SS[.fraction]], optionally followed by Z or a UTC offset ±HH[[:]MM]. Calendar dates
// only (leap years checked), hours 0–23.
struct TimestampValue {
    bool has_time = false;
    bool has_zone = false;
};
std::optional<TimestampValue> parse_timestamp(std::string_view text);

}  // namespace schemaflip::predict
