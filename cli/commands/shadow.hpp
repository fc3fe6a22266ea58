// `schemaflip shadow up|status|down`: a shadow database with a change applied, and its removal.
#pragma once

#include <string>

#include "cli/context.hpp"

namespace CLI {
class App;
}

namespace schemaflip::cli {

struct ShadowOptions {
    // up
    std::string primary;
    std::string shadow;
    std::string ddl_file;
    std::string changes_file;
    std::string change_id;
    std::string sync = "none";
    int jobs = 1;
    int sync_timeout_seconds = 600;
    bool force = false;
    std::string output;
    // status, down
    std::string manifest;
};

struct ShadowCommands {
    CLI::App* shadow = nullptr;
    CLI::App* up = nullptr;
    CLI::App* status = nullptr;
    CLI::App* down = nullptr;
};

ShadowCommands add_shadow_command(CLI::App& app, ShadowOptions& options);
int run_shadow(const ShadowCommands& commands, const ShadowOptions& options, Context& context);

}  // namespace schemaflip::cli
