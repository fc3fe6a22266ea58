// The candidate generators of predict: value parsers, identifiers in generated DDL, pending migrations
// (SQL, Rails, Django), missing objects, unindexed filters, history, and data patterns sampled from real
// SQLite files and a real PostgreSQL server (statement_timeout, TABLESAMPLE, hostile names).
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/db/database.hpp"
#include "core/predict/candidates.hpp"
#include "core/predict/candidates_values.hpp"
#include "core/predict/predictions.hpp"
#include "core/schema/introspect.hpp"
#include "core/sql/statement_info.hpp"
#include "core/util/error.hpp"
#include "support/test_support.hpp"

using namespace schemaflip;
namespace fs = std::filesystem;

namespace {

const predict::Candidate* find_candidate(const std::vector<predict::Candidate>& candidates, const std::string& table,
                                         const std::string& type, const std::string& column = {}) {
    for (const auto& candidate : candidates) {
        if (candidate.table == table && candidate.type == type && candidate.column == column) return &candidate;
    }
    return nullptr;
}

std::size_t count_type(const std::vector<predict::Candidate>& candidates, const std::string& type) {
    return static_cast<std::size_t>(std::count_if(candidates.begin(), candidates.end(),
                                                  [&](const predict::Candidate& c) { return c.type == type; }));
}

schema::SchemaSnapshot snapshot_of(db::Database& database) { return schema::introspect(database); }

predict::Workload chinook_workload(const schema::SchemaSnapshot* snapshot) {
    return predict::load_workload(test::source_path("fixtures/predict/chinook_app.profile.json"), snapshot);
}

// A SQLite file in `dir` made of `sql`.
fs::path sqlite_file(const fs::path& dir, const std::string& name, const std::string& sql) {
    const auto path = dir / name;
    auto database = db::open_database(path.string(), {.create = true});
    database->execute(sql);
    return path;
}

// One scalar from a query, as text: the independent check of what a generator claims.
std::string scalar(db::Database& database, const std::string& sql) { return db::value_text(database.query(sql).rows.at(0).at(0)); }

}  // namespace

TEST_CASE("predict values: integers as PostgreSQL's int8 input reads them") {
    CHECK(predict::parse_integer("42") == 42);
    CHECK(predict::parse_integer("  -17 \t") == -17);
    CHECK(predict::parse_integer("+5") == 5);
    CHECK(predict::parse_integer("9223372036854775807") == std::numeric_limits<std::int64_t>::max());
    CHECK(predict::parse_integer("-9223372036854775808") == std::numeric_limits<std::int64_t>::min());
    CHECK_FALSE(predict::parse_integer("9223372036854775808"));
    CHECK_FALSE(predict::parse_integer("-9223372036854775809"));
    CHECK_FALSE(predict::parse_integer(""));
    CHECK_FALSE(predict::parse_integer("-"));
    CHECK_FALSE(predict::parse_integer("1.0"));
    CHECK_FALSE(predict::parse_integer("1e3"));
    CHECK_FALSE(predict::parse_integer("1_000"));
    CHECK_FALSE(predict::parse_integer("0x10"));
    CHECK_FALSE(predict::parse_integer("12 3"));
    // SQLite turns only a bare integer literal into an INTEGER.
    CHECK_FALSE(predict::parse_integer(" 42", /*strict=*/true));
    CHECK(predict::parse_integer("-42", /*strict=*/true) == -42);
}

