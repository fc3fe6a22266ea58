// `schemaflip shadow up` on SQLite through the CLI: the change zoo on copies of Chinook, and SQLite's table
// rebuild on a purpose-built database (fixtures/sqlite/rebuild_features.sql) that has every part of a table
// definition SQLite keeps only in its CREATE TABLE text. Every case also checks that the primary file is
// byte-identical afterwards and that a failure leaves nothing behind.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "core/db/database.hpp"
#include "core/util/error.hpp"
#include "support/test_support.hpp"

using namespace schemaflip;
namespace fs = std::filesystem;

namespace {

struct SqliteShadow {
    test::TempDir dir;
    fs::path primary = dir.path() / "primary.sqlite";
    fs::path shadow = dir.path() / "shadow.sqlite";
    fs::path manifest = dir.path() / "shadow.json";
    fs::path ddl = dir.path() / "change.sql";
    std::string primary_bytes;

    enum class From { chinook, features };

    explicit SqliteShadow(From from) {
        if (from == From::chinook) {
            fs::copy_file(test::source_path("fixtures/sampledb/chinook.sqlite"), primary);
        } else {
            create_features(primary);
        }
        primary_bytes = test::read_file(primary);
    }
    static void create_features(const fs::path& path) {
        db::open_database(path.string(), {.create = true})->execute(test::read_file(test::source_path("fixtures/sqlite/rebuild_features.sql")));
    }

    test::CliResult up(const std::string& sql) {
        std::ofstream(ddl) << sql;
        return test::run_cli({"--format", "json", "shadow", "up", "--primary", primary.string(), "--shadow", shadow.string(), "--ddl",
                              ddl.string(), "-o", manifest.string(), "--force"});
    }
    std::unique_ptr<db::Database> open_shadow() const { return db::open_database(shadow.string()); }
    std::unique_ptr<db::Database> open_primary() const { return db::open_database(primary.string(), {.read_only = true}); }
    bool primary_unchanged() const { return test::read_file(primary) == primary_bytes; }
};

std::int64_t integer(db::Database& database, const std::string& sql) { return db::value_integer(database.query(sql).rows.at(0).at(0)); }
std::string text(db::Database& database, const std::string& sql) { return db::value_text(database.query(sql).rows.at(0).at(0)); }
std::string stored_sql(db::Database& database, const std::string& name) {
    return text(database, "SELECT sql FROM sqlite_schema WHERE name = " + database.quote_literal(name));
}
bool fails(db::Database& database, const std::string& sql) {
    try {
        database.execute(sql);
    } catch (const Error&) {
        return true;
    }
    return false;
}
bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

// Exit 4 naming the statement and the reason, no shadow and no manifest left, the primary untouched.
void check_failed_cleanly(const SqliteShadow& c, const test::CliResult& result, const std::string& statement, const std::string& reason) {
    INFO(result.err);
    CHECK(result.exit_code == 4);
    CHECK(contains(result.err, "statement failed on the shadow: " + statement));
    CHECK(contains(result.err, reason));
    CHECK_FALSE(fs::exists(c.shadow));
    CHECK_FALSE(fs::exists(c.manifest));
    CHECK(c.primary_unchanged());
}

std::vector<std::string> effects(const SqliteShadow& c) {
    const auto manifest = nlohmann::json::parse(test::read_file(c.manifest));
    std::vector<std::string> out;
    for (const auto& statement : manifest["changes"][0]["statements"]) out.push_back(statement["effect"].get<std::string>());
    return out;
}

}  // namespace

