// `schemaflip shadow up/status/down` end to end on SQLite copies of Chinook and on PostgreSQL (copies and
// logical sync): each change type, clean failures, refusal to overwrite, hostile identifiers, the
// predictions input, refusals of what replication cannot carry, signals, and nothing left behind.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/db/database.hpp"
#include "core/schema/introspect.hpp"
#include "core/shadow/logical_sync.hpp"
#include "core/sql/statement_info.hpp"
#include "core/util/error.hpp"
#include "support/child_process.hpp"
#include "support/test_support.hpp"

using namespace schemaflip;
namespace fs = std::filesystem;

namespace {

struct SqliteShadowCase {
    test::TempDir dir;
    fs::path primary = dir.path() / "primary.sqlite";
    fs::path shadow = dir.path() / "shadow.sqlite";
    fs::path manifest = dir.path() / "shadow.json";
    fs::path ddl = dir.path() / "change.sql";

    SqliteShadowCase() { fs::copy_file(test::source_path("fixtures/sampledb/chinook.sqlite"), primary); }

    test::CliResult up(const std::string& sql, std::vector<std::string> extra = {}) {
        std::ofstream(ddl) << sql;
        std::vector<std::string> args = {"--format", "json", "shadow", "up", "--primary", primary.string(),
                                         "--shadow", shadow.string(), "--ddl", ddl.string(), "-o", manifest.string()};
        args.insert(args.end(), extra.begin(), extra.end());
        return test::run_cli(args);
    }
};

schema::SchemaSnapshot snapshot_of(const fs::path& path) {
    auto database = db::open_database(path.string(), {.read_only = true});
    return schema::introspect(*database);
}

const schema::ColumnInfo& column_of(const schema::SchemaSnapshot& snapshot, const std::string& table, const std::string& column) {
    const auto* found_table = snapshot.find_table(table);
    REQUIRE(found_table != nullptr);
    const auto* found = found_table->find_column(column);
    REQUIRE(found != nullptr);
    return *found;
}

bool has_index(const schema::SchemaSnapshot& snapshot, const std::string& table, const std::string& index) {
    for (const auto& candidate : snapshot.find_table(table)->indexes) {
        if (candidate.name == index) return true;
    }
    return false;
}

std::size_t files_in(const fs::path& dir) {
    std::size_t count = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir)) ++count;
    return count;
}

}  // namespace

TEST_CASE("shadow up on SQLite applies added columns, an index and a widened type, and leaves the primary alone") {
    SqliteShadowCase c;
    const auto primary_before = test::read_file(c.primary);
    const auto result = c.up(
        "ALTER TABLE customer ADD COLUMN loyalty_tier text;\n"
        "ALTER TABLE customer ADD COLUMN points integer NOT NULL DEFAULT 0;\n"
        "CREATE INDEX customer_city_idx ON customer (city);\n"
        "ALTER TABLE invoice ALTER COLUMN billingcity TYPE varchar(80);\n");
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    CHECK(result.out.empty());

    // The primary's bytes are unchanged: the copy only read it.
    CHECK(test::read_file(c.primary) == primary_before);

    const auto shadow = snapshot_of(c.shadow);
    const auto primary = snapshot_of(c.primary);
    CHECK(column_of(shadow, "Customer", "loyalty_tier").nullable);
    CHECK_FALSE(column_of(shadow, "Customer", "points").nullable);
    CHECK(column_of(shadow, "Invoice", "BillingCity").type == "varchar(80)");
    CHECK(column_of(primary, "Invoice", "BillingCity").type == "NVARCHAR(40)");
    CHECK(has_index(shadow, "Customer", "customer_city_idx"));
    // The rebuild kept the table's index, foreign key and primary key.
    CHECK(has_index(shadow, "Invoice", "IFK_InvoiceCustomerId"));
    const auto* invoice = shadow.find_table("Invoice");
    CHECK(invoice->primary_key == std::vector<std::string>{"InvoiceId"});
    bool has_customer_fk = false;
    for (const auto& constraint : invoice->constraints) {
        if (constraint.type == "foreign_key" && constraint.references_table == "Customer") has_customer_fk = true;
    }
    CHECK(has_customer_fk);

    const auto manifest = nlohmann::json::parse(test::read_file(c.manifest));
    CHECK(manifest["kind"] == "shadow_manifest");
    CHECK(manifest["engine"] == "sqlite");
    CHECK(manifest["state"] == "ready");
    CHECK(manifest["lsn"].is_null());
    REQUIRE(manifest["changes"].size() == 1);
    const auto& statements = manifest["changes"][0]["statements"];
    REQUIRE(statements.size() == 4);
    CHECK(statements[3]["effect"] == "rewrite");
    CHECK(statements[2]["effect"] == "scan");
    for (const auto& statement : statements) CHECK(statement["wall_ms"].get<double>() >= 0.0);
    REQUIRE(manifest["created"].size() == 1);
    CHECK(manifest["created"][0]["type"] == "file");
    CHECK(fs::equivalent(manifest["created"][0]["name"].get<std::string>(), c.shadow));

    // Every table's row count in the manifest is the primary's.
    REQUIRE(manifest["tables"].size() == primary.tables.size());
    for (const auto& table : manifest["tables"]) {
        const auto* original = primary.find_table(table["name"]);
        REQUIRE(original != nullptr);
        CHECK(table["row_count"] == original->row_count);
    }
    CHECK(primary.find_table("Customer")->row_count == 59);  // Chinook's customers, counted by hand with sqlite3
}

TEST_CASE("shadow up on SQLite renames and drops, and sets NOT NULL where the data allows") {
    SqliteShadowCase c;
    const auto result = c.up(
        "ALTER TABLE customer RENAME COLUMN fax TO fax_number;\n"
        "ALTER TABLE customer DROP COLUMN phone;\n"
        "ALTER TABLE customer ALTER COLUMN city SET NOT NULL;\n"
        "ALTER TABLE genre RENAME TO music_genre;\n");
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    const auto shadow = snapshot_of(c.shadow);
    const auto* customer = shadow.find_table("Customer");
    REQUIRE(customer != nullptr);
    CHECK(customer->find_column("fax_number") != nullptr);
    CHECK(customer->find_column("Fax") == nullptr);
    CHECK(customer->find_column("Phone") == nullptr);
    CHECK_FALSE(column_of(shadow, "Customer", "City").nullable);
    CHECK(has_index(shadow, "Customer", "IFK_CustomerSupportRepId"));
    CHECK(customer->row_count == 59);
    CHECK(shadow.find_table("music_genre") != nullptr);
    CHECK(shadow.find_table("Genre") == nullptr);
    // The rename carried the foreign key of Track that points at the table.
    bool references_renamed = false;
    for (const auto& constraint : shadow.find_table("Track")->constraints) {
        if (constraint.type == "foreign_key" && constraint.references_table == "music_genre") references_renamed = true;
    }
    CHECK(references_renamed);
    CHECK(snapshot_of(c.primary).find_table("Genre") != nullptr);
}

