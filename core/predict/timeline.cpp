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

// Names that ever get an operation other than `other`, with the time of the first: those are tables, in
// every life they have; names that only ever get `other` (views, sequences, functions) are not.
std::unordered_map<std::string, std::int64_t> names_of_tables(const std::vector<const history::HistoryEvent*>& events) {
    std::unordered_map<std::string, std::int64_t> names;
    for (const auto* event : events) {
        if (event->op == "other") continue;
        const auto [name, added] = names.try_emplace(event->table, event->ts);
        if (!added) name->second = std::min(name->second, event->ts);
    }
    return names;
}

// Whether `event` on the name of `table` begins another table rather than continuing this one. Only a
// dropped table can be followed by another: by a create_table, or by any later operation (other than a
// drop) on its name, which shows a table of that name exists again although the history missed its
// creation, so it counts as first seen then, like tables created before the recorded history. Operations
// in the drop's own instant belong to the drop.
bool starts_new_table(const TableTimeline& table, const history::HistoryEvent& event) {
    if (event.op == "drop_table" || table.exists_at(event.ts + 1)) return false;
    return event.op == "create_table" || table.lifecycle.back().first < event.ts;
}

}  // namespace

OpFamily op_family(std::string_view op) {
    if (op == "create_table") return OpFamily::create;
    if (op == "drop_table") return OpFamily::drop;
    if (op == "rename_table") return OpFamily::rename;
    if (op == "add_column") return OpFamily::add_column;
    if (op == "drop_column") return OpFamily::drop_column;
    if (op == "rename_column" || op == "alter_column_type" || op == "alter_column_null" || op == "alter_column_default") {
        return OpFamily::alter_column;
    }
    if (op == "add_index" || op == "drop_index") return OpFamily::index;
    if (op == "add_constraint" || op == "drop_constraint" || op == "add_foreign_key" || op == "drop_foreign_key") {
        return OpFamily::constraint;
    }
    if (op == "data_migration") return OpFamily::data;
    return OpFamily::other;
}

std::string_view change_family_name(ChangeFamily family) {
    constexpr std::array<std::string_view, k_change_families> names = {"add_column", "drop_column", "alter_column",
                                                                       "index", "constraint"};
    return names[static_cast<std::size_t>(family)];
}

std::optional<ChangeFamily> change_family(OpFamily family) {
    switch (family) {
        case OpFamily::add_column: return ChangeFamily::add_column;
        case OpFamily::drop_column: return ChangeFamily::drop_column;
        case OpFamily::alter_column: return ChangeFamily::alter_column;
        case OpFamily::index: return ChangeFamily::index;
        case OpFamily::constraint: return ChangeFamily::constraint;
        default: return std::nullopt;
    }
}

std::optional<ChangeFamily> change_family_of(std::string_view op) { return change_family(op_family(op)); }

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
    const auto table_names = names_of_tables(events);

    for (const auto* event : events) {
        timeline.first_ts = std::min(timeline.first_ts, event->ts);
        timeline.last_ts = std::max(timeline.last_ts, event->ts);
        timeline.op_times.push_back(event->ts);
        const auto [migration_it, new_migration] =
            migration_by_id.try_emplace(event->migration_id, static_cast<std::uint32_t>(timeline.migrations.size()));
        if (new_migration) timeline.migrations.push_back(Migration{event->ts, {}});
        if (event->table.empty()) continue;

        auto table_it = table_by_name.find(event->table);
        if (table_it == table_by_name.end() || starts_new_table(timeline.tables[table_it->second], *event)) {
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
        if (event->op != "create_table") table.change_times.push_back(event->ts);
        table.family_times[static_cast<std::size_t>(family)].push_back(event->ts);
        if (const auto name = table_names.find(event->table); name != table_names.end()) {
            table.is_table = true;
            table.table_from = std::min(table.table_from, name->second);
        }
        if (event->op == "create_table") table.lifecycle.emplace_back(event->ts, true);
        if (event->op == "drop_table") table.lifecycle.emplace_back(event->ts, false);
        auto& touched = timeline.migrations[migration_it->second].tables;
        if (std::find(touched.begin(), touched.end(), id) == touched.end()) {
            touched.push_back(id);
            table.migration_times.push_back(event->ts);
        }
        if (event->op == "rename_table") {
            const auto target = rename_target(event->detail);
            if (!target.empty() && target != event->table) {
                table_by_name.erase(event->table);
                // The name now belongs to the renamed table: a live table that held it is gone (a rename
                // onto an existing name only succeeds once that table is no longer there).
                const auto previous = table_by_name.find(target);
                if (previous != table_by_name.end() && previous->second != id &&
                    timeline.tables[previous->second].exists_at(event->ts + 1)) {
                    timeline.tables[previous->second].lifecycle.emplace_back(event->ts, false);
                }
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
