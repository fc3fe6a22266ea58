// SQLite shadows: an online-backup copy of the primary with the change applied in one transaction. What
// SQLite's ALTER TABLE cannot do (column type, NOT NULL, defaults, constraints) goes through the table
// rebuild of sqlite_rebuild.cpp; after every statement the views and triggers must still compile.
#include <algorithm>
#include <chrono>
#include <map>

#include "core/db/database.hpp"
#include "core/db/sqlite_database.hpp"
#include "core/schema/introspect.hpp"
#include "core/shadow/shadow_engine.hpp"
#include "core/shadow/sqlite_rebuild.hpp"
#include "core/sql/ddl_source.hpp"
#include "core/util/error.hpp"

namespace schemaflip::shadow {
namespace {

// SQLite writes lock the whole database file, whatever the statement.
constexpr const char* k_sqlite_lock = "EXCLUSIVE (whole database)";

using db::value_text;

void remove_sqlite_files(const std::filesystem::path& path) {
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
        std::filesystem::path file = path;
        file += suffix;
        std::filesystem::remove(file);
    }
}

std::vector<std::string> names(db::Database& database, const std::string& query) {
    std::vector<std::string> out;
    for (const auto& row : database.query(query).rows) out.push_back(value_text(row.at(0)));
    return out;
}

// Compiles `statement` without running it (EXPLAIN only prepares); SQLite's message when it cannot.
std::optional<std::string> compile_error(db::Database& database, const std::string& statement) {
    try {
        database.query("EXPLAIN " + statement);
        return std::nullopt;
    } catch (const Error& e) {
        return e.reason().empty() ? std::string(e.what()) : e.reason();
    }
}

// Every view, and the triggers of every table or view, that SQLite cannot compile, with its message.
// SQLite drops a table without looking at the views and trigger bodies that use it; preparing a
// view's SELECT, and an INSERT, UPDATE and DELETE on each table with triggers (which compiles the
// triggers they would fire), finds what such a statement broke.
std::map<std::string, std::string> broken_dependents(db::Database& database) {
    std::map<std::string, std::string> broken;
    for (const auto& view : names(database, "SELECT name FROM sqlite_schema WHERE type = 'view' ORDER BY name")) {
        if (auto error = compile_error(database, "SELECT * FROM " + database.quote_identifier(view))) broken["view " + view] = *error;
    }
    for (const auto& table : names(database, "SELECT DISTINCT tbl_name FROM sqlite_schema WHERE type = 'trigger' ORDER BY 1")) {
        const std::string quoted = database.quote_identifier(table);
        std::string assignments;
        for (const auto& column : names(database, "SELECT name FROM pragma_table_xinfo(" + database.quote_literal(table) + ") WHERE hidden = 0")) {
            const std::string quoted_column = database.quote_identifier(column);
            assignments += (assignments.empty() ? "" : ", ") + quoted_column + " = " + quoted_column;
        }
        const std::pair<const char*, std::string> events[] = {
            {"INSERT", "INSERT INTO " + quoted + " DEFAULT VALUES"},
            {"UPDATE", "UPDATE " + quoted + " SET " + assignments},
            {"DELETE", "DELETE FROM " + quoted},
        };
        for (const auto& [event, statement] : events) {
            if (auto error = compile_error(database, statement)) broken["a trigger of " + table + " on " + event] = *error;
        }
    }
    return broken;
}

// What the statement broke: dependents that compiled before it and do not after it.
void check_dependents(db::Database& database, const std::map<std::string, std::string>& before) {
    for (const auto& [object, error] : broken_dependents(database)) {
        if (!before.contains(object)) throw UnavailableError(object + " no longer compiles", error);
    }
}

// The ALTER TABLE of a statement when SQLite's own ALTER TABLE cannot run it.
std::optional<sql::AlterTable> rebuild_statement(const std::string& statement) {
    auto alter = sql::alter_table(statement);
    if (!alter) return std::nullopt;
    const auto& commands = alter->commands;
    const auto rebuilds = std::count_if(commands.begin(), commands.end(), needs_sqlite_rebuild);
    if (rebuilds == 0) return std::nullopt;
    if (rebuilds != static_cast<std::ptrdiff_t>(commands.size())) {
        throw InputError("SQLite shadows cannot mix ADD or DROP COLUMN with column type, NULL, default or constraint changes in one statement",
                         {}, "split the statement: " + statement);
    }
    return alter;
}

UnavailableError statement_failed(const std::string& statement, const Error& error) {
    const std::string what = error.what();
    // SQLite's own errors carry the message as the reason; the rebuild's checks say what failed in what().
    std::string reason = error.reason().empty() ? what : error.code() == ExitCode::unavailable ? what + ": " + error.reason() : error.reason();
    return UnavailableError("statement failed on the shadow: " + statement, reason);
}

AppliedStatement apply_statement(db::Database& database, const std::string& statement, const sql::StatementInfo& info,
                                 const std::map<std::string, std::string>& broken_before) {
    const auto started = std::chrono::steady_clock::now();
    const auto alter = rebuild_statement(statement);
    std::optional<RebuildPlan> plan;
    try {
        // Planning refuses what a rebuild cannot express (InputError, exit 3) before anything changes.
        if (alter) plan = plan_sqlite_rebuild(database, *alter);
    } catch (const UnavailableError& e) {
        throw statement_failed(statement, e);
    } catch (const InputError& e) {
        throw InputError(e.what(), (e.reason().empty() ? "" : e.reason() + "; ") + "statement: " + statement, e.help());
    }
    std::chrono::duration<double, std::milli> elapsed{};
    try {
        if (plan) {
            run_sqlite_rebuild(database, *plan);
        } else if (!alter) {
            database.execute(statement);
        }
        elapsed = std::chrono::steady_clock::now() - started;
        check_dependents(database, broken_before);
    } catch (const Error& e) {
        // SQLite's rejections come from the database layer as InputError: here they are the change failing.
        throw statement_failed(statement, e);
    }
    const auto& changes = info.ddl_changes;
    const bool scans = std::any_of(changes.begin(), changes.end(), [](const auto& c) { return c.op == "add_index"; });
    return {statement, elapsed.count(), k_sqlite_lock, plan ? "rewrite" : scans ? "scan" : "none"};
}

void apply_change(db::Database& database, const PlannedChange& change, AppliedChange& applied) {
    // Foreign keys are off during a rebuild (step 1 of SQLite's procedure) and checked per rebuilt table.
    database.execute("PRAGMA foreign_keys = OFF");
    // Views and triggers the primary already could not compile are not the change's doing.
    const auto broken_before = broken_dependents(database);
    database.begin();
    try {
        for (std::size_t i = 0; i < change.statements.size(); ++i) {
            applied.statements.push_back(apply_statement(database, change.statements[i], change.infos[i], broken_before));
        }
        database.commit();
    } catch (...) {
        try {
            database.rollback();
        } catch (const std::exception&) {
            // The transaction may already be gone; the shadow is removed by the caller either way.
        }
        throw;
    }
}

}  // namespace