TEST_CASE("shadow up on SQLite fails cleanly: exit 4, the statement and the reason, nothing left behind") {
    SqliteShadowCase c;
    struct Case {
        const char* sql;
        const char* reason;
    };
    // Chinook's Customer.Company: 49 of 59 NULL, longest 48 characters (checked by hand with sqlite3).
    const Case cases[] = {
        {"ALTER TABLE customer ALTER COLUMN company TYPE varchar(10)", "do not fit"},
        {"ALTER TABLE customer ALTER COLUMN company TYPE integer", "do not fit"},
        {"ALTER TABLE customer ALTER COLUMN company SET NOT NULL", "NOT NULL constraint failed"},
        {"ALTER TABLE customer ADD COLUMN points int; ALTER TABLE no_such_table ADD COLUMN x int", "no_such_table"},
    };
    for (const auto& failing : cases) {
        CAPTURE(std::string(failing.sql));
        const auto result = c.up(failing.sql);
        CHECK(result.exit_code == 4);
        CHECK(result.err.find("statement failed on the shadow") != std::string::npos);
        CHECK(result.err.find(failing.reason) != std::string::npos);
        CHECK_FALSE(fs::exists(c.shadow));
        CHECK_FALSE(fs::exists(c.manifest));
        CHECK(files_in(c.dir.path()) == 2);  // the primary and the DDL file
    }
    // Widening past the longest value works on the same data.
    CHECK(c.up("ALTER TABLE customer ALTER COLUMN company TYPE varchar(48)").exit_code == 0);
}

TEST_CASE("shadow up refuses an existing shadow without --force and replaces it with --force") {
    SqliteShadowCase c;
    std::ofstream(c.shadow) << "someone's file";
    const auto refused = c.up("ALTER TABLE customer ADD COLUMN x int");
    CHECK(refused.exit_code == 3);
    CHECK(refused.err.find("already exists") != std::string::npos);
    CHECK(test::read_file(c.shadow) == "someone's file");
    CHECK_FALSE(fs::exists(c.manifest));

    const auto forced = c.up("ALTER TABLE customer ADD COLUMN x int", {"--force"});
    INFO(forced.err);
    CHECK(forced.exit_code == 0);
    CHECK(column_of(snapshot_of(c.shadow), "Customer", "x").nullable);

    SUBCASE("the primary itself is never a shadow, even with --force") {
        const auto same = test::run_cli({"shadow", "up", "--primary", c.primary.string(), "--shadow", c.primary.string(),
                                         "--ddl", c.ddl.string(), "--force"});
        CHECK(same.exit_code == 2);
        CHECK(snapshot_of(c.primary).find_table("Customer")->find_column("x") == nullptr);
    }
}

TEST_CASE("shadow status and down: exists, then removed, and down again is a no-op") {
    SqliteShadowCase c;
    REQUIRE(c.up("CREATE INDEX track_composer_idx ON track (composer)").exit_code == 0);
    const auto status = test::run_cli({"--format", "json", "shadow", "status", "--manifest", c.manifest.string()});
    REQUIRE(status.exit_code == 0);
    const auto document = nlohmann::json::parse(status.out);
    CHECK(document["exists"] == true);
    CHECK(document["sync"] == "none");
    CHECK(document["lag_bytes"].is_null());

    const auto down = test::run_cli({"shadow", "down", "--manifest", c.manifest.string()});
    CHECK(down.exit_code == 0);
    CHECK(down.out.find("removed file") != std::string::npos);
    CHECK_FALSE(fs::exists(c.shadow));
    const auto again = test::run_cli({"shadow", "down", "--manifest", c.manifest.string()});
    CHECK(again.exit_code == 0);
    CHECK(again.out.find("already gone") != std::string::npos);
    const auto after = test::run_cli({"--format", "json", "shadow", "status", "--manifest", c.manifest.string()});
    CHECK(nlohmann::json::parse(after.out)["exists"] == false);
    CHECK(fs::exists(c.primary));
}

TEST_CASE("shadow down removes what an interrupted up left behind") {
    SqliteShadowCase c;
    REQUIRE(c.up("ALTER TABLE customer ADD COLUMN x int").exit_code == 0);
    // What a crash between the first manifest write and the end leaves: state "creating", the file there.
    auto manifest = nlohmann::json::parse(test::read_file(c.manifest));
    manifest["state"] = "creating";
    manifest["changes"] = nlohmann::json::array();
    manifest["tables"] = nlohmann::json::array();
    std::ofstream(c.manifest) << manifest.dump();
    CHECK(test::run_cli({"shadow", "down", "--manifest", c.manifest.string()}).exit_code == 0);
    CHECK_FALSE(fs::exists(c.shadow));
}

TEST_CASE("shadow up rebuilds a table with hostile identifiers without executing them") {
    test::TempDir dir;
    const auto primary = dir.path() / "hostile.sqlite";
    {
        auto database = db::open_database(primary.string(), {.create = true});
        database->execute("CREATE TABLE x (id integer)");
        database->execute("CREATE TABLE \"\"\"; DROP TABLE x; --\" (\"a\"\"b\" text, \"c'); DROP TABLE x; --\" text)");
        database->execute("CREATE INDEX \"i\"\"; DROP TABLE x\" ON \"\"\"; DROP TABLE x; --\" (\"a\"\"b\")");
        database->execute("INSERT INTO \"\"\"; DROP TABLE x; --\" VALUES ('12', 'v'), ('7', NULL)");
        database->execute("CREATE VIEW \"v\"\"\" AS SELECT * FROM \"\"\"; DROP TABLE x; --\"");
        database->execute("CREATE TRIGGER \"t\"\"r\" AFTER INSERT ON \"\"\"; DROP TABLE x; --\" BEGIN INSERT INTO x VALUES (1); END");
    }
    const auto ddl = dir.path() / "change.sql";
    // PostgreSQL quoting of the same names: the parser decides what they are.
    std::ofstream(ddl) << "ALTER TABLE \"\"\"; DROP TABLE x; --\" ALTER COLUMN \"a\"\"b\" TYPE integer;\n"
                          "ALTER TABLE \"\"\"; DROP TABLE x; --\" ALTER COLUMN \"c'); DROP TABLE x; --\" DROP NOT NULL;\n";
    const auto shadow = dir.path() / "shadow.sqlite";
    const auto result = test::run_cli({"shadow", "up", "--primary", primary.string(), "--shadow", shadow.string(), "--ddl",
                                       ddl.string()});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    const auto snapshot = snapshot_of(shadow);
    CHECK(snapshot.find_table("x") != nullptr);
    const std::string hostile = "\"; DROP TABLE x; --";
    REQUIRE(snapshot.find_table(hostile) != nullptr);
    // SQLite reports the standard type names in capitals once a table has been rebuilt through its catalog.
    CHECK(column_of(snapshot, hostile, "a\"b").type == "INTEGER");
    CHECK(snapshot.find_table(hostile)->row_count == 2);
    CHECK(has_index(snapshot, hostile, "i\"; DROP TABLE x"));
    // The trigger was recreated and the view still reads the rebuilt table.
    auto database = db::open_database(shadow.string(), {.read_only = true});
    CHECK(database->query("SELECT name FROM sqlite_schema WHERE type = 'trigger'").rows.size() == 1);
    CHECK(database->query("SELECT * FROM \"v\"\"\"").rows.size() == 2);
}

