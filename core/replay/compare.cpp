// The validation engine: compares one read's results on the primary and on the shadow and classifies the
// difference (issue 6). What counts as equal:
//
// Columns. Matched by name (the k-th column of a name on one side with the k-th of that name on the other),
// so columns in another order are no difference; columns in ignore_columns leave the comparison on both
// sides. A column the shadow lacks: shape_narrowed (a rename is a column lacking plus one added: still
// narrowed, the detail names both). Only extra columns on the shadow while every common column agrees:
// shape_widened.
//
// Values, normalised by type (normalize.cpp):
// - Numbers: integers of any width, numerics and booleans (as 0 and 1: SQLite has no boolean type) are equal
//   exactly by value once their text is canonical ("1.50" = "1.5", -0 = 0). A float against any number is
//   equal within the relative tolerance: |a - b| <= tolerance × max(|a|, |b|). NaN equals NaN; an infinity
//   equals itself.
// - Timestamps: "YYYY-MM-DD HH:MM[:SS[.fraction]]" (or with 'T') and an optional offset (Z, ±HH, ±HH:MM,
//   ±HHMM, ±HH:MM:SS). With an offset they are moved to UTC; without one they are taken as UTC (what a
//   timestamptz prints in a UTC session); trailing zeros of the fraction do not count. A date is not a
//   timestamp (2009-01-01 ≠ 2009-01-01 00:00:00), except that a timestamp-typed value written as a bare
//   date means midnight. Times keep their offset as written.
// - json and jsonb are parsed: key order and whitespace do not count.
// - SQLite returns dates and json as text: in a column where either side returns a date/time (json) value,
//   text that parses as one compares as one. What does not parse ('infinity', BC dates) compares as text.
// - Text and bytes compare byte for byte; text never equals bytes or a number. NULL equals only NULL.
//
// Rows. Equal counts first (row_count_mismatch; for a write without RETURNING, the counts of rows changed). Then as multisets (duplicates count) unless ordered: mode
// `ordered`, or `automatic` with a top-level ORDER BY.
// - Every ORDER BY key an output column: rows in order, each run of equal keys as a multiset (ties may come
//   back in any order). With LIMIT the last run and with OFFSET the first may hold other rows of the same
//   keys (which ones is the engine's choice): only their keys are compared.
// - Some keys not in the output: the known keys' values must come in the same sequence (true whatever order
//   ties take), and the rows as a multiset, less the LIMIT/OFFSET boundary rows by the known keys.
// - `ordered` forced without ORDER BY: row by row.
// - LIMIT or OFFSET without ORDER BY: which rows come back is the engine's choice: shape and count only.
//
// Errors. On one side only: error_shadow_only / error_primary_only. On both: error_both_same when the
// SQLSTATEs match or, without one on both sides, when the messages' first lines match with quoted names,
// numbers and a trailing ": name" masked (the kind of error, as a SQLSTATE would say); else
// error_both_different.
#include "core/replay/compare.hpp"

#include <algorithm>
#include <string>
#include <unordered_map>

#include "core/replay/compare_rows.hpp"
#include "core/replay/compare_text.hpp"
#include "core/replay/normalize.hpp"

