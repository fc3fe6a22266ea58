// Reads the documents predict takes as input: a workload profile (its statements parsed again with
// libpg_query) and a schema snapshot.
#include "core/predict/predictions_inputs.hpp"

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/util/ascii_case.hpp"
#include "core/util/error.hpp"
#include "core/util/document_fields.hpp"

namespace schemaflip::predict {
namespace {

using nlohmann::json;

constexpr int k_profile_version = 1;

json parse_file(const std::filesystem::path& path, const std::string& what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError("cannot read " + what + " " + path.string(), "no such file, or not readable");
    json document = json::parse(in, nullptr, false);
    if (document.is_discarded()) throw InputError(what + " " + path.string() + " is not valid JSON");
    return document;
}

std::string text_or_empty(const json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

WorkloadStatement statement_from_json(const json& item, const schema::SchemaSnapshot* snapshot) {
    WorkloadStatement statement;
    statement.fingerprint = item.at("fingerprint").get<std::string>();
    statement.kind = item.at("kind").get<std::string>();
    statement.count = item.at("count").get<std::uint64_t>();
    statement.example = item.at("example").get<std::string>();
    statement.info = sql::analyze_statement(statement.example, snapshot);
    return statement;
}

MissingObjectSeen missing_from_json(const json& item) {
    MissingObjectSeen object;
    object.kind = item.at("kind").get<std::string>();
    object.table = item.at("table").get<std::string>();
    object.column = item.at("column").get<std::string>();
    object.count = item.at("count").get<std::uint64_t>();
    object.first_seen = text_or_empty(item, "first_seen");
    object.last_seen = text_or_empty(item, "last_seen");
    object.example_message = item.at("example_message").get<std::string>();
    return object;
}

// DDL seen in the logs is a schema-change history of its own (events without a time cannot be placed).
void read_ddl_events(const json& events, const std::string& source, Workload& workload) {
    for (const auto& item : events) {
        const auto time = text_or_empty(item, "time");
        const auto ts = history::parse_utc_timestamp(time);
        if (!ts) continue;
        workload.ddl_events.push_back(history::HistoryEvent{
            "profile", source + ":" + std::to_string(item.at("line").get<std::uint64_t>()), *ts,
            item.at("table").get<std::string>(), item.at("op").get<std::string>(), item.at("column").get<std::string>(),
            item.at("detail").get<std::string>()});
    }
}

}  // namespace

bool Workload::same_name(const std::string& a, const std::string& b) const {
    return a == b || (fold_case && util::ascii_lower(a) == util::ascii_lower(b));
}

const WorkloadTable* Workload::find_table(const std::string& table) const {
    if (const auto it = tables.find(table); it != tables.end()) return &it->second;
    if (!fold_case) return nullptr;
    for (const auto& [name, stats] : tables) {
        if (same_name(name, table)) return &stats;
    }
    return nullptr;
}

double Workload::statement_share(const std::string& table) const {
    const auto* stats = find_table(table);
    if (stats == nullptr || analysed_statements == 0) return 0;
    return static_cast<double>(stats->statements) / static_cast<double>(analysed_statements);
}

Workload workload_from_json(const json& document, const std::string& source, const schema::SchemaSnapshot* snapshot) {
    if (util::document_kind(document) != "workload_profile") {
        throw InputError(source + " is not a workload profile", "expected \"kind\": \"workload_profile\"",
                         "write one with 'schemaflip --format json analyze LOG -o profile.json'");
    }
    if (util::document_version(document) != k_profile_version) {
        throw InputError("unsupported workload profile version in " + source,
                         "this schemaflip reads schema_version " + std::to_string(k_profile_version));
    }
    Workload workload;
    workload.source = source;
    workload.fold_case = snapshot != nullptr && snapshot->engine == "sqlite";
    try {
        workload.analysed_statements = document.at("summary").at("analysed_statements").get<std::uint64_t>();
        for (const auto& item : document.at("fingerprints")) workload.statements.push_back(statement_from_json(item, snapshot));
        for (const auto& item : document.at("tables")) {
            workload.tables[item.at("name").get<std::string>()] = {item.at("statements").get<std::uint64_t>(),
                                                                    item.at("reads").get<std::uint64_t>(),
                                                                    item.at("writes").get<std::uint64_t>()};
        }
        for (const auto& item : document.at("missing_objects")) workload.missing_objects.push_back(missing_from_json(item));
        read_ddl_events(document.at("ddl_events"), source, workload);
    } catch (const json::exception& e) {
        throw InputError("malformed workload profile " + source, e.what());
    }
    return workload;
}

Workload load_workload(const std::filesystem::path& path, const schema::SchemaSnapshot* snapshot) {
    return workload_from_json(parse_file(path, "workload profile"), path.string(), snapshot);
}

schema::SchemaSnapshot load_snapshot(const std::filesystem::path& path) {
    return schema::snapshot_from_json(parse_file(path, "schema snapshot"));
}

}  // namespace schemaflip::predict
