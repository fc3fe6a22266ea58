// JSON lines of statements: {"ts", "query", "duration_ms"} into plain-statement records.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/logs/record_reader.hpp"
#include "support/log_test_support.hpp"

namespace logs = schemaflip::logs;

namespace {

schemaflip::test::ReadResult read_jsonl_buffer(std::string_view text) {
    return schemaflip::test::read_buffer(logs::make_jsonl_reader, text);
}

}  // namespace

TEST_CASE("jsonl reader turns each line into a plain statement") {
    const auto result = read_jsonl_buffer(
        "{\"ts\":\"2024-03-01T10:15:30.250Z\",\"query\":\"SELECT * FROM users WHERE id = 1\",\"duration_ms\":1.5}\n"
        "\n"
        "{\"query\":\"UPDATE t\\n   SET a = 'x;y'\",\"ts\":1709288130.25}\n"
        "{\"ts\":1709288130250,\"query\":\"DELETE FROM t\",\"duration_ms\":null}\n"
        "{\"ts\":\"2023-12-31 23:59:59.999+05:30\",\"query\":\"SELECT 1\",\"duration_ms\":0,\"user\":\"ignored\"}\n");
    CHECK(result.unrecognised == 0);
    REQUIRE(result.records.size() == 4);
    const auto& first = result.records[0];
    CHECK(first.plain_statement);
    CHECK(first.line == 1);
    CHECK(first.message == "SELECT * FROM users WHERE id = 1");
    // 2024-03-01T10:15:30.250Z, converted with Python's datetime.
    CHECK(first.time_ms == 1709288130250);
    CHECK(first.plain_duration_ms == 1.5);
    CHECK(first.severity.empty());

    const auto& second = result.records[1];
    CHECK(second.line == 3);
    CHECK(second.message == "UPDATE t\n   SET a = 'x;y'");
    CHECK(second.time_ms == 1709288130250);  // epoch seconds
    CHECK_FALSE(second.plain_duration_ms.has_value());

    CHECK(result.records[2].time_ms == 1709288130250);  // epoch milliseconds
    CHECK_FALSE(result.records[2].plain_duration_ms.has_value());
    // 2023-12-31 23:59:59.999 +05:30
    CHECK(result.records[3].time_ms == 1704047399999);
    CHECK(result.records[3].plain_duration_ms == 0.0);
}

TEST_CASE("jsonl reader: a line without ts has no time") {
    const auto result = read_jsonl_buffer(R"({"query":"SELECT 2"})");
    REQUIRE(result.records.size() == 1);
    CHECK_FALSE(result.records[0].time_ms.has_value());
    CHECK(result.records[0].plain_statement);
}

TEST_CASE("jsonl reader counts bad lines as unrecognised and goes on") {
    const std::string good = R"({"ts":"2024-03-01T10:15:30Z","query":"SELECT 1"})";
    const char* bad_lines[] = {
        "SELECT 1;",
        R"({"ts":"2024-03-01T10:15:30Z","query":"SELECT 1")",
        R"({"ts":"2024-03-01T10:15:30Z"})",
        R"({"ts":"2024-03-01T10:15:30Z","query":42})",
        R"({"ts":"2024-03-01T10:15:30Z","query":"   "})",
        R"({"ts":"soon","query":"SELECT 1"})",
        R"({"ts":true,"query":"SELECT 1"})",
        R"({"ts":"2024-03-01T10:15:30Z","query":"SELECT 1","duration_ms":-1})",
        R"({"ts":"2024-03-01T10:15:30Z","query":"SELECT 1","duration_ms":"12"})",
        R"({"ts":"2024-03-01T10:15:30 and then some","query":"SELECT 1"})",
    };
    for (const char* bad : bad_lines) {
        CAPTURE(bad);
        const auto result = read_jsonl_buffer(good + "\n" + bad + "\n" + good);
        CHECK(result.records.size() == 2);
        CHECK(result.unrecognised == 1);
    }
}

TEST_CASE("sniff_jsonl recognises statement JSON lines and none of the server-log JSON formats") {
    CHECK(logs::sniff_jsonl(R"({"ts":"2024-03-01T10:15:30Z","query":"SELECT 1","duration_ms":2})"));
    CHECK(logs::sniff_jsonl(R"({"query":"SELECT 1"})"));
    CHECK_FALSE(logs::sniff_jsonl(R"({"ts":"2024-03-01T10:15:30Z","sql":"SELECT 1"})"));
    CHECK_FALSE(logs::sniff_jsonl(
        R"({"timestamp":"2026-11-23 23:50:22.435 UTC","pid":1,"error_severity":"LOG","message":"x","query":"y"})"));
    CHECK_FALSE(logs::sniff_jsonl(R"({"level":"info","ts":1.0,"msg":"m","query":"SELECT 1"})"));
    CHECK_FALSE(logs::sniff_jsonl(R"({"textPayload":"[1]: [1-1] db=x,user=y LOG:  statement: SELECT 1","query":"q"})"));
    CHECK_FALSE(logs::sniff_jsonl(
        R"({"prefix": "%t:%r:%u@%d:[%p]:", "line": "2018-08-22 16:00:04 UTC:host(48808):u@d:[18762]:LOG:  x", "tz": null})"));
    CHECK_FALSE(logs::sniff_jsonl("SELECT 1;"));
}
