// The weekly prediction task of issue 4: one example per (project, existing table, week), its label and
// its features, plus the recency baseline's score.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/history/history.hpp"
#include "core/predict/scorer.hpp"

namespace schemaflip::predict {

struct Example {
    std::string project;
    std::string table;   // the table's name at the week start
    std::int64_t week = 0;  // Monday 00:00 UTC, epoch seconds
    bool label = false;     // any op other than create_table during [week, week + horizon)
    std::array<bool, k_change_families> families{};  // an op of that ChangeFamily during the same days
    double baseline = 0;    // ops on the table in the 90 days before the week
};

struct Dataset {
    std::vector<Example> examples;
    std::vector<float> features;  // row-major, feature_count() values per example
    std::size_t feature_count = 0;
};

// The training targets of every example, row-major in the order of target_names(): label, then families.
std::vector<float> target_matrix(const Dataset& dataset);

// Monday 00:00 UTC at or after `ts`.
std::int64_t next_monday(std::int64_t ts);

// Per project: weeks start on the first Monday 00:00 UTC after the project's first event and continue
// while week + horizon is not after its last event; every table existing at the week start is an
// example. Features read only events before the week.
Dataset build_dataset(const std::vector<history::HistoryEvent>& events, std::int64_t horizon_seconds);

}  // namespace schemaflip::predict
