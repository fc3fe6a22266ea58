// `schemaflip predict` end to end: JSON and text on SQLite and PostgreSQL inputs, determinism, the
// --fail-above gate, --top, and bad inputs with their exit codes (nothing written, no password shown).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/db/database.hpp"
#include "core/schema/introspect.hpp"
#include "core/schema/snapshot.hpp"
#include "core/sql/statement_info.hpp"
#include "support/test_support.hpp"

using namespace schemaflip;
namespace fs = std::filesystem;

namespace {

const std::string k_at = "2026-11-25";
// Before the first DDL of the Chinook log (2026-11-24T01:47Z): no history, so the model scores nothing
// and the numbers below depend only on the generators and the risk formula.
const std::string k_before_history = "2026-11-24";

std::string fixture(const std::string& relative) { return test::source_path(relative).string(); }

nlohmann::json run_json(const std::vector<std::string>& predict_args, const std::string& at = k_at) {
    std::vector<std::string> args = {"--format", "json", "predict", "--at", at};
    args.insert(args.end(), predict_args.begin(), predict_args.end());
    const auto result = test::run_cli(args);
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    return nlohmann::json::parse(result.out);
}

const nlohmann::json* event_of(const nlohmann::json& document, const std::string& table, const std::string& type,
                               const std::string& column) {
    for (const auto& event : document["events"]) {
        const bool column_matches = column.empty() ? event["column"].is_null() : event["column"] == column;
        if (event["table"] == table && event["type"] == type && column_matches) return &event;
    }
    return nullptr;
}

double highest_risk(const nlohmann::json& document) {
    double highest = 0;
    for (const auto& event : document["events"]) highest = std::max(highest, event["risk_score"].get<double>());
    return highest;
}

}  // namespace

TEST_CASE("predict cli: data patterns of a SQLite file, sorted by risk, identical on a second run") {
    const std::vector<std::string> args = {"--db", fixture("fixtures/predict/patterns.sqlite")};
    auto first = run_json(args);
    auto second = run_json(args);
    CHECK(first["kind"] == "predictions");
    CHECK(first["horizon_days"] == 30);
    CHECK(first["created"].get<std::string>().size() == 24);
    first.erase("created");
    second.erase("created");
    CHECK(first.dump() == second.dump());

    const auto* retype = event_of(first, "accounts", "alter_column_type", "external_ref");
    REQUIRE(retype != nullptr);
    CHECK((*retype)["ddl"][0] == "ALTER TABLE \"accounts\" ALTER COLUMN \"external_ref\" TYPE INTEGER");
    CHECK((*retype)["id"] == sql::change_id({(*retype)["ddl"][0].get<std::string>()}));
    CHECK((*retype)["window"]["from"] == k_at);
    CHECK((*retype)["window"]["to"] == "2026-12-25");
    CHECK((*retype)["evidence"][0]["source"] == "data_pattern");
    double previous = 101;
    for (const auto& event : first["events"]) {
        CHECK(event["risk_score"].get<double>() <= previous);
        previous = event["risk_score"].get<double>();
    }
}

