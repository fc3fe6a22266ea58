// `schemaflip analyze LOG...`: query logs into a workload profile.
#pragma once

#include <string>
#include <vector>

#include "cli/context.hpp"

namespace CLI {
class App;
}

namespace schemaflip::cli {

struct AnalyzeOptions {
    std::vector<std::string> logs;
    std::string log_format = "auto";
    std::string prefix;
    std::string schema;  // database URL or schema snapshot JSON
    bool keep_literals = false;
    bool strict = false;
    unsigned jobs = 0;  // 0 = all cores
    std::size_t top = 20;
    std::string output;
};

CLI::App* add_analyze_command(CLI::App& app, AnalyzeOptions& options);
int run_analyze(const AnalyzeOptions& options, Context& context);

}  // namespace schemaflip::cli
