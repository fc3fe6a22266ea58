// SQLite catalog reader: sqlite_schema and the table-valued pragma functions.
#include <map>

#include "core/schema/introspect.hpp"

namespace schemaflip::schema {
namespace {

using db::value_integer;
using db::value_text;

void read_columns(db::Database& database, const std::string& table_literal, TableInfo& table) {
    const auto rows = database.query("SELECT cid, name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(" +
                                     table_literal + ") ORDER BY cid");
    std::map<std::int64_t, std::string> key_columns;  // pk ordinal -> column
    for (const auto& row : rows.rows) {
        ColumnInfo column;
        column.position = static_cast<int>(value_integer(row[0])) + 1;
        column.name = value_text(row[1]);
        column.type = value_text(row[2]);
        column.nullable = value_integer(row[3]) == 0;
        if (!row[4].is_null()) column.default_value = value_text(row[4]);
        if (value_integer(row[5]) > 0) key_columns[value_integer(row[5])] = column.name;
        table.columns.push_back(std::move(column));
    }
    for (const auto& [ordinal, column] : key_columns) table.primary_key.push_back(column);
    if (!table.primary_key.empty()) {
        // SQLite does not keep constraint names in its catalog; the constraint is reported unnamed.
        table.constraints.push_back({"", "primary_key", table.primary_key, std::nullopt, std::nullopt, std::nullopt, {}});
    }
}

void read_indexes(db::Database& database, const std::string& table_literal, TableInfo& table) {
    const auto indexes = database.query(
        "SELECT il.name, il.\"unique\", il.origin, s.sql FROM pragma_index_list(" + table_literal +
        ") AS il LEFT JOIN sqlite_schema AS s ON s.type = 'index' AND s.name = il.name ORDER BY il.name");
    for (const auto& row : indexes.rows) {
        IndexInfo index;
        index.name = value_text(row[0]);
        index.unique = value_integer(row[1]) != 0;
        const std::string origin = value_text(row[2]);
        index.primary = origin == "pk";
        index.method = "btree";
        if (!row[3].is_null()) index.definition = value_text(row[3]);
        const auto keys = database.query("SELECT name FROM pragma_index_info(" + database.quote_literal(index.name) +
                                         ") ORDER BY seqno");
        for (const auto& key : keys.rows) index.columns.push_back(key[0].is_null() ? "<expression>" : value_text(key[0]));
        if (origin == "u") {
            table.constraints.push_back({index.name, "unique", index.columns, std::nullopt, std::nullopt, std::nullopt, {}});
        }
        table.indexes.push_back(std::move(index));
    }
}

void read_foreign_keys(db::Database& database, const std::string& table_literal, TableInfo& table) {
    const auto rows = database.query("SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(" +
                                     table_literal + ") ORDER BY id, seq");
    std::map<std::int64_t, ConstraintInfo> by_id;
    for (const auto& row : rows.rows) {
        auto& constraint = by_id[value_integer(row[0])];
        constraint.type = "foreign_key";
        constraint.references_schema = "main";
        constraint.references_table = value_text(row[1]);
        constraint.columns.push_back(value_text(row[2]));
        // "to" is NULL when the reference names the parent's primary key implicitly.
        if (!row[3].is_null()) constraint.references_columns.push_back(value_text(row[3]));
    }
    for (auto& [id, constraint] : by_id) table.constraints.push_back(std::move(constraint));
}

void read_size(db::Database& database, const std::string& table_literal, TableInfo& table) {
    // dbstat is an optional SQLite feature; without it the size is unknown rather than an error.
    try {
        const auto size = database.query(
            "SELECT sum(pgsize) FROM dbstat WHERE name IN (SELECT name FROM sqlite_schema WHERE tbl_name = " +
            table_literal + ")");
        if (!size.rows.empty() && !size.rows[0][0].is_null()) table.bytes = value_integer(size.rows[0][0]);
    } catch (const std::exception&) {
        table.bytes.reset();
    }
}

}  // namespace

void introspect_sqlite(db::Database& database, const IntrospectOptions&, SchemaSnapshot& snapshot) {
    const auto tables = database.query(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name");
    for (const auto& row : tables.rows) {
        TableInfo table;
        table.schema = "main";
        table.name = value_text(row[0]);
        const std::string literal = database.quote_literal(table.name);
        read_columns(database, literal, table);
        read_indexes(database, literal, table);
        read_foreign_keys(database, literal, table);
        const auto count = database.query("SELECT count(*) FROM " + database.quote_identifier(table.name));
        table.row_count = value_integer(count.rows.at(0).at(0));
        table.row_count_exact = true;
        read_size(database, literal, table);
        snapshot.tables.push_back(std::move(table));
    }
}

}  // namespace schemaflip::schema
