// replay under faults, with real PostgreSQL servers: a server that stops mid-run (its own throwaway cluster,
// so the test can stop it), connections dropped by pg_terminate_backend, signals, and no file descriptor or
// connection left behind by a run with many jobs. analyze under signals too.
#include <doctest/doctest.h>

#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/db/database.hpp"
#include "core/replay/replay.hpp"
#include "support/child_process.hpp"
#include "support/test_support.hpp"
#include "support/throwaway_postgres.hpp"

using namespace schemaflip;
namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

constexpr int k_table_rows = 2000;

// The same table on both sides, so every read agrees.
void load_table(const std::string& url) {
    auto database = db::open_database(url);
    database->execute("CREATE TABLE t (id int PRIMARY KEY, v text)");
    database->execute("INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, " + std::to_string(k_table_rows) + ") g");
    database->execute("CREATE TABLE audit (n int)");
}

void create_database(const std::string& admin_url, const std::string& name) {
    db::open_database(admin_url)->execute("CREATE DATABASE " + name);
}

// `reads` point lookups and small ranges; with `write_after`, one INSERT after that many reads.
fs::path write_queries(const fs::path& dir, int reads, int write_after = -1) {
    const fs::path path = dir / "queries.sql";
    std::ofstream out(path);
    for (int i = 0; i < reads; ++i) {
        if (i == write_after) out << "INSERT INTO audit VALUES (" << i << ");\n";
        const int id = 1 + (i * 7919) % k_table_rows;
        if (i % 3 == 0) {
            out << "SELECT count(*) FROM t WHERE id BETWEEN " << id << " AND " << id + 20 << ";\n";
        } else {
            out << "SELECT v FROM t WHERE id = " << id << ";\n";
        }
    }
    return path;
}

// One stage at 100% that needs every read; no latency check (the machine is shared: timings are noise here).
fs::path write_plan(const fs::path& dir, int reads, const std::string& on_failure = "rollback") {
    const fs::path path = dir / "plan.json";
    std::ofstream(path) << R"({"kind": "replay_plan", "schema_version": 1, "on_failure": ")" << on_failure
                        << R"(", "stages": [{"percent": 100, "min_queries": )" << reads
                        << R"(, "max_latency_ratio_p95": null}]})";
    return path;
}

replay::ReplayPlan one_stage_plan(std::uint64_t reads) {
    replay::ReplayPlan plan = replay::default_plan();
    replay::StagePlan stage;
    stage.percent = 100;
    stage.min_queries = reads;
    stage.max_latency_ratio_p95.reset();
    plan.stages = {stage};
    return plan;
}

bool valid_report(const fs::path& report) {
    const std::string command =
        "/usr/bin/python3 -c 'import json, sys, jsonschema; "
        "jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))' '" +
        test::source_path("schemas/replay_report.schema.json").string() + "' '" + report.string() + "'";
    return std::system(command.c_str()) == 0;
}

std::string in_list(const std::vector<std::string>& names) {
    std::string list;
    for (const auto& name : names) list += (list.empty() ? "'" : ", '") + name + "'";
    return list;
}

// Terminates every replay session on these databases; how many there were.
std::int64_t terminate_replay_sessions(const std::string& admin_url, const std::vector<std::string>& databases) {
    auto admin = db::open_database(admin_url);
    const auto rows = admin->query(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'schemaflip replay' "
        "AND datname IN (" +
        in_list(databases) + ")");
    return std::stoll(db::value_text(rows.rows.at(0).at(0)));
}

// Sessions on these databases, once those that are ending have gone (a backend leaves pg_stat_activity a
// moment after its client closed the connection): waits up to 5 s for `expected`.
std::int64_t sessions_on(db::Database& admin, const std::vector<std::string>& databases, std::int64_t expected) {
    std::int64_t count = -1;
    for (int attempt = 0; attempt < 50; ++attempt) {
        count = std::stoll(db::value_text(
            admin.query("SELECT count(*) FROM pg_stat_activity WHERE datname IN (" + in_list(databases) + ")").rows.at(0).at(0)));
        if (count == expected) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return count;
}

std::size_t open_file_descriptors() {
    std::size_t count = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator("/proc/self/fd")) ++count;
    return count;
}

struct BrokenRun {
    int exit_code = -1;
    std::string err;
    std::optional<Json> report;
};

constexpr int k_child_reads = 40000;

