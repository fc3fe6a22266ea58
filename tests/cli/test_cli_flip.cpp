// `schemaflip flip` and `schemaflip rollback` end to end: replay reports made by the real commands on
// SQLite and PostgreSQL copies of Chinook, the flip task they give (decision, flags, affected queries,
// rollback), its determinism, rollback --apply proven by inspecting the database, and bad inputs.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "core/db/database.hpp"
#include "core/schema/introspect.hpp"
#include "support/test_support.hpp"

using namespace schemaflip;
namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

const std::string k_zoo_plan = test::source_path("fixtures/replay/zoo.plan.json").string();

bool has_flag(const Json& task, const std::string& flag) {
    for (const auto& item : task["compatibility"]["flags"]) {
        if (item == flag) return true;
    }
    return false;
}

std::set<std::string> fingerprints(const Json& task) {
    std::set<std::string> out;
    for (const auto& query : task["compatibility"]["affected_fingerprints"]) out.insert(query["fingerprint"].get<std::string>());
    return out;
}

// The report's fingerprints that the change broke on the shadow.
std::set<std::string> broken_in_report(const Json& report) {
    std::set<std::string> out;
    for (const auto& group : report["differences"]) {
        if (group["difference"] == "error_shadow_only") out.insert(group["fingerprint"].get<std::string>());
    }
    return out;
}

// A table's shape as inspect reports it: no counts or sizes (data), no SQLite CREATE INDEX text (SQLite
// rewrites it when a table or column is renamed, also when renamed back).
Json shape(const std::string& url, const std::string& table) {
    auto database = db::open_database(url, {.read_only = true});
    const auto snapshot = schema::introspect(*database);
    const auto* found = snapshot.find_table(table);
    REQUIRE_MESSAGE(found != nullptr, table);
    return schema::shape_json(*found, snapshot.engine);
}

// Shadow up, replay and flip, all through the CLI, in one scratch directory.
struct Pipeline {
    test::TempDir dir;
    fs::path manifest = dir.path() / "shadow.json";
    fs::path report = dir.path() / "report.json";
    fs::path task = dir.path() / "task.json";

    int shadow_up(const std::string& primary, const std::string& shadow, const std::string& ddl) {
        const auto file = dir.path() / "change.sql";
        std::ofstream(file) << ddl;
        const auto result = test::run_cli({"shadow", "up", "--primary", primary, "--shadow", shadow, "--ddl", file.string(), "-o",
                                           manifest.string(), "--force"});
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
        return result.exit_code;
    }

    Json replay(const std::vector<std::string>& queries) {
        std::vector<std::string> args = {"replay", "--shadow-manifest", manifest.string(), "--plan", k_zoo_plan, "-o", report.string(),
                                         "--queries"};
        args.insert(args.end(), queries.begin(), queries.end());
        const auto result = test::run_cli(args);
        INFO(result.err);
        REQUIRE((result.exit_code == 0 || result.exit_code == 1));
        return Json::parse(test::read_file(report));
    }

    test::CliResult flip(std::vector<std::string> extra = {}) {
        std::vector<std::string> args = {"flip", "--report", report.string(), "--shadow-manifest", manifest.string(), "-o", task.string()};
        args.insert(args.end(), extra.begin(), extra.end());
        return test::run_cli(args);
    }

    Json task_json() const { return Json::parse(test::read_file(task)); }
};

struct SqliteChinook {
    test::TempDir dir;
    fs::path primary = dir.path() / "primary.sqlite";
    fs::path shadow = dir.path() / "shadow.sqlite";
    std::string reads = test::source_path("fixtures/replay/chinook_sqlite_reads.sql").string();
    Pipeline pipeline;

    SqliteChinook() { fs::copy_file(test::source_path("fixtures/sampledb/chinook.sqlite"), primary); }

    Json run(const std::string& ddl) {
        pipeline.shadow_up(primary.string(), shadow.string(), ddl);
        return pipeline.replay({reads});
    }
};

