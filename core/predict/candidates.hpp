// Candidate schema changes with the evidence that led to them, one generator per source: pending
// migrations, missing objects in a workload profile, data patterns in a sample of a live database,
// frequent filters without an index, and tables with a sustained change history.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/db/database.hpp"
#include "core/history/history.hpp"
#include "core/predict/predictions_inputs.hpp"
#include "core/schema/snapshot.hpp"

namespace schemaflip::predict {

struct Evidence {
    std::string source;  // pending_migration, missing_object, data_pattern, unindexed_filter, history, model
    std::string detail;  // one line, with the numbers behind it
};

// One change a generator proposes. What the model adds (its table probability) and the risk come later
// (predictions.hpp, risk.hpp); a generator states only what it observed:
//   demand   — the probability that something already requires the change: 1 for a pending migration;
//              for a missing object (k+1)/(k+2) after k failed executions (Laplace's rule of succession:
//              the chance the application's next execution needs the object again); 0 otherwise.
//   validity — the probability that the change holds for the whole table: for a pattern seen in n sampled
//              rows of a table of N, (n+1)/(N+1) (the rule of succession for "every unsampled row
//              conforms too"); 1 when every row was read or nothing was sampled.
struct Candidate {
    std::string table;   // unqualified (schema prefix removed, as the history vocabulary has it)
    std::string column;  // empty when the change is not about one column
    std::string type;    // the schema-history op vocabulary
    std::vector<std::string> ddl;  // the statements, in order; empty when the change is not concrete
    std::vector<Evidence> evidence;
    std::string description;
    double demand = 0;
    double validity = 1;
};

// The SQL dialect of generated DDL: PostgreSQL unless the schema came from SQLite, whose shadow applies
// the same ALTER TABLE forms by rebuilding the table (see schemaflip-predict(1), "DDL per engine").
db::Engine ddl_engine(const schema::SchemaSnapshot* snapshot);

// An identifier as generated DDL writes it, so that any name, however hostile, stays one identifier: on
// PostgreSQL bare when the parser reads it back unchanged (lower case, not a keyword: decided by
// libpg_query), double-quoted otherwise; on SQLite, whose keywords differ, always double-quoted.
std::string ddl_identifier(const std::string& name, db::Engine engine = db::Engine::postgres);
// schema.table for a schema other than the default one (public, main), else the table alone.
std::string ddl_table_name(const schema::TableInfo& table, db::Engine engine = db::Engine::postgres);

// The snapshot's table for a name as queries and histories spell it ("customer", "sales.orders"); on
// SQLite names match without regard to ASCII case, as SQLite resolves them.
const schema::TableInfo* find_table(const schema::SchemaSnapshot& snapshot, const std::string& name);
const schema::ColumnInfo* find_column(const schema::SchemaSnapshot& snapshot, const schema::TableInfo& table,
                                      const std::string& column);

// Pending migrations (`--pending`): files or directories of SQL, Rails (db/migrate/*.rb) or Django
// (migrations/*.py) migrations. SQL statements are grouped per file and table, in order, into one
// concrete candidate each; Rails and Django operations become concrete where their event fixes the
// statement (drop/rename of a table or column) and named changes without DDL otherwise. Unreadable files
// are counted in `problems`; a path that does not exist throws InputError.
std::vector<Candidate> pending_migration_candidates(const std::vector<std::filesystem::path>& paths,
                                                    const schema::SchemaSnapshot* snapshot,
                                                    history::ReadProblems& problems);

// Missing columns and tables the application already queries (the profile's missing_objects). The type
// of a missing column cannot be known from an error, so the changes are named, not concrete. With a
// snapshot, objects that exist by now are left out.
std::vector<Candidate> missing_object_candidates(const Workload& workload, const schema::SchemaSnapshot* snapshot);

// Columns that at least `min_share` of the analysed statements filter or join on, in a table of the
// snapshot whose indexes do not start with that column: CREATE INDEX (CONCURRENTLY on PostgreSQL).
inline constexpr double k_min_filter_share = 0.01;
std::vector<Candidate> unindexed_filter_candidates(const Workload& workload, const schema::SchemaSnapshot& snapshot,
                                                   double min_share = k_min_filter_share);

// Tables with a sustained change history: at least two operations other than create_table, from at least
// two migrations, in the `window_days` before `at`. Named "will change" events (not concrete) whose type
// is the table's most frequent recent operation.
inline constexpr int k_history_window_days = 90;
std::vector<Candidate> history_candidates(const std::vector<history::HistoryEvent>& events, std::int64_t at,
                                          const schema::SchemaSnapshot* snapshot,
                                          int window_days = k_history_window_days);

// A bounded, read-only sample of one table.
struct TableSample {
    std::string table;  // the snapshot's table name
    std::string schema;
    std::vector<std::string> columns;              // the snapshot's column names, in sample order
    std::vector<bool> null_flags;                  // per column: read as (column IS NULL), for bulky types
    std::vector<std::vector<db::Value>> rows;      // row-major
    std::int64_t table_rows = 0;                   // the snapshot's count or estimate
    bool whole_table = false;                      // every row was read
    std::string method;                            // how: "first 10000 rows", "TABLESAMPLE SYSTEM (2.5)", ...
};

struct SampleOptions {
    std::int64_t rows = 10000;        // at most this many rows per table
    int timeout_seconds = 5;          // PostgreSQL statement_timeout per table
};

struct SampleResult {
    std::vector<TableSample> samples;
    std::vector<std::string> skipped;  // "table: why" for tables that could not be sampled in time
};

// Text values longer than this are read as their first k_sample_text_bytes bytes: enough for every value
// shape the patterns look for, and a bound on memory.
inline constexpr std::size_t k_sample_text_bytes = 256;

// Reads at most options.rows rows of every table of `snapshot`, each in its own read-only transaction:
// PostgreSQL with statement_timeout and TABLESAMPLE SYSTEM ... REPEATABLE (0) when the table is larger
// than the sample; SQLite (which has no TABLESAMPLE) the first rows in storage order. A table whose
// sample fails (a timeout, a permission) is skipped and named in `skipped`; a lost connection throws.
SampleResult sample_tables(db::Database& database, const schema::SchemaSnapshot& snapshot, const SampleOptions& options);

// Data patterns in the samples: text columns whose non-null values all parse as integers, booleans, UUIDs
// or timestamps (ALTER COLUMN TYPE; only integers on SQLite, which has no such storage types); nullable
// columns without a NULL (SET NOT NULL); integer, text or UUID columns whose values are all distinct and
// that no unique index covers alone (CREATE UNIQUE INDEX, CONCURRENTLY on PostgreSQL).
std::vector<Candidate> data_pattern_candidates(const std::vector<TableSample>& samples,
                                               const schema::SchemaSnapshot& snapshot);

}  // namespace schemaflip::predict
