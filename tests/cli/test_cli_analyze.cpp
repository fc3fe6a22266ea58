// `schemaflip analyze` end to end, in-process: real logs in, profile documents out, bad input handled.
#include <doctest/doctest.h>
#include <zlib.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "support/test_support.hpp"

using namespace schemaflip;
using nlohmann::json;

namespace {

std::string shared_log(const std::string& name) { return test::shared_data_path("pglogs/" + name).string(); }
std::string app_log() { return test::source_path("fixtures/logs/chinook_app.log").string(); }

json analyze_json(std::vector<std::string> args) {
    args.insert(args.begin(), {"--format", "json", "analyze"});
    const auto result = test::run_cli(args);
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    return json::parse(result.out);
}

const json* find_fingerprint(const json& profile, const std::string& example_start) {
    for (const auto& fingerprint : profile["fingerprints"]) {
        if (fingerprint["example"].get<std::string>().rfind(example_start, 0) == 0) return &fingerprint;
    }
    return nullptr;
}

void write(const std::filesystem::path& path, const std::string& content) {
    std::ofstream(path, std::ios::binary) << content;
}

}  // namespace

TEST_CASE("the same events in stderr, csvlog and jsonlog give identical profiles apart from the sources") {
    auto stderr_profile = analyze_json({shared_log("pg15gen__gen_a.log")});
    auto csv_profile = analyze_json({shared_log("pg15gen__gen_a.csv")});
    auto json_profile = analyze_json({shared_log("pg15gen__gen_a.json")});
    CHECK(stderr_profile["summary"]["executed_statements"] == 298);
    CHECK(stderr_profile["summary"]["bind_parameters"] == 340);
    for (auto* profile : {&stderr_profile, &csv_profile, &json_profile}) profile->erase("sources");
    CHECK(stderr_profile.dump(1) == csv_profile.dump(1));
    CHECK(stderr_profile.dump(1) == json_profile.dump(1));
}

TEST_CASE("analyze finds what an application does to Chinook: statements, tables, DDL, missing objects") {
    const auto profile = analyze_json({app_log()});

    SUBCASE("reads are fingerprinted once per shape, with durations and literals masked") {
        const auto* by_album = find_fingerprint(profile, "SELECT t.name, t.milliseconds FROM track t WHERE t.album_id = $1");
        REQUIRE(by_album != nullptr);
        CHECK((*by_album)["count"] == 6);
        CHECK((*by_album)["timed"] == 6);
        CHECK((*by_album)["kind"] == "read");
        CHECK((*by_album)["tables_read"] == json::array({"track"}));
        CHECK((*by_album)["filter_columns"] == json::array({"track.album_id"}));
        const auto* star = find_fingerprint(profile, "SELECT * FROM customer WHERE email = $1");
        REQUIRE(star != nullptr);
        CHECK((*star)["select_star"] == true);
        CHECK((*star)["count"] == 4);
    }
    SUBCASE("a statement logged by log_statement gets the bare duration that follows it") {
        const auto* update = find_fingerprint(profile, "UPDATE customer SET phone = $1 WHERE customer_id = $2");
        REQUIRE(update != nullptr);
        CHECK((*update)["kind"] == "write");
        CHECK((*update)["count"] == 2);
        CHECK((*update)["timed"] == 2);
    }
    SUBCASE("tables carry read and write counts and the columns in use") {
        json customer;
        for (const auto& table : profile["tables"]) {
            if (table["name"] == "customer") customer = table;
        }
        REQUIRE(customer.is_object());
        CHECK(customer["writes"].get<int>() >= 2);
        CHECK(customer["reads"].get<int>() >= 4);
        const auto columns = customer["columns"].get<std::vector<std::string>>();
        CHECK(std::find(columns.begin(), columns.end(), "email") != columns.end());
    }
    SUBCASE("the migration becomes a DDL timeline in the history vocabulary") {
        std::vector<std::string> ops;
        for (const auto& event : profile["ddl_events"]) ops.push_back(event["op"].get<std::string>() + " " + event["table"].get<std::string>());
        CHECK(ops == std::vector<std::string>{"add_column track", "add_index track", "alter_column_null customer", "drop_index ",
                                              "drop_column track"});
    }
    SUBCASE("queries ahead of the schema become missing objects") {
        std::map<std::string, int> missing;
        for (const auto& object : profile["missing_objects"]) {
            missing[object["kind"].get<std::string>() + " " + object["table"].get<std::string>() + "." +
                    object["column"].get<std::string>()] = object["count"];
        }
        CHECK(missing == std::map<std::string, int>{{"column track.rating", 2}, {"table review.", 1},
                                                    {"column customer.loyalty_tier", 1}});
    }
}

