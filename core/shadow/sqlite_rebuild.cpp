// The SQLite table rebuild: plan (stored CREATE TABLE edited, checked by SQLite in a scratch database), then
// run (the documented steps inside the caller's transaction), then check the data and the foreign keys.
#include "core/shadow/sqlite_rebuild.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "core/shadow/sqlite_table_definition.hpp"
#include "core/util/ascii_case.hpp"
#include "core/util/error.hpp"

namespace schemaflip::shadow {
namespace {

constexpr const char* k_rebuild_prefix = "schemaflip_new_";

using db::value_integer;
using db::value_text;
using sql::AlterAction;

bool same_name(const std::string& a, const std::string& b) { return util::ascii_lower(a) == util::ascii_lower(b); }

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out;
}

// The new type goes into generated DDL: only plain type names and modifiers pass.
const std::string& checked_type(const std::string& type) {
    for (const char c : type) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != ' ' && c != '_' && c != '(' && c != ')' && c != ',') {
            throw InputError("SQLite shadows do not support the type \"" + type + "\"");
        }
    }
    return type;
}

// What SQLite cannot express at all, refused before anything runs (exit 3).
void check_supported(const sql::AlterTable& alter) {
    if (!alter.schema.empty() && !same_name(alter.schema, "main")) {
        throw InputError("SQLite shadows change tables of the main schema only", "table " + alter.schema + "." + alter.table);
    }
    for (const auto& command : alter.commands) {
        if (!command.postgres_only.empty()) {
            throw InputError("SQLite has no " + command.postgres_only + " in table definitions", {},
                             "leave it out of the SQLite migration");
        }
        if (command.action == AlterAction::alter_column_type) checked_type(command.type);
        if (command.using_has_cast) {
            throw InputError("SQLite shadows evaluate USING only when its expression has no cast inside",
                             "column " + command.name, "cast the column itself (USING c::integer) or leave the cast out");
        }
        const bool needs_text = command.action == AlterAction::set_default || command.action == AlterAction::add_constraint;
        if (needs_text && command.definition.empty()) {
            throw InputError("cannot find the text of " + command.subtype + " in the statement");
        }
        if (command.action == AlterAction::other) {
            throw InputError("SQLite shadows cannot apply ALTER TABLE " + command.subtype.substr(command.subtype.find('_') + 1),
                             "SQLite has no such table change");
        }
    }
}

struct StoredTable {
    std::string name;
    std::string sql;
};

std::optional<StoredTable> stored_table(db::Database& database, const std::string& name) {
    const auto rows = database.query(
        "SELECT s.name, s.sql, l.type FROM sqlite_schema AS s JOIN pragma_table_list AS l ON l.schema = 'main' AND l.name = s.name "
        "WHERE s.type = 'table' AND s.name = " + database.quote_literal(name) + " COLLATE NOCASE");
    if (rows.rows.empty()) return std::nullopt;
    if (value_text(rows.rows[0][2]) != "table") {
        throw InputError("SQLite shadows cannot rebuild " + value_text(rows.rows[0][2]) + " table " + value_text(rows.rows[0][0]));
    }
    return StoredTable{value_text(rows.rows[0][0]), value_text(rows.rows[0][1])};
}

// A table as SQLite's pragmas describe it: what a faithful rebuild must keep.
struct ShapeColumn {
    std::string name;
    std::string type;
    bool not_null = false;
    std::optional<std::string> default_value;
    std::int64_t primary_key = 0;  // position in the primary key, 0 when not in it
    std::int64_t hidden = 0;       // 2 and 3: generated (virtual, stored)
    bool operator==(const ShapeColumn&) const = default;
};

struct TableShape {
    std::vector<ShapeColumn> columns;
    std::vector<std::string> foreign_keys;
    std::vector<std::string> indexes;  // the table's own (UNIQUE and PRIMARY KEY) indexes
    std::string options;               // WITHOUT ROWID, STRICT
};

std::vector<std::string> texts(const db::QueryResult& result) {
    std::vector<std::string> out;
    for (const auto& row : result.rows) out.push_back(value_text(row.at(0)));
    return out;
}

