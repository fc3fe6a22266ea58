// The weekly prediction task of issue 4: one example per (project, existing table, week), its label and
// its features, plus the recency baseline's score.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/history/history.hpp"
#include "core/predict/scorer.hpp"
#include "core/predict/timing.hpp"

namespace schemaflip::predict {

struct Example {
    std::string project;
    std::string table;   // the table's name at the week start
    std::int64_t week = 0;  // Monday 00:00 UTC, epoch seconds
    bool label = false;     // any op other than create_table during [week, week + horizon)
    std::array<bool, k_change_families> families{};  // an op of that ChangeFamily during the same days
    double baseline = 0;    // ops on the table in the 90 days before the week
};

// The examples of one project at one week start, and what the timing stage knows and learns of it.
struct ProjectWeek {
    std::size_t first_row = 0;  // into Dataset::examples
    std::size_t rows = 0;
    WeekOutcome outcome;  // the timing stage's label: the share of the tables that change, per target
};

struct Dataset {
    std::vector<Example> examples;
    std::vector<float> features;  // row-major, feature_count() values per example
    std::size_t feature_count = 0;
    std::vector<ProjectWeek> weeks;
    std::vector<float> timing_features;  // row-major, timing_feature_names().size() values per week
};

// Whether a table gets an operation other than create_table during [from, to), and one of each change
// family: the labels of an example.
struct TableLabels {
    bool any = false;
    std::array<bool, k_change_families> families{};
};
TableLabels table_labels(const TableTimeline& table, std::int64_t from, std::int64_t to);
// Counts one more table, with these labels, in `outcome`.
void count_table(const TableLabels& labels, WeekOutcome& outcome);

// The training targets of every example, row-major in the order of target_names(): label, then families.
std::vector<float> target_matrix(const Dataset& dataset);
// The timing stage's labels of every week (the share of its tables changed, per target, row-major) and
// their weights (its number of tables).
std::vector<float> timing_shares(const Dataset& dataset);
std::vector<float> timing_weights(const Dataset& dataset);
// Per example and target (row-major), the log-odds of the share of its project week's tables that changed.
// The table model trains from them, so that its trees learn only how a table differs from the rest of its
// week, and the timing stage alone sets the week's level.
std::vector<float> week_margins(const Dataset& dataset);

// Monday 00:00 UTC at or after `ts`.
std::int64_t next_monday(std::int64_t ts);

// Per project: weeks start on the first Monday 00:00 UTC after the project's first event and continue
// while week + horizon is not after its last event; every table existing at the week start is an
// example. Features read only events before the week.
Dataset build_dataset(const std::vector<history::HistoryEvent>& events, std::int64_t horizon_seconds);

}  // namespace schemaflip::predict
