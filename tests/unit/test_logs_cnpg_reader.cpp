// CloudNativePG reader: PostgreSQL records under "record", other JSON lines counted as stray.
#include <doctest/doctest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>
#include <zlib.h>

#include "core/logs/record_reader.hpp"
#include "support/log_test_support.hpp"
#include "support/test_support.hpp"

namespace logs = schemaflip::logs;
using schemaflip::test::ReadResult;
using schemaflip::test::string_or_empty;

namespace {

const std::string k_cnpg_file = "pgbadger__cnpg.log.gz";

ReadResult read_cnpg_file() { return schemaflip::test::read_shared_log(logs::make_cnpg_reader, k_cnpg_file); }

ReadResult read_cnpg_buffer(std::string_view text) { return schemaflip::test::read_buffer(logs::make_cnpg_reader, text); }

// The file's lines, decompressed with zlib directly rather than through the project's line source.
std::vector<std::string> gunzip_lines(const std::string& path) {
    gzFile file = gzopen(path.c_str(), "rb");
    REQUIRE(file != nullptr);
    std::string text;
    char buffer[1 << 16];
    int got = 0;
    while ((got = gzread(file, buffer, sizeof buffer)) > 0) {
        text.append(buffer, static_cast<std::size_t>(got));
    }
    gzclose(file);
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

const nlohmann::json& expected() { return schemaflip::test::expected_counts().at(k_cnpg_file); }

}  // namespace

TEST_CASE("cnpg reader counts PostgreSQL records and stray lines as the independent script does") {
    const auto counts = expected();
    const auto result = read_cnpg_file();
    CHECK(result.records.size() == counts["records"].get<std::size_t>());
    CHECK(result.stray == counts["stray_lines"].get<std::uint64_t>());
    CHECK(result.unrecognised == 0);
    const auto severities = schemaflip::test::severity_counts(result.records);
    std::size_t errors_with_statement = 0;
    for (const auto& record : result.records) {
        const bool is_error = record.severity == "ERROR" || record.severity == "FATAL" || record.severity == "PANIC";
        errors_with_statement += is_error && !record.statement.empty();
    }
    CHECK(severities == counts["sev"].get<std::map<std::string, std::uint64_t>>());
    CHECK(errors_with_statement == counts["errors_with_statement"].get<std::size_t>());
}

TEST_CASE("cnpg reader maps the csvlog fields under record as nlohmann/json decodes them") {
    const auto result = read_cnpg_file();
    const auto lines = gunzip_lines(schemaflip::test::shared_data_path("pglogs/" + k_cnpg_file).string());
    std::size_t next_record = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto object = nlohmann::json::parse(lines[i]);
        if (object.value("logger", "") != "postgres" || object.value("msg", "") != "record") {
            continue;
        }
        REQUIRE(next_record < result.records.size());
        const auto& fields = object["record"];
        const auto& record = result.records[next_record++];
        CAPTURE(i);
        CHECK(record.line == i + 1);
        CHECK(record.time_ms.has_value());
        CHECK(record.session == fields["process_id"].get<std::string>());
        CHECK(record.user == string_or_empty(fields, "user_name"));
        CHECK(record.database == string_or_empty(fields, "database_name"));
        CHECK(record.application == string_or_empty(fields, "application_name"));
        CHECK(record.severity == fields["error_severity"].get<std::string>());
        CHECK(record.sqlstate == fields["sql_state_code"].get<std::string>());
        CHECK(record.message == fields["message"].get<std::string>());
        CHECK(record.detail == string_or_empty(fields, "detail"));
        CHECK(record.statement == string_or_empty(fields, "query"));
    }
    CHECK(next_record == result.records.size());
}

TEST_CASE("cnpg reader reads the first record's time and an error with its query") {
    const auto result = read_cnpg_file();
    REQUIRE_FALSE(result.records.empty());
    // 2022-11-27 18:58:02.096 UTC, converted with Python's datetime.
    CHECK(result.records[0].time_ms == 1669575482096);
    bool found = false;
    for (const auto& record : result.records) {
        if (record.sqlstate == "42703") {
            found = true;
            CHECK(record.severity == "ERROR");
            CHECK(record.message == "column \"names\" does not exist");
            CHECK(record.statement == "delete from states where names = 'America';");
            CHECK(record.database == "myapp");
        }
    }
    CHECK(found);
}

TEST_CASE("cnpg reader: stray JSON lines, unrecognised non-JSON lines") {
    const std::string pg_record =
        R"({"level":"info","ts":1669575482.09,"logger":"postgres","msg":"record","record":{"log_time":"2022-11-27 18:58:02.096 UTC","process_id":"600","error_severity":"LOG","sql_state_code":"00000","message":"hello"}})";
    const std::string manager = R"({"level":"info","ts":1669574901.99,"msg":"Readiness probe failing","err":"instance is not ready yet"})";
    const std::string stderr_line =
        R"({"level":"info","ts":1669574898.94,"logger":"postgres","msg":"2022-11-27 18:48:18.943 UTC [28] LOG:  ending log output to stderr","source":"/controller/log/postgres"})";
    const auto result = read_cnpg_buffer(manager + "\n" + pg_record + "\n" + stderr_line + "\nnot json\n\n" + pg_record + "\n");
    CHECK(result.records.size() == 2);
    CHECK(result.stray == 2);
    CHECK(result.unrecognised == 1);
    REQUIRE(result.records.size() == 2);
    CHECK(result.records[0].message == "hello");
    CHECK(result.records[0].session == "600");
    CHECK(result.records[1].line == 6);
}

TEST_CASE("sniff_cnpg recognises CloudNativePG lines only") {
    CHECK(logs::sniff_cnpg(
        R"({"level":"info","ts":1669575482.09,"logger":"postgres","msg":"record","record":{"error_severity":"LOG"}})"));
    CHECK(logs::sniff_cnpg(R"({"level":"info","ts":1669574901.99,"msg":"Starting CloudNativePG Instance Manager","build":{"Version":"1.18.0"}})"));
    CHECK_FALSE(logs::sniff_cnpg(R"({"timestamp":"2026-11-23 23:50:22.435 UTC","pid":1,"error_severity":"LOG","message":"x"})"));
    CHECK_FALSE(logs::sniff_cnpg(R"({"ts":"2024-01-01T00:00:00Z","query":"SELECT 1"})"));
    CHECK_FALSE(logs::sniff_cnpg("2022-11-27 18:48:18.943 UTC [28] LOG:  ending log output to stderr"));
}
