// Log scanner: format selection and detection, message classification, statement and error events,
// bare durations, bind parameters, and bad input that must be counted rather than fail.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "core/logs/log_scanner.hpp"
#include "core/util/error.hpp"
#include "support/test_support.hpp"

namespace logs = schemaflip::logs;

namespace {

struct ScanResult {
    std::vector<logs::LogEvent> events;
    logs::ScanCounts counts;
    std::uint64_t unrecognised = 0;
    std::string format;
};

ScanResult scan(std::string_view text, logs::ScanOptions options = {}, std::string name = "test.log") {
    logs::LogScanner scanner(logs::buffer_line_source(text, std::move(name)), options);
    ScanResult result;
    logs::LogEvent event;
    while (scanner.next(event)) result.events.push_back(event);
    result.counts = scanner.counts();
    result.unrecognised = scanner.unrecognised().count;
    result.format = scanner.format();
    return result;
}

constexpr const char* k_prefix = "2026-11-23 23:50:24.000 UTC ";

std::string line(const std::string& pid, const std::string& rest) { return k_prefix + ("[" + pid + "] " + rest + "\n"); }

}  // namespace

TEST_CASE("format names cover every reader and an unknown one is a usage error listing them") {
    const auto& names = logs::format_names();
    for (const char* name : {"stderr", "csvlog", "jsonlog", "syslog", "sql", "jsonl", "logplex", "cloudsql", "cnpg"}) {
        CHECK(std::find(names.begin(), names.end(), name) != names.end());
    }
    try {
        scan("x\n", logs::ScanOptions{"nosuch", ""});
        FAIL("expected UsageError");
    } catch (const schemaflip::UsageError& error) {
        CHECK(std::string(error.what()).find("nosuch") != std::string::npos);
        CHECK(error.reason().find("auto, stderr, csvlog") != std::string::npos);
    }
}

TEST_CASE("auto that recognises nothing is an input error showing the first line") {
    try {
        scan("just some text\nmore text\n");
        FAIL("expected InputError");
    } catch (const schemaflip::InputError& error) {
        CHECK(error.reason().find("just some text") != std::string::npos);
        CHECK(error.reason().find("log_line_prefix") != std::string::npos);
        CHECK(error.help().find("--prefix") != std::string::npos);
    }
}

TEST_CASE("statements with durations, named executes, parse/bind and errors become events and counts") {
    const std::string log =
        line("1", "LOG:  duration: 1.500 ms  statement: SELECT 1") +
        line("1", "LOG:  duration: 0.100 ms  parse py:0x7fde12d61b80: SELECT $1") +
        line("1", "LOG:  duration: 0.200 ms  bind py:0x7fde12d61b80: SELECT $1") +
        line("1", "DETAIL:  parameters: $1 = 'it''s, a\n\tvalue', $2 = NULL") +
        line("1", "LOG:  duration: 0.300 ms  execute stmt_slow/stmt_slow: SELECT $1") +
        line("1", "DETAIL:  parameters: $1 = '42'") +
        line("2", "LOG:  execute <unnamed>: SELECT 2") +
        line("3", "ERROR:  relation \"nope\" does not exist at character 15") +
        line("3", "STATEMENT:  SELECT * FROM nope") +
        line("4", "LOG:  connection received: host=[local]");
    const auto result = scan(log);
    CHECK(result.format == "stderr");
    CHECK(result.counts.records == 7);
    CHECK(result.counts.executed_statements == 3);
    CHECK(result.counts.durations == 4);
    CHECK(result.counts.errors == 1);
    CHECK(result.counts.bind_parameters == 2);
    CHECK(result.counts.duration_ms_sum == doctest::Approx(2.1));
    CHECK(result.counts.severities.at("LOG") == 6);
    REQUIRE(result.events.size() == 4);

    CHECK(result.events[0].kind == logs::EventKind::statement);
    CHECK(result.events[0].sql == "SELECT 1");
    CHECK(result.events[0].duration_ms == doctest::Approx(1.5));
    CHECK(result.events[0].session == "1");
    CHECK(result.events[0].time_ms == 1795477824000);

    CHECK(result.events[1].sql == "SELECT $1");
    CHECK(result.events[1].duration_ms == doctest::Approx(0.3));
    REQUIRE(result.events[1].parameters.size() == 1);
    CHECK(result.events[1].parameters[0] == "42");

    // The execute without duration is held until the end of its session's records: here the end.
    CHECK(result.events[2].kind == logs::EventKind::error);
    CHECK(result.events[2].severity == "ERROR");
    // The position stderr appends is dropped: csvlog and jsonlog keep it in a column of its own.
    CHECK(result.events[2].message == "relation \"nope\" does not exist");
    CHECK(result.events[2].sql == "SELECT * FROM nope");
    CHECK(result.events[3].sql == "SELECT 2");
    CHECK_FALSE(result.events[3].duration_ms);
}

TEST_CASE("a bare duration attaches to the previous statement of its session only") {
    const std::string log =
        line("10", "LOG:  statement: SELECT a FROM t") +
        line("11", "LOG:  statement: SELECT b FROM t") +
        line("10", "LOG:  duration: 2.000 ms") +
        line("11", "LOG:  statement: SELECT c FROM t") +
        line("11", "LOG:  duration: 3.000 ms") +
        line("12", "LOG:  duration: 9.000 ms");
    const auto result = scan(log);
    CHECK(result.counts.executed_statements == 3);
    CHECK(result.counts.durations == 3);
    CHECK(result.counts.duration_ms_sum == doctest::Approx(14.0));
    REQUIRE(result.events.size() == 3);
    CHECK(result.events[0].sql == "SELECT a FROM t");
    CHECK(result.events[0].duration_ms == doctest::Approx(2.0));
    CHECK(result.events[1].sql == "SELECT b FROM t");
    CHECK_FALSE(result.events[1].duration_ms);
    CHECK(result.events[2].sql == "SELECT c FROM t");
    CHECK(result.events[2].duration_ms == doctest::Approx(3.0));
}

