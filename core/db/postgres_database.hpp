// The PostgreSQL backend (the only file pair that includes libpqxx).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/db/database.hpp"

namespace schemaflip::db {

std::unique_ptr<Database> open_postgres_database(const DatabaseUrl& url, const OpenOptions& options);

// The connection's settings as libpq key=value pairs (host, port, user, password, dbname, ...), parsed by
// libpq from a URL or key=value string. A password of *** (a redacted URL) is dropped, so libpq falls
// back to PGPASSWORD or ~/.pgpass. Throws UsageError when libpq cannot parse it.
std::vector<std::pair<std::string, std::string>> postgres_settings(const std::string& conninfo);
// The same server and credentials, another database: a key=value string for open_database.
std::string postgres_conninfo_for_database(const std::string& conninfo, const std::string& dbname);
// The database a connection string names (libpq's default: the user name, when none).
std::string postgres_database_name(const std::string& conninfo);

// Streams one table's rows from one server to another with COPY in binary form (the source session is
// read-only); `table` is already quoted. Returns the rows copied. Throws UnavailableError on failure.
std::int64_t copy_postgres_table(const std::string& from_conninfo, const std::string& to_conninfo, const std::string& table);

}  // namespace schemaflip::db