TEST_CASE("predict cli: a pending migration that drops a column the workload uses trips --fail-above") {
    const std::vector<std::string> inputs = {"--pending", fixture("fixtures/predict/pending"), "--profile",
                                             fixture("fixtures/predict/chinook_app.profile.json")};
    const auto document = run_json(inputs, k_before_history);
    const auto* drop = event_of(document, "invoice", "drop_column", "billing_country");
    REQUIRE(drop != nullptr);
    CHECK((*drop)["likelihood"] == 1.0);
    CHECK((*drop)["impact"]["breaks"]["queries"].size() == 2);
    // The pending migration and the application's failing queries name the same added column: one event.
    const auto* tier = event_of(document, "customer", "add_column", "loyalty_tier");
    REQUIRE(tier != nullptr);
    CHECK((*tier)["evidence"][0]["source"] == "pending_migration");
    bool has_missing = false;
    for (const auto& evidence : (*tier)["evidence"]) has_missing = has_missing || evidence["source"] == "missing_object";
    CHECK(has_missing);
    CHECK(event_of(document, "customer", "add_column", "loyalty_tier") == tier);

    const double highest = highest_risk(document);
    CHECK(highest == (*drop)["risk_score"].get<double>());
    char at_highest[32], above_highest[32];
    std::snprintf(at_highest, sizeof at_highest, "%.1f", highest);
    std::snprintf(above_highest, sizeof above_highest, "%.1f", highest + 0.1);

    test::TempDir dir;
    const auto out = dir.path() / "predictions.json";
    std::vector<std::string> gate = {"--format", "json", "predict", "--at", k_before_history, "-o", out.string(), "--fail-above", at_highest};
    gate.insert(gate.end(), inputs.begin(), inputs.end());
    const auto tripped = test::run_cli(gate);
    CHECK(tripped.exit_code == 1);
    CHECK(tripped.err.find("1 event(s) at or above risk") != std::string::npos);
    CHECK(fs::exists(out));  // the document is written for the CI job to keep
    gate[8] = above_highest;
    CHECK(test::run_cli(gate).exit_code == 0);
}

TEST_CASE("predict cli: the text table, --top, and the missing objects of the Chinook log") {
    const auto result = test::run_cli({"predict", "--at", k_before_history, "--profile",
                                       fixture("fixtures/predict/chinook_app.profile.json"), "--top", "2"});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    CHECK(result.out.find("2 predicted changes, 2026-11-24 to 2026-12-24 (horizon 30 days), by risk") == 0);
    CHECK(result.out.find("customer.loyalty_tier") != std::string::npos);
}

TEST_CASE("predict cli: bad input exits 3, bad usage 2, an unreachable database 4 without its password") {
    test::TempDir dir;
    const auto not_json = dir.path() / "profile.json";
    std::ofstream(not_json) << "{ not json";
    const auto profile = fixture("fixtures/predict/chinook_app.profile.json");
    const auto run = [](std::vector<std::string> args) {
        args.insert(args.begin(), "predict");
        return test::run_cli(args);
    };
    CHECK(run({"--profile", (dir.path() / "missing.json").string()}).exit_code == 3);
    CHECK(run({"--profile", not_json.string()}).exit_code == 3);
    CHECK(run({"--profile", fixture("fixtures/cli/inspect/chinook_sqlite_json/expected.stdout")}).exit_code == 3);
    CHECK(run({"--snapshot", profile}).exit_code == 3);
    CHECK(run({"--pending", (dir.path() / "nope.sql").string()}).exit_code == 3);
    CHECK(run({"--history", (dir.path() / "nope.csv").string()}).exit_code == 3);
    CHECK(run({"--db", (dir.path() / "nope.sqlite").string()}).exit_code == 3);
    CHECK_FALSE(fs::exists(dir.path() / "nope.sqlite"));  // never created
    CHECK(run({"--profile", profile, "-o", (dir.path() / "no/such/dir/p.json").string()}).exit_code == 3);
    CHECK(run({}).exit_code == 2);
    CHECK(run({"--db", "x.sqlite", "--snapshot", profile}).exit_code == 2);
    CHECK(run({"--profile", profile, "--fail-above", "101"}).exit_code == 2);
    CHECK(run({"--profile", profile, "--horizon", "soon"}).exit_code == 2);
    CHECK(run({"--profile", profile, "--at", "yesterday"}).exit_code == 2);

    const auto unreachable = run({"--db", "postgresql://alice:s3cret-pw@127.0.0.1:1/app"});
    CHECK(unreachable.exit_code == 4);
    CHECK(unreachable.err.find("s3cret-pw") == std::string::npos);
    CHECK(unreachable.err.find("alice:***@") != std::string::npos);
}

