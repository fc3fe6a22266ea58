// Where a command's result goes: stdout, or a file given with -o that appears only when complete.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "cli/context.hpp"
#include "core/util/atomic_file.hpp"

namespace schemaflip::cli {

class Output {
public:
    // With a path, the file is prepared at once so an unwritable destination fails before any work.
    Output(Context& context, const std::string& path);

    // Writes the whole result and, for a file, renames it into place.
    void write(const std::string& content);

private:
    Context& m_context;
    std::unique_ptr<util::AtomicFile> m_file;
};

// A document as pretty-printed JSON text. Invalid UTF-8 (from logs, from SQLite names) becomes U+FFFD
// instead of failing the whole command.
std::string dump_json(const nlohmann::ordered_json& document);

}  // namespace schemaflip::cli