TEST_CASE("shadow up usage and input errors") {
    SqliteShadowCase c;
    SUBCASE("a DDL file that does not parse is bad input, and nothing is created") {
        const auto result = c.up("ALTER TABLE customer ADD COLUMN");
        CHECK(result.exit_code == 3);
        CHECK_FALSE(fs::exists(c.shadow));
    }
    SUBCASE("a missing DDL file is bad input") {
        const auto result = test::run_cli({"shadow", "up", "--primary", c.primary.string(), "--shadow", c.shadow.string(),
                                           "--ddl", (c.dir.path() / "none.sql").string()});
        CHECK(result.exit_code == 3);
        CHECK_FALSE(fs::exists(c.shadow));
    }
    SUBCASE("mixed engines are a usage error and the password is never shown") {
        std::ofstream(c.ddl) << "ALTER TABLE customer ADD COLUMN x int";
        const auto result = test::run_cli({"shadow", "up", "--primary", c.primary.string(), "--shadow",
                                           "postgresql://me:s3cret-pw@127.0.0.1:1/shadow", "--ddl", c.ddl.string()});
        CHECK(result.exit_code == 2);
        CHECK(result.err.find("s3cret-pw") == std::string::npos);
        CHECK(result.out.find("s3cret-pw") == std::string::npos);
    }
    SUBCASE("shadow without a subcommand is a usage error") {
        CHECK(test::run_cli({"shadow"}).exit_code == 2);
    }
    SUBCASE("a manifest that is not one is bad input") {
        std::ofstream(c.manifest) << R"({"kind": "schema_snapshot"})";
        CHECK(test::run_cli({"shadow", "down", "--manifest", c.manifest.string()}).exit_code == 3);
        CHECK(test::run_cli({"shadow", "status", "--manifest", (c.dir.path() / "none.json").string()}).exit_code == 3);
    }
}

namespace {

// A small primary: a parent, a child with a foreign key and an index, and a table with a hostile name.
void load_postgres_primary(const std::string& url) {
    auto database = db::open_database(url);
    database->execute(
        "CREATE TABLE author (id bigint PRIMARY KEY, name text NOT NULL, nickname text);"
        "CREATE TABLE book (id serial PRIMARY KEY, author_id bigint NOT NULL REFERENCES author (id), "
        "  title varchar(40) NOT NULL, pages integer);"
        "CREATE INDEX book_author_idx ON book (author_id);"
        "CREATE TABLE \"\"\"; DROP TABLE author; --\" (\"a\"\"b\" integer);"
        "INSERT INTO author SELECT g, 'author ' || g, CASE WHEN g % 2 = 0 THEN 'nick' END FROM generate_series(1, 300) g;"
        "INSERT INTO book (author_id, title, pages) SELECT 1 + g % 300, 'title number ' || g, g FROM generate_series(1, 2000) g;"
        "INSERT INTO \"\"\"; DROP TABLE author; --\" VALUES (1), (2);");
    // Vacuumed now, so autovacuum does not add visibility and free-space maps (bytes) in the middle of a test.
    database->execute("VACUUM ANALYZE");
}

std::int64_t count_of(db::Database& database, const std::string& sql) {
    return db::value_integer(database.query(sql).rows.at(0).at(0));
}

std::string scratch_name() {
    static int counter = 0;
    return "sf_shadow_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
}

}  // namespace

TEST_CASE("shadow up on PostgreSQL copies schema and rows, applies the change, and down drops it") {
    const auto admin_url = test::postgres_url();
    if (!admin_url) return;
    test::ScratchPostgresDatabase primary(*admin_url);
    load_postgres_primary(primary.url());
    const auto shadow_name = scratch_name();
    const auto shadow_url = *test::postgres_url(shadow_name);
    test::TempDir dir;
    const auto ddl = dir.path() / "change.sql";
    const auto manifest_path = dir.path() / "shadow.json";
    auto admin = db::open_database(*admin_url);
    auto primary_db = db::open_database(primary.url());
    const auto primary_before = schema::to_json(schema::introspect(*primary_db, {.exact_counts = true})).dump();
    const auto up = [&](const std::string& sql, std::vector<std::string> extra = {}) {
        std::ofstream(ddl) << sql;
        std::vector<std::string> args = {"--format", "json", "shadow", "up", "--primary", primary.url(), "--shadow", shadow_url,
                                         "--ddl", ddl.string(), "-j", "2", "-o", manifest_path.string()};
        args.insert(args.end(), extra.begin(), extra.end());
        return test::run_cli(args);
    };
    const auto shadow_exists = [&] {
        return count_of(*admin, "SELECT count(*) FROM pg_database WHERE datname = " + admin->quote_literal(shadow_name)) == 1;
    };

    const auto result = up(
        "ALTER TABLE author ADD COLUMN country text;\n"
        "ALTER TABLE author ADD COLUMN score integer NOT NULL DEFAULT 0;\n"
        "CREATE INDEX book_title_idx ON book (title);\n"
        "ALTER TABLE book ALTER COLUMN title TYPE varchar(80);\n"
        "ALTER TABLE author ALTER COLUMN name SET NOT NULL;\n"
        "ALTER TABLE book RENAME COLUMN pages TO page_count;\n"
        "ALTER TABLE author DROP COLUMN nickname;\n"
        "ALTER TABLE \"\"\"; DROP TABLE author; --\" ALTER COLUMN \"a\"\"b\" TYPE bigint;\n"
        "ALTER TABLE book RENAME TO volume;\n");
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    CHECK(shadow_exists());

    auto shadow = db::open_database(shadow_url);
    CHECK(count_of(*shadow, "SELECT count(*) FROM author") == 300);
    CHECK(count_of(*shadow, "SELECT count(*) FROM volume") == 2000);
    CHECK(count_of(*shadow, "SELECT count(*) FROM \"\"\"; DROP TABLE author; --\"") == 2);
    CHECK(count_of(*shadow, "SELECT sum(page_count) FROM volume") == 2001000);  // 1 + ... + 2000
    CHECK(count_of(*shadow, "SELECT count(*) FROM pg_indexes WHERE indexname IN ('book_author_idx', 'book_title_idx')") == 2);
    CHECK(count_of(*shadow, "SELECT count(*) FROM pg_constraint WHERE contype = 'f'") == 1);
    CHECK(count_of(*shadow, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'author' "
                            "AND column_name = 'nickname'") == 0);
    shadow.reset();

    // The primary is unchanged: same schema, same exact row counts.
    CHECK(schema::to_json(schema::introspect(*primary_db, {.exact_counts = true})).dump() == primary_before);

    const auto manifest = nlohmann::json::parse(test::read_file(manifest_path));
    CHECK(manifest["engine"] == "postgresql");
    CHECK(manifest["state"] == "ready");
    CHECK(manifest["created"] == nlohmann::json::array({{{"type", "database"}, {"name", shadow_name}}}));
    const auto& statements = manifest["changes"][0]["statements"];
    REQUIRE(statements.size() == 9);
    CHECK(statements[2]["lock_mode"] == "SHARE");
    CHECK(statements[3]["lock_mode"] == "ACCESS EXCLUSIVE");
    CHECK(statements[3]["effect"] == "rewrite");

    const auto status = test::run_cli({"--format", "json", "shadow", "status", "--manifest", manifest_path.string()});
    CHECK(nlohmann::json::parse(status.out)["exists"] == true);

    SUBCASE("an existing shadow is refused without --force") {
        const auto refused = up("ALTER TABLE author ADD COLUMN x int");
        CHECK(refused.exit_code == 3);
        CHECK(shadow_exists());
    }
    SUBCASE("a failing statement exits 4 and leaves no database") {
        const auto failed = up("ALTER TABLE author ADD COLUMN x int;\nALTER TABLE author ALTER COLUMN nickname SET NOT NULL;\n",
                               {"--force"});
        CHECK(failed.exit_code == 4);
        CHECK(failed.err.find("SET NOT NULL") != std::string::npos);
        CHECK(failed.err.find("contains null values") != std::string::npos);
        CHECK_FALSE(shadow_exists());
        CHECK_FALSE(fs::exists(manifest_path));
    }
    SUBCASE("a narrowing type change whose data does not fit exits 4 and leaves no database") {
        const auto failed = up("ALTER TABLE book ALTER COLUMN title TYPE varchar(5)", {"--force"});
        CHECK(failed.exit_code == 4);
        CHECK(failed.err.find("too long") != std::string::npos);
        CHECK_FALSE(shadow_exists());
    }
    SUBCASE("the maintenance database is never a shadow, even with --force") {
        const auto refused = test::run_cli({"shadow", "up", "--primary", primary.url(), "--shadow", *admin_url, "--ddl",
                                            ddl.string(), "--force"});
        CHECK(refused.exit_code == 2);
        CHECK(refused.err.find("must name a database of its own") != std::string::npos);
        CHECK(count_of(*admin, "SELECT count(*) FROM pg_database WHERE datname = 'postgres'") == 1);
    }
    SUBCASE("down drops the database and is idempotent") {
        CHECK(test::run_cli({"shadow", "down", "--manifest", manifest_path.string()}).exit_code == 0);
        CHECK_FALSE(shadow_exists());
        const auto again = test::run_cli({"shadow", "down", "--manifest", manifest_path.string()});
        CHECK(again.exit_code == 0);
        CHECK(again.out.find("already gone") != std::string::npos);
    }
    admin->execute("DROP DATABASE IF EXISTS " + admin->quote_identifier(shadow_name) + " WITH (FORCE)");
}

