// `schemaflip replay` end to end on SQLite and PostgreSQL copies of Chinook: a zoo of changes with their
// expected decisions and difference classes, identity replays, determinism across seeds and job counts,
// noise, and the primary left exactly as it was whatever the query stream holds.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "core/db/database.hpp"
#include "support/test_support.hpp"

using namespace schemaflip;
namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

// One stage at 100%: every read of the stream is compared once, so each change shows all its classes.
const std::string k_zoo_plan = test::source_path("fixtures/replay/zoo.plan.json").string();
// 25% then 100% with 40 reads: the second stage walks past the end of the stream and starts it again.
const std::string k_staged_plan = test::source_path("fixtures/replay/staged.plan.json").string();

struct ReplayRun {
    int exit_code = -1;
    Json report;
    std::string err;
};

// Runs replay with a JSON report on stdout.
ReplayRun replay(std::vector<std::string> args) {
    args.insert(args.begin(), {"--format", "json", "replay"});
    const auto result = test::run_cli(args);
    ReplayRun run{result.exit_code, Json(), result.err};
    if (!result.out.empty()) run.report = Json::parse(result.out);
    return run;
}

std::set<std::string> differences(const Json& report) {
    std::set<std::string> names;
    for (const auto& group : report["differences"]) names.insert(group["difference"].get<std::string>());
    return names;
}

// Whether one of the texts ends with `end`: a difference group shows one example's normalized text, which
// may carry the comment written before it.
bool any_ends_with(const std::set<std::string>& texts, const std::string& end) {
    return std::any_of(texts.begin(), texts.end(), [&end](const std::string& text) { return text.ends_with(end); });
}

std::uint64_t total(const Json& report, const char* field) {
    std::uint64_t sum = 0;
    for (const auto& stage : report["stages"]) sum += stage[field].get<std::uint64_t>();
    return sum;
}

// The report without what depends on timings: each stage's latency figures.
Json without_timings(Json report) {
    for (auto& stage : report["stages"]) stage.erase("latency");
    return report;
}

struct ZooCase {
    const char* name;
    const char* ddl;
    const char* decision;
    std::set<std::string> expected;  // exactly the difference classes reported
};

struct SqliteReplay {
    test::TempDir dir;
    fs::path primary = dir.path() / "primary.sqlite";
    fs::path shadow = dir.path() / "shadow.sqlite";
    fs::path manifest = dir.path() / "shadow.json";
    std::string reads = test::source_path("fixtures/replay/chinook_sqlite_reads.sql").string();

    SqliteReplay() { fs::copy_file(test::source_path("fixtures/sampledb/chinook.sqlite"), primary); }

    void shadow_up(const std::string& ddl) {
        const auto file = dir.path() / "change.sql";
        std::ofstream(file) << ddl;
        const auto result = test::run_cli({"shadow", "up", "--primary", primary.string(), "--shadow", shadow.string(), "--ddl",
                                           file.string(), "-o", manifest.string(), "--force"});
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
    }
};

}  // namespace

TEST_CASE("replay change zoo on SQLite: each change's decision and difference classes") {
    // Chinook SQLite: Customer has SELECT * readers, Track and Genre only named-column readers; Fax and
    // Composer are read by name.
    const ZooCase cases[] = {
        {"added column without SELECT *", "ALTER TABLE Track ADD COLUMN Rating integer", "flip", {}},
        {"added column with SELECT *", "ALTER TABLE Customer ADD COLUMN LoyaltyTier text", "flip", {"shape_widened"}},
        {"index", "CREATE INDEX track_composer_idx ON Track (Composer)", "flip", {}},
        {"widened type", "ALTER TABLE Customer ALTER COLUMN Company TYPE varchar(200)", "flip", {}},
        {"renamed column", "ALTER TABLE Track RENAME COLUMN Composer TO Author", "rollback", {"error_shadow_only"}},
        {"renamed table", "ALTER TABLE Genre RENAME TO MusicGenre", "rollback", {"error_shadow_only"}},
        {"dropped column", "ALTER TABLE Customer DROP COLUMN Fax", "rollback", {"shape_narrowed", "error_shadow_only"}},
        // SQLite's shadow accepts a narrowing only when every value fits; these do, and come back as text.
        {"narrowing type change that alters values", "ALTER TABLE Track ALTER COLUMN Milliseconds TYPE varchar(7)", "rollback",
         {"value_mismatch"}},
    };
    for (const auto& zoo : cases) {
        SUBCASE(zoo.name) {
            SqliteReplay c;
            const auto before = test::read_file(c.primary);
            c.shadow_up(zoo.ddl);
            const auto run = replay({"--shadow-manifest", c.manifest.string(), "--queries", c.reads, "--plan", k_zoo_plan});
            INFO(run.err);
            INFO(run.report.dump(2));
            CHECK(run.report["decision"] == zoo.decision);
            CHECK(run.exit_code == (std::string(zoo.decision) == "flip" ? 0 : 1));
            CHECK(differences(run.report) == zoo.expected);
            CHECK(run.report["change"]["statements"][0]["sql"] == zoo.ddl);
            CHECK(test::read_file(c.primary) == before);
            if (zoo.expected.count("shape_widened")) CHECK(run.report["flags"] == Json::array({"RESULT_SHAPE_WIDENED"}));
        }
    }
}

