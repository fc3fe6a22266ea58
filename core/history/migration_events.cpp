// read_migration_text: a migration file as one string.
#include "core/history/migration_events.hpp"

#include <fstream>
#include <sstream>

namespace schemaflip::history {

std::optional<std::string> read_migration_text(const std::filesystem::path& file, History& history) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        history.problems.add(history.problems.unreadable_files, file.string() + ": cannot be opened");
        return std::nullopt;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

}  // namespace schemaflip::history
