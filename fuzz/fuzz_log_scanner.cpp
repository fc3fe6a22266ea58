// Feeds what `analyze` runs on a log: format detection (auto), the scanner's message classification and
// duration pairing (core/logs/log_scanner.cpp), and the profile built from its events, rendered as JSON.
#include "core/logs/log_scanner.hpp"
#include "core/profile/profile.hpp"
#include "core/sql/statement_info.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace logs = schemaflip::logs;
    schemaflip::fuzz::expect_only_input_errors([&] {
        logs::LogScanner scanner(logs::buffer_line_source(schemaflip::fuzz::as_text(data, size), "fuzz.log"), {});
        schemaflip::sql::StatementCache cache;
        schemaflip::profile::ProfileBuilder builder(cache, {});
        logs::LogEvent event;
        std::uint64_t events = 0;
        while (scanner.next(event)) {
            builder.add(event);
            ++events;
        }
        const auto& counts = scanner.counts();
        // Each executed statement and each error is one event, also the ones held back for a duration.
        schemaflip::fuzz::require(events == counts.executed_statements + counts.errors, "one event per statement or error");
        builder.add_source({"fuzz.log", scanner.format(), scanner.reader_description(), counts, scanner.damage()},
                           scanner.unrecognised());
        // As cli/output.cpp writes it: log text need not be UTF-8, and such bytes become U+FFFD.
        (void)schemaflip::profile::to_json(std::move(builder).finish())
            .dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    });
    return 0;
}
