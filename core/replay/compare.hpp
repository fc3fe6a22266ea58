// The validation engine: compares one read's results on the primary and on the shadow and classifies
// the difference (issue 6). Pure functions over already-fetched results: no database access here.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/db/value.hpp"
#include "core/sql/statement_info.hpp"

namespace schemaflip::replay {

// One side's outcome for one query: rows, or the error the database reported.
struct SideResult {
    bool ok = true;
    std::string error;     // the database's message when !ok
    std::string sqlstate;  // PostgreSQL's SQLSTATE when known (errors on both sides compare by it first)
    db::QueryResult result;
};

enum class OrderMode { automatic, ordered, unordered };  // plan "order_sensitive": auto from the parse tree, or forced

struct CompareOptions {
    double float_tolerance = 1e-9;            // relative tolerance for float vs float and numeric vs float
    std::vector<std::string> ignore_columns;  // result columns left out of the comparison (by name)
    OrderMode order = OrderMode::automatic;
};

enum class DifferenceClass {
    none,
    shape_widened,   // the shadow returns extra columns and the common ones agree
    shape_narrowed,  // the shadow lacks columns the primary returns
    value_mismatch,
    row_count_mismatch,
    error_shadow_only,
    error_primary_only,
    error_both_same,
    error_both_different,
};
const char* to_string(DifferenceClass difference);

// True for the classes that count against a stage: shape_narrowed, value_mismatch, row_count_mismatch,
// error_shadow_only.
bool is_mismatch(DifferenceClass difference);

struct Comparison {
    DifferenceClass difference = DifferenceClass::none;
    std::string detail;  // one readable line: which column/row differs and how (empty for none)
};

// Compares column names and count, then rows: as multisets unless the statement orders its result
// (info.orders_result, or forced by options.order), in which case rows are compared in order with
// runs of equal sort keys compared as multisets. A statement with LIMIT but no ORDER BY is
// nondeterministic by construction: compared on shape and row count only. Values are normalised by type
// (integer widths equal by value; numeric vs float within tolerance; timestamps; json parsed; NULL equals
// NULL). A write without RETURNING compares the number of rows it changed. The full rules: compare.cpp.
Comparison compare_results(const SideResult& primary, const SideResult& shadow, const sql::StatementInfo& info,
                           const CompareOptions& options);

}  // namespace schemaflip::replay