TableShape read_shape(db::Database& database, const std::string& table) {
    const std::string literal = database.quote_literal(table);
    TableShape shape;
    const auto columns = database.query("SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(" + literal +
                                        ") ORDER BY cid");
    for (const auto& row : columns.rows) {
        shape.columns.push_back({value_text(row[0]), value_text(row[1]), value_integer(row[2]) != 0,
                                 row[3].is_null() ? std::nullopt : std::optional<std::string>(value_text(row[3])),
                                 value_integer(row[4]), value_integer(row[5])});
    }
    shape.foreign_keys = texts(database.query(
        "SELECT id || ' ' || seq || ' ' || \"table\" || ' ' || \"from\" || ' ' || coalesce(\"to\", '') || ' ' || on_update || ' ' || "
        "on_delete || ' ' || \"match\" FROM pragma_foreign_key_list(" + literal + ") ORDER BY id, seq"));
    // Index names are derived from the table's name (sqlite_autoindex_t_1); what they index is compared.
    shape.indexes = texts(database.query(
        "SELECT i.\"unique\" || ' ' || i.origin || ' ' || i.partial || ' ' || (SELECT group_concat(coalesce(x.name, '?') || ' ' || "
        "x.\"desc\" || ' ' || x.coll, ',') FROM pragma_index_xinfo(i.name) AS x WHERE x.key) FROM pragma_index_list(" + literal +
        ") AS i ORDER BY 1"));
    const auto options = database.query("SELECT wr || ' ' || strict FROM pragma_table_list WHERE schema = 'main' AND name = " + literal);
    if (!options.rows.empty()) shape.options = value_text(options.rows[0][0]);
    return shape;
}

std::size_t column_index(const TableShape& shape, const std::string& name, const std::string& table) {
    for (std::size_t i = 0; i < shape.columns.size(); ++i) {
        if (same_name(shape.columns[i].name, name)) return i;
    }
    throw UnavailableError("column \"" + name + "\" of relation \"" + table + "\" does not exist");
}

// What the statement changes per column, so the edited table can be checked for exactly that.
struct Expectation {
    std::optional<std::string> type;
    std::optional<bool> not_null;
    std::optional<bool> has_default;
};

struct Edits {
    std::map<std::size_t, Expectation> columns;
    bool constraints = false;  // constraints added or dropped: keys, indexes and foreign keys may differ
};

void edit_column_type(db::Database& database, const TableShape& shape, const sql::AlterCommand& command, std::size_t i,
                      TableDefinition& definition, RebuildPlan& plan, std::vector<std::string>& sources) {
    definition.set_type(i, command.type);
    plan.retyped.emplace_back(shape.columns[i].name, command.type);
    if (!command.using_column.empty()) {
        sources[i] = database.quote_identifier(shape.columns[column_index(shape, command.using_column, plan.table)].name);
    } else if (!command.using_text.empty()) {
        // SQLite evaluates the expression over the old row; what it cannot read fails as the statement.
        sources[i] = "(" + command.using_text + ")";
    }
}

Edits apply_commands(db::Database& database, const TableShape& shape, const sql::AlterTable& alter, TableDefinition& definition,
                     RebuildPlan& plan) {
    Edits edits;
    std::vector<std::string> sources;
    for (const auto& column : shape.columns) sources.push_back(database.quote_identifier(column.name));
    for (const auto& command : alter.commands) {
        const bool on_column = command.action != AlterAction::add_constraint && command.action != AlterAction::drop_constraint;
        const std::size_t i = on_column ? column_index(shape, command.name, plan.table) : 0;
        switch (command.action) {
            case AlterAction::alter_column_type:
                edit_column_type(database, shape, command, i, definition, plan, sources);
                edits.columns[i].type = command.type;
                break;
            case AlterAction::set_not_null:
                if (!shape.columns[i].not_null) definition.append_to_column(i, "NOT NULL");
                edits.columns[i].not_null = true;
                break;
            case AlterAction::drop_not_null:
                if (shape.columns[i].primary_key > 0) throw UnavailableError("column \"" + shape.columns[i].name + "\" is in a primary key");
                definition.remove_not_null(i);
                edits.columns[i].not_null = false;
                break;
            case AlterAction::set_default:
                definition.remove_default(i);
                definition.append_to_column(i, "DEFAULT (" + command.definition + ")");
                edits.columns[i].has_default = true;
                break;
            case AlterAction::drop_default:
                definition.remove_default(i);
                edits.columns[i].has_default = false;
                break;
            case AlterAction::add_constraint:
                definition.add_constraint(command.definition);
                if (command.constraint == "primary key") {
                    for (const auto& key : command.keys) plan.key_columns.push_back(shape.columns[column_index(shape, key, plan.table)].name);
                }
                edits.constraints = true;
                break;
            case AlterAction::drop_constraint:
                if (!definition.remove_constraint(command.name) && !command.missing_ok) {
                    throw UnavailableError("constraint \"" + command.name + "\" of relation \"" + plan.table + "\" does not exist",
                                           "SQLite keeps only the constraint names written in CREATE TABLE");
                }
                edits.constraints = true;
                break;
            default:
                throw InputError("SQLite shadows cannot mix " + command.subtype + " with column type, NULL, default or constraint changes",
                                 {}, "split the statement");
        }
    }
    // Generated columns compute their own values.
    for (std::size_t i = 0; i < shape.columns.size(); ++i) {
        if (shape.columns[i].hidden != 0) continue;
        plan.columns.push_back(database.quote_identifier(shape.columns[i].name));
        plan.sources.push_back(sources[i]);
    }
    return edits;
}