namespace schemaflip::replay {
namespace {

using detail::NormalRows;
using detail::printable;
using detail::shown_name;
using detail::shown_value;
constexpr std::size_t npos = std::string::npos;

std::string row_number(std::size_t row) { return std::to_string(row + 1); }

Comparison mismatch(std::string detail) { return Comparison{DifferenceClass::value_mismatch, std::move(detail)}; }

// ---- errors

std::string_view first_line(std::string_view message) {
    message = message.substr(0, message.find('\n'));
    while (!message.empty() && message.front() == ' ') message.remove_prefix(1);
    if (message.starts_with("ERROR:")) message.remove_prefix(6);
    while (!message.empty() && message.front() == ' ') message.remove_prefix(1);
    return message;
}

// The kind of error a message reports, without the objects it names: 'column "a" does not exist' and
// 'column "b" does not exist' are one kind, as their SQLSTATE (42703) would say.
std::string message_kind(std::string_view message) {
    const std::string_view line = first_line(message);
    std::string kind;
    for (std::size_t at = 0; at < line.size();) {
        const char c = line[at];
        if (c == '"' || c == '\'') {
            const std::size_t close = line.find(c, at + 1);
            kind += c;
            kind += '?';
            kind += c;
            at = close == npos ? line.size() : close + 1;
        } else if (c >= '0' && c <= '9') {
            while (at < line.size() && line[at] >= '0' && line[at] <= '9') ++at;
            kind += '#';
        } else {
            kind += c;
            ++at;
        }
    }
    // SQLite names the object after a colon: "no such column: x".
    const std::size_t colon = kind.rfind(": ");
    if (colon != npos && kind.find(' ', colon + 2) == npos) kind.replace(colon + 2, npos, "?");
    return kind;
}

std::string error_text(const SideResult& side) {
    std::string text = printable(first_line(side.error));
    if (!side.sqlstate.empty()) text += " (SQLSTATE " + printable(side.sqlstate, 8) + ")";
    return text;
}

Comparison compare_errors(const SideResult& primary, const SideResult& shadow) {
    if (primary.ok) return {DifferenceClass::error_shadow_only, "shadow failed: " + error_text(shadow)};
    if (shadow.ok) return {DifferenceClass::error_primary_only, "primary failed: " + error_text(primary)};
    const bool by_sqlstate = !primary.sqlstate.empty() && !shadow.sqlstate.empty();
    const bool same = by_sqlstate ? primary.sqlstate == shadow.sqlstate
                                  : message_kind(primary.error) == message_kind(shadow.error);
    if (same) return {DifferenceClass::error_both_same, "both failed alike: " + error_text(primary)};
    return {DifferenceClass::error_both_different,
            "both failed differently: primary: " + error_text(primary) + "; shadow: " + error_text(shadow)};
}

// ---- columns

struct ColumnPair {
    std::size_t primary = 0;
    std::size_t shadow = 0;
};

struct Alignment {
    std::vector<ColumnPair> pairs;     // the compared columns, in the primary's order
    std::vector<std::size_t> missing;  // primary columns the shadow lacks
    std::vector<std::size_t> extra;    // shadow columns the primary lacks
};

Alignment align_columns(const std::vector<db::Column>& primary, const std::vector<db::Column>& shadow,
                        const std::vector<std::string>& ignored) {
    const auto is_ignored = [&](const std::string& name) {
        return std::find(ignored.begin(), ignored.end(), name) != ignored.end();
    };
    std::unordered_map<std::string, std::vector<std::size_t>> shadow_by_name;  // each name's columns, in order
    for (std::size_t j = 0; j < shadow.size(); ++j) {
        if (!is_ignored(shadow[j].name)) shadow_by_name[shadow[j].name].push_back(j);
    }
    std::unordered_map<std::string, std::size_t> paired_by_name;
    std::vector<bool> paired(shadow.size(), false);
    Alignment alignment;
    for (std::size_t i = 0; i < primary.size(); ++i) {
        const std::string& name = primary[i].name;
        if (is_ignored(name)) continue;
        const auto& candidates = shadow_by_name[name];
        std::size_t& taken = paired_by_name[name];
        if (taken < candidates.size()) {
            alignment.pairs.push_back({i, candidates[taken]});
            paired[candidates[taken]] = true;
            ++taken;
        } else {
            alignment.missing.push_back(i);
        }
    }
    for (std::size_t j = 0; j < shadow.size(); ++j) {
        if (!paired[j] && !is_ignored(shadow[j].name)) alignment.extra.push_back(j);
    }
    return alignment;
}

// "column "a"" or "columns "a", "b", "c" and 2 more".
std::string columns_text(const std::vector<db::Column>& columns, const std::vector<std::size_t>& which) {
    constexpr std::size_t k_named = 3;
    std::string text = which.size() == 1 ? "column " : "columns ";
    for (std::size_t i = 0; i < which.size() && i < k_named; ++i) {
        if (i > 0) text += ", ";
        text += shown_name(columns[which[i]].name);
    }
    if (which.size() > k_named) text += " and " + std::to_string(which.size() - k_named) + " more";
    return text;
}

std::string narrowed_detail(const db::QueryResult& primary, const db::QueryResult& shadow, const Alignment& columns) {
    std::string text = "shadow lacks " + columns_text(primary.columns, columns.missing);
    if (!columns.extra.empty()) text += " and returns " + columns_text(shadow.columns, columns.extra) + " instead";
    return text;
}

// ---- ORDER BY keys in the result

struct OrderKeys {
    std::vector<std::size_t> compared;  // indexes into Alignment::pairs of the keys found in the result
    bool all_known = false;             // every key was found
};

std::size_t column_named(const std::vector<db::Column>& columns, const std::string& name) {
    std::size_t found = npos;
    for (std::size_t i = 0; i < columns.size(); ++i) {
        if (columns[i].name != name) continue;
        if (found != npos) return npos;  // ambiguous: not a key we can trust
        found = i;
    }
    return found;
}

OrderKeys order_keys(const sql::StatementInfo& info, const std::vector<db::Column>& primary_columns,
                     const Alignment& alignment) {
    OrderKeys keys;
    keys.all_known = !info.order_by_keys.empty();
    for (const auto& key : info.order_by_keys) {
        std::size_t column = npos;
        if (key.position >= 0 && static_cast<std::size_t>(key.position) < primary_columns.size()) {
            column = static_cast<std::size_t>(key.position);
        } else if (!key.name.empty()) {
            column = column_named(primary_columns, key.name);
        }
        const auto pair = std::find_if(alignment.pairs.begin(), alignment.pairs.end(),
                                       [&](const ColumnPair& p) { return p.primary == column; });
        if (column == npos || pair == alignment.pairs.end()) {
            keys.all_known = false;  // not in the result, or ignored
            continue;
        }
        const auto compared = static_cast<std::size_t>(pair - alignment.pairs.begin());
        if (std::find(keys.compared.begin(), keys.compared.end(), compared) == keys.compared.end()) {
            keys.compared.push_back(compared);
        }
    }
    return keys;
}

// ---- rows

std::vector<detail::ColumnMode> column_modes(const db::QueryResult& primary, const db::QueryResult& shadow,
                                             const Alignment& alignment) {
    std::vector<detail::ColumnMode> modes(alignment.pairs.size());
    for (std::size_t k = 0; k < alignment.pairs.size(); ++k) {
        const ColumnPair& pair = alignment.pairs[k];
        for (const auto& row : primary.rows) {
            if (pair.primary < row.size()) detail::widen_mode(modes[k], row[pair.primary].kind);
        }
        for (const auto& row : shadow.rows) {
            if (pair.shadow < row.size()) detail::widen_mode(modes[k], row[pair.shadow].kind);
        }
    }
    return modes;
}

std::vector<std::size_t> side_columns(const Alignment& alignment, bool primary) {
    std::vector<std::size_t> columns;
    for (const auto& pair : alignment.pairs) columns.push_back(primary ? pair.primary : pair.shadow);
    return columns;
}

const db::Value* cell(const db::QueryResult& result, std::size_t row, std::size_t column) {
    const auto& values = result.rows[row];
    return column < values.size() ? &values[column] : nullptr;
}

class RowComparer {
public:
    RowComparer(const db::QueryResult& primary, const db::QueryResult& shadow, const Alignment& columns,
                double tolerance)
        : m_primary_result(primary),
          m_shadow_result(shadow),
          m_columns(columns),
          m_tolerance(tolerance),
          m_modes(column_modes(primary, shadow, columns)),
          m_primary(primary, side_columns(columns, true), m_modes),
          m_shadow(shadow, side_columns(columns, false), m_modes) {}

