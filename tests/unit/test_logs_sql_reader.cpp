// .sql reader: statements split by libpg_query's splitter, each a plain statement with its first line.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/logs/line_source.hpp"
#include "core/logs/record_reader.hpp"
#include "support/log_test_support.hpp"
#include "support/test_support.hpp"

namespace logs = schemaflip::logs;
using schemaflip::test::ReadResult;

namespace {

ReadResult read_sql(logs::LineSource& lines) { return schemaflip::test::read_all(logs::make_sql_reader, lines); }

ReadResult read_sql_buffer(std::string_view text) {
    auto lines = logs::buffer_line_source(text, "script.sql");
    return read_sql(*lines);
}

}  // namespace

TEST_CASE("sql reader gives one plain statement per statement with the line it starts on") {
    const auto result = read_sql_buffer(
        "-- a comment; not a statement\n"
        "SELECT 1;\n"
        "\n"
        "INSERT INTO t (a, b)\n"
        "VALUES ('x;y', $$ ; $$);\n"
        "/* block ; comment */ UPDATE t SET a = 'it''s' WHERE b = 2;  SELECT 1;\n"
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $body$ SELECT 1; $body$;\n"
        "SELECT 3");
    CHECK(result.unrecognised == 0);
    REQUIRE(result.records.size() == 6);
    for (const auto& record : result.records) {
        CHECK(record.plain_statement);
        CHECK(record.source == "script.sql");
        CHECK_FALSE(record.plain_duration_ms.has_value());
    }
    // The splitter keeps a comment before a statement with it (and the ';' inside the comment ends nothing).
    CHECK(result.records[0].message == "-- a comment; not a statement\nSELECT 1");
    CHECK(result.records[0].line == 1);
    CHECK(result.records[1].message == "INSERT INTO t (a, b)\nVALUES ('x;y', $$ ; $$)");
    CHECK(result.records[1].line == 4);
    CHECK(result.records[2].message.find("UPDATE t SET a = 'it''s' WHERE b = 2") != std::string::npos);
    CHECK(result.records[2].line == 6);
    CHECK(result.records[3].message == "SELECT 1");
    CHECK(result.records[3].line == 6);
    CHECK(result.records[4].message == "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $body$ SELECT 1; $body$");
    CHECK(result.records[4].line == 7);
    CHECK(result.records[5].message == "SELECT 3");
    CHECK(result.records[5].line == 8);
}

TEST_CASE("sql reader reads a real multi-line query file") {
    auto lines = logs::open_line_source(schemaflip::test::shared_data_path("workloads/job/1a.sql").string());
    const auto result = read_sql(*lines);
    CHECK(result.unrecognised == 0);
    REQUIRE(result.records.size() == 1);
    CHECK(result.records[0].message.rfind("SELECT", 0) == 0);
    CHECK(result.records[0].message.find('\n') != std::string::npos);
    CHECK(result.records[0].message.back() != ';');
}

TEST_CASE("sql reader: an empty or comment-only script has no statements") {
    CHECK(read_sql_buffer("").records.empty());
    CHECK(read_sql_buffer("-- nothing\n/* here */\n").records.empty());
    CHECK(read_sql_buffer("").unrecognised == 0);
}