std::string describe(const ShapeColumn& column) {
    return column.name + " " + column.type + (column.not_null ? " not null" : "") +
           (column.default_value ? " default " + *column.default_value : "") + " pk " + std::to_string(column.primary_key) +
           " hidden " + std::to_string(column.hidden);
}

// The first way `actual` differs from `expected`, empty when they agree.
std::string difference(const TableShape& expected, const TableShape& actual) {
    if (expected.columns.size() != actual.columns.size()) return "the number of columns changed";
    for (std::size_t i = 0; i < expected.columns.size(); ++i) {
        if (!(expected.columns[i] == actual.columns[i])) {
            return "column " + describe(expected.columns[i]) + " became " + describe(actual.columns[i]);
        }
    }
    if (expected.foreign_keys != actual.foreign_keys) return "its foreign keys changed";
    if (expected.indexes != actual.indexes) return "its primary key or unique constraints changed";
    if (expected.options != actual.options) return "its table options (WITHOUT ROWID, STRICT) changed";
    return {};
}

std::string declared_type(db::Database& probe, const std::string& type) {
    probe.execute("CREATE TABLE schemaflip_type (x " + type + ")");
    const auto rows = probe.query("SELECT type FROM pragma_table_xinfo('schemaflip_type')");
    probe.execute("DROP TABLE schemaflip_type");
    return value_text(rows.rows.at(0).at(0));
}

// SQLite itself reads the old and the new CREATE TABLE in an empty in-memory database: the new one must
// be the old one with exactly the statement's changes, or the rebuild does not run.
void verify_in_probe(const StoredTable& stored, const RebuildPlan& plan, const Edits& edits) {
    auto probe = db::open_database("sqlite::memory:");
    try {
        probe->execute(stored.sql);
    } catch (const Error& e) {
        throw InputError("SQLite shadows cannot rebuild table " + stored.name, "its CREATE TABLE does not run in an empty database: " + e.reason());
    }
    try {
        probe->execute(plan.create_sql);
    } catch (const Error& e) {
        throw UnavailableError("the new definition of table " + stored.name + " is rejected", e.reason());
    }
    TableShape expected = read_shape(*probe, stored.name);
    TableShape actual = read_shape(*probe, plan.new_table);
    for (const auto& [i, change] : edits.columns) {
        auto& column = expected.columns.at(i);
        if (change.type) column.type = declared_type(*probe, *change.type);
        if (change.not_null) column.not_null = *change.not_null;
        if (change.has_default && !*change.has_default) column.default_value.reset();
        if (change.has_default && *change.has_default) column.default_value = actual.columns.at(i).default_value.value_or("(a default)");
    }
    if (edits.constraints) {
        for (auto* shape : {&expected, &actual}) {
            shape->foreign_keys.clear();
            shape->indexes.clear();
            for (auto& column : shape->columns) column.primary_key = 0;
        }
    }
    if (const auto problem = difference(expected, actual); !problem.empty()) {
        throw InputError("SQLite shadows cannot rebuild table " + stored.name + " faithfully",
                         "after editing its stored CREATE TABLE, " + problem, "stored CREATE TABLE: " + stored.sql);
    }
}