TEST_CASE("predict values: booleans, UUIDs and timestamps") {
    CHECK(predict::parse_boolean("Yes")->value);
    CHECK(predict::parse_boolean(" off ")->is_word);
    CHECK_FALSE(predict::parse_boolean("off")->value);
    CHECK_FALSE(predict::parse_boolean("1")->is_word);
    CHECK_FALSE(predict::parse_boolean("2"));
    CHECK_FALSE(predict::parse_boolean("yess"));
    CHECK_FALSE(predict::parse_boolean(""));

    CHECK(predict::is_uuid("123e4567-e89b-12d3-a456-426614174000"));
    CHECK(predict::is_uuid("123E4567-E89B-12D3-A456-426614174000"));
    CHECK_FALSE(predict::is_uuid("123e4567e89b12d3a456426614174000"));
    CHECK_FALSE(predict::is_uuid("123e4567-e89b-12d3-a456-42661417400g"));
    CHECK_FALSE(predict::is_uuid("123e4567-e89b-12d3-a456-4266141740001"));

    struct Case {
        const char* text;
        bool valid;
        bool has_time;
        bool has_zone;
    };
    const Case cases[] = {
        {"2024-02-29", true, false, false},          {"2023-02-29", false, false, false},
        {"1900-02-29", false, false, false},         {"2000-02-29", true, false, false},
        {"2024-04-31", false, false, false},         {"2024-13-01", false, false, false},
        {"2024-01-15 10:30", true, true, false},     {"2024-01-15T10:30:59.123456", true, true, false},
        {"2024-01-15 10:30:00Z", true, true, true},  {"2024-01-15 10:30:00+05:30", true, true, true},
        {"2024-01-15T10:30:00-0800", true, true, true}, {"2024-01-15 10:30:00+05", true, true, true},
        {"2024-01-15 24:00", false, false, false},   {"2024-01-15 10:60", false, false, false},
        {"2024-01-15 10:30:00.", false, false, false}, {"2024-01-15 10:30:00+16", false, false, false},
        {"2024-01-15 10:30:00 +05", false, false, false}, {"2024/01/15", false, false, false},
        {"20240115", false, false, false},           {"2024-1-15", false, false, false},
    };
    for (const auto& c : cases) {
        CAPTURE(std::string(c.text));
        const auto value = predict::parse_timestamp(c.text);
        REQUIRE(value.has_value() == c.valid);
        if (!c.valid) continue;
        CHECK(value->has_time == c.has_time);
        CHECK(value->has_zone == c.has_zone);
    }
}

TEST_CASE("predict ddl: identifiers are bare only when PostgreSQL reads them back unchanged") {
    CHECK(predict::ddl_identifier("customer") == "customer");
    CHECK(predict::ddl_identifier("name") == "name");  // an unreserved keyword is a fine column and table name
    CHECK(predict::ddl_identifier("select") == "\"select\"");
    CHECK(predict::ddl_identifier("user") == "\"user\"");
    CHECK(predict::ddl_identifier("Customer") == "\"Customer\"");
    CHECK(predict::ddl_identifier("1st") == "\"1st\"");
    CHECK(predict::ddl_identifier("customer", db::Engine::sqlite) == "\"customer\"");
    const std::string hostile = "x\"; DROP TABLE victim; --";
    const auto quoted = predict::ddl_identifier(hostile);
    CHECK(quoted == "\"x\"\"; DROP TABLE victim; --\"");
    // The generated statement is one statement about exactly that table.
    const auto info = sql::analyze_statement("ALTER TABLE " + quoted + " ADD COLUMN a integer");
    REQUIRE(info.parsed);
    CHECK(sql::split_statements("ALTER TABLE " + quoted + " ADD COLUMN a integer").size() == 1);
    REQUIRE(info.ddl_changes.size() == 1);
    CHECK(info.ddl_changes[0].table == hostile);
}

TEST_CASE("predict pending: SQL migrations become their statements, grouped per file and table") {
    history::ReadProblems problems;
    const auto candidates = predict::pending_migration_candidates(
        {test::source_path("fixtures/migrations/flyway/db/migration")}, nullptr, problems);
    // V1: customers (create + unique index); V2: invoices (create + index); V20230301101500: invoices
    // (add column, data, set not null); V3: a statement libpg_query cannot parse.
    REQUIRE(candidates.size() == 3);
    const auto* v1 = find_candidate(candidates, "customers", "create_table");
    REQUIRE(v1 != nullptr);
    REQUIRE(v1->ddl.size() == 2);
    CHECK(v1->ddl[1] == "CREATE UNIQUE INDEX customers_email_idx ON customers (email)");
    CHECK(v1->demand == 1.0);
    const auto* status = find_candidate(candidates, "invoices", "add_column", "status");
    REQUIRE(status != nullptr);
    CHECK(status->ddl == std::vector<std::string>{"ALTER TABLE invoices ADD COLUMN status TEXT",
                                                  "UPDATE invoices SET status = 'open'",
                                                  "ALTER TABLE invoices ALTER COLUMN status SET NOT NULL"});
    CHECK(status->evidence.front().source == "pending_migration");
    CHECK(problems.unparsed_statements == 1);
    // The ID is the change's: the same statements give the same ID in shadow's manifest.
    CHECK(predict::event_id(*status) == sql::change_id(status->ddl));
}

