// One project's history arranged for time queries: table identities (renames followed), op times per
// table and per op family, migrations with the tables they touched.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/history/history.hpp"

namespace schemaflip::predict {

// History timestamps are seconds since the epoch, UTC.
inline constexpr std::int64_t k_day = 86400;
inline constexpr std::int64_t k_week = 7 * k_day;

// Op families that the features count separately.
enum class OpFamily : std::uint8_t {
    create, drop, rename, add_column, drop_column, alter_column, index, constraint, data, other
};
inline constexpr std::size_t k_op_families = 10;
OpFamily op_family(std::string_view op);

// The change families the model gives a probability for, beside "any change". In the history's op
// vocabulary: add_column; drop_column; alter_column = rename_column, alter_column_type, alter_column_null,
// alter_column_default; index = add_index, drop_index; constraint = add_constraint, drop_constraint,
// add_foreign_key, drop_foreign_key.
enum class ChangeFamily : std::uint8_t { add_column, drop_column, alter_column, index, constraint };
inline constexpr std::size_t k_change_families = 5;

// "add_column", "drop_column", "alter_column", "index", "constraint".
std::string_view change_family_name(ChangeFamily family);
// The change family of an op family; nullopt for create, drop and rename of tables, data and other.
std::optional<ChangeFamily> change_family(OpFamily family);
// The change family of a history op (op_family, then change_family).
std::optional<ChangeFamily> change_family_of(std::string_view op);

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
    std::vector<std::int64_t> change_times;                   // ts of ops other than create_table
    std::vector<std::int64_t> migration_times;                // ts of each distinct migration touching it
    std::array<std::vector<std::int64_t>, k_op_families> family_times;
    // (ts, alive after it): create_table, drop_table, and a rename of another table onto its name.
    std::vector<std::pair<std::int64_t, bool>> lifecycle;
    // One of its names gets some op other than `other` at some time in the project: names that only ever
    // get `other` are views and the like.
    bool is_table = false;
    // When that became known: the first op other than `other` on one of its names. Features, which may
    // only know the past, count a table at `at` only when table_from < at.
    std::int64_t table_from = std::numeric_limits<std::int64_t>::max();

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