TEST_CASE("identity replay on SQLite: a plain copy gives zero differences") {
    SqliteReplay c;
    fs::copy_file(c.primary, c.shadow);
    const auto run = replay({"--primary", c.primary.string(), "--shadow", c.shadow.string(), "--queries", c.reads, "--plan", k_staged_plan});
    INFO(run.err);
    CHECK(run.exit_code == 0);
    CHECK(run.report["decision"] == "flip");
    CHECK(run.report["differences"].empty());
    CHECK(run.report["change"].is_null());
    CHECK(run.report["queries"]["reads"] == 20);
    // Every stage compared its sample and nothing but equal results.
    for (const auto& stage : run.report["stages"]) {
        CHECK(stage["status"] == "passed");
        CHECK(stage["compared"] == stage["same"]);
        CHECK(stage["compared"].get<std::uint64_t>() >= stage["min_queries"].get<std::uint64_t>());
    }
    // The last stage walked past the end of the stream and so covered every read.
    CHECK(run.report["stages"][1]["positions"]["end"].get<std::uint64_t>() >= 20);
}

TEST_CASE("replay is deterministic: same seed same report, any job count; another seed routes differently") {
    SqliteReplay c;
    c.shadow_up("ALTER TABLE Customer DROP COLUMN Fax");
    const std::vector<std::string> base = {"--shadow-manifest", c.manifest.string(), "--queries", c.reads, "--plan", k_staged_plan};
    const auto with = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = base;
        args.insert(args.end(), extra.begin(), extra.end());
        return replay(args);
    };
    const auto one = with({"--seed", "11", "--jobs", "1"});
    const auto again = with({"--seed", "11", "--jobs", "1"});
    const auto four = with({"--seed", "11", "--jobs", "4"});
    const auto other = with({"--seed", "12", "--jobs", "1"});
    REQUIRE(one.exit_code == 1);
    CHECK(without_timings(one.report) == without_timings(again.report));
    CHECK(without_timings(one.report) == without_timings(four.report));
    CHECK(one.report["plan"]["seed"] == 11);
    CHECK(other.report["stages"][0]["routing_digest"] != one.report["stages"][0]["routing_digest"]);
    CHECK(other.report["stages"][0]["positions"] != one.report["stages"][0]["positions"]);
}

TEST_CASE("noisy reads on SQLite are classed as noise, not as mismatches") {
    SqliteReplay c;
    fs::copy_file(c.primary, c.shadow);
    const auto noisy = test::source_path("fixtures/replay/noisy_sqlite.sql").string();
    const auto run = replay({"--primary", c.primary.string(), "--shadow", c.shadow.string(), "--queries", noisy, "--plan", k_zoo_plan});
    INFO(run.report.dump(2));
    CHECK(run.exit_code == 0);
    CHECK(total(run.report, "mismatches") == 0);
    CHECK(total(run.report, "noisy") > 0);
    CHECK(differences(run.report) == std::set<std::string>{"noisy"});
    // random() and randomblob() each time; the LIMIT without ORDER BY is compared on shape and count only.
    std::set<std::string> noisy_statements;
    for (const auto& group : run.report["differences"]) noisy_statements.insert(group["statement"].get<std::string>());
    CHECK(noisy_statements.size() == 3);
}

