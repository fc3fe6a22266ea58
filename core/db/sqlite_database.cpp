// SQLite backend over the C API: typed results from storage classes refined by declared types.
#include "core/db/sqlite_database.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>

#include "core/util/ascii_case.hpp"
#include "core/util/error.hpp"

namespace schemaflip::db {
namespace {

// SQLite stores by value; the declared column type tells what the application meant.
// Refine only where the stored value has the shape the declaration implies.
ValueKind refine_kind(ValueKind stored, std::string_view declared_type) {
    if (declared_type.empty()) return stored;
    const std::string type = util::ascii_upper(declared_type);
    if (stored == ValueKind::integer && type.find("BOOL") != std::string::npos) return ValueKind::boolean;
    if (stored == ValueKind::text) {
        if (type.find("JSON") != std::string::npos) return ValueKind::json;
        if (type.find("TIMESTAMP") != std::string::npos || type.find("DATETIME") != std::string::npos) {
            return ValueKind::timestamp;
        }
        if (type == "DATE") return ValueKind::date;
        if (type == "TIME") return ValueKind::time;
    }
    return stored;
}

class SqliteDatabase final : public Database {
public:
    SqliteDatabase(const DatabaseUrl& url, const OpenOptions& options) : m_redacted(url.redacted) {
        const bool in_memory = url.target == ":memory:";
        if (!in_memory && !options.create && !std::filesystem::exists(url.target)) {
            throw InputError("SQLite database " + m_redacted + " does not exist",
                             {}, "give the path of an existing SQLite file");
        }
        int flags = options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
        if (options.create && !options.read_only) flags |= SQLITE_OPEN_CREATE;
        const int rc = sqlite3_open_v2(url.target.c_str(), &m_db, flags, nullptr);
        if (rc != SQLITE_OK) {
            std::string reason = m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc);
            sqlite3_close(m_db);
            m_db = nullptr;
            throw InputError("cannot open SQLite database " + m_redacted, reason);
        }
        sqlite3_extended_result_codes(m_db, 1);
        sqlite3_busy_timeout(m_db, 5000);
        // Reading the schema proves the file is a database: sqlite3_open_v2 accepts any file lazily.
        char* message = nullptr;
        if (sqlite3_exec(m_db, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, &message) != SQLITE_OK) {
            std::string reason = message ? message : "unknown error";
            sqlite3_free(message);
            sqlite3_close(m_db);
            m_db = nullptr;
            throw InputError(m_redacted + " is not a SQLite database", reason);
        }
    }

    ~SqliteDatabase() override { sqlite3_close_v2(m_db); }
    SqliteDatabase(const SqliteDatabase&) = delete;
    SqliteDatabase& operator=(const SqliteDatabase&) = delete;

    Engine engine() const override { return Engine::sqlite; }
    const std::string& redacted_url() const override { return m_redacted; }

    QueryResult query(std::string_view sql) override {
        QueryResult result;
        const auto started = std::chrono::steady_clock::now();
        const char* tail = sql.data();
        const char* end = sql.data() + sql.size();
        // Runs every statement in the text; the result of the last one that returns columns is kept.
        while (tail < end) {
            sqlite3_stmt* raw = nullptr;
            const int rc = sqlite3_prepare_v2(m_db, tail, static_cast<int>(end - tail), &raw, &tail);
            if (rc != SQLITE_OK) throw statement_error(rc);
            if (raw == nullptr) break;  // only whitespace or comments left
            Statement statement{raw};
            run_statement(statement.handle, result);
        }
        result.elapsed = std::chrono::steady_clock::now() - started;
        return result;
    }

    void execute(std::string_view sql) override { query(sql); }

    StatementOutcome query_read_only(std::string_view sql, std::chrono::milliseconds timeout) override {
        // SQLite has no read-only transactions; query_only makes every write fail, also one a function would
        // do. It is set around the one statement, so the connection is left as it was.
        execute("PRAGMA query_only = 1");
        StatementOutcome outcome = outcome_of(sql, timeout);
        if (!m_query_only) execute("PRAGMA query_only = 0");
        return outcome;
    }

    StatementOutcome try_execute(std::string_view sql, std::chrono::milliseconds timeout) override {
        return outcome_of(sql, timeout);
    }

    void begin(bool read_only) override {
        // SQLite has no read-only transaction mode; query_only makes writes fail inside it.
        if (read_only) execute("PRAGMA query_only = 1");
        execute("BEGIN");
        m_query_only = read_only;
    }
    void commit() override {
        execute("COMMIT");
        reset_query_only();
    }
    void rollback() override {
        execute("ROLLBACK");
        reset_query_only();
    }

    std::string quote_identifier(std::string_view name) const override { return quote_identifier_ansi(name); }
    std::string quote_literal(std::string_view text) const override { return quote_literal_ansi(text); }

private:
    struct Statement {
        sqlite3_stmt* handle;
        ~Statement() { sqlite3_finalize(handle); }
    };

    void reset_query_only() {
        if (m_query_only) execute("PRAGMA query_only = 0");
        m_query_only = false;
    }

    InputError statement_error(int rc) const {
        m_last_message = rc == SQLITE_INTERRUPT && m_timed_out ? "statement timeout" : sqlite3_errmsg(m_db);
        return InputError("SQLite statement failed on " + m_redacted,
                          std::string(sqlite3_errmsg(m_db)) + " (" + sqlite3_errstr(rc) + ")");
    }