TEST_CASE("predict pending: golang-migrate down files and dbmate down sections are not the change") {
    history::ReadProblems problems;
    const auto candidates = predict::pending_migration_candidates(
        {test::source_path("fixtures/migrations/golang-migrate/migrations"), test::source_path("fixtures/predict/pending")},
        nullptr, problems);
    for (const auto& candidate : candidates) {
        for (const auto& statement : candidate.ddl) {
            CAPTURE(statement);
            CHECK(statement.find("DROP TABLE") == std::string::npos);  // only down migrations drop these tables
        }
    }
    const auto* loyalty = find_candidate(candidates, "customer", "add_column", "loyalty_tier");
    REQUIRE(loyalty != nullptr);
    CHECK(loyalty->ddl.size() == 2);  // the column and its index: one table, one change
    const auto* drop = find_candidate(candidates, "invoice", "drop_column", "billing_country");
    REQUIRE(drop != nullptr);
    CHECK(drop->ddl == std::vector<std::string>{"ALTER TABLE invoice DROP COLUMN billing_country"});
    CHECK(problems.total() == 0);
}

TEST_CASE("predict pending: Rails and Django operations give DDL only where the event fixes the statement") {
    history::ReadProblems problems;
    const auto rails = predict::pending_migration_candidates(
        {test::source_path("fixtures/migrations/rails/db/migrate/20170401000000_drop_comments.rb"),
         test::source_path("fixtures/migrations/rails/db/migrate/20150102030405_add_slug_to_articles.rb")},
        nullptr, problems);
    const auto* rename = find_candidate(rails, "articles", "rename_table");
    REQUIRE(rename != nullptr);
    CHECK(rename->ddl == std::vector<std::string>{"ALTER TABLE articles RENAME TO posts"});
    const auto* drop = find_candidate(rails, "comments", "drop_table");
    REQUIRE(drop != nullptr);
    CHECK(drop->ddl == std::vector<std::string>{"DROP TABLE comments"});
    const auto* slug = find_candidate(rails, "articles", "add_column", "slug");
    REQUIRE(slug != nullptr);
    CHECK(slug->ddl.empty());  // `null:`/`default:` options are not in the event: no guessed DDL
    CHECK(slug->demand == 1.0);
    CHECK(slug->evidence.back().detail.find("not derived") != std::string::npos);

    const auto django = predict::pending_migration_candidates(
        {test::source_path("fixtures/migrations/django/shop/migrations/0003_rename_order.py"),
         test::source_path("fixtures/migrations/django/shop/migrations/0002_product_sku.py")},
        nullptr, problems);
    const auto* price = find_candidate(django, "shop_product", "drop_column", "price");
    REQUIRE(price != nullptr);
    CHECK(price->ddl == std::vector<std::string>{"ALTER TABLE shop_product DROP COLUMN price"});
    const auto* buyer = find_candidate(django, "shop_order", "rename_column", "customer");
    REQUIRE(buyer != nullptr);
    CHECK(buyer->ddl == std::vector<std::string>{"ALTER TABLE shop_order RENAME COLUMN customer TO buyer"});
    CHECK(find_candidate(django, "shop_order", "rename_table") != nullptr);
    CHECK(find_candidate(django, "shop_product", "add_column", "sku")->ddl.empty());
}

