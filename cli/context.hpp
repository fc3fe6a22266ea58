// What every command gets besides its options: streams, global flags, and the database opener.
#pragma once

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>

#include "core/db/database.hpp"

namespace schemaflip::cli {

// github: GitHub Actions workflow commands (::error ...), accepted by predict, replay and flip only.
enum class OutputFormat { text, json, github };

struct Context {
    std::ostream& out;
    std::ostream& err;
    OutputFormat format = OutputFormat::text;
    int verbosity = 0;
    // Replaceable so tests can count or refuse connections; defaults to the real backends.
    std::function<std::unique_ptr<db::Database>(std::string_view, const db::OpenOptions&)> open_database =
        [](std::string_view url, const db::OpenOptions& options) { return db::open_database(url, options); };
};

}  // namespace schemaflip::cli
