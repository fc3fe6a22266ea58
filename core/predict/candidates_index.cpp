// Frequent filter and join columns without an index: the workload (profile) searches on a column that no
// index of the table (snapshot) starts with, so every such query reads the whole table.
#include <cstdio>
#include <map>
#include <set>

#include "core/predict/candidates.hpp"

namespace schemaflip::predict {
namespace {

constexpr const char* k_source = "unindexed_filter";

struct ColumnUse {
    std::uint64_t executions = 0;  // of statements filtering or joining on the column
    std::uint64_t filter_executions = 0;
    std::set<std::string> fingerprints;
};

bool has_leading_index(const schema::SchemaSnapshot& snapshot, const schema::TableInfo& table, const std::string& column) {
    const auto matches = [&](const std::string& name) {
        const auto* info = find_column(snapshot, table, name);
        return info != nullptr && info->name == column;
    };
    if (!table.primary_key.empty() && matches(table.primary_key.front())) return true;
    for (const auto& index : table.indexes) {
        if (!index.columns.empty() && matches(index.columns.front())) return true;
    }
    return false;
}

std::string percent(double share) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f%%", share * 100.0);
    return text;
}

std::string fingerprint_list(const std::set<std::string>& fingerprints) {
    std::string list;
    std::size_t shown = 0;
    for (const auto& fingerprint : fingerprints) {
        if (shown++ == 5) {
            list += ", ...";
            break;
        }
        list += (list.empty() ? "" : ", ") + fingerprint;
    }
    return list;
}

}  // namespace

std::vector<Candidate> unindexed_filter_candidates(const Workload& workload, const schema::SchemaSnapshot& snapshot,
                                                   double min_share) {
    // (snapshot table, snapshot column) → use; keyed by the snapshot's spelling so SQLite's case folding
    // gathers every query's spelling in one place.
    std::map<std::pair<const schema::TableInfo*, std::string>, ColumnUse> uses;
    for (const auto& statement : workload.statements) {
        std::set<std::pair<const schema::TableInfo*, std::string>> seen;  // a column counts once per statement
        const auto add = [&](const sql::ColumnRef& ref, bool filter) {
            if (ref.table.empty()) return;
            const auto* table = find_table(snapshot, ref.table);
            if (table == nullptr) return;
            const auto* column = find_column(snapshot, *table, ref.column);
            if (column == nullptr) return;
            const std::pair key{table, column->name};
            auto& use = uses[key];
            if (filter) use.filter_executions += statement.count;
            if (!seen.insert(key).second) return;
            use.executions += statement.count;
            use.fingerprints.insert(statement.fingerprint);
        };
        for (const auto& ref : statement.info.filter_columns) add(ref, true);
        for (const auto& ref : statement.info.join_columns) add(ref, false);
    }
    std::vector<Candidate> candidates;
    if (workload.analysed_statements == 0) return candidates;
    const auto engine = ddl_engine(&snapshot);
    for (const auto& [key, use] : uses) {
        const auto& [table, column] = key;
        const double share = static_cast<double>(use.executions) / static_cast<double>(workload.analysed_statements);
        if (share < min_share || has_leading_index(snapshot, *table, column)) continue;
        Candidate candidate;
        candidate.table = table->name;
        candidate.column = column;
        candidate.type = "add_index";
        const auto index = ddl_identifier(table->name + "_" + column + "_idx", engine);
        candidate.ddl = {std::string("CREATE INDEX ") + (engine == db::Engine::postgres ? "CONCURRENTLY " : "") + index +
                         " ON " + ddl_table_name(*table, engine) + " (" + ddl_identifier(column, engine) + ")"};
        candidate.evidence.push_back(
            {k_source, std::to_string(use.executions) + " of " + std::to_string(workload.analysed_statements) +
                           " analysed statements (" + percent(share) + ") filter (" + std::to_string(use.filter_executions) +
                           ") or join on " + table->name + "." + column + " in " + std::to_string(use.fingerprints.size()) +
                           " fingerprint(s): " + fingerprint_list(use.fingerprints)});
        candidate.evidence.push_back({k_source, "no index of " + table->name + " starts with " + column + " (" +
                                                    std::to_string(table->row_count) + " rows)"});
        candidate.description = table->name + ": index " + column + ", which " + percent(share) +
                                " of the workload searches on without an index";
        candidates.push_back(std::move(candidate));
    }
    return candidates;
}

}  // namespace schemaflip::predict
