// Internal to core/replay: values normalised by type so that results from two engines (or two versions of
// a schema) compare by what they mean, not by how the engine spelled them. The rules are listed at the top
// of compare.cpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/db/value.hpp"

namespace schemaflip::replay::detail {

// How one result column's text values are read. SQLite has no date, time or json types: its functions
// and untyped expressions return text. Where the column holds a date/time or json value on either side,
// text that parses as one compares as one.
struct ColumnMode {
    bool temporal = false;
    bool json = false;
};
void widen_mode(ColumnMode& mode, db::ValueKind kind);

// What a value is compared as. `absent` stands in for a value missing from a row shorter than its
// result's columns (hostile input), which equals only another absent value.
enum class Family : char {
    absent = 'a',
    null = '0',
    number = 'n',
    text = 's',
    bytes = 'b',
    date = 'd',
    time = 'h',
    timestamp = 't',
    json = 'j',
};

struct NormalValue {
    Family family = Family::absent;
    std::string canonical;   // equal canonical forms (in one family) mean equal values
    double number = 0.0;     // numbers: the value as a double, for comparisons within tolerance
    bool floating = false;   // numbers: a binary float, so only equal within tolerance to other numbers
};

// `value` may be null (a missing value in a short row).
NormalValue normalize(const db::Value* value, ColumnMode mode);

// Equality under the rules: canonical forms, except that a number compared with a float is equal within
// the relative tolerance. Equal canonical forms always compare equal.
bool normal_equal(const NormalValue& a, const NormalValue& b, double tolerance);

// A total order (by family; numbers by value, then canonical form; the rest by canonical form) that is 0
// exactly when the canonical forms are equal, and puts numbers equal within tolerance next to each other.
int normal_order(const NormalValue& a, const NormalValue& b);

// Canonical decimal form of a number's text ("1.50" → "15e1", "-0.0" → "0"): sign, significant digits
// without leading or trailing zeros, and the exponent E of 0.DIGITS × 10^E; "nan", "inf", "-inf" for
// NaN and the infinities. False when the text is not a number.
bool canonical_decimal(std::string_view text, std::string& canonical);

}  // namespace schemaflip::replay::detail