TEST_CASE("a dropped index is a latency regression; an identical copy under the same plan is not") {
    test::TempDir dir;
    const auto primary = dir.path() / "events.sqlite";
    {
        // 300,000 rows: a filter on `account` takes microseconds through its index and milliseconds without.
        auto db = db::open_database(primary.string(), {.create = true});
        db->execute("CREATE TABLE events (id INTEGER PRIMARY KEY, account INTEGER NOT NULL, payload TEXT)");
        db->execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000) "
                    "INSERT INTO events (account, payload) SELECT i % 5000, printf('event %d', i) FROM n");
        db->execute("CREATE INDEX ix_events_account ON events (account)");
    }
    const auto queries = dir.path() / "reads.sql";
    {
        std::ofstream out(queries);
        for (int account = 0; account < 30; ++account) out << "SELECT count(*) FROM events WHERE account = " << account * 7 << ";\n";
    }
    const auto plan = dir.path() / "plan.json";
    std::ofstream(plan) << R"({"stages": [{"percent": 100, "min_queries": 30, "max_latency_ratio_p95": 2}]})";

    SUBCASE("the index dropped on the shadow") {
        const auto change = dir.path() / "change.sql";
        std::ofstream(change) << "DROP INDEX ix_events_account;";
        const auto manifest = dir.path() / "shadow.json";
        REQUIRE(test::run_cli({"shadow", "up", "--primary", primary.string(), "--shadow", (dir.path() / "shadow.sqlite").string(),
                               "--ddl", change.string(), "-o", manifest.string()})
                    .exit_code == 0);
        const auto run = replay({"--shadow-manifest", manifest.string(), "--queries", queries.string(), "--plan", plan.string()});
        INFO(run.report.dump(2));
        CHECK(run.exit_code == 1);
        CHECK(run.report["decision"] == "rollback");
        CHECK(total(run.report, "mismatches") == 0);
        CHECK(differences(run.report) == std::set<std::string>{"latency_regression"});
        CHECK(run.report["stages"][0]["latency"]["ratio_p95"].get<double>() > 2);
    }
    SUBCASE("an identical copy: timing noise is timed again, not reported") {
        fs::copy_file(primary, dir.path() / "copy.sqlite");
        const auto run = replay({"--primary", primary.string(), "--shadow", (dir.path() / "copy.sqlite").string(), "--queries",
                                 queries.string(), "--plan", plan.string()});
        INFO(run.report.dump(2));
        CHECK(run.exit_code == 0);
        CHECK(run.report["differences"].empty());
    }
}

TEST_CASE("writes in the stream never reach a SQLite primary; --apply-writes applies them to two copies") {
    SqliteReplay c;
    fs::copy_file(c.primary, c.shadow);
    const auto writes = test::source_path("fixtures/replay/side_effects_sqlite.sql").string();
    const auto plan = (c.dir.path() / "plan.json").string();
    std::ofstream(plan) << R"({"stages": [{"percent": 100, "min_queries": 2, "max_latency_ratio_p95": null}]})";
    const auto primary_before = test::read_file(c.primary);
    const auto shadow_before = test::read_file(c.shadow);

    for (const char* jobs : {"1", "4"}) {
        CAPTURE(jobs);
        const auto run = replay({"--primary", c.primary.string(), "--shadow", c.shadow.string(), "--queries", writes, "--plan",
                                 plan, "--jobs", jobs});
        INFO(run.err);
        CHECK(run.exit_code == 0);
        // INSERT, UPDATE, DELETE, CREATE TABLE, ALTER, CREATE INDEX, WITH … DELETE, INSERT … RETURNING, DROP
        CHECK(run.report["writes"]["in_stream"] == 9);
        CHECK(run.report["writes"]["applied"] == 0);
        CHECK(test::read_file(c.primary) == primary_before);
        CHECK(test::read_file(c.shadow) == shadow_before);
    }

    const auto applied = replay({"--primary", c.primary.string(), "--shadow", c.shadow.string(), "--queries", writes, "--plan", plan,
                                 "--apply-writes"});
    INFO(applied.err);
    CHECK(applied.exit_code == 0);
    CHECK(applied.err.find("disposable") != std::string::npos);
    CHECK(applied.report["writes"]["applied"] == 9);
    CHECK(applied.report["differences"].empty());
    // Both copies took the writes, in order, before the reads that follow them.
    for (const auto& path : {c.primary, c.shadow}) {
        auto database = db::open_database(path.string(), {.read_only = true});
        CHECK(db::value_integer(database->query("SELECT count(*) FROM Genre WHERE GenreId = 9999").rows[0][0]) == 1);
        CHECK(db::value_integer(database->query("SELECT count(*) FROM sqlite_schema WHERE name = 'replay_must_not_create'").rows[0][0]) == 1);
    }
}

TEST_CASE("--apply-writes is refused for a manifest's live primary") {
    SqliteReplay c;
    c.shadow_up("CREATE INDEX genre_name_idx ON Genre (Name)");
    const auto before = test::read_file(c.primary);
    const auto writes = test::source_path("fixtures/replay/side_effects_sqlite.sql").string();
    const auto refused = replay({"--shadow-manifest", c.manifest.string(), "--queries", writes, "--apply-writes"});
    CHECK(refused.exit_code == 2);
    CHECK(refused.err.find("live primary") != std::string::npos);
    CHECK(test::read_file(c.primary) == before);
    // A disposable copy of the primary given with --primary makes it acceptable.
    const auto copy = c.dir.path() / "primary-copy.sqlite";
    fs::copy_file(c.primary, copy);
    const auto accepted = replay({"--shadow-manifest", c.manifest.string(), "--primary", copy.string(), "--queries", writes,
                                  "--apply-writes", "--plan", k_zoo_plan, "--seed", "3"});
    INFO(accepted.err);
    CHECK(accepted.report["writes"]["applied"] == 9);
    CHECK(test::read_file(c.primary) == before);
}