TEST_CASE("predict pending: with a schema, derived DDL uses its names and refuses what it lacks") {
    test::TempDir dir;
    const auto path = sqlite_file(dir.path(), "app.sqlite",
                                  "CREATE TABLE shop_product (id INTEGER PRIMARY KEY, name TEXT, author_id INTEGER);");
    auto database = db::open_database(path.string(), {.read_only = true});
    const auto snapshot = snapshot_of(*database);
    const auto rails_file = dir.path() / "db" / "migrate" / "20240101000000_changes.rb";
    fs::create_directories(rails_file.parent_path());
    std::ofstream(rails_file) << "class Changes < ActiveRecord::Migration[7.0]\n  def change\n"
                                 "    remove_column :shop_product, :author\n    remove_column :shop_product, :price\n"
                                 "    drop_table :missing\n  end\nend\n";
    history::ReadProblems problems;
    const auto candidates = predict::pending_migration_candidates({rails_file}, &snapshot, problems);
    // A foreign key field names "author"; the column is author_id. SQLite DDL quotes every name.
    const auto* author = find_candidate(candidates, "shop_product", "drop_column", "author_id");
    REQUIRE(author != nullptr);
    CHECK(author->ddl == std::vector<std::string>{"ALTER TABLE \"shop_product\" DROP COLUMN \"author_id\""});
    const auto* price = find_candidate(candidates, "shop_product", "drop_column", "price");
    REQUIRE(price != nullptr);
    CHECK(price->ddl.empty());
    const auto* missing = find_candidate(candidates, "missing", "drop_table");
    REQUIRE(missing != nullptr);
    CHECK(missing->ddl.empty());
}

TEST_CASE("predict pending: a path that does not exist is bad input") {
    history::ReadProblems problems;
    CHECK_THROWS_AS(predict::pending_migration_candidates({"/nonexistent/migration.sql"}, nullptr, problems), InputError);
}

TEST_CASE("predict missing objects: what the application queries but the schema lacks") {
    const auto workload = chinook_workload(nullptr);
    const auto candidates = predict::missing_object_candidates(workload, nullptr);
    REQUIRE(candidates.size() == workload.missing_objects.size());
    const auto* rating = find_candidate(candidates, "track", "add_column", "rating");
    REQUIRE(rating != nullptr);
    CHECK(rating->ddl.empty());
    CHECK(rating->demand == doctest::Approx(3.0 / 4.0));  // k = 2 failed executions: (k+1)/(k+2)
    const auto* review = find_candidate(candidates, "review", "create_table");
    REQUIRE(review != nullptr);
    CHECK(review->demand == doctest::Approx(2.0 / 3.0));
    CHECK(review->evidence.front().detail.find("relation \"review\" does not exist") != std::string::npos);

    // With a schema that has them by now, they are no longer predictions.
    test::TempDir dir;
    const auto path = sqlite_file(dir.path(), "later.sqlite",
                                  "CREATE TABLE track (track_id INTEGER PRIMARY KEY, rating INTEGER);"
                                  "CREATE TABLE Review (id INTEGER PRIMARY KEY);"
                                  "CREATE TABLE customer (customer_id INTEGER PRIMARY KEY);");
    auto database = db::open_database(path.string(), {.read_only = true});
    const auto snapshot = snapshot_of(*database);
    const auto later = predict::missing_object_candidates(chinook_workload(&snapshot), &snapshot);
    REQUIRE(later.size() == 1);
    CHECK(later[0].column == "loyalty_tier");
}

