// SQLite shadows: an online-backup copy of the primary with the change applied in one transaction, using
// SQLite's documented table rebuild (sqlite.org/lang_altertable.html, "other kinds of table schema
// changes") for what ALTER TABLE cannot do: column type, nullability, default.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>

#include "core/db/database.hpp"
#include "core/db/sqlite_database.hpp"
#include "core/schema/introspect.hpp"
#include "core/shadow/shadow_engine.hpp"
#include "core/util/ascii_case.hpp"
#include "core/util/error.hpp"

namespace schemaflip::shadow {
namespace {

// SQLite writes lock the whole database file, whatever the statement.
constexpr const char* k_sqlite_lock = "EXCLUSIVE (whole database)";
constexpr const char* k_rebuild_prefix = "schemaflip_new_";

using db::value_integer;
using db::value_text;


bool same_name(const std::string& a, const std::string& b) { return util::ascii_lower(a) == util::ascii_lower(b); }

bool needs_rebuild(const sql::DdlChange& change) {
    return change.op == "alter_column_type" || change.op == "alter_column_null" || change.op == "alter_column_default";
}

bool unsupported(const sql::DdlChange& change) {
    return change.op == "add_constraint" || change.op == "drop_constraint" || change.op == "add_foreign_key" ||
           change.op == "drop_foreign_key";
}

void remove_sqlite_files(const std::filesystem::path& path) {
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
        std::filesystem::path file = path;
        file += suffix;
        std::filesystem::remove(file);
    }
}

// The type of an ALTER COLUMN TYPE goes into generated DDL: only plain type names and modifiers pass.
std::string checked_type(const sql::DdlChange& change) {
    if (change.detail.ends_with(" using")) {
        throw InputError("SQLite shadows do not support ALTER COLUMN TYPE ... USING", "column " + change.column);
    }
    for (const char c : change.detail) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != ' ' && c != '_' && c != '(' && c != ')' && c != ',') {
            throw InputError("SQLite shadows do not support the type \"" + change.detail + "\"");
        }
    }
    return change.detail;
}

// The limits of the rebuild, checked before anything runs so they are reported as such, not as failures.
void check_rebuild_supported(const std::vector<sql::DdlChange>& changes) {
    for (const auto& change : changes) {
        if (!same_name(change.table, changes.front().table)) {
            throw InputError("SQLite shadows rebuild one table per statement", "split the statement per table");
        }
        if (change.op == "alter_column_type") checked_type(change);
        if (change.op == "alter_column_default" && change.detail != "drop default") {
            throw InputError("SQLite shadows support only DROP DEFAULT among default changes", "column " + change.column);
        }
    }
}

const schema::TableInfo& find_table(const schema::SchemaSnapshot& snapshot, const std::string& name) {
    for (const auto& table : snapshot.tables) {
        if (same_name(table.name, name)) return table;
    }
    if (name.starts_with("main.")) return find_table(snapshot, name.substr(5));
    throw UnavailableError("table " + name + " does not exist in the shadow");
}

struct NewColumn {
    std::string name;
    std::string type;
    bool nullable = true;
    std::optional<std::string> default_value;
    bool type_changed = false;
};

std::vector<NewColumn> new_columns(const schema::TableInfo& table, const std::vector<sql::DdlChange>& changes) {
    std::vector<NewColumn> columns;
    for (const auto& column : table.columns) columns.push_back({column.name, column.type, column.nullable, column.default_value});
    for (const auto& change : changes) {
        auto it = std::find_if(columns.begin(), columns.end(), [&](const NewColumn& c) { return same_name(c.name, change.column); });
        if (it == columns.end()) throw UnavailableError("column " + change.column + " of table " + table.name + " does not exist");
        if (change.op == "alter_column_type") {
            it->type = checked_type(change);
            it->type_changed = true;
        } else if (change.op == "alter_column_null") {
            it->nullable = change.detail != "set not null";
        } else {
            it->default_value.reset();  // DROP DEFAULT, the only default change check_rebuild_supported lets through
        }
    }
    return columns;
}

std::string join_quoted(db::Database& database, const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names) out += (out.empty() ? "" : ", ") + database.quote_identifier(name);
    return out;
}

