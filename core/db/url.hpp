// Parses the database URL forms of product.md into an engine and its connection target.
#pragma once

#include <string>
#include <string_view>

namespace schemaflip::db {

enum class Engine { postgres, sqlite };

const char* to_string(Engine engine);

struct DatabaseUrl {
    Engine engine = Engine::sqlite;
    // PostgreSQL: the libpq connection string (URL or key=value) as given.
    // SQLite: the file path, or ":memory:".
    std::string target;
    std::string redacted;  // the original text with any password replaced, safe for every message
};

// Accepts postgresql://…, postgres://…, a libpq key=value string (has a '='), sqlite:PATH,
// sqlite::memory:, or a path ending in .db, .sqlite or .sqlite3. Throws UsageError otherwise.
DatabaseUrl parse_database_url(std::string_view text);

}  // namespace schemaflip::db