TEST_CASE("predict cli: hostile table names end up quoted in DDL and are never executed") {
    test::TempDir dir;
    const auto path = dir.path() / "hostile.sqlite";
    {
        auto database = db::open_database(path.string(), {.create = true});
        database->execute("CREATE TABLE victim (id INTEGER);"
                          "CREATE TABLE \"t\"\"; DROP TABLE victim; --\" (id INTEGER PRIMARY KEY, n TEXT);"
                          "INSERT INTO \"t\"\"; DROP TABLE victim; --\" VALUES (1, '1'), (2, '2'), (3, '3');");
    }
    const auto before = test::read_file(path);
    const auto document = run_json({"--db", path.string()});
    const auto* retype = event_of(document, "t\"; DROP TABLE victim; --", "alter_column_type", "n");
    REQUIRE(retype != nullptr);
    const auto statement = (*retype)["ddl"][0].get<std::string>();
    CHECK(statement == "ALTER TABLE \"t\"\"; DROP TABLE victim; --\" ALTER COLUMN \"n\" TYPE INTEGER");
    CHECK(sql::split_statements(statement).size() == 1);
    CHECK(test::read_file(path) == before);  // read only: not a byte changed
}

TEST_CASE("predict cli: the Chinook sample on PostgreSQL, read only, with the workload of its log") {
    const auto url = test::postgres_url("chinook");
    if (!url) return;
    auto database = db::open_database(*url, {.read_only = true});
    const auto before = schema::to_json(schema::introspect(*database, {.exact_counts = true})).dump();

    const auto document = run_json({"--db", *url, "--profile", fixture("fixtures/predict/chinook_app.profile.json"),
                                    "--pending", fixture("fixtures/predict/pending"), "--sample-rows", "1000"});
    // Missing objects the application queries, on the live schema.
    CHECK(event_of(document, "track", "add_column", "rating") != nullptr);
    CHECK(event_of(document, "review", "create_table", "") != nullptr);
    // Filters without an index, against the live indexes (invoice has customer_id indexed, not billing_country).
    const auto* index = event_of(document, "invoice", "add_index", "billing_country");
    REQUIRE(index != nullptr);
    CHECK((*index)["ddl"][0] == "CREATE INDEX CONCURRENTLY invoice_billing_country_idx ON invoice (billing_country)");
    CHECK(event_of(document, "invoice", "add_index", "customer_id") == nullptr);
    // Data patterns from the sample: email is distinct on every customer and has no unique index.
    const auto* email = event_of(document, "customer", "add_index", "email");
    REQUIRE(email != nullptr);
    bool unique_index = false;
    for (const auto& event : document["events"]) {
        if (event["table"] != "customer" || event["column"] != "email" || event["ddl"].is_null()) continue;
        unique_index = unique_index || event["ddl"][0].get<std::string>().find("CREATE UNIQUE INDEX CONCURRENTLY") == 0;
    }
    CHECK(unique_index);
    // The pending drop on a real table: its size comes from the catalog.
    const auto* drop = event_of(document, "invoice", "drop_column", "billing_country");
    REQUIRE(drop != nullptr);
    CHECK((*drop)["impact"]["table"]["rows"] == 412);
    CHECK((*drop)["impact"]["table"]["bytes"].get<std::int64_t>() > 0);
    // Nothing changed on the server.
    CHECK(schema::to_json(schema::introspect(*database, {.exact_counts = true})).dump() == before);
}

