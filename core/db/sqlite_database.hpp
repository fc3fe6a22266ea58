// The SQLite backend (the only file pair that includes sqlite3.h).
#pragma once

#include <memory>
#include <string>

#include "core/db/database.hpp"

namespace schemaflip::db {

std::unique_ptr<Database> open_sqlite_database(const DatabaseUrl& url, const OpenOptions& options);

// Copies the SQLite database at `from` (read-only, may be in use) into a new file `to` with the online
// backup API, so the copy is consistent even while others write. Throws InputError when `from` cannot be
// opened, UnavailableError when the copy fails; a failed copy leaves no file at `to`.
void copy_sqlite_database(const std::string& from, const std::string& to);

}  // namespace schemaflip::db
