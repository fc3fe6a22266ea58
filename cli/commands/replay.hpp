// `schemaflip replay`: staged split-and-compare of real queries between the primary and a shadow.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/context.hpp"

namespace CLI {
class App;
}

namespace schemaflip::cli {

struct ReplayOptions {
    std::string manifest;
    std::string primary;
    std::string shadow;
    std::vector<std::string> queries;
    std::string plan;
    std::optional<std::uint64_t> seed;
    int jobs = 1;
    std::uint64_t query_timeout_ms = 0;
    bool apply_writes = false;
    std::string log_format = "auto";
    std::string prefix;
    std::string output;
    std::string junit;  // --junit: a JUnit XML report for CI test views
};

CLI::App* add_replay_command(CLI::App& app, ReplayOptions& options);
// 0 when the decision is flip, 1 for hold or rollback.
int run_replay(const ReplayOptions& options, Context& context);

}  // namespace schemaflip::cli