TEST_CASE("--keep-literals keeps the first example's literal values") {
    const auto profile = analyze_json({"--keep-literals", app_log()});
    CHECK(find_fingerprint(profile, "SELECT * FROM customer WHERE email = 'luisg@embraer.com.br'") != nullptr);
}

TEST_CASE("analyze reads several files, and .gz directly, into one profile") {
    const auto profile = analyze_json({shared_log("pgbadger__light.postgres.log"), shared_log("pgbadger__rds.log.gz")});
    CHECK(profile["sources"].size() == 2);
    CHECK(profile["summary"]["executed_statements"] == 629 + 114594);
}

TEST_CASE("--jobs splits a large stderr log without changing the profile") {
    test::TempDir dir;
    const auto big = dir.path() / "rds.log";
    {
        gzFile in = gzopen(shared_log("pgbadger__rds.log.gz").c_str(), "rb");
        REQUIRE(in != nullptr);
        std::ofstream out(big, std::ios::binary);
        char buffer[1 << 16];
        for (int got; (got = gzread(in, buffer, sizeof buffer)) > 0;) out.write(buffer, got);
        gzclose(in);
    }
    const auto one = analyze_json({"--jobs", "1", big.string()});
    const auto two = analyze_json({"--jobs", "2", big.string()});
    CHECK(one["summary"]["executed_statements"] == 114594);
    CHECK(one.dump(1) == two.dump(1));
}

TEST_CASE("analyze bad input") {
    test::TempDir dir;

    SUBCASE("unknown --log-format is a usage error listing the formats") {
        const auto result = test::run_cli({"analyze", "--log-format", "mysql", app_log()});
        CHECK(result.exit_code == 2);
        CHECK(result.err.find("csvlog") != std::string::npos);
    }
    SUBCASE("a missing file is bad input") {
        const auto result = test::run_cli({"analyze", (dir.path() / "nope.log").string()});
        CHECK(result.exit_code == 3);
    }
    SUBCASE("a file with no recognised record is bad input, never an empty success") {
        const auto garbage = dir.path() / "garbage.log";
        std::string bytes;
        for (int i = 0; i < 5000; ++i) bytes += static_cast<char>((i * 7919) % 256);
        write(garbage, bytes);
        const auto result = test::run_cli({"analyze", garbage.string()});
        CHECK(result.exit_code == 3);
        CHECK(result.out.empty());
    }
    SUBCASE("garbage, invalid UTF-8 and a 50 MB line inside a log are counted, not fatal; --strict makes them exit 3") {
        const auto log = dir.path() / "mixed.log";
        std::string content = test::read_file(app_log());
        const auto cut = content.find('\n', content.size() / 2) + 1;
        std::string inserted = "\x01\x02\xff\xfe binary \xc3\x28 garbage\n" + std::string(50u << 20, 'x') + "\n";
        content.insert(cut, inserted);
        write(log, content);
        const auto lenient = test::run_cli({"--format", "json", "analyze", log.string()});
        REQUIRE(lenient.exit_code == 0);
        const auto profile = json::parse(lenient.out);
        CHECK(profile["unrecognised"]["count"].get<int>() >= 2);
        CHECK(profile["summary"]["executed_statements"] == analyze_json({app_log()})["summary"]["executed_statements"]);

        const auto target = dir.path() / "strict.json";
        const auto strict = test::run_cli({"analyze", "--strict", log.string(), "-o", target.string()});
        CHECK(strict.exit_code == 3);
        CHECK_FALSE(std::filesystem::exists(target));
    }
    SUBCASE("a truncated .gz is read up to the damage and reported") {
        const auto whole = test::read_file(shared_log("pgbadger__rds.log.gz"));
        const auto truncated = dir.path() / "truncated.log.gz";
        write(truncated, whole.substr(0, whole.size() / 2));
        const auto result = test::run_cli({"--format", "json", "analyze", truncated.string()});
        REQUIRE(result.exit_code == 0);
        const auto profile = json::parse(result.out);
        CHECK(profile["sources"][0]["damage"].is_string());
        CHECK(profile["summary"]["executed_statements"].get<int>() > 1000);
        CHECK(test::run_cli({"analyze", "--strict", truncated.string()}).exit_code == 3);
    }
}

