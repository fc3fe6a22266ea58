// Hostile identifiers and literals are data, never SQL: a table and columns whose names carry quotes,
// semicolons, comments, unicode and more than 63 bytes, rows whose values are injection attempts, and logs,
// history rows and migration files full of them go through the whole chain (analyze, predict --history
// --pending --db, train, inspect, shadow up with a change on the hostile table, replay, flip, rollback
// --apply) on SQLite and on PostgreSQL. Every command ends with a documented exit code (never 5, the
// internal error), and the canary table x still holds its rows on the primary and the shadow.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/db/database.hpp"
#include "support/test_support.hpp"

using namespace schemaflip;
namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

// As written in SQL (quoted identifiers, '' in literals).
const std::string k_table = R"("evil""; DROP TABLE x; --")";
const std::string k_column = R"("col'); DROP TABLE x; --")";
const std::string k_unicode = R"("naïve_表_ß ☃")";
const std::string k_overlong = "\"overlong_" + std::string(61, 'a') + "\"";  // 70 bytes: PostgreSQL keeps 63
const std::string k_literal = R"('''); DROP TABLE x; --')";
const std::string k_literal2 = R"('"; DROP TABLE x; --')";

std::vector<std::string> setup_statements(bool postgres) {
    const std::string key = postgres ? "integer PRIMARY KEY" : "INTEGER PRIMARY KEY";
    return {
        "CREATE TABLE x (id " + key + ", v text)",
        "INSERT INTO x VALUES (1, 'one'), (2, 'two'), (3, 'three')",
        "CREATE TABLE " + k_table + " (id " + key + ", " + k_column + " text, " + k_unicode + " text, " + k_overlong + " integer)",
        "INSERT INTO " + k_table + " VALUES (1, " + k_literal + ", 'ünïcödé ☃', 5), (2, " + k_literal2 + ", '/* */ --', 6), "
        "(3, 'plain', NULL, 7)",
    };
}

// The reads an application with these names would send, and one injection that worked: a read followed
// by a DROP in one statement string.
std::string hostile_queries() {
    return "SELECT " + k_column + " FROM " + k_table + " WHERE id = 1;\n" +
           "SELECT * FROM " + k_table + " WHERE " + k_column + " = " + k_literal + " ORDER BY id;\n" +
           "SELECT " + k_unicode + ", " + k_overlong + " FROM " + k_table + " ORDER BY id;\n" +
           "SELECT id FROM " + k_table + " WHERE " + k_column + " = " + k_literal2 + " /* '; DROP TABLE x; -- */ ORDER BY id;\n" +
           "SELECT id FROM x WHERE v = ''; DROP TABLE x; --';\n" +
           "SELECT count(*) FROM x WHERE v <> '\"; DELETE FROM x; --';\n" +
           "SELECT count(*) FROM x;\n";
}

// The same statements as a PostgreSQL stderr log (one of them over several lines).
std::string hostile_log() {
    std::string log;
    int second = 0;
    std::string statements = hostile_queries();
    for (std::size_t start = 0, end; (end = statements.find(";\n", start)) != std::string::npos; start = end + 2) {
        std::string statement = statements.substr(start, end - start);
        if (statement.find("'; DROP") != std::string::npos) statement += ";\n\tDROP TABLE x; --";
        char prefix[64];
        std::snprintf(prefix, sizeof prefix, "2024-05-01 10:00:%02d.000 UTC [%d] ", second, 100 + second);
        ++second;
        log += std::string(prefix) + "LOG:  statement: " + statement + "\n";
    }
    return log;
}

