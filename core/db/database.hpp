// The one interface every stage uses to talk to a database, whatever the engine.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "core/db/url.hpp"
#include "core/db/value.hpp"

namespace schemaflip::db {

struct OpenOptions {
    // Open a SQLite file read-only (it must exist). PostgreSQL sessions get
    // default_transaction_read_only=on instead, so even a stray write fails on the server.
    bool read_only = false;
    // Allow creating a SQLite file that does not exist yet (shadow databases); never for inputs.
    bool create = false;
    int connect_timeout_seconds = 10;
    // PostgreSQL: the application_name the server shows for the session (pg_stat_activity), unless the URL,
    // PGAPPNAME or an earlier setting names one (libpq's fallback_application_name). Empty: libpq's default.
    std::string application_name{};
};

// One statement's outcome when its failure is a result rather than a problem (replay compares them):
// the rows, or the error the database reported.
struct StatementOutcome {
    bool ok = true;
    std::string error;     // the database's primary message, one line, when !ok
    std::string sqlstate;  // PostgreSQL's SQLSTATE; empty on SQLite, which has none
    QueryResult result;    // elapsed is set in both cases
};

class Database {
public:
    virtual ~Database() = default;

    virtual Engine engine() const = 0;
    // The URL with its password removed: the only form of it any message may show.
    virtual const std::string& redacted_url() const = 0;

    // Runs one statement and returns its rows (none for statements without results).
    // Throws InputError for errors in the statement, UnavailableError for connection loss.
    virtual QueryResult query(std::string_view sql) = 0;
    // Runs one or more statements, ignoring any rows.
    virtual void execute(std::string_view sql) = 0;

    // Runs one statement that is meant only to read, so that it leaves nothing behind: PostgreSQL runs it in a
    // READ ONLY transaction (nextval() and writing functions fail) that is then rolled back (undoing what a
    // read-only transaction still allows: lo_create(), set_config(), temporary tables), all in one round trip;
    // SQLite runs it under PRAGMA query_only. Effects outside any transaction (session advisory locks,
    // signals) are the caller's to keep out. A `timeout` above zero cancels it after that long
    // (statement_timeout; SQLite's progress handler). Errors of the statement, including the timeout, come
    // back in the outcome; a lost connection throws UnavailableError.
    virtual StatementOutcome query_read_only(std::string_view sql, std::chrono::milliseconds timeout) = 0;

    // query_read_only on this database and on `other` at the same time where both are PostgreSQL servers
    // (both sent, then both awaited; each timed from its send to its last result), else one after the other.
    // Returns this database's outcome first. On PostgreSQL consecutive reads through it may share one
    // read-only transaction (a few milliseconds' worth; now() is then the same for them); any other call on
    // the connection ends it, and so does end_shared_reads(), which a caller that pauses between reads calls.
    virtual std::pair<StatementOutcome, StatementOutcome> query_read_only_beside(Database& other, std::string_view sql,
                                                                                 std::chrono::milliseconds timeout);
    // Rolls back the read-only transaction that reads through query_read_only_beside left open, if any.
    virtual void end_shared_reads() {}
    // Runs one statement that may write, with the same timeout, errors coming back in the outcome.
    virtual StatementOutcome try_execute(std::string_view sql, std::chrono::milliseconds timeout) = 0;

    // Asks the server to stop the statement this connection is running; safe to call from another thread
    // (a watchdog for SIGINT or a deadline). The statement then fails. Does nothing where unsupported.
    virtual void cancel() noexcept {}

    // True once this connection has failed (lost, or the server failed rather than the statement): every
    // UnavailableError it threw marks it, until reconnect(). Always false where nothing can be lost (SQLite).
    virtual bool connection_lost() const { return false; }
    // Opens a fresh session with the same URL and options (session settings such as read-only come back;
    // the statement timeout is set again by the next statement that uses one), connect attempts bounded by
    // `connect_timeout_seconds`. Throws UnavailableError when it cannot connect.
    virtual void reconnect(int connect_timeout_seconds);

    virtual void begin(bool read_only = false) = 0;
    virtual void commit() = 0;
    virtual void rollback() = 0;

    // Quotes an identifier so any name, however hostile, is one identifier.
    virtual std::string quote_identifier(std::string_view name) const = 0;
    // Quotes a string literal.
    virtual std::string quote_literal(std::string_view text) const = 0;
};

// Opens a database from a URL of product.md's forms. Throws UsageError for a malformed URL,
// InputError for a missing or non-database SQLite file, UnavailableError when a server is unreachable.
std::unique_ptr<Database> open_database(std::string_view url, const OpenOptions& options = {});

// Double-quote quoting shared by both engines: "a""b".
std::string quote_identifier_ansi(std::string_view name);
// Single-quote quoting for literals: 'it''s'.
std::string quote_literal_ansi(std::string_view text);

}  // namespace schemaflip::db
