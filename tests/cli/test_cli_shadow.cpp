// `schemaflip shadow up/status/down` end to end on SQLite copies of Chinook: each change type, clean
// failures, refusal to overwrite, hostile identifiers, and nothing left behind.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "core/db/database.hpp"
#include "core/schema/introspect.hpp"
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