// Foreign keys with their actions, which the snapshot does not keep.
std::vector<std::string> foreign_key_clauses(db::Database& database, const std::string& table) {
    const auto rows = database.query("SELECT id, \"table\", \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list(" +
                                     database.quote_literal(table) + ") ORDER BY id, seq");
    struct Key {
        std::string parent, on_update, on_delete;
        std::vector<std::string> from, to;
    };
    std::map<std::int64_t, Key> keys;
    for (const auto& row : rows.rows) {
        auto& key = keys[value_integer(row[0])];
        key.parent = value_text(row[1]);
        key.from.push_back(value_text(row[2]));
        if (!row[3].is_null()) key.to.push_back(value_text(row[3]));
        key.on_update = value_text(row[4]);
        key.on_delete = value_text(row[5]);
    }
    std::vector<std::string> clauses;
    // The actions come from SQLite's own fixed vocabulary (NO ACTION, CASCADE, SET NULL, ...), not from users.
    for (const auto& [id, key] : keys) {
        std::string clause = "FOREIGN KEY (" + join_quoted(database, key.from) + ") REFERENCES " + database.quote_identifier(key.parent);
        if (!key.to.empty()) clause += " (" + join_quoted(database, key.to) + ")";
        clause += " ON UPDATE " + key.on_update + " ON DELETE " + key.on_delete;
        clauses.push_back(clause);
    }
    return clauses;
}

std::string create_table_sql(db::Database& database, const schema::TableInfo& table, const std::vector<NewColumn>& columns,
                             const std::string& new_name) {
    std::vector<std::string> parts;
    for (const auto& column : columns) {
        std::string part = database.quote_identifier(column.name);
        if (!column.type.empty()) part += " " + column.type;
        if (!column.nullable) part += " NOT NULL";
        // The default is SQLite's own text of the expression; parentheses make any expression valid here.
        if (column.default_value) part += " DEFAULT (" + *column.default_value + ")";
        parts.push_back(std::move(part));
    }
    if (!table.primary_key.empty()) parts.push_back("PRIMARY KEY (" + join_quoted(database, table.primary_key) + ")");
    for (const auto& constraint : table.constraints) {
        if (constraint.type == "unique") parts.push_back("UNIQUE (" + join_quoted(database, constraint.columns) + ")");
    }
    for (auto& clause : foreign_key_clauses(database, table.name)) parts.push_back(std::move(clause));
    std::string sql = "CREATE TABLE " + database.quote_identifier(new_name) + " (";
    for (std::size_t i = 0; i < parts.size(); ++i) sql += (i ? ", " : "") + parts[i];
    return sql + ")";
}

// SQLite stores any value in any column; the shadow holds the primary's data to PostgreSQL's standard:
// a narrowed type must hold every value, or the change fails like it would on a strict engine.
void check_values_fit(db::Database& database, const std::string& quoted_table, const NewColumn& column) {
    const std::string quoted_column = database.quote_identifier(column.name);
    const std::string type = util::ascii_lower(column.type);
    std::string condition;
    if (type.find("int") != std::string::npos) {
        condition = "typeof(" + quoted_column + ") NOT IN ('integer', 'null')";
    } else if (type.find("char") != std::string::npos && type.find('(') != std::string::npos) {
        const auto open = type.find('(');
        const std::string length = type.substr(open + 1, type.find(')', open) - open - 1);
        if (length.empty() || !std::all_of(length.begin(), length.end(), [](unsigned char c) { return std::isdigit(c); })) return;
        condition = "length(" + quoted_column + ") > " + length;
    } else {
        return;
    }
    const auto rows = database.query("SELECT count(*) FROM " + quoted_table + " WHERE " + condition);
    const auto misfits = value_integer(rows.rows.at(0).at(0));
    if (misfits > 0) {
        throw UnavailableError("values do not fit the new type", std::to_string(misfits) + " rows of column " + column.name +
                                                                     " do not fit " + column.type);
    }
}

