// csvlog reader: 23/24/25/26 columns, quoted newlines, doubled quotes, bad rows, and agreement with jsonlog.
#include <doctest/doctest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/logs/record_reader.hpp"
#include "support/log_test_support.hpp"

namespace logs = schemaflip::logs;
using schemaflip::test::expected_counts;
using schemaflip::test::ReadResult;
using schemaflip::test::severity_counts;

namespace {

ReadResult read_csv_file(const std::string& name) {
    return schemaflip::test::read_shared_log(logs::make_csvlog_reader, name);
}

ReadResult read_csv_buffer(std::string_view text) { return schemaflip::test::read_buffer(logs::make_csvlog_reader, text); }

ReadResult read_jsonlog_file(const std::string& name) {
    return schemaflip::test::read_shared_log(logs::make_jsonlog_reader, name);
}

std::map<std::string, std::vector<const logs::LogRecord*>> records_by_session(const std::vector<logs::LogRecord>& records) {
    std::map<std::string, std::vector<const logs::LogRecord*>> sessions;
    for (const auto& record : records) {
        sessions[record.session].push_back(&record);
    }
    return sessions;
}

// One row in the PG 13 layout (24 columns: the 23 of PG 12 plus backend_type).
constexpr std::string_view k_pg13_row =
    R"(2021-03-01 10:00:00.000 UTC,"alice","shop",4242,"10.0.0.1:5000",603cbe00.1092,1,"SELECT",)"
    R"(2021-03-01 09:59:59 UTC,3/7,0,LOG,00000,"duration: 1.500 ms  statement: SELECT 1",,,,,,,,,"psql","client backend")";

}  // namespace

TEST_CASE("csvlog reader counts every shared csv file's records as the independent script does") {
    for (const auto& [name, counts] : expected_counts().items()) {
        if (counts["format"] != "csv") {
            continue;
        }
        const std::string& file = name;  // clang 14: CAPTURE's lambda cannot capture a structured binding
        CAPTURE(file);
        const auto result = read_csv_file(name);
        CHECK(result.records.size() == counts["records"].get<std::size_t>());
        CHECK(result.unrecognised == 0);
        std::map<std::string, std::uint64_t> expected_severities;
        for (const auto& [severity, count] : counts["sev"].items()) {
            expected_severities[severity] = count.get<std::uint64_t>();
        }
        CHECK(severity_counts(result.records) == expected_severities);
    }
}

TEST_CASE("csvlog reader accepts 23, 24, 25 and 26 columns") {
    SUBCASE("23 columns (PG 12 and older)") {
        CHECK(read_csv_file("beats__postgresql-11-parse-bind.csv.log").description == "csvlog, 23 columns");
        CHECK(read_csv_file("pgbadger__weeknumber.log").description == "csvlog, 23 columns");
    }
    SUBCASE("24 columns (PG 13, backend_type)") {
        const auto result = read_csv_buffer(k_pg13_row);
        REQUIRE(result.records.size() == 1);
        CHECK(result.description == "csvlog, 24 columns");
        CHECK(result.records[0].user == "alice");
        CHECK(result.records[0].database == "shop");
        CHECK(result.records[0].session == "4242");
        CHECK(result.records[0].application == "psql");
        CHECK(result.records[0].message == "duration: 1.500 ms  statement: SELECT 1");
    }
    SUBCASE("25 columns (synthetic upstream file)") {
        CHECK(read_csv_file("pgbadger__csv_statement_without_duration.log").description == "csvlog, 25 columns");
    }
    SUBCASE("26 columns (PG 14+, leader_pid and query_id)") {
        CHECK(read_csv_file("pg15gen__gen_a.csv").description == "csvlog, 26 columns");
    }
}

TEST_CASE("csvlog reader maps the columns of a record whose quoted message spans two lines") {
    const auto result = read_csv_file("beats__postgresql-11-multi-line.csv.log");
    REQUIRE(result.records.size() == 1);
    const auto& record = result.records[0];
    CHECK(record.line == 1);
    CHECK(record.source.find("beats__postgresql-11-multi-line.csv.log") != std::string::npos);
    // 2021-01-04 00:22:01.903 UTC, converted with Python's datetime.
    CHECK(record.time_ms == 1609719721903);
    CHECK(record.user == "postgres");
    CHECK(record.database == "postgres");
    CHECK(record.session == "59");
    CHECK(record.application == "psql");
    CHECK(record.severity == "LOG");
    CHECK(record.sqlstate == "00000");
    CHECK(record.message == "duration: 0.658 ms  statement: SELECT 'multi',\n'line';");
    CHECK(record.detail.empty());
    CHECK(record.statement.empty());
    CHECK_FALSE(record.plain_statement);
}