TEST_CASE("shadow up on PostgreSQL never writes a password to the manifest or the output") {
    const auto admin_url = test::postgres_url();
    if (!admin_url) return;
    test::ScratchPostgresDatabase primary(*admin_url);
    load_postgres_primary(primary.url());
    // The test server trusts local connections, so a password in the URL is carried but not needed.
    const auto with_password = [](std::string url) {
        const auto at = url.find('@');
        const auto scheme = url.find("://");
        if (at == std::string::npos || url.find(':', scheme + 3) < at) return url;
        return url.insert(at, ":pw-s3cret");
    };
    const auto shadow_name = scratch_name();
    const auto primary_url = with_password(primary.url());
    REQUIRE(primary_url.find("pw-s3cret") != std::string::npos);
    test::TempDir dir;
    const auto ddl = dir.path() / "change.sql";
    std::ofstream(ddl) << "ALTER TABLE author ADD COLUMN country text";
    const auto manifest_path = dir.path() / "shadow.json";
    const auto result = test::run_cli({"shadow", "up", "--primary", primary_url, "--shadow",
                                       with_password(*test::postgres_url(shadow_name)), "--ddl", ddl.string(), "-o",
                                       manifest_path.string()});
    INFO(result.err);
    CHECK(result.exit_code == 0);
    CHECK(result.out.find("pw-s3cret") == std::string::npos);
    CHECK(result.err.find("pw-s3cret") == std::string::npos);
    const auto manifest = test::read_file(manifest_path);
    CHECK(manifest.find("pw-s3cret") == std::string::npos);
    CHECK(manifest.find("***") != std::string::npos);
    // down works from the redacted manifest: the password would come from PGPASSWORD or ~/.pgpass.
    CHECK(test::run_cli({"shadow", "down", "--manifest", manifest_path.string()}).exit_code == 0);
    auto admin = db::open_database(*admin_url);
    CHECK(count_of(*admin, "SELECT count(*) FROM pg_database WHERE datname = " + admin->quote_literal(shadow_name)) == 0);
}

// ---- --changes: a predictions document as the change ----------------------------------------------------

namespace {

nlohmann::json prediction_event(const std::string& id, const nlohmann::json& ddl) {
    return {{"id", id},
            {"table", "customer"},
            {"column", nullptr},
            {"type", "add_column"},
            {"ddl", ddl},
            {"likelihood", 0.8},
            {"impact", nlohmann::json::object()},
            {"risk_score", 40},
            {"window", {{"from", "2026-11-24"}, {"to", "2026-12-24"}}},
            {"evidence", nlohmann::json::array({{{"source", "pending_migration"}, {"detail", "test"}}})},
            {"description", "test event"}};
}

// A vector, not a json: a braced list of one json would be that json itself, not an array of it.
void write_predictions(const fs::path& path, const std::vector<nlohmann::json>& events, const std::string& kind = "predictions") {
    std::ofstream(path) << nlohmann::json{{"kind", kind}, {"schema_version", 1}, {"created", "2026-11-24T00:00:00Z"},
                                          {"horizon_days", 30}, {"events", events}}
                               .dump(2);
}

}  // namespace

TEST_CASE("shadow up --changes applies the DDL of the chosen predicted event and records its ID") {
    SqliteShadowCase c;
    const auto predictions = c.dir.path() / "predictions.json";
    const std::vector<std::string> add_tier = {"ALTER TABLE customer ADD COLUMN tier text"};
    const std::vector<std::string> add_index = {"CREATE INDEX customer_city_idx ON customer (city)",
                                                "ALTER TABLE customer ADD COLUMN points integer"};
    // IDs as predict makes them for concrete DDL (sql::change_id), and one of a change without DDL.
    const std::string tier_id = sql::change_id(add_tier);
    const std::string index_id = sql::change_id(add_index);
    const std::string vague_id = "00000000000000aa";
    const auto up = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = {"--format", "json", "shadow", "up", "--primary", c.primary.string(), "--shadow",
                                         c.shadow.string(), "--changes", predictions.string(), "-o", c.manifest.string()};
        args.insert(args.end(), extra.begin(), extra.end());
        return test::run_cli(args);
    };
    const auto nothing_created = [&] { return !fs::exists(c.shadow) && !fs::exists(c.manifest); };

    SUBCASE("the only event with DDL is taken without --change") {
        write_predictions(predictions, {prediction_event(tier_id, add_tier), prediction_event(vague_id, nullptr)});
        const auto result = up({});
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
        const auto manifest = nlohmann::json::parse(test::read_file(c.manifest));
        CHECK(manifest["changes"][0]["id"] == tier_id);
        CHECK(manifest["changes"][0]["source"] == predictions.string());
        CHECK(manifest["changes"][0]["statements"][0]["sql"] == add_tier[0]);
        CHECK(column_of(snapshot_of(c.shadow), "Customer", "tier").nullable);
    }
    SUBCASE("--change picks one of several, statements in order") {
        write_predictions(predictions, {prediction_event(tier_id, add_tier), prediction_event(index_id, add_index)});
        const auto result = up({"--change", index_id});
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
        const auto manifest = nlohmann::json::parse(test::read_file(c.manifest));
        CHECK(manifest["changes"][0]["id"] == index_id);
        REQUIRE(manifest["changes"][0]["statements"].size() == 2);
        CHECK(manifest["changes"][0]["statements"][1]["sql"] == add_index[1]);
        const auto shadow = snapshot_of(c.shadow);
        CHECK(has_index(shadow, "Customer", "customer_city_idx"));
        CHECK(shadow.find_table("Customer")->find_column("tier") == nullptr);
    }
    SUBCASE("several events with DDL and no --change is a usage error listing their IDs") {
        write_predictions(predictions, {prediction_event(tier_id, add_tier), prediction_event(index_id, add_index),
                                        prediction_event(vague_id, nullptr)});
        const auto result = up({});
        CHECK(result.exit_code == 2);
        CHECK(result.err.find(tier_id) != std::string::npos);
        CHECK(result.err.find(index_id) != std::string::npos);
        CHECK(result.err.find(vague_id) == std::string::npos);
        CHECK(nothing_created());
    }
    SUBCASE("no event with DDL and no --change is a usage error") {
        write_predictions(predictions, {prediction_event(vague_id, nullptr)});
        CHECK(up({}).exit_code == 2);
        CHECK(nothing_created());
    }
    SUBCASE("an ID that is not there, or has no DDL, is bad input naming it") {
        write_predictions(predictions, {prediction_event(tier_id, add_tier), prediction_event(vague_id, nullptr)});
        const auto missing = up({"--change", "0123456789abcdef"});
        CHECK(missing.exit_code == 3);
        CHECK(missing.err.find("0123456789abcdef") != std::string::npos);
        const auto vague = up({"--change", vague_id});
        CHECK(vague.exit_code == 3);
        CHECK(vague.err.find(vague_id) != std::string::npos);
        CHECK(vague.err.find("no concrete DDL") != std::string::npos);
        CHECK(nothing_created());
    }
    SUBCASE("a document that is not predictions, or not JSON, is bad input") {
        write_predictions(predictions, {prediction_event(tier_id, add_tier)}, "schema_snapshot");
        CHECK(up({}).exit_code == 3);
        std::ofstream(predictions) << "{\"kind\": \"predictions\", ";
        CHECK(up({}).exit_code == 3);
        CHECK(nothing_created());
    }
    SUBCASE("DDL in the event that does not parse is bad input") {
        write_predictions(predictions, {prediction_event(tier_id, nlohmann::json::array({"ALTER TABLE customer ADD COLUMN"}))});
        CHECK(up({}).exit_code == 3);
        CHECK(nothing_created());
    }
    SUBCASE("exactly one of --ddl and --changes; --change only with --changes") {
        write_predictions(predictions, {prediction_event(tier_id, add_tier)});
        std::ofstream(c.ddl) << add_tier[0];
        const std::vector<std::string> base = {"shadow", "up", "--primary", c.primary.string(), "--shadow", c.shadow.string()};
        auto both = base;
        both.insert(both.end(), {"--ddl", c.ddl.string(), "--changes", predictions.string()});
        CHECK(test::run_cli(both).exit_code == 2);
        CHECK(test::run_cli(base).exit_code == 2);
        auto change_alone = base;
        change_alone.insert(change_alone.end(), {"--ddl", c.ddl.string(), "--change", tier_id});
        CHECK(test::run_cli(change_alone).exit_code == 2);
        CHECK(nothing_created());
    }
}

