// PostgreSQL catalog reader: pg_class, pg_attribute, pg_index and pg_constraint, a few queries in all.
#include <map>
#include <nlohmann/json.hpp>

#include "core/schema/introspect.hpp"

namespace schemaflip::schema {
namespace {

using db::value_integer;
using db::value_text;

// The user's tables: ordinary and partitioned, outside the system schemas.
constexpr const char* k_user_tables = R"sql(
    SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp\_%')sql";

std::vector<std::string> json_strings(const db::Value& value) {
    if (value.is_null()) return {};
    return nlohmann::json::parse(value_text(value)).get<std::vector<std::string>>();
}

std::map<std::int64_t, TableInfo> read_tables(db::Database& database) {
    // reltuples is -1 until the table is first vacuumed or analysed; n_live_tup is the better estimate then.
    const auto rows = database.query(std::string(R"sql(
        SELECT c.oid, n.nspname, c.relname,
               CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint ELSE coalesce(s.n_live_tup, 0) END,
               pg_total_relation_size(c.oid)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
        WHERE c.oid IN ()sql") + k_user_tables + ")");
    std::map<std::int64_t, TableInfo> tables;
    for (const auto& row : rows.rows) {
        TableInfo table;
        table.schema = value_text(row[1]);
        table.name = value_text(row[2]);
        table.row_count = value_integer(row[3]);
        table.bytes = value_integer(row[4]);
        tables.emplace(value_integer(row[0]), std::move(table));
    }
    return tables;
}

void read_columns(db::Database& database, std::map<std::int64_t, TableInfo>& tables) {
    const auto rows = database.query(std::string(R"sql(
        SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
               pg_get_expr(d.adbin, d.adrelid)
        FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attnum > 0 AND NOT a.attisdropped AND a.attrelid IN ()sql") + k_user_tables + R"sql()
        ORDER BY a.attrelid, a.attnum)sql");
    for (const auto& row : rows.rows) {
        auto& table = tables.at(value_integer(row[0]));
        ColumnInfo column;
        // Positions count live columns only: dropped ones leave gaps in attnum.
        column.position = static_cast<int>(table.columns.size()) + 1;
        column.name = value_text(row[1]);
        column.type = value_text(row[2]);
        column.nullable = value_text(row[3]) != "true";
        if (!row[4].is_null()) column.default_value = value_text(row[4]);
        table.columns.push_back(std::move(column));
    }
}

void read_indexes(db::Database& database, std::map<std::int64_t, TableInfo>& tables) {
    const auto rows = database.query(std::string(R"sql(
        SELECT i.indrelid, ic.relname, i.indisunique, i.indisprimary, am.amname, pg_get_indexdef(i.indexrelid),
               (SELECT json_agg(pg_get_indexdef(i.indexrelid, k, true) ORDER BY k)
                FROM generate_series(1, i.indnkeyatts) AS k)
        FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
        WHERE i.indrelid IN ()sql") + k_user_tables + R"sql()
        ORDER BY i.indrelid, ic.relname)sql");
    for (const auto& row : rows.rows) {
        IndexInfo index;
        index.name = value_text(row[1]);
        index.unique = row[2].integer != 0;
        index.primary = row[3].integer != 0;
        index.method = value_text(row[4]);
        index.definition = value_text(row[5]);
        index.columns = json_strings(row[6]);
        tables.at(value_integer(row[0])).indexes.push_back(std::move(index));
    }
}

const char* constraint_type(const std::string& contype) {
    if (contype == "p") return "primary_key";
    if (contype == "u") return "unique";
    if (contype == "c") return "check";
    if (contype == "f") return "foreign_key";
    return "exclusion";
}

void read_constraints(db::Database& database, std::map<std::int64_t, TableInfo>& tables) {
    const auto rows = database.query(std::string(R"sql(
        SELECT con.conrelid, con.conname, con.contype::text, pg_get_constraintdef(con.oid, true),
               (SELECT json_agg(a.attname ORDER BY k.ord)
                FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
                JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum),
               fn.nspname, fc.relname,
               (SELECT json_agg(a.attname ORDER BY k.ord)
                FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
                JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum)
        FROM pg_constraint con
        LEFT JOIN pg_class fc ON fc.oid = con.confrelid LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
        WHERE con.contype IN ('p', 'u', 'c', 'f', 'x') AND con.conrelid IN ()sql") + k_user_tables + R"sql()
        ORDER BY con.conrelid, con.conname)sql");
    for (const auto& row : rows.rows) {
        auto& table = tables.at(value_integer(row[0]));
        ConstraintInfo constraint;
        constraint.name = value_text(row[1]);
        constraint.type = constraint_type(value_text(row[2]));
        constraint.definition = value_text(row[3]);
        constraint.columns = json_strings(row[4]);
        if (constraint.type == std::string("foreign_key")) {
            constraint.references_schema = value_text(row[5]);
            constraint.references_table = value_text(row[6]);
            constraint.references_columns = json_strings(row[7]);
        }
        if (constraint.type == std::string("primary_key")) table.primary_key = constraint.columns;
        table.constraints.push_back(std::move(constraint));
    }
}

}  // namespace

void introspect_postgres(db::Database& database, const IntrospectOptions& options, SchemaSnapshot& snapshot) {
    auto tables = read_tables(database);
    read_columns(database, tables);
    read_indexes(database, tables);
    read_constraints(database, tables);
    for (auto& [oid, table] : tables) {
        if (options.exact_counts) {
            const auto count = database.query("SELECT count(*) FROM " + database.quote_identifier(table.schema) + "." +
                                              database.quote_identifier(table.name));
            table.row_count = value_integer(count.rows.at(0).at(0));
            table.row_count_exact = true;
        }
        snapshot.tables.push_back(std::move(table));
    }
}

}  // namespace schemaflip::schema
