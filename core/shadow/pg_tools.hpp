// Which pg_dump and psql the PostgreSQL shadow runs: pg_dump refuses a server of a newer major version.
#pragma once

#include <filesystem>

namespace schemaflip::shadow {

struct PgTools {
    std::filesystem::path bin;  // the folder holding pg_dump and psql
    int major = 0;
};

// The client tools of the lowest major version, at least `server_major`, installed under `root` (Debian's
// layout: <root>/<major>/bin/pg_dump). Throws UnavailableError (exit 4) naming both versions when every
// pg_dump there is older than the server, and when there is none.
PgTools find_pg_tools(int server_major, const std::filesystem::path& root = "/usr/lib/postgresql");

}  // namespace schemaflip::shadow
