// Applying a flip task's rollback and proving the schema came back: the check compares inspect's view of
// the changed tables (shape only: row counts and sizes change with the data) with the snapshot `shadow up`
// took before the change.
#include "core/flip/apply_rollback.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/schema/introspect.hpp"
#include "core/shadow/sqlite_rebuild.hpp"
#include "core/sql/ddl_source.hpp"
#include "core/util/ascii_case.hpp"
#include "core/util/error.hpp"

namespace schemaflip::flip {
namespace {

using Json = nlohmann::json;

template <typename T>
T field(const Json& object, const char* key) {
    if (!object.is_object() || !object.contains(key)) throw InputError(std::string("malformed flip task: \"") + key + "\" is missing");
    try {
        return object.at(key).get<T>();
    } catch (const Json::exception&) {
        throw InputError(std::string("malformed flip task: \"") + key + "\" has the wrong type");
    }
}

std::optional<std::vector<schema::TableInfo>> tables_of(const Json& rollback, const char* key) {
    if (!rollback.contains(key) || rollback.at(key).is_null()) return std::nullopt;
    std::vector<schema::TableInfo> tables;
    for (const auto& table : field<Json>(rollback, key)) tables.push_back(schema::table_from_json(table));
    return tables;
}

bool same_table(const schema::TableInfo& a, const schema::TableInfo& b) {
    return util::ascii_lower(a.name) == util::ascii_lower(b.name) && a.schema == b.schema;
}

const schema::TableInfo* find_same(const schema::SchemaSnapshot& snapshot, const schema::TableInfo& table) {
    for (const auto& candidate : snapshot.tables) {
        if (same_table(candidate, table)) return &candidate;
    }
    return nullptr;
}

// The first place two shapes differ, for a message: "columns", "indexes", ...
std::string first_difference(const nlohmann::ordered_json& expected, const nlohmann::ordered_json& found) {
    for (const auto& [key, value] : expected.items()) {
        if (!found.contains(key) || found.at(key) != value) return key;
    }
    return "shape";
}

// SQLite cannot run some ALTER TABLE commands itself; the rebuild runs them inside our transaction.
void apply_sqlite_step(db::Database& database, const std::string& step) {
    const auto alter = sql::alter_table(step);
    const bool rebuild = alter && std::any_of(alter->commands.begin(), alter->commands.end(), shadow::needs_sqlite_rebuild);
    if (!rebuild) {
        database.execute(step);
        return;
    }
    if (const auto plan = shadow::plan_sqlite_rebuild(database, *alter)) shadow::run_sqlite_rebuild(database, *plan);
}

}  // namespace

TaskRollback read_task_rollback(const Json& document) {
    if (!document.is_object() || !document.contains("kind") || document["kind"] != "flip_task") {
        const std::string found = document.is_object() && document.contains("kind") ? document["kind"].dump() : "none";
        throw InputError("not a flip task: \"kind\" is " + found + ", expected \"flip_task\"");
    }
    if (field<int>(document, "schema_version") != 1) {
        throw InputError("unsupported flip task version", "this schemaflip reads schema_version 1");
    }
    TaskRollback out;
    out.task_id = field<std::string>(document, "task_id");
    out.engine = field<std::string>(document, "engine");
    const auto change = field<Json>(document, "change");
    out.change_id = field<std::string>(change, "id");
    out.ddl = field<std::vector<std::string>>(change, "ddl");
    const auto rollback = field<Json>(document, "rollback");
    out.steps = field<std::vector<std::string>>(rollback, "steps");
    out.irreversible = field<bool>(rollback, "irreversible");
    out.data_loss = field<bool>(rollback, "data_loss");
    out.reasons = field<std::vector<std::string>>(rollback, "reasons");
    out.notes = field<std::vector<std::string>>(rollback, "notes");
    out.way_back = field<std::string>(rollback, "way_back");
    out.before = tables_of(rollback, "schema_before");
    out.after = tables_of(rollback, "schema_after");
    return out;
}

std::vector<schema::TableInfo> tables_only_in(const std::vector<schema::TableInfo>& tables, const std::vector<schema::TableInfo>& other) {
    std::vector<schema::TableInfo> out;
    for (const auto& table : tables) {
        const bool shared = std::any_of(other.begin(), other.end(), [&](const schema::TableInfo& t) { return same_table(t, table); });
        if (!shared) out.push_back(table);
    }
    return out;
}

std::vector<std::string> schema_differences(db::Database& database, const std::vector<schema::TableInfo>& expected,
                                            const std::vector<schema::TableInfo>& absent) {
    const auto snapshot = schema::introspect(database);
    std::vector<std::string> differences;
    for (const auto& table : expected) {
        const auto* found = find_same(snapshot, table);
        if (found == nullptr) {
            differences.push_back("table " + table.name + " does not exist");
            continue;
        }
        const auto want = schema::shape_json(table, snapshot.engine);
        const auto have = schema::shape_json(*found, snapshot.engine);
        if (want != have) differences.push_back("table " + table.name + ": " + first_difference(want, have) + " differ");
    }
    for (const auto& table : absent) {
        if (find_same(snapshot, table) != nullptr) differences.push_back("table " + table.name + " exists");
    }
    return differences;
}

void apply_rollback_steps(db::Database& database, const std::vector<std::string>& steps) {
    const bool sqlite = database.engine() == db::Engine::sqlite;
    // SQLite's rebuild needs foreign keys off (its step 1); the setting cannot change inside a transaction.
    if (sqlite) database.execute("PRAGMA foreign_keys = OFF");
    database.begin();
    for (const auto& step : steps) {
        try {
            if (sqlite) {
                apply_sqlite_step(database, step);
            } else {
                database.execute(step);
            }
        } catch (const Error& e) {
            try {
                database.rollback();
            } catch (const std::exception&) {
                // The server may have ended the transaction already; nothing of it was committed either way.
            }
            const std::string reason = e.reason().empty() ? e.what() : std::string(e.what()) + ": " + e.reason();
            throw UnavailableError("rollback step failed, nothing was changed: " + step, reason);
        }
    }
    database.commit();
}

std::string render_rollback(const TaskRollback& rollback) {
    std::ostringstream out;
    out << "rollback of change " << rollback.change_id << " (" << rollback.engine << "), task " << rollback.task_id << '\n';
    if (rollback.irreversible) out << "IRREVERSIBLE" << (rollback.data_loss ? " (data loss)" : "") << '\n';
    for (const auto& reason : rollback.reasons) out << "  reason: " << reason << '\n';
    if (rollback.steps.empty()) out << "no steps\n";
    for (std::size_t i = 0; i < rollback.steps.size(); ++i) out << i + 1 << ". " << rollback.steps[i] << ";\n";
    for (const auto& note : rollback.notes) out << "note: " << note << '\n';
    out << "way back: " << rollback.way_back << '\n';
    return out.str();
}

}  // namespace schemaflip::flip