TEST_CASE("--schema attributes unqualified columns of a join, from a live database or a snapshot file") {
    const auto url = test::postgres_url("chinook");
    if (!url) return;
    test::TempDir dir;
    const auto script = dir.path() / "queries.sql";
    write(script, "SELECT name, title FROM album JOIN artist USING (artist_id) WHERE name = 'AC/DC';\n");
    const auto columns_of = [](const json& profile) {
        return profile["fingerprints"][0]["columns"].get<std::vector<std::string>>();
    };
    // Without a schema, name and title could belong to either table.
    const auto bare = columns_of(analyze_json({script.string()}));
    CHECK(std::find(bare.begin(), bare.end(), "artist.name") == bare.end());

    const auto live = columns_of(analyze_json({"--schema", *url, script.string()}));
    CHECK(std::find(live.begin(), live.end(), "artist.name") != live.end());
    CHECK(std::find(live.begin(), live.end(), "album.title") != live.end());

    const auto snapshot = dir.path() / "chinook.json";
    REQUIRE(test::run_cli({"--format", "json", "inspect", *url, "-o", snapshot.string()}).exit_code == 0);
    CHECK(columns_of(analyze_json({"--schema", snapshot.string(), script.string()})) == live);
}

TEST_CASE("passwords in logged role, user mapping and subscription statements stay out of the profile") {
    test::TempDir dir;
    const auto log = dir.path() / "roles.sql";
    write(log,
          "CREATE ROLE app LOGIN PASSWORD 'pw-role-1';\n"
          "ALTER ROLE app WITH PASSWORD 'pw-role-2' VALID UNTIL 'infinity';\n"
          "ALTER USER app PASSWORD 'pw-role-3';\n"
          "CREATE USER MAPPING FOR app SERVER remote OPTIONS (user 'r', password 'pw-mapping');\n"
          "CREATE SUBSCRIPTION s CONNECTION 'host=db dbname=app password=pw-subscription' PUBLICATION p;\n"
          "CREATE TABLE t (id integer DEFAULT 7, note text DEFAULT 'kept');\n");
    for (const bool keep_literals : {false, true}) {
        CAPTURE(keep_literals);
        std::vector<std::string> args = {log.string()};
        if (keep_literals) args.push_back("--keep-literals");
        const auto profile = analyze_json(args).dump();
        CHECK(profile.find("pw-") == std::string::npos);
        // The statements are still there, their literals as parameters.
        CHECK(profile.find("ALTER ROLE app WITH PASSWORD $1") != std::string::npos);
        // Other DDL keeps its literals in the schema-change timeline: they are what changed.
        CHECK(profile.find("DEFAULT 'kept'") != std::string::npos);
    }
}
