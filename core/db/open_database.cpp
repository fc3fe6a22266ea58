// open_database(): picks the backend by URL scheme; also what both engines share (ANSI quoting, reading on
// two databases one after the other).
#include "core/db/database.hpp"
#include "core/db/postgres_database.hpp"
#include "core/db/sqlite_database.hpp"
#include "core/util/error.hpp"

namespace schemaflip::db {

std::unique_ptr<Database> open_database(std::string_view url_text, const OpenOptions& options) {
    DatabaseUrl url = parse_database_url(url_text);
    if (url.engine == Engine::postgres) return open_postgres_database(url, options);
    return open_sqlite_database(url, options);
}

std::pair<StatementOutcome, StatementOutcome> Database::query_read_only_beside(Database& other, std::string_view sql,
                                                                               std::chrono::milliseconds timeout) {
    StatementOutcome mine = query_read_only(sql, timeout);
    return {std::move(mine), other.query_read_only(sql, timeout)};
}

void Database::reconnect(int /*connect_timeout_seconds*/) {
    throw UnavailableError("cannot reopen the connection to " + redacted_url());
}

std::string quote_identifier_ansi(std::string_view name) {
    // No engine accepts NUL inside a name, and a C API would silently cut the statement there.
    if (name.find('\0') != std::string_view::npos) throw InputError("identifier contains a NUL byte");
    std::string out = "\"";
    for (char c : name) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

std::string quote_literal_ansi(std::string_view text) {
    if (text.find('\0') != std::string_view::npos) throw InputError("string literal contains a NUL byte");
    std::string out = "'";
    for (char c : text) {
        if (c == '\'') out += '\'';
        out += c;
    }
    out += '\'';
    return out;
}

}  // namespace schemaflip::db
