// Test helpers: see test_support.hpp.
#include "support/test_support.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "cli/app.hpp"

namespace schemaflip::test {

std::filesystem::path source_path(const std::string& relative) {
    return std::filesystem::path(SCHEMAFLIP_SOURCE_DIR) / relative;
}

std::filesystem::path shared_data_path(const std::string& relative) {
    return std::filesystem::path(SCHEMAFLIP_SHARED_DATA) / relative;
}

namespace {

// postgresql://user@host:port/NAME[?params] with NAME replaced (or added).
std::string url_with_database(const std::string& url, const std::string& database) {
    const auto authority = url.find("://") + 3;
    const auto query = url.find('?', authority);
    const auto path = url.find('/', authority);
    const auto base_end = std::min(path, query == std::string::npos ? url.size() : query);
    return url.substr(0, base_end) + "/" + database + (query == std::string::npos ? "" : url.substr(query));
}

}  // namespace

std::optional<std::string> postgres_url(const std::string& database) {
    const char* url = std::getenv("SCHEMAFLIP_TEST_PG");
    if (url == nullptr || *url == '\0') {
        const char* ci = std::getenv("CI");
        if (ci != nullptr && std::string(ci) == "true") {
            FAIL("SCHEMAFLIP_TEST_PG is not set: in CI the PostgreSQL tests must run (use scripts/test.sh)");
        }
        MESSAGE("skipped: SCHEMAFLIP_TEST_PG is not set");
        return std::nullopt;
    }
    return url_with_database(url, database);
}

ScratchPostgresDatabase::ScratchPostgresDatabase(const std::string& admin_url) : m_admin_url(admin_url) {
    static std::atomic<int> counter{0};
    m_name = "sf_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    auto admin = db::open_database(m_admin_url);
    admin->execute("DROP DATABASE IF EXISTS " + m_name);
    admin->execute("CREATE DATABASE " + m_name);
    m_url = url_with_database(m_admin_url, m_name);
}

ScratchPostgresDatabase::~ScratchPostgresDatabase() {
    try {
        auto admin = db::open_database(m_admin_url);
        admin->execute("DROP DATABASE IF EXISTS " + m_name + " WITH (FORCE)");
    } catch (...) {
        // A leftover scratch database dies with the throwaway cluster.
    }
}

TempDir::TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "schemaflip-test.XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    m_path = pattern;
}

ScopedEnv::ScopedEnv(std::string name, const std::string& value) : m_name(std::move(name)) {
    if (const char* previous = std::getenv(m_name.c_str())) m_previous = previous;
    ::setenv(m_name.c_str(), value.c_str(), 1);
}

ScopedEnv::~ScopedEnv() {
    if (m_previous) {
        ::setenv(m_name.c_str(), m_previous->c_str(), 1);
    } else {
        ::unsetenv(m_name.c_str());
    }
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
}

CliResult run_cli(const std::vector<std::string>& args) {
    std::ostringstream out;
    std::ostringstream err;
    CliResult result;
    result.exit_code = cli::run(args, out, err);
    result.out = out.str();
    result.err = err.str();
    return result;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

}  // namespace schemaflip::test
