// Feeds the Rails migration reader (core/history/rails_reader.cpp and ruby_args.cpp: the ActiveRecord
// DSL of db/migrate/*.rb, read line by line) with any bytes as one migration file.
#include "core/history/history.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace history = schemaflip::history;
    history::History read;
    const std::string text(schemaflip::fuzz::as_text(data, size));
    history::read_rails_migration_text(text, "db/migrate/20240102030405_fuzz.rb", "fuzz", read);
    for (const auto& event : read.events) {
        schemaflip::fuzz::require(history::is_known_op(event.op), "events have known ops");
    }
    return 0;
}