// The task's text with the two fields documented to vary replaced by placeholders.
std::string without_varying_fields(std::string text) {
    text = std::regex_replace(text, std::regex(R"("created_at": "[^"]*")"), R"("created_at": "T")");
    return std::regex_replace(text, std::regex(R"("task_id": "(flip-[0-9a-f]{16})-[0-9]{8}T[0-9]{6}Z")"), R"("task_id": "$1-T")");
}

}  // namespace

TEST_CASE("flip on SQLite: a safe change flips, a breaking one holds back with the fingerprints to fix") {
    SUBCASE("an added column nobody reads with SELECT *: flip, exit 0, backfill flagged") {
        SqliteChinook c;
        c.run("ALTER TABLE Track ADD COLUMN Rating integer");
        const auto result = c.pipeline.flip();
        INFO(result.err);
        CHECK(result.exit_code == 0);
        const auto task = c.pipeline.task_json();
        CHECK(task["kind"] == "flip_task");
        CHECK(task["decision"] == "flip");
        CHECK(task["change"]["type"] == "add_column");
        CHECK(task["change"]["table"] == "Track");
        CHECK(task["change"]["source"] == "user_ddl");
        CHECK(task["change"]["risk_score"].is_null());
        CHECK(task["compatibility"]["flags"] == Json::array({"REQUIRES_BACKFILL"}));  // Track has 3503 rows
        CHECK(task["compatibility"]["affected_fingerprints"].empty());
        CHECK(task["rollback"]["steps"] == Json::array({"ALTER TABLE \"Track\" DROP COLUMN \"Rating\""}));
        CHECK_FALSE(task["rollback"]["irreversible"].get<bool>());
        CHECK(task["position"].is_null());
        CHECK(result.out.starts_with("decision flip: "));  // -o with --format text: the summary on stdout
    }
    SUBCASE("a renamed column: rollback, exit 1, READERS_BREAK with the report's failing fingerprints") {
        SqliteChinook c;
        const auto report = c.run("ALTER TABLE Track RENAME COLUMN Composer TO Author");
        const auto result = c.pipeline.flip();
        CHECK(result.exit_code == 1);
        const auto task = c.pipeline.task_json();
        CHECK(task["decision"] == "rollback");
        CHECK(has_flag(task, "READERS_BREAK"));
        const auto broken = broken_in_report(report);
        REQUIRE_FALSE(broken.empty());
        CHECK(fingerprints(task) == broken);
        for (const auto& query : task["compatibility"]["affected_fingerprints"]) {
            CHECK(query["example"].get<std::string>().find("Composer") != std::string::npos);
            CHECK(query["what_happened"].get<std::string>().find("error_shadow_only") == 0);
            CHECK(query["action"].get<std::string>().find("fails on the new schema") == 0);
        }
        CHECK(task["rollback"]["steps"] == Json::array({"ALTER TABLE \"Track\" RENAME COLUMN \"Author\" TO \"Composer\""}));
        CHECK(task["validation"]["stages"].size() == 1);
        CHECK(task["validation"]["stages"][0]["status"] == "failed");
        CHECK(task["validation"]["differences"]["error_shadow_only"].get<int>() > 0);
    }
}

TEST_CASE("flip is deterministic: two runs are byte-identical apart from created_at and task_id's time") {
    SqliteChinook c;
    c.run("ALTER TABLE Customer ADD COLUMN LoyaltyTier text");
    REQUIRE(c.pipeline.flip().exit_code == 0);
    const auto first = test::read_file(c.pipeline.task);
    ::usleep(1100 * 1000);  // a later second, so the varying fields really vary
    REQUIRE(c.pipeline.flip().exit_code == 0);
    const auto second = test::read_file(c.pipeline.task);
    CHECK(first != second);
    CHECK(without_varying_fields(first) == without_varying_fields(second));
    // SELECT * readers of Customer see one more column: observed by the replay.
    CHECK(has_flag(Json::parse(first), "RESULT_SHAPE_WIDENED"));
    // Without -o the task goes to stdout, for pipes into jq.
    const auto piped = test::run_cli({"flip", "--report", c.pipeline.report.string(), "--shadow-manifest", c.pipeline.manifest.string()});
    CHECK(Json::parse(piped.out)["decision"] == "flip");
}

TEST_CASE("rollback on SQLite: a reversible change comes back to the snapshot, a dropped column is refused") {
    SUBCASE("renamed column: rollback --apply restores it, proven by inspect") {
        SqliteChinook c;
        c.run("ALTER TABLE Track RENAME COLUMN Composer TO Author");
        c.pipeline.flip();
        const auto shown = test::run_cli({"rollback", "--task", c.pipeline.task.string()});
        CHECK(shown.exit_code == 0);
        CHECK(shown.out.find("1. ALTER TABLE \"Track\" RENAME COLUMN \"Author\" TO \"Composer\";") != std::string::npos);
        const auto applied = test::run_cli({"rollback", "--task", c.pipeline.task.string(), "--db", c.shadow.string(), "--apply"});
        INFO(applied.err);
        CHECK(applied.exit_code == 0);
        CHECK(applied.out.find("back to the snapshot") != std::string::npos);
        CHECK(shape("sqlite:" + c.shadow.string(), "Track") == shape("sqlite:" + c.primary.string(), "Track"));
        // Applied once: the database is no longer where the change left it, so a second run refuses.
        const auto again = test::run_cli({"rollback", "--task", c.pipeline.task.string(), "--db", c.shadow.string(), "--apply"});
        CHECK(again.exit_code == 1);
        CHECK(again.err.find("not in the state the change left it in") != std::string::npos);
    }
    SUBCASE("a widened type: restored through SQLite's table rebuild") {
        SqliteChinook c;
        c.run("ALTER TABLE Customer ALTER COLUMN Company TYPE varchar(200)");
        REQUIRE(c.pipeline.flip().exit_code == 0);
        const auto task = c.pipeline.task_json();
        CHECK(has_flag(task, "TYPE_WIDENED"));
        CHECK(has_flag(task, "TABLE_REWRITE"));
        const auto applied = test::run_cli({"rollback", "--task", c.pipeline.task.string(), "--db", c.shadow.string(), "--apply"});
        INFO(applied.err);
        CHECK(applied.exit_code == 0);
        CHECK(shape("sqlite:" + c.shadow.string(), "Customer") == shape("sqlite:" + c.primary.string(), "Customer"));
    }
    SUBCASE("a dropped column: IRREVERSIBLE, data loss, and --apply refuses with the way back") {
        SqliteChinook c;
        c.run("ALTER TABLE Customer DROP COLUMN Fax");
        CHECK(c.pipeline.flip().exit_code == 1);
        const auto task = c.pipeline.task_json();
        CHECK(has_flag(task, "IRREVERSIBLE"));
        CHECK(has_flag(task, "RESULT_SHAPE_NARROWED"));
        CHECK(task["rollback"]["irreversible"] == true);
        CHECK(task["rollback"]["data_loss"] == true);
        CHECK(task["rollback"]["reasons"][0].get<std::string>().find("Fax") != std::string::npos);
        CHECK(task["rollback"]["way_back"].get<std::string>().starts_with("flip back to the old primary"));
        const auto before = test::read_file(c.shadow);
        const auto refused = test::run_cli({"rollback", "--task", c.pipeline.task.string(), "--db", c.shadow.string(), "--apply"});
        CHECK(refused.exit_code == 1);
        CHECK(refused.err.find("IRREVERSIBLE") != std::string::npos);
        CHECK(refused.err.find("flip back to the old primary") != std::string::npos);
        CHECK(test::read_file(c.shadow) == before);
    }
}

TEST_CASE("flip and rollback with a manifest from before changed_tables: no steps, and rollback cannot prove the schema") {
    SqliteChinook c;
    c.run("ALTER TABLE Track RENAME COLUMN Composer TO Author");
    auto manifest = Json::parse(test::read_file(c.pipeline.manifest));
    manifest.erase("changed_tables");
    std::ofstream(c.pipeline.manifest) << manifest.dump(2);
    CHECK(c.pipeline.flip().exit_code == 1);
    const auto task = c.pipeline.task_json();
    CHECK(task["rollback"]["steps"].empty());
    CHECK(task["rollback"]["schema_before"].is_null());
    CHECK(task["rollback"]["notes"][0].get<std::string>().find("cannot prove the schema is back") != std::string::npos);
    const auto applied = test::run_cli({"rollback", "--task", c.pipeline.task.string(), "--db", c.shadow.string(), "--apply"});
    CHECK(applied.exit_code == 1);
    CHECK(applied.err.find("cannot be proven back") != std::string::npos);
}

TEST_CASE("flip: a change inspect cannot see (a CHECK constraint on SQLite) gives no steps, and rollback --apply refuses") {
    test::TempDir dir;
    const auto primary = dir.path() / "checked.sqlite";
    {
        db::OpenOptions create;
        create.create = true;
        auto database = db::open_database("sqlite:" + primary.string(), create);
        database->execute("CREATE TABLE t (id integer PRIMARY KEY, n integer, CONSTRAINT t_n_check CHECK (n > 0))");
        database->execute("INSERT INTO t VALUES (1, 1)");
    }
    const auto shadow = dir.path() / "checked-shadow.sqlite";
    const auto reads = dir.path() / "reads.sql";
    std::ofstream(reads) << "SELECT id, n FROM t;\n";
    Pipeline p;
    p.shadow_up(primary.string(), shadow.string(), "ALTER TABLE t DROP CONSTRAINT t_n_check");
    p.replay({reads.string()});
    CHECK(p.flip().exit_code == 0);
    const auto task = p.task_json();
    CHECK(task["rollback"]["steps"].empty());
    CHECK(task["rollback"]["schema_before"].is_null());
    const auto applied = test::run_cli({"rollback", "--task", p.task.string(), "--db", shadow.string(), "--apply"});
    CHECK(applied.exit_code == 1);
    CHECK(applied.err.find("cannot be proven back") != std::string::npos);
}

TEST_CASE("flip and rollback: bad inputs are one-line errors with exit 3 and leave no output file") {
    SqliteChinook c;
    c.run("ALTER TABLE Track ADD COLUMN Rating integer");
    const auto& p = c.pipeline;
    const auto garbage = c.dir.path() / "garbage.json";
    std::ofstream(garbage, std::ios::binary) << std::string("\x00\xff\xfe{not json", 12);
    const auto out = c.dir.path() / "out.json";
    struct Case {
        const char* name;
        std::vector<std::string> args;
        const char* message;
    };
    const Case cases[] = {
        {"missing report", {"--report", (c.dir.path() / "none.json").string()}, "cannot read replay report"},
        {"garbage bytes", {"--report", garbage.string()}, "is not JSON"},
        {"not a report (a manifest)", {"--report", p.manifest.string()}, "not a replay report"},
        {"wrong kind for the manifest (a report)", {"--report", p.report.string(), "--shadow-manifest", p.report.string()}, "not a shadow manifest"},
        {"wrong kind for predictions (a report)", {"--report", p.report.string(), "--predictions", p.report.string()}, "not a predictions document"},
    };
    for (const auto& bad : cases) {
        CAPTURE(std::string(bad.name));
        std::vector<std::string> args = {"flip"};
        args.insert(args.end(), bad.args.begin(), bad.args.end());
        args.insert(args.end(), {"-o", out.string()});
        const auto result = test::run_cli(args);
        CHECK(result.exit_code == 3);
        CHECK(result.err.starts_with("schemaflip: error: "));
        CHECK(result.err.find(bad.message) != std::string::npos);
        CHECK(result.err.find(bad.message) < result.err.find('\n'));  // said on the first line
        CHECK_FALSE(fs::exists(out));
        CHECK(result.out.empty());
    }
    // The report of two databases given by URL names no change; without a manifest there is none to flip.
    auto unnamed = Json::parse(test::read_file(p.report));
    unnamed["change"] = nullptr;
    const auto unnamed_file = c.dir.path() / "unnamed.json";
    std::ofstream(unnamed_file) << unnamed.dump();
    CHECK(test::run_cli({"flip", "--report", unnamed_file.string(), "-o", out.string()}).exit_code == 3);
    CHECK_FALSE(fs::exists(out));

    CHECK(test::run_cli({"flip"}).exit_code == 2);  // --report is required
    CHECK(test::run_cli({"rollback", "--task", p.report.string()}).exit_code == 3);  // not a flip task
    CHECK(test::run_cli({"rollback", "--task", garbage.string()}).exit_code == 3);
    CHECK(test::run_cli({"rollback", "--task", (c.dir.path() / "none.json").string()}).exit_code == 3);
    REQUIRE(c.pipeline.flip().exit_code == 0);
    CHECK(test::run_cli({"rollback", "--task", p.task.string(), "--apply"}).exit_code == 2);  // --apply needs --db
    const auto other_engine = test::run_cli({"rollback", "--task", p.task.string(), "--apply", "--db", "postgresql://u:s3cret@127.0.0.1:1/x"});
    CHECK(other_engine.exit_code == 2);
    CHECK(other_engine.err.find("s3cret") == std::string::npos);
}

// ---- PostgreSQL -------------------------------------------------------------------------------------------

namespace {

std::string scratch_name() {
    static int counter = 0;
    return "sf_flip_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
}

struct PostgresChinook {
    std::string admin = *test::postgres_url();
    std::string primary = *test::postgres_url("chinook");
    std::string name = scratch_name();
    std::string shadow = *test::postgres_url(name);
    Pipeline pipeline;

    Json run(const std::string& ddl) {
        pipeline.shadow_up(primary, shadow, ddl);
        return pipeline.replay({test::source_path("fixtures/logs/chinook_app.log").string(),
                                test::source_path("fixtures/replay/chinook_pg_reads.sql").string()});
    }
    ~PostgresChinook() {
        try {
            db::open_database(admin)->execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (...) {
        }
    }
};

}  // namespace

TEST_CASE("flip and rollback on PostgreSQL: widened type flips and rolls back exactly, renamed column holds, drop is IRREVERSIBLE") {
    if (!test::postgres_url()) return;
    SUBCASE("widened type: flip, TYPE_WIDENED, rollback --apply restores the snapshot") {
        PostgresChinook c;
        c.run("ALTER TABLE invoice_line ALTER COLUMN quantity TYPE bigint");
        const auto result = c.pipeline.flip();
        INFO(result.err);
        CHECK(result.exit_code == 0);
        const auto task = c.pipeline.task_json();
        CHECK(task["decision"] == "flip");
        CHECK(task["engine"] == "postgresql");
        CHECK(has_flag(task, "TYPE_WIDENED"));
        CHECK(has_flag(task, "TABLE_REWRITE"));
        CHECK(has_flag(task, "BLOCKING_LOCK"));
        CHECK(task["rollback"]["steps"] == Json::array({"ALTER TABLE \"invoice_line\" ALTER COLUMN \"quantity\" TYPE integer"}));
        const auto applied = test::run_cli({"rollback", "--task", c.pipeline.task.string(), "--db", c.shadow, "--apply"});
        INFO(applied.err);
        CHECK(applied.exit_code == 0);
        CHECK(shape(c.shadow, "invoice_line") == shape(c.primary, "invoice_line"));
    }
    SUBCASE("renamed column: rollback decision, READERS_BREAK, rollback --apply renames it back") {
        PostgresChinook c;
        const auto report = c.run("ALTER TABLE track RENAME COLUMN milliseconds TO duration_ms");
        CHECK(c.pipeline.flip().exit_code == 1);
        const auto task = c.pipeline.task_json();
        CHECK(task["decision"] == "rollback");
        CHECK(has_flag(task, "READERS_BREAK"));
        CHECK(fingerprints(task) == broken_in_report(report));
        const auto applied = test::run_cli({"rollback", "--task", c.pipeline.task.string(), "--db", c.shadow, "--apply"});
        INFO(applied.err);
        CHECK(applied.exit_code == 0);
        CHECK(shape(c.shadow, "track") == shape(c.primary, "track"));
    }
    SUBCASE("dropped column: IRREVERSIBLE and refused") {
        PostgresChinook c;
        c.run("ALTER TABLE customer DROP COLUMN fax");
        CHECK(c.pipeline.flip().exit_code == 1);
        const auto task = c.pipeline.task_json();
        CHECK(has_flag(task, "IRREVERSIBLE"));
        CHECK(task["rollback"]["data_loss"] == true);
        const auto refused = test::run_cli({"rollback", "--task", c.pipeline.task.string(), "--db", c.shadow, "--apply"});
        CHECK(refused.exit_code == 1);
        CHECK(refused.err.find("IRREVERSIBLE") != std::string::npos);
        CHECK(refused.err.find("old primary") != std::string::npos);
    }
}

TEST_CASE("flip on a logically synced PostgreSQL shadow: the cut-over position is the manifest's, on both sides") {
    if (!test::postgres_url()) return;
    // A copy of Chinook is the primary: sync creates a publication and a slot on it.
    PostgresChinook copy;
    copy.pipeline.shadow_up(copy.primary, copy.shadow, "ANALYZE");
    Pipeline pipeline;
    const std::string shadow_name = scratch_name();
    const auto ddl = pipeline.dir.path() / "change.sql";
    std::ofstream(ddl) << "ALTER TABLE customer ADD COLUMN tier text";
    const auto up = test::run_cli({"shadow", "up", "--primary", copy.shadow, "--shadow", *test::postgres_url(shadow_name), "--ddl",
                                   ddl.string(), "--sync", "logical", "-o", pipeline.manifest.string()});
    INFO(up.err);
    REQUIRE(up.exit_code == 0);
    struct Down {
        fs::path manifest;
        ~Down() { test::run_cli({"shadow", "down", "--manifest", manifest.string()}); }
    } down{pipeline.manifest};
    pipeline.replay({test::source_path("fixtures/replay/chinook_pg_reads.sql").string()});
    const auto result = pipeline.flip();
    INFO(result.err);
    CHECK(result.exit_code == 0);
    const auto task = pipeline.task_json();
    const auto manifest = Json::parse(test::read_file(pipeline.manifest));
    REQUIRE(task["position"].is_object());
    CHECK(task["position"]["primary_lsn"] == manifest["lsn"]["primary"]);
    CHECK(task["position"]["shadow_lsn"] == manifest["lsn"]["shadow"]);
    CHECK(task["rollback"]["way_back"].get<std::string>().find("cut-over position") != std::string::npos);
    CHECK(task["rollback"]["steps"] == Json::array({"ALTER TABLE \"customer\" DROP COLUMN \"tier\""}));
}

TEST_CASE("flip with the predictions document: the pending migration's source, risk and the writes predict saw break") {
    if (!test::postgres_url()) return;
    PostgresChinook c;
    const auto predictions = c.pipeline.dir.path() / "predictions.json";
    const auto predicted = test::run_cli({"--format", "json", "predict", "--at", "2026-11-25", "--db", c.primary, "--profile",
                                          test::source_path("fixtures/predict/chinook_app.profile.json").string(), "--pending",
                                          test::source_path("fixtures/predict/pending").string(), "-o", predictions.string()});
    INFO(predicted.err);
    REQUIRE(predicted.exit_code == 0);
    // The pending migration's DROP COLUMN billing_country: its event, and the query predict says it breaks.
    const auto document = Json::parse(test::read_file(predictions));
    Json event;
    for (const auto& candidate : document["events"]) {
        if (candidate["type"] == "drop_column" && candidate["table"] == "invoice") event = candidate;
    }
    REQUIRE(event.is_object());
    const auto up = test::run_cli({"shadow", "up", "--primary", c.primary, "--shadow", c.shadow, "--changes", predictions.string(),
                                   "--change", event["id"].get<std::string>(), "-o", c.pipeline.manifest.string()});
    INFO(up.err);
    REQUIRE(up.exit_code == 0);
    c.pipeline.replay({test::source_path("fixtures/logs/chinook_app.log").string()});
    CHECK(c.pipeline.flip({"--predictions", predictions.string()}).exit_code == 1);
    const auto task = c.pipeline.task_json();
    CHECK(task["change"]["id"] == event["id"]);
    CHECK(task["change"]["source"] == "pending_migration");
    CHECK(task["change"]["risk_score"] == event["risk_score"]);
    CHECK(has_flag(task, "IRREVERSIBLE"));
    CHECK(has_flag(task, "READERS_BREAK"));
    // Every query predict says the change breaks is listed, replayed or not.
    const auto listed = fingerprints(task);
    for (const auto& query : event["impact"]["breaks"]["queries"]) CHECK(listed.count(query["fingerprint"].get<std::string>()) == 1);
}
