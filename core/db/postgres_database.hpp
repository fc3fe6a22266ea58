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

// The settings a connection to `conninfo` really uses (PG* variables and ~/.pgpass applied), as a key=value
// string another server can use to connect back, e.g. a subscription's CONNECTION. It holds the password:
// pass it only to the server, never to any output. Throws UnavailableError when it cannot connect.
std::string postgres_connection_conninfo(const std::string& conninfo);

// Streams one table's rows from one server to another with COPY in binary form (the source session is
// read-only); `table` is already quoted. Returns the rows copied. Throws UnavailableError on failure.
std::int64_t copy_postgres_table(const std::string& from_conninfo, const std::string& to_conninfo, const std::string& table);

// The same for many tables over one pair of connections (connecting costs more than copying a small table).
// With `snapshot` (pg_export_snapshot() of a transaction that stays open until the copies have started),
// the read-only source reads every table as of that one moment, as pg_dump's parallel jobs do.
class PostgresTableCopier {
public:
    PostgresTableCopier(const std::string& from_conninfo, const std::string& to_conninfo, const std::string& snapshot = {});
    ~PostgresTableCopier();
    PostgresTableCopier(const PostgresTableCopier&) = delete;
    PostgresTableCopier& operator=(const PostgresTableCopier&) = delete;

    // `table` is already quoted. Returns the rows copied. Throws UnavailableError on failure, InterruptedError
    // (the COPY abandoned on both servers) when SIGINT or SIGTERM arrives under a util::InterruptGuard.
    std::int64_t copy(const std::string& table);

private:
    struct Connections;
    std::unique_ptr<Connections> m_connections;
};

}  // namespace schemaflip::db
