// Enumerates the weekly examples of every project and labels them from the events inside the horizon.
#include "core/predict/evaluation_task.hpp"

#include <algorithm>
#include <cmath>

#include "core/predict/features.hpp"
#include "core/predict/timeline.hpp"

namespace schemaflip::predict {
namespace {

// 1970-01-01 was a Thursday: the first Monday 00:00 UTC is day 4.
constexpr std::int64_t k_first_monday = 4 * k_day;

void add_project(const ProjectTimeline& timeline, std::int64_t horizon, Dataset& dataset) {
    // Every week of the loop below is a finished week by the project's last event.
    const auto outcomes = past_outcomes(timeline, horizon, timeline.last_ts);
    // "The first full week after the first event": a week starting exactly at the first event is not after it.
    for (auto week = next_monday(timeline.first_ts + 1); week + horizon <= timeline.last_ts; week += k_week) {
        const auto project = project_state(timeline, week);
        const auto first_row = dataset.examples.size();
        WeekOutcome outcome;
        outcome.week = week;
        for (std::uint32_t id = 0; id < timeline.tables.size(); ++id) {
            const auto& table = timeline.tables[id];
            if (!table.is_table || !table.exists_at(week)) continue;
            auto& example = dataset.examples.emplace_back();
            example.project = timeline.project;
            example.table = table.name_at(week);
            example.week = week;
            example.baseline = recency_baseline(table, week);
            const auto labels = table_labels(table, week, week + horizon);
            example.label = labels.any;
            example.families = labels.families;
            count_table(labels, outcome);
            append_features(timeline, project, id, dataset.features);
        }
        const auto rows = dataset.examples.size() - first_row;
        fill_week_features(dataset.features, first_row, rows);
        if (rows == 0) continue;
        dataset.weeks.push_back(ProjectWeek{first_row, rows, outcome});
        append_timing_features(timeline, project, outcomes, horizon, week, dataset.timing_features);
    }
}

}  // namespace

TableLabels table_labels(const TableTimeline& table, std::int64_t from, std::int64_t to) {
    TableLabels labels;
    const auto begin = std::lower_bound(table.times.begin(), table.times.end(), from) - table.times.begin();
    for (auto i = static_cast<std::size_t>(begin); i < table.ops.size() && table.ops[i].ts < to; ++i) {
        if (!table.ops[i].is_create) labels.any = true;
        if (const auto family = change_family(table.ops[i].family)) labels.families[static_cast<std::size_t>(*family)] = true;
    }
    return labels;
}

void count_table(const TableLabels& labels, WeekOutcome& outcome) {
    outcome.tables += 1;
    outcome.changed[0] += labels.any ? 1 : 0;
    for (std::size_t f = 0; f < k_change_families; ++f) outcome.changed[1 + f] += labels.families[f] ? 1 : 0;
}

std::int64_t next_monday(std::int64_t ts) {
    const auto since = ts - k_first_monday;
    const auto weeks = since >= 0 ? (since + k_week - 1) / k_week : -((-since) / k_week);
    return k_first_monday + weeks * k_week;
}

std::vector<float> target_matrix(const Dataset& dataset) {
    std::vector<float> targets;
    targets.reserve(dataset.examples.size() * k_model_targets);
    for (const auto& example : dataset.examples) {
        targets.push_back(example.label ? 1.0f : 0.0f);
        for (bool family : example.families) targets.push_back(family ? 1.0f : 0.0f);
    }
    return targets;
}

std::vector<float> timing_shares(const Dataset& dataset) {
    std::vector<float> shares;
    shares.reserve(dataset.weeks.size() * k_model_targets);
    for (const auto& week : dataset.weeks) {
        for (auto changed : week.outcome.changed) shares.push_back(static_cast<float>(changed / week.outcome.tables));
    }
    return shares;
}

std::vector<float> timing_weights(const Dataset& dataset) {
    std::vector<float> weights;
    weights.reserve(dataset.weeks.size());
    for (const auto& week : dataset.weeks) weights.push_back(static_cast<float>(week.outcome.tables));
    return weights;
}

std::vector<float> week_margins(const Dataset& dataset) {
    std::vector<float> margins(dataset.examples.size() * k_model_targets);
    for (const auto& week : dataset.weeks) {
        for (std::size_t target = 0; target < k_model_targets; ++target) {
            // Half a change more and half a change less keep a week where none or all changed finite.
            const auto share = (week.outcome.changed[target] + 0.5) / (week.outcome.tables + 1);
            const auto margin = static_cast<float>(std::log(share / (1 - share)));
            for (auto i = week.first_row; i < week.first_row + week.rows; ++i) margins[i * k_model_targets + target] = margin;
        }
    }
    return margins;
}

Dataset build_dataset(const std::vector<history::HistoryEvent>& events, std::int64_t horizon_seconds) {
    Dataset dataset;
    dataset.feature_count = feature_names().size();
    for (const auto& timeline : build_timelines(events)) add_project(timeline, horizon_seconds, dataset);
    return dataset;
}

}  // namespace schemaflip::predict
