// stderr reader and log_line_prefix matcher: pganalyze's table of prefixes and lines, time zones,
// continuation and secondary lines, tolerance of hand-edited logs, prefix detection and its errors.
#include <doctest/doctest.h>

#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/logs/log_line_prefix.hpp"
#include "core/logs/record_reader.hpp"
#include "core/util/error.hpp"
#include "support/log_test_support.hpp"
#include "support/test_support.hpp"

namespace logs = schemaflip::logs;
using schemaflip::test::string_or_empty;

namespace {

schemaflip::test::ReadResult read_stderr(std::string_view text, const std::string& prefix = {}) {
    return schemaflip::test::read_buffer(logs::make_stderr_reader, text, logs::ReaderOptions{prefix});
}

// Splits "a, b(c, d), e" at the commas outside parentheses.
std::vector<std::string> split_arguments(std::string_view text) {
    std::vector<std::string> parts;
    int depth = 0;
    std::string current;
    for (const char c : text) {
        if (c == ',' && depth == 0) {
            parts.push_back(current);
            current.clear();
            continue;
        }
        depth += c == '(' ? 1 : (c == ')' ? -1 : 0);
        if (!(current.empty() && c == ' ')) current += c;
    }
    parts.push_back(current);
    return parts;
}

// Go integer expressions of the table: "30*1000*1000", "-5*3600", "05".
std::int64_t evaluate_product(std::string_view text) {
    std::int64_t result = 1;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t star = text.find('*', start);
        result *= std::stoll(std::string(text.substr(start, star - start)));
        if (star == std::string_view::npos) break;
        start = star + 1;
    }
    return result;
}

int month_number(std::string_view name) {
    static const char* const months[] = {"January", "February", "March",     "April",   "May",      "June",
                                         "July",    "August",   "September", "October", "November", "December"};
    for (int i = 0; i < 12; ++i) {
        if (name == std::string("time.") + months[i]) return i + 1;
    }
    FAIL("unknown month " << name);
    return 0;
}

// pganalyze writes the expected time as Go source: time.Date(y, time.Month, d, h, m, s, ns, zone).
std::optional<std::int64_t> expected_time_ms(const std::string& go) {
    if (go == "time.Time{}") return std::nullopt;
    REQUIRE(go.starts_with("time.Date("));
    const auto args = split_arguments(std::string_view(go).substr(10, go.size() - 11));
    REQUIRE(args.size() == 8);
    std::tm tm{};
    tm.tm_year = std::stoi(args[0]) - 1900;
    tm.tm_mon = month_number(args[1]) - 1;
    tm.tm_mday = std::stoi(args[2]);
    tm.tm_hour = std::stoi(args[3]);
    tm.tm_min = std::stoi(args[4]);
    tm.tm_sec = std::stoi(args[5]);
    const std::int64_t nanos = evaluate_product(args[6]);
    std::int64_t offset_seconds = 0;
    const std::string& zone = args[7];
    if (zone == "BSTTimeLocation") {
        offset_seconds = 3600;  // pganalyze's Europe/London, in summer
    } else if (zone.starts_with("time.FixedZone(")) {
        const auto zone_args = split_arguments(std::string_view(zone).substr(15, zone.size() - 16));
        offset_seconds = evaluate_product(zone_args.at(1));
    } else {
        REQUIRE(zone == "time.UTC");
    }
    return (static_cast<std::int64_t>(timegm(&tm)) - offset_seconds) * 1000 + nanos / 1000000;
}

// PostgreSQL writes a TAB after every newline inside a message; pganalyze's Go literals left it out.
std::string as_written_by_postgres(const std::string& line) {
    std::string text;
    for (const char c : line) {
        text += c;
        if (c == '\n') text += '\t';
    }
    return text;
}

}  // namespace

TEST_CASE("stderr reader reads pganalyze's prefix table with the expected fields") {
    std::ifstream input(schemaflip::test::shared_data_path("pglogs/pganalyze_prefix_lines.jsonl"));
    REQUIRE(input);
    std::string json_line;
    int checked = 0;
    while (std::getline(input, json_line)) {
        const auto test_case = nlohmann::json::parse(json_line);
        if (!test_case["expect_ok"].get<bool>()) continue;
        const std::string prefix = test_case["prefix"];
        const std::string line = test_case["line"];
        const auto& expect = test_case["expect"];
        CAPTURE(prefix);
        CAPTURE(line);
        std::string severity = expect["LogLevel"];
        if (severity == "6") severity = "LOG";  // upstream wrote the enum number of LOG once
        const std::string pid = expect.contains("BackendPid") ? std::to_string(expect["BackendPid"].get<int>()) : "";
        const auto time = expect.contains("OccurredAt") ? expected_time_ms(expect["OccurredAt"]) : std::nullopt;
        ++checked;

        if (logs::is_secondary_severity(severity)) {
            // A secondary line alone has no record to join: check the line itself.
            logs::PrefixedLine parsed;
            REQUIRE(logs::LogLinePrefix(prefix).match(line, parsed));
            CHECK(parsed.severity == severity);
            CHECK(parsed.message == expect["Content"].get<std::string>());
            CHECK(parsed.pid == pid);
            CHECK(parsed.time_ms == time);
            continue;
        }
        const auto result = read_stderr(as_written_by_postgres(line), prefix);
        REQUIRE(result.records.size() == 1);
        CHECK(result.unrecognised == 0);
        const auto& record = result.records.front();
        CHECK(record.severity == severity);
        CHECK(record.message == expect["Content"].get<std::string>());
        CHECK(record.user == string_or_empty(expect, "Username"));
        CHECK(record.database == string_or_empty(expect, "Database"));
        CHECK(record.application == string_or_empty(expect, "Application"));
        if (!pid.empty()) CHECK(record.session == pid);
        CHECK(record.time_ms == time);
    }
    CHECK(checked == 45);
}

