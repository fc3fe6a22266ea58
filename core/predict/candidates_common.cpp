// What the candidate generators share: the DDL dialect, identifiers in generated DDL, and finding a
// table or column of the snapshot by the name queries use.
#include <algorithm>

#include "core/predict/candidates.hpp"
#include "core/sql/statement_info.hpp"
#include "core/util/ascii_case.hpp"

namespace schemaflip::predict {
namespace {

bool is_plain_lower_identifier(const std::string& name) {
    if (name.empty() || !(name[0] == '_' || (name[0] >= 'a' && name[0] <= 'z'))) return false;
    return std::all_of(name.begin(), name.end(),
                       [](char c) { return c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
}

// A plain lower-case name may still be a keyword that cannot name a table or column (select, user,
// order): the parser decides, by reading it back from a statement that uses it in both places.
bool reads_back_unquoted(const std::string& name) {
    const auto info = sql::analyze_statement("ALTER TABLE " + name + " ADD COLUMN " + name + " integer");
    return info.parsed && info.ddl_changes.size() == 1 && info.ddl_changes[0].table == name &&
           info.ddl_changes[0].column == name;
}

bool same_name(const schema::SchemaSnapshot& snapshot, const std::string& a, const std::string& b) {
    return a == b || (snapshot.engine == "sqlite" && util::ascii_lower(a) == util::ascii_lower(b));
}

bool is_default_schema(const std::string& schema) { return schema.empty() || schema == "public" || schema == "main"; }

}  // namespace

db::Engine ddl_engine(const schema::SchemaSnapshot* snapshot) {
    return snapshot != nullptr && snapshot->engine == "sqlite" ? db::Engine::sqlite : db::Engine::postgres;
}

std::string ddl_identifier(const std::string& name, db::Engine engine) {
    if (engine == db::Engine::postgres && is_plain_lower_identifier(name) && reads_back_unquoted(name)) return name;
    return db::quote_identifier_ansi(name);
}

std::string ddl_table_name(const schema::TableInfo& table, db::Engine engine) {
    if (is_default_schema(table.schema)) return ddl_identifier(table.name, engine);
    return ddl_identifier(table.schema, engine) + "." + ddl_identifier(table.name, engine);
}

const schema::TableInfo* find_table(const schema::SchemaSnapshot& snapshot, const std::string& name) {
    // A name that is exactly a table of the default schema wins, dots and all.
    for (const auto& table : snapshot.tables) {
        if (is_default_schema(table.schema) && same_name(snapshot, table.name, name)) return &table;
    }
    // Queries name tables in the default schema bare and others as schema.table (core/sql's convention).
    const auto dot = name.find('.');
    for (const auto& table : snapshot.tables) {
        const bool matches = dot == std::string::npos
                                 ? is_default_schema(table.schema) && same_name(snapshot, table.name, name)
                                 : same_name(snapshot, table.schema, name.substr(0, dot)) &&
                                       same_name(snapshot, table.name, name.substr(dot + 1));
        if (matches) return &table;
    }
    // A bare name that exists only in another schema (on a search_path) is still that table.
    if (dot == std::string::npos) {
        for (const auto& table : snapshot.tables) {
            if (same_name(snapshot, table.name, name)) return &table;
        }
    }
    return nullptr;
}

const schema::ColumnInfo* find_column(const schema::SchemaSnapshot& snapshot, const schema::TableInfo& table,
                                      const std::string& column) {
    for (const auto& info : table.columns) {
        if (same_name(snapshot, info.name, column)) return &info;
    }
    return nullptr;
}

}  // namespace schemaflip::predict