TEST_CASE("csvlog reader reads numeric zone offsets") {
    const auto result = read_csv_buffer(
        R"(2020-02-29 12:00:00.000 -03,"u","d",17,"h:1",s.1,1,"",2020-02-29 11:00:00 -03,1/1,0,LOG,00000,"m",,,,,,,,,"")");
    REQUIRE(result.records.size() == 1);
    // 2020-02-29 12:00:00 at UTC-3, converted with Python's datetime.
    CHECK(result.records[0].time_ms == 1582988400000);
}

TEST_CASE("csvlog reader undoubles quotes and keeps the parameters in detail") {
    const auto result = read_csv_file("pgbadger__weeknumber.log");
    REQUIRE(result.records.size() == 6);
    const auto& record = result.records[0];
    // 2021-01-01 07:13:44.120 GMT
    CHECK(record.time_ms == 1609485224120);
    CHECK(record.message ==
          R"(duration: 0.576 ms  execute pdo_stmt_00000003: select * from "users" where "cn" = $1 and "users"."deleted_at" is null limit 1)");
    CHECK(record.detail == "parameters: $1 = 'foo.bar'");
    CHECK(record.application.empty());
    CHECK(result.records[1].time_ms == *record.time_ms + 86400000);
}

TEST_CASE("csvlog reader keeps statement names with ':' and '/'") {
    const auto parse_bind = read_csv_file("beats__postgresql-11-parse-bind.csv.log");
    REQUIRE(parse_bind.records.size() == 3);
    CHECK(parse_bind.records[0].message ==
          "duration: 7.775 ms  parse py:0x7fde12d61b80: SELECT * from information_schema.tables WHERE table_name = $1");
    CHECK(parse_bind.records[0].detail.empty());
    CHECK(parse_bind.records[1].detail == "parameters: $1 = 'tables'");
    CHECK(parse_bind.records[2].line == 3);

    const auto slash = read_csv_file("pgbadger__csv_statement_without_duration.log");
    REQUIRE(slash.records.size() == 2);
    CHECK(slash.records[0].message ==
          "duration: 688786.283 ms  execute stmt_slow/stmt_slow: SELECT example_schema.slow_table.id FROM "
          "example_schema.slow_table");
    CHECK(slash.records[0].application == "example app");
    CHECK(slash.records[1].message == "statement: SELECT example_schema.health_check()");
    CHECK(slash.records[1].user == "health_user");
}

TEST_CASE("csvlog reader fills the query column into statement for errors") {
    const auto result = read_csv_file("pg15gen__gen_a.csv");
    std::size_t errors_with_statement = 0;
    for (const auto& record : result.records) {
        if ((record.severity == "ERROR" || record.severity == "FATAL") && !record.statement.empty()) {
            ++errors_with_statement;
            CHECK(record.sqlstate != "00000");
        }
    }
    CHECK(errors_with_statement == expected_counts()["pg15gen__gen_a.csv"]["errors_with_statement"].get<std::size_t>());
}

TEST_CASE("csvlog reader counts bad rows as unrecognised and resynchronises on the next line") {
    const std::string good(k_pg13_row);
    SUBCASE("a row with a wrong column count") {
        const auto result = read_csv_buffer(good + "\n2021-03-01 10:00:01.000 UTC,only,three\n" + good + "\n");
        CHECK(result.records.size() == 2);
        CHECK(result.unrecognised == 1);
        CHECK(result.records[1].line == 3);
    }
    SUBCASE("27 columns are too many") {
        const auto result = read_csv_buffer(good + ",extra,extra,extra\n" + good + "\n");
        CHECK(result.records.size() == 1);
        CHECK(result.unrecognised == 1);
    }
    SUBCASE("a stray quote that is never closed does not swallow the rows after it") {
        const auto result = read_csv_buffer("garbage \" line\n" + good + "\n" + good + "\n");
        CHECK(result.records.size() == 2);
        CHECK(result.unrecognised == 1);
        CHECK(result.records[0].line == 2);
        CHECK(result.records[1].line == 3);
    }
    SUBCASE("two stray quotes around a good row") {
        const auto result = read_csv_buffer("bad \" one\n" + good + "\nbad \" two\n");
        CHECK(result.records.size() == 1);
        CHECK(result.unrecognised == 2);
        REQUIRE(result.records.size() == 1);
        CHECK(result.records[0].line == 2);
    }
    SUBCASE("an unterminated quoted message at the end of the input") {
        const auto result = read_csv_buffer(good + "\n2021-03-01 10:00:02.000 UTC,\"bob\",\"db\",1,\"x\",s,1,\"\",t,1/1,0,LOG,00000,\"cut");
        CHECK(result.records.size() == 1);
        CHECK(result.unrecognised == 1);
    }
    SUBCASE("text after a closing quote") {
        const auto result = read_csv_buffer(R"(2021-03-01 10:00:00.000 UTC,"alice"x,"shop")" "\n" + good);
        CHECK(result.records.size() == 1);
        CHECK(result.unrecognised == 1);
    }
    SUBCASE("binary garbage and blank lines") {
        const std::string garbage("\x01\x02\xff,\"\"\"\0,,\n\n\n", 13);
        const auto result = read_csv_buffer(garbage + good);
        CHECK(result.records.size() == 1);
        CHECK(result.unrecognised == 1);
    }
}