// Runs the real binary's replay with a JSON report in `dir`, calls `fault` once it has compared its first
// reads, and waits for it to end (a run that hangs fails: it is killed after 40 s).
BrokenRun replay_and_break(const fs::path& dir, const std::string& primary, const std::string& shadow,
                           const std::string& on_failure, const std::function<void()>& fault) {
    const auto queries = write_queries(dir, k_child_reads);
    const auto plan = write_plan(dir, k_child_reads, on_failure);
    const auto report = dir / "report.json";
    test::Child child({"-v", "replay", "--primary", primary, "--shadow", shadow, "--queries", queries.string(), "--plan",
                       plan.string(), "-j", "2", "--query-timeout", "5000", "-o", report.string()});
    REQUIRE_MESSAGE(child.wait_for("reads compared", 60), child.err());
    fault();
    BrokenRun run;
    run.exit_code = child.wait_exit(40);
    run.err = child.err();
    if (fs::exists(report)) {
        CHECK_MESSAGE(valid_report(report), "the report does not match schemas/replay_report.schema.json");
        run.report = Json::parse(test::read_file(report));
    }
    return run;
}

// What every run that lost a side must show: exit 4, a report that says which side and which stage, the
// aborted stage counted as far as it went, and the plan's on_failure as the decision.
void check_unavailable(const BrokenRun& run, const std::string& side, const std::string& decision) {
    INFO(run.err);
    CHECK(run.exit_code == 4);
    CHECK(run.err.find("replay stage 1 (100%) aborted") != std::string::npos);
    REQUIRE(run.report);
    const Json& report = *run.report;
    CHECK(report["decision"] == decision);
    CHECK(report["unavailable"]["side"] == side);
    CHECK(report["unavailable"]["stage"] == 1);
    const std::string phrase = side == "both" ? "the primary and the shadow became unavailable" : "the " + side + " became unavailable";
    CHECK(report["reason"].get<std::string>().find("stage 1 (100%) aborted: " + phrase) != std::string::npos);
    REQUIRE(report["stages"].size() == 1);
    const Json& stage = report["stages"][0];
    CHECK(stage["status"] == "aborted");
    CHECK(stage["passed"] == false);
    // Some reads were compared before the fault (the child said so), not all of them.
    CHECK(stage["compared"].get<int>() > 0);
    CHECK(stage["compared"].get<int>() < k_child_reads);
    CHECK(stage["compared"] == stage["same"]);
}

}  // namespace

TEST_CASE("replay: the shadow's server stops mid-run: exit 4, a complete report with the plan's decision and why") {
    const auto admin_url = test::postgres_url();
    if (!admin_url) return;
    REQUIRE(test::throwaway_postgres_available());
    test::ScratchPostgresDatabase primary(*admin_url);
    load_table(primary.url());
    test::ThrowawayPostgres shadow_server;
    load_table(shadow_server.url());
    test::TempDir dir;
    SUBCASE("pg_ctl stop -m immediate, on_failure rollback") {
        const auto run = replay_and_break(dir.path(), primary.url(), shadow_server.url(), "rollback",
                                          [&] { shadow_server.stop("immediate"); });
        check_unavailable(run, "shadow", "rollback");
        CHECK((*run.report)["unavailable"]["reconnect_attempts"] == 3);
    }
    SUBCASE("pg_ctl stop -m fast, on_failure hold") {
        const auto run = replay_and_break(dir.path(), primary.url(), shadow_server.url(), "hold", [&] { shadow_server.stop("fast"); });
        check_unavailable(run, "shadow", "hold");
    }
}

TEST_CASE("replay: the primary's server stops mid-run: exit 4, the report names the primary") {
    const auto admin_url = test::postgres_url();
    if (!admin_url) return;
    REQUIRE(test::throwaway_postgres_available());
    test::ThrowawayPostgres primary_server;
    load_table(primary_server.url());
    test::ScratchPostgresDatabase shadow(*admin_url);
    load_table(shadow.url());
    test::TempDir dir;
    const auto run = replay_and_break(dir.path(), primary_server.url(), shadow.url(), "rollback",
                                      [&] { primary_server.stop("immediate"); });
    check_unavailable(run, "primary", "rollback");
}

TEST_CASE("replay: both sides on one server that stops: exit 4, the report names both") {
    const auto admin_url = test::postgres_url();
    if (!admin_url) return;
    REQUIRE(test::throwaway_postgres_available());
    test::ThrowawayPostgres server;
    create_database(server.url(), "app_primary");
    create_database(server.url(), "app_shadow");
    load_table(server.url("app_primary"));
    load_table(server.url("app_shadow"));
    test::TempDir dir;
    const auto run = replay_and_break(dir.path(), server.url("app_primary"), server.url("app_shadow"), "rollback",
                                      [&] { server.stop("immediate"); });
    check_unavailable(run, "both", "rollback");
}

