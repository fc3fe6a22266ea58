// The command tree as shell completions need it, and the bash, zsh and fish scripts made from it. The tree
// is filled by walking the CLI11 definition (cli/commands/completions.cpp), so a new command or flag
// reaches the completions without anyone editing them; this part knows no CLI11.
#pragma once

#include <string>
#include <vector>

namespace schemaflip::cli {

// What a shell may offer as a flag's or positional's value.
enum class ValueKind {
    none,    // a flag without a value
    choice,  // one of `choices` (an IsMember check)
    file,    // a path (or a database URL, which is usually a path on the command line)
    number,  // a count, milliseconds, a seed: nothing to offer
};

struct FlagSpec {
    std::vector<std::string> long_names;   // without the leading "--"
    std::vector<std::string> short_names;  // without the leading "-"
    std::string description;
    ValueKind value = ValueKind::none;
    std::vector<std::string> choices;
    bool repeatable = false;  // a vector option or a counting flag (-vv)
    bool inherited = false;   // declared by an ancestor and accepted here through CLI11's fallthrough
};

struct PositionalSpec {
    std::string name;
    ValueKind value = ValueKind::file;
    std::vector<std::string> choices;
    bool many = false;
};

struct CommandSpec {
    std::string name;  // the program name at the root
    std::string description;
    std::vector<FlagSpec> flags;
    std::vector<PositionalSpec> positionals;
    std::vector<CommandSpec> subcommands;
};

// Each returns the whole script, deterministic for a given tree (the committed copies are compared to it).
std::string bash_completion(const CommandSpec& root);
std::string zsh_completion(const CommandSpec& root);
std::string fish_completion(const CommandSpec& root);

}  // namespace schemaflip::cli
