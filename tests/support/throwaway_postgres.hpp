// A PostgreSQL 15 cluster of a test's own (initdb'd under /tmp, a free loopback port), so the test can stop
// it mid-run: the shared test server must never be stopped. Like scripts/throwaway-postgres.sh.
#pragma once

#include <filesystem>
#include <string>

namespace schemaflip::test {

class ThrowawayPostgres {
public:
    // Creates and starts the cluster (≈2 s); throws std::runtime_error with the server's log when it cannot.
    ThrowawayPostgres();
    ~ThrowawayPostgres();  // stops it (immediate) and deletes its directory
    ThrowawayPostgres(const ThrowawayPostgres&) = delete;
    ThrowawayPostgres& operator=(const ThrowawayPostgres&) = delete;

    // A URL for `database` as user postgres (trust authentication).
    std::string url(const std::string& database = "postgres") const;
    // pg_ctl stop -m `mode` (smart, fast, immediate), waiting until it is down.
    void stop(const std::string& mode);

private:
    std::filesystem::path m_dir;
    int m_port = 0;
    bool m_running = false;
};

// Whether the PostgreSQL 15 server programs a throwaway cluster needs are installed.
bool throwaway_postgres_available();

}  // namespace schemaflip::test
