// `schemaflip inspect` end to end, in-process: the good paths on both engines and every bad input.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "support/test_support.hpp"

using namespace schemaflip;

namespace {

std::string chinook_sqlite() { return test::source_path("fixtures/sampledb/chinook.sqlite").string(); }

}  // namespace

TEST_CASE("inspect --format json on PostgreSQL Chinook lists 11 tables with exact counts") {
    const auto url = test::postgres_url("chinook");
    if (!url) return;
    const auto result = test::run_cli({"inspect", *url, "--format", "json", "--exact-counts"});
    REQUIRE(result.exit_code == 0);
    const auto document = nlohmann::json::parse(result.out);
    CHECK(document["kind"] == "schema_snapshot");
    CHECK(document["engine"] == "postgresql");
    REQUIRE(document["tables"].size() == 11);
    std::map<std::string, std::int64_t> counts;
    for (const auto& table : document["tables"]) counts[table["name"]] = table["row_count"];
    CHECK(counts["track"] == 3503);
    CHECK(counts["invoice_line"] == 2240);
    CHECK(counts["playlist_track"] == 8715);
}

TEST_CASE("inspect -o writes the file only when complete") {
    test::TempDir dir;
    const auto target = dir.path() / "snapshot.json";
    const auto ok = test::run_cli({"--format", "json", "inspect", chinook_sqlite(), "-o", target.string()});
    CHECK(ok.exit_code == 0);
    CHECK(ok.out.empty());
    CHECK(nlohmann::json::parse(test::read_file(target))["tables"].size() == 11);

    // A failing run leaves neither the target nor a temporary file behind.
    const auto failed_target = dir.path() / "failed.json";
    const auto failed = test::run_cli({"inspect", (dir.path() / "missing.db").string(), "-o", failed_target.string()});
    CHECK(failed.exit_code == 3);
    CHECK_FALSE(std::filesystem::exists(failed_target));
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) ++files;
    CHECK(files == 1);
}

TEST_CASE("inspect bad inputs exit with their documented codes") {
    test::TempDir dir;

    SUBCASE("unknown flag is a usage error") {
        const auto result = test::run_cli({"inspect", chinook_sqlite(), "--no-such-flag"});
        CHECK(result.exit_code == 2);
        CHECK(result.err.find("schemaflip: error: ") == 0);
        CHECK(result.err.find("--no-such-flag") != std::string::npos);
    }
    SUBCASE("unknown --format value is a usage error") {
        const auto result = test::run_cli({"--format", "yaml", "inspect", chinook_sqlite()});
        CHECK(result.exit_code == 2);
    }
    SUBCASE("a SQLite path that does not exist is bad input and is not created") {
        const auto missing = dir.path() / "nope.sqlite";
        const auto result = test::run_cli({"inspect", missing.string()});
        CHECK(result.exit_code == 3);
        CHECK(result.err.find("does not exist") != std::string::npos);
        CHECK_FALSE(std::filesystem::exists(missing));
    }
    SUBCASE("a file that is not a SQLite database is bad input") {
        const auto garbage = dir.path() / "garbage.db";
        std::ofstream(garbage) << "this is not a database\n\x01\x02\x03";
        const auto result = test::run_cli({"inspect", garbage.string()});
        CHECK(result.exit_code == 3);
        CHECK(result.err.find("not a SQLite database") != std::string::npos);
    }
    SUBCASE("an unreachable PostgreSQL is exit 4, bounded in time, with the password redacted") {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        const auto result = test::run_cli({"inspect", "postgresql://alice:topsecret@127.0.0.1:1/db?connect_timeout=3"});
        CHECK(result.exit_code == 4);
        CHECK(result.err.find("topsecret") == std::string::npos);
        CHECK(result.err.find("alice:***@") != std::string::npos);
    }
    SUBCASE("a key=value connection string with a password is redacted too") {
        const auto result = test::run_cli({"inspect", "host=127.0.0.1 port=1 user=bob password=hunter2 connect_timeout=3"});
        CHECK(result.exit_code == 4);
        CHECK(result.err.find("hunter2") == std::string::npos);
    }
    SUBCASE("a wrong password on the real server is exit 4 and never printed") {
        const auto url = test::postgres_url();
        if (!url) return;
        // The test server trusts every local user, so ask for a database that does not exist instead.
        std::string bad = *url;
        bad.replace(bad.rfind('/'), std::string::npos, "/no_such_database");
        const auto with_password = "postgresql://postgres:letmein@" + bad.substr(bad.find('@') + 1);
        const auto result = test::run_cli({"inspect", with_password});
        CHECK(result.exit_code == 4);
        CHECK(result.err.find("letmein") == std::string::npos);
        CHECK(result.err.find("no_such_database") != std::string::npos);
    }
    SUBCASE("an output path in a missing directory is bad input before any work") {
        const auto result = test::run_cli({"inspect", chinook_sqlite(), "-o", (dir.path() / "no/such/dir/x.json").string()});
        CHECK(result.exit_code == 3);
        CHECK(result.err.find("cannot write output file") != std::string::npos);
    }
    SUBCASE("an unrecognised database URL is a usage error") {
        const auto result = test::run_cli({"inspect", "mysql://root:pw@localhost/db"});
        CHECK(result.exit_code == 2);
        CHECK(result.err.find(":pw@") == std::string::npos);
    }
}

TEST_CASE("--help, --version and no command") {
    const auto help = test::run_cli({"--help"});
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("inspect") != std::string::npos);
    CHECK(help.out.find("Exit status") != std::string::npos);

    const auto inspect_help = test::run_cli({"inspect", "--help"});
    CHECK(inspect_help.exit_code == 0);
    CHECK(inspect_help.out.find("--exact-counts") != std::string::npos);

    const auto version = test::run_cli({"--version"});
    CHECK(version.exit_code == 0);
    CHECK(version.out.find("schemaflip ") == 0);

    const auto nothing = test::run_cli({});
    CHECK(nothing.exit_code == 2);
    CHECK(nothing.out.find("Usage:") != std::string::npos);
}

TEST_CASE("-o to a device or pipe writes through it instead of replacing it") {
    // Renaming a temporary file over /dev/null would turn the device into a regular file.
    const auto result = test::run_cli({"inspect", chinook_sqlite(), "-o", "/dev/null"});
    CHECK(result.exit_code == 0);
    CHECK(std::filesystem::is_character_file("/dev/null"));

    test::TempDir dir;
    const auto result_on_directory = test::run_cli({"inspect", chinook_sqlite(), "-o", dir.path().string()});
    CHECK(result_on_directory.exit_code == 3);
    CHECK(std::filesystem::is_directory(dir.path()));
}
