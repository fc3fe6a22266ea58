// One project's history arranged for time queries: table identities (renames followed), op times per
// table and per op family, migrations with the tables they touched.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/history/history.hpp"

namespace schemaflip::predict {

// Op families that the features count separately.
enum class OpFamily : std::uint8_t { create, drop, add_column, change_column, index, constraint, data, other };
inline constexpr std::size_t k_op_families = 8;
OpFamily op_family(std::string_view op);

struct TableOp {
    std::int64_t ts = 0;
    OpFamily family = OpFamily::other;
    bool is_create = false;
    int width_delta = 0;        // columns added (create_table's column list, add_column) minus dropped
    std::uint32_t migration = 0;  // index into ProjectTimeline::migrations
};

struct TableTimeline {
    std::vector<std::pair<std::int64_t, std::string>> names;  // (from ts, name): a rename keeps the identity
    std::vector<TableOp> ops;                                 // sorted by ts
    std::vector<std::int64_t> times;                          // ops[i].ts, for binary search
    std::array<std::vector<std::int64_t>, k_op_families> family_times;
    std::vector<std::pair<std::int64_t, bool>> lifecycle;  // (ts, alive after it): create_table / drop_table
    bool is_table = false;  // some op other than `other`: names that only get `other` are views and the like

    const std::string& name_at(std::int64_t ts) const;
    // Exists at `ts`: seen before it, and not dropped (as of the last create/drop before it).
    bool exists_at(std::int64_t ts) const;
};

struct Migration {
    std::int64_t ts = 0;
    std::vector<std::uint32_t> tables;  // distinct table ids
};

struct ProjectTimeline {
    std::string project;
    std::int64_t first_ts = 0;
    std::int64_t last_ts = 0;
    std::vector<TableTimeline> tables;
    std::vector<Migration> migrations;           // sorted by ts
    std::vector<std::int64_t> migration_times;   // migrations[i].ts
    std::vector<std::int64_t> op_times;          // every op of the project, sorted (tables unknown included)
};

// Events of one project, sorted by ts (load_history's order).
ProjectTimeline build_timeline(const std::vector<const history::HistoryEvent*>& events);

// Events of every project in `events`, one timeline each, in order of first appearance.
std::vector<ProjectTimeline> build_timelines(const std::vector<history::HistoryEvent>& events);

// How many of the sorted `times` lie in [from, to).
std::size_t count_between(const std::vector<std::int64_t>& times, std::int64_t from, std::int64_t to);

}  // namespace schemaflip::predict
