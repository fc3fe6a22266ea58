// `schemaflip inspect DB`: a schema snapshot of a live database.
#pragma once

#include <string>

#include "cli/context.hpp"

namespace CLI {
class App;
}

namespace schemaflip::cli {

struct InspectOptions {
    std::string database;
    bool exact_counts = false;
    std::string output;
};

CLI::App* add_inspect_command(CLI::App& app, InspectOptions& options);
int run_inspect(const InspectOptions& options, Context& context);

}  // namespace schemaflip::cli