TEST_CASE("shadow status of a synced shadow whose servers do not answer exits 4") {
    test::TempDir dir;
    const auto manifest = dir.path() / "shadow.json";
    // Port 1 on the loopback refuses connections at once.
    std::ofstream(manifest) << nlohmann::json{{"kind", "shadow_manifest"}, {"schema_version", 1}, {"engine", "postgresql"},
                                              {"primary", "postgresql://app:***@127.0.0.1:1/app"},
                                              {"shadow", "postgresql://app:***@127.0.0.1:1/app_shadow"}, {"sync", "logical"},
                                              {"state", "ready"}, {"created_at", "2026-11-24T00:00:00.000Z"},
                                              {"changes", nlohmann::json::array()},
                                              {"created", {{{"type", "database"}, {"name", "app_shadow"}},
                                                           {{"type", "publication"}, {"name", "schemaflip_app_shadow_0"}},
                                                           {{"type", "slot"}, {"name", "schemaflip_app_shadow_0"}},
                                                           {{"type", "subscription"}, {"name", "schemaflip_app_shadow_0"}}}},
                                              {"tables", nlohmann::json::array()},
                                              {"lsn", {{"primary", "0/1"}, {"shadow", "0/1"}}}}
                                   .dump();
    const auto status = test::run_cli({"shadow", "status", "--manifest", manifest.string()});
    CHECK(status.exit_code == 4);
    CHECK(status.err.find("127.0.0.1") != std::string::npos);
}

// ---- PostgreSQL: sequences, logical sync, refusals, signals ---------------------------------------------

