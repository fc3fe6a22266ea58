// The shadow manifest as JSON (schemas/shadow_manifest.schema.json) and its text form.
#include "core/shadow/shadow_manifest.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/util/atomic_file.hpp"
#include "core/util/error.hpp"
#include "core/util/document_fields.hpp"

namespace schemaflip::shadow {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

template <typename T>
T required(const Json& object, const char* key) {
    if (!object.is_object() || !object.contains(key)) {
        throw InputError(std::string("not a shadow manifest: \"") + key + "\" is missing");
    }
    try {
        return object.at(key).get<T>();
    } catch (const Json::exception&) {
        throw InputError(std::string("not a shadow manifest: \"") + key + "\" has the wrong type");
    }
}

OrderedJson positions_json(const std::optional<SyncPositions>& positions) {
    if (!positions) return OrderedJson();
    return {{"primary", positions->primary}, {"shadow", positions->shadow}};
}

OrderedJson changed_tables_json(const std::optional<ChangedTables>& changed) {
    if (!changed) return OrderedJson();
    OrderedJson before = OrderedJson::array();
    for (const auto& table : changed->before) before.push_back(schema::to_json(table));
    OrderedJson after = OrderedJson::array();
    for (const auto& table : changed->after) after.push_back(schema::to_json(table));
    return {{"engine", changed->engine}, {"before", std::move(before)}, {"after", std::move(after)}};
}

std::optional<ChangedTables> changed_tables_from_json(const Json& document) {
    if (!document.contains("changed_tables") || document["changed_tables"].is_null()) return std::nullopt;
    const auto& changed = document["changed_tables"];
    ChangedTables tables{required<std::string>(changed, "engine"), {}, {}};
    for (const auto& table : required<Json>(changed, "before")) tables.before.push_back(schema::table_from_json(table));
    for (const auto& table : required<Json>(changed, "after")) tables.after.push_back(schema::table_from_json(table));
    return tables;
}

std::vector<schema::TableInfo> tables_not_in(const schema::SchemaSnapshot& from, const schema::SchemaSnapshot& other,
                                             const std::string& engine) {
    std::vector<schema::TableInfo> out;
    for (const auto& table : from.tables) {
        const auto* same = other.find_table(table.name, table.schema);
        if (same == nullptr || schema::shape_json(*same, engine) != schema::shape_json(table, engine)) out.push_back(table);
    }
    return out;
}

}  // namespace

ChangedTables changed_tables(const schema::SchemaSnapshot& before, const schema::SchemaSnapshot& after) {
    return {after.engine, tables_not_in(before, after, after.engine), tables_not_in(after, before, after.engine)};
}

OrderedJson to_json(const ShadowManifest& manifest) {
    OrderedJson document;
    document["kind"] = "shadow_manifest";
    document["schema_version"] = k_manifest_schema_version;
    document["engine"] = manifest.engine;
    document["primary"] = manifest.primary;
    document["shadow"] = manifest.shadow;
    document["sync"] = manifest.sync;
    document["state"] = manifest.state;
    document["created_at"] = manifest.created_at;
    document["changes"] = OrderedJson::array();
    for (const auto& change : manifest.changes) {
        OrderedJson statements = OrderedJson::array();
        for (const auto& statement : change.statements) {
            statements.push_back({{"sql", statement.sql},
                                  {"wall_ms", statement.wall_ms},
                                  {"lock_mode", statement.lock_mode},
                                  {"effect", statement.effect}});
        }
        document["changes"].push_back({{"id", change.id}, {"source", change.source}, {"statements", statements}});
    }
    document["created"] = OrderedJson::array();
    for (const auto& object : manifest.created) document["created"].push_back({{"type", object.type}, {"name", object.name}});
    document["tables"] = OrderedJson::array();
    for (const auto& table : manifest.tables) {
        document["tables"].push_back({{"schema", table.schema},
                                      {"name", table.name},
                                      {"row_count", table.row_count},
                                      {"bytes", table.bytes ? OrderedJson(*table.bytes) : OrderedJson()}});
    }
    document["lsn"] = positions_json(manifest.lsn);
    document["changed_tables"] = changed_tables_json(manifest.changed_tables);
    return document;
}