TEST_CASE("bind parameters keep quotes, commas, newlines and NULL") {
    const std::string log =
        line("5", "LOG:  execute <unnamed>: SELECT $1, $2, $3") +
        line("5", "DETAIL:  parameters: $1 = 'a, b', $2 = NULL, $3 = '[2023-02-23T00:00,2023-02-24T00:00]'") +
        line("5", "LOG:  duration: 1.0 ms");
    const auto result = scan(log);
    REQUIRE(result.events.size() == 1);
    const auto& parameters = result.events[0].parameters;
    REQUIRE(parameters.size() == 3);
    CHECK(parameters[0] == "a, b");
    CHECK_FALSE(parameters[1]);
    CHECK(parameters[2] == "[2023-02-23T00:00,2023-02-24T00:00]");
    CHECK(result.events[0].duration_ms == doctest::Approx(1.0));
}

TEST_CASE("empty statement text still counts as an executed statement") {
    const auto result = scan(line("6", "LOG:  duration: 0.027 ms  statement: "));
    CHECK(result.counts.executed_statements == 1);
    REQUIRE(result.events.size() == 1);
    CHECK(result.events[0].sql.empty());
}

TEST_CASE("binary garbage and invalid UTF-8 are counted as unrecognised, never fatal") {
    std::string log = line("7", "LOG:  statement: SELECT 'caf\xc3\xa9'");
    static const char k_garbage[] = "\x00\xff\xfe\x80garbage\x1b[0m\xc3";
    for (int i = 0; i < 50; ++i) log += std::string(k_garbage, sizeof k_garbage - 1) + "\n";
    log += line("7", "LOG:  statement: SELECT '\xe2\x82'");
    const auto result = scan(log);
    CHECK(result.counts.records == 2);
    CHECK(result.unrecognised == 50);
    REQUIRE(result.events.size() == 2);
    CHECK(result.events[1].sql == "SELECT '\xe2\x82'");

    logs::LogScanner scanner(logs::buffer_line_source(log), {});
    logs::LogEvent event;
    while (scanner.next(event)) {
    }
    const auto& examples = scanner.unrecognised().examples;
    REQUIRE(examples.size() == 5);
    CHECK(examples[0].line == 2);
    CHECK(examples[0].text.find('\xff') == std::string::npos);
    CHECK(examples[0].text.find("garbage") != std::string::npos);
}

TEST_CASE("a file of binary garbage is an input error, not an empty success") {
    std::string garbage;
    for (int i = 0; i < 4096; ++i) garbage += static_cast<char>((i * 7919) % 256);
    CHECK_THROWS_AS(scan(garbage), schemaflip::InputError);
}

TEST_CASE("a 50 MB line in the middle of a log is counted and reading goes on") {
    std::string log = line("8", "LOG:  statement: SELECT 1");
    log += std::string(50u << 20, 'q') + "\n";
    log += line("8", "LOG:  statement: SELECT 2");
    const auto result = scan(log);
    CHECK(result.counts.executed_statements == 2);
    CHECK(result.unrecognised == 1);
}

TEST_CASE("a truncated gzip log gives the records before the cut and reports the damage") {
    schemaflip::test::TempDir dir;
    const auto original =
        schemaflip::test::read_file(schemaflip::test::shared_data_path("pglogs/pgbadger__rds.log.gz"));
    const auto path = dir.path() / "cut.log.gz";
    {
        std::ofstream out(path, std::ios::binary);
        out.write(original.data(), static_cast<std::streamsize>(original.size() / 3));
    }
    logs::LogScanner scanner(logs::open_line_source(path.string()), {});
    logs::LogEvent event;
    std::uint64_t events = 0;
    while (scanner.next(event)) ++events;
    CHECK(events > 1000);
    CHECK(scanner.counts().records < 114604);
    CHECK_FALSE(scanner.damage().empty());
}

TEST_CASE("the scanner detects syslog, logplex and Cloud SQL from the shared logs") {
    struct Case {
        const char* file;
        const char* format;
    };
    for (const auto& c : {Case{"pgbadger__pg-syslog.1.gz", "syslog"}, Case{"pgbadger__logplex.log", "logplex"},
                          Case{"pgbadger__cloudsql.log.gz", "cloudsql"}, Case{"pgbadger__rds.log.gz", "stderr"}}) {
        CAPTURE(c.file);
        logs::LogScanner scanner(
            logs::open_line_source(schemaflip::test::shared_data_path(std::string("pglogs/") + c.file).string()), {});
        CHECK(scanner.format() == c.format);
    }
}

TEST_CASE("an explicit format and prefix are used as given") {
    const std::string log = "pid=12 LOG:  statement: SELECT 1\n";
    const auto result = scan(log, logs::ScanOptions{"stderr", "pid=%p "});
    CHECK(result.format == "stderr");
    REQUIRE(result.events.size() == 1);
    CHECK(result.events[0].session == "12");
}