namespace {

// Every table's rows as one md5 per table, for "the primary's data is unchanged".
std::string row_checksums(db::Database& database) {
    std::string out;
    const auto tables = database.query("SELECT format('%I.%I', schemaname, tablename) FROM pg_tables "
                                       "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1");
    for (const auto& row : tables.rows) {
        const auto name = db::value_text(row[0]);
        const auto sum = database.query("SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM " + name + " t");
        out += name + " " + db::value_text(sum.rows.at(0).at(0)) + "\n";
    }
    return out;
}

std::string primary_state(db::Database& database) {
    return schema::to_json(schema::introspect(database, {.exact_counts = true})).dump() + "\n" + row_checksums(database);
}

// A primary logical replication can carry: every table has a primary key; `book` has a serial.
void load_replicable_primary(const std::string& url) {
    auto database = db::open_database(url);
    database->execute(
        "CREATE TABLE author (id bigint PRIMARY KEY, name varchar(40) NOT NULL, nickname text, born date);"
        "CREATE TABLE book (id serial PRIMARY KEY, author_id bigint NOT NULL REFERENCES author (id), title text NOT NULL, "
        "  pages integer);"
        "INSERT INTO author SELECT g, 'author ' || g, CASE WHEN g % 2 = 0 THEN 'nick' END, date '1950-01-01' + g "
        "  FROM generate_series(1, 300) g;"
        "INSERT INTO book (author_id, title, pages) SELECT 1 + g % 300, 'title number ' || g, g FROM generate_series(1, 2000) g;");
    database->execute("VACUUM ANALYZE");
}

// A copy of the Chinook fixture database (ctest's postgres_chinook) that a test may write to.
class ChinookCopy {
public:
    explicit ChinookCopy(const std::string& admin_url) : m_admin(db::open_database(admin_url)) {
        static int counter = 0;
        m_name = "sf_chinook_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
        // CREATE DATABASE ... TEMPLATE needs the template to have no other session for a moment.
        for (int attempt = 0;; ++attempt) {
            try {
                m_admin->execute("CREATE DATABASE " + m_name + " TEMPLATE chinook");
                break;
            } catch (const Error& e) {
                INFO("load Chinook first: tests/support/load_postgres_sample.sh (ctest's postgres_chinook fixture)");
                REQUIRE_MESSAGE(attempt < 40, e.what() << ": " << e.reason());
                ::usleep(250'000);
            }
        }
        m_url = *test::postgres_url(m_name);
    }
    ~ChinookCopy() {
        try {
            m_admin->execute("DROP DATABASE IF EXISTS " + m_name + " WITH (FORCE)");
        } catch (...) {
        }
    }
    ChinookCopy(const ChinookCopy&) = delete;
    ChinookCopy& operator=(const ChinookCopy&) = delete;
    const std::string& url() const { return m_url; }
    const std::string& name() const { return m_name; }

private:
    std::unique_ptr<db::Database> m_admin;
    std::string m_name;
    std::string m_url;
};

// What a synced shadow may leave on the test server: its database, the publication in the primary, slots
// of the primary's database (ours and those of unfinished initial copies), the subscription. "" is none.
std::string sync_leftovers(const std::string& admin_url, const std::string& primary_url, const std::string& primary_name,
                           const std::string& shadow_name) {
    auto admin = db::open_database(admin_url);
    auto primary = db::open_database(primary_url);
    const auto subscription = shadow::logical_names(shadow_name).subscription;
    std::string found;
    const auto list = [&](db::Database& database, const std::string& what, const std::string& sql) {
        for (const auto& row : database.query(sql).rows) found += what + " " + db::value_text(row[0]) + "; ";
    };
    list(*admin, "database", "SELECT datname FROM pg_database WHERE datname = " + admin->quote_literal(shadow_name));
    list(*primary, "publication", "SELECT pubname FROM pg_publication");
    list(*admin, "slot", "SELECT slot_name FROM pg_replication_slots WHERE database = " + admin->quote_literal(primary_name));
    list(*admin, "subscription", "SELECT subname FROM pg_subscription WHERE subname = " + admin->quote_literal(subscription));
    return found;
}

// Removes whatever a synced shadow left, also when a test failed half way, so later tests find free slots.
class SyncGuard {
public:
    SyncGuard(std::string admin_url, std::string primary_name, std::string shadow_name)
        : m_admin_url(std::move(admin_url)), m_primary_name(std::move(primary_name)), m_shadow_name(std::move(shadow_name)) {}
    ~SyncGuard() {
        try {
            auto admin = db::open_database(m_admin_url);
            const auto exists = admin->query("SELECT 1 FROM pg_database WHERE datname = " + admin->quote_literal(m_shadow_name));
            if (!exists.rows.empty()) {
                auto shadow = db::open_database(*test::postgres_url(m_shadow_name));
                for (const auto& row : shadow->query("SELECT quote_ident(subname) FROM pg_subscription s JOIN pg_database d "
                                                     "ON d.oid = s.subdbid WHERE d.datname = current_database()").rows) {
                    const auto name = db::value_text(row[0]);
                    shadow->execute("ALTER SUBSCRIPTION " + name + " DISABLE");
                    shadow->execute("ALTER SUBSCRIPTION " + name + " SET (slot_name = NONE)");
                    shadow->execute("DROP SUBSCRIPTION " + name);
                }
                shadow.reset();
                admin->execute("DROP DATABASE IF EXISTS " + admin->quote_identifier(m_shadow_name) + " WITH (FORCE)");
            }
            const std::string slots = " FROM pg_replication_slots WHERE database = " + admin->quote_literal(m_primary_name);
            for (int attempt = 0; attempt < 50 && !admin->query("SELECT 1" + slots).rows.empty(); ++attempt) {
                admin->query("SELECT pg_terminate_backend(active_pid)" + slots + " AND active_pid IS NOT NULL");
                try {
                    admin->query("SELECT pg_drop_replication_slot(slot_name)" + slots + " AND NOT active");
                } catch (const Error&) {
                }
                ::usleep(100'000);
            }
        } catch (...) {
        }
    }
    SyncGuard(const SyncGuard&) = delete;
    SyncGuard& operator=(const SyncGuard&) = delete;

private:
    std::string m_admin_url;
    std::string m_primary_name;
    std::string m_shadow_name;
};

// Polls `sql` on `database` until it returns `expected` (as text) or 60 s pass; returns the last value.
std::string eventually(db::Database& database, const std::string& sql, const std::string& expected) {
    std::string value;
    for (int attempt = 0; attempt < 600; ++attempt) {
        value = db::value_text(database.query(sql).rows.at(0).at(0));
        if (value == expected) break;
        ::usleep(100'000);
    }
    return value;
}

}  // namespace

TEST_CASE("shadow up on PostgreSQL sets sequences to the primary's positions and copies no publication or subscription") {
    const auto admin_url = test::postgres_url();
    if (!admin_url) return;
    test::ScratchPostgresDatabase primary(*admin_url);
    load_replicable_primary(primary.url());
    auto primary_db = db::open_database(primary.url());
    // The primary's own replication objects (a subscription without connection needs no publisher).
    primary_db->execute("CREATE PUBLICATION app_pub FOR TABLE author");
    primary_db->execute("CREATE SUBSCRIPTION app_sub CONNECTION 'dbname=elsewhere' PUBLICATION app_pub WITH (connect = false)");
    struct DropSubscription {
        db::Database& database;
        ~DropSubscription() {
            try {
                database.execute("ALTER SUBSCRIPTION app_sub SET (slot_name = NONE)");
                database.execute("DROP SUBSCRIPTION app_sub");
            } catch (...) {
            }
        }
    } drop_subscription{*primary_db};
    const auto shadow_name = scratch_name();
    test::TempDir dir;
    std::ofstream(dir.path() / "change.sql") << "ALTER TABLE book ADD COLUMN isbn text";
    const auto result = test::run_cli({"shadow", "up", "--primary", primary.url(), "--shadow", *test::postgres_url(shadow_name),
                                       "--ddl", (dir.path() / "change.sql").string(), "-o", (dir.path() / "shadow.json").string()});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    {
        CHECK(count_of(*primary_db, "SELECT last_value FROM book_id_seq") == 2000);  // 2000 books inserted by serial
        auto shadow = db::open_database(*test::postgres_url(shadow_name));
        // Without the primary's position the next id would be 1, which the copied rows already hold.
        CHECK(count_of(*shadow, "INSERT INTO book (author_id, title) VALUES (1, 'new') RETURNING id") == 2001);
        CHECK(count_of(*primary_db, "SELECT last_value FROM book_id_seq") == 2000);
        CHECK(count_of(*shadow, "SELECT count(*) FROM pg_publication") == 0);
        CHECK(count_of(*shadow, "SELECT count(*) FROM pg_subscription s JOIN pg_database d ON d.oid = s.subdbid "
                                "WHERE d.datname = current_database()") == 0);
    }
    CHECK(test::run_cli({"shadow", "down", "--manifest", (dir.path() / "shadow.json").string()}).exit_code == 0);
}

TEST_CASE("shadow up --sync logical on Chinook: initial copy, the change, then the primary's writes follow; status; down") {
    const auto admin_url = test::postgres_url();
    if (!admin_url) return;
    ChinookCopy primary(*admin_url);
    const auto shadow_name = scratch_name();
    const auto shadow_url = *test::postgres_url(shadow_name);
    const SyncGuard guard(*admin_url, primary.name(), shadow_name);
    test::TempDir dir;
    const auto ddl = dir.path() / "change.sql";
    const auto manifest_path = dir.path() / "shadow.json";
    // Chinook's types (checked with psql): artist.name varchar(120), invoice_line.quantity integer.
    std::ofstream(ddl) << "ALTER TABLE customer ADD COLUMN loyalty_tier text;\n"
                          "ALTER TABLE invoice_line ALTER COLUMN quantity TYPE bigint;\n"
                          "ALTER TABLE artist ALTER COLUMN name TYPE varchar(200);\n"
                          "CREATE INDEX track_composer_idx ON track (composer);\n";
    auto primary_db = db::open_database(primary.url());
    const auto before = primary_state(*primary_db);

    const auto result = test::run_cli({"-v", "--format", "json", "shadow", "up", "--primary", primary.url(), "--shadow", shadow_url,
                                       "--ddl", ddl.string(), "--sync", "logical", "-o", manifest_path.string()});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    CHECK(result.err.find("creating replication slot") != std::string::npos);
    CHECK(result.err.find("initial copy done") != std::string::npos);
    // up wrote nothing to the primary's tables or schema (the publication and slot are not part of either).
    CHECK(primary_state(*primary_db) == before);

    const auto manifest = nlohmann::json::parse(test::read_file(manifest_path));
    const auto names = shadow::logical_names(shadow_name);
    CHECK(manifest["sync"] == "logical");
    CHECK(manifest["state"] == "ready");
    CHECK(manifest["created"] == nlohmann::json::array({{{"type", "database"}, {"name", shadow_name}},
                                                        {{"type", "publication"}, {"name", names.publication}},
                                                        {{"type", "slot"}, {"name", names.slot}},
                                                        {{"type", "subscription"}, {"name", names.subscription}}}));
    REQUIRE(manifest["lsn"].is_object());
    CHECK(manifest["lsn"]["primary"].get<std::string>().find('/') != std::string::npos);
    CHECK(manifest["lsn"]["shadow"].get<std::string>().find('/') != std::string::npos);
    REQUIRE(manifest["changes"][0]["statements"].size() == 4);
    CHECK(manifest["changes"][0]["statements"][1]["effect"] == "rewrite");

    auto shadow = db::open_database(shadow_url);
    // The initial copy brought every row: Chinook's counts, checked by hand with psql.
    CHECK(count_of(*shadow, "SELECT count(*) FROM track") == 3503);
    CHECK(count_of(*shadow, "SELECT count(*) FROM invoice_line") == 2240);
    CHECK(count_of(*shadow, "SELECT count(*) FROM customer WHERE loyalty_tier IS NULL") == 59);
    CHECK(db::value_text(shadow->query("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'invoice_line'::regclass "
                                       "AND attname = 'quantity'").rows.at(0).at(0)) == "bigint");

    // The primary's writes reach the shadow: INSERT, UPDATE, DELETE, including into the widened column.
    primary_db->execute("INSERT INTO artist (artist_id, name) VALUES (1000, 'Shadow Quartet')");
    primary_db->execute("UPDATE album SET title = 'Renamed Album' WHERE album_id = 1");
    primary_db->execute("DELETE FROM invoice_line WHERE invoice_line_id = 1");
    primary_db->execute("UPDATE invoice_line SET quantity = 7 WHERE invoice_line_id = 2");
    CHECK(eventually(*shadow, "SELECT count(*) FROM artist WHERE artist_id = 1000 AND name = 'Shadow Quartet'", "1") == "1");
    CHECK(eventually(*shadow, "SELECT title FROM album WHERE album_id = 1", "Renamed Album") == "Renamed Album");
    CHECK(eventually(*shadow, "SELECT count(*) FROM invoice_line WHERE invoice_line_id = 1", "0") == "0");
    CHECK(eventually(*shadow, "SELECT quantity FROM invoice_line WHERE invoice_line_id = 2", "7") == "7");
    CHECK(count_of(*shadow, "SELECT count(*) FROM invoice_line") == 2239);

    const auto status = test::run_cli({"--format", "json", "shadow", "status", "--manifest", manifest_path.string()});
    INFO(status.err);
    REQUIRE(status.exit_code == 0);
    const auto document = nlohmann::json::parse(status.out);
    CHECK(document["exists"] == true);
    CHECK(document["sync"] == "logical");
    REQUIRE(document["lag_bytes"].is_number_integer());
    CHECK(document["lag_bytes"].get<std::int64_t>() >= 0);
    CHECK(document["lag_seconds"].is_number());
    CHECK(document["subscription"]["state"] == "streaming");
    CHECK(document["subscription"]["tables_ready"] == 11);
    CHECK(document["subscription"]["tables_total"] == 11);
    CHECK(document["subscription"]["apply_errors"] == 0);
    CHECK(document["subscription"]["sync_errors"] == 0);
    const auto text = test::run_cli({"shadow", "status", "--manifest", manifest_path.string()});
    CHECK(text.out.find("subscription: streaming, 11 of 11 tables ready") != std::string::npos);
    shadow.reset();

    const auto down = test::run_cli({"--format", "json", "shadow", "down", "--manifest", manifest_path.string()});
    INFO(down.err);
    CHECK(down.exit_code == 0);
    const auto removed = nlohmann::json::parse(down.out)["removed"];
    REQUIRE(removed.size() == 4);
    CHECK(removed[0]["type"] == "subscription");  // newest first
    CHECK(removed[3]["type"] == "database");
    for (const auto& object : removed) CHECK(object["existed"] == true);
    CHECK(sync_leftovers(*admin_url, primary.url(), primary.name(), shadow_name) == "");
    const auto again = test::run_cli({"shadow", "down", "--manifest", manifest_path.string()});
    CHECK(again.exit_code == 0);
    CHECK(again.out == "already gone: subscription " + names.subscription + "\nalready gone: slot " + names.slot +
                           "\nalready gone: publication " + names.publication + "\nalready gone: database " + shadow_name + "\n");
}

TEST_CASE("shadow up --sync logical refuses what replication cannot carry, before creating anything") {
    const auto admin_url = test::postgres_url();
    if (!admin_url) return;
    test::ScratchPostgresDatabase primary(*admin_url);
    load_replicable_primary(primary.url());
    const auto shadow_name = scratch_name();
    const SyncGuard guard(*admin_url, primary.name(), shadow_name);
    test::TempDir dir;
    const auto ddl = dir.path() / "change.sql";
    const auto manifest_path = dir.path() / "shadow.json";
    const auto up = [&](const std::string& primary_url, const std::string& sql) {
        std::ofstream(ddl) << sql;
        return test::run_cli({"shadow", "up", "--primary", primary_url, "--shadow", *test::postgres_url(shadow_name), "--ddl",
                              ddl.string(), "--sync", "logical", "-o", manifest_path.string()});
    };
    struct Case {
        const char* sql;
        int exit_code;
        const char* reason;
    };
    const Case cases[] = {
        {"ALTER TABLE author DROP COLUMN nickname", 3, "keeps writing column"},
        {"ALTER TABLE book RENAME COLUMN pages TO page_count", 3, "keeps writing column"},
        {"ALTER TABLE book RENAME TO volume", 3, "keeps writing table"},
        {"ALTER TABLE author ALTER COLUMN name TYPE varchar(10)", 3, "cannot take every value"},  // varchar(40) narrowed
        {"ALTER TABLE author ALTER COLUMN nickname TYPE integer USING length(nickname)", 3, "cannot take every value"},
        {"ALTER TABLE book ADD COLUMN isbn text NOT NULL", 3, "no value for the new NOT NULL column"},
    };
    for (const auto& c : cases) {
        CAPTURE(std::string(c.sql));
        const auto result = up(primary.url(), c.sql);
        CHECK(result.exit_code == c.exit_code);
        CHECK(result.err.find(c.reason) != std::string::npos);
        CHECK(result.err.find("--sync none") != std::string::npos);
        CHECK(sync_leftovers(*admin_url, primary.url(), primary.name(), shadow_name) == "");
        CHECK_FALSE(fs::exists(manifest_path));
    }

    SUBCASE("a table without a primary key or replica identity") {
        db::open_database(primary.url())->execute("CREATE TABLE audit_log (at timestamptz, note text)");
        const auto result = up(primary.url(), "ALTER TABLE author ADD COLUMN country text");
        CHECK(result.exit_code == 4);
        CHECK(result.err.find("audit_log") != std::string::npos);
        CHECK(result.err.find("no primary key or replica identity") != std::string::npos);
        CHECK(sync_leftovers(*admin_url, primary.url(), primary.name(), shadow_name) == "");
    }
    SUBCASE("a primary user without the REPLICATION privilege") {
        auto admin = db::open_database(*admin_url);
        const std::string role = "sf_norepl_" + std::to_string(::getpid());
        admin->execute("DROP ROLE IF EXISTS " + role);
        admin->execute("CREATE ROLE " + role + " LOGIN NOREPLICATION");
        // The test server trusts local connections: the role needs no password.
        std::string url = primary.url();
        url.replace(url.find("postgres@"), 8, role);
        const auto result = up(url, "ALTER TABLE author ADD COLUMN country text");
        admin->execute("DROP ROLE " + role);
        CHECK(result.exit_code == 4);
        CHECK(result.err.find("no REPLICATION privilege") != std::string::npos);
        CHECK(sync_leftovers(*admin_url, primary.url(), primary.name(), shadow_name) == "");
    }
    SUBCASE("widening and adding with a default pass the checks") {
        const auto result = up(primary.url(), "ALTER TABLE author ALTER COLUMN name TYPE varchar(80);\n"
                                              "ALTER TABLE book ALTER COLUMN pages TYPE bigint;\n"
                                              "ALTER TABLE book ADD COLUMN isbn text NOT NULL DEFAULT 'unknown';\n");
        INFO(result.err);
        CHECK(result.exit_code == 0);
        CHECK(test::run_cli({"shadow", "down", "--manifest", manifest_path.string()}).exit_code == 0);
        CHECK(sync_leftovers(*admin_url, primary.url(), primary.name(), shadow_name) == "");
    }
}

TEST_CASE("shadow up --sync logical: a failing statement exits 4 and leaves nothing on either side") {
    const auto admin_url = test::postgres_url();
    if (!admin_url) return;
    test::ScratchPostgresDatabase primary(*admin_url);
    load_replicable_primary(primary.url());
    const auto shadow_name = scratch_name();
    const SyncGuard guard(*admin_url, primary.name(), shadow_name);
    test::TempDir dir;
    const auto ddl = dir.path() / "change.sql";
    const auto manifest_path = dir.path() / "shadow.json";
    // Half the authors have no nickname: the change is applied to the copied rows and fails there.
    std::ofstream(ddl) << "ALTER TABLE author ADD COLUMN country text;\nALTER TABLE author ALTER COLUMN nickname SET NOT NULL;\n";
    const auto result = test::run_cli({"shadow", "up", "--primary", primary.url(), "--shadow", *test::postgres_url(shadow_name), "--ddl",
                                       ddl.string(), "--sync", "logical", "-o", manifest_path.string()});
    CHECK(result.exit_code == 4);
    CHECK(result.err.find("SET NOT NULL") != std::string::npos);
    CHECK(result.err.find("contains null values") != std::string::npos);
    CHECK(sync_leftovers(*admin_url, primary.url(), primary.name(), shadow_name) == "");
    CHECK_FALSE(fs::exists(manifest_path));
}

TEST_CASE("shadow up --sync logical carries the URL's password to the subscription and nowhere else") {
    const auto admin_url = test::postgres_url();
    if (!admin_url) return;
    test::ScratchPostgresDatabase primary(*admin_url);
    load_replicable_primary(primary.url());
    const auto shadow_name = scratch_name();
    const SyncGuard guard(*admin_url, primary.name(), shadow_name);
    // The test server trusts local connections, so a password in the URL is carried but not needed.
    std::string primary_url = primary.url();
    primary_url.insert(primary_url.find('@'), ":pw-s3cret");
    test::TempDir dir;
    std::ofstream(dir.path() / "change.sql") << "ALTER TABLE author ADD COLUMN country text";
    const auto manifest_path = dir.path() / "shadow.json";
    const auto result = test::run_cli({"-v", "shadow", "up", "--primary", primary_url, "--shadow", *test::postgres_url(shadow_name),
                                       "--ddl", (dir.path() / "change.sql").string(), "--sync", "logical", "-o",
                                       manifest_path.string()});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    CHECK(result.out.find("pw-s3cret") == std::string::npos);
    CHECK(result.err.find("pw-s3cret") == std::string::npos);
    CHECK(test::read_file(manifest_path).find("pw-s3cret") == std::string::npos);
    {
        auto shadow = db::open_database(*test::postgres_url(shadow_name));
        const auto conninfo = db::value_text(shadow->query("SELECT subconninfo FROM pg_subscription WHERE subname = " +
                                                           shadow->quote_literal(shadow::logical_names(shadow_name).subscription))
                                                 .rows.at(0).at(0));
        CHECK(conninfo.find("password='pw-s3cret'") != std::string::npos);
    }
    const auto status = test::run_cli({"shadow", "status", "--manifest", manifest_path.string()});
    CHECK(status.out.find("pw-s3cret") == std::string::npos);
    CHECK(test::run_cli({"shadow", "down", "--manifest", manifest_path.string()}).exit_code == 0);
    CHECK(sync_leftovers(*admin_url, primary.url(), primary.name(), shadow_name) == "");
}

using test::Child;

TEST_CASE("shadow up --sync logical stopped by a signal removes everything and exits 130; a timeout exits 4") {
    const auto admin_url = test::postgres_url();
    if (!admin_url) return;
    test::ScratchPostgresDatabase primary(*admin_url);
    load_replicable_primary(primary.url());
    const auto shadow_name = scratch_name();
    const auto shadow_url = *test::postgres_url(shadow_name);
    const SyncGuard guard(*admin_url, primary.name(), shadow_name);
    test::TempDir dir;
    const auto ddl = dir.path() / "change.sql";
    std::ofstream(ddl) << "ALTER TABLE author ADD COLUMN country text";
    const auto manifest_path = dir.path() / "shadow.json";
    std::vector<std::string> args = {"-v", "shadow", "up", "--primary", primary.url(), "--shadow", shadow_url, "--ddl", ddl.string(),
                                     "--sync", "logical", "-o", manifest_path.string()};
    // A transaction with an ID, open anywhere on the server, holds up the creation of a logical slot
    // (it waits for every running transaction): the server call `up` must cancel.
    test::ScratchPostgresDatabase bystander(*admin_url);
    auto open_transaction = db::open_database(bystander.url());
    open_transaction->execute("CREATE TABLE t (a int)");
    open_transaction->begin();
    open_transaction->execute("INSERT INTO t VALUES (1)");

    SUBCASE("SIGINT while the slot waits for an open transaction") {
        Child child(args);
        REQUIRE_MESSAGE(child.wait_for("creating replication slot", 120), child.err());
        ::usleep(500'000);
        child.signal(SIGINT);
        const int exit_code = child.wait_exit(60);
        INFO(child.err());
        CHECK(exit_code == 130);
        CHECK(child.err().find("interrupted by SIGINT") != std::string::npos);
        CHECK(child.err().find("everything shadow up had created was removed") != std::string::npos);
        open_transaction->rollback();
        CHECK(sync_leftovers(*admin_url, primary.url(), primary.name(), shadow_name) == "");
        CHECK_FALSE(fs::exists(manifest_path));
    }
    SUBCASE("SIGTERM while the initial copy waits for a locked table") {
        Child child(args);
        REQUIRE_MESSAGE(child.wait_for("creating replication slot", 120), child.err());
        // The shadow's schema is there: hold its book table (SHARE blocks the copy's inserts, and takes
        // no transaction ID), then let the slot be created.
        auto locker = db::open_database(shadow_url);
        locker->begin();
        locker->execute("LOCK TABLE book IN SHARE MODE");
        open_transaction->rollback();
        REQUIRE_MESSAGE(child.wait_for("initial copy:", 120), child.err());
        ::usleep(500'000);
        child.signal(SIGTERM);
        const int exit_code = child.wait_exit(60);
        INFO(child.err());
        CHECK(exit_code == 130);
        CHECK(child.err().find("interrupted by SIGTERM") != std::string::npos);
        locker.reset();  // its session ended with the shadow database
        // Including the slot of the unfinished initial copy of book.
        CHECK(sync_leftovers(*admin_url, primary.url(), primary.name(), shadow_name) == "");
        CHECK_FALSE(fs::exists(manifest_path));
    }
    SUBCASE("--sync-timeout: the slot that cannot be created in time fails with exit 4") {
        args.insert(args.end(), {"--sync-timeout", "2"});
        Child child(args);
        const int exit_code = child.wait_exit(120);
        INFO(child.err());
        CHECK(exit_code == 4);
        CHECK(child.err().find("creating the replication slot timed out after 2 s") != std::string::npos);
        open_transaction->rollback();
        CHECK(sync_leftovers(*admin_url, primary.url(), primary.name(), shadow_name) == "");
        CHECK_FALSE(fs::exists(manifest_path));
    }
}