TEST_CASE("shadow up on SQLite: the change zoo on Chinook, each through the CLI, the primary byte-identical") {
    struct Case {
        const char* name;
        std::string sql;
        std::function<void(db::Database& shadow, db::Database& primary)> check;
    };
    // Values below were read from chinook.sqlite with the sqlite3 shell; the checks compare with the primary.
    const Case cases[] = {
        {"add a nullable column", "ALTER TABLE customer ADD COLUMN loyalty_tier text",
         [](db::Database& s, db::Database&) {
             CHECK(integer(s, "SELECT count(*) FROM pragma_table_info('Customer') WHERE name = 'loyalty_tier' AND \"notnull\" = 0") == 1);
             CHECK(integer(s, "SELECT count(*) FROM Customer WHERE loyalty_tier IS NOT NULL") == 0);
         }},
        {"add a column with a default", "ALTER TABLE customer ADD COLUMN points integer NOT NULL DEFAULT 10",
         [](db::Database& s, db::Database& p) {
             CHECK(integer(s, "SELECT sum(points) FROM Customer") == 10 * integer(p, "SELECT count(*) FROM Customer"));
         }},
        {"add an index", "CREATE INDEX track_composer_idx ON track (composer)",
         [](db::Database& s, db::Database&) {
             CHECK(integer(s, "SELECT count(*) FROM pragma_index_list('Track') WHERE name = 'track_composer_idx'") == 1);
         }},
        {"widen a type", "ALTER TABLE invoice ALTER COLUMN billingcity TYPE varchar(80)",
         [](db::Database& s, db::Database& p) {
             CHECK(text(s, "SELECT type FROM pragma_table_info('Invoice') WHERE name = 'BillingCity'") == "varchar(80)");
             CHECK(integer(s, "SELECT count(*) FROM Invoice") == integer(p, "SELECT count(*) FROM Invoice"));
             CHECK(text(s, "SELECT group_concat(BillingCity, '|') FROM Invoice") == text(p, "SELECT group_concat(BillingCity, '|') FROM Invoice"));
             CHECK(integer(s, "SELECT count(*) FROM pragma_index_list('Invoice') WHERE name = 'IFK_InvoiceCustomerId'") == 1);
         }},
        {"narrow a type to the longest value", "ALTER TABLE genre ALTER COLUMN name TYPE varchar(18)",
         [](db::Database& s, db::Database& p) {
             CHECK(integer(p, "SELECT max(length(Name)) FROM Genre") == 18);  // "Alternative & Punk"
             CHECK(text(s, "SELECT type FROM pragma_table_info('Genre') WHERE name = 'Name'") == "varchar(18)");
         }},
        {"set not null where there are no NULLs", "ALTER TABLE customer ALTER COLUMN city SET NOT NULL",
         [](db::Database& s, db::Database&) {
             CHECK(integer(s, "SELECT \"notnull\" FROM pragma_table_info('Customer') WHERE name = 'City'") == 1);
             CHECK(fails(s, "UPDATE Customer SET City = NULL WHERE CustomerId = 1"));
         }},
        {"rename a column", "ALTER TABLE track RENAME COLUMN composer TO composer_name",
         [](db::Database& s, db::Database& p) {
             CHECK(integer(s, "SELECT count(composer_name) FROM Track") == integer(p, "SELECT count(Composer) FROM Track"));
         }},
        {"drop a column", "ALTER TABLE customer DROP COLUMN fax",
         [](db::Database& s, db::Database&) {
             CHECK(integer(s, "SELECT count(*) FROM pragma_table_info('Customer') WHERE name = 'Fax'") == 0);
         }},
        {"rename a table", "ALTER TABLE mediatype RENAME TO media_type",
         [](db::Database& s, db::Database&) {
             CHECK(integer(s, "SELECT count(*) FROM sqlite_schema WHERE name = 'MediaType'") == 0);
             CHECK(integer(s, "SELECT count(*) FROM pragma_foreign_key_list('Track') WHERE \"table\" = 'media_type'") == 1);
         }},
    };
    for (const auto& zoo : cases) {
        CAPTURE(std::string(zoo.name));
        SqliteShadow c(SqliteShadow::From::chinook);
        const auto result = c.up(zoo.sql);
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
        CHECK(c.primary_unchanged());
        auto shadow = c.open_shadow();
        auto primary = c.open_primary();
        zoo.check(*shadow, *primary);
        CHECK(text(*shadow, "PRAGMA integrity_check") == "ok");
        shadow.reset();
        CHECK(test::run_cli({"shadow", "down", "--manifest", c.manifest.string()}).exit_code == 0);
        CHECK_FALSE(fs::exists(c.shadow));
    }

    SUBCASE("narrowing below the longest value, and SET NOT NULL over NULLs, fail cleanly") {
        SqliteShadow c(SqliteShadow::From::chinook);
        check_failed_cleanly(c, c.up("ALTER TABLE genre ALTER COLUMN name TYPE varchar(17)"), "ALTER TABLE genre", "do not fit varchar(17)");
        check_failed_cleanly(c, c.up("ALTER TABLE track ALTER COLUMN composer SET NOT NULL"), "ALTER TABLE track",
                             "NOT NULL constraint failed");
        check_failed_cleanly(c, c.up("ALTER TABLE invoice ALTER COLUMN total TYPE integer"), "ALTER TABLE invoice",
                             "do not fit integer");
    }
}