TEST_CASE("timestamps with zone names and numeric offsets become UTC epoch milliseconds") {
    struct Case {
        const char* text;
        std::int64_t expected_ms;
    };
    // 2018-11-17 13:14:01 UTC is 1542460441 s.
    const Case cases[] = {
        {"2018-11-17 13:14:01 UTC", 1542460441000},
        {"2018-11-17 13:14:01 GMT", 1542460441000},
        {"2018-11-17 13:14:01.250 UTC", 1542460441250},
        {"2018-11-17 13:14:01 CET", 1542460441000 - 3600000},
        {"2018-11-17 13:14:01 CEST", 1542460441000 - 7200000},
        {"2018-11-17 13:14:01 EST", 1542460441000 + 5 * 3600000},
        {"2018-11-17 13:14:01 EDT", 1542460441000 + 4 * 3600000},
        {"2018-11-17 13:14:01 PST", 1542460441000 + 8 * 3600000},
        {"2018-11-17 13:14:01 PDT", 1542460441000 + 7 * 3600000},
        {"2018-11-17 13:14:01 MSK", 1542460441000 - 3 * 3600000},
        {"2018-11-17 13:14:01 -03", 1542460441000 + 3 * 3600000},
        {"2018-11-17 13:14:01 +05:30", 1542460441000 - 330 * 60000},
        {"2018-11-17 13:14:01.5 +0100", 1542460441500 - 3600000},
        {"2018-11-17T13:14:01.382318Z", 1542460441382},
        {"2018-11-17T13:14:01+00:00", 1542460441000},
        {"1970-01-01 00:00:00 UTC", 0},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        std::size_t consumed = 0;
        const auto time = logs::parse_timestamp(c.text, consumed);
        REQUIRE(time);
        CHECK(*time == c.expected_ms);
        CHECK(consumed == std::string_view(c.text).size());
    }
    std::size_t consumed = 0;
    CHECK_FALSE(logs::parse_timestamp("2018-13-17 13:14:01 UTC", consumed));
    CHECK_FALSE(logs::parse_timestamp("not a time at all, no", consumed));
    CHECK_FALSE(logs::parse_timestamp("2018-11-17", consumed));
}

TEST_CASE("stderr reader folds continuation and secondary lines of the same process") {
    const std::string log =
        "2018-11-17 13:39:21 CEST [5404-2] postgres@postgres LOG:  duration: 37.598 ms  statement: SELECT a,\n"
        "\t  b\n"
        "\tFROM t;\n"
        "\n"
        "2018-11-17 13:41:38 EST [832-1] LOG:  checkpoints are occurring too frequently (25 seconds apart)\n"
        "2018-11-17 13:41:38 EST [832-2] HINT:  Consider increasing the configuration parameter \"max_wal_size\".\n"
        "2018-11-17 13:42:00 EST [900-1] app@db ERROR:  relation \"x\" does not exist at character 15\n"
        "2018-11-17 13:42:00 EST [900-2] app@db STATEMENT:  SELECT * FROM x\n"
        "\tWHERE y = 1\n"
        "2018-11-17 13:42:01 EST [901-1] app@db DETAIL:  parameters: $1 = 'orphan'\n";
    const auto result = read_stderr(log);
    CHECK(result.description == "stderr, log_line_prefix '%t [%p-%l] %q%u@%d ' (detected)");
    REQUIRE(result.records.size() == 3);
    CHECK(result.records[0].message == "duration: 37.598 ms  statement: SELECT a,\n  b\nFROM t;");
    CHECK(result.records[0].user == "postgres");
    CHECK(result.records[0].line == 1);
    CHECK(result.records[1].message == "checkpoints are occurring too frequently (25 seconds apart)");
    CHECK(result.records[1].session == "832");
    CHECK(result.records[2].severity == "ERROR");
    CHECK(result.records[2].statement == "SELECT * FROM x\nWHERE y = 1");
    // A DETAIL of another process cannot belong to the ERROR before it.
    CHECK(result.unrecognised == 1);
}

