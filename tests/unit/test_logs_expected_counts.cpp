// Every shared PostgreSQL log, read with format auto, gives the counts of the independent counting
// script in shared/data/pglogs/expected_counts.json.
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "core/logs/log_scanner.hpp"
#include "support/test_support.hpp"

namespace logs = schemaflip::logs;
using schemaflip::test::read_file;
using schemaflip::test::shared_data_path;

TEST_CASE("log scanner counts match expected_counts.json for every shared log") {
    const auto expected_all = nlohmann::json::parse(read_file(shared_data_path("pglogs/expected_counts.json")));
    REQUIRE(expected_all.size() >= 20);
    for (const auto& [file, expected] : expected_all.items()) {
        SUBCASE(file.c_str()) {
            logs::LogScanner scanner(logs::open_line_source(shared_data_path("pglogs/" + file).string()), {});
            logs::LogEvent event;
            while (scanner.next(event)) {
            }
            const logs::ScanCounts& counts = scanner.counts();
            CAPTURE(scanner.format());
            CAPTURE(scanner.reader_description());
            CHECK(scanner.damage().empty());
            CHECK(counts.records == expected["records"].get<std::uint64_t>());
            CHECK(counts.executed_statements == expected["executed_sql"].get<std::uint64_t>());
            CHECK(counts.durations == expected["durations_total"].get<std::uint64_t>());
            CHECK(counts.errors == expected["errors"].get<std::uint64_t>());
            CHECK(counts.bind_parameters == expected["bind_params"].get<std::uint64_t>());
            CHECK(counts.stray_lines == expected["stray_lines"].get<std::uint64_t>());
            CHECK(std::abs(counts.duration_ms_sum - expected["duration_ms_sum"].get<double>()) <= 0.01);
            std::map<std::string, std::uint64_t> severities;
            for (const auto& [severity, count] : expected["sev"].items()) severities[severity] = count.get<std::uint64_t>();
            CHECK(counts.severities == severities);
            CHECK(scanner.unrecognised().count == 0);
        }
    }
}
