// --format github on predict, replay and flip, --junit on replay, and the commands that refuse github.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "support/test_support.hpp"

using namespace schemaflip;
namespace fs = std::filesystem;

namespace {

// One workflow command per line, properties without a raw ':' or ',' inside a value.
const std::regex k_annotation(R"(::(error|warning|notice)( (file|line|title)=[^,:]*(,(file|line|title)=[^,:]*)*)?::.*)");

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::string line;
    for (const char c : text) {
        if (c != '\n') {
            line += c;
            continue;
        }
        lines.push_back(line);
        line.clear();
    }
    CHECK(line.empty());  // every annotation ends in a newline
    return lines;
}

}  // namespace

TEST_CASE("predict --format github: one annotation per event, errors where --fail-above trips") {
    test::TempDir dir;
    const auto snapshot = (dir.path() / "snapshot.json").string();
    REQUIRE(test::run_cli({"--format", "json", "inspect", test::source_path("fixtures/sampledb/chinook.sqlite").string(), "-o",
                           snapshot})
                .exit_code == 0);
    const auto pending = test::source_path("fixtures/predict/pending").string();
    const std::vector<std::string> args = {"predict", "--at", "2026-11-24", "--pending", pending, "--snapshot", snapshot,
                                           "--profile", test::source_path("fixtures/predict/chinook_app.profile.json").string()};

    auto json_args = args;
    json_args.insert(json_args.begin(), {"--format", "json"});
    const auto document = nlohmann::json::parse(test::run_cli(json_args).out);
    const auto events = document["events"].size();
    // The pending migration's two changes, the profile's missing column and table, an unindexed filter.
    REQUIRE(events == 5);

    // The gate at the highest risk: that event is an error, the others a warning (risk 50 or more) or a notice.
    const double highest = document["events"][0]["risk_score"];
    REQUIRE(highest > document["events"][1]["risk_score"].get<double>());
    auto github = args;
    github.insert(github.begin(), {"--format", "github"});
    github.insert(github.end(), {"--fail-above", std::to_string(highest - 0.001)});
    const auto result = test::run_cli(github);
    CHECK(result.exit_code == 1);
    const auto lines = lines_of(result.out);
    REQUIRE(lines.size() == events);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        INFO(lines[i]);
        CHECK(std::regex_match(lines[i], k_annotation));
        const double risk = document["events"][i]["risk_score"];
        const std::string level = i == 0 ? "::error " : risk >= 50 ? "::warning " : "::notice ";
        CHECK(lines[i].starts_with(level));
        // The pending migration is where GitHub shows its events' annotations; the others have no file.
        const bool pending_event = document["events"][i]["evidence"][0]["source"] == "pending_migration";
        CHECK(lines[i].find("file=" + pending + "/20261201090000_loyalty.sql,") == (pending_event ? level.size() : std::string::npos));
        CHECK(lines[i].find(document["events"][i]["id"].get<std::string>()) != std::string::npos);
    }
    // Without the gate the riskiest event (above 50) is only a warning, and the exit is 0.
    REQUIRE(highest >= 50);
    github.resize(github.size() - 2);
    const auto ungated = test::run_cli(github);
    CHECK(ungated.exit_code == 0);
    CHECK(ungated.out.starts_with("::warning file="));
}

TEST_CASE("--format github is refused by commands that have no annotations") {
    const auto result = test::run_cli({"--format", "github", "inspect", test::source_path("fixtures/sampledb/chinook.sqlite").string()});
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("--format github is only for predict, replay and flip") != std::string::npos);
    CHECK(result.out.empty());
}

TEST_CASE("replay --format github and --junit on a renamed column: errors at the query's file and a failing JUnit case") {
    test::TempDir dir;
    const auto primary = dir.path() / "primary.sqlite";
    fs::copy_file(test::source_path("fixtures/sampledb/chinook.sqlite"), primary);
    const auto change = dir.path() / "change.sql";
    std::ofstream(change) << "ALTER TABLE Track RENAME COLUMN Composer TO Author";
    const auto manifest = (dir.path() / "shadow.json").string();
    REQUIRE(test::run_cli({"shadow", "up", "--primary", primary.string(), "--shadow", (dir.path() / "shadow.sqlite").string(),
                           "--ddl", change.string(), "-o", manifest})
                .exit_code == 0);
    const auto reads = test::source_path("fixtures/replay/chinook_sqlite_reads.sql").string();
    const auto junit = dir.path() / "junit.xml";
    const auto report_path = dir.path() / "report.json";
    const auto result = test::run_cli({"--format", "github", "replay", "--shadow-manifest", manifest, "--queries", reads, "--plan",
                                       test::source_path("fixtures/replay/zoo.plan.json").string(), "-o", report_path.string(),
                                       "--junit", junit.string()});
    INFO(result.err);
    CHECK(result.exit_code == 1);
    const auto report = nlohmann::json::parse(test::read_file(report_path));
    REQUIRE(report["decision"] == "rollback");

    const auto lines = lines_of(result.out);
    REQUIRE(!lines.empty());
    for (const auto& line : lines) CHECK_MESSAGE(std::regex_match(line, k_annotation), line);
    CHECK(lines.back().starts_with("::error title=schemaflip replay%3A rollback::"));
    bool at_reads_file = false;
    for (const auto& line : lines) at_reads_file = at_reads_file || line.starts_with("::error file=" + reads + ",");
    CHECK(at_reads_file);

    const auto xml = test::read_file(junit);
    CHECK(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"schemaflip replay\""));
    CHECK(xml.find("<failure type=\"error_shadow_only\"") != std::string::npos);
    CHECK(xml.find("<failure type=\"failed\"") != std::string::npos);
    // Nothing else is left beside the outputs: both were renamed into place.
    for (const auto& entry : fs::directory_iterator(dir.path())) CHECK_FALSE(entry.path().filename().string().starts_with("."));
}

