// `schemaflip demo`: the whole pipeline on the bundled Chinook SQLite database, for both migrations.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/test_support.hpp"

using namespace schemaflip;
namespace fs = std::filesystem;

namespace {

nlohmann::json read_json(const fs::path& path) {
    std::ifstream in(path);
    return nlohmann::json::parse(in);
}

}  // namespace

TEST_CASE("demo --change safe: every step runs, the documents are kept with --dir, and the change flips") {
    test::TempDir dir;
    const auto kept = dir.path() / "demo";
    const auto started = std::chrono::steady_clock::now();
    const auto result = test::run_cli({"demo", "--dir", kept.string()});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    // Well inside the 30 seconds even on a loaded CI machine; typically about 2 s.
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(30));
    for (const char* step : {"1. analyze", "2. predict", "3. shadow up", "4. replay", "5. flip"}) CHECK(result.out.find(step) != std::string::npos);
    CHECK(result.out.find("track.rating") != std::string::npos);  // the column the application already queries

    for (const char* name : {"chinook.sqlite", "app.log", "migration.sql", "profile.json", "predictions.json", "shadow.json",
                             "shadow.sqlite", "report.json", "flip-task.json"}) {
        CHECK_MESSAGE(fs::exists(kept / name), name);
    }
    CHECK(read_json(kept / "profile.json")["kind"] == "workload_profile");
    const auto report = read_json(kept / "report.json");
    CHECK(report["decision"] == "flip");
    const auto task = read_json(kept / "flip-task.json");
    CHECK(task["kind"] == "flip_task");
    CHECK(task["decision"] == "flip");
    CHECK(task["compatibility"]["affected_fingerprints"].empty());
    CHECK_FALSE(task["rollback"]["steps"].empty());
    // The primary is the bundled database, untouched: the column exists only on the shadow.
    const auto shadow = read_json(kept / "shadow.json");
    CHECK(shadow["state"] == "ready");

    SUBCASE("a directory that is not empty is refused before anything is written") {
        const auto again = test::run_cli({"demo", "--dir", kept.string()});
        CHECK(again.exit_code == 3);
        CHECK(again.err.find("not empty") != std::string::npos);
    }
}

TEST_CASE("demo --change breaking: the renamed column holds, with the queries that use it listed") {
    const auto result = test::run_cli({"demo", "--change", "breaking"});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    CHECK(result.out.find("decision hold") != std::string::npos);
    CHECK(result.out.find("READERS_BREAK") != std::string::npos);
    CHECK(result.out.find("affected: SELECT") != std::string::npos);
    CHECK(result.out.find("Composer") != std::string::npos);
    CHECK(result.out.find("temporary directory is removed") != std::string::npos);
}

TEST_CASE("demo: an unknown --change is a usage error") {
    CHECK(test::run_cli({"demo", "--change", "reckless"}).exit_code == 2);
}