TEST_CASE("predict unindexed filters: frequent filter and join columns that no index starts with") {
    test::TempDir dir;
    // The Chinook tables the log's queries use, with the PostgreSQL sample's names; invoice has no index
    // on billing_country and customer none on email, track has one on album_id.
    const auto path = sqlite_file(dir.path(), "chinook_pg_names.sqlite",
                                  "CREATE TABLE customer (customer_id INTEGER PRIMARY KEY, email TEXT, phone TEXT);"
                                  "CREATE TABLE invoice (invoice_id INTEGER PRIMARY KEY, customer_id INTEGER, "
                                  "billing_country TEXT, total NUMERIC);"
                                  "CREATE INDEX invoice_customer_idx ON invoice (customer_id);"
                                  "CREATE TABLE track (track_id INTEGER PRIMARY KEY, album_id INTEGER, name TEXT);"
                                  "CREATE INDEX track_album_idx ON track (album_id);");
    auto database = db::open_database(path.string(), {.read_only = true});
    const auto snapshot = snapshot_of(*database);
    const auto workload = chinook_workload(&snapshot);
    const auto candidates = predict::unindexed_filter_candidates(workload, snapshot);
    const auto* country = find_candidate(candidates, "invoice", "add_index", "billing_country");
    REQUIRE(country != nullptr);
    CHECK(country->ddl == std::vector<std::string>{
                              "CREATE INDEX \"invoice_billing_country_idx\" ON \"invoice\" (\"billing_country\")"});
    // 4 executions of one fingerprint filter on it, of 44 analysed statements (the profile's own counts).
    CHECK(country->evidence.front().detail.find("4 of 44 analysed statements (9.1%)") != std::string::npos);
    CHECK(find_candidate(candidates, "customer", "add_index", "email") != nullptr);
    CHECK(find_candidate(candidates, "invoice", "add_index", "customer_id") == nullptr);  // indexed
    CHECK(find_candidate(candidates, "track", "add_index", "album_id") == nullptr);       // indexed
    CHECK(find_candidate(candidates, "customer", "add_index", "customer_id") == nullptr);  // the primary key
    // A threshold above every column's share leaves nothing.
    CHECK(predict::unindexed_filter_candidates(workload, snapshot, 0.5).empty());
}

