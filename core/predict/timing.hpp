// The timing stage of the change model: how many of a project's tables change within the horizon after a
// week start, forecast from that project's own past.
//
// Why a stage of its own: most of what separates a change from none is *when* a project changes many
// tables, not *which* of them. bench/train_holdout.py shows it: with each project's weeks put at their true
// rate (an oracle) the held-out PR-AUC would be 0.468, with one true rate per project only 0.206. A table
// model alone (features.hpp) follows the bursts of the projects it was trained on and carries its week
// level poorly to other projects. So the two are split: the table model is trained from each week's actual
// share of changed tables as its starting log-odds (week_margins), so its trees learn only how a table
// stands against the rest of its week; this stage, a ridge logistic regression over a few project-level
// rates, above all how often its tables changed within a horizon in earlier, finished weeks, forecasts
// the week's share. A score is the table model's log-odds, centred on their mean over the project's
// tables that week, plus the forecast's log-odds.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/predict/features.hpp"
#include "core/predict/scorer.hpp"
#include "core/predict/timeline.hpp"

namespace schemaflip::predict {

// What happened after one week start: the tables that existed, and how many of them got a change of each
// target (any, then the families) within the horizon.
struct WeekOutcome {
    std::int64_t week = 0;
    double tables = 0;
    std::array<double, k_model_targets> changed{};
};

// The outcomes of the project's weeks (from the first Monday after its first event) whose horizon ends at
// or before `until`: they use only events before `until`.
std::vector<WeekOutcome> past_outcomes(const ProjectTimeline& timeline, std::int64_t horizon, std::int64_t until);

const std::vector<std::string>& timing_feature_names();

// Appends the timing features of the project at `at` to `out`. `outcomes` are the project's week outcomes
// in week order; only those whose horizon ends at or before `at` are read.
void append_timing_features(const ProjectTimeline& timeline, const ProjectState& project,
                            const std::vector<WeekOutcome>& outcomes, std::int64_t horizon, std::int64_t at,
                            std::vector<float>& out);

// Moves the table model's probabilities of one project's tables at one week start (`rows` rows of
// k_model_targets values from `first_row`) so that, per target, the mean of their log-odds is the log-odds
// of the timing stage's `forecast` (k_model_targets values); the order within the week is kept.
void apply_timing(std::vector<float>& probabilities, std::size_t first_row, std::size_t rows, const float* forecast);

}  // namespace schemaflip::predict
