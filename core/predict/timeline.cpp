// Builds per-project timelines from history events: follows renames, splits ops by family.
#include "core/predict/timeline.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>

namespace schemaflip::predict {
namespace {

// create_table details list columns as `name:type` words; Django FKs add `->target` words.
int created_width(const std::string& detail) {
    int columns = 0;
    std::size_t start = 0;
    while (start < detail.size()) {
        auto end = detail.find(' ', start);
        if (end == std::string::npos) end = detail.size();
        const auto word = std::string_view(detail).substr(start, end - start);
        if (word == "|") break;  // `| fk: ...` trailer of SQL creates
        if (word.find(':') != std::string_view::npos && !word.starts_with("->")) ++columns;
        start = end + 1;
    }
    return columns;
}

int width_delta(const history::HistoryEvent& event) {
    if (event.op == "create_table") return created_width(event.detail);
    if (event.op == "add_column") return 1;
    if (event.op == "drop_column") return -1;
    return 0;
}

std::string rename_target(const std::string& detail) {
    auto target = detail.starts_with("-> ") ? detail.substr(3) : detail;
    const auto dot = target.rfind('.');
    if (dot != std::string::npos) target = target.substr(dot + 1);
    std::transform(target.begin(), target.end(), target.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return target;
}

}  // namespace

OpFamily op_family(std::string_view op) {
    if (op == "create_table") return OpFamily::create;
    if (op == "drop_table") return OpFamily::drop;
    if (op == "add_column") return OpFamily::add_column;
    if (op == "drop_column" || op == "rename_column" || op == "alter_column_type" || op == "alter_column_null" ||
        op == "alter_column_default") {
        return OpFamily::change_column;
    }
    if (op == "add_index" || op == "drop_index") return OpFamily::index;
    if (op == "add_constraint" || op == "drop_constraint" || op == "add_foreign_key" || op == "drop_foreign_key") {
        return OpFamily::constraint;
    }
    if (op == "data_migration") return OpFamily::data;
    return OpFamily::other;
}

const std::string& TableTimeline::name_at(std::int64_t ts) const {
    const auto* name = &names.front().second;
    for (const auto& [from, candidate] : names) {
        if (from >= ts) break;
        name = &candidate;
    }
    return *name;
}

bool TableTimeline::exists_at(std::int64_t ts) const {
    if (times.empty() || times.front() >= ts) return false;
    bool alive = true;
    for (const auto& [when, alive_after] : lifecycle) {
        if (when >= ts) break;
        alive = alive_after;
    }
    return alive;
}

std::size_t count_between(const std::vector<std::int64_t>& times, std::int64_t from, std::int64_t to) {
    const auto begin = std::lower_bound(times.begin(), times.end(), from);
    const auto end = std::lower_bound(begin, times.end(), to);
    return static_cast<std::size_t>(end - begin);
}

ProjectTimeline build_timeline(const std::vector<const history::HistoryEvent*>& events) {
    ProjectTimeline timeline;
    if (events.empty()) return timeline;
    timeline.project = events.front()->project;
    timeline.first_ts = events.front()->ts;
    timeline.last_ts = events.back()->ts;
    std::unordered_map<std::string, std::uint32_t> table_by_name;
    std::map<std::string, std::uint32_t> migration_by_id;

    for (const auto* event : events) {
        timeline.first_ts = std::min(timeline.first_ts, event->ts);
        timeline.last_ts = std::max(timeline.last_ts, event->ts);
        timeline.op_times.push_back(event->ts);
        const auto [migration_it, new_migration] =
            migration_by_id.try_emplace(event->migration_id, static_cast<std::uint32_t>(timeline.migrations.size()));
        if (new_migration) timeline.migrations.push_back(Migration{event->ts, {}});
        if (event->table.empty()) continue;

        auto table_it = table_by_name.find(event->table);
        // A create_table of a dropped name starts a new table, not a second life of the old one.
        const bool recreated = table_it != table_by_name.end() && event->op == "create_table" &&
                               !timeline.tables[table_it->second].exists_at(event->ts + 1);
        if (table_it == table_by_name.end() || recreated) {
            const auto id = static_cast<std::uint32_t>(timeline.tables.size());
            timeline.tables.emplace_back();
            timeline.tables.back().names.emplace_back(event->ts, event->table);
            table_it = table_by_name.insert_or_assign(event->table, id).first;
        }
        const auto id = table_it->second;
        auto& table = timeline.tables[id];
        const auto family = op_family(event->op);
        table.ops.push_back(TableOp{event->ts, family, event->op == "create_table", width_delta(*event), migration_it->second});
        table.times.push_back(event->ts);
        table.family_times[static_cast<std::size_t>(family)].push_back(event->ts);
        if (event->op != "other") table.is_table = true;
        if (event->op == "create_table") table.lifecycle.emplace_back(event->ts, true);
        if (event->op == "drop_table") table.lifecycle.emplace_back(event->ts, false);
        auto& touched = timeline.migrations[migration_it->second].tables;
        if (std::find(touched.begin(), touched.end(), id) == touched.end()) touched.push_back(id);
        if (event->op == "rename_table") {
            const auto target = rename_target(event->detail);
            if (!target.empty() && target != event->table) {
                table_by_name.erase(event->table);
                table_by_name.insert_or_assign(target, id);
                table.names.emplace_back(event->ts, target);
            }
        }
    }
    // Events come sorted by time per project; migrations are sorted here since one id may recur later.
    std::vector<std::uint32_t> order(timeline.migrations.size());
    for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](auto a, auto b) { return timeline.migrations[a].ts < timeline.migrations[b].ts; });
    std::vector<std::uint32_t> new_index(order.size());
    std::vector<Migration> sorted;
    for (std::uint32_t i = 0; i < order.size(); ++i) {
        new_index[order[i]] = i;
        sorted.push_back(std::move(timeline.migrations[order[i]]));
    }
    timeline.migrations = std::move(sorted);
    for (const auto& migration : timeline.migrations) timeline.migration_times.push_back(migration.ts);
    for (auto& table : timeline.tables) {
        for (auto& op : table.ops) op.migration = new_index[op.migration];
    }
    std::sort(timeline.op_times.begin(), timeline.op_times.end());
    return timeline;
}

std::vector<ProjectTimeline> build_timelines(const std::vector<history::HistoryEvent>& events) {
    std::vector<std::string> projects;
    std::unordered_map<std::string, std::vector<const history::HistoryEvent*>> by_project;
    for (const auto& event : events) {
        auto& list = by_project[event.project];
        if (list.empty()) projects.push_back(event.project);
        list.push_back(&event);
    }
    std::vector<ProjectTimeline> timelines;
    for (const auto& project : projects) {
        auto& list = by_project[project];
        std::stable_sort(list.begin(), list.end(), [](const auto* a, const auto* b) { return a->ts < b->ts; });
        timelines.push_back(build_timeline(list));
    }
    return timelines;
}

}  // namespace schemaflip::predict