TEST_CASE("predict history: tables with a sustained recent history, strictly before the prediction time") {
    const auto day = [](int n) { return std::int64_t{1'700'000'000} + std::int64_t{n} * 86400; };
    const std::vector<history::HistoryEvent> events = {
        {"app", "m1", day(0), "orders", "create_table", "", ""},
        {"app", "m2", day(10), "orders", "add_column", "note", "text"},
        {"app", "m3", day(20), "orders", "add_index", "note", ""},
        {"app", "m4", day(25), "orders", "add_column", "total", "numeric"},
        {"app", "m5", day(30), "users", "add_column", "a", "text"},
        {"app", "m5", day(30), "users", "add_column", "b", "text"},  // one migration only
        {"app", "m6", day(5), "legacy", "add_column", "x", "text"},
        {"app", "m7", day(6), "legacy", "add_column", "y", "text"},
        {"app", "m8", day(7), "legacy", "drop_table", "", ""},
        {"app", "m9", day(40), "late", "add_column", "x", "text"},
        {"app", "m10", day(41), "late", "add_column", "y", "text"},
    };
    const auto candidates = predict::history_candidates(events, day(35), nullptr);
    REQUIRE(candidates.size() == 1);
    CHECK(candidates[0].table == "orders");
    CHECK(candidates[0].type == "add_column");
    CHECK(candidates[0].ddl.empty());
    CHECK(candidates[0].evidence[0].detail.find("3 operations in 3 migrations") != std::string::npos);
    // Moving the prediction time past the late events brings them in; a short window drops the old ones.
    const auto later = predict::history_candidates(events, day(42), nullptr, 15);
    REQUIRE(later.size() == 1);
    CHECK(later[0].table == "late");
}

TEST_CASE("predict data patterns: a purpose-built SQLite file, every pattern checked against SQL") {
    auto database = db::open_database(test::source_path("fixtures/predict/patterns.sqlite").string(), {.read_only = true});
    const auto snapshot = snapshot_of(*database);
    const auto sampled = predict::sample_tables(*database, snapshot, {});
    CHECK(sampled.skipped.empty());
    REQUIRE(sampled.samples.size() == 1);
    CHECK(sampled.samples[0].whole_table);
    CHECK(sampled.samples[0].rows.size() == 40);
    const auto candidates = predict::data_pattern_candidates(sampled.samples, snapshot);

    // SQLite: only integers change type (booleans, UUIDs and timestamps would stay text there).
    const auto* ref = find_candidate(candidates, "accounts", "alter_column_type", "external_ref");
    REQUIRE(ref != nullptr);
    CHECK(ref->ddl == std::vector<std::string>{"ALTER TABLE \"accounts\" ALTER COLUMN \"external_ref\" TYPE INTEGER"});
    CHECK(count_type(candidates, "alter_column_type") == 1);
    CHECK(scalar(*database, "SELECT count(*) FROM accounts WHERE CAST(CAST(external_ref AS INTEGER) AS TEXT) <> external_ref") == "0");

    // SET NOT NULL exactly for the nullable columns without a NULL.
    for (const auto& column : snapshot.tables[0].columns) {
        CAPTURE(column.name);
        const bool no_nulls = scalar(*database, "SELECT count(*) FROM accounts WHERE \"" + column.name + "\" IS NULL") == "0";
        const bool primary = column.name == "id";
        CHECK((find_candidate(candidates, "accounts", "alter_column_null", column.name) != nullptr) ==
              (column.nullable && no_nulls && !primary));
    }
    // A unique index exactly for the text columns whose values are all distinct.
    for (const char* column : {"external_ref", "code", "active", "token", "signed_up", "nickname", "region"}) {
        CAPTURE(column);
        const std::string c = column;
        const bool distinct =
            scalar(*database, "SELECT count(DISTINCT " + c + ") = count(" + c + ") AND count(" + c + ") > 1 FROM accounts") == "1";
        CHECK((find_candidate(candidates, "accounts", "add_index", c) != nullptr) == distinct);
    }
    const auto* code = find_candidate(candidates, "accounts", "add_index", "code");
    REQUIRE(code != nullptr);
    CHECK(code->ddl == std::vector<std::string>{"CREATE UNIQUE INDEX \"accounts_code_key\" ON \"accounts\" (\"code\")"});
    CHECK(code->validity == 1.0);  // every row was read
}

TEST_CASE("predict data patterns: the Chinook sample on SQLite, read-only, against independent queries") {
    auto database = db::open_database(test::source_path("fixtures/sampledb/chinook.sqlite").string(), {.read_only = true});
    const auto snapshot = snapshot_of(*database);
    predict::SampleOptions options;
    options.rows = 1000;
    const auto sampled = predict::sample_tables(*database, snapshot, options);
    REQUIRE(sampled.samples.size() == snapshot.tables.size());
    const auto candidates = predict::data_pattern_candidates(sampled.samples, snapshot);

    // Invoice has 412 rows: read whole. Track has 3503: the first 1000, so validity = 1001/3504.
    const auto* billing_city = find_candidate(candidates, "Invoice", "alter_column_null", "BillingCity");
    REQUIRE(billing_city != nullptr);
    CHECK(billing_city->validity == 1.0);
    CHECK(scalar(*database, "SELECT count(*) FROM Invoice WHERE BillingCity IS NULL") == "0");
    CHECK(find_candidate(candidates, "Invoice", "alter_column_null", "BillingState") == nullptr);  // has NULLs
    CHECK(scalar(*database, "SELECT count(*) FROM Invoice WHERE BillingState IS NULL") != "0");
    const auto* genre = find_candidate(candidates, "Track", "alter_column_null", "GenreId");
    REQUIRE(genre != nullptr);
    CHECK(genre->validity == doctest::Approx(1001.0 / 3504.0));
    CHECK(scalar(*database, "SELECT count(*) FROM Track") == "3503");
    CHECK(scalar(*database, "SELECT count(*) FROM (SELECT GenreId FROM Track LIMIT 1000) WHERE GenreId IS NULL") == "0");
    // Customer.Email is distinct in every row and has no unique index.
    CHECK(scalar(*database, "SELECT count(DISTINCT Email) = count(*) FROM Customer") == "1");
    CHECK(find_candidate(candidates, "Customer", "add_index", "Email") != nullptr);
    // Country repeats.
    CHECK(find_candidate(candidates, "Customer", "add_index", "Country") == nullptr);
}

TEST_CASE("predict data patterns: hostile table and column names are sampled and quoted, never executed") {
    test::TempDir dir;
    const std::string table = "x\"; DROP TABLE victim; --";
    const std::string column = "we\"ird'col";
    const auto path = sqlite_file(dir.path(), "hostile.sqlite",
                                  "CREATE TABLE victim (id INTEGER);"
                                  "CREATE TABLE \"x\"\"; DROP TABLE victim; --\" (id INTEGER PRIMARY KEY, \"we\"\"ird'col\" TEXT);"
                                  "INSERT INTO \"x\"\"; DROP TABLE victim; --\" VALUES (1, '10'), (2, '20'), (3, '30');");
    auto database = db::open_database(path.string(), {.read_only = true});
    const auto snapshot = snapshot_of(*database);
    const auto sampled = predict::sample_tables(*database, snapshot, {});
    const auto candidates = predict::data_pattern_candidates(sampled.samples, snapshot);
    const auto* retype = find_candidate(candidates, table, "alter_column_type", column);
    REQUIRE(retype != nullptr);
    REQUIRE(retype->ddl.size() == 1);
    const auto info = sql::analyze_statement(retype->ddl[0]);
    REQUIRE(info.parsed);
    REQUIRE(info.ddl_changes.size() == 1);
    CHECK(info.ddl_changes[0].table == table);
    CHECK(info.ddl_changes[0].column == column);
    CHECK(scalar(*database, "SELECT count(*) FROM victim") == "0");  // still there
}

TEST_CASE("predict data patterns on PostgreSQL: type changes that really apply, TABLESAMPLE, timeouts") {
    const auto admin = test::postgres_url();
    if (!admin) return;
    test::ScratchPostgresDatabase scratch(*admin);
    {
        auto setup = db::open_database(scratch.url());
        setup->execute(
            "CREATE TABLE accounts (id integer PRIMARY KEY, external_ref text, code varchar(20) NOT NULL, active text, "
            "token text, signed_up text, seen_at text, born text, nickname text, region text);"
            "INSERT INTO accounts SELECT i, ((i % 25) * 37)::text, 'A-' || i, CASE i % 2 WHEN 0 THEN 'yes' ELSE 'no' END, "
            "md5(i::text)::uuid::text, format('2024-01-%s 10:%s:00', lpad(((i % 28) + 1)::text, 2, '0'), lpad((i % 60)::text, 2, '0')), "
            "format('2024-01-01T00:00:%sZ', lpad((i % 60)::text, 2, '0')), format('1990-01-%s', lpad(((i % 28) + 1)::text, 2, '0')), "
            "CASE WHEN i % 5 = 0 THEN NULL ELSE 'nick' || (i % 7) END, "
            "(ARRAY['north','south','east'])[i % 3 + 1] FROM generate_series(1, 40) AS i;"
            "CREATE TABLE big (id integer PRIMARY KEY, label text NOT NULL, note text);"
            "INSERT INTO big SELECT i, 'label ' || (i % 10), 'n' FROM generate_series(1, 20000) AS i;"
            "CREATE TABLE locked (id integer);"
            "CREATE TABLE \"Mixed Case\" (\"Id\" integer, \"v\"\"q\" text);"
            "INSERT INTO \"Mixed Case\" VALUES (1, '1'), (2, '2');"
            "ANALYZE;"
            // Filled after ANALYZE: the catalog's estimate knows none of its rows.
            "CREATE TABLE stale (id integer, note text);"
            "INSERT INTO stale SELECT i, 'n' FROM generate_series(1, 2000) AS i;");
    }
    auto database = db::open_database(scratch.url(), {.read_only = true});
    const auto snapshot = snapshot_of(*database);

    // Another session holds an ACCESS EXCLUSIVE lock on `locked`: its sample waits, and times out.
    auto locker = db::open_database(scratch.url());
    locker->begin();
    locker->execute("LOCK TABLE locked IN ACCESS EXCLUSIVE MODE");
    predict::SampleOptions options;
    options.rows = 500;
    options.timeout_seconds = 1;
    const auto sampled = predict::sample_tables(*database, snapshot, options);
    locker->rollback();
    REQUIRE(sampled.skipped.size() == 1);
    CHECK(sampled.skipped[0].find("locked: ") == 0);
    CHECK(sampled.skipped[0].find("statement timeout") != std::string::npos);

    const auto big = std::find_if(sampled.samples.begin(), sampled.samples.end(), [](const auto& s) { return s.table == "big"; });
    REQUIRE(big != sampled.samples.end());
    CHECK_FALSE(big->whole_table);
    CHECK(big->method.find("TABLESAMPLE SYSTEM") == 0);
    CHECK(big->rows.size() <= 500);
    CHECK(big->table_rows == 20000);

    // A stale estimate: the filled sample makes the sampler count the table, so validity knows its size.
    const auto stale = std::find_if(sampled.samples.begin(), sampled.samples.end(), [](const auto& s) { return s.table == "stale"; });
    REQUIRE(stale != sampled.samples.end());
    CHECK_FALSE(stale->whole_table);
    CHECK(stale->table_rows == 2000);

    const auto candidates = predict::data_pattern_candidates(sampled.samples, snapshot);
    const std::map<std::string, std::string> expected_types = {
        {"external_ref", "integer"}, {"active", "boolean"}, {"token", "uuid"},
        {"signed_up", "timestamp"}, {"seen_at", "timestamptz"}, {"born", "date"}};
    auto writer = db::open_database(scratch.url());
    for (const auto& [column, type] : expected_types) {
        const std::string& column_name = column;  // clang 14: no structured binding in CAPTURE
        CAPTURE(column_name);
        const auto* candidate = find_candidate(candidates, "accounts", "alter_column_type", column);
        REQUIRE(candidate != nullptr);
        REQUIRE(candidate->ddl.size() == 1);
        CHECK(candidate->ddl[0] == "ALTER TABLE accounts ALTER COLUMN " + column + " TYPE " + type + " USING " + column + "::" + type);
        // The proposed statement really applies to the data (then the change is undone).
        writer->begin();
        writer->execute(candidate->ddl[0]);
        CHECK(scalar(*writer, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'accounts'::regclass "
                              "AND attname = '" + column + "'").find(type == "timestamptz" ? "with time zone" : type == "timestamp" ? "without time zone" : type) != std::string::npos);
        writer->rollback();
    }
    CHECK(find_candidate(candidates, "accounts", "alter_column_type", "nickname") == nullptr);
    CHECK(find_candidate(candidates, "accounts", "alter_column_type", "region") == nullptr);
    CHECK(find_candidate(candidates, "accounts", "alter_column_null", "region") != nullptr);
    CHECK(find_candidate(candidates, "accounts", "add_index", "code")->ddl ==
          std::vector<std::string>{"CREATE UNIQUE INDEX CONCURRENTLY accounts_code_key ON accounts (code)"});
    // The sampled big table: its pattern holds for the rest with probability (n+1)/(N+1).
    CHECK(find_candidate(candidates, "big", "alter_column_type", "label") == nullptr);  // "label 3" is not a number
    const auto* note = find_candidate(candidates, "big", "alter_column_null", "note");
    REQUIRE(note != nullptr);
    CHECK(note->validity == doctest::Approx((static_cast<double>(big->rows.size()) + 1.0) / 20001.0));
    const auto* quoted = find_candidate(candidates, "Mixed Case", "alter_column_type", "v\"q");
    REQUIRE(quoted != nullptr);
    CHECK(quoted->ddl[0] == "ALTER TABLE \"Mixed Case\" ALTER COLUMN \"v\"\"q\" TYPE integer USING \"v\"\"q\"::integer");
    // The session is read-only: the sampler could not have written.
    CHECK_THROWS(database->execute("CREATE TABLE should_fail (id integer)"));
}
