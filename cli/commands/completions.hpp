// `schemaflip completions bash|zsh|fish`: shell completions generated from the CLI definition itself.
#pragma once

#include <string>

#include "cli/completion_scripts.hpp"
#include "cli/context.hpp"

namespace CLI {
class App;
}

namespace schemaflip::cli {

struct CompletionsOptions {
    std::string shell;
};

CLI::App* add_completions_command(CLI::App& app, CompletionsOptions& options);
// Prints the script for the shell, walking `root`: the whole application as the user runs it.
int run_completions(const CompletionsOptions& options, const CLI::App& root, Context& context);

// The command tree of a CLI11 definition: every subcommand, flag, positional and enumerated value. Also
// read by the test that every flag has its place in the man pages.
CommandSpec describe_commands(const CLI::App& root);

}  // namespace schemaflip::cli
