// Identifier and literal quoting with hostile names, executed for real on SQLite and PostgreSQL.
#include <doctest/doctest.h>

#include "core/db/database.hpp"
#include "core/schema/introspect.hpp"
#include "core/util/error.hpp"
#include "support/test_support.hpp"

using namespace schemaflip;

namespace {

const std::vector<std::string> k_hostile_names = {
    "\"; DROP TABLE victim; --",
    "it's",
    "semi;colon",
    "Ünïcødé ☃ テーブル",
    "with space",
    "\"\"",
    "back\\slash",
};

// Creates a table per hostile name (with a hostile column), inserts a hostile literal, and reads it back:
// every name must round-trip as one identifier and the victim table must survive.
void check_hostile_names(db::Database& database) {
    database.execute("CREATE TABLE victim (id integer)");
    for (const auto& name : k_hostile_names) {
        CAPTURE(name);
        const auto table = database.quote_identifier(name);
        const auto column = database.quote_identifier(name + " col");
        database.execute("CREATE TABLE " + table + " (" + column + " text)");
        database.execute("INSERT INTO " + table + " VALUES (" + database.quote_literal(name) + ")");
        const auto result = database.query("SELECT " + column + " FROM " + table);
        REQUIRE(result.rows.size() == 1);
        CHECK(result.columns.at(0).name == name + " col");
        CHECK(db::value_text(result.rows[0][0]) == name);
    }
    const auto snapshot = schema::introspect(database);
    CHECK(snapshot.find_table("victim") != nullptr);
    for (const auto& name : k_hostile_names) CHECK(snapshot.find_table(name) != nullptr);
}

}  // namespace

TEST_CASE("quote_identifier_ansi doubles quotes and refuses NUL") {
    CHECK(db::quote_identifier_ansi("a\"b") == "\"a\"\"b\"");
    CHECK(db::quote_literal_ansi("it's") == "'it''s'");
    CHECK_THROWS_AS(db::quote_identifier_ansi(std::string("a\0b", 3)), InputError);
}

TEST_CASE("hostile identifiers round-trip on SQLite") {
    auto database = db::open_database("sqlite::memory:");
    check_hostile_names(*database);
}

TEST_CASE("hostile identifiers round-trip on PostgreSQL") {
    const auto admin = test::postgres_url();
    if (!admin) return;
    test::ScratchPostgresDatabase scratch(*admin);
    auto database = db::open_database(scratch.url());
    check_hostile_names(*database);
}
