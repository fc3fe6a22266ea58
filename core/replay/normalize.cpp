// Value normalisation for the validation engine: numbers, dates and times, json (rules: top of compare.cpp).
#include "core/replay/normalize.hpp"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>

#include <nlohmann/json.hpp>

#include "core/util/ascii_case.hpp"

namespace schemaflip::replay::detail {
namespace {

using db::ValueKind;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// ---- numbers

NormalValue number(std::string canonical, double value, bool floating) {
    return NormalValue{Family::number, std::move(canonical), value, floating};
}

NormalValue integer_number(std::int64_t value) {
    char buffer[24];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
    std::string canonical;
    canonical_decimal(std::string_view(buffer, static_cast<std::size_t>(end - buffer)), canonical);
    return number(std::move(canonical), static_cast<double>(value), false);
}

// The shortest text that reads back as the same double, so a float equal to a decimal shares its form
// (0.99 as float8 and 0.99 as numeric both become "99e0").
NormalValue float_number(double value) {
    if (std::isnan(value)) return number("nan", value, true);
    char buffer[64];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
    std::string canonical;
    canonical_decimal(std::string_view(buffer, static_cast<std::size_t>(end - buffer)), canonical);
    return number(std::move(canonical), value, true);
}

// The decimal's exponent E (of 0.DIGITS × 10^E) from its canonical form; 0 for zero and the specials.
std::int64_t canonical_exponent(const std::string& canonical) {
    const auto e = canonical.rfind('e');
    std::int64_t exponent = 0;
    if (e == std::string::npos) return 0;
    std::from_chars(canonical.data() + e + 1, canonical.data() + canonical.size(), exponent);
    return exponent;
}

double decimal_value(std::string_view text, const std::string& canonical) {
    if (canonical == "nan") return std::numeric_limits<double>::quiet_NaN();
    if (canonical == "inf") return std::numeric_limits<double>::infinity();
    if (canonical == "-inf") return -std::numeric_limits<double>::infinity();
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    double value = 0.0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
    if (result.ec == std::errc::result_out_of_range) {
        // Beyond double's range: at least 1 in magnitude means overflow, else underflow.
        const double magnitude = canonical_exponent(canonical) > 0 ? std::numeric_limits<double>::infinity() : 0.0;
        return canonical.front() == '-' ? -magnitude : magnitude;
    }
    return value;
}

NormalValue decimal_number(const std::string& text) {
    std::string canonical;
    if (!canonical_decimal(text, canonical)) return NormalValue{Family::text, text, 0.0, false};
    const double value = decimal_value(text, canonical);
    return number(std::move(canonical), value, false);
}

// ---- dates and times

class Cursor {
public:
    explicit Cursor(std::string_view text) : m_text(text) {}
    bool done() const { return m_at == m_text.size(); }
    bool eat(char c) {
        if (m_at < m_text.size() && m_text[m_at] == c) {
            ++m_at;
            return true;
        }
        return false;
    }
    char peek() const { return m_at < m_text.size() ? m_text[m_at] : '\0'; }
    // Between min and max digits, as a number; nothing is consumed when there are fewer than min.
    bool number(std::size_t min, std::size_t max, long long& out) {
        const std::size_t begin = m_at;
        const std::string_view run = digits(max);
        if (run.size() < min) {
            m_at = begin;
            return false;
        }
        out = 0;
        for (const char c : run) out = out * 10 + (c - '0');
        return true;
    }
    std::string_view digits(std::size_t max) {
        const std::size_t begin = m_at;
        while (m_at < m_text.size() && m_at - begin < max && is_digit(m_text[m_at])) ++m_at;
        return m_text.substr(begin, m_at - begin);
    }

private:
    std::string_view m_text;
    std::size_t m_at = 0;
};

struct Clock {
    long long hour = 0, minute = 0, second = 0;
    std::string fraction;  // without trailing zeros
    bool has_offset = false;
    long long offset_seconds = 0;  // east of UTC
};

// Z, +HH, +HHMM, +HH:MM, +HH:MM:SS (PostgreSQL prints seconds for historical zones).
bool parse_offset(Cursor& in, Clock& clock) {
    if (in.eat('Z')) {
        clock.has_offset = true;
        return true;
    }
    const char sign = in.peek();
    if (sign != '+' && sign != '-') return true;
    in.eat(sign);
    long long hours = 0, minutes = 0, seconds = 0;
    if (!in.number(2, 2, hours)) return false;
    const bool colon = in.eat(':');
    const bool has_minutes = in.number(2, 2, minutes);
    if (colon && !has_minutes) return false;
    if (has_minutes && colon && in.eat(':') && !in.number(2, 2, seconds)) return false;
    if (hours > 15 || minutes > 59 || seconds > 59) return false;
    clock.has_offset = true;
    clock.offset_seconds = (sign == '-' ? -1 : 1) * (hours * 3600 + minutes * 60 + seconds);
    return true;
}

// HH:MM[:SS[.fraction]][offset]
std::optional<Clock> parse_clock(Cursor& in) {
    Clock clock;
    if (!in.number(2, 2, clock.hour) || !in.eat(':') || !in.number(2, 2, clock.minute)) return std::nullopt;
    if (in.eat(':')) {
        if (!in.number(2, 2, clock.second)) return std::nullopt;
        if (in.eat('.')) {
            const std::string_view fraction = in.digits(std::numeric_limits<std::size_t>::max());
            if (fraction.empty()) return std::nullopt;
            clock.fraction = std::string(fraction.substr(0, fraction.find_last_not_of('0') + 1));
        }
    }
    if (clock.hour > 24 || clock.minute > 59 || clock.second > 60) return std::nullopt;
    if (!parse_offset(in, clock)) return std::nullopt;
    return clock;
}

std::string two_digits(long long value) {
    char buffer[24];
    std::snprintf(buffer, sizeof buffer, "%02lld", value);
    return buffer;
}

std::string with_fraction(std::string text, const std::string& fraction) {
    return fraction.empty() ? text : text + "." + fraction;
}

// A timestamp as "YYYY-MM-DD HH:MM:SS[.f]", moved to UTC when it carries an offset. A timestamp without
// one is taken as it is (as if in UTC): that is what a timestamptz shows in a UTC session.
std::chrono::year_month_day civil_date(long long y, long long m, long long d) {
    using namespace std::chrono;
    return year_month_day{year{static_cast<int>(y)}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
}

// The parser reads at most 7 year digits; std::chrono's years end at 32767.
bool valid_date(long long y, long long m, long long d) { return y <= 32767 && civil_date(y, m, d).ok(); }

std::optional<std::string> timestamp_text(long long y, long long m, long long d, const Clock& clock) {
    using namespace std::chrono;
    if (!valid_date(y, m, d)) return std::nullopt;
    const year_month_day date = civil_date(y, m, d);
    const sys_seconds instant = sys_days{date} + hours{clock.hour} + minutes{clock.minute} + seconds{clock.second} -
                                seconds{clock.offset_seconds};
    const auto midnight = floor<days>(instant);
    const year_month_day utc{midnight};
    const hh_mm_ss<seconds> time{instant - midnight};
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u %02lld:%02lld:%02lld", static_cast<int>(utc.year()),
                  static_cast<unsigned>(utc.month()), static_cast<unsigned>(utc.day()),
                  static_cast<long long>(time.hours().count()), static_cast<long long>(time.minutes().count()),
                  static_cast<long long>(time.seconds().count()));
    return with_fraction(buffer, clock.fraction);
}

std::string offset_text(const Clock& clock) {
    if (!clock.has_offset) return {};
    const long long magnitude = clock.offset_seconds < 0 ? -clock.offset_seconds : clock.offset_seconds;
    std::string text = (clock.offset_seconds < 0 ? "-" : "+") + two_digits(magnitude / 3600) + ":" +
                       two_digits(magnitude / 60 % 60);
    if (magnitude % 60 != 0) text += ":" + two_digits(magnitude % 60);
    return text;
}

// YYYY-MM-DD, YYYY-MM-DD[ T]HH:MM[:SS[.f]][offset], or HH:MM[:SS[.f]][offset]. Anything else (BC dates,
// 'infinity', other styles) is not read: such values compare by their text.
std::optional<NormalValue> parse_temporal(std::string_view text, bool date_means_midnight) {
    Cursor in(text);
    long long y = 0, m = 0, d = 0;
    if (text.size() > 2 && text[2] == ':') {
        auto clock = parse_clock(in);
        if (!clock || !in.done()) return std::nullopt;
        const std::string time =
            two_digits(clock->hour) + ":" + two_digits(clock->minute) + ":" + two_digits(clock->second);
        return NormalValue{Family::time, with_fraction(time, clock->fraction) + offset_text(*clock), 0.0, false};
    }
    if (!in.number(4, 7, y) || !in.eat('-') || !in.number(2, 2, m) || !in.eat('-') || !in.number(2, 2, d)) {
        return std::nullopt;
    }
    if (in.done()) {
        if (date_means_midnight) {
            auto stamp = timestamp_text(y, m, d, Clock{});
            if (!stamp) return std::nullopt;
            return NormalValue{Family::timestamp, std::move(*stamp), 0.0, false};
        }
        if (!valid_date(y, m, d)) return std::nullopt;
        return NormalValue{Family::date, std::string(text), 0.0, false};
    }
    if (!in.eat(' ') && !in.eat('T')) return std::nullopt;
    auto clock = parse_clock(in);
    if (!clock || !in.done()) return std::nullopt;
    auto stamp = timestamp_text(y, m, d, *clock);
    if (!stamp) return std::nullopt;
    return NormalValue{Family::timestamp, std::move(*stamp), 0.0, false};
}

Family temporal_family(ValueKind kind) {
    switch (kind) {
        case ValueKind::date: return Family::date;
        case ValueKind::time: return Family::time;
        default: return Family::timestamp;
    }
}

NormalValue temporal(const std::string& text, ValueKind kind) {
    const bool is_timestamp = kind == ValueKind::timestamp || kind == ValueKind::timestamptz;
    if (auto parsed = parse_temporal(text, is_timestamp)) return std::move(*parsed);
    return NormalValue{temporal_family(kind), text, 0.0, false};
}

// ---- json

// nlohmann/json parses iteratively but prints recursively: refuse nesting deep enough to matter.
bool nesting_within(std::string_view text, std::size_t limit) {
    std::size_t depth = 0;
    bool in_string = false;
    bool escaped = false;
    for (const char c : text) {
        if (in_string) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > limit) return false;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return true;
}

// Parsed and printed again: objects print with sorted keys and no whitespace (jsonb's view of equality).
std::optional<std::string> json_text(const std::string& text) {
    constexpr std::size_t k_max_nesting = 256;
    if (!nesting_within(text, k_max_nesting)) return std::nullopt;
    const auto parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) return std::nullopt;
    try {
        return parsed.dump();
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

NormalValue text_value(const std::string& text, ColumnMode mode) {
    if (mode.temporal) {
        if (auto parsed = parse_temporal(text, false)) return std::move(*parsed);
    }
    if (mode.json) {
        if (auto canonical = json_text(text)) return NormalValue{Family::json, std::move(*canonical), 0.0, false};
    }
    return NormalValue{Family::text, text, 0.0, false};
}

bool within_tolerance(double a, double b, double tolerance) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
    if (a == b) return true;  // also -0 == 0 and equal infinities
    if (std::isinf(a) || std::isinf(b)) return false;
    return std::fabs(a - b) <= tolerance * std::max(std::fabs(a), std::fabs(b));
}

}  // namespace

void widen_mode(ColumnMode& mode, db::ValueKind kind) {
    switch (kind) {
        case ValueKind::date:
        case ValueKind::time:
        case ValueKind::timestamp:
        case ValueKind::timestamptz: mode.temporal = true; break;
        case ValueKind::json: mode.json = true; break;
        default: break;
    }
}

bool canonical_decimal(std::string_view text, std::string& canonical) {
    canonical.clear();
    std::size_t at = 0;
    bool negative = false;
    if (at < text.size() && (text[at] == '+' || text[at] == '-')) negative = text[at++] == '-';
    if (text.size() - at <= 9) {
        const std::string word = util::ascii_lower(text.substr(at));
        if (word == "nan") {
            canonical = "nan";
            return true;
        }
        if (word == "inf" || word == "infinity") {
            canonical = negative ? "-inf" : "inf";
            return true;
        }
    }
    std::string digits;
    std::int64_t integer_digits = 0;
    while (at < text.size() && is_digit(text[at])) {
        digits += text[at++];
        ++integer_digits;
    }
    if (at < text.size() && text[at] == '.') {
        ++at;
        while (at < text.size() && is_digit(text[at])) digits += text[at++];
    }
    if (digits.empty()) return false;
    std::int64_t exponent = 0;
    if (at < text.size() && (text[at] == 'e' || text[at] == 'E')) {
        ++at;
        if (at < text.size() && text[at] == '+') ++at;
        const auto [end, ec] = std::from_chars(text.data() + at, text.data() + text.size(), exponent);
        if (ec != std::errc()) return false;
        at = static_cast<std::size_t>(end - text.data());
    }
    if (at != text.size()) return false;
    const auto first = digits.find_first_not_of('0');
    if (first == std::string::npos) {
        canonical = "0";
        return true;
    }
    const auto last = digits.find_last_not_of('0');
    std::int64_t scaled = 0;
    if (__builtin_add_overflow(integer_digits - static_cast<std::int64_t>(first), exponent, &scaled)) return false;
    if (negative) canonical = "-";
    canonical.append(digits, first, last - first + 1);
    canonical += 'e';
    canonical += std::to_string(scaled);
    return true;
}

NormalValue normalize(const db::Value* value, ColumnMode mode) {
    if (value == nullptr) return NormalValue{};
    switch (value->kind) {
        case ValueKind::null: return NormalValue{Family::null, {}, 0.0, false};
        case ValueKind::integer:
        case ValueKind::boolean: return integer_number(value->integer);
        case ValueKind::floating: return float_number(value->floating);
        case ValueKind::numeric: return decimal_number(value->text);
        case ValueKind::text: return text_value(value->text, mode);
        case ValueKind::bytes: return NormalValue{Family::bytes, value->text, 0.0, false};
        case ValueKind::date:
        case ValueKind::time:
        case ValueKind::timestamp:
        case ValueKind::timestamptz: return temporal(value->text, value->kind);
        case ValueKind::json: {
            auto canonical = json_text(value->text);
            return NormalValue{Family::json, canonical ? std::move(*canonical) : value->text, 0.0, false};
        }
    }
    return NormalValue{Family::text, value->text, 0.0, false};
}

bool normal_equal(const NormalValue& a, const NormalValue& b, double tolerance) {
    if (a.family != b.family) return false;
    if (a.canonical == b.canonical) return true;
    if (a.family != Family::number || !(a.floating || b.floating)) return false;
    return within_tolerance(a.number, b.number, tolerance);
}

int normal_order(const NormalValue& a, const NormalValue& b) {
    if (a.family != b.family) return a.family < b.family ? -1 : 1;
    if (a.family == Family::number) {
        // NaN after every number, so NaNs line up with NaNs.
        const bool a_nan = std::isnan(a.number);
        const bool b_nan = std::isnan(b.number);
        if (a_nan != b_nan) return a_nan ? 1 : -1;
        if (!a_nan && a.number != b.number) return a.number < b.number ? -1 : 1;
    }
    const int order = a.canonical.compare(b.canonical);
    return order < 0 ? -1 : order > 0 ? 1 : 0;
}

}  // namespace schemaflip::replay::detail
