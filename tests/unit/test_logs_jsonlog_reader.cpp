// jsonlog reader: PG 15 jsonlog files, omitted keys, escapes checked against nlohmann/json, bad lines.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/logs/record_reader.hpp"
#include "support/log_test_support.hpp"
#include "support/test_support.hpp"

namespace logs = schemaflip::logs;
using schemaflip::test::ReadResult;
using schemaflip::test::string_or_empty;

namespace {

ReadResult read_jsonlog_file(const std::string& name) {
    return schemaflip::test::read_shared_log(logs::make_jsonlog_reader, name);
}

ReadResult read_jsonlog_buffer(std::string_view text) {
    return schemaflip::test::read_buffer(logs::make_jsonlog_reader, text);
}

const nlohmann::json& expected(const std::string& name) { return schemaflip::test::expected_counts().at(name); }

}  // namespace

TEST_CASE("jsonlog reader counts records and severities as the independent script does") {
    for (const char* name : {"pg15gen__gen_a.json", "pgbadger__pg_vacuums.json.gz"}) {
        CAPTURE(name);
        const auto counts = expected(name);
        const auto result = read_jsonlog_file(name);
        CHECK(result.records.size() == counts["records"].get<std::size_t>());
        CHECK(result.unrecognised == 0);
        const auto severities = schemaflip::test::severity_counts(result.records);
        std::size_t multi_line = 0;
        for (const auto& record : result.records) {
            multi_line += record.message.find('\n') != std::string::npos ||
                          record.statement.find('\n') != std::string::npos;
        }
        CHECK(severities == counts["sev"].get<std::map<std::string, std::uint64_t>>());
        CHECK(multi_line == counts["multiline_records"].get<std::size_t>());
    }
}

TEST_CASE("jsonlog reader decodes every field as nlohmann/json does") {
    const auto path = schemaflip::test::shared_data_path("pglogs/pg15gen__gen_a.json");
    const auto result = read_jsonlog_file("pg15gen__gen_a.json");
    std::ifstream in(path);
    std::string line;
    std::size_t i = 0;
    std::size_t with_statement = 0;
    while (std::getline(in, line)) {
        REQUIRE(i < result.records.size());
        const auto object = nlohmann::json::parse(line);
        const auto& record = result.records[i];
        CAPTURE(i);
        CHECK(record.line == i + 1);
        CHECK(record.session == std::to_string(object["pid"].get<long>()));
        CHECK(record.user == string_or_empty(object, "user"));
        CHECK(record.database == string_or_empty(object, "dbname"));
        CHECK(record.application == string_or_empty(object, "application_name"));
        CHECK(record.severity == object["error_severity"].get<std::string>());
        CHECK(record.message == object["message"].get<std::string>());
        CHECK(record.detail == string_or_empty(object, "detail"));
        CHECK(record.statement == string_or_empty(object, "statement"));
        with_statement += !record.statement.empty();
        ++i;
    }
    CHECK(i == result.records.size());
    CHECK(with_statement == 8);
}

TEST_CASE("jsonlog reader reads times with a zone abbreviation and a multi-line message") {
    const auto result = read_jsonlog_file("pgbadger__pg_vacuums.json.gz");
    REQUIRE_FALSE(result.records.empty());
    const auto& first = result.records[0];
    // 2024-06-27 00:00:07.369 CEST, converted with Python's datetime.
    CHECK(first.time_ms == 1719439207369);
    CHECK(first.session == "58151");
    CHECK(first.message.rfind("automatic analyze of table \"testdb.sales.tab_shop_stats\"\nI/O timings:", 0) == 0);
    CHECK(first.user.empty());
    CHECK(first.statement.empty());
    CHECK(first.sqlstate == "00000");
}

TEST_CASE("jsonlog reader unescapes strings and fills sqlstate") {
    const auto result = read_jsonlog_buffer(
        R"({"timestamp":"2024-01-02 03:04:05.678 UTC","user":"r\u00e9my","dbname":"db","pid":7,)"
        R"("error_severity":"ERROR","state_code":"42P01","message":"relation \"t\" does not exist \ud83d\ude00",)"
        R"("statement":"SELECT *\n\tFROM t","application_name":"a\\b"})");
    REQUIRE(result.records.size() == 1);
    const auto& record = result.records[0];
    CHECK(record.user == "r\xc3\xa9my");
    CHECK(record.message == "relation \"t\" does not exist \xf0\x9f\x98\x80");
    CHECK(record.statement == "SELECT *\n\tFROM t");
    CHECK(record.application == "a\\b");
    CHECK(record.sqlstate == "42P01");
    CHECK(record.session == "7");
}

TEST_CASE("jsonlog reader counts lines that are not jsonlog records as unrecognised") {
    const std::string good = R"({"timestamp":"2024-01-02 03:04:05.678 UTC","pid":1,"error_severity":"LOG","message":"m"})";
    const char* bad_lines[] = {
        "not json at all",
        R"({"timestamp":"2024-01-02 03:04:05.678 UTC","pid":1,"error_severity":"LOG","message":"m")",
        R"({"timestamp":"2024-01-02 03:04:05.678 UTC","pid":1,"error_severity":"LOG","message":"m"} trailing)",
        R"({"timestamp":"yesterday","pid":1,"error_severity":"LOG","message":"m"})",
        R"({"timestamp":"2024-01-02 03:04:05.678 UTC","pid":1,"message":"no severity"})",
        R"({"timestamp":"2024-01-02 03:04:05.678 UTC","pid":1,"error_severity":"LOG","message":"bad \q escape"})",
        R"({"timestamp":"2024-01-02 03:04:05.678 UTC","pid":1,"error_severity":"LOG","message":["array"]})",
        R"([1,2,3])",
    };
    for (const char* bad : bad_lines) {
        CAPTURE(bad);
        const auto result = read_jsonlog_buffer(good + "\n" + bad + "\n\n" + good + "\n");
        CHECK(result.records.size() == 2);
        CHECK(result.unrecognised == 1);
    }
}

TEST_CASE("sniff_jsonlog recognises jsonlog first lines only") {
    CHECK(logs::sniff_jsonlog(
        R"({"timestamp":"2026-11-23 23:50:22.435 UTC","pid":15818,"session_id":"6b04d13e.3dca","error_severity":"LOG","message":"x"})"));
    CHECK_FALSE(logs::sniff_jsonlog(R"({"ts":"2024-01-01T00:00:00Z","query":"SELECT 1"})"));
    CHECK_FALSE(logs::sniff_jsonlog(R"({"level":"info","ts":1669575482.09,"logger":"postgres","msg":"record","record":{"error_severity":"LOG"}})"));
    CHECK_FALSE(logs::sniff_jsonlog("2026-11-23 23:50:22.435 UTC,,,15818,,6b04d13e.3dca,1,,x"));
    CHECK_FALSE(logs::sniff_jsonlog(R"({"timestamp":"2026-11-23 23:50:22.435 UTC","error_severity":"LOG")"));
}