TEST_CASE("stderr reader tolerates CRLF, one space after the severity, and space-indented continuations") {
    const std::string log =
        "2021-05-27 17:00:00 UTC:10.1.91.65:user@my_db:[24743]:LOG: duration: 0.054 ms statement: SELECT 1;\r\n"
        "2021-05-27 17:00:01 UTC:10.1.91.65:user@my_db:[24743]:LOG:  statement: SELECT a\r\n"
        "    FROM b;\r\n";
    const auto result = read_stderr(log);
    REQUIRE(result.records.size() == 2);
    CHECK(result.records[0].message == "duration: 0.054 ms statement: SELECT 1;");
    CHECK(result.records[0].database == "my_db");
    CHECK(result.records[1].message == "statement: SELECT a\n    FROM b;");
    CHECK(result.unrecognised == 0);
}

TEST_CASE("log_line_prefix matcher handles empty fields, IPv6 hosts, %q and padding") {
    logs::PrefixedLine parsed;
    const logs::LogLinePrefix rds("%t:%r:%u@%d:[%p]:");
    REQUIRE(rds.match("2020-03-11 20:40:43 CET::@:[12760]:LOG:  starting", parsed));
    CHECK(parsed.user.empty());
    CHECK(parsed.pid == "12760");
    REQUIRE(rds.match("2020-03-11 20:40:43 CET:::1(5432):bob@app:[7]:ERROR:  boom", parsed));
    CHECK(parsed.user == "bob");
    CHECK(parsed.database == "app");
    CHECK(parsed.message == "boom");

    const logs::LogLinePrefix host("%t:%h:%u@%d:[%p]:");
    REQUIRE(host.match("2020-03-11 20:40:43 UTC:::1:bob@app:[7]:LOG:  x", parsed));
    CHECK(parsed.user == "bob");

    const logs::LogLinePrefix padded("%m [%-8p] %u ");
    REQUIRE(padded.match("2020-03-11 20:40:43.123 UTC [42      ] alice LOG:  x", parsed));
    CHECK(parsed.pid == "42");
    CHECK(parsed.user == "alice");

    const logs::LogLinePrefix verbose("%m [%p] ");
    REQUIRE(verbose.match("2026-05-06 15:49:08.082 UTC [159645] ERROR:  22012: division by zero", parsed));
    CHECK(parsed.sqlstate == "22012");
    CHECK(parsed.message == "division by zero");

    CHECK_FALSE(verbose.match("2026-05-06 15:49:08 UTC [1] LOG:  %m needs milliseconds", parsed));
    CHECK_FALSE(verbose.match("2026-05-06 15:49:08.082 UTC [1] Log:  not a severity", parsed));
    CHECK(verbose.describe().find("process ID (%p)") != std::string::npos);
}

TEST_CASE("prefix detection picks the prefix that explains the lines best") {
    const std::vector<std::string_view> debian{
        "2022-07-22 06:13:13.389 UTC [1] LOG:  database system is ready to accept connections",
        "2022-07-22 06:13:45.781 UTC [75] myuser@mydb LOG:  connection authorized: user=myuser database=mydb",
    };
    CHECK(logs::detect_prefix(debian) == "%m [%p] %q%u@%d ");
    const std::vector<std::string_view> plain{"2018-05-04 03:06:18.360 UTC [3184] LOG:  hello"};
    CHECK(logs::detect_prefix(plain) == "%m [%p] ");
    const std::vector<std::string_view> nothing{"hello world", "this is not a log"};
    CHECK_FALSE(logs::detect_prefix(nothing));
}

TEST_CASE("stderr reader refuses a log that no prefix matches, naming what it expected") {
    const std::string log = "Tue Mar 3 something odd happened\nand then more\n";
    try {
        read_stderr(log);
        FAIL("expected InputError");
    } catch (const schemaflip::InputError& error) {
        CHECK(std::string(error.what()).find("log_line_prefix") != std::string::npos);
        CHECK(error.reason().find("Tue Mar 3 something odd happened") != std::string::npos);
        CHECK(error.reason().find("process ID") != std::string::npos);
        CHECK_FALSE(error.help().empty());
    }
    try {
        read_stderr("2018-05-04 03:06:18.360 UTC [3184] LOG:  hello\n", "%t %u ");
        FAIL("expected InputError");
    } catch (const schemaflip::InputError& error) {
        CHECK(std::string(error.what()).find("--prefix '%t %u '") != std::string::npos);
        CHECK(error.reason().find("timestamp (%t)") != std::string::npos);
        CHECK(error.reason().find("[3184]") != std::string::npos);
    }
}

TEST_CASE("stderr reader counts garbage and invalid UTF-8 as unrecognised without failing") {
    std::string log = "2018-05-04 03:06:18.360 UTC [3184] LOG:  first\n";
    log += std::string("\xff\xfe\x00\x01garbage\x80\xc3", 13) + "\n";
    log += "2018-05-04 03:06:18.360 UTC [3184] LOG:  caf\xc3\xa9 \xe2\x82 broken\n";
    const auto result = read_stderr(log);
    REQUIRE(result.records.size() == 2);
    CHECK(result.unrecognised == 1);
    CHECK(result.records[1].message == "caf\xc3\xa9 \xe2\x82 broken");
}