TEST_CASE("replay: dropped connections are reopened and the reads run again; the report is the undisturbed one") {
    const auto admin_url = test::postgres_url();
    if (!admin_url) return;
    test::ScratchPostgresDatabase primary(*admin_url);
    test::ScratchPostgresDatabase shadow(*admin_url);
    load_table(primary.url());
    load_table(shadow.url());
    test::TempDir dir;
    constexpr int k_reads = 3000;
    const auto stream = replay::load_queries({write_queries(dir.path(), k_reads).string()}, {});
    replay::ReplayRequest request;
    request.endpoints = replay::resolve_endpoints(std::nullopt, primary.url(), shadow.url());
    request.plan = one_stage_plan(k_reads);
    request.jobs = 2;
    request.query_timeout = std::chrono::milliseconds(5000);
    const auto undisturbed = replay::run_replay(request, stream);
    REQUIRE(undisturbed.decision == replay::Decision::flip);

    std::int64_t terminated = 0;
    int drops = 0;
    request.progress = [&](const replay::ReplayProgress& progress) {
        // Twice, a few batches apart: a connection opened again can be lost again.
        if (progress.done || (progress.compared != 512 && progress.compared != 2048)) return;
        terminated += terminate_replay_sessions(*admin_url, {primary.name(), shadow.name()});
        ++drops;
    };
    const auto disturbed = replay::run_replay(request, stream);
    CHECK(drops == 2);
    // Every replay session was found by its application_name: 2 jobs × 2 sides, twice.
    CHECK(terminated == 8);
    CHECK_FALSE(disturbed.unavailable);
    CHECK(disturbed.decision == replay::Decision::flip);
    REQUIRE(disturbed.stages.size() == 1);
    CHECK(disturbed.stages[0].compared == static_cast<std::uint64_t>(k_reads));
    CHECK(disturbed.stages[0].same == static_cast<std::uint64_t>(k_reads));
    CHECK(disturbed.stages[0].routing_digest == undisturbed.stages[0].routing_digest);
    CHECK(disturbed.differences.empty());
}

TEST_CASE("replay --apply-writes: a dropped writer is not retried: the run ends with the writer's side unavailable") {
    const auto admin_url = test::postgres_url();
    if (!admin_url) return;
    test::ScratchPostgresDatabase primary(*admin_url);
    test::ScratchPostgresDatabase shadow(*admin_url);
    load_table(primary.url());
    load_table(shadow.url());
    test::TempDir dir;
    constexpr int k_reads = 1200;
    const auto stream = replay::load_queries({write_queries(dir.path(), k_reads, 600).string()}, {});
    REQUIRE(stream.read_count() + stream.write_count() == k_reads + 1);
    replay::ReplayRequest request;
    request.endpoints = replay::resolve_endpoints(std::nullopt, primary.url(), shadow.url());
    request.plan = one_stage_plan(k_reads);
    request.apply_writes = true;
    std::int64_t terminated = 0;
    request.progress = [&](const replay::ReplayProgress& progress) {
        if (terminated == 0 && !progress.done) terminated = terminate_replay_sessions(*admin_url, {primary.name(), shadow.name()});
    };
    const auto report = replay::run_replay(request, stream);
    CHECK(terminated == 4);  // one reader and one writer per side
    REQUIRE(report.unavailable);
    CHECK(report.unavailable->side == "primary");  // the write goes to the primary first
    CHECK(report.unavailable->reconnect_attempts == 0);
    CHECK(report.decision == replay::Decision::rollback);
    CHECK(report.stages.at(0).status == replay::StageStatus::aborted);
    // The reads before the write ran (the readers were reopened), none after it.
    CHECK(report.stages.at(0).compared == 600);
    CHECK(report.writes.applied == 0);
    for (const auto* url : {&primary.url(), &shadow.url()}) {
        CHECK(db::value_text(db::open_database(*url)->query("SELECT count(*) FROM audit").rows.at(0).at(0)) == "0");
    }
}