    Comparison as_multiset() const {
        return multiset(all_rows(), all_rows(), "rows compared as a multiset");
    }

    Comparison in_order() const {
        for (std::size_t row = 0; row < m_primary.rows(); ++row) {
            const std::size_t column = detail::first_difference(m_primary, row, m_shadow, row, m_tolerance);
            if (column != npos) return mismatch("row " + row_number(row) + ", " + values_text(row, row, column));
        }
        return {};
    }

    // partial_first/partial_last: OFFSET/LIMIT may cut the first/last run of equal keys.
    Comparison by_keys(const OrderKeys& keys, bool partial_first, bool partial_last) const {
        for (std::size_t row = 0; row < m_primary.rows(); ++row) {
            for (const std::size_t key : keys.compared) {
                if (detail::normal_equal(m_primary.at(row, key), m_shadow.at(row, key), m_tolerance)) continue;
                return mismatch("rows out of order at row " + row_number(row) + ": ORDER BY " +
                                values_text(row, row, key));
            }
        }
        const std::size_t rows = m_primary.rows();
        if (rows == 0) return {};
        if (!keys.all_known) {
            // Rows with the boundary rows' known keys may be other rows of an unknown tie: left out.
            std::vector<std::size_t> selected;
            for (std::size_t row = 0; row < rows; ++row) {
                if (partial_first && same_keys(keys, row, 0)) continue;
                if (partial_last && same_keys(keys, row, rows - 1)) continue;
                selected.push_back(row);
            }
            return multiset(selected, selected, "rows compared as a multiset: an ORDER BY key is not in the result");
        }
        for (std::size_t begin = 0; begin < rows;) {
            std::size_t end = begin + 1;
            while (end < rows && same_keys(keys, begin, end)) ++end;
            const bool partial = (begin == 0 && partial_first) || (end == rows && partial_last);
            if (const Comparison run = compare_run(begin, end, partial); run.difference != DifferenceClass::none) {
                return run;
            }
            begin = end;
        }
        return {};
    }

private:
    const db::QueryResult& m_primary_result;
    const db::QueryResult& m_shadow_result;
    const Alignment& m_columns;
    double m_tolerance;
    std::vector<detail::ColumnMode> m_modes;  // one per compared column, shared by both sides
    NormalRows m_primary;
    NormalRows m_shadow;