TEST_CASE("replay --junit to a directory that does not exist fails before any work, exit 3") {
    const auto result = test::run_cli({"replay", "--primary", "a.sqlite", "--shadow", "b.sqlite", "--queries", "q.sql", "--junit",
                                       "/nonexistent-dir/junit.xml"});
    CHECK(result.exit_code == 3);
}

namespace {

// Shadow up with `ddl` and replay the Chinook reads against it, through the CLI; the report and manifest
// stay in `dir`.
void shadow_and_replay(const test::TempDir& dir, const std::string& ddl) {
    const auto primary = dir.path() / "primary.sqlite";
    fs::copy_file(test::source_path("fixtures/sampledb/chinook.sqlite"), primary);
    const auto change = dir.path() / "change.sql";
    std::ofstream(change) << ddl;
    REQUIRE(test::run_cli({"shadow", "up", "--primary", primary.string(), "--shadow", (dir.path() / "shadow.sqlite").string(),
                           "--ddl", change.string(), "-o", (dir.path() / "shadow.json").string()})
                .exit_code == 0);
    const auto replayed = test::run_cli({"replay", "--shadow-manifest", (dir.path() / "shadow.json").string(), "--queries",
                                         test::source_path("fixtures/replay/chinook_sqlite_reads.sql").string(), "--plan",
                                         test::source_path("fixtures/replay/zoo.plan.json").string(), "-o",
                                         (dir.path() / "report.json").string()});
    INFO(replayed.err);
    REQUIRE(replayed.exit_code <= 1);
}

std::vector<std::string> flip_args(const test::TempDir& dir) {
    return {"--format", "github", "flip", "--report", (dir.path() / "report.json").string(), "--shadow-manifest",
            (dir.path() / "shadow.json").string()};
}

}  // namespace

TEST_CASE("flip --format github on a renamed column: an error per affected query and breaking flag, the decision last") {
    test::TempDir dir;
    shadow_and_replay(dir, "ALTER TABLE Track RENAME COLUMN Composer TO Author");
    auto args = flip_args(dir);
    const auto task_path = dir.path() / "task.json";
    args.insert(args.end(), {"-o", task_path.string()});
    const auto result = test::run_cli(args);
    INFO(result.err);
    CHECK(result.exit_code == 1);
    // The task still goes to -o, complete.
    const auto task = nlohmann::json::parse(test::read_file(task_path));
    REQUIRE(task["decision"] == "rollback");
    const auto& affected = task["compatibility"]["affected_fingerprints"];
    const auto& flags = task["compatibility"]["flags"];
    REQUIRE(!affected.empty());

    const auto lines = lines_of(result.out);
    REQUIRE(lines.size() == affected.size() + flags.size() + 1);
    for (const auto& line : lines) CHECK_MESSAGE(std::regex_match(line, k_annotation), line);
    for (std::size_t i = 0; i < affected.size(); ++i) {
        CHECK(lines[i].starts_with("::error title=schemaflip flip%3A query " + affected[i]["fingerprint"].get<std::string>() + "::"));
    }
    bool readers_break = false;
    for (std::size_t i = 0; i < flags.size(); ++i) {
        const auto flag = flags[i].get<std::string>();
        const bool breaking = flag == "READERS_BREAK" || flag == "WRITERS_BREAK" || flag == "IRREVERSIBLE";
        readers_break = readers_break || flag == "READERS_BREAK";
        CHECK(lines[affected.size() + i].starts_with((breaking ? "::error title=schemaflip flip%3A " : "::warning title=schemaflip flip%3A ") +
                                                     flag + "::"));
    }
    CHECK(readers_break);  // the renamed column breaks the reads that name it
    CHECK(lines.back().starts_with("::notice title=schemaflip flip%3A rollback::"));
    CHECK(lines.back().find(task["task_id"].get<std::string>()) != std::string::npos);

    // Without -o stdout carries the annotations alone, not the task as well.
    const auto unsaved = test::run_cli(flip_args(dir));
    CHECK(unsaved.exit_code == 1);
    CHECK(lines_of(unsaved.out).size() == lines.size());
    CHECK(unsaved.out.find("\"kind\"") == std::string::npos);
}

TEST_CASE("flip --format github on a change the reads do not notice: no errors, a flip notice, exit 0") {
    test::TempDir dir;
    shadow_and_replay(dir, "CREATE INDEX track_composer ON Track (Composer)");
    const auto result = test::run_cli(flip_args(dir));
    INFO(result.err);
    CHECK(result.exit_code == 0);
    const auto lines = lines_of(result.out);
    REQUIRE(!lines.empty());
    for (const auto& line : lines) {
        CHECK_MESSAGE(std::regex_match(line, k_annotation), line);
        CHECK_FALSE(line.starts_with("::error"));
    }
    CHECK(lines.back().starts_with("::notice title=schemaflip flip%3A flip::"));
}