void sqlite_shadow_up(const UpRequest& request, const PlannedChange& change, ShadowManifest& manifest,
                      const RecordManifest& record) {
    const auto primary = db::parse_database_url(request.primary);
    const auto shadow = db::parse_database_url(request.shadow);
    if (shadow.target == ":memory:" || primary.target == ":memory:") {
        throw UsageError("SQLite shadows need files", "an in-memory database cannot be copied or kept");
    }
    if (!std::filesystem::exists(primary.target)) {
        throw InputError("SQLite database " + primary.redacted + " does not exist", {}, "give the path of an existing SQLite file");
    }
    const auto shadow_path = std::filesystem::absolute(shadow.target);
    std::error_code same_error;
    if (std::filesystem::exists(shadow_path) && std::filesystem::equivalent(primary.target, shadow_path, same_error)) {
        throw UsageError("the shadow is the primary", "--primary and --shadow name the same file");
    }
    if (std::filesystem::exists(shadow_path)) {
        if (!request.force) {
            throw InputError("shadow " + shadow.redacted + " already exists", {}, "remove it, or pass --force to replace it");
        }
        remove_sqlite_files(shadow_path);
    }
    manifest.created.push_back({"file", shadow_path.string()});
    record(manifest);
    db::copy_sqlite_database(primary.target, shadow_path.string());

    auto database = db::open_database(request.shadow);
    // The copy still has the primary's schema: flip plans the rollback from this and the snapshot after.
    const auto before = schema::introspect(*database);
    AppliedChange applied{change.id, change.source, {}};
    apply_change(*database, change, applied);
    manifest.changes.push_back(std::move(applied));
    const auto snapshot = schema::introspect(*database);
    for (const auto& table : snapshot.tables) manifest.tables.push_back({table.schema, table.name, table.row_count, table.bytes});
    manifest.changed_tables = changed_tables(before, snapshot);
}

bool sqlite_remove_object(const CreatedObject& object) {
    const bool existed = std::filesystem::exists(object.name);
    remove_sqlite_files(object.name);
    return existed;
}

}  // namespace schemaflip::shadow
