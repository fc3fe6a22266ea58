// What schemaflip knows about one SQL text, all decided by libpg_query (the PostgreSQL 15 parser).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace schemaflip::schema {
struct SchemaSnapshot;
}

namespace schemaflip::sql {

enum class StatementKind { read, write, ddl, transaction, utility };
const char* to_string(StatementKind kind);

struct ColumnRef {
    std::string table;   // resolved table name (unqualified, as PostgreSQL folds it); empty if unknown
    std::string column;
    bool operator==(const ColumnRef&) const = default;
    auto operator<=>(const ColumnRef&) const = default;
};

// A schema change in the vocabulary of shared/data/schema-history/README.md.
struct DdlChange {
    std::string op;      // create_table, drop_table, rename_table, add_column, drop_column, rename_column,
                         // alter_column_type, alter_column_null (detail "set not null"/"drop not null"),
                         // alter_column_default (detail "set default"/"drop default"/identity changes),
                         // add_index, drop_index, add_constraint, drop_constraint, add_foreign_key,
                         // drop_foreign_key, other — exactly the history README's vocabulary
    std::string table;
    std::string column;  // empty when the op is not about one column
    std::string detail;  // e.g. the new type, the new name, the index name
};

// One top-level ORDER BY key located in the result: by 0-based position when the text fixes it (an ordinal,
// an output name or alias, an expression equal to a target entry, none of them after a `*`), else by the
// result column's name (a column a `*` expands to, or a named target after one). A key with neither is
// not an output column, or cannot be located from the text alone.
struct OrderByKey {
    int position = -1;
    std::string name;
    bool ordinal = false;  // written ORDER BY n: a literal decides it, so literal-keyed caches must not share it
    bool operator==(const OrderByKey&) const = default;
};

struct StatementInfo {
    bool parsed = false;
    std::string error;              // why parsing failed (the parser's message), when !parsed
    std::uint64_t fingerprint = 0;  // pg_query fingerprint: equal for texts differing only in literals
    std::string fingerprint_hex;    // 16 lowercase hex digits
    StatementKind kind = StatementKind::utility;  // for several statements: the most consequential
    std::string normalized;         // literals replaced by $1, $2, … (pg_query_normalize)
    std::vector<std::string> tables_read;     // sorted, unique
    std::vector<std::string> tables_written;  // sorted, unique (INSERT/UPDATE/DELETE/MERGE/COPY FROM targets)
    std::vector<ColumnRef> columns;           // every column referenced, attributed where possible; sorted, unique
    std::vector<ColumnRef> written_columns;   // INSERT column lists, UPDATE SET targets
    std::vector<ColumnRef> filter_columns;    // columns in WHERE / HAVING predicates
    std::vector<ColumnRef> join_columns;      // columns in JOIN … ON / USING and equality joins in WHERE
    bool select_star = false;                 // a top-level or subquery `*` / `t.*` in a target list
    bool orders_result = false;               // the top-level SELECT has ORDER BY
    bool has_limit = false;                   // the top-level SELECT has LIMIT/FETCH
    bool has_offset = false;                  // the top-level SELECT has OFFSET
    std::vector<OrderByKey> order_by_keys;    // the top-level ORDER BY's keys as result columns, in order
    std::vector<DdlChange> ddl_changes;       // for DDL statements
    // A statement whose literals may hold a credential (CREATE/ALTER ROLE … PASSWORD, user mappings and
    // foreign servers with a password option, subscriptions' connection strings): show `normalized` only.
    bool carries_credentials = false;
};

// Analyses one SQL text (which may hold several statements). Never throws for bad SQL: parse
// failures come back with parsed=false and the reason. With a schema, unqualified columns in
// multi-table queries are attributed to the table that has them.
StatementInfo analyze_statement(std::string_view sql, const schema::SchemaSnapshot* schema = nullptr);

// Splits a script into statements with libpg_query's splitter (comments and quoted ';' respected).
// Returns the statements' texts, trimmed, without their terminating ';'.
std::vector<std::string> split_statements(std::string_view script);

// Appends the next piece of a script to its argument; false once the script has ended (it may append a
// last piece then).
using ScriptReader = std::function<bool(std::string&)>;

// split_statements for a script read piece by piece: next() gives each statement (as above) and the line
// it starts on, as soon as the text after it shows where it ends. Memory holds a few megabytes of the
// script, however long it is; the statements are those split_statements finds in the whole text.
class ScriptSplitter {
public:
    explicit ScriptSplitter(ScriptReader read);
    bool next(std::string& statement, std::uint64_t& line);

private:
    void split_more();
    void fill(std::size_t size);
    std::size_t split_front(const std::vector<std::size_t>& cuts);
    std::uint64_t line_at(std::size_t offset);
    void forget(std::size_t bytes);

    ScriptReader m_read;
    std::string m_buffer;  // the script from where splitting stands, read ahead
    std::size_t m_read_ahead;
    bool m_end = false;   // the reader has nothing more
    bool m_done = false;  // and the buffer has been split
    std::deque<std::pair<std::string, std::uint64_t>> m_ready;  // split, not yet handed out
    std::uint64_t m_line = 1;  // the line of m_buffer[m_counted]
    std::size_t m_counted = 0;
};

// A cheap key under which texts that differ only in numeric and string literals coincide, computed
// without parsing (a lexer pass); used to parse each distinct statement shape once.
std::string literal_stripped_key(std::string_view sql);
// The same into `key`, reusing its buffer (the hot path of analyze computes one per statement).
void literal_stripped_key(std::string_view sql, std::string& key);

// The stable ID of a change made of these statements (16 hex digits): a hash of their parse trees without
// text positions, so reformatting, comments and keyword case keep it while any name, type or literal
// changes it. Shared by predict (event IDs) and shadow (the manifest's change), so the two IDs agree.
std::string change_id(const std::vector<std::string>& statements);

// A column type as PostgreSQL's grammar reads it (also SQLite's declared types, which use the same words).
struct SqlType {
    std::string name;                  // the parser's name: int4, varchar, numeric, text, timestamptz, nvarchar
    std::vector<long long> modifiers;  // varchar(120) → {120}; numeric(10,2) → {10, 2}
    int array_dimensions = 0;
    std::string text;                  // readable: integer, varchar(120), numeric(10,2), text[]
};
// nullopt when the text is not exactly one type name.
std::optional<SqlType> parse_type(std::string_view text);

// DDL details carry literals (varchar(20), DEFAULT 5): such results hold for one exact text only, so
// caches keyed on literal_stripped_key must not reuse them.
bool depends_on_literals(const StatementInfo& info);

// Thread-safe cache: analyze each distinct literal-stripped shape once.
class StatementCache {
public:
    explicit StatementCache(const schema::SchemaSnapshot* schema = nullptr) : m_schema(schema) {}
    std::shared_ptr<const StatementInfo> analyze(std::string_view sql);
    std::size_t size() const;

private:
    const schema::SchemaSnapshot* m_schema;
    mutable std::mutex m_mutex;
    std::unordered_map<std::string, std::shared_ptr<const StatementInfo>> m_entries;
};

}  // namespace schemaflip::sql
