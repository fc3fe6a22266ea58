// Feature computation: windowed counts, recency per op family, decayed activity, past change rates,
// shares and co-change, mostly as rates and ratios so that projects of very different sizes and paces
// look alike to the model. Every value comes from events strictly before the week start.
#include "core/predict/features.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace schemaflip::predict {
namespace {

constexpr std::array<std::int64_t, 4> k_windows_days = {7, 30, 90, 365};
constexpr std::array<int, 5> k_decay_days = {7, 30, 90, 180, 365};
constexpr double k_never = 10000.0;  // days since an event that never happened: beyond any history
constexpr double k_undefined = -1.0;  // a rate without anything to measure it on
// Past change rates are measured on 30-day windows, one starting each week, the latest ending at the
// week start: how often "a change within 30 days" happened before, for the table and its project.
constexpr std::int64_t k_rate_window = 30 * k_day;
constexpr int k_rate_weeks = 52;
constexpr std::int64_t k_cochange_lookback = 730 * k_day;

constexpr std::array<const char*, k_op_families> k_family_names = {
    "create", "drop", "rename", "add_column", "drop_column", "alter_column", "index", "constraint", "data", "other"};

// Features also given as a percentile among the project's tables of the same week: scale-free, so a
// busy project and a quiet one look alike.
constexpr std::array<const char*, 6> k_ranked = {"table_decayed_30d",       "table_ops_90d",
                                                 "table_days_since_change", "cochange_recent_strength",
                                                 "table_active_months_365d", "table_change_rate_52w"};

double ratio(double numerator, double denominator) { return denominator > 0 ? numerator / denominator : 0.0; }

double days(std::int64_t seconds) { return static_cast<double>(seconds) / k_day; }

double decayed(const std::vector<std::int64_t>& times, std::int64_t at, int decay_days) {
    double sum = 0;
    const auto end = std::lower_bound(times.begin(), times.end(), at);
    const auto begin = std::lower_bound(times.begin(), end, at - 8 * decay_days * k_day);  // e^-8: negligible
    for (auto it = begin; it != end; ++it) sum += std::exp(-days(at - *it) / decay_days);
    return sum;
}

double days_since_last(const std::vector<std::int64_t>& times, std::int64_t at) {
    const auto end = std::lower_bound(times.begin(), times.end(), at);
    return end == times.begin() ? k_never : days(at - *(end - 1));
}

// The share of the weekly 30-day windows of the last year (only those starting at or after `since`)
// in which `times` has an event; k_undefined when no window qualifies.
double window_rate(const std::vector<std::int64_t>& times, std::int64_t at, std::int64_t since) {
    int windows = 0, hits = 0;
    for (int k = 0; k < k_rate_weeks; ++k) {
        const auto start = at - k_rate_window - k * k_week;
        if (start < since) break;
        ++windows;
        if (count_between(times, start, start + k_rate_window) > 0) ++hits;
    }
    return windows > 0 ? static_cast<double>(hits) / windows : k_undefined;
}

// Appends values and, while the names are being listed, their names: one code path for both keeps
// feature_names() and every vector in the same order.
class Row {
public:
    Row(std::vector<float>& values, std::vector<std::string>* names) : m_values(values), m_names(names) {}
    void add(const std::string& name, double value) {
        m_values.push_back(static_cast<float>(value));
        if (m_names) m_names->push_back(name);
    }

private:
    std::vector<float>& m_values;
    std::vector<std::string>* m_names;
};

void project_features(const ProjectTimeline& timeline, std::int64_t at, ProjectState& state) {
    std::array<double, k_windows_days.size()> tables_changed{};
    double created_30 = 0;
    for (const auto& table : timeline.tables) {
        if (table.table_from >= at || !table.exists_at(at)) continue;
        state.alive_tables += 1;
        for (std::size_t i = 0; i < k_windows_days.size(); ++i) {
            if (count_between(table.change_times, at - k_windows_days[i] * k_day, at) > 0) tables_changed[i] += 1;
        }
        if (table.times.front() >= at - 30 * k_day) created_30 += 1;
    }
    const auto add = [&](std::string name, double value) { state.activity.emplace_back(std::move(name), static_cast<float>(value)); };
    for (std::size_t i = 0; i < k_windows_days.size(); ++i) {
        state.ops[i] = static_cast<double>(count_between(timeline.op_times, at - k_windows_days[i] * k_day, at));
    }
    for (std::size_t i = 0; i < k_windows_days.size(); ++i) {
        add("project_ops_per_table_" + std::to_string(k_windows_days[i]) + "d", ratio(state.ops[i], state.alive_tables));
    }
    for (std::size_t i = 0; i < k_windows_days.size(); ++i) {
        add("project_tables_changed_share_" + std::to_string(k_windows_days[i]) + "d", ratio(tables_changed[i], state.alive_tables));
    }
    int active_weeks = 0;
    for (int k = 0; k < k_rate_weeks; ++k) {
        if (count_between(timeline.migration_times, at - (k + 1) * k_week, at - k * k_week) > 0) ++active_weeks;
    }
    state.decayed_ops = decayed(timeline.op_times, at, 30);
    state.decayed_migrations_180 = decayed(timeline.migration_times, at, 180);
    state.decayed_migrations_365 = decayed(timeline.migration_times, at, 365);
    add("project_days_since_change", days_since_last(timeline.op_times, at));
    // The same against the project's pace: its mean days between migrations over the last year.
    const auto year_migrations = static_cast<double>(count_between(timeline.migration_times, at - 365 * k_day, at));
    add("project_days_since_change_vs_gap",
        year_migrations > 0 ? days_since_last(timeline.op_times, at) / (365.0 / year_migrations) : k_never);
    add("project_recent_vs_year", ratio(state.ops[2] * 365.0, state.ops[3] * 90.0));
    add("project_active_weeks_share_52w", active_weeks / static_cast<double>(k_rate_weeks));
    add("project_new_tables_share_30d", ratio(created_30, state.alive_tables));
}

// Co-change over the last two years: how strongly each other table moved in the same migrations as
// this one (shared migrations / this table's migrations), and how much of that company changed lately.
struct Cochange {
    double partners = 0;
    double partner_ops_30 = 0;
    double changed_share_30 = 0;
    double recent_strength = 0;  // Σ strength of partners changed in the last 30 days
    double max_recent_strength = 0;
};

Cochange cochange(const ProjectTimeline& timeline, std::uint32_t table_id, std::size_t past_end, std::int64_t at) {
    const auto& table = timeline.tables[table_id];
    std::set<std::uint32_t> migrations;
    for (std::size_t i = 0; i < past_end; ++i) {
        if (table.ops[i].ts >= at - k_cochange_lookback) migrations.insert(table.ops[i].migration);
    }
    std::map<std::uint32_t, int> shared;
    for (auto migration : migrations) {
        for (auto other : timeline.migrations[migration].tables) {
            if (other != table_id) ++shared[other];
        }
    }
    Cochange result;
    result.partners = static_cast<double>(shared.size());
    double changed = 0;
    for (const auto& [other, count] : shared) {
        const auto recent = static_cast<double>(count_between(timeline.tables[other].change_times, at - 30 * k_day, at));
        result.partner_ops_30 += recent;
        if (recent == 0) continue;
        changed += 1;
        const double strength = static_cast<double>(count) / static_cast<double>(migrations.size());
        result.recent_strength += strength;
        result.max_recent_strength = std::max(result.max_recent_strength, strength);
    }
    result.changed_share_30 = ratio(changed, result.partners);
    return result;
}

void table_features(const ProjectTimeline& timeline, const ProjectState& project, std::uint32_t table_id, Row& row) {
    const auto& table = timeline.tables[table_id];
    const auto at = project.at;
    const auto past_end = static_cast<std::size_t>(std::lower_bound(table.times.begin(), table.times.end(), at) -
                                                   table.times.begin());
    const double total = static_cast<double>(past_end);
    const auto first_seen = past_end > 0 ? table.times.front() : at;

    std::array<double, k_windows_days.size()> ops{};
    for (std::size_t i = 0; i < k_windows_days.size(); ++i) {
        ops[i] = static_cast<double>(count_between(table.times, at - k_windows_days[i] * k_day, at));
        row.add("table_ops_" + std::to_string(k_windows_days[i]) + "d", ops[i]);
    }
    for (std::size_t i = 0; i < k_windows_days.size(); ++i) {
        row.add("table_share_" + std::to_string(k_windows_days[i]) + "d", ratio(ops[i], project.ops[i]));
    }
    for (std::size_t i = 0; i < k_windows_days.size(); ++i) {
        row.add("table_relative_rate_" + std::to_string(k_windows_days[i]) + "d",
                ratio(ops[i], ratio(project.ops[i], project.alive_tables)));
    }
    for (std::size_t f = 0; f < k_op_families; ++f) {
        row.add(std::string("table_") + k_family_names[f] + "_365d",
                static_cast<double>(count_between(table.family_times[f], at - 365 * k_day, at)));
    }
    for (std::size_t f = 0; f < k_op_families; ++f) {
        row.add(std::string("table_") + k_family_names[f] + "_share_all",
                ratio(static_cast<double>(count_between(table.family_times[f], first_seen, at)), total));
    }
    for (std::size_t f = 0; f < k_op_families; ++f) {
        if (f == static_cast<std::size_t>(OpFamily::create) || f == static_cast<std::size_t>(OpFamily::other)) continue;
        row.add(std::string("table_days_since_") + k_family_names[f], days_since_last(table.family_times[f], at));
    }

    const double since_change = days_since_last(table.times, at);
    const double age = total > 0 ? days(at - first_seen) : 0.0;
    std::set<std::uint32_t> migrations_365, migrations_all;
    int width = 0;
    for (std::size_t i = 0; i < past_end; ++i) {
        const auto& op = table.ops[i];
        width += op.width_delta;
        migrations_all.insert(op.migration);
        if (op.ts >= at - 365 * k_day) migrations_365.insert(op.migration);
    }
    const double mean_gap = ratio(age, static_cast<double>(migrations_all.size()));
    row.add("table_days_since_change", since_change);
    row.add("table_days_since_alteration", days_since_last(table.change_times, at));
    row.add("table_days_since_creation", age);
    row.add("table_migrations_365d", static_cast<double>(migrations_365.size()));
    row.add("table_width", std::max(width, 0));
    for (auto decay : k_decay_days) row.add("table_decayed_" + std::to_string(decay) + "d", decayed(table.times, at, decay));
    row.add("table_decayed_share", ratio(decayed(table.times, at, 30), project.decayed_ops));
    // Migrations rather than operations: a migration that adds ten indexes is one decision, not ten.
    for (auto decay : {30, 180, 365, 730}) {
        row.add("table_decayed_migrations_" + std::to_string(decay) + "d", decayed(table.migration_times, at, decay));
    }
    row.add("table_decayed_changes_180d", decayed(table.change_times, at, 180));
    // The table's expected migrations in the next 30 days if the project keeps its recent pace and the
    // table its long-run share of the project's migrations: a rate, comparable across projects.
    const auto table_migrations_180 = decayed(table.migration_times, at, 180);
    const auto table_migrations_365 = decayed(table.migration_times, at, 365);
    for (auto pace_days : {30, 90}) {
        const double pace = static_cast<double>(count_between(timeline.migration_times, at - pace_days * k_day, at)) * 30.0 / pace_days;
        row.add("table_expected_migrations_30d_share180_pace" + std::to_string(pace_days),
                ratio(table_migrations_180, project.decayed_migrations_180) * pace);
        row.add("table_expected_migrations_30d_share365_pace" + std::to_string(pace_days),
                ratio(table_migrations_365, project.decayed_migrations_365) * pace);
    }
    row.add("table_days_since_change_vs_gap", mean_gap > 0 ? since_change / mean_gap : k_never);

    // Recency counted in the project's own migrations rather than days: the same for a project that
    // migrates daily and one that migrates monthly.
    const auto project_migrations = static_cast<std::size_t>(
        std::lower_bound(timeline.migration_times.begin(), timeline.migration_times.end(), at) - timeline.migration_times.begin());
    row.add("table_migrations_since_change",
            past_end > 0 ? static_cast<double>(count_between(timeline.migration_times, table.times[past_end - 1] + 1, at))
                         : static_cast<double>(project_migrations));
    for (const std::size_t last : {std::size_t{10}, std::size_t{50}}) {
        const auto first = project_migrations > last ? project_migrations - last : 0;
        std::set<std::uint32_t> touched;
        for (std::size_t i = 0; i < past_end; ++i) {
            if (table.ops[i].migration >= first && table.ops[i].migration < project_migrations) touched.insert(table.ops[i].migration);
        }
        row.add("table_share_of_last_" + std::to_string(last) + "_migrations",
                ratio(static_cast<double>(touched.size()), static_cast<double>(project_migrations - first)));
    }

    const auto company = cochange(timeline, table_id, past_end, at);
    row.add("cochange_tables_730d", company.partners);
    row.add("cochange_ops_30d", company.partner_ops_30);
    row.add("cochange_changed_30d_share", company.changed_share_30);
    row.add("cochange_recent_strength", company.recent_strength);
    row.add("cochange_max_recent_strength", company.max_recent_strength);

    // In how many of the last twelve 30-day periods the table changed: steady change, not one burst.
    std::set<std::int64_t> active_months;
    for (std::size_t i = 0; i < past_end; ++i) {
        const auto& op = table.ops[i];
        if (!op.is_create && op.ts >= at - 360 * k_day) active_months.insert((at - op.ts) / (30 * k_day));
    }
    row.add("table_active_months_365d", static_cast<double>(active_months.size()));
    row.add("table_change_rate_52w", window_rate(table.change_times, at, first_seen));
}

// The week-level features fill_week_features computes, after the table's and the project's.
void week_feature_names(Row& row) {
    for (const auto* source : k_ranked) row.add(std::string(source) + "_week_percentile", 0);
    row.add("project_mean_change_rate_52w", 0);
    row.add("table_change_rate_vs_project", 0);
}

std::vector<std::string> make_feature_names() {
    // A one-table history, run through the same code as every example.
    history::HistoryEvent create{"p", "m", 0, "t", "create_table", "", "id:int"};
    const auto timeline = build_timeline({&create});
    const auto project = project_state(timeline, 30 * k_day);
    std::vector<float> values;
    std::vector<std::string> names;
    Row row(values, &names);
    table_features(timeline, project, 0, row);
    for (const auto& [name, value] : project.activity) row.add(name, value);
    week_feature_names(row);
    return names;
}

std::size_t column_of(const std::string& name) {
    const auto& names = feature_names();
    return static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
}

}  // namespace

