// Value parsers for the data-pattern generator: hand-written and strict, because a value this accepts
// must also be accepted by PostgreSQL's input function, or the proposed cast would fail.
#include "core/predict/candidates_values.hpp"

#include <array>
#include <limits>

#include "core/util/ascii_case.hpp"

namespace schemaflip::predict {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
// PostgreSQL's scanner skips what isspace() accepts in the C locale.
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view text) {
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
    return text;
}

// Exactly `count` digits at `at`, as a number; nullopt otherwise.
std::optional<int> digits(std::string_view text, std::size_t at, std::size_t count) {
    if (at + count > text.size()) return std::nullopt;
    int value = 0;
    for (std::size_t i = at; i < at + count; ++i) {
        if (!is_digit(text[i])) return std::nullopt;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
    static constexpr std::array<int, 12> k_days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap(year) ? 29 : k_days[static_cast<std::size_t>(month - 1)];
}

// "Z", "+HH", "+HHMM", "+HH:MM" (or -), the whole of `text`; offsets up to 15:59 as PostgreSQL allows.
bool is_zone(std::string_view text) {
    if (text == "Z" || text == "z") return true;
    if (text.size() < 3 || (text[0] != '+' && text[0] != '-')) return false;
    const auto hours = digits(text, 1, 2);
    if (!hours || *hours > 15) return false;
    if (text.size() == 3) return true;
    const std::size_t minute_at = text[3] == ':' ? 4 : 3;
    const auto minutes = digits(text, minute_at, 2);
    return minutes && *minutes < 60 && text.size() == minute_at + 2;
}

// HH:MM[:SS[.fraction]] at the start of `text`; returns the length read, 0 when it is not a time.
std::size_t time_length(std::string_view text) {
    const auto hour = digits(text, 0, 2);
    const auto minute = digits(text, 3, 2);
    if (!hour || !minute || text.size() < 5 || text[2] != ':' || *hour > 23 || *minute > 59) return 0;
    std::size_t at = 5;
    if (at < text.size() && text[at] == ':') {
        const auto second = digits(text, at + 1, 2);
        if (!second || *second > 59) return 0;
        at += 3;
        if (at < text.size() && text[at] == '.') {
            const std::size_t first_fraction_digit = ++at;
            while (at < text.size() && is_digit(text[at])) ++at;
            if (at == first_fraction_digit) return 0;
        }
    }
    return at;
}

}  // namespace

std::optional<std::int64_t> parse_integer(std::string_view text, bool strict) {
    if (!strict) text = trim(text);
    if (text.empty()) return std::nullopt;
    const bool negative = text.front() == '-';
    if (text.front() == '-' || text.front() == '+') text.remove_prefix(1);
    if (text.empty()) return std::nullopt;
    // Accumulate as a negative number: its range includes INT64_MIN, which the positive range does not.
    std::int64_t value = 0;
    constexpr auto k_min = std::numeric_limits<std::int64_t>::min();
    for (const char c : text) {
        if (!is_digit(c)) return std::nullopt;
        const int digit = c - '0';
        if (value < (k_min + digit) / 10) return std::nullopt;
        value = value * 10 - digit;
    }
    if (negative) return value;
    if (value == k_min) return std::nullopt;
    return -value;
}

std::optional<BooleanValue> parse_boolean(std::string_view text) {
    const auto word = util::ascii_lower(trim(text));
    static constexpr std::array<std::string_view, 5> k_true = {"true", "t", "yes", "y", "on"};
    static constexpr std::array<std::string_view, 5> k_false = {"false", "f", "no", "n", "off"};
    for (const auto candidate : k_true) {
        if (word == candidate) return BooleanValue{true, true};
    }
    for (const auto candidate : k_false) {
        if (word == candidate) return BooleanValue{false, true};
    }
    if (word == "1") return BooleanValue{true, false};
    if (word == "0") return BooleanValue{false, false};
    return std::nullopt;
}

bool is_uuid(std::string_view text) {
    if (text.size() != 36) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash_position ? text[i] != '-' : !is_hex(text[i])) return false;
    }
    return true;
}

std::optional<TimestampValue> parse_timestamp(std::string_view text) {
    text = trim(text);
    const auto year = digits(text, 0, 4);
    const auto month = digits(text, 5, 2);
    const auto day = digits(text, 8, 2);
    if (!year || !month || !day || text[4] != '-' || text[7] != '-') return std::nullopt;
    if (*year < 1 || *month < 1 || *month > 12 || *day < 1 || *day > days_in_month(*year, *month)) return std::nullopt;
    TimestampValue value;
    std::string_view rest = text.substr(10);
    if (rest.empty()) return value;
    if (rest.front() != ' ' && rest.front() != 'T' && rest.front() != 't') return std::nullopt;
    rest.remove_prefix(1);
    const auto length = time_length(rest);
    if (length == 0) return std::nullopt;
    value.has_time = true;
    rest.remove_prefix(length);
    if (rest.empty()) return value;
    if (!is_zone(rest)) return std::nullopt;
    value.has_zone = true;
    return value;
}

}  // namespace schemaflip::predict