TEST_CASE("csvlog and jsonlog readers give the same records for the same 688 PostgreSQL 15 events") {
    const auto csv = read_csv_file("pg15gen__gen_a.csv");
    const auto json = read_jsonlog_file("pg15gen__gen_a.json");
    REQUIRE(csv.records.size() == 688);
    REQUIRE(json.records.size() == 688);
    // The logging collector writes each destination on its own, so concurrent sessions interleave
    // differently in the two files; within one backend the order is the same.
    const auto csv_sessions = records_by_session(csv.records);
    const auto json_sessions = records_by_session(json.records);
    REQUIRE(csv_sessions.size() == json_sessions.size());
    std::size_t multi_line = 0;
    for (const auto& [session, csv_records] : csv_sessions) {
        const std::string& session_id = session;  // clang 14: no structured binding in CAPTURE
        CAPTURE(session_id);
        REQUIRE(json_sessions.count(session) == 1);
        const auto& json_records = json_sessions.at(session);
        REQUIRE(csv_records.size() == json_records.size());
        for (std::size_t i = 0; i < csv_records.size(); ++i) {
            const auto& a = *csv_records[i];
            const auto& b = *json_records[i];
            CAPTURE(i);
            CHECK(a.time_ms.has_value());
            CHECK(a.time_ms == b.time_ms);
            CHECK(a.user == b.user);
            CHECK(a.database == b.database);
            CHECK(a.application == b.application);
            CHECK(a.severity == b.severity);
            CHECK(a.sqlstate == b.sqlstate);
            CHECK(a.message == b.message);
            CHECK(a.detail == b.detail);
            CHECK(a.statement == b.statement);
            if (a.message.find('\n') != std::string::npos || a.statement.find('\n') != std::string::npos) {
                ++multi_line;
            }
        }
    }
    CHECK(multi_line == expected_counts()["pg15gen__gen_a.csv"]["multiline_records"].get<std::size_t>());
}

TEST_CASE("sniff_csvlog recognises csvlog first lines only") {
    CHECK(logs::sniff_csvlog(k_pg13_row));
    CHECK(logs::sniff_csvlog(
        R"(2021-01-04 00:22:01.903 UTC,"postgres","postgres",59,"172.24.0.1:42642",5ff25f96.3b,3,"SELECT",2021-01-04 00:21:42 UTC,3/0,0,LOG,00000,"duration: 0.658 ms  statement: SELECT 'multi',)"));
    CHECK(logs::sniff_csvlog(
        R"("2026-05-16 05:11:50.269 UTC","example_user","example_db",1001,"192.0.2.10:54321",00000001.000003e9,1,"SELECT","2026-05-16 05:00:00 UTC",1/1,0,LOG,00000,"statement: SELECT 1",,,,,,,,,"example app","client backend",0)"));
    CHECK_FALSE(logs::sniff_csvlog("2018-11-17 13:14:01 CEST [12975-1] [unknown]@[unknown] LOG:  incomplete startup packet"));
    CHECK_FALSE(logs::sniff_csvlog(R"({"timestamp":"2026-11-23 23:50:22.435 UTC","pid":15818})"));
    CHECK_FALSE(logs::sniff_csvlog("2021-01-04 00:22:01.903 UTC,a,b,c"));
    CHECK_FALSE(logs::sniff_csvlog(""));
}