ShadowManifest manifest_from_json(const Json& document) {
    if (util::document_kind(document) != "shadow_manifest") {
        throw InputError("not a shadow manifest: \"kind\" is not \"shadow_manifest\"");
    }
    if (required<int>(document, "schema_version") != k_manifest_schema_version) {
        throw InputError("unsupported shadow manifest version",
                         "this schemaflip reads version " + std::to_string(k_manifest_schema_version));
    }
    ShadowManifest manifest;
    manifest.engine = required<std::string>(document, "engine");
    if (manifest.engine != "sqlite" && manifest.engine != "postgresql") {
        throw InputError("not a shadow manifest: unknown engine \"" + manifest.engine + "\"");
    }
    manifest.primary = required<std::string>(document, "primary");
    manifest.shadow = required<std::string>(document, "shadow");
    manifest.sync = required<std::string>(document, "sync");
    manifest.state = required<std::string>(document, "state");
    manifest.created_at = required<std::string>(document, "created_at");
    for (const auto& change : required<Json>(document, "changes")) {
        AppliedChange applied{required<std::string>(change, "id"), required<std::string>(change, "source"), {}};
        for (const auto& statement : required<Json>(change, "statements")) {
            applied.statements.push_back({required<std::string>(statement, "sql"), required<double>(statement, "wall_ms"),
                                          required<std::string>(statement, "lock_mode"),
                                          required<std::string>(statement, "effect")});
        }
        manifest.changes.push_back(std::move(applied));
    }
    for (const auto& object : required<Json>(document, "created")) {
        manifest.created.push_back({required<std::string>(object, "type"), required<std::string>(object, "name")});
    }
    for (const auto& table : required<Json>(document, "tables")) {
        ShadowTable row{required<std::string>(table, "schema"), required<std::string>(table, "name"),
                        required<std::int64_t>(table, "row_count"), std::nullopt};
        if (table.contains("bytes") && !table["bytes"].is_null()) row.bytes = required<std::int64_t>(table, "bytes");
        manifest.tables.push_back(std::move(row));
    }
    if (document.contains("lsn") && !document["lsn"].is_null()) {
        const auto& lsn = document["lsn"];
        manifest.lsn = SyncPositions{required<std::string>(lsn, "primary"), required<std::string>(lsn, "shadow")};
    }
    manifest.changed_tables = changed_tables_from_json(document);
    return manifest;
}

ShadowManifest read_manifest(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError("cannot read shadow manifest " + path.string(), "the file does not exist or is unreadable");
    Json document;
    try {
        document = Json::parse(in);
    } catch (const Json::parse_error& e) {
        throw InputError("shadow manifest " + path.string() + " is not JSON", e.what());
    }
    return manifest_from_json(document);
}

void write_manifest(const std::filesystem::path& path, const ShadowManifest& manifest) {
    util::AtomicFile file(path);
    file.stream() << to_json(manifest).dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
    file.commit();
}

std::string render_text(const ShadowManifest& manifest) {
    std::ostringstream out;
    out << "shadow " << manifest.shadow << " (" << manifest.engine << ", sync " << manifest.sync << ", "
        << manifest.state << ")\n";
    out << "primary " << manifest.primary << '\n';
    for (const auto& change : manifest.changes) {
        out << "change " << change.id << " from " << change.source << '\n';
        for (const auto& statement : change.statements) {
            char ms[32];
            std::snprintf(ms, sizeof ms, "%.1f", statement.wall_ms);
            out << "  " << ms << " ms  " << statement.lock_mode << " (" << statement.effect << ")  " << statement.sql << '\n';
        }
    }
    for (const auto& table : manifest.tables) {
        out << "table " << table.schema << '.' << table.name << ": " << table.row_count << " rows";
        if (table.bytes) out << ", " << *table.bytes << " bytes";
        out << '\n';
    }
    for (const auto& object : manifest.created) out << "created " << object.type << ' ' << object.name << '\n';
    if (manifest.lsn) {
        out << "in sync at primary LSN " << manifest.lsn->primary << ", shadow LSN " << manifest.lsn->shadow << '\n';
    }
    return out.str();
}

}  // namespace schemaflip::shadow