TEST_CASE("shadow up on SQLite: a rebuild keeps CHECK, COLLATE, AUTOINCREMENT, generated columns, WITHOUT ROWID and STRICT") {
    SqliteShadow c(SqliteShadow::From::features);
    const auto result = c.up(
        "ALTER TABLE author ALTER COLUMN country SET DEFAULT 'XX';\n"
        "ALTER TABLE book ALTER COLUMN pages TYPE bigint;\n"
        "ALTER TABLE tag ALTER COLUMN weight DROP DEFAULT;\n"
        "ALTER TABLE reading ALTER COLUMN note SET NOT NULL;\n");
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    CHECK(c.primary_unchanged());
    CHECK(effects(c) == std::vector<std::string>{"rewrite", "rewrite", "rewrite", "rewrite"});
    auto shadow = c.open_shadow();
    auto primary = c.open_primary();
    for (const char* table : {"author", "book", "tag", "reading", "audit"}) {
        const std::string count = std::string("SELECT count(*) FROM ") + "\"" + table + "\"";
        CHECK(integer(*shadow, count) == integer(*primary, count));
    }

    SUBCASE("author: the text of what was not changed is kept, and still works") {
        const auto sql = stored_sql(*shadow, "author");
        CHECK(contains(sql, "id INTEGER PRIMARY KEY AUTOINCREMENT"));
        CHECK(contains(sql, "name TEXT NOT NULL /* compared (without case, see below) */ COLLATE NOCASE"));
        CHECK(contains(sql, "CONSTRAINT author_born_range CHECK (born BETWEEN 1000 AND 2100)"));
        CHECK(contains(sql, "CONSTRAINT author_name_not_blank CHECK (length(trim(name)) > 0)"));
        CHECK_FALSE(contains(sql, "n/a, unknown"));
        // AUTOINCREMENT's counter survived the copy: the removed author's id 4 is not handed out again.
        shadow->execute("INSERT INTO author (name) VALUES ('Iain M. Banks')");
        CHECK(integer(*shadow, "SELECT id FROM author WHERE name = 'Iain M. Banks'") == 5);
        CHECK(text(*shadow, "SELECT country FROM author WHERE id = 5") == "XX");
        CHECK(integer(*shadow, "SELECT count(*) FROM author WHERE name = 'OCTAVIA BUTLER'") == 1);  // COLLATE NOCASE
        CHECK(fails(*shadow, "INSERT INTO author (name, born) VALUES ('Too Late', 3000)"));
        CHECK(fails(*shadow, "INSERT INTO author (name) VALUES ('   ')"));
        CHECK(fails(*shadow, "INSERT INTO author (name, email) VALUES ('Copy', 'lem@example.org')"));
        CHECK(integer(*shadow, "SELECT count(*) FROM pragma_index_list('author') WHERE name = 'author_lower_name_idx'") == 1);
    }
    SUBCASE("book: generated columns, foreign key actions, indexes and its trigger") {
        CHECK(text(*shadow, "SELECT type FROM pragma_table_xinfo('book') WHERE name = 'pages'") == "bigint");
        CHECK(text(*shadow, "SELECT group_concat(hidden, ',') FROM pragma_table_xinfo('book')") == "0,0,0,0,0,2,3,0");
        CHECK(text(*shadow, "SELECT price_with_tax || ' ' || title_upper FROM book WHERE \"book id\" = 2") == "15.0 SOLARIS");
        CHECK(text(*shadow, "SELECT on_delete || ' ' || on_update FROM pragma_foreign_key_list('book')") == "SET NULL CASCADE");
        CHECK(contains(stored_sql(*shadow, "book"), "DEFERRABLE INITIALLY DEFERRED"));
        CHECK(integer(*shadow, "SELECT count(*) FROM pragma_index_list('book') WHERE name IN ('book_author_idx', 'book_cheap_idx')") == 2);
        CHECK(integer(*shadow, "SELECT partial FROM pragma_index_list('book') WHERE name = 'book_cheap_idx'") == 1);
        CHECK(integer(*shadow, "SELECT count(*) FROM pragma_index_list('book') WHERE origin = 'u'") == 1);
        const auto audits = integer(*shadow, "SELECT count(*) FROM audit");
        shadow->execute("UPDATE book SET pages = 205 WHERE \"book id\" = 2");
        CHECK(integer(*shadow, "SELECT count(*) FROM audit") == audits + 1);
        CHECK(fails(*shadow, "UPDATE book SET pages = 0 WHERE \"book id\" = 2"));
        CHECK(integer(*shadow, "SELECT count(*) FROM book_titles") == 4);
    }
    SUBCASE("tag stays WITHOUT ROWID and reading stays STRICT") {
        CHECK(integer(*shadow, "SELECT wr FROM pragma_table_list WHERE name = 'tag'") == 1);
        CHECK(integer(*shadow, "SELECT count(*) FROM pragma_table_info('tag') WHERE name = 'weight' AND dflt_value IS NULL AND \"notnull\" = 1") == 1);
        CHECK(integer(*shadow, "SELECT strict FROM pragma_table_list WHERE name = 'reading'") == 1);
        CHECK(integer(*shadow, "SELECT \"notnull\" FROM pragma_table_info('reading') WHERE name = 'note'") == 1);
        CHECK(fails(*shadow, "INSERT INTO reading (id, book_id, minutes, note) VALUES (9, 1, 'abc', 'x')"));
        CHECK(integer(*shadow, "SELECT count(*) FROM reading_notes") == 3);
    }
}