// Schema-history rows naming the hostile table and column (CSV quoting doubles the quote).
std::string hostile_history() {
    const std::string table = R"("evil""; DROP TABLE x; --")";
    const std::string column = R"("col'); DROP TABLE x; --")";
    std::string csv = "project,migration_id,ts,table,op,column,detail\n";
    const char* days[] = {"01", "05", "09", "13", "17", "21", "25"};
    int i = 0;
    for (const char* op : {"create_table", "add_column", "rename_column", "add_index", "alter_column_type", "drop_column"}) {
        csv += std::string("hostile/app,000") + std::to_string(i) + "_x'; DROP TABLE x; --,2024-03-" + days[i] + "T10:00:00Z," +
               table + "," + op + "," + (std::string(op) == "create_table" ? "" : column) + "," +
               (std::string(op) == "rename_column" ? R"("to:y""); DROP TABLE x; --")" : "") + "\n";
        ++i;
    }
    csv += "hostile/app,0009,2024-03-30T10:00:00Z,naïve_表,create_table,,\n";
    return csv;
}

struct Run {
    int exit_code;
    std::string out;
    std::string err;
};

Run run(const std::vector<std::string>& args) {
    const auto result = test::run_cli(args);
    INFO(args.front(), " ", (args.size() > 1 ? args[1] : ""), ": ", result.err);
    // Never the internal error: every hostile input is either handled or refused as bad input.
    CHECK(result.exit_code != 5);
    return {result.exit_code, result.out, result.err};
}

std::int64_t canary_rows(const std::string& url) {
    auto database = db::open_database(url, {.read_only = true});
    return db::value_integer(database->query("SELECT count(*) FROM x").rows.at(0).at(0));
}

// The pending migration's event in a predictions document, with its change ID.
std::string pending_change_id(const Json& predictions) {
    for (const auto& event : predictions.at("events")) {
        for (const auto& evidence : event.at("evidence")) {
            if (evidence.at("source") == "pending_migration" && !event.at("ddl").is_null()) return event.at("id");
        }
    }
    return {};
}

