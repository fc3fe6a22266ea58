// Normalised rows and the multiset comparison of the validation engine.
#include "core/replay/compare_rows.hpp"

#include <algorithm>
#include <string>

namespace schemaflip::replay::detail {
namespace {

// Rows in the total order of their canonical values, column by column.
int exact_order(const NormalRows& a, std::size_t a_row, const NormalRows& b, std::size_t b_row) {
    for (std::size_t column = 0; column < a.width(); ++column) {
        if (const int order = normal_order(a.at(a_row, column), b.at(b_row, column)); order != 0) return order;
    }
    return 0;
}

// The same order, except that values equal within tolerance count as equal.
int tolerant_order(const NormalRows& a, std::size_t a_row, const NormalRows& b, std::size_t b_row, double tolerance) {
    for (std::size_t column = 0; column < a.width(); ++column) {
        const NormalValue& x = a.at(a_row, column);
        const NormalValue& y = b.at(b_row, column);
        if (normal_equal(x, y, tolerance)) continue;
        return normal_order(x, y);
    }
    return 0;
}

// Walks two sorted selections side by side, pairing rows the order calls equal; keeps the rest.
template <typename Order>
void merge_away_equals(std::vector<std::size_t>& primary_rows, std::vector<std::size_t>& shadow_rows, Order order) {
    std::vector<std::size_t> primary_left;
    std::vector<std::size_t> shadow_left;
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < primary_rows.size() && j < shadow_rows.size()) {
        const int o = order(primary_rows[i], shadow_rows[j]);
        if (o == 0) {
            ++i;
            ++j;
        } else if (o < 0) {
            primary_left.push_back(primary_rows[i++]);
        } else {
            shadow_left.push_back(shadow_rows[j++]);
        }
    }
    primary_left.insert(primary_left.end(), primary_rows.begin() + static_cast<std::ptrdiff_t>(i), primary_rows.end());
    shadow_left.insert(shadow_left.end(), shadow_rows.begin() + static_cast<std::ptrdiff_t>(j), shadow_rows.end());
    primary_rows = std::move(primary_left);
    shadow_rows = std::move(shadow_left);
}

void sort_by_values(const NormalRows& rows, std::vector<std::size_t>& selection) {
    std::stable_sort(selection.begin(), selection.end(),
                     [&](std::size_t a, std::size_t b) { return exact_order(rows, a, rows, b) < 0; });
}

}  // namespace

NormalRows::NormalRows(const db::QueryResult& result, const std::vector<std::size_t>& columns,
                       const std::vector<ColumnMode>& modes)
    : m_rows(result.rows.size()), m_width(columns.size()) {
    m_cells.reserve(m_rows * m_width);
    for (const auto& row : result.rows) {
        for (std::size_t i = 0; i < columns.size(); ++i) {
            // A row shorter than the result's columns is malformed input: its missing values stay absent.
            const std::size_t column = columns[i];
            m_cells.push_back(normalize(column < row.size() ? &row[column] : nullptr, modes[i]));
        }
    }
}

std::size_t first_difference(const NormalRows& a, std::size_t a_row, const NormalRows& b, std::size_t b_row,
                             double tolerance) {
    for (std::size_t column = 0; column < a.width(); ++column) {
        if (!normal_equal(a.at(a_row, column), b.at(b_row, column), tolerance)) return column;
    }
    return std::string::npos;
}

Unmatched multiset_difference(const NormalRows& primary, std::vector<std::size_t> primary_rows,
                              const NormalRows& shadow, std::vector<std::size_t> shadow_rows, double tolerance) {
    sort_by_values(primary, primary_rows);
    sort_by_values(shadow, shadow_rows);
    merge_away_equals(primary_rows, shadow_rows,
                      [&](std::size_t p, std::size_t s) { return exact_order(primary, p, shadow, s); });
    // What is left is still sorted, so floats within tolerance of each other line up for a second merge.
    if (!primary_rows.empty() && !shadow_rows.empty()) {
        merge_away_equals(primary_rows, shadow_rows, [&](std::size_t p, std::size_t s) {
            return tolerant_order(primary, p, shadow, s, tolerance);
        });
    }
    std::sort(primary_rows.begin(), primary_rows.end());
    std::sort(shadow_rows.begin(), shadow_rows.end());
    return Unmatched{std::move(primary_rows), std::move(shadow_rows)};
}

std::size_t nearest_row(const NormalRows& rows, std::size_t row, const NormalRows& candidates,
                        const std::vector<std::size_t>& candidate_rows, double tolerance) {
    constexpr std::size_t k_max_candidates = 1000;
    std::size_t best = std::string::npos;
    std::size_t best_equal = 0;
    for (std::size_t i = 0; i < candidate_rows.size() && i < k_max_candidates; ++i) {
        std::size_t equal = 0;
        for (std::size_t column = 0; column < rows.width(); ++column) {
            if (normal_equal(rows.at(row, column), candidates.at(candidate_rows[i], column), tolerance)) ++equal;
        }
        if (best == std::string::npos || equal > best_equal) {
            best = candidate_rows[i];
            best_equal = equal;
        }
    }
    return best;
}

}  // namespace schemaflip::replay::detail
