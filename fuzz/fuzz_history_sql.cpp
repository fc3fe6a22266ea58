// Feeds the plain-SQL migration reader (core/history/sql_migration_reader.cpp: dbmate's up section, split
// and parsed by libpg_query into history events) with any bytes as one migration file.
#include "core/history/history.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace history = schemaflip::history;
    history::History read;
    const std::string text(schemaflip::fuzz::as_text(data, size));
    // A name with a timestamp, so the reader never looks for the (absent) file's modification time.
    history::read_sql_migration_text(text, "db/migrations/20240102030405_fuzz.sql", "db/migrations", "fuzz", read);
    for (const auto& event : read.events) {
        schemaflip::fuzz::require(history::is_known_op(event.op), "events have known ops");
    }
    return 0;
}
