// The validation engine: shapes, multisets and ordered results, value normalisation, errors, details.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "core/replay/compare.hpp"

using namespace schemaflip;
using db::Value;
using db::ValueKind;
using replay::CompareOptions;
using replay::Comparison;
using replay::DifferenceClass;
using replay::OrderMode;
using replay::SideResult;

namespace {

using Row = std::vector<Value>;

Value integer(std::int64_t v) { return Value::of_integer(v); }
Value real(double v) { return Value::of_float(v); }
Value numeric(const char* v) { return Value::of_text(ValueKind::numeric, v); }
Value text(std::string v) { return Value::of_text(ValueKind::text, std::move(v)); }
Value timestamp(const char* v) { return Value::of_text(ValueKind::timestamp, v); }
Value timestamptz(const char* v) { return Value::of_text(ValueKind::timestamptz, v); }
Value date(const char* v) { return Value::of_text(ValueKind::date, v); }
Value time_of_day(const char* v) { return Value::of_text(ValueKind::time, v); }
Value json(const char* v) { return Value::of_text(ValueKind::json, v); }
Value bytes(std::string v) { return Value::of_text(ValueKind::bytes, std::move(v)); }
const Value null = Value::null();

SideResult rows(const std::vector<std::string>& names, std::vector<Row> values) {
    SideResult side;
    for (const auto& name : names) side.result.columns.push_back({name, ""});
    side.result.rows = std::move(values);
    return side;
}

SideResult failed(std::string message, std::string sqlstate = {}) {
    SideResult side;
    side.ok = false;
    side.error = std::move(message);
    side.sqlstate = std::move(sqlstate);
    return side;
}

Comparison compare(const SideResult& primary, const SideResult& shadow, const char* sql = "SELECT v FROM t",
                   const CompareOptions& options = {}) {
    return replay::compare_results(primary, shadow, sql::analyze_statement(sql), options);
}

// One column "v": the two values compare equal?
DifferenceClass one_value(const Value& a, const Value& b, const CompareOptions& options = {}) {
    return compare(rows({"v"}, {{a}}), rows({"v"}, {{b}}), "SELECT v FROM t", options).difference;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("compare: identical results and classes") {
    const auto side = rows({"id", "name"}, {{integer(1), text("a")}, {integer(2), text("b")}});
    const auto same = compare(side, side, "SELECT id, name FROM t");
    CHECK(same.difference == DifferenceClass::none);
    CHECK(same.detail.empty());
    CHECK(std::string(replay::to_string(DifferenceClass::shape_widened)) == "shape_widened");
    CHECK(std::string(replay::to_string(DifferenceClass::error_both_different)) == "error_both_different");
    CHECK(replay::is_mismatch(DifferenceClass::shape_narrowed));
    CHECK(replay::is_mismatch(DifferenceClass::value_mismatch));
    CHECK(replay::is_mismatch(DifferenceClass::row_count_mismatch));
    CHECK(replay::is_mismatch(DifferenceClass::error_shadow_only));
    CHECK_FALSE(replay::is_mismatch(DifferenceClass::none));
    CHECK_FALSE(replay::is_mismatch(DifferenceClass::shape_widened));
    CHECK_FALSE(replay::is_mismatch(DifferenceClass::error_primary_only));
    CHECK_FALSE(replay::is_mismatch(DifferenceClass::error_both_same));
    CHECK_FALSE(replay::is_mismatch(DifferenceClass::error_both_different));
}

TEST_CASE("compare: rows as multisets unless the query orders them") {
    const auto primary = rows({"id", "name"}, {{integer(1), text("a")}, {integer(2), text("b")}, {integer(3), text("c")}});
    const auto reordered = rows({"id", "name"}, {{integer(3), text("c")}, {integer(1), text("a")}, {integer(2), text("b")}});

    SUBCASE("no ORDER BY: order does not count") {
        CHECK(compare(primary, reordered, "SELECT id, name FROM t").difference == DifferenceClass::none);
    }
    SUBCASE("ORDER BY: order counts") {
        const auto result = compare(primary, reordered, "SELECT id, name FROM t ORDER BY id");
        CHECK(result.difference == DifferenceClass::value_mismatch);
        CHECK(result.detail == "rows out of order at row 1: ORDER BY column \"id\": primary 1, shadow 3");
    }
    SUBCASE("forced ordered without ORDER BY: row by row") {
        CompareOptions options;
        options.order = OrderMode::ordered;
        const auto result = compare(primary, reordered, "SELECT id, name FROM t", options);
        CHECK(result.difference == DifferenceClass::value_mismatch);
        CHECK(result.detail == "row 1, column \"id\": primary 1, shadow 3");
    }
    SUBCASE("forced unordered with ORDER BY: a multiset") {
        CompareOptions options;
        options.order = OrderMode::unordered;
        CHECK(compare(primary, reordered, "SELECT id, name FROM t ORDER BY id", options).difference ==
              DifferenceClass::none);
    }
    SUBCASE("a changed value in an unordered result names the row and the column") {
        const auto changed = rows({"id", "name"}, {{integer(3), text("c")}, {integer(1), text("a")}, {integer(2), text("B")}});
        const auto result = compare(primary, changed, "SELECT id, name FROM t");
        CHECK(result.difference == DifferenceClass::value_mismatch);
        CHECK(result.detail == "primary row 2 has no equal on the shadow (rows compared as a multiset); "
                               "nearest shadow row 3, column \"name\": primary 'b', shadow 'B'");
    }
}

TEST_CASE("compare: duplicates count") {
    const auto aab = rows({"v"}, {{text("a")}, {text("a")}, {text("b")}});
    const auto abb = rows({"v"}, {{text("a")}, {text("b")}, {text("b")}});
    const auto bab = rows({"v"}, {{text("b")}, {text("a")}, {text("a")}});
    const auto result = compare(aab, abb);
    CHECK(result.difference == DifferenceClass::value_mismatch);
    CHECK(contains(result.detail, "primary row 2 has no equal on the shadow"));
    CHECK(contains(result.detail, "primary 'a', shadow 'b'"));
    CHECK(compare(aab, bab).difference == DifferenceClass::none);
}

TEST_CASE("compare: ties within ORDER BY keys") {
    const std::vector<std::string> names{"k", "v"};
    const auto primary = rows(names, {{integer(1), text("a")}, {integer(1), text("b")}, {integer(2), text("c")},
                                      {integer(2), text("d")}, {integer(3), text("e")}});
    SUBCASE("reordered within a run of equal keys: equal") {
        const auto shadow = rows(names, {{integer(1), text("b")}, {integer(1), text("a")}, {integer(2), text("d")},
                                         {integer(2), text("c")}, {integer(3), text("e")}});
        CHECK(compare(primary, shadow, "SELECT k, v FROM t ORDER BY k").difference == DifferenceClass::none);
        CHECK(compare(primary, shadow, "SELECT k, v FROM t ORDER BY 1").difference == DifferenceClass::none);
        // Ordered by both columns, the same rows are no longer ties.
        CHECK(compare(primary, shadow, "SELECT k, v FROM t ORDER BY k, v").difference ==
              DifferenceClass::value_mismatch);
    }
    SUBCASE("other rows within a run: a mismatch naming the run") {
        const auto shadow = rows(names, {{integer(1), text("b")}, {integer(1), text("x")}, {integer(2), text("c")},
                                         {integer(2), text("d")}, {integer(3), text("e")}});
        const auto result = compare(primary, shadow, "SELECT k, v FROM t ORDER BY k");
        CHECK(result.difference == DifferenceClass::value_mismatch);
        CHECK(contains(result.detail, "rows 1-2 have equal ORDER BY keys"));
        CHECK(contains(result.detail, "primary 'a', shadow 'x'"));
    }
    SUBCASE("a single-row run that differs") {
        const auto shadow = rows(names, {{integer(1), text("a")}, {integer(1), text("b")}, {integer(2), text("c")},
                                         {integer(2), text("d")}, {integer(3), text("E")}});
        const auto result = compare(primary, shadow, "SELECT k, v FROM t ORDER BY k DESC");
        CHECK(result.difference == DifferenceClass::value_mismatch);
        CHECK(result.detail == "row 5, column \"v\": primary 'e', shadow 'E'");
    }
    SUBCASE("a key that a * supplies, found by name") {
        const auto shadow = rows(names, {{integer(1), text("b")}, {integer(1), text("a")}, {integer(2), text("c")},
                                         {integer(2), text("d")}, {integer(3), text("e")}});
        CHECK(compare(primary, shadow, "SELECT * FROM t ORDER BY k").difference == DifferenceClass::none);
        const auto swapped = rows(names, {{integer(2), text("c")}, {integer(1), text("a")}, {integer(1), text("b")},
                                          {integer(2), text("d")}, {integer(3), text("e")}});
        CHECK(compare(primary, swapped, "SELECT * FROM t ORDER BY k").difference == DifferenceClass::value_mismatch);
    }
}

TEST_CASE("compare: ORDER BY keys that are not output columns") {
    const std::vector<std::string> names{"k", "v"};
    const auto primary = rows(names, {{integer(1), text("a")}, {integer(1), text("b")}, {integer(2), text("c")}});
    SUBCASE("no key known: the rows as a multiset") {
        const auto shadow = rows(names, {{integer(2), text("c")}, {integer(1), text("b")}, {integer(1), text("a")}});
        CHECK(compare(primary, shadow, "SELECT k, v FROM t ORDER BY id").difference == DifferenceClass::none);
        const auto other = rows(names, {{integer(2), text("c")}, {integer(1), text("b")}, {integer(1), text("z")}});
        const auto result = compare(primary, other, "SELECT k, v FROM t ORDER BY id");
        CHECK(result.difference == DifferenceClass::value_mismatch);
        CHECK(contains(result.detail, "an ORDER BY key is not in the result"));
    }
    SUBCASE("the known keys keep their sequence") {
        const auto ties_swapped = rows(names, {{integer(1), text("b")}, {integer(1), text("a")}, {integer(2), text("c")}});
        CHECK(compare(primary, ties_swapped, "SELECT k, v FROM t ORDER BY k, id").difference == DifferenceClass::none);
        const auto out_of_order = rows(names, {{integer(2), text("c")}, {integer(1), text("a")}, {integer(1), text("b")}});
        const auto result = compare(primary, out_of_order, "SELECT k, v FROM t ORDER BY k, id");
        CHECK(result.difference == DifferenceClass::value_mismatch);
        CHECK(contains(result.detail, "out of order at row 1"));
    }
    SUBCASE("an ignored key column is not a known key") {
        CompareOptions options;
        options.ignore_columns = {"k"};
        const auto shadow = rows(names, {{integer(2), text("c")}, {integer(1), text("b")}, {integer(1), text("a")}});
        CHECK(compare(primary, shadow, "SELECT k, v FROM t ORDER BY k", options).difference == DifferenceClass::none);
    }
}

TEST_CASE("compare: LIMIT and OFFSET") {
    const std::vector<std::string> names{"k", "v"};
    const auto primary = rows(names, {{integer(1), text("a")}, {integer(2), text("b")}, {integer(2), text("c")}});
    SUBCASE("without ORDER BY: shape and row count only") {
        const auto other_rows = rows(names, {{integer(7), text("x")}, {integer(8), text("y")}, {integer(9), text("z")}});
        CHECK(compare(primary, other_rows, "SELECT k, v FROM t LIMIT 3").difference == DifferenceClass::none);
        CHECK(compare(primary, other_rows, "SELECT k, v FROM t OFFSET 10").difference == DifferenceClass::none);
        CHECK(compare(primary, other_rows, "SELECT k, v FROM t").difference == DifferenceClass::value_mismatch);
        const auto fewer = rows(names, {{integer(7), text("x")}});
        const auto count = compare(primary, fewer, "SELECT k, v FROM t LIMIT 3");
        CHECK(count.difference == DifferenceClass::row_count_mismatch);
        CHECK(count.detail == "primary returned 3 rows, shadow 1");
        const auto narrower = rows({"k"}, {{integer(7)}, {integer(8)}, {integer(9)}});
        CHECK(compare(primary, narrower, "SELECT k, v FROM t LIMIT 3").difference == DifferenceClass::shape_narrowed);
    }
    SUBCASE("with ORDER BY: the last run of equal keys may hold other rows") {
        const auto other_tie = rows(names, {{integer(1), text("a")}, {integer(2), text("b")}, {integer(2), text("z")}});
        CHECK(compare(primary, other_tie, "SELECT k, v FROM t ORDER BY k LIMIT 3").difference == DifferenceClass::none);
        CHECK(compare(primary, other_tie, "SELECT k, v FROM t ORDER BY k").difference == DifferenceClass::value_mismatch);
        const auto other_first = rows(names, {{integer(1), text("z")}, {integer(2), text("b")}, {integer(2), text("c")}});
        CHECK(compare(primary, other_first, "SELECT k, v FROM t ORDER BY k LIMIT 3").difference ==
              DifferenceClass::value_mismatch);
        // With OFFSET the first run is the cut one.
        CHECK(compare(primary, other_first, "SELECT k, v FROM t ORDER BY k OFFSET 4").difference ==
              DifferenceClass::none);
        const auto other_key = rows(names, {{integer(1), text("a")}, {integer(2), text("b")}, {integer(3), text("c")}});
        CHECK(compare(primary, other_key, "SELECT k, v FROM t ORDER BY k LIMIT 3").difference ==
              DifferenceClass::value_mismatch);
    }
    SUBCASE("with an ORDER BY key outside the result: rows with the last row's known keys left out") {
        const auto other_tie = rows(names, {{integer(1), text("a")}, {integer(2), text("z")}, {integer(2), text("c")}});
        CHECK(compare(primary, other_tie, "SELECT k, v FROM t ORDER BY k, id LIMIT 3").difference ==
              DifferenceClass::none);
        const auto other_first = rows(names, {{integer(1), text("z")}, {integer(2), text("b")}, {integer(2), text("c")}});
        CHECK(compare(primary, other_first, "SELECT k, v FROM t ORDER BY k, id LIMIT 3").difference ==
              DifferenceClass::value_mismatch);
    }
}

TEST_CASE("compare: integers by value whatever their width") {
    auto int4 = rows({"v"}, {{integer(7)}});
    auto int8 = rows({"v"}, {{integer(7)}});
    int4.result.columns[0].engine_type = "int4";
    int8.result.columns[0].engine_type = "int8";
    CHECK(compare(int4, int8).difference == DifferenceClass::none);
    CHECK(one_value(integer(7), integer(8)) == DifferenceClass::value_mismatch);
    CHECK(one_value(integer(INT64_MIN), integer(INT64_MIN)) == DifferenceClass::none);
    // SQLite has no boolean: true is 1, false is 0, and nothing else.
    CHECK(one_value(Value::of_boolean(true), integer(1)) == DifferenceClass::none);
    CHECK(one_value(Value::of_boolean(false), integer(0)) == DifferenceClass::none);
    CHECK(one_value(Value::of_boolean(true), integer(2)) == DifferenceClass::value_mismatch);
    CHECK(one_value(Value::of_boolean(true), Value::of_boolean(false)) == DifferenceClass::value_mismatch);
    // A number is not its text.
    CHECK(one_value(integer(1), text("1")) == DifferenceClass::value_mismatch);
}

TEST_CASE("compare: numerics exactly, floats within tolerance") {
    SUBCASE("numeric against numeric: exact after canonical form") {
        CHECK(one_value(numeric("1.50"), numeric("1.5")) == DifferenceClass::none);
        CHECK(one_value(numeric("-0.00"), numeric("0")) == DifferenceClass::none);
        CHECK(one_value(numeric("0010.0100"), numeric("10.01")) == DifferenceClass::none);
        CHECK(one_value(numeric("NaN"), numeric("NaN")) == DifferenceClass::none);
        CHECK(one_value(numeric("1.5"), numeric("1.50000000001")) == DifferenceClass::value_mismatch);
        CHECK(one_value(numeric("12345678901234567890.1"), numeric("12345678901234567890.2")) ==
              DifferenceClass::value_mismatch);
    }
    SUBCASE("integer against numeric: exact, beyond a double's precision") {
        CHECK(one_value(integer(100), numeric("100.000")) == DifferenceClass::none);
        CHECK(one_value(integer(9007199254740993), numeric("9007199254740992")) == DifferenceClass::value_mismatch);
    }
    SUBCASE("float against numeric or float: relative tolerance") {
        CHECK(one_value(real(0.99), numeric("0.99")) == DifferenceClass::none);
        CHECK(one_value(real(2328.6000000000004), numeric("2328.60")) == DifferenceClass::none);
        CHECK(one_value(numeric("1000"), real(1000.0000009)) == DifferenceClass::none);     // 0.9e-9 relative
        CHECK(one_value(numeric("1000"), real(1000.0000011)) == DifferenceClass::value_mismatch);  // 1.1e-9
        CHECK(one_value(real(1e-300), real(1.0000000005e-300)) == DifferenceClass::none);
        CHECK(one_value(real(0.0), real(1e-300)) == DifferenceClass::value_mismatch);  // relative: 0 only equals 0
        CHECK(one_value(integer(3), real(3.0)) == DifferenceClass::none);
        CHECK(one_value(integer(3), real(3.5)) == DifferenceClass::value_mismatch);
        CompareOptions exact;
        exact.float_tolerance = 0.0;
        CHECK(one_value(real(0.1 + 0.2), real(0.3), exact) == DifferenceClass::value_mismatch);
        CHECK(one_value(real(0.1 + 0.2), real(0.3)) == DifferenceClass::none);
        CompareOptions loose;
        loose.float_tolerance = 0.01;
        CHECK(one_value(real(100.0), numeric("100.9"), loose) == DifferenceClass::none);
        CHECK(one_value(real(100.0), numeric("101.1"), loose) == DifferenceClass::value_mismatch);
    }
    SUBCASE("NaN, infinities and negative zero") {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        const double inf = std::numeric_limits<double>::infinity();
        CHECK(one_value(real(nan), real(nan)) == DifferenceClass::none);
        CHECK(one_value(real(nan), numeric("NaN")) == DifferenceClass::none);
        CHECK(one_value(real(nan), real(0.0)) == DifferenceClass::value_mismatch);
        CHECK(one_value(real(-0.0), real(0.0)) == DifferenceClass::none);
        CHECK(one_value(real(-0.0), integer(0)) == DifferenceClass::none);
        CHECK(one_value(real(inf), numeric("Infinity")) == DifferenceClass::none);
        CHECK(one_value(real(-inf), real(inf)) == DifferenceClass::value_mismatch);
        CHECK(one_value(real(inf), real(1e308)) == DifferenceClass::value_mismatch);
    }
    SUBCASE("the detail names the kinds when they differ") {
        const auto result = compare(rows({"v"}, {{numeric("1.5")}}), rows({"v"}, {{real(1.6)}}));
        CHECK(contains(result.detail, "column \"v\": primary 1.5 (numeric), shadow 1.6 (float)"));
    }
}

TEST_CASE("compare: timestamps, dates and times") {
    SUBCASE("SQLite's text against PostgreSQL's timestamp") {
        CHECK(one_value(timestamp("2009-01-01 00:00:00"), text("2009-01-01 00:00:00")) == DifferenceClass::none);
        CHECK(one_value(timestamp("2009-01-01 00:00:00"), text("2009-01-01T00:00:00.000")) == DifferenceClass::none);
        CHECK(one_value(timestamp("2009-01-01 00:00"), timestamp("2009-01-01 00:00:00")) == DifferenceClass::none);
        CHECK(one_value(timestamp("2009-01-01 00:00:00"), text("2009-01-01 00:00:01")) ==
              DifferenceClass::value_mismatch);
        // A timestamp-typed value written as a bare date means midnight (SQLite's DATETIME columns).
        CHECK(one_value(timestamp("2009-01-01"), timestamp("2009-01-01 00:00:00")) == DifferenceClass::none);
    }
    SUBCASE("fractions and offsets") {
        CHECK(one_value(timestamp("2009-01-01 12:00:00.500"), timestamp("2009-01-01 12:00:00.5")) ==
              DifferenceClass::none);
        CHECK(one_value(timestamp("2009-01-01 12:00:00.5"), timestamp("2009-01-01 12:00:00.05")) ==
              DifferenceClass::value_mismatch);
        CHECK(one_value(timestamptz("2009-01-01 02:00:00+02"), timestamptz("2009-01-01 00:00:00+00")) ==
              DifferenceClass::none);
        CHECK(one_value(timestamptz("2009-01-01 00:00:00+05:30"), timestamptz("2008-12-31T18:30:00Z")) ==
              DifferenceClass::none);
        CHECK(one_value(timestamptz("1900-01-01 00:00:00+00:09:21"), timestamptz("1899-12-31 23:50:39+00")) ==
              DifferenceClass::none);
        // A timestamp without an offset reads as UTC: what the same instant prints in a UTC session.
        CHECK(one_value(timestamp("2009-01-01 00:00:00"), timestamptz("2009-01-01 00:00:00+00")) ==
              DifferenceClass::none);
        CHECK(one_value(timestamptz("2009-01-01 00:00:00+01"), timestamptz("2009-01-01 00:00:00+00")) ==
              DifferenceClass::value_mismatch);
    }
    SUBCASE("dates are not timestamps; times keep their offset") {
        CHECK(one_value(date("2009-01-01"), text("2009-01-01")) == DifferenceClass::none);
        CHECK(one_value(date("2009-01-01"), timestamp("2009-01-01 00:00:00")) == DifferenceClass::value_mismatch);
        CHECK(one_value(time_of_day("12:30:00.000"), text("12:30:00")) == DifferenceClass::none);
        CHECK(one_value(time_of_day("12:30:00+02"), time_of_day("12:30:00+02:00")) == DifferenceClass::none);
        CHECK(one_value(time_of_day("12:30:00+02"), time_of_day("10:30:00+00")) == DifferenceClass::value_mismatch);
    }
    SUBCASE("what does not parse compares as text") {
        CHECK(one_value(timestamp("infinity"), timestamp("infinity")) == DifferenceClass::none);
        CHECK(one_value(timestamp("infinity"), timestamp("-infinity")) == DifferenceClass::value_mismatch);
        CHECK(one_value(timestamp("2009-02-30 00:00:00"), timestamp("2009-03-02 00:00:00")) ==
              DifferenceClass::value_mismatch);
        CHECK(one_value(timestamp("2009-01-01 25:00:00"), timestamp("2009-01-01 25:00:00")) == DifferenceClass::none);
        // Without a date/time value in the column, text stays text.
        CHECK(one_value(text("2009-01-01 00:00:00"), text("2009-01-01T00:00:00")) == DifferenceClass::value_mismatch);
    }
}

TEST_CASE("compare: json parsed") {
    CHECK(one_value(json(R"({"a":1,"b":[1,2]})"), json(R"({ "b": [1, 2], "a": 1 })")) == DifferenceClass::none);
    CHECK(one_value(json(R"({"a":1})"), text(R"({"a": 1})")) == DifferenceClass::none);  // SQLite's json_object()
    CHECK(one_value(json(R"({"a":1})"), json(R"({"a":2})")) == DifferenceClass::value_mismatch);
    CHECK(one_value(json(R"([1,2])"), json(R"([2,1])")) == DifferenceClass::value_mismatch);
    CHECK(one_value(json("{not json"), json("{not json")) == DifferenceClass::none);
    CHECK(one_value(json("{not json"), json("{not  json")) == DifferenceClass::value_mismatch);
    // Hostile nesting is compared as text, without parsing it.
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    CHECK(one_value(Value::of_text(ValueKind::json, deep), Value::of_text(ValueKind::json, deep)) ==
          DifferenceClass::none);
    CHECK(one_value(Value::of_text(ValueKind::json, deep), json("[]")) == DifferenceClass::value_mismatch);
}

TEST_CASE("compare: NULL equals NULL and nothing else; text and bytes byte for byte") {
    CHECK(one_value(null, null) == DifferenceClass::none);
    CHECK(one_value(null, integer(0)) == DifferenceClass::value_mismatch);
    CHECK(one_value(null, text("")) == DifferenceClass::value_mismatch);
    CHECK(one_value(null, text("NULL")) == DifferenceClass::value_mismatch);
    CHECK(one_value(text("é"), text("e\xcc\x81")) == DifferenceClass::value_mismatch);  // no Unicode folding
    CHECK(one_value(text("a "), text("a")) == DifferenceClass::value_mismatch);
    CHECK(one_value(bytes(std::string("\x00\xff", 2)), bytes(std::string("\x00\xff", 2))) == DifferenceClass::none);
    CHECK(one_value(bytes("abc"), text("abc")) == DifferenceClass::value_mismatch);
    const auto result = compare(rows({"v"}, {{null}}), rows({"v"}, {{integer(0)}}));
    CHECK(result.detail == "primary row 1 has no equal on the shadow (rows compared as a multiset); "
                           "nearest shadow row 1, column \"v\": primary NULL, shadow 0");
}

TEST_CASE("compare: result shapes") {
    const auto primary = rows({"id", "total"}, {{integer(1), numeric("9.90")}, {integer(2), numeric("1.00")}});
    SUBCASE("extra columns on the shadow whose common columns agree: widened") {
        const auto shadow = rows({"id", "total", "note"}, {{integer(2), numeric("1"), null}, {integer(1), numeric("9.9"), null}});
        const auto result = compare(primary, shadow, "SELECT * FROM t");
        CHECK(result.difference == DifferenceClass::shape_widened);
        CHECK(result.detail == "shadow adds column \"note\"");
    }
    SUBCASE("extra columns and a common column that differs: the value mismatch wins") {
        const auto shadow = rows({"id", "total", "note"}, {{integer(1), numeric("9.9"), null}, {integer(2), numeric("2"), null}});
        CHECK(compare(primary, shadow, "SELECT * FROM t").difference == DifferenceClass::value_mismatch);
    }
    SUBCASE("a column missing on the shadow: narrowed") {
        const auto shadow = rows({"id"}, {{integer(1)}, {integer(2)}});
        const auto result = compare(primary, shadow, "SELECT * FROM t");
        CHECK(result.difference == DifferenceClass::shape_narrowed);
        CHECK(result.detail == "shadow lacks column \"total\"");
    }
    SUBCASE("a renamed column: narrowed, naming both") {
        const auto shadow = rows({"id", "amount"}, {{integer(1), numeric("9.90")}, {integer(2), numeric("1.00")}});
        const auto result = compare(primary, shadow, "SELECT * FROM t");
        CHECK(result.difference == DifferenceClass::shape_narrowed);
        CHECK(result.detail == "shadow lacks column \"total\" and returns column \"amount\" instead");
    }
    SUBCASE("columns are matched by name, not position") {
        const auto shadow = rows({"total", "id"}, {{numeric("9.9"), integer(1)}, {numeric("1"), integer(2)}});
        CHECK(compare(primary, shadow, "SELECT * FROM t").difference == DifferenceClass::none);
    }
    SUBCASE("duplicate names pair up by position among equals") {
        const auto a = rows({"x", "x"}, {{integer(1), integer(2)}});
        CHECK(compare(a, rows({"x", "x"}, {{integer(1), integer(2)}}), "SELECT 1 AS x, 2 AS x").difference ==
              DifferenceClass::none);
        CHECK(compare(a, rows({"x", "x"}, {{integer(2), integer(1)}}), "SELECT 1 AS x, 2 AS x").difference ==
              DifferenceClass::value_mismatch);
        CHECK(compare(a, rows({"x"}, {{integer(1)}}), "SELECT 1 AS x, 2 AS x").difference ==
              DifferenceClass::shape_narrowed);
    }
    SUBCASE("more rows on one side") {
        const auto shadow = rows({"id", "total"}, {{integer(1), numeric("9.90")}});
        const auto result = compare(primary, shadow, "SELECT * FROM t");
        CHECK(result.difference == DifferenceClass::row_count_mismatch);
        CHECK(result.detail == "primary returned 2 rows, shadow 1");
    }
}

TEST_CASE("compare: ignore_columns") {
    CompareOptions options;
    options.ignore_columns = {"updated_at", "note"};
    const auto primary = rows({"id", "updated_at"}, {{integer(1), timestamp("2024-01-01 00:00:00")}});
    const auto shadow = rows({"id", "updated_at", "note"}, {{integer(1), timestamp("2024-06-01 00:00:00"), text("x")}});
    CHECK(compare(primary, shadow, "SELECT * FROM t", options).difference == DifferenceClass::none);
    CHECK(compare(primary, shadow, "SELECT * FROM t").difference == DifferenceClass::value_mismatch);
    const auto without = rows({"id"}, {{integer(1)}});
    CHECK(compare(primary, without, "SELECT * FROM t", options).difference == DifferenceClass::none);
    CHECK(compare(primary, without, "SELECT * FROM t").difference == DifferenceClass::shape_narrowed);
}

TEST_CASE("compare: errors") {
    const auto good = rows({"v"}, {{integer(1)}});
    SUBCASE("on one side") {
        const auto shadow_only = compare(good, failed("ERROR:  column \"total\" does not exist\nLINE 1: SELECT total", "42703"));
        CHECK(shadow_only.difference == DifferenceClass::error_shadow_only);
        CHECK(shadow_only.detail == "shadow failed: column \"total\" does not exist (SQLSTATE 42703)");
        const auto primary_only = compare(failed("no such table: t"), good);
        CHECK(primary_only.difference == DifferenceClass::error_primary_only);
        CHECK(primary_only.detail == "primary failed: no such table: t");
    }
    SUBCASE("on both: by SQLSTATE when both have one") {
        CHECK(compare(failed("column \"a\" does not exist", "42703"), failed("column \"b\" does not exist", "42703"))
                  .difference == DifferenceClass::error_both_same);
        CHECK(compare(failed("division by zero", "22012"), failed("division by zero", "42703")).difference ==
              DifferenceClass::error_both_different);
    }
    SUBCASE("on both: by the message's kind without SQLSTATEs") {
        CHECK(compare(failed("ERROR:  column \"a\" does not exist"), failed("ERROR:  column \"b\" does not exist"))
                  .difference == DifferenceClass::error_both_same);
        CHECK(compare(failed("no such column: a"), failed("no such column: b")).difference ==
              DifferenceClass::error_both_same);
        CHECK(compare(failed("value 12 out of range"), failed("value 13 out of range")).difference ==
              DifferenceClass::error_both_same);
        const auto different = compare(failed("division by zero"), failed("relation \"t\" does not exist"));
        CHECK(different.difference == DifferenceClass::error_both_different);
        CHECK(different.detail ==
              "both failed differently: primary: division by zero; shadow: relation \"t\" does not exist");
        // One side with a SQLSTATE, one without (PostgreSQL against SQLite): by message.
        CHECK(compare(failed("no such column: a", ""), failed("column \"a\" does not exist", "42703")).difference ==
              DifferenceClass::error_both_different);
    }
}

TEST_CASE("compare: hostile input never crashes and details stay one short line") {
    SUBCASE("rows shorter than their columns") {
        const auto primary = rows({"a", "b"}, {{integer(1)}, {integer(2), integer(3)}});
        const auto shadow = rows({"a", "b"}, {{integer(1), integer(9)}, {integer(2), integer(3)}});
        const auto result = compare(primary, shadow, "SELECT a, b FROM t ORDER BY a");
        CHECK(result.difference == DifferenceClass::value_mismatch);
        CHECK(result.detail == "row 1, column \"b\": primary (missing), shadow 9");
        CHECK(compare(primary, primary, "SELECT a, b FROM t").difference == DifferenceClass::none);
    }
    SUBCASE("invalid UTF-8, control characters and huge values are escaped and cut") {
        const std::string huge(1 << 20, 'x');
        const auto result = compare(rows({"v\n"}, {{text("bad \xff\xfe byte\n\x1b[31m" + huge)}}),
                                    rows({"v\n"}, {{text("bad \xff\xfe byte\n\x1b[31m" + huge + "y")}}));
        CHECK(result.difference == DifferenceClass::value_mismatch);
        CHECK(contains(result.detail, "column \"v\\n\""));
        CHECK(contains(result.detail, "'bad \\xff\\xfe byte\\n\\x1b[31mxxx"));
        CHECK(contains(result.detail, "…"));
        CHECK(result.detail.size() < 400);
        CHECK(result.detail.find('\n') == std::string::npos);
        CHECK(result.detail.find('\x1b') == std::string::npos);
    }
    SUBCASE("a cut never splits a character") {
        std::string accents;
        for (int i = 0; i < 100; ++i) accents += "é";
        const auto result = compare(rows({"v"}, {{text(accents)}}), rows({"v"}, {{text("e")}}));
        const auto start = result.detail.find("primary 'é");
        REQUIRE(start != std::string::npos);
        const auto shown = result.detail.substr(start + 9, result.detail.find("…", start) - start - 9);
        CHECK(shown.size() % 2 == 0);  // whole two-byte characters only
        CHECK(shown.size() <= 80);
    }
    SUBCASE("bytes are shown in hex") {
        const auto result = compare(rows({"v"}, {{bytes(std::string("\x00\x01", 2))}}), rows({"v"}, {{bytes("A")}}));
        CHECK(contains(result.detail, "primary \\x0001, shadow \\x41"));
    }
}

TEST_CASE("compare: a 100k-row multiset") {
    constexpr int k_rows = 100000;
    std::vector<Row> values;
    values.reserve(k_rows);
    for (int i = 0; i < k_rows; ++i) {
        values.push_back({integer(i % 1000), text("name " + std::to_string(i % 777)), real(i * 0.25),
                          numeric(std::to_string(i % 50).c_str())});
    }
    const std::vector<std::string> names{"k", "name", "score", "amount"};
    const auto primary = rows(names, values);
    std::vector<Row> shuffled = values;
    std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(42));

    SUBCASE("shuffled: equal") {
        CHECK(compare(primary, rows(names, shuffled), "SELECT k, name, score, amount FROM t").difference ==
              DifferenceClass::none);
    }
    SUBCASE("every float off by far less than the tolerance: equal") {
        for (auto& row : shuffled) row[2] = real(row[2].floating * (1 + 1e-12));
        CHECK(compare(primary, rows(names, shuffled), "SELECT k, name, score, amount FROM t").difference ==
              DifferenceClass::none);
    }
    SUBCASE("one value changed: found and named") {
        const auto changed = std::find_if(shuffled.begin(), shuffled.end(), [](const Row& row) {
            return row[2].floating == 12345 * 0.25;
        });
        REQUIRE(changed != shuffled.end());
        (*changed)[3] = numeric("51");
        const auto result = compare(primary, rows(names, shuffled), "SELECT k, name, score, amount FROM t");
        CHECK(result.difference == DifferenceClass::value_mismatch);
        CHECK(contains(result.detail, "primary row 12346 has no equal on the shadow"));
        CHECK(contains(result.detail, "column \"amount\": primary 45, shadow 51"));
    }
    SUBCASE("ordered with long runs of ties") {
        std::vector<Row> sorted = values;
        std::stable_sort(sorted.begin(), sorted.end(), [](const Row& a, const Row& b) { return a[0].integer < b[0].integer; });
        std::vector<Row> ties_shuffled = sorted;
        // Shuffle within each run of equal k (100 rows each).
        for (std::size_t begin = 0; begin < ties_shuffled.size(); begin += 100) {
            std::shuffle(ties_shuffled.begin() + static_cast<std::ptrdiff_t>(begin),
                         ties_shuffled.begin() + static_cast<std::ptrdiff_t>(begin + 100), std::mt19937(7));
        }
        const char* sql = "SELECT k, name, score, amount FROM t ORDER BY k";
        CHECK(compare(rows(names, sorted), rows(names, ties_shuffled), sql).difference == DifferenceClass::none);
        std::swap(ties_shuffled[99], ties_shuffled[100]);  // across a run boundary
        CHECK(compare(rows(names, sorted), rows(names, ties_shuffled), sql).difference ==
              DifferenceClass::value_mismatch);
    }
}

TEST_CASE("compare: writes without RETURNING compare the rows they changed") {
    SideResult primary;
    SideResult shadow;
    primary.result.affected_rows = 3;
    shadow.result.affected_rows = 3;
    const char* update = "UPDATE t SET v = 1 WHERE k > 2";
    CHECK(compare(primary, shadow, update).difference == DifferenceClass::none);
    shadow.result.affected_rows = 2;
    const auto result = compare(primary, shadow, update);
    CHECK(result.difference == DifferenceClass::row_count_mismatch);
    CHECK(result.detail == "primary changed 3 rows, shadow 2");
    // Not for statements that are not writes (SQLite keeps the last write's count through DDL).
    CHECK(compare(primary, shadow, "CREATE INDEX i ON t (v)").difference == DifferenceClass::none);
}