    std::vector<std::size_t> all_rows() const {
        std::vector<std::size_t> rows(m_primary.rows());
        for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
        return rows;
    }

    bool same_keys(const OrderKeys& keys, std::size_t a, std::size_t b) const {
        return std::all_of(keys.compared.begin(), keys.compared.end(), [&](std::size_t key) {
            return detail::normal_equal(m_primary.at(a, key), m_primary.at(b, key), m_tolerance);
        });
    }

    Comparison compare_run(std::size_t begin, std::size_t end, bool partial) const {
        if (partial) return {};  // its keys matched above; its rows are the engine's choice
        if (end - begin == 1) return in_order_row(begin);
        std::vector<std::size_t> rows;
        for (std::size_t row = begin; row < end; ++row) rows.push_back(row);
        return multiset(rows, rows,
                        "rows " + row_number(begin) + "-" + row_number(end - 1) +
                            " have equal ORDER BY keys and are compared as a multiset");
    }

    Comparison in_order_row(std::size_t row) const {
        const std::size_t column = detail::first_difference(m_primary, row, m_shadow, row, m_tolerance);
        if (column == npos) return {};
        return mismatch("row " + row_number(row) + ", " + values_text(row, row, column));
    }

    Comparison multiset(std::vector<std::size_t> primary_rows, std::vector<std::size_t> shadow_rows,
                        const std::string& how) const {
        const detail::Unmatched unmatched = detail::multiset_difference(m_primary, std::move(primary_rows), m_shadow,
                                                                        std::move(shadow_rows), m_tolerance);
        if (unmatched.primary.empty() && unmatched.shadow.empty()) return {};
        if (unmatched.primary.empty()) {
            return mismatch("shadow row " + row_number(unmatched.shadow.front()) + " has no equal on the primary (" +
                            how + ")");
        }
        const std::size_t row = unmatched.primary.front();
        std::string text = "primary row " + row_number(row) + " has no equal on the shadow (" + how + ")";
        const std::size_t nearest = detail::nearest_row(m_primary, row, m_shadow, unmatched.shadow, m_tolerance);
        if (nearest == npos) return mismatch(std::move(text));
        const std::size_t column = detail::first_difference(m_primary, row, m_shadow, nearest, m_tolerance);
        if (column != npos) {
            text += "; nearest shadow row " + row_number(nearest) + ", " + values_text(row, nearest, column);
        }
        return mismatch(std::move(text));
    }