TEST_CASE("shadow up on SQLite: constraints added and dropped by rebuild") {
    SUBCASE("UNIQUE, CHECK and FOREIGN KEY, added and dropped by name") {
        SqliteShadow c(SqliteShadow::From::features);
        const auto result = c.up(
            "ALTER TABLE author ADD CONSTRAINT author_email_has_at CHECK (email LIKE '%@%');\n"
            "ALTER TABLE author DROP CONSTRAINT author_born_range;\n"
            "ALTER TABLE book DROP CONSTRAINT book_isbn_unique;\n"
            "ALTER TABLE book ADD CONSTRAINT book_title_unique UNIQUE (title);\n"
            "ALTER TABLE reading ADD CONSTRAINT reading_book_fk FOREIGN KEY (book_id) REFERENCES book (\"book id\") ON DELETE CASCADE;\n");
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
        CHECK(c.primary_unchanged());
        auto shadow = c.open_shadow();
        CHECK(fails(*shadow, "INSERT INTO author (name, email) VALUES ('No At', 'nowhere')"));
        CHECK_FALSE(fails(*shadow, "INSERT INTO author (name, born) VALUES ('Far Future', 3000)"));
        CHECK_FALSE(fails(*shadow, "INSERT INTO book (\"book id\", title, isbn) VALUES (10, 'Solaris II', '978-0156027601')"));
        CHECK(fails(*shadow, "INSERT INTO book (\"book id\", title) VALUES (11, 'Solaris')"));
        CHECK(text(*shadow, "SELECT \"table\" || ' ' || \"from\" || ' ' || on_delete FROM pragma_foreign_key_list('reading')") ==
              "book book_id CASCADE");
        CHECK(contains(stored_sql(*shadow, "reading"), ") STRICT"));
    }
    SUBCASE("a primary key replaced on Chinook") {
        SqliteShadow c(SqliteShadow::From::chinook);
        const auto result = c.up(
            "ALTER TABLE playlisttrack DROP CONSTRAINT pk_playlisttrack;\n"
            "ALTER TABLE playlisttrack ADD CONSTRAINT pk_playlisttrack_by_track PRIMARY KEY (trackid, playlistid);\n");
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
        auto shadow = c.open_shadow();
        CHECK(text(*shadow, "SELECT group_concat(name, ',') FROM pragma_index_info((SELECT name FROM pragma_index_list('PlaylistTrack') "
                            "WHERE origin = 'pk'))") == "TrackId,PlaylistId");
        CHECK(integer(*shadow, "SELECT count(*) FROM PlaylistTrack") == integer(*c.open_primary(), "SELECT count(*) FROM PlaylistTrack"));
        CHECK(integer(*shadow, "SELECT count(*) FROM pragma_index_list('PlaylistTrack') WHERE name = 'IFK_PlaylistTrackTrackId'") == 1);
    }
    SUBCASE("what the data or SQLite refuses fails cleanly") {
        SqliteShadow c(SqliteShadow::From::features);
        check_failed_cleanly(c, c.up("ALTER TABLE book ADD CONSTRAINT book_author_unique UNIQUE (author_id)"), "ALTER TABLE book",
                             "UNIQUE constraint failed");
        check_failed_cleanly(c, c.up("ALTER TABLE book ADD CONSTRAINT book_short CHECK (pages < 300)"), "ALTER TABLE book",
                             "CHECK constraint failed");
        check_failed_cleanly(c, c.up("ALTER TABLE reading ADD FOREIGN KEY (minutes) REFERENCES book (\"book id\")"),
                             "ALTER TABLE reading", "foreign key check failed after rebuilding table reading");
        check_failed_cleanly(c, c.up("ALTER TABLE author DROP CONSTRAINT author_pkey"), "ALTER TABLE author",
                             "constraint \"author_pkey\" of relation \"author\" does not exist");
        check_failed_cleanly(c, c.up("ALTER TABLE author ADD PRIMARY KEY (email)"), "ALTER TABLE author", "more than one primary key");
        check_failed_cleanly(c, c.up("ALTER TABLE reading ALTER COLUMN minutes TYPE bigint"), "ALTER TABLE reading",
                             "unknown datatype for");
        check_failed_cleanly(c, c.up("ALTER TABLE book ALTER COLUMN title DROP NOT NULL;\nALTER TABLE book ALTER COLUMN \"book id\" DROP NOT NULL"),
                             "ALTER TABLE book ALTER COLUMN \"book id\"", "is in a primary key");
        SqliteShadow chinook(SqliteShadow::From::chinook);
        // Track's foreign key names Genre's key, which would no longer be unique.
        check_failed_cleanly(chinook, chinook.up("ALTER TABLE genre DROP CONSTRAINT pk_genre"), "ALTER TABLE genre", "foreign key mismatch");
        check_failed_cleanly(chinook,
                             chinook.up("ALTER TABLE playlisttrack DROP CONSTRAINT pk_playlisttrack;\n"
                                        "ALTER TABLE playlisttrack ADD COLUMN note text;\n"
                                        "ALTER TABLE playlisttrack ADD PRIMARY KEY (note);\n"),
                             "ALTER TABLE playlisttrack ADD PRIMARY KEY", "column \"note\" of relation \"PlaylistTrack\" contains null values");
    }
    SUBCASE("what SQLite cannot express is refused before anything runs (exit 3)") {
        SqliteShadow c(SqliteShadow::From::features);
        for (const char* sql : {"ALTER TABLE author ADD CONSTRAINT author_born_positive CHECK (born > 0) NOT VALID",
                                "ALTER TABLE author ALTER COLUMN born TYPE text USING (born + 1)::text || 'x'",
                                "ALTER TABLE author ALTER COLUMN born ADD GENERATED ALWAYS AS IDENTITY",
                                "ALTER TABLE author ALTER COLUMN born TYPE integer, ADD COLUMN x text"}) {
            CAPTURE(std::string(sql));
            const auto result = c.up(sql);
            CHECK(result.exit_code == 3);
            CHECK(contains(result.err, sql));
            CHECK_FALSE(fs::exists(c.shadow));
            CHECK_FALSE(fs::exists(c.manifest));
        }
        CHECK(c.primary_unchanged());
    }
}

