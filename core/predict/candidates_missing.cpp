// Missing objects: the application already runs queries against columns and tables the schema does not
// have (the profile's "does not exist" errors) — it is ahead of its schema, and the change is coming.
#include <cstdio>

#include "core/predict/candidates.hpp"

namespace schemaflip::predict {
namespace {

constexpr const char* k_source = "missing_object";

std::string seen_between(const MissingObjectSeen& object) {
    if (object.first_seen.empty()) return {};
    return ", first " + object.first_seen + ", last " + (object.last_seen.empty() ? object.first_seen : object.last_seen);
}

bool already_exists(const MissingObjectSeen& object, const schema::SchemaSnapshot* snapshot) {
    if (snapshot == nullptr) return false;
    const auto* table = find_table(*snapshot, object.table);
    if (object.kind == "table") return table != nullptr;
    return table != nullptr && find_column(*snapshot, *table, object.column) != nullptr;
}

}  // namespace

std::vector<Candidate> missing_object_candidates(const Workload& workload, const schema::SchemaSnapshot* snapshot) {
    std::vector<Candidate> candidates;
    for (const auto& object : workload.missing_objects) {
        // An error the profile could not attribute to a table names no change that could be made.
        if (object.table.empty() || (object.kind == "column" && object.column.empty())) continue;
        if (already_exists(object, snapshot)) continue;
        Candidate candidate;
        candidate.table = object.table;
        const auto k = static_cast<double>(object.count);
        candidate.demand = (k + 1) / (k + 2);
        const std::string times = std::to_string(object.count) + " failed execution" + (object.count == 1 ? "" : "s");
        if (object.kind == "table") {
            candidate.type = "create_table";
            candidate.description = object.table + ": the application queries this table, which does not exist yet";
        } else {
            candidate.type = "add_column";
            candidate.column = object.column;
            candidate.description = object.table + ": add column " + object.column +
                                    " (queried by the application; its type is not known from the error)";
        }
        candidate.evidence.push_back({k_source, workload.source + ": " + times + seen_between(object) + ": " +
                                                    object.example_message});
        char demand[96];
        std::snprintf(demand, sizeof demand, "(k+1)/(k+2) with k=%llu failed executions: %.3f",
                      static_cast<unsigned long long>(object.count), candidate.demand);
        candidate.evidence.push_back({k_source, std::string("demand ") + demand});
        candidates.push_back(std::move(candidate));
    }
    return candidates;
}

}  // namespace schemaflip::predict
