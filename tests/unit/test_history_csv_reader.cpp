// The schema-history CSV reader: the real train.csv, RFC 4180 quoting, and bad rows counted, not fatal.
#include <doctest/doctest.h>

#include <fstream>
#include <set>

#include "core/history/history.hpp"
#include "core/util/error.hpp"
#include "support/test_support.hpp"

using namespace schemaflip;

namespace {

history::History read_text(const std::string& text) {
    test::TempDir dir;
    const auto path = dir.path() / "history.csv";
    std::ofstream(path, std::ios::binary) << text;
    history::History history;
    history::read_history_csv(path, history);
    return history;
}

}  // namespace

TEST_CASE("history csv reader reads train.csv: 14172 rows of 11 projects, none rejected") {
    history::History history;
    history::read_history_csv(test::shared_data_path("schema-history/train.csv"), history);
    CHECK(history.events.size() == 14172);
    CHECK(history.problems.total() == 0);
    std::set<std::string> projects;
    for (const auto& event : history.events) projects.insert(event.project);
    CHECK(projects.size() == 11);
    CHECK(projects.contains("healthchecks/healthchecks"));
    const auto& first = history.events.front();
    CHECK(first.project == "diaspora/diaspora");
    CHECK(first.migration_id == "0000_create_schema");
    CHECK(first.ts == 1292726755);  // 2010-12-19T02:45:55Z: date -u -d @1292726755
    CHECK(first.table == "aspects");
    CHECK(first.op == "create_table");
    CHECK(first.detail == "id:pk name:string user_id:integer created_at:datetime updated_at:datetime");
}

TEST_CASE("history csv reader honours RFC 4180 quoting: commas, doubled quotes, line breaks, CRLF") {
    const auto history = read_text(
        "project,migration_id,ts,table,op,column,detail\r\n"
        "p,m1,2020-01-01T00:00:00Z,t,add_index,\"a,b\",\"say \"\"hi\"\"\"\r\n"
        "p,m2,2020-01-02T00:00:00Z,t,create_table,,\"id:pk\nname:string\"\r\n");
    REQUIRE(history.events.size() == 2);
    CHECK(history.events[0].column == "a,b");
    CHECK(history.events[0].detail == "say \"hi\"");
    CHECK(history.events[1].detail == "id:pk\nname:string");
    CHECK(history.events[1].ts == history.events[0].ts + 86400);
}

TEST_CASE("history csv reader counts bad rows and unknown ops and keeps the good rows") {
    const auto history = read_text(
        "project,migration_id,ts,table,op,column,detail\n"
        "p,m1,2020-01-01T00:00:00Z,t,create_table,,\n"
        "p,m2,2020-01-01T00:00:00Z,t,add_column,c\n"            // 6 fields
        "p,m3,not-a-date,t,add_column,c,\n"                     // bad timestamp
        "p,m4,2020-01-03T00:00:00Z,t,frobnicate_table,,\n"      // unknown op
        "p,m5,2020-01-04T00:00:00Z,t,add_column,c,\"open\n");  // quote never closed
    CHECK(history.events.size() == 1);
    CHECK(history.problems.bad_rows == 3);
    CHECK(history.problems.unknown_ops == 1);
    CHECK(history.problems.examples.size() == 4);
}

TEST_CASE("history csv reader refuses a file that is not a history CSV, and a missing path is bad input") {
    CHECK_THROWS_AS(read_text("a,b,c\n1,2,3\n"), InputError);
    history::History history;
    CHECK_THROWS_AS(history::read_history_path("/nonexistent/history.csv", history), InputError);
}

TEST_CASE("history timestamps parse ISO-8601 UTC and file-name dates") {
    CHECK(history::parse_utc_timestamp("1970-01-02T00:00:01Z") == 86401);
    CHECK(history::parse_utc_timestamp("1970-01-02 01:02") == 86400 + 3720);
    CHECK(history::parse_utc_timestamp("1970-01-02") == 86400);
    CHECK_FALSE(history::parse_utc_timestamp("2021-02-30T00:00:00Z"));
    CHECK_FALSE(history::parse_utc_timestamp("yesterday"));
    // Expected values from `date -u -d 2014-08-25T02:32:27Z +%s` and the like.
    CHECK(history::timestamp_from_name("20140825023227_create_x") == 1408933947);
    CHECK(history::timestamp_from_name("V20230301101500__x") == 1677665700);
    CHECK(history::timestamp_from_name("V20230301__x") == 1677628800);
    CHECK(history::timestamp_from_name("2019-02-26-123456_x") == 1551184496);
    CHECK_FALSE(history::timestamp_from_name("00000000000001_x"));  // a 14-digit version number, not a date
    CHECK_FALSE(history::timestamp_from_name("V1__x"));
    CHECK_FALSE(history::timestamp_from_name("0001_x"));
    CHECK(history::format_iso_date(86400 * 3) == "1970-01-04");
    CHECK(history::format_iso_timestamp(86401) == "1970-01-02T00:00:01Z");
}