const std::vector<std::string>& feature_names() {
    static const auto names = make_feature_names();
    return names;
}

ProjectState project_state(const ProjectTimeline& timeline, std::int64_t at) {
    ProjectState state;
    state.at = at;
    project_features(timeline, at, state);
    return state;
}

double recency_baseline(const TableTimeline& table, std::int64_t at) {
    return static_cast<double>(count_between(table.times, at - 90 * k_day, at));
}

void append_features(const ProjectTimeline& timeline, const ProjectState& project, std::uint32_t table_id,
                     std::vector<float>& out) {
    Row row(out, nullptr);
    table_features(timeline, project, table_id, row);
    for (const auto& [name, value] : project.activity) row.add(name, value);
    week_feature_names(row);
}

void fill_week_features(std::vector<float>& features, std::size_t first_row, std::size_t rows) {
    if (rows == 0) return;
    const auto columns = feature_names().size();
    const auto at = [&](std::size_t i, std::size_t column) -> float& { return features[(first_row + i) * columns + column]; };
    std::vector<float> values(rows);
    for (const auto* source_name : k_ranked) {
        const auto source = column_of(source_name);
        const auto target = column_of(std::string(source_name) + "_week_percentile");
        for (std::size_t i = 0; i < rows; ++i) values[i] = at(i, source);
        auto sorted = values;
        std::sort(sorted.begin(), sorted.end());
        for (std::size_t i = 0; i < rows; ++i) {
            const auto below = std::lower_bound(sorted.begin(), sorted.end(), values[i]) - sorted.begin();
            const auto equal = std::upper_bound(sorted.begin(), sorted.end(), values[i]) - sorted.begin() - below;
            at(i, target) = static_cast<float>((static_cast<double>(below) + 0.5 * static_cast<double>(equal)) /
                                               static_cast<double>(rows));
        }
    }
    // The project's past change rate: the mean over its current tables that have one.
    const auto rate = column_of("table_change_rate_52w");
    double sum = 0, measured = 0;
    for (std::size_t i = 0; i < rows; ++i) {
        if (at(i, rate) < 0) continue;
        sum += at(i, rate);
        measured += 1;
    }
    const double mean = measured > 0 ? sum / measured : k_undefined;
    for (std::size_t i = 0; i < rows; ++i) {
        at(i, column_of("project_mean_change_rate_52w")) = static_cast<float>(mean);
        at(i, column_of("table_change_rate_vs_project")) =
            static_cast<float>(at(i, rate) >= 0 && mean > 0 ? at(i, rate) / mean : k_undefined);
    }
}

}  // namespace schemaflip::predict
