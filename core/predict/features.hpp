// Features of one (table, week) example, computed only from a project's events before the week.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/predict/timeline.hpp"

namespace schemaflip::predict {

// The feature names, in the order of every feature vector; a model records them to refuse vectors it
// was not trained on.
const std::vector<std::string>& feature_names();

// What every table of a project shares at one week start; computed once per week.
struct ProjectState {
    std::int64_t at = 0;
    // Project-level features (name, value), in feature_names() order after the table's.
    std::vector<std::pair<std::string, float>> activity;
    std::array<double, 4> ops{};  // project operations in the last 7, 30, 90, 365 days
    double decayed_ops = 0;
    double decayed_migrations_180 = 0;  // project migrations, decayed over 180 and 365 days
    double decayed_migrations_365 = 0;
    double alive_tables = 0;
};

ProjectState project_state(const ProjectTimeline& timeline, std::int64_t at);

// Appends the feature vector of table `table_id` at week start `at` to `out`. Reads only events with
// ts < at.
void append_features(const ProjectTimeline& timeline, const ProjectState& project, std::uint32_t table_id,
                     std::vector<float>& out);

// Fills the week-level features of `rows` feature vectors starting at row `first_row`, which must be
// all the tables of one project at one time: percentiles among them, the project's mean past change
// rate. append_features leaves them zero.
void fill_week_features(std::vector<float>& features, std::size_t first_row, std::size_t rows);

// The recency baseline: operations on the table in the 90 days before `at`.
double recency_baseline(const TableTimeline& table, std::int64_t at);

}  // namespace schemaflip::predict
