// Enumerates the weekly examples of every project and labels them from the events inside the horizon.
#include "core/predict/evaluation_task.hpp"

#include <algorithm>

#include "core/predict/features.hpp"
#include "core/predict/timeline.hpp"

namespace schemaflip::predict {
namespace {

constexpr std::int64_t k_day = 86400;
constexpr std::int64_t k_week = 7 * k_day;
// 1970-01-01 was a Thursday: the first Monday 00:00 UTC is day 4.
constexpr std::int64_t k_first_monday = 4 * k_day;

// The labels of `example` from the table's ops in [from, to).
void label(const TableTimeline& table, std::int64_t from, std::int64_t to, Example& example) {
    const auto begin = std::lower_bound(table.times.begin(), table.times.end(), from) - table.times.begin();
    for (auto i = static_cast<std::size_t>(begin); i < table.ops.size() && table.ops[i].ts < to; ++i) {
        if (!table.ops[i].is_create) example.label = true;
        if (const auto family = change_family(table.ops[i].family)) example.families[static_cast<std::size_t>(*family)] = true;
    }
}

void add_project(const ProjectTimeline& timeline, std::int64_t horizon, Dataset& dataset) {
    // "The first full week after the first event": a week starting exactly at the first event is not after it.
    for (auto week = next_monday(timeline.first_ts + 1); week + horizon <= timeline.last_ts; week += k_week) {
        const auto project = project_state(timeline, week);
        const auto first_row = dataset.examples.size();
        for (std::uint32_t id = 0; id < timeline.tables.size(); ++id) {
            const auto& table = timeline.tables[id];
            if (!table.is_table || !table.exists_at(week)) continue;
            auto& example = dataset.examples.emplace_back();
            example.project = timeline.project;
            example.table = table.name_at(week);
            example.week = week;
            example.baseline = recency_baseline(table, week);
            label(table, week, week + horizon, example);
            append_features(timeline, project, id, dataset.features);
        }
        fill_week_features(dataset.features, first_row, dataset.examples.size() - first_row);
    }
}

}  // namespace

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

Dataset build_dataset(const std::vector<history::HistoryEvent>& events, std::int64_t horizon_seconds) {
    Dataset dataset;
    dataset.feature_count = feature_names().size();
    for (const auto& timeline : build_timelines(events)) add_project(timeline, horizon_seconds, dataset);
    return dataset;
}

}  // namespace schemaflip::predict
