// The schema snapshot: what `inspect` reports and what later stages compare against.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace schemaflip::schema {

inline constexpr int k_snapshot_schema_version = 1;

struct ColumnInfo {
    std::string name;
    int position = 0;  // 1-based, in table order
    std::string type;  // as the engine prints it: integer, character varying(120), NVARCHAR(160)
    bool nullable = true;
    std::optional<std::string> default_value;  // the default expression's text
};

struct IndexInfo {
    std::string name;
    std::vector<std::string> columns;  // key columns; an expression key appears as its text
    bool unique = false;
    bool primary = false;
    std::string method;  // btree, hash, gin, ...
    std::optional<std::string> definition;  // CREATE INDEX text when the engine keeps one
};

struct ConstraintInfo {
    std::string name;
    std::string type;  // primary_key, unique, check, foreign_key, exclusion
    std::vector<std::string> columns;
    std::optional<std::string> definition;
    // foreign keys only
    std::optional<std::string> references_schema;
    std::optional<std::string> references_table;
    std::vector<std::string> references_columns;
};

struct TableInfo {
    std::string schema;
    std::string name;
    std::vector<ColumnInfo> columns;
    std::vector<std::string> primary_key;
    std::vector<IndexInfo> indexes;
    std::vector<ConstraintInfo> constraints;
    std::int64_t row_count = 0;
    bool row_count_exact = false;
    std::optional<std::int64_t> bytes;  // on-disk size including indexes, when the engine tells

    const ColumnInfo* find_column(const std::string& column) const;
};

struct SchemaSnapshot {
    std::string engine;  // postgresql or sqlite
    std::string database;  // redacted URL
    std::vector<TableInfo> tables;  // sorted by (schema, name)

    const TableInfo* find_table(const std::string& table, const std::string& schema = {}) const;
};

nlohmann::ordered_json to_json(const SchemaSnapshot& snapshot);
// One table in the snapshot's JSON form (an element of "tables"), and back; throws InputError when malformed.
nlohmann::ordered_json to_json(const TableInfo& table);
TableInfo table_from_json(const nlohmann::json& item);
// The table's JSON without what data changes (row counts, sizes) and, on SQLite, without the stored CREATE
// INDEX text and with column types in lower case (SQLite reads them case-insensitively): two tables with
// equal shapes have the same schema.
nlohmann::ordered_json shape_json(const TableInfo& table, const std::string& engine);
// Reads a snapshot document; throws InputError naming the problem when it is not one.
SchemaSnapshot snapshot_from_json(const nlohmann::json& document);
// A readable multi-line rendering for `inspect --format text`.
std::string render_text(const SchemaSnapshot& snapshot);

}  // namespace schemaflip::schema