TEST_CASE("shadow up on SQLite: ALTER COLUMN TYPE ... USING is evaluated by SQLite over the old row") {
    SqliteShadow c(SqliteShadow::From::features);
    const auto result = c.up(
        "ALTER TABLE book ALTER COLUMN price TYPE integer USING round(price * 100);\n"
        "ALTER TABLE author ALTER COLUMN country TYPE text USING email;\n"
        "ALTER TABLE reading ALTER COLUMN minutes TYPE text USING minutes::text;\n");
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    auto shadow = c.open_shadow();
    // 9.99, 12.50, 8.00 and 14.25 in cents.
    CHECK(text(*shadow, "SELECT group_concat(price, ',') FROM (SELECT price FROM book ORDER BY \"book id\")") == "999,1250,800,1425");
    CHECK(text(*shadow, "SELECT group_concat(typeof(price), ',') FROM book") == "integer,integer,integer,integer");
    CHECK(integer(*shadow, "SELECT count(*) FROM author WHERE country IS email") == 3);
    CHECK(text(*shadow, "SELECT group_concat(typeof(minutes) || ':' || minutes, ',') FROM reading") == "text:45,text:30,text:12");

    check_failed_cleanly(c, c.up("ALTER TABLE author ALTER COLUMN born TYPE integer USING no_such_function(born)"), "ALTER TABLE author",
                         "no such function: no_such_function");
    check_failed_cleanly(c, c.up("ALTER TABLE book ALTER COLUMN price TYPE integer USING price"), "ALTER TABLE book",
                         "3 rows of column price do not fit integer, e.g. 9.99");
}

