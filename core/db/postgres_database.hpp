// The PostgreSQL backend (the only file pair that includes libpqxx).
#pragma once

#include <memory>

#include "core/db/database.hpp"

namespace schemaflip::db {

std::unique_ptr<Database> open_postgres_database(const DatabaseUrl& url, const OpenOptions& options);

}  // namespace schemaflip::db