TEST_CASE("a stream too short for a stage's sample holds, and says why") {
    SqliteReplay c;
    fs::copy_file(c.primary, c.shadow);
    const auto one = c.dir.path() / "one.sql";
    std::ofstream(one) << "SELECT count(*) FROM Track;\n";
    // The default plan's first stage routes 1% and needs 50 reads: 1000 passes over one read are too few.
    const auto run = replay({"--primary", c.primary.string(), "--shadow", c.shadow.string(), "--queries", one.string()});
    CHECK(run.exit_code == 1);
    CHECK(run.report["decision"] == "hold");
    CHECK(run.report["stages"][0]["status"] == "insufficient");
    CHECK(run.report["stages"][0]["positions"]["end"] == 1000);
    CHECK(run.report["stages"][1]["status"] == "not_run");
    CHECK(run.report["reason"].get<std::string>().find("of the 50 reads it needs") != std::string::npos);

    const auto writes_only = c.dir.path() / "writes.sql";
    std::ofstream(writes_only) << "DELETE FROM Track;\n";
    const auto none = replay({"--primary", c.primary.string(), "--shadow", c.shadow.string(), "--queries", writes_only.string()});
    CHECK(none.exit_code == 1);
    CHECK(none.report["decision"] == "hold");
    CHECK(none.report["reason"].get<std::string>().find("no read to compare") != std::string::npos);
}

TEST_CASE("replay's text report, -o, and its usage and input errors") {
    SqliteReplay c;
    c.shadow_up("ALTER TABLE Track RENAME COLUMN Composer TO Author");
    SUBCASE("text on stdout, the JSON document in the -o file") {
        const auto report = c.dir.path() / "report.json";
        const auto result = test::run_cli({"replay", "--shadow-manifest", c.manifest.string(), "--queries", c.reads, "--plan",
                                           k_zoo_plan, "-o", report.string()});
        CHECK(result.exit_code == 1);
        CHECK(result.out.starts_with("decision: rollback - stage "));
        CHECK(result.out.find("error_shadow_only x") != std::string::npos);
        CHECK(result.out.find("flags: READERS_BREAK") != std::string::npos);
        CHECK(Json::parse(test::read_file(report))["kind"] == "replay_report");
    }
    SUBCASE("errors") {
        CHECK(test::run_cli({"replay", "--shadow-manifest", c.manifest.string()}).exit_code == 2);  // no --queries
        CHECK(test::run_cli({"replay", "--primary", c.primary.string(), "--queries", c.reads}).exit_code == 2);
        CHECK(test::run_cli({"replay", "--primary", c.primary.string(), "--shadow", c.primary.string(), "--queries", c.reads})
                  .exit_code == 2);
        CHECK(test::run_cli({"replay", "--shadow-manifest", (c.dir.path() / "none.json").string(), "--queries", c.reads})
                  .exit_code == 3);
        const auto bad_plan = c.dir.path() / "bad.json";
        std::ofstream(bad_plan) << R"({"stages": [{"percent": 0}]})";
        const auto result = test::run_cli({"replay", "--shadow-manifest", c.manifest.string(), "--queries", c.reads, "--plan",
                                           bad_plan.string()});
        CHECK(result.exit_code == 3);
        CHECK(result.err.find("stages[0].percent") != std::string::npos);
        const auto mixed = test::run_cli({"replay", "--primary", "postgresql://me:s3cret-pw@127.0.0.1:1/db", "--shadow",
                                          c.shadow.string(), "--queries", c.reads});
        CHECK(mixed.exit_code == 2);
        CHECK(mixed.err.find("s3cret-pw") == std::string::npos);
        const auto output = c.dir.path() / "no" / "such" / "dir" / "report.json";
        CHECK(test::run_cli({"replay", "--shadow-manifest", c.manifest.string(), "--queries", c.reads, "-o", output.string()})
                  .exit_code == 3);
    }
}

// ---- PostgreSQL -------------------------------------------------------------------------------------------

namespace {

std::string scratch_name() {
    static int counter = 0;
    return "sf_replay_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
}

// A shadow of `primary_url` made by `shadow up`, dropped when the object goes away.
struct PostgresShadow {
    std::string admin_url;
    std::string name = scratch_name();
    std::string url;
    test::TempDir dir;
    fs::path manifest = dir.path() / "shadow.json";