TEST_CASE("predict cli: --history and --model: the model's probability is the likelihood of a named change") {
    test::TempDir dir;
    // A model trained by `schemaflip train` on one real project of the shared histories.
    const auto history_csv = dir.path() / "lobsters.csv";
    {
        std::ifstream in(test::shared_data_path("schema-history/train.csv"));
        std::ofstream out(history_csv);
        std::string line;
        std::getline(in, line);
        out << line << '\n';
        while (std::getline(in, line)) {
            if (line.starts_with("lobsters/lobsters,")) out << line << '\n';
        }
    }
    const auto model = dir.path() / "model.ubj";
    const auto trained = test::run_cli({"train", "--history", history_csv.string(), "-o", model.string()});
    INFO(trained.err);
    REQUIRE(trained.exit_code == 0);

    // The application's own history: orders changes in three migrations within the last 90 days.
    const auto app = dir.path() / "app.csv";
    std::ofstream(app) << "project,migration_id,ts,table,op,column,detail\n"
                          "app,1,2026-01-05T00:00:00Z,orders,create_table,,id:integer\n"
                          "app,2,2026-09-01T00:00:00Z,orders,add_column,note,text\n"
                          "app,3,2026-10-01T00:00:00Z,orders,add_index,note,\n"
                          "app,4,2026-11-01T00:00:00Z,orders,add_column,total,numeric\n";
    const auto probability = [](const nlohmann::json& event) {
        for (const auto& evidence : event["evidence"]) {
            if (evidence["source"] != "model") continue;
            const auto detail = evidence["detail"].get<std::string>();
            return std::stod(detail.substr(detail.find(") = ") + 4));
        }
        FAIL("no model evidence");
        return 0.0;
    };
    const auto month = run_json({"--history", app.string(), "--model", model.string()});
    const auto* orders = event_of(month, "orders", "add_column", "");
    REQUIRE(orders != nullptr);
    const double p30 = probability(*orders);
    CHECK(p30 > 0.0);
    CHECK((*orders)["likelihood"].get<double>() == doctest::Approx(p30).epsilon(0.001));
    CHECK((*orders)["evidence"][0]["source"] == "history");

    const auto two_months = run_json({"--history", app.string(), "--model", model.string(), "--horizon", "60d"});
    CHECK(two_months["horizon_days"] == 60);
    const double p60 = probability(*event_of(two_months, "orders", "add_column", ""));
    CHECK(p60 == doctest::Approx(1.0 - (1.0 - p30) * (1.0 - p30)).epsilon(0.001));
}

TEST_CASE("predict cli: shadow up --changes applies a predicted event by its ID, under the same change ID") {
    test::TempDir dir;
    const auto primary = dir.path() / "primary.sqlite";
    fs::copy_file(test::source_path("fixtures/sampledb/chinook.sqlite"), primary);
    const auto predictions = dir.path() / "predictions.json";
    const auto predicted = test::run_cli({"--format", "json", "predict", "--at", k_at, "--db", primary.string(), "-o",
                                          predictions.string()});
    REQUIRE(predicted.exit_code == 0);
    const auto document = nlohmann::json::parse(test::read_file(predictions));
    const auto* event = event_of(document, "Invoice", "alter_column_null", "BillingCity");
    REQUIRE(event != nullptr);
    const auto id = (*event)["id"].get<std::string>();

    const auto shadow = dir.path() / "shadow.sqlite";
    const auto manifest = dir.path() / "shadow.json";
    const auto up = test::run_cli({"--format", "json", "shadow", "up", "--primary", primary.string(), "--shadow",
                                   shadow.string(), "--changes", predictions.string(), "--change", id, "-o", manifest.string()});
    INFO(up.err);
    REQUIRE(up.exit_code == 0);
    CHECK(nlohmann::json::parse(test::read_file(manifest))["changes"][0]["id"] == id);
    auto copy = db::open_database(shadow.string(), {.read_only = true});
    const auto after = schema::introspect(*copy);  // kept alive: city points into it
    const auto* city = after.find_table("Invoice")->find_column("BillingCity");
    REQUIRE(city != nullptr);
    CHECK_FALSE(city->nullable);
    CHECK(test::run_cli({"shadow", "down", "--manifest", manifest.string()}).exit_code == 0);
}