// Values PostgreSQL's type would reject but SQLite keeps (it stores any value in any column). The shadow
// holds the data to that standard, so a narrowing that loses data fails here as it would there.
std::optional<std::string> misfit_condition(const std::string& type, const std::string& column) {
    const std::string lower = util::ascii_lower(type);
    const auto open = lower.find('(');
    std::string base = lower.substr(0, open);
    while (!base.empty() && base.back() == ' ') base.pop_back();
    std::vector<long long> modifiers;
    if (open != std::string::npos) {
        std::string number;
        for (std::size_t i = open + 1; i < lower.size(); ++i) {
            if (std::isdigit(static_cast<unsigned char>(lower[i]))) {
                number += lower[i];
            } else if (!number.empty()) {
                modifiers.push_back(std::stoll(number));
                number.clear();
            }
        }
    }
    const std::string not_integer = "typeof(" + column + ") NOT IN ('integer', 'null')";
    const std::string not_number = "typeof(" + column + ") NOT IN ('integer', 'real', 'null')";
    if (base == "smallint") return not_integer + " OR " + column + " NOT BETWEEN -32768 AND 32767";
    if (base == "integer") return not_integer + " OR " + column + " NOT BETWEEN -2147483648 AND 2147483647";
    if (base == "bigint") return not_integer;
    if (base == "boolean") return not_integer + " OR " + column + " NOT IN (0, 1)";
    if (base == "real" || base == "double precision") return not_number;
    if (base == "numeric" && !modifiers.empty()) {
        const long long digits = modifiers[0] - (modifiers.size() > 1 ? modifiers[1] : 0);
        return not_number + " OR abs(" + column + ") >= 1e" + std::to_string(std::max(digits, 0LL));
    }
    if (base == "numeric") return not_number;
    if ((base == "varchar" || base == "char") && !modifiers.empty()) return "length(" + column + ") > " + std::to_string(modifiers[0]);
    return std::nullopt;
}

void check_values_fit(db::Database& database, const std::string& quoted_table, const std::string& column, const std::string& type) {
    const std::string quoted_column = database.quote_identifier(column);
    const auto condition = misfit_condition(type, quoted_column);
    if (!condition) return;
    const auto rows = database.query("SELECT count(*), (SELECT quote(" + quoted_column + ") FROM " + quoted_table + " WHERE " +
                                     *condition + " LIMIT 1) FROM " + quoted_table + " WHERE " + *condition);
    const auto misfits = value_integer(rows.rows.at(0).at(0));
    if (misfits > 0) {
        throw UnavailableError("values do not fit the new type", std::to_string(misfits) + " rows of column " + column + " do not fit " +
                                                                     type + ", e.g. " + value_text(rows.rows[0][1]));
    }
}

void check_keys_not_null(db::Database& database, const std::string& quoted_table, const RebuildPlan& plan) {
    for (const auto& key : plan.key_columns) {
        const auto rows = database.query("SELECT count(*) FROM " + quoted_table + " WHERE " + database.quote_identifier(key) + " IS NULL");
        if (value_integer(rows.rows.at(0).at(0)) > 0) {
            throw UnavailableError("column \"" + key + "\" of relation \"" + plan.table + "\" contains null values");
        }
    }
}

std::optional<std::int64_t> autoincrement_counter(db::Database& database, const std::string& table) {
    const auto exists = database.query("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'sqlite_sequence'");
    if (value_integer(exists.rows.at(0).at(0)) == 0) return std::nullopt;
    const auto rows = database.query("SELECT seq FROM sqlite_sequence WHERE name = " + database.quote_literal(table));
    if (rows.rows.empty()) return std::nullopt;
    return value_integer(rows.rows[0][0]);
}

// The copy inserts explicit keys, so the counter restarts at the largest key; AUTOINCREMENT promises never
// to reuse a key that was handed out, so the old counter comes back.
void restore_autoincrement_counter(db::Database& database, const std::string& table, std::optional<std::int64_t> counter) {
    if (!counter) return;
    const std::string literal = database.quote_literal(table);
    const auto rows = database.query("SELECT count(*) FROM sqlite_sequence WHERE name = " + literal);
    if (value_integer(rows.rows.at(0).at(0)) == 0) {
        database.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (" + literal + ", " + std::to_string(*counter) + ")");
    } else {
        database.execute("UPDATE sqlite_sequence SET seq = max(seq, " + std::to_string(*counter) + ") WHERE name = " + literal);
    }
}

