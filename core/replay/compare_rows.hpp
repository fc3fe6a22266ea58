// Internal to core/replay: rows of one result normalised for comparison, and the multiset comparison.
#pragma once

#include <cstddef>
#include <vector>

#include "core/db/value.hpp"
#include "core/replay/normalize.hpp"

namespace schemaflip::replay::detail {

// One side's rows restricted to the compared columns, in the order both sides agreed on.
class NormalRows {
public:
    // columns[i] is the result column compared in position i; modes[i] how its text reads.
    NormalRows(const db::QueryResult& result, const std::vector<std::size_t>& columns,
               const std::vector<ColumnMode>& modes);

    std::size_t rows() const { return m_rows; }
    std::size_t width() const { return m_width; }
    const NormalValue& at(std::size_t row, std::size_t column) const { return m_cells[row * m_width + column]; }

private:
    std::size_t m_rows = 0;
    std::size_t m_width = 0;
    std::vector<NormalValue> m_cells;  // row-major
};

// The first compared column where the two rows differ, or npos when they are equal.
std::size_t first_difference(const NormalRows& a, std::size_t a_row, const NormalRows& b, std::size_t b_row,
                             double tolerance);

// The rows of each selection that the other selection has no equal for, counting duplicates (multiset
// difference), in ascending row order. Sorts both selections by canonical values and merges them, first
// exactly, then within tolerance for what is left: O(n log n), never pairwise.
struct Unmatched {
    std::vector<std::size_t> primary;
    std::vector<std::size_t> shadow;
};
Unmatched multiset_difference(const NormalRows& primary, std::vector<std::size_t> primary_rows,
                              const NormalRows& shadow, std::vector<std::size_t> shadow_rows, double tolerance);

// Of the candidate rows, the one with the most columns equal to `row` (the first of equals): the most
// helpful row to show next to a row that has no equal. Looks at a bounded number of candidates.
std::size_t nearest_row(const NormalRows& rows, std::size_t row, const NormalRows& candidates,
                        const std::vector<std::size_t>& candidate_rows, double tolerance);

}  // namespace schemaflip::replay::detail