void rebuild_table(db::Database& database, const std::vector<sql::DdlChange>& changes) {
    schema::SchemaSnapshot snapshot;
    schema::introspect_sqlite(database, {}, snapshot);
    const schema::TableInfo& table = find_table(snapshot, changes.front().table);
    const auto columns = new_columns(table, changes);
    const std::string quoted_table = database.quote_identifier(table.name);
    const std::string new_name = k_rebuild_prefix + table.name;
    const std::string quoted_new = database.quote_identifier(new_name);
    const auto dependents = database.query("SELECT sql FROM sqlite_schema WHERE tbl_name = " + database.quote_literal(table.name) +
                                           " AND type IN ('index', 'trigger') AND sql IS NOT NULL");
    std::vector<std::string> names;
    for (const auto& column : columns) names.push_back(column.name);
    const std::string column_list = join_quoted(database, names);

    database.execute(create_table_sql(database, table, columns, new_name));
    database.execute("INSERT INTO " + quoted_new + " (" + column_list + ") SELECT " + column_list + " FROM " + quoted_table);
    for (const auto& column : columns) {
        if (column.type_changed) check_values_fit(database, quoted_new, column);
    }
    database.execute("DROP TABLE " + quoted_table);
    // Legacy mode only for this rename: it keeps the rename from failing on views that name the dropped
    // table, and must not apply to the change's own renames, whose references SQLite should update.
    database.execute("PRAGMA legacy_alter_table = ON");
    database.execute("ALTER TABLE " + quoted_new + " RENAME TO " + quoted_table);
    database.execute("PRAGMA legacy_alter_table = OFF");
    // The dependents' own stored text recreates them exactly as they were.
    for (const auto& row : dependents.rows) database.execute(value_text(row[0]));
    const auto violations = database.query("SELECT count(*) FROM pragma_foreign_key_check(" + database.quote_literal(table.name) + ")");
    if (value_integer(violations.rows.at(0).at(0)) > 0) {
        throw UnavailableError("foreign key check failed after rebuilding table " + table.name);
    }
}

AppliedStatement apply_statement(db::Database& database, const std::string& statement, const sql::StatementInfo& info) {
    const auto& changes = info.ddl_changes;
    for (const auto& change : changes) {
        if (unsupported(change)) {
            throw InputError("SQLite shadows cannot apply " + change.op + " yet",
                             "SQLite's ALTER TABLE has no constraint changes", "statement: " + statement);
        }
    }
    const bool rebuild = std::any_of(changes.begin(), changes.end(), needs_rebuild);
    if (rebuild && !std::all_of(changes.begin(), changes.end(), needs_rebuild)) {
        throw InputError("SQLite shadows cannot mix column type, null or default changes with other changes in one statement",
                         {}, "split the statement: " + statement);
    }
    if (rebuild) check_rebuild_supported(changes);
    const auto started = std::chrono::steady_clock::now();
    try {
        if (rebuild) {
            rebuild_table(database, changes);
        } else {
            database.execute(statement);
        }
    } catch (const InputError& e) {
        // A statement the database rejects is a database-side failure of the change (exit 4).
        throw UnavailableError("statement failed on the shadow: " + statement, e.reason().empty() ? e.what() : e.reason());
    } catch (const UnavailableError& e) {
        const std::string what = e.what();
        throw UnavailableError("statement failed on the shadow: " + statement, e.reason().empty() ? what : what + ": " + e.reason());
    }
    const std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - started;
    const bool scans = std::any_of(changes.begin(), changes.end(), [](const auto& c) { return c.op == "add_index"; });
    return {statement, elapsed.count(), k_sqlite_lock, rebuild ? "rewrite" : scans ? "scan" : "none"};
}

void apply_change(db::Database& database, const PlannedChange& change, AppliedChange& applied) {
    // Foreign keys are off during a rebuild (step 1 of SQLite's procedure) and checked per rebuilt table.
    database.execute("PRAGMA foreign_keys = OFF");
    database.begin();
    try {
        for (std::size_t i = 0; i < change.statements.size(); ++i) {
            applied.statements.push_back(apply_statement(database, change.statements[i], change.infos[i]));
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
    AppliedChange applied{change.id, change.source, {}};
    apply_change(*database, change, applied);
    manifest.changes.push_back(std::move(applied));
    const auto snapshot = schema::introspect(*database);
    for (const auto& table : snapshot.tables) manifest.tables.push_back({table.schema, table.name, table.row_count, table.bytes});
}

bool sqlite_remove_object(const CreatedObject& object) {
    const bool existed = std::filesystem::exists(object.name);
    remove_sqlite_files(object.name);
    return existed;
}

}  // namespace schemaflip::shadow
