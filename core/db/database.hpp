// The one interface every stage uses to talk to a database, whatever the engine.
#pragma once

#include <memory>
#include <string>
#include <string_view>

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