    // Runs `sql` and returns its rows or its error; a timeout interrupts it from SQLite's progress handler.
    StatementOutcome outcome_of(std::string_view sql, std::chrono::milliseconds timeout) {
        StatementOutcome outcome;
        const auto started = std::chrono::steady_clock::now();
        m_deadline = started + timeout;
        m_timed_out = false;
        if (timeout.count() > 0) sqlite3_progress_handler(m_db, k_progress_steps, &past_deadline, this);
        try {
            outcome.result = query(sql);
        } catch (const InputError&) {
            outcome.ok = false;
            outcome.error = m_last_message;
        }
        if (timeout.count() > 0) sqlite3_progress_handler(m_db, 0, nullptr, nullptr);
        outcome.result.elapsed = std::chrono::steady_clock::now() - started;
        return outcome;
    }

    // Called every k_progress_steps virtual machine steps; non-zero interrupts the statement.
    static int past_deadline(void* self) {
        auto* database = static_cast<SqliteDatabase*>(self);
        if (std::chrono::steady_clock::now() < database->m_deadline) return 0;
        database->m_timed_out = true;
        return 1;
    }

    void run_statement(sqlite3_stmt* statement, QueryResult& result) {
        const int column_count = sqlite3_column_count(statement);
        std::vector<std::vector<Value>> rows;
        std::vector<Column> columns;
        for (int i = 0; i < column_count; ++i) {
            const char* declared = sqlite3_column_decltype(statement, i);
            columns.push_back({sqlite3_column_name(statement, i), declared ? declared : ""});
        }
        for (;;) {
            const int rc = sqlite3_step(statement);
            if (rc == SQLITE_DONE) break;
            if (rc != SQLITE_ROW) throw statement_error(rc);
            std::vector<Value> row;
            row.reserve(column_count);
            for (int i = 0; i < column_count; ++i) row.push_back(read_value(statement, i, columns[i].engine_type));
            rows.push_back(std::move(row));
        }
        if (column_count > 0) {
            result.columns = std::move(columns);
            result.rows = std::move(rows);
        } else {
            result.affected_rows += sqlite3_changes(m_db);
        }
    }

    static Value read_value(sqlite3_stmt* statement, int column, std::string_view declared_type) {
        switch (sqlite3_column_type(statement, column)) {
            case SQLITE_NULL: return Value::null();
            case SQLITE_INTEGER: {
                const auto v = sqlite3_column_int64(statement, column);
                if (refine_kind(ValueKind::integer, declared_type) == ValueKind::boolean) return Value::of_boolean(v != 0);
                return Value::of_integer(v);
            }
            case SQLITE_FLOAT: return Value::of_float(sqlite3_column_double(statement, column));
            case SQLITE_BLOB: {
                const auto* data = static_cast<const char*>(sqlite3_column_blob(statement, column));
                const int size = sqlite3_column_bytes(statement, column);
                return Value::of_text(ValueKind::bytes, std::string(data ? data : "", static_cast<std::size_t>(size)));
            }
            default: {
                const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
                const int size = sqlite3_column_bytes(statement, column);
                return Value::of_text(refine_kind(ValueKind::text, declared_type),
                                      std::string(data ? data : "", static_cast<std::size_t>(size)));
            }
        }
    }

    sqlite3* m_db = nullptr;
    std::string m_redacted;
    bool m_query_only = false;
    // Timeouts of outcome_of(): a deadline checked by the progress handler every k_progress_steps steps
    // (about a millisecond of work), and the message of the last failing statement.
    static constexpr int k_progress_steps = 10000;
    std::chrono::steady_clock::time_point m_deadline;
    bool m_timed_out = false;
    mutable std::string m_last_message;
};

}  // namespace

std::unique_ptr<Database> open_sqlite_database(const DatabaseUrl& url, const OpenOptions& options) {
    return std::make_unique<SqliteDatabase>(url, options);
}

namespace {

struct Connection {
    sqlite3* handle = nullptr;
    ~Connection() { sqlite3_close_v2(handle); }
};

std::string connection_message(sqlite3* handle, int rc) { return handle ? sqlite3_errmsg(handle) : sqlite3_errstr(rc); }

}  // namespace

void copy_sqlite_database(const std::string& from, const std::string& to) {
    Connection source;
    int rc = sqlite3_open_v2(from.c_str(), &source.handle, SQLITE_OPEN_READONLY, nullptr);
    if (rc != SQLITE_OK) throw InputError("cannot open SQLite database " + from, connection_message(source.handle, rc));
    std::string failure;
    {
        Connection target;
        rc = sqlite3_open_v2(to.c_str(), &target.handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
        if (rc != SQLITE_OK) {
            failure = connection_message(target.handle, rc);
        } else if (sqlite3_backup* backup = sqlite3_backup_init(target.handle, "main", source.handle, "main")) {
            // Copying in one step holds the source's read lock for the whole copy, which keeps it consistent;
            // a busy source is retried rather than restarted page by page.
            do {
                rc = sqlite3_backup_step(backup, -1);
                if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(50);
            } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
            sqlite3_backup_finish(backup);
            if (rc != SQLITE_DONE) failure = sqlite3_errstr(rc);
        } else {
            failure = sqlite3_errmsg(target.handle);
        }
    }
    if (failure.empty()) return;
    std::error_code ignored;
    std::filesystem::remove(to, ignored);
    throw UnavailableError("cannot copy SQLite database " + from + " to " + to, failure);
}

}  // namespace schemaflip::db
