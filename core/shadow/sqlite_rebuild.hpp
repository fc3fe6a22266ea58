// SQLite's documented table rebuild (sqlite.org/lang_altertable.html, "Making Other Kinds Of Table Schema
// Changes") for the ALTER TABLE commands SQLite's own ALTER TABLE cannot run: column type (with USING),
// NOT NULL, defaults, and adding or dropping constraints.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/db/database.hpp"
#include "core/sql/ddl_source.hpp"

namespace schemaflip::shadow {

// True when SQLite's ALTER TABLE cannot run the command itself.
bool needs_sqlite_rebuild(const sql::AlterCommand& command);

struct RebuildPlan {
    std::string table;         // as SQLite stores it
    std::string new_table;     // the name the new table has until it replaces the old one
    std::string create_sql;    // the new table's CREATE TABLE: the stored one, edited
    std::vector<std::string> columns;  // the columns rows are copied into (generated ones excluded)
    std::vector<std::string> sources;  // per column, the expression copied from the old table
    std::vector<std::pair<std::string, std::string>> retyped;  // column, new type: values must fit
    std::vector<std::string> key_columns;  // of an added primary key: no NULLs, as in PostgreSQL
};

// Reads the table, edits its stored CREATE TABLE and checks the result with SQLite in a scratch
// in-memory database. Throws InputError for what a rebuild cannot express (before anything is changed)
// and UnavailableError when SQLite rejects the change. nullopt: nothing to do (ALTER TABLE IF EXISTS of a
// missing table).
std::optional<RebuildPlan> plan_sqlite_rebuild(db::Database& database, const sql::AlterTable& alter);

// Runs the plan inside the caller's transaction, foreign keys off: new table, rows copied, old table
// dropped, new one renamed, its indexes and triggers recreated, AUTOINCREMENT's counter kept, foreign
// keys checked from and to the table. Throws (InputError from SQLite, UnavailableError) when the data
// does not fit.
void run_sqlite_rebuild(db::Database& database, const RebuildPlan& plan);

}  // namespace schemaflip::shadow
