// Type widening rules, PostgreSQL semantics: every value of the old type has an equal value in the new
// one. Integer widths grow int2 → int4 → int8 → numeric; numeric(p,s) grows when neither its integer
// digits (p - s) nor its scale shrink; float4 → float8; varchar(n) grows to varchar(m ≥ n), varchar and
// text. Casting to text is `changed`, not widened: values keep their text but compare and sort as text.
#include "core/flip/type_change.hpp"

#include <optional>

#include "core/sql/statement_info.hpp"

namespace schemaflip::flip {
namespace {

using sql::SqlType;

// The parser already folds integer/int → int4, character varying → varchar, double precision → float8;
// SQLite's declared types add NVARCHAR for the same family.
std::string family_name(const std::string& name) { return name == "nvarchar" ? "varchar" : name; }

// Decimal digits an integer type needs before the point: int2 5, int4 10, int8 19.
std::optional<long long> integer_digits(const std::string& name) {
    if (name == "int2") return 5;
    if (name == "int4") return 10;
    if (name == "int8") return 19;
    return std::nullopt;
}

bool is_unbounded_text(const SqlType& type) {
    return type.name == "text" || (type.name == "varchar" && type.modifiers.empty());
}

TypeChange compare_integers(const std::string& before, const std::string& after) {
    return *integer_digits(after) >= *integer_digits(before) ? TypeChange::widened : TypeChange::narrowed;
}

TypeChange integer_to_numeric(long long digits, const SqlType& after) {
    if (after.modifiers.empty()) return TypeChange::widened;  // numeric without precision holds any integer
    const long long precision = after.modifiers[0];
    const long long scale = after.modifiers.size() > 1 ? after.modifiers[1] : 0;
    return precision - scale >= digits ? TypeChange::widened : TypeChange::narrowed;
}

TypeChange compare_numerics(const SqlType& before, const SqlType& after) {
    if (after.modifiers.empty()) return TypeChange::widened;
    if (before.modifiers.empty()) return TypeChange::narrowed;
    const long long before_scale = before.modifiers.size() > 1 ? before.modifiers[1] : 0;
    const long long after_scale = after.modifiers.size() > 1 ? after.modifiers[1] : 0;
    const bool keeps_integer_digits = after.modifiers[0] - after_scale >= before.modifiers[0] - before_scale;
    return keeps_integer_digits && after_scale >= before_scale ? TypeChange::widened : TypeChange::narrowed;
}

TypeChange compare_strings(const SqlType& before, const SqlType& after) {
    if (is_unbounded_text(after)) return TypeChange::widened;
    if (is_unbounded_text(before)) return TypeChange::narrowed;
    return after.modifiers.at(0) >= before.modifiers.at(0) ? TypeChange::widened : TypeChange::narrowed;
}

TypeChange classify(const SqlType& before, const SqlType& after) {
    if (before.array_dimensions != after.array_dimensions) return TypeChange::changed;
    if (before.name == after.name && before.modifiers == after.modifiers) return TypeChange::same;
    const auto before_digits = integer_digits(before.name);
    if (before_digits && integer_digits(after.name)) return compare_integers(before.name, after.name);
    if (before_digits && after.name == "numeric") return integer_to_numeric(*before_digits, after);
    if (before_digits && after.name == "float8" && *before_digits <= 10) return TypeChange::widened;  // exact in a double
    if (before.name == "numeric" && after.name == "numeric") return compare_numerics(before, after);
    if (before.name == "numeric" && integer_digits(after.name)) return TypeChange::narrowed;
    if (before.name == "float4" && after.name == "float8") return TypeChange::widened;
    if (before.name == "float8" && after.name == "float4") return TypeChange::narrowed;
    const bool before_string = before.name == "varchar" || before.name == "text";
    const bool after_string = after.name == "varchar" || after.name == "text";
    if (before_string && after_string) return compare_strings(before, after);
    if (after_string) return TypeChange::changed;  // the values survive as text, but sort and compare as text
    if (before_string) return TypeChange::narrowed;  // text that does not parse as the new type is rejected
    return TypeChange::changed;  // e.g. timestamp → timestamptz: the same instant only in the session's zone
}

std::optional<SqlType> parse_family(const std::string& text) {
    auto type = sql::parse_type(text);
    if (type) type->name = family_name(type->name);
    return type;
}

}  // namespace

const char* to_string(TypeChange change) {
    switch (change) {
        case TypeChange::same: return "same";
        case TypeChange::widened: return "widened";
        case TypeChange::narrowed: return "narrowed";
        case TypeChange::changed: return "changed";
    }
    return "changed";
}

TypeChange classify_type_change(const std::string& before, const std::string& after) {
    const auto before_type = parse_family(before);
    const auto after_type = parse_family(after);
    if (!before_type || !after_type) return TypeChange::changed;
    return classify(*before_type, *after_type);
}

}  // namespace schemaflip::flip
