// syslog, logplex and Cloud SQL readers: envelopes around stderr lines, message parts, stray lines.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/logs/record_reader.hpp"
#include "support/log_test_support.hpp"

namespace logs = schemaflip::logs;

namespace {

schemaflip::test::ReadResult read_with(schemaflip::test::ReaderFactory make, std::string_view text,
                                       const std::string& prefix = {}) {
    return schemaflip::test::read_buffer(make, text, logs::ReaderOptions{prefix});
}

}  // namespace

TEST_CASE("syslog reader joins [N-k] parts, turns #011 into TAB and counts non-PostgreSQL lines as stray") {
    const std::string log =
        "Feb 11 13:15:39 test-pc postgres[10808]: [3-1] db=,user=,app=,client= LOG:  ending log output to stderr\n"
        "Feb 11 13:15:39 test-pc postgres[10808]: [3-2] db=,user=,app=,client= HINT:  Future log output will go "
        "to log destination \"syslog\".\n"
        "Feb 11 13:15:41 test-pc systemd[1]: Started PostgreSQL Cluster 11-main.\n"
        "Feb  1 13:15:40 test-pc postgres[10819]: [7-1] db=postgres,user=postgres,app=psql,client=[local] LOG:  "
        "duration: 13.997 ms  statement: SELECT d.datname as \"Name\",\n"
        "Feb  1 13:15:40 test-pc postgres[10819]: [7-2] #011       pg_catalog.pg_get_userbyid(d.datdba) as \"Owner\"\n"
        "Feb  1 13:15:40 test-pc postgres[10819]: [7-3]  FROM pg_catalog.pg_database d\n"
        "garbage that is not syslog\n";
    const auto result = read_with(logs::make_syslog_reader, log);
    CHECK(result.description == "syslog, log_line_prefix 'db=%d,user=%u,app=%a,client=%h ' (detected)");
    REQUIRE(result.records.size() == 2);
    CHECK(result.records[0].message == "ending log output to stderr");
    CHECK(result.records[0].session == "10808");
    CHECK(result.records[1].user == "postgres");
    CHECK(result.records[1].application == "psql");
    CHECK(result.records[1].message ==
          "duration: 13.997 ms  statement: SELECT d.datname as \"Name\",\n"
          "       pg_catalog.pg_get_userbyid(d.datdba) as \"Owner\" FROM pg_catalog.pg_database d");
    CHECK(result.records[1].line == 4);
    CHECK(result.stray == 1);
    CHECK(result.unrecognised == 1);
}

TEST_CASE("syslog reader takes an ISO 8601 header time when the prefix has none") {
    const std::string log = "2019-02-11T13:15:39.500+01:00 host postgres[7]: [1-1] LOG:  hello\n";
    const auto result = read_with(logs::make_syslog_reader, log, "");
    REQUIRE(result.records.size() == 1);
    CHECK(result.records[0].time_ms == 1549890939500 - 3600000);
    CHECK(logs::sniff_syslog(log));
    CHECK_FALSE(logs::sniff_syslog("2019-03-14T00:22:56+00:00 app[postgres.4882]: [GREEN] [15-1]  x"));
}

TEST_CASE("logplex reader reads both header variants and DETAIL/STATEMENT parts") {
    const std::string log =
        "2019-03-14T00:23:00+00:00 app[postgres.4849]: [GREEN] [19-1]  sql_error_code = 40P01 ERROR:  deadlock "
        "detected\n"
        "2019-03-14T00:23:00+00:00 app[postgres.4849]: [GREEN] [19-2]  sql_error_code = 40P01 DETAIL:  Process "
        "4849 waits for ShareLock.\n"
        "2019-03-14T00:23:00+00:00 app[postgres.4849]: [GREEN] [19-3] \tProcess 4821 waits for ShareLock.\n"
        "2019-03-14T00:23:00+00:00 app[postgres.4849]: [GREEN] [19-4]  sql_error_code = 40P01 STATEMENT:  UPDATE t "
        "SET a = 1\n"
        "2019-03-14T00:23:01+00:00 heroku[router]: at=info method=GET\n"
        "2021-09-07T04:01:27+00:00 d.af28b93f-a129-45a1-87be-3f8a0cb710be app[postgres.5925] [AQUA] [921320-1]  "
        "sql_error_code = 00000 LOG:  duration: 85756.273 ms  execute <unnamed>: UPDATE \"checkers\" SET n =\n"
        "2021-09-07T04:01:27+00:00 d.af28b93f-a129-45a1-87be-3f8a0cb710be app[postgres.5925] [AQUA] [921320-2]   "
        "      (select 1)\n";
    const auto result = read_with(logs::make_logplex_reader, log);
    REQUIRE(result.records.size() == 2);
    CHECK(result.records[0].severity == "ERROR");
    CHECK(result.records[0].sqlstate == "40P01");
    CHECK(result.records[0].detail == "Process 4849 waits for ShareLock.\nProcess 4821 waits for ShareLock.");
    CHECK(result.records[0].statement == "UPDATE t SET a = 1");
    CHECK(result.records[0].session == "4849");
    CHECK(result.records[0].time_ms == 1552522980000);
    CHECK(result.records[1].session == "5925");
    CHECK(result.records[1].message ==
          "duration: 85756.273 ms  execute <unnamed>: UPDATE \"checkers\" SET n =\n        (select 1)");
    CHECK(result.stray == 1);
    CHECK(result.unrecognised == 0);
}

TEST_CASE("Cloud SQL reader reads textPayload lines, TAB continuations and the entry time") {
    const std::string log =
        R"({"insertId":"a","logName":"projects/p/logs/cloudsql.googleapis.com%2Fpostgres.log","severity":"INFO",)"
        R"("textPayload":"[24670]: [1-1] db=,user= LOG:  automatic vacuum of table \"h\": index scans: 0",)"
        R"("timestamp":"2020-05-02T13:00:32.362193Z"})"
        "\n"
        R"({"insertId":"b","logName":"projects/p/logs/cloudsql.googleapis.com%2Fpostgres.log","severity":"INFO",)"
        R"("textPayload":"\tpages: 0 removed","timestamp":"2020-05-02T13:00:32.362618Z"})"
        "\n"
        R"({"insertId":"c","logName":"projects/p/logs/cloudsql.googleapis.com%2Fpostgres.log",)"
        R"("textPayload":"[24671]: [2-1] db=app,user=bob FATAL:  password authentication failed",)"
        R"("timestamp":"2020-05-02T13:00:33Z"})"
        "\n"
        R"({"insertId":"d","jsonPayload":{"x":1}})"
        "\n"
        "not json\n";
    CHECK(logs::sniff_cloudsql(log.substr(0, log.find('\n'))));
    const auto result = read_with(logs::make_cloudsql_reader, log);
    CHECK(result.description == "cloudsql, log_line_prefix '[%p]: [%l-1] db=%d,user=%u ' (detected)");
    REQUIRE(result.records.size() == 2);
    CHECK(result.records[0].message == "automatic vacuum of table \"h\": index scans: 0\npages: 0 removed");
    CHECK(result.records[0].time_ms == 1588424432362);
    CHECK(result.records[1].user == "bob");
    CHECK(result.records[1].database == "app");
    CHECK(result.records[1].severity == "FATAL");
    CHECK(result.stray == 1);
    CHECK(result.unrecognised == 1);
}
