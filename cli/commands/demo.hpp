// `schemaflip demo`: the whole pipeline (analyze → predict → shadow → replay → flip) on the bundled
// Chinook SQLite database, its application log and a pending migration, in a temporary directory.
#pragma once

#include <string>

#include "cli/context.hpp"

namespace CLI {
class App;
}

namespace schemaflip::cli {

struct DemoOptions {
    std::string dir;              // keep the documents here (a new or empty directory); empty: a temporary one
    std::string change = "safe";  // safe: a column the application already asks for; breaking: a renamed column
};

CLI::App* add_demo_command(CLI::App& app, DemoOptions& options);
// 0 once every step ran, whatever the flip decision: the decision is what the demo shows.
int run_demo(const DemoOptions& options, Context& context);

}  // namespace schemaflip::cli
