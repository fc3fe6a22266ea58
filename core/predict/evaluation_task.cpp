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

bool changes_within(const TableTimeline& table, std::int64_t from, std::int64_t to) {
    const auto begin = std::lower_bound(table.times.begin(), table.times.end(), from) - table.times.begin();
    for (auto i = static_cast<std::size_t>(begin); i < table.ops.size() && table.ops[i].ts < to; ++i) {
        if (!table.ops[i].is_create) return true;
    }
    return false;
}

void add_project(const ProjectTimeline& timeline, std::int64_t horizon, Dataset& dataset) {
    // "The first full week after the first event": a week starting exactly at the first event is not after it.
    for (auto week = next_monday(timeline.first_ts + 1); week + horizon <= timeline.last_ts; week += k_week) {
        const auto project = project_state(timeline, week);
        const auto first_row = dataset.examples.size();
        for (std::uint32_t id = 0; id < timeline.tables.size(); ++id) {
            const auto& table = timeline.tables[id];
            if (!table.is_table || !table.exists_at(week)) continue;
            dataset.examples.push_back(Example{timeline.project, table.name_at(week), week,
                                               changes_within(table, week, week + horizon),
                                               recency_baseline(table, week)});
            append_features(timeline, project, id, dataset.features);
        }
        fill_week_percentiles(dataset.features, first_row, dataset.examples.size() - first_row);
    }
}

}  // namespace

std::int64_t next_monday(std::int64_t ts) {
    const auto since = ts - k_first_monday;
    const auto weeks = since >= 0 ? (since + k_week - 1) / k_week : -((-since) / k_week);
    return k_first_monday + weeks * k_week;
}

Dataset build_dataset(const std::vector<history::HistoryEvent>& events, std::int64_t horizon_seconds) {
    Dataset dataset;
    dataset.feature_count = feature_names().size();
    for (const auto& timeline : build_timelines(events)) add_project(timeline, horizon_seconds, dataset);
    return dataset;
}

}  // namespace schemaflip::predict
