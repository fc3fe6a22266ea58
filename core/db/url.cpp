// Database URL parsing: which engine, and what to hand it.
#include "core/db/url.hpp"

#include "core/util/error.hpp"
#include "core/util/redact.hpp"

namespace schemaflip::db {
namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

const char* to_string(Engine engine) {
    return engine == Engine::postgres ? "postgresql" : "sqlite";
}

DatabaseUrl parse_database_url(std::string_view text) {
    DatabaseUrl url;
    url.redacted = util::redact_url(text);
    if (text.starts_with("postgresql://") || text.starts_with("postgres://")) {
        url.engine = Engine::postgres;
        url.target = std::string(text);
        return url;
    }
    if (text.starts_with("sqlite:")) {
        url.engine = Engine::sqlite;
        url.target = std::string(text.substr(7));
        // sqlite:///abs/path and sqlite://rel are common spellings of the same thing.
        if (url.target.starts_with("//")) url.target.erase(0, 2);
        if (url.target.empty()) throw UsageError("empty SQLite path in database URL '" + url.redacted + "'");
        return url;
    }
    if (ends_with(text, ".db") || ends_with(text, ".sqlite") || ends_with(text, ".sqlite3")) {
        url.engine = Engine::sqlite;
        url.target = std::string(text);
        return url;
    }
    if (text.find('=') != std::string_view::npos) {
        url.engine = Engine::postgres;
        url.target = std::string(text);
        return url;
    }
    throw UsageError("unrecognised database URL '" + url.redacted + "'",
                     "expected postgresql://…, a libpq key=value string, sqlite:PATH, sqlite::memory:, or a "
                     "path ending in .db, .sqlite or .sqlite3");
}

}  // namespace schemaflip::db