TEST_CASE("replay --jobs 8 leaves no file descriptor and no connection behind, also after dropped connections") {
    const auto admin_url = test::postgres_url();
    if (!admin_url) return;
    test::ScratchPostgresDatabase primary(*admin_url);
    test::ScratchPostgresDatabase shadow(*admin_url);
    load_table(primary.url());
    load_table(shadow.url());
    test::TempDir dir;
    constexpr int k_reads = 4000;
    const auto stream = replay::load_queries({write_queries(dir.path(), k_reads).string()}, {});
    auto admin = db::open_database(*admin_url);
    const std::vector<std::string> databases = {primary.name(), shadow.name()};
    const std::int64_t sessions_before = sessions_on(*admin, databases, 0);
    const std::size_t descriptors_before = open_file_descriptors();

    replay::ReplayRequest request;
    request.endpoints = replay::resolve_endpoints(std::nullopt, primary.url(), shadow.url());
    request.plan = one_stage_plan(k_reads);
    request.jobs = 8;
    SUBCASE("an undisturbed run") {}
    SUBCASE("a run whose connections are dropped once") {
        request.progress = [&](const replay::ReplayProgress& progress) {
            if (progress.compared == 1024 && !progress.done) CHECK(terminate_replay_sessions(*admin_url, databases) == 16);
        };
    }
    std::int64_t during = 0;
    const auto progress = request.progress;
    request.progress = [&](const replay::ReplayProgress& now) {
        if (now.compared == 512 && !now.done) during = sessions_on(*admin, databases, 16);
        progress(now);
    };
    const auto report = replay::run_replay(request, stream);
    CHECK(report.decision == replay::Decision::flip);
    CHECK(during == 16);  // the run did hold 8 connections per side
    CHECK(open_file_descriptors() == descriptors_before);
    CHECK(sessions_on(*admin, databases, sessions_before) == sessions_before);
}

TEST_CASE("replay stopped by SIGINT or SIGTERM exits 130 and leaves no report, no junit file, no session") {
    const auto admin_url = test::postgres_url();
    if (!admin_url) return;
    test::ScratchPostgresDatabase primary(*admin_url);
    test::ScratchPostgresDatabase shadow(*admin_url);
    load_table(primary.url());
    load_table(shadow.url());
    test::TempDir dir;
    const auto queries = write_queries(dir.path(), k_child_reads);
    const auto plan = write_plan(dir.path(), k_child_reads);
    const auto out = dir.path() / "out";
    fs::create_directory(out);
    int signal_number = SIGINT;
    std::string name = "SIGINT";
    SUBCASE("SIGINT") {}
    SUBCASE("SIGTERM") {
        signal_number = SIGTERM;
        name = "SIGTERM";
    }
    test::Child child({"-v", "replay", "--primary", primary.url(), "--shadow", shadow.url(), "--queries", queries.string(),
                       "--plan", plan.string(), "-j", "4", "-o", (out / "report.json").string(), "--junit",
                       (out / "junit.xml").string()});
    REQUIRE_MESSAGE(child.wait_for("reads compared", 60), child.err());
    child.signal(signal_number);
    const int exit_code = child.wait_exit(30);
    INFO(child.err());
    CHECK(exit_code == 130);
    CHECK(child.err().find("interrupted by " + name) != std::string::npos);
    // Not the report, not the JUnit file, not their temporary files.
    CHECK(fs::is_empty(out));
    auto admin = db::open_database(*admin_url);
    CHECK(sessions_on(*admin, {primary.name(), shadow.name()}, 0) == 0);
}

TEST_CASE("analyze stopped by SIGINT or SIGTERM exits 130 and leaves no profile") {
    test::TempDir dir;
    // A log long enough to still be read when the signal comes: the fixture's real log, many times over.
    const auto log = dir.path() / "big.log";
    {
        const std::string piece = test::read_file(test::source_path("fixtures/logs/chinook_app.log"));
        std::ofstream out(log, std::ios::binary);
        for (std::size_t written = 0; written < (400u << 20); written += piece.size()) out << piece;
    }
    const auto out = dir.path() / "out";
    fs::create_directory(out);
    int signal_number = SIGINT;
    std::string name = "SIGINT";
    SUBCASE("SIGINT") {}
    SUBCASE("SIGTERM") {
        signal_number = SIGTERM;
        name = "SIGTERM";
    }
    test::Child child({"-v", "--format", "json", "analyze", "--jobs", "1", log.string(), "-o", (out / "profile.json").string()});
    REQUIRE_MESSAGE(child.wait_for(" records, ", 60), child.err());
    child.signal(signal_number);
    const int exit_code = child.wait_exit(30);
    INFO(child.err());
    CHECK(exit_code == 130);
    CHECK(child.err().find("interrupted by " + name + " while reading the logs") != std::string::npos);
    CHECK(child.err().find(", done") == std::string::npos);  // it was stopped, not finished
    CHECK(fs::is_empty(out));
}