TEST_CASE("shadow up on SQLite: a statement that breaks a view or a trigger fails with the statement named") {
    SqliteShadow c(SqliteShadow::From::features);
    check_failed_cleanly(c, c.up("DROP TABLE reading"), "DROP TABLE reading", "view reading_notes no longer compiles: no such table");
    check_failed_cleanly(c, c.up("ALTER TABLE reading DROP COLUMN note"), "ALTER TABLE reading DROP COLUMN note",
                         "error in view reading_notes");
    check_failed_cleanly(c, c.up("ALTER TABLE author ADD COLUMN x int;\nDROP TABLE audit"), "DROP TABLE audit",
                         "a trigger of book on UPDATE no longer compiles: no such table: main.audit");

    SUBCASE("a renamed column is carried into the trigger and the view") {
        const auto result = c.up("ALTER TABLE book RENAME COLUMN pages TO page_count;\nALTER TABLE book RENAME COLUMN title TO name");
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
        auto shadow = c.open_shadow();
        CHECK(contains(stored_sql(*shadow, "book_pages_audit"), "UPDATE OF page_count"));
        shadow->execute("UPDATE book SET page_count = 300 WHERE \"book id\" = 1");
        CHECK(integer(*shadow, "SELECT count(*) FROM audit WHERE what = 'pages of 1'") == 1);
        CHECK(integer(*shadow, "SELECT count(*) FROM book_titles WHERE name = 'Solaris'") == 1);
    }
    SUBCASE("a view the primary could not compile already does not block a change") {
        fs::remove(c.primary);
        SqliteShadow::create_features(c.primary);
        db::open_database(c.primary.string())->execute("CREATE VIEW stale AS SELECT gone FROM audit");
        c.primary_bytes = test::read_file(c.primary);
        const auto result = c.up("ALTER TABLE book ALTER COLUMN pages TYPE bigint");
        INFO(result.err);
        CHECK(result.exit_code == 0);
        CHECK(c.primary_unchanged());
    }
}