    PostgresShadow(const std::string& admin, const std::string& primary_url, const std::string& ddl) : admin_url(admin) {
        url = *test::postgres_url(name);
        const auto file = dir.path() / "change.sql";
        std::ofstream(file) << ddl;
        const auto result = test::run_cli({"shadow", "up", "--primary", primary_url, "--shadow", url, "--ddl", file.string(), "-o",
                                           manifest.string()});
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
    }
    ~PostgresShadow() {
        try {
            db::open_database(admin_url)->execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (...) {
        }
    }
    PostgresShadow(const PostgresShadow&) = delete;
    PostgresShadow& operator=(const PostgresShadow&) = delete;
};

std::vector<std::string> postgres_queries() {
    return {test::source_path("fixtures/logs/chinook_app.log").string(),
            test::source_path("fixtures/replay/chinook_pg_reads.sql").string()};
}

// Every user table's rows (as text, sorted) hashed, and every sequence's position: what "unchanged" means.
std::map<std::string, std::string> fingerprint_database(db::Database& database) {
    std::map<std::string, std::string> state;
    const auto tables = database.query(
        "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', "
        "'information_schema') ORDER BY 1");
    for (const auto& row : tables.rows) {
        const auto table = db::value_text(row[0]);
        state["table " + table] = db::value_text(
            database.query("SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '') FROM " + table + " t")
                .rows[0][0]);
    }
    const auto sequences = database.query("SELECT format('%I.%I', schemaname, sequencename) FROM pg_sequences ORDER BY 1");
    for (const auto& row : sequences.rows) {
        const auto sequence = db::value_text(row[0]);
        state["sequence " + sequence] =
            db::value_text(database.query("SELECT last_value || ':' || is_called FROM " + sequence).rows[0][0]);
    }
    state["large objects"] = db::value_text(database.query("SELECT count(*) FROM pg_largeobject_metadata").rows[0][0]);
    // The schema: every relation, column, constraint, index and function outside the system schemas.
    state["schema"] = db::value_text(database.query(R"(
        SELECT md5(string_agg(item, E'\n' ORDER BY item)) FROM (
          SELECT format('relation %I.%I %s', n.nspname, c.relname, c.relkind) AS item
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
          UNION ALL
          SELECT format('column %I.%I.%I %s %s %s', table_schema, table_name, column_name, data_type, is_nullable,
                        column_default)
            FROM information_schema.columns WHERE table_schema NOT IN ('pg_catalog', 'information_schema')
          UNION ALL
          SELECT format('constraint %s %I %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
            FROM pg_constraint WHERE connamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
          UNION ALL
          SELECT format('function %s %s', p.oid::regprocedure, md5(p.prosrc))
            FROM pg_proc p WHERE p.pronamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
        ) items)").rows[0][0]);
    return state;
}

}  // namespace

TEST_CASE("replay change zoo on PostgreSQL: the Chinook log and reads against each change") {
    const auto admin = test::postgres_url();
    if (!admin) return;
    const auto chinook = *test::postgres_url("chinook");
    // chinook_app.log reads customer with SELECT *, track, album, artist, invoice, invoice_line and genre by
    // name; its one read of track.rating fails on Chinook (the application ahead of its schema).
    const ZooCase cases[] = {
        {"added column without SELECT *", "ALTER TABLE invoice ADD COLUMN note text", "flip", {"error_both_same"}},
        {"added column with SELECT *", "ALTER TABLE customer ADD COLUMN loyalty_tier text", "flip",
         {"shape_widened", "error_both_same"}},
        {"added column a failing read needed", "ALTER TABLE track ADD COLUMN rating integer", "flip", {"error_primary_only"}},
        {"index", "CREATE INDEX track_composer_idx ON track (composer)", "flip", {"error_both_same"}},
        {"widened type", "ALTER TABLE invoice_line ALTER COLUMN quantity TYPE bigint", "flip", {"error_both_same"}},
        {"renamed column", "ALTER TABLE track RENAME COLUMN milliseconds TO duration_ms", "rollback",
         {"error_shadow_only", "error_both_same"}},
        {"renamed table", "ALTER TABLE genre RENAME TO music_genre", "rollback", {"error_shadow_only", "error_both_same"}},
        {"dropped column", "ALTER TABLE customer DROP COLUMN fax", "rollback",
         {"shape_narrowed", "error_shadow_only", "error_both_same"}},
        {"narrowing type change that alters values", "ALTER TABLE invoice ALTER COLUMN total TYPE integer", "rollback",
         {"value_mismatch", "error_both_same"}},
    };
    auto primary = db::open_database(chinook, {.read_only = true});
    const auto before = fingerprint_database(*primary);
    for (const auto& zoo : cases) {
        SUBCASE(zoo.name) {
            PostgresShadow shadow(*admin, chinook, zoo.ddl);
            std::vector<std::string> args = {"--shadow-manifest", shadow.manifest.string(), "--plan", k_zoo_plan, "--queries"};
            for (const auto& file : postgres_queries()) args.push_back(file);
            const auto run = replay(args);
            INFO(run.err);
            INFO(run.report.dump(2));
            CHECK(run.report["decision"] == zoo.decision);
            CHECK(run.exit_code == (std::string(zoo.decision) == "flip" ? 0 : 1));
            CHECK(differences(run.report) == zoo.expected);
            CHECK(run.report["engine"] == "postgresql");
            CHECK(run.report["queries"]["reads"] == 36);
        }
    }
    CHECK(fingerprint_database(*primary) == before);
}

TEST_CASE("identity replay on PostgreSQL: zero differences beyond the log's own failing read, any job count") {
    const auto admin = test::postgres_url();
    if (!admin) return;
    const auto chinook = *test::postgres_url("chinook");
    PostgresShadow shadow(*admin, chinook, "ANALYZE");
    std::vector<std::string> args = {"--shadow-manifest", shadow.manifest.string(), "--plan", k_staged_plan, "--queries"};
    for (const auto& file : postgres_queries()) args.push_back(file);
    const auto one = replay(args);
    args.insert(args.end(), {"--jobs", "4"});
    const auto four = replay(args);
    INFO(one.err);
    CHECK(one.exit_code == 0);
    CHECK(one.report["decision"] == "flip");
    // track.rating does not exist on either side: the same error on both, reported, never blamed.
    REQUIRE(one.report["differences"].size() == 1);
    CHECK(one.report["differences"][0]["difference"] == "error_both_same");
    CHECK(one.report["differences"][0]["examples"][0]["primary"]["sqlstate"] == "42703");
    CHECK(total(one.report, "mismatches") == 0);
    CHECK(total(one.report, "errors") == 0);
    CHECK(without_timings(one.report) == without_timings(four.report));
}

TEST_CASE("writes, DDL and writing functions in the stream leave the PostgreSQL primary unchanged, any job count") {
    const auto admin = test::postgres_url();
    if (!admin) return;
    const auto chinook = *test::postgres_url("chinook");
    // The primary is itself a shadow copy of Chinook with a sequence, a table and a function that writes,
    // so it can be checked and dropped.
    PostgresShadow primary(*admin, chinook,
                           "CREATE SEQUENCE replay_probe_seq;\n"
                           "CREATE TABLE write_log (id serial PRIMARY KEY, note text);\n"
                           "INSERT INTO write_log (note) VALUES ('before replay');\n"
                           "CREATE FUNCTION writer() RETURNS integer VOLATILE LANGUAGE plpgsql AS $$\n"
                           "BEGIN INSERT INTO write_log (note) VALUES ('written by replay'); "
                           "RETURN nextval('replay_probe_seq'); END $$;");
    PostgresShadow shadow(*admin, primary.url, "CREATE INDEX artist_name_idx ON artist (name)");
    auto primary_db = db::open_database(primary.url, {.read_only = true});
    const auto before = fingerprint_database(*primary_db);
    REQUIRE(before.count("sequence public.replay_probe_seq") == 1);
    REQUIRE(before.count("table public.write_log") == 1);
    REQUIRE(before.at("table public.write_log").starts_with("1:"));
    // The checksums see a write: the function, called outside replay, changes them (on a copy).
    {
        PostgresShadow copy(*admin, primary.url, "SELECT writer()");
        CHECK(fingerprint_database(*db::open_database(copy.url, {.read_only = true})) != before);
    }

    const auto plan = (primary.dir.path() / "plan.json").string();
    std::ofstream(plan) << R"({"stages": [{"percent": 100, "min_queries": 10, "max_latency_ratio_p95": null}]})";
    for (const char* jobs : {"1", "4"}) {
        CAPTURE(jobs);
        const auto run = replay({"--primary", primary.url, "--shadow", shadow.url, "--plan", plan, "--jobs", jobs, "--queries",
                                 test::source_path("fixtures/logs/chinook_app.log").string(),
                                 test::source_path("fixtures/replay/side_effects_postgres.sql").string()});
        INFO(run.err);
        INFO(run.report.dump(2));
        CHECK(run.exit_code == 0);
        CHECK(fingerprint_database(*primary_db) == before);
        // The writing reads failed on both sides in their read-only transactions (25006), even after one of
        // them turned the session's default to read-write.
        std::set<std::string> refused;
        for (const auto& group : run.report["differences"]) {
            for (const auto& example : group["examples"]) {
                if (!example["primary"].is_null() && example["primary"]["sqlstate"] == "25006") {
                    refused.insert(group["statement"].get<std::string>());
                }
            }
        }
        CHECK(refused.count("SELECT writer()") == 1);
        CHECK(any_ends_with(refused, "\nSELECT nextval($1)"));
        CHECK(any_ends_with(refused, "SELECT writer() FROM artist WHERE artist_id = $1"));
        const auto& sources = run.report["queries"]["sources"];
        // INSERT, UPDATE, DELETE, CREATE, ALTER, DROP, TRUNCATE, FOR UPDATE, DELETE CTE, COPY FROM: never sent.
        CHECK(sources[1]["writes"] == 10);
        CHECK(sources[1]["skipped"]["read that is not a plain query (COPY, EXPLAIN, DECLARE)"] == 1);
        // LOCK, VACUUM and NOTIFY are not reads either: never sent.
        CHECK(sources[1]["skipped"]["utility statement"] == 3);
        // The advisory locks would outlive the rolled-back transaction: never sent.
        CHECK(sources[1]["skipped"].size() == 3);
        // nextval, setval, set_config, nextval, writer(), set_config + writer(), lo_create, writer() per row, a plain read.
        CHECK(sources[1]["reads"] == 9);
        CHECK(run.report["writes"]["applied"] == 0);
    }
}

TEST_CASE("noisy reads on PostgreSQL are classed as noise, and a timeout is a result, not a failure") {
    const auto admin = test::postgres_url();
    if (!admin) return;
    const auto chinook = *test::postgres_url("chinook");
    PostgresShadow shadow(*admin, chinook, "ANALYZE");
    const auto noisy = test::source_path("fixtures/replay/noisy_postgres.sql").string();
    const auto run = replay({"--shadow-manifest", shadow.manifest.string(), "--plan", k_zoo_plan, "--queries", noisy});
    INFO(run.report.dump(2));
    CHECK(run.exit_code == 0);
    CHECK(total(run.report, "mismatches") == 0);
    CHECK(differences(run.report) == std::set<std::string>{"noisy"});
    // random() twice and gen_random_uuid() differ every time. now() and clock_timestamp() differ nearly
    // always, but both sides are asked at once, so their two backends can read the clock in the same
    // microsecond (seen once in CI: four groups): then the sides agree and there is nothing to report. The
    // LIMIT without ORDER BY is compared on shape and row count only, so it is simply equal.
    std::set<std::string> noisy_statements;
    for (const auto& group : run.report["differences"]) noisy_statements.insert(group["statement"].get<std::string>());
    CHECK(any_ends_with(noisy_statements, "SELECT random()"));
    CHECK(any_ends_with(noisy_statements, "SELECT name, random() AS draw FROM artist WHERE artist_id < $1 ORDER BY artist_id"));
    CHECK(any_ends_with(noisy_statements, "SELECT gen_random_uuid()"));
    CHECK(noisy_statements.size() >= 3);
    CHECK(noisy_statements.size() <= 5);
    CHECK_FALSE(any_ends_with(noisy_statements, "SELECT name FROM track LIMIT $1"));

    const auto slow = shadow.dir.path() / "slow.sql";
    std::ofstream(slow) << "SELECT pg_sleep(2);\n";
    const auto plan = (shadow.dir.path() / "plan.json").string();
    std::ofstream(plan) << R"({"stages": [{"percent": 100, "min_queries": 1}], "noise": {"reruns": 0}})";
    const auto timed_out = replay({"--shadow-manifest", shadow.manifest.string(), "--plan", plan, "--queries", slow.string(),
                                   "--query-timeout", "100"});
    CHECK(timed_out.exit_code == 0);
    REQUIRE(timed_out.report["differences"].size() == 1);
    CHECK(timed_out.report["differences"][0]["difference"] == "error_both_same");
    CHECK(timed_out.report["differences"][0]["examples"][0]["shadow"]["sqlstate"] == "57014");
}

// Updates one invoice's total on the database in a loop, from a thread of its own, until it goes away.
class BusyWriter {
public:
    BusyWriter(const std::string& url, int invoice_id)
        : m_thread([this, url, invoice_id] {
              auto database = db::open_database(url);
              const auto update = "UPDATE invoice SET total = total + 1 WHERE invoice_id = " + std::to_string(invoice_id);
              while (!m_stop) database->execute(update);
          }) {}
    ~BusyWriter() { stop(); }
    BusyWriter(const BusyWriter&) = delete;
    BusyWriter& operator=(const BusyWriter&) = delete;
    void stop() {
        m_stop = true;
        if (m_thread.joinable()) m_thread.join();
    }

private:
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

TEST_CASE("a logically synced shadow: reads wait for the WAL, so concurrent writes are never mismatches") {
    const auto admin = test::postgres_url();
    if (!admin) return;
    const auto chinook = *test::postgres_url("chinook");
    // A copy of Chinook is the primary here: the test writes to it while replay reads.
    PostgresShadow primary(*admin, chinook, "ANALYZE");
    const std::string shadow_name = scratch_name();
    test::TempDir dir;
    const auto manifest = dir.path() / "shadow.json";
    const auto ddl = dir.path() / "change.sql";
    std::ofstream(ddl) << "ALTER TABLE customer ADD COLUMN tier text";
    const auto up = test::run_cli({"shadow", "up", "--primary", primary.url, "--shadow", *test::postgres_url(shadow_name), "--ddl",
                                   ddl.string(), "--sync", "logical", "-o", manifest.string()});
    INFO(up.err);
    REQUIRE(up.exit_code == 0);
    struct Down {
        fs::path manifest;
        ~Down() { test::run_cli({"shadow", "down", "--manifest", manifest.string()}); }
    } down{manifest};

    const auto reads = dir.path() / "reads.sql";
    {
        std::ofstream out(reads);
        for (int i = 0; i < 60; ++i) out << "SELECT invoice_id, total FROM invoice WHERE invoice_id IN (1, 2, 3) ORDER BY invoice_id;\n";
    }
    const auto plan = (dir.path() / "plan.json").string();
    std::ofstream(plan) << R"({"stages": [{"percent": 100, "min_queries": 60, "max_latency_ratio_p95": null}], "sync_wait_ms": 10000})";

    SUBCASE("writes just before the replay: each read waits until the shadow has them, no noise needed") {
        const auto sums = dir.path() / "sums.sql";
        std::ofstream(sums) << "SELECT sum(milliseconds) FROM track;\nSELECT sum(quantity) FROM invoice_line;\n";
        const auto strict = (dir.path() / "strict.json").string();
        std::ofstream(strict) << R"({"stages": [{"percent": 100, "min_queries": 20, "max_latency_ratio_p95": null}],
                                     "noise": {"reruns": 0}, "sync_wait_ms": 60000})";
        // About 35,000 row changes in one transaction: the subscriber needs a while to apply them, and a
        // replay that did not wait (checked by hand with the manifest's sync set to none) reports
        // value_mismatch for the sums.
        db::open_database(primary.url)->execute(
            "DO $$ BEGIN FOR i IN 1..10 LOOP UPDATE track SET milliseconds = milliseconds + 1; END LOOP; END $$; "
            "UPDATE invoice_line SET quantity = quantity + 1");
        const auto run = replay({"--shadow-manifest", manifest.string(), "--plan", strict, "--queries", sums.string()});
        INFO(run.report.dump(2));
        CHECK(run.exit_code == 0);
        CHECK(total(run.report, "lagged") == 0);
        CHECK(total(run.report, "same") == total(run.report, "compared"));
        CHECK(run.report["differences"].empty());
    }

    SUBCASE("a difference the shadow really has still counts, every time, while a writer keeps the primary busy") {
        // Written on the shadow alone, to a row the writer never touches, as a change would.
        db::open_database(*test::postgres_url(shadow_name))->execute("UPDATE invoice SET total = total + 100 WHERE invoice_id = 10");
        const auto tenth = dir.path() / "tenth.sql";
        std::ofstream(tenth) << "SELECT total FROM invoice WHERE invoice_id = 10;\n";
        BusyWriter writer(primary.url, 2);
        const auto run = replay({"--shadow-manifest", manifest.string(), "--plan", plan, "--queries", tenth.string()});
        writer.stop();
        INFO(run.report.dump(2));
        CHECK(total(run.report, "compared") > 0);
        CHECK(total(run.report, "mismatches") == total(run.report, "compared"));
        CHECK(total(run.report, "noisy") == 0);
    }

    BusyWriter writer(primary.url, 2);
    const auto run = replay({"--shadow-manifest", manifest.string(), "--plan", plan, "--queries", reads.string(), "--jobs", "2"});
    writer.stop();
    INFO(run.err);
    INFO(run.report.dump(2));
    CHECK(run.report["sync"] == "logical");
    CHECK(total(run.report, "mismatches") == 0);
    CHECK(total(run.report, "compared") + total(run.report, "lagged") == total(run.report, "routed"));
    CHECK(total(run.report, "compared") > 0);
    // The same result on both sides, or the primary itself moved on between two reads: never a mismatch.
    for (const auto& name : differences(run.report)) CHECK(name == "noisy");

    const auto refused = test::run_cli({"replay", "--shadow-manifest", manifest.string(), "--primary", chinook, "--queries",
                                        reads.string(), "--apply-writes"});
    CHECK(refused.exit_code == 2);
    CHECK(refused.err.find("logically synced") != std::string::npos);
}
