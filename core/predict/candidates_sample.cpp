// A bounded, read-only sample of every table: at most N rows each, one read-only transaction per table,
// a statement_timeout on PostgreSQL, TABLESAMPLE when the table is larger than the sample.
#include <algorithm>
#include <cstdio>

#include "core/predict/candidates.hpp"
#include "core/predict/candidates_columns.hpp"
#include "core/sql/statement_info.hpp"
#include "core/util/ascii_case.hpp"
#include "core/util/error.hpp"

namespace schemaflip::predict {
namespace {

// SQLite's affinity rules, in their order of precedence.
ColumnClass sqlite_class(const std::string& declared) {
    const auto type = util::ascii_upper(declared);
    if (type.find("INT") != std::string::npos) return ColumnClass::integer;
    if (type.find("CHAR") != std::string::npos || type.find("CLOB") != std::string::npos ||
        type.find("TEXT") != std::string::npos) {
        return ColumnClass::text;
    }
    if (type.empty() || type.find("BLOB") != std::string::npos) return ColumnClass::bulky;
    return ColumnClass::other;
}

ColumnClass postgres_class(const std::string& declared) {
    const auto type = sql::parse_type(declared);
    if (!type || type->array_dimensions > 0) return ColumnClass::bulky;
    const auto& name = type->name;
    if (name == "text" || name == "varchar" || name == "bpchar" || name == "citext" || name == "name") return ColumnClass::text;
    if (name == "int2" || name == "int4" || name == "int8") return ColumnClass::integer;
    if (name == "uuid") return ColumnClass::uuid;
    for (const char* small : {"numeric", "float4", "float8", "bool", "date", "time", "timetz", "timestamp",
                              "timestamptz", "interval", "money", "inet", "cidr", "macaddr", "oid", "char"}) {
        if (name == small) return ColumnClass::other;
    }
    return ColumnClass::bulky;
}

std::string select_expression(db::Database& database, const schema::SchemaSnapshot& snapshot,
                              const schema::ColumnInfo& column, bool& null_flag) {
    const auto name = database.quote_identifier(column.name);
    null_flag = false;
    switch (classify_column(snapshot, column)) {
        case ColumnClass::text: return "substr(" + name + ", 1, " + std::to_string(k_sample_text_bytes) + ")";
        case ColumnClass::bulky: null_flag = true; return "(" + name + " IS NULL)";
        default: return name;
    }
}

std::string from_clause(db::Database& database, const schema::TableInfo& table) {
    const auto name = database.quote_identifier(table.name);
    if (database.engine() == db::Engine::sqlite || table.schema.empty()) return name;
    return database.quote_identifier(table.schema) + "." + name;
}

// SYSTEM picks whole pages, so the fraction asks for twice the rows wanted; LIMIT keeps it to N.
std::string tablesample(const schema::TableInfo& table, std::int64_t rows, std::string& method) {
    const double percent = std::min(100.0, 100.0 * 2.0 * static_cast<double>(rows) / static_cast<double>(table.row_count));
    char text[64];
    std::snprintf(text, sizeof text, "%.6g", percent);
    method = std::string("TABLESAMPLE SYSTEM (") + text + ") REPEATABLE (0), at most " + std::to_string(rows) + " rows";
    return std::string(" TABLESAMPLE SYSTEM (") + text + ") REPEATABLE (0)";
}

TableSample sample_table(db::Database& database, const schema::SchemaSnapshot& snapshot, const schema::TableInfo& table,
                         const SampleOptions& options) {
    TableSample sample;
    sample.table = table.name;
    sample.schema = table.schema;
    std::string select;
    for (const auto& column : table.columns) {
        bool null_flag = false;
        select += (select.empty() ? "" : ", ") + select_expression(database, snapshot, column, null_flag);
        sample.columns.push_back(column.name);
        sample.null_flags.push_back(null_flag);
    }
    const bool postgres = database.engine() == db::Engine::postgres;
    const bool larger = postgres && table.row_count > options.rows;
    sample.method = "first " + std::to_string(options.rows) + " rows in storage order";
    const std::string sampling = larger ? tablesample(table, options.rows, sample.method) : std::string{};
    const auto sql = "SELECT " + select + " FROM " + from_clause(database, table) + sampling + " LIMIT " +
                     std::to_string(options.rows);

    database.begin(/*read_only=*/true);
    if (postgres) {
        database.execute("SET LOCAL statement_timeout = '" + std::to_string(options.timeout_seconds) + "s'");
        // A synchronized scan starts where another scan is: the sample would differ from run to run.
        database.execute("SET LOCAL synchronize_seqscans = off");
    }
    auto result = database.query(sql);
    sample.rows = std::move(result.rows);
    const auto sampled = static_cast<std::int64_t>(sample.rows.size());
    sample.whole_table = !larger && sampled < options.rows;
    sample.table_rows = sample.whole_table ? sampled : std::max(table.row_count, sampled);
    // The planner's estimate said the sample would hold every row, yet it filled: the estimate is stale
    // (or missing), and the validity of a pattern needs the table's real size. Counted under the same timeout.
    if (postgres && !larger && !sample.whole_table) {
        sample.table_rows = db::value_integer(database.query("SELECT count(*) FROM " + from_clause(database, table)).rows.at(0).at(0));
    }
    database.commit();
    if (sample.whole_table) sample.method = "every row";
    return sample;
}

}  // namespace

ColumnClass classify_column(const schema::SchemaSnapshot& snapshot, const schema::ColumnInfo& column) {
    return snapshot.engine == "sqlite" ? sqlite_class(column.type) : postgres_class(column.type);
}

SampleResult sample_tables(db::Database& database, const schema::SchemaSnapshot& snapshot, const SampleOptions& options) {
    SampleResult result;
    for (const auto& table : snapshot.tables) {
        if (table.columns.empty()) continue;
        try {
            result.samples.push_back(sample_table(database, snapshot, table, options));
        } catch (const Error& e) {
            // The transaction is still open after a failed statement; ending it proves the connection
            // works, and only then is the table skipped rather than the whole command failed.
            database.rollback();
            result.skipped.push_back(table.name + ": " + (e.reason().empty() ? e.what() : e.reason()));
        }
    }
    return result;
}

}  // namespace schemaflip::predict
