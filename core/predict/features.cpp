// Feature computation: windowed counts, recency, shares and co-change, normalised so that projects of
// very different sizes and paces look alike to the model.
#include "core/predict/features.hpp"

#include <algorithm>
#include <cmath>
#include <set>

namespace schemaflip::predict {
namespace {

constexpr std::int64_t k_day = 86400;
constexpr std::array<std::int64_t, 4> k_windows_days = {7, 30, 90, 365};
constexpr double k_decay_days = 30.0;
constexpr float k_never = 10000.0f;  // days since an event that never happened: beyond any history

constexpr std::array<const char*, k_op_families> k_family_names = {
    "create", "drop", "add_column", "change_column", "index", "constraint", "data", "other"};

// Features also given as a percentile among the project's tables of the same week: scale-free, so a
// busy project and a quiet one look alike.
constexpr std::array<const char*, 5> k_ranked = {"table_decayed_ops", "table_ops_90d", "table_days_since_change",
                                                 "cochange_ops_30d", "table_active_months_365d"};

std::vector<std::string> make_feature_names() {
    std::vector<std::string> names;
    for (auto days : k_windows_days) names.push_back("table_ops_" + std::to_string(days) + "d");
    for (auto days : k_windows_days) names.push_back("table_share_" + std::to_string(days) + "d");
    for (auto days : k_windows_days) names.push_back("table_relative_rate_" + std::to_string(days) + "d");
    for (const auto* family : k_family_names) names.push_back(std::string("table_") + family + "_365d");
    for (const auto* family : k_family_names) names.push_back(std::string("table_") + family + "_share_all");
    for (const auto* name :
         {"table_days_since_change", "table_days_since_creation", "table_ops_total", "table_ops_per_year",
          "table_migrations_365d", "table_width", "table_decayed_ops", "table_decayed_share",
          "table_mean_gap_days", "table_days_since_change_vs_gap", "cochange_tables_365d", "cochange_ops_30d",
          "cochange_ops_90d", "cochange_changed_30d_share"}) {
        names.emplace_back(name);
    }
    names.emplace_back("table_active_months_365d");
    for (auto days : k_windows_days) names.push_back("project_ops_per_table_" + std::to_string(days) + "d");
    for (auto days : k_windows_days) names.push_back("project_tables_changed_share_" + std::to_string(days) + "d");
    for (auto days : k_windows_days) names.push_back("project_migrations_" + std::to_string(days) + "d");
    for (const auto* name : {"project_days_since_change", "project_recent_vs_year"}) names.emplace_back(name);
    for (const auto& source : k_ranked) names.push_back(std::string(source) + "_week_percentile");
    return names;
}

double ratio(double numerator, double denominator) { return denominator > 0 ? numerator / denominator : 0.0; }

double decayed(const std::vector<std::int64_t>& times, std::int64_t at) {
    double sum = 0;
    const auto end = std::lower_bound(times.begin(), times.end(), at);
    const auto begin = std::lower_bound(times.begin(), end, at - 365 * k_day);
    for (auto it = begin; it != end; ++it) sum += std::exp(-static_cast<double>(at - *it) / (k_decay_days * k_day));
    return sum;
}

}  // namespace

const std::vector<std::string>& feature_names() {
    static const auto names = make_feature_names();
    return names;
}

// Operations other than create_table on `table` in [from, to): what the label counts.
double changes_between(const TableTimeline& table, std::int64_t from, std::int64_t to) {
    return static_cast<double>(count_between(table.times, from, to)) -
           static_cast<double>(count_between(table.family_times[static_cast<std::size_t>(OpFamily::create)], from, to));
}

ProjectState project_state(const ProjectTimeline& timeline, std::int64_t at) {
    ProjectState state;
    state.at = at;
    std::array<double, k_windows_days.size()> tables_changed{};
    for (const auto& table : timeline.tables) {
        if (!table.is_table || !table.exists_at(at)) continue;
        state.alive_tables += 1;
        for (std::size_t i = 0; i < k_windows_days.size(); ++i) {
            if (changes_between(table, at - k_windows_days[i] * k_day, at) > 0) tables_changed[i] += 1;
        }
    }
    for (std::size_t i = 0; i < k_windows_days.size(); ++i) {
        state.ops[i] = static_cast<double>(count_between(timeline.op_times, at - k_windows_days[i] * k_day, at));
        state.activity.push_back(static_cast<float>(ratio(state.ops[i], state.alive_tables)));
    }
    for (auto changed : tables_changed) state.activity.push_back(static_cast<float>(ratio(changed, state.alive_tables)));
    for (auto days : k_windows_days) {
        state.activity.push_back(static_cast<float>(count_between(timeline.migration_times, at - days * k_day, at)));
    }
    state.decayed_ops = decayed(timeline.op_times, at);
    const auto last = std::lower_bound(timeline.op_times.begin(), timeline.op_times.end(), at);
    const double since_change =
        last == timeline.op_times.begin() ? k_never : static_cast<double>(at - *(last - 1)) / k_day;
    state.activity.push_back(static_cast<float>(since_change));
    state.activity.push_back(static_cast<float>(ratio(state.ops[2] * 365.0, state.ops[3] * 90.0)));
    return state;
}

double recency_baseline(const TableTimeline& table, std::int64_t at) {
    return static_cast<double>(count_between(table.times, at - 90 * k_day, at));
}

void append_features(const ProjectTimeline& timeline, const ProjectState& project, std::uint32_t table_id,
                     std::vector<float>& out) {
    const auto& table = timeline.tables[table_id];
    const auto at = project.at;
    const auto past_end = static_cast<std::size_t>(std::lower_bound(table.times.begin(), table.times.end(), at) -
                                                   table.times.begin());
    const double total = static_cast<double>(past_end);

    std::array<double, k_windows_days.size()> ops{};
    for (std::size_t i = 0; i < k_windows_days.size(); ++i) {
        ops[i] = static_cast<double>(count_between(table.times, at - k_windows_days[i] * k_day, at));
        out.push_back(static_cast<float>(ops[i]));
    }
    for (std::size_t i = 0; i < k_windows_days.size(); ++i) out.push_back(static_cast<float>(ratio(ops[i], project.ops[i])));
    for (std::size_t i = 0; i < k_windows_days.size(); ++i) {
        const double per_table = ratio(project.ops[i], project.alive_tables);
        out.push_back(static_cast<float>(ratio(ops[i], per_table)));
    }
    for (const auto& times : table.family_times) out.push_back(static_cast<float>(count_between(times, at - 365 * k_day, at)));
    for (const auto& times : table.family_times) {
        out.push_back(static_cast<float>(ratio(static_cast<double>(count_between(times, timeline.first_ts, at)), total)));
    }

    const double since_change = total > 0 ? static_cast<double>(at - table.times[past_end - 1]) / k_day : k_never;
    const double age = total > 0 ? static_cast<double>(at - table.times.front()) / k_day : 0.0;
    std::set<std::uint32_t> migrations_365;
    std::set<std::uint32_t> migrations_all;
    int width = 0;
    for (std::size_t i = 0; i < past_end; ++i) {
        const auto& op = table.ops[i];
        width += op.width_delta;
        migrations_all.insert(op.migration);
        if (op.ts >= at - 365 * k_day) migrations_365.insert(op.migration);
    }
    const double decayed_ops = decayed(table.times, at);
    const double mean_gap = ratio(age, static_cast<double>(migrations_all.size()));
    out.push_back(static_cast<float>(since_change));
    out.push_back(static_cast<float>(age));
    out.push_back(static_cast<float>(total));
    out.push_back(static_cast<float>(ratio(total * 365.0, std::max(age, 30.0))));
    out.push_back(static_cast<float>(migrations_365.size()));
    out.push_back(static_cast<float>(std::max(width, 0)));
    out.push_back(static_cast<float>(decayed_ops));
    out.push_back(static_cast<float>(ratio(decayed_ops, project.decayed_ops)));
    out.push_back(static_cast<float>(mean_gap));
    out.push_back(static_cast<float>(mean_gap > 0 ? since_change / mean_gap : k_never));

    // Co-change: tables that moved together with this one in the past year, and how busy they are now.
    std::set<std::uint32_t> partners;
    for (auto migration : migrations_365) {
        for (auto other : timeline.migrations[migration].tables) {
            if (other != table_id) partners.insert(other);
        }
    }
    double partner_ops_30 = 0, partner_ops_90 = 0, partners_changed_30 = 0;
    for (auto other : partners) {
        const auto& times = timeline.tables[other].times;
        const auto recent = static_cast<double>(count_between(times, at - 30 * k_day, at));
        partner_ops_30 += recent;
        partner_ops_90 += static_cast<double>(count_between(times, at - 90 * k_day, at));
        if (recent > 0) partners_changed_30 += 1;
    }
    out.push_back(static_cast<float>(partners.size()));
    out.push_back(static_cast<float>(partner_ops_30));
    out.push_back(static_cast<float>(partner_ops_90));
    out.push_back(static_cast<float>(ratio(partners_changed_30, static_cast<double>(partners.size()))));

    // In how many of the last twelve 30-day periods the table changed: steady change, not one burst.
    std::set<std::int64_t> active_months;
    for (std::size_t i = 0; i < past_end; ++i) {
        const auto& op = table.ops[i];
        if (!op.is_create && op.ts >= at - 360 * k_day) active_months.insert((at - op.ts) / (30 * k_day));
    }
    out.push_back(static_cast<float>(active_months.size()));

    out.insert(out.end(), project.activity.begin(), project.activity.end());
    out.insert(out.end(), k_ranked.size(), 0.0f);  // filled by fill_week_percentiles
}

void fill_week_percentiles(std::vector<float>& features, std::size_t first_row, std::size_t rows) {
    const auto& names = feature_names();
    const auto columns = names.size();
    const auto ranked_start = columns - k_ranked.size();
    std::vector<float> values(rows);
    for (std::size_t r = 0; r < k_ranked.size(); ++r) {
        const auto source = static_cast<std::size_t>(std::find(names.begin(), names.end(), k_ranked[r]) - names.begin());
        for (std::size_t i = 0; i < rows; ++i) values[i] = features[(first_row + i) * columns + source];
        auto sorted = values;
        std::sort(sorted.begin(), sorted.end());
        for (std::size_t i = 0; i < rows; ++i) {
            const auto below = std::lower_bound(sorted.begin(), sorted.end(), values[i]) - sorted.begin();
            const auto equal = std::upper_bound(sorted.begin(), sorted.end(), values[i]) - sorted.begin() - below;
            const double percentile = (static_cast<double>(below) + 0.5 * static_cast<double>(equal)) / static_cast<double>(rows);
            features[(first_row + i) * columns + ranked_start + r] = static_cast<float>(percentile);
        }
    }
}

}  // namespace schemaflip::predict
