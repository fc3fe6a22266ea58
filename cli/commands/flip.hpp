// `schemaflip flip`: the flip task from a replay report (and the shadow manifest and predictions).
#pragma once

#include <string>

#include "cli/context.hpp"

namespace CLI {
class App;
}

namespace schemaflip::cli {

struct FlipOptions {
    std::string report;
    std::string predictions;
    std::string manifest;
    std::string output;
};

CLI::App* add_flip_command(CLI::App& app, FlipOptions& options);
// 0 when the decision is flip, 1 for hold or rollback.
int run_flip(const FlipOptions& options, Context& context);

}  // namespace schemaflip::cli
