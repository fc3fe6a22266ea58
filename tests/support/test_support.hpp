// Helpers shared by the tests: paths, the test PostgreSQL server, scratch databases, in-process CLI runs.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/db/database.hpp"

namespace schemaflip::test {

std::filesystem::path source_path(const std::string& relative);
std::filesystem::path shared_data_path(const std::string& relative);

// The test server's URL for `database`, from SCHEMAFLIP_TEST_PG. Unset: nullopt outside CI (the test
// skips with a message), a test failure with CI=true (PostgreSQL tests never skip in CI).
std::optional<std::string> postgres_url(const std::string& database = "postgres");

// A fresh PostgreSQL database with a unique name, dropped when the object goes away.
class ScratchPostgresDatabase {
public:
    explicit ScratchPostgresDatabase(const std::string& admin_url);
    ~ScratchPostgresDatabase();
    ScratchPostgresDatabase(const ScratchPostgresDatabase&) = delete;
    ScratchPostgresDatabase& operator=(const ScratchPostgresDatabase&) = delete;
    const std::string& url() const { return m_url; }
    const std::string& name() const { return m_name; }

private:
    std::string m_admin_url;
    std::string m_name;
    std::string m_url;
};

// A temporary directory removed with everything in it.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return m_path; }

private:
    std::filesystem::path m_path;
};

// Sets an environment variable for the object's life, then restores what was there (or unsets it).
class ScopedEnv {
public:
    ScopedEnv(std::string name, const std::string& value);
    ~ScopedEnv();
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    std::string m_name;
    std::optional<std::string> m_previous;
};

struct CliResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

CliResult run_cli(const std::vector<std::string>& args);

std::string read_file(const std::filesystem::path& path);

}  // namespace schemaflip::test
