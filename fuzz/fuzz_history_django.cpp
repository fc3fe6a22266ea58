// Feeds the Django migration reader (core/history/django_reader.cpp: the operations list of an app's
// migrations/NNNN_name.py, with its balanced-bracket argument parsing) with any bytes as one file.
#include "core/history/history.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace history = schemaflip::history;
    history::History read;
    const std::string text(schemaflip::fuzz::as_text(data, size));
    history::read_django_migration_text(text, "shop/migrations/0002_fuzz.py", "fuzz", read);
    for (const auto& event : read.events) {
        schemaflip::fuzz::require(history::is_known_op(event.op), "events have known ops");
    }
    return 0;
}
