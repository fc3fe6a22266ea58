// The SQLite backend (the only file pair that includes sqlite3.h).
#pragma once

#include <memory>

#include "core/db/database.hpp"

namespace schemaflip::db {

std::unique_ptr<Database> open_sqlite_database(const DatabaseUrl& url, const OpenOptions& options);

}  // namespace schemaflip::db
