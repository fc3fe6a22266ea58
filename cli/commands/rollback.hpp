// `schemaflip rollback`: shows a flip task's rollback steps, or applies them (--apply) and checks the schema.
#pragma once

#include <string>

#include "cli/context.hpp"

namespace CLI {
class App;
}

namespace schemaflip::cli {

struct RollbackOptions {
    std::string task;
    std::string database;
    bool apply = false;
};

CLI::App* add_rollback_command(CLI::App& app, RollbackOptions& options);
// 0: steps shown, or applied and the changed tables are back to the recorded snapshot; 1: refused
// (irreversible, database not in the recorded state, nothing recorded to check against) or not back.
int run_rollback(const RollbackOptions& options, Context& context);

}  // namespace schemaflip::cli