// The table's own foreign keys and those of every table that references it (a retyped key column can
// stop matching its parent or children).
void check_foreign_keys(db::Database& database, const std::string& table) {
    const std::string literal = database.quote_literal(table);
    const auto tables = texts(database.query("SELECT " + literal + " UNION SELECT m.name FROM sqlite_schema AS m, "
                                             "pragma_foreign_key_list(m.name) AS f WHERE m.type = 'table' AND f.\"table\" = " +
                                             literal + " COLLATE NOCASE"));
    for (const auto& child : tables) {
        const auto rows = database.query("SELECT \"table\", parent, count(*) FROM pragma_foreign_key_check(" + database.quote_literal(child) +
                                         ") GROUP BY 1, 2 ORDER BY 1, 2 LIMIT 1");
        if (rows.rows.empty()) continue;
        throw UnavailableError("foreign key check failed after rebuilding table " + table,
                               value_text(rows.rows[0][2]) + " rows of " + value_text(rows.rows[0][0]) + " have no matching row in " +
                                   value_text(rows.rows[0][1]));
    }
}

}  // namespace

bool needs_sqlite_rebuild(const sql::AlterCommand& command) {
    switch (command.action) {
        case AlterAction::alter_column_type:
        case AlterAction::set_not_null:
        case AlterAction::drop_not_null:
        case AlterAction::set_default:
        case AlterAction::drop_default:
        case AlterAction::add_constraint:
        case AlterAction::drop_constraint:
        case AlterAction::other: return true;
        case AlterAction::add_column:
        case AlterAction::drop_column: return false;
    }
    return false;
}

std::optional<RebuildPlan> plan_sqlite_rebuild(db::Database& database, const sql::AlterTable& alter) {
    check_supported(alter);
    const auto stored = stored_table(database, alter.table);
    if (!stored) {
        if (alter.missing_ok) return std::nullopt;
        throw UnavailableError("relation \"" + alter.table + "\" does not exist");
    }
    const TableShape shape = read_shape(database, stored->name);
    RebuildPlan plan;
    plan.table = stored->name;
    plan.new_table = k_rebuild_prefix + stored->name;
    TableDefinition definition(stored->sql, shape.columns.size());
    const Edits edits = apply_commands(database, shape, alter, definition, plan);
    definition.rename(database.quote_identifier(plan.new_table));
    plan.create_sql = definition.text();
    verify_in_probe(*stored, plan, edits);
    return plan;
}

void run_sqlite_rebuild(db::Database& database, const RebuildPlan& plan) {
    const std::string table = database.quote_identifier(plan.table);
    const std::string new_table = database.quote_identifier(plan.new_table);
    // Step 3 of the procedure: the table's indexes and triggers, to be recreated from their own text.
    const auto dependents = texts(database.query("SELECT sql FROM sqlite_schema WHERE tbl_name = " + database.quote_literal(plan.table) +
                                                 " AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, rowid"));
    const auto counter = autoincrement_counter(database, plan.table);

    database.execute(plan.create_sql);
    database.execute("INSERT INTO " + new_table + " (" + join(plan.columns) + ") SELECT " + join(plan.sources) + " FROM " + table);
    for (const auto& [column, type] : plan.retyped) check_values_fit(database, new_table, column, type);
    check_keys_not_null(database, new_table, plan);
    database.execute("DROP TABLE " + table);
    // Legacy mode only for this rename: it keeps the rename from failing on views that name the dropped
    // table, and must not apply to the change's own renames, whose references SQLite should update.
    database.execute("PRAGMA legacy_alter_table = ON");
    try {
        database.execute("ALTER TABLE " + new_table + " RENAME TO " + table);
    } catch (...) {
        database.execute("PRAGMA legacy_alter_table = OFF");
        throw;
    }
    database.execute("PRAGMA legacy_alter_table = OFF");
    for (const auto& sql : dependents) database.execute(sql);
    restore_autoincrement_counter(database, plan.table, counter);
    check_foreign_keys(database, plan.table);
}

}  // namespace schemaflip::shadow
