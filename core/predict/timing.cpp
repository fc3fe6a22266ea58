// The timing stage's features (a project's recent activity and its past weeks' outcomes) and how its
// forecast sets the level of a week's table scores.
#include "core/predict/timing.hpp"

#include <algorithm>
#include <cmath>

#include "core/predict/evaluation_task.hpp"
#include "core/util/error.hpp"

namespace schemaflip::predict {
namespace {

constexpr std::array<int, 4> k_share_windows_days = {7, 30, 90, 365};
constexpr std::array<int, 2> k_migration_windows_days = {30, 90};
// The project's past rate over its latest 13 and 52 finished weeks, and over all of them.
constexpr std::array<std::size_t, 3> k_outcome_weeks = {13, 52, 0};
// The past rate is smoothed towards 1 in 30, a little under the mean rate of the histories, so that a
// project with few finished weeks is not judged on them alone.
constexpr double k_prior_changed = 1;
constexpr double k_prior_tables = 30;
constexpr double k_share_floor = 0.01;  // keeps log(share) finite when nothing changed
constexpr double k_probability_floor = 1e-6;

double logit(double p) {
    p = std::clamp(p, k_probability_floor, 1 - k_probability_floor);
    return std::log(p / (1 - p));
}

double logistic(double x) { return 1 / (1 + std::exp(-x)); }

// A project feature by name: the timing stage reads the values the table model gets. A name that
// features.cpp no longer has is a programming error, not a zero.
float activity(const ProjectState& project, const std::string& name) {
    const auto found = std::find_if(project.activity.begin(), project.activity.end(),
                                    [&](const auto& entry) { return entry.first == name; });
    if (found == project.activity.end()) throw Error(ExitCode::internal, "no project feature " + name);
    return found->second;
}

std::vector<std::string> make_timing_feature_names() {
    std::vector<std::string> names;
    for (auto days : k_share_windows_days) names.push_back("log_tables_changed_share_" + std::to_string(days) + "d");
    for (auto days : k_migration_windows_days) names.push_back("log_migrations_" + std::to_string(days) + "d");
    names.emplace_back("log_days_since_change");
    for (auto weeks : k_outcome_weeks) {
        names.push_back(weeks ? "past_change_rate_logit_" + std::to_string(weeks) + "w" : "past_change_rate_logit_all");
    }
    return names;
}

}  // namespace

std::vector<WeekOutcome> past_outcomes(const ProjectTimeline& timeline, std::int64_t horizon, std::int64_t until) {
    std::vector<WeekOutcome> outcomes;
    for (auto week = next_monday(timeline.first_ts + 1); week + horizon <= until; week += k_week) {
        auto& outcome = outcomes.emplace_back();
        outcome.week = week;
        for (const auto& table : timeline.tables) {
            // Tables as the evaluation task counts them, known as tables by the end of the horizon.
            if (!table.is_table || table.table_from >= week + horizon || !table.exists_at(week)) continue;
            count_table(table_labels(table, week, week + horizon), outcome);
        }
    }
    return outcomes;
}

const std::vector<std::string>& timing_feature_names() {
    static const auto names = make_timing_feature_names();
    return names;
}

void append_timing_features(const ProjectTimeline& timeline, const ProjectState& project,
                            const std::vector<WeekOutcome>& outcomes, std::int64_t horizon, std::int64_t at,
                            std::vector<float>& out) {
    for (auto days : k_share_windows_days) {
        const auto share = activity(project, "project_tables_changed_share_" + std::to_string(days) + "d");
        out.push_back(static_cast<float>(std::log(share + k_share_floor)));
    }
    for (auto days : k_migration_windows_days) {
        const auto migrations = count_between(timeline.migration_times, at - days * k_day, at);
        out.push_back(static_cast<float>(std::log1p(static_cast<double>(migrations))));
    }
    out.push_back(static_cast<float>(std::log1p(activity(project, "project_days_since_change"))));
    // The finished weeks: those whose horizon has ended by `at`.
    const auto finished = static_cast<std::size_t>(
        std::partition_point(outcomes.begin(), outcomes.end(), [&](const WeekOutcome& o) { return o.week + horizon <= at; }) -
        outcomes.begin());
    for (auto weeks : k_outcome_weeks) {
        const auto first = weeks == 0 || weeks > finished ? 0 : finished - weeks;
        double changed = k_prior_changed, tables = k_prior_tables;
        for (auto i = first; i < finished; ++i) {
            changed += outcomes[i].changed[0];
            tables += outcomes[i].tables;
        }
        out.push_back(static_cast<float>(logit(changed / tables)));
    }
}

void apply_timing(std::vector<float>& probabilities, std::size_t first_row, std::size_t rows, const float* forecast) {
    if (rows == 0) return;
    for (std::size_t target = 0; target < k_model_targets; ++target) {
        const auto at = [&](std::size_t i) -> float& { return probabilities[(first_row + i) * k_model_targets + target]; };
        double mean = 0;
        for (std::size_t i = 0; i < rows; ++i) mean += logit(at(i));
        mean /= static_cast<double>(rows);
        const auto shift = logit(forecast[target]) - mean;
        for (std::size_t i = 0; i < rows; ++i) at(i) = static_cast<float>(logistic(logit(at(i)) + shift));
    }
}

}  // namespace schemaflip::predict