// The whole chain on a primary that holds the hostile table; `shadow_url(n)` gives the n-th shadow's URL.
void run_chain(const std::string& primary, const std::function<std::string(int)>& shadow_url, const fs::path& dir) {
    const auto write = [&dir](const char* name, const std::string& text) {
        std::ofstream(dir / name, std::ios::binary) << text;
        return (dir / name).string();
    };
    const auto reads = write("hostile.sql", hostile_queries());
    const auto log = write("hostile.log", hostile_log());
    const auto history = write("history.csv", hostile_history());
    fs::create_directories(dir / "pending");
    std::ofstream(dir / "pending" / "20990101000000_hostile.sql")
        << "-- migrate:up\nALTER TABLE " << k_table << " ADD COLUMN \"p'); DROP TABLE x; --\" text DEFAULT " << k_literal
        << ";\n-- migrate:down\n";
    const auto change = write("change.sql", "ALTER TABLE " + k_table + " ADD COLUMN \"added\"\"; DROP TABLE x; --\" text DEFAULT " +
                                                k_literal + ";\nCREATE INDEX \"ix'; DROP TABLE x; --\" ON " + k_table + " (" +
                                                k_column + ", " + k_unicode + ");\n");
    const auto plan = write("plan.json", R"({"stages": [{"percent": 100, "min_queries": 5, "max_latency_ratio_p95": null}]})");
    const auto at = [&dir](const char* name) { return (dir / name).string(); };

    auto inspected = run({"--format", "json", "inspect", primary, "-o", at("snapshot.json")});
    CHECK(inspected.exit_code == 0);
    CHECK(test::read_file(at("snapshot.json")).find("col'); DROP TABLE x; --") != std::string::npos);

    CHECK(run({"--format", "json", "analyze", reads, "-o", at("profile-sql.json")}).exit_code == 0);
    CHECK(run({"--format", "json", "analyze", log, "-o", at("profile.json")}).exit_code == 0);
    const auto profile = Json::parse(test::read_file(at("profile.json")));
    CHECK(profile.dump().find("DROP TABLE x") != std::string::npos);  // the injection is seen, as a statement

    const auto trained = run({"train", "--history", history, "--rounds", "2", "-o", at("model.json")});
    CHECK((trained.exit_code == 0 || trained.exit_code == 3));

    const auto predicted = run({"--format", "json", "predict", "--profile", at("profile.json"), "--db", primary, "--history", history,
                                "--pending", (dir / "pending").string(), "-o", at("predictions.json")});
    REQUIRE((predicted.exit_code == 0 || predicted.exit_code == 1));
    CHECK(canary_rows(primary) == 3);

    // A shadow with the hostile change, replayed, flipped, rolled back.
    const auto shadow = shadow_url(0);
    CHECK(run({"shadow", "up", "--primary", primary, "--shadow", shadow, "--ddl", change, "-o", at("shadow.json")}).exit_code == 0);
    CHECK(canary_rows(shadow) == 3);
    for (const char* jobs : {"1", "3"}) {
        const auto replayed = run({"replay", "--shadow-manifest", at("shadow.json"), "--queries", reads, log, "--plan", plan, "--jobs",
                                   jobs, "-o", at("report.json")});
        CHECK((replayed.exit_code == 0 || replayed.exit_code == 1));
        CHECK(canary_rows(primary) == 3);
        CHECK(canary_rows(shadow) == 3);
    }
    const auto report = Json::parse(test::read_file(at("report.json")));
    CHECK(report["queries"]["reads"].get<int>() >= 10);
    CHECK(report["queries"]["writes"].get<int>() >= 2);  // the DROP TABLE x of each source, never sent
    const auto flipped = run({"flip", "--report", at("report.json"), "--shadow-manifest", at("shadow.json"), "-o", at("task.json")});
    CHECK((flipped.exit_code == 0 || flipped.exit_code == 1));
    CHECK(run({"rollback", "--task", at("task.json")}).exit_code == 0);
    const auto rolled_back = run({"rollback", "--task", at("task.json"), "--db", shadow, "--apply"});
    CHECK(rolled_back.exit_code == 0);
    CHECK(canary_rows(shadow) == 3);
    CHECK(run({"shadow", "down", "--manifest", at("shadow.json")}).exit_code == 0);

    // The pending migration, as predict turned it into a change, applied by shadow up --changes.
    const auto change_id = pending_change_id(Json::parse(test::read_file(at("predictions.json"))));
    REQUIRE_FALSE(change_id.empty());
    const auto second = shadow_url(1);
    const auto up = run({"shadow", "up", "--primary", primary, "--shadow", second, "--changes", at("predictions.json"), "--change",
                         change_id, "-o", at("shadow2.json")});
    CHECK(up.exit_code == 0);
    CHECK(canary_rows(second) == 3);
    CHECK(run({"shadow", "down", "--manifest", at("shadow2.json")}).exit_code == 0);
    CHECK(canary_rows(primary) == 3);
}

}  // namespace

TEST_CASE("hostile names and literals through the whole chain on SQLite") {
    test::TempDir dir;
    const auto primary = dir.path() / "primary.sqlite";
    {
        auto database = db::open_database(primary.string(), {.create = true});
        for (const auto& statement : setup_statements(false)) database->execute(statement);
    }
    run_chain(primary.string(), [&dir](int n) { return (dir.path() / ("shadow" + std::to_string(n) + ".sqlite")).string(); },
              dir.path());
    CHECK(canary_rows(primary.string()) == 3);
}

TEST_CASE("hostile names and literals through the whole chain on PostgreSQL") {
    const auto admin = test::postgres_url();
    if (!admin) return;
    test::ScratchPostgresDatabase primary(*admin);
    {
        auto database = db::open_database(primary.url());
        for (const auto& statement : setup_statements(true)) database->execute(statement);
    }
    test::TempDir dir;
    std::vector<std::unique_ptr<test::ScratchPostgresDatabase>> shadows;
    const auto shadow_url = [&](int n) {
        // A name shadow up creates; the scratch object only guarantees it is dropped at the end.
        shadows.push_back(std::make_unique<test::ScratchPostgresDatabase>(*admin));
        db::open_database(*admin)->execute("DROP DATABASE " + shadows.back()->name());
        (void)n;
        return shadows.back()->url();
    };
    run_chain(primary.url(), shadow_url, dir.path());
    CHECK(canary_rows(primary.url()) == 3);
}