    // "column "total": primary 1.5, shadow 1.6", with the kinds when they differ.
    std::string values_text(std::size_t primary_row, std::size_t shadow_row, std::size_t compared) const {
        const ColumnPair& pair = m_columns.pairs[compared];
        const db::Value* a = cell(m_primary_result, primary_row, pair.primary);
        const db::Value* b = cell(m_shadow_result, shadow_row, pair.shadow);
        std::string shown_a = shown_value(a);
        std::string shown_b = shown_value(b);
        if (a != nullptr && b != nullptr && a->kind != b->kind && !a->is_null() && !b->is_null()) {
            shown_a += std::string(" (") + db::to_string(a->kind) + ")";
            shown_b += std::string(" (") + db::to_string(b->kind) + ")";
        }
        return "column " + shown_name(m_primary_result.columns[pair.primary].name) + ": primary " + shown_a +
               ", shadow " + shown_b;
    }
};

Comparison compare_rows(const db::QueryResult& primary, const db::QueryResult& shadow, const Alignment& columns,
                        const sql::StatementInfo& info, const CompareOptions& options) {
    // Without ORDER BY, LIMIT and OFFSET let the engine choose which rows come back.
    if ((info.has_limit || info.has_offset) && !info.orders_result) return {};
    const RowComparer rows(primary, shadow, columns, options.float_tolerance);
    const bool ordered = options.order == OrderMode::ordered ||
                         (options.order == OrderMode::automatic && info.orders_result);
    if (!ordered) return rows.as_multiset();
    if (!info.orders_result) return rows.in_order();
    return rows.by_keys(order_keys(info, primary.columns, columns), info.has_offset, info.has_limit);
}

}  // namespace

const char* to_string(DifferenceClass difference) {
    switch (difference) {
        case DifferenceClass::none: return "none";
        case DifferenceClass::shape_widened: return "shape_widened";
        case DifferenceClass::shape_narrowed: return "shape_narrowed";
        case DifferenceClass::value_mismatch: return "value_mismatch";
        case DifferenceClass::row_count_mismatch: return "row_count_mismatch";
        case DifferenceClass::error_shadow_only: return "error_shadow_only";
        case DifferenceClass::error_primary_only: return "error_primary_only";
        case DifferenceClass::error_both_same: return "error_both_same";
        case DifferenceClass::error_both_different: return "error_both_different";
    }
    return "none";
}

bool is_mismatch(DifferenceClass difference) {
    switch (difference) {
        case DifferenceClass::shape_narrowed:
        case DifferenceClass::value_mismatch:
        case DifferenceClass::row_count_mismatch:
        case DifferenceClass::error_shadow_only: return true;
        default: return false;
    }
}

Comparison compare_results(const SideResult& primary, const SideResult& shadow, const sql::StatementInfo& info,
                           const CompareOptions& options) {
    if (!primary.ok || !shadow.ok) return compare_errors(primary, shadow);
    const db::QueryResult& a = primary.result;
    const db::QueryResult& b = shadow.result;
    const Alignment columns = align_columns(a.columns, b.columns, options.ignore_columns);
    if (!columns.missing.empty()) return {DifferenceClass::shape_narrowed, narrowed_detail(a, b, columns)};
    // A write without RETURNING has no rows to compare, only how many rows it changed.
    if (info.kind == sql::StatementKind::write && a.columns.empty() && b.columns.empty() &&
        a.affected_rows != b.affected_rows) {
        return {DifferenceClass::row_count_mismatch, "primary changed " + std::to_string(a.affected_rows) +
                                                         " rows, shadow " + std::to_string(b.affected_rows)};
    }
    if (a.rows.size() != b.rows.size()) {
        return {DifferenceClass::row_count_mismatch, "primary returned " + std::to_string(a.rows.size()) +
                                                         " rows, shadow " + std::to_string(b.rows.size())};
    }
    if (Comparison rows = compare_rows(a, b, columns, info, options); rows.difference != DifferenceClass::none) {
        return rows;
    }
    if (!columns.extra.empty()) {
        return {DifferenceClass::shape_widened, "shadow adds " + columns_text(b.columns, columns.extra)};
    }
    return {};
}

}  // namespace schemaflip::replay
