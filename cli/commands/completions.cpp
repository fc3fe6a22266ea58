// `schemaflip completions`: walks the CLI11 definition (CLI11 2.1 has no completion generator) into a
// CommandSpec and renders it with cli/completion_scripts.
#include "cli/commands/completions.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>

namespace schemaflip::cli {
namespace {

constexpr const char* k_shells[] = {"bash", "zsh", "fish"};

// CLI11 keeps an IsMember check's values only inside its description, "{text,json}", which it appends to
// the type name: "TEXT:{text,json}". That text is the one place they can be read back from.
std::vector<std::string> member_values(const std::string& type_name) {
    const auto open = type_name.find(":{");
    const auto close = type_name.find('}', open);
    if (open == std::string::npos || close == std::string::npos) return {};
    std::vector<std::string> values;
    std::string current;
    for (const char c : type_name.substr(open + 2, close - open - 2)) {
        if (c != ',') {
            current += c;
            continue;
        }
        values.push_back(current);
        current.clear();
    }
    values.push_back(current);
    return values;
}

// Numbers have nothing to complete; every other value (paths, database URLs, dates) gets file names,
// which is what a shell offers for a free-form argument anyway.
ValueKind value_kind(const CLI::Option& option, const std::vector<std::string>& choices) {
    if (option.get_expected_max() == 0) return ValueKind::none;
    if (!choices.empty()) return ValueKind::choice;
    const auto type = option.get_type_name();
    const auto base = type.substr(0, type.find(':'));
    for (const char* number : {"INT", "UINT", "FLOAT", "N", "MS"}) {
        if (base == number) return ValueKind::number;
    }
    return ValueKind::file;
}

FlagSpec describe_flag(const CLI::Option& option, bool inherited) {
    FlagSpec flag;
    flag.long_names = option.get_lnames();
    flag.short_names = option.get_snames();
    flag.description = option.get_description();
    flag.choices = member_values(option.get_type_name());
    flag.value = value_kind(option, flag.choices);
    const auto policy = option.get_multi_option_policy();
    flag.repeatable = policy == CLI::MultiOptionPolicy::TakeAll || policy == CLI::MultiOptionPolicy::Join;
    flag.inherited = inherited;
    return flag;
}

bool is_help_or_version(const CLI::App& app, const CLI::Option* option) {
    return option == app.get_help_ptr() || option == app.get_help_all_ptr() || option == app.get_version_ptr();
}

// `inherited`: the flags of the ancestors that reach this command through fallthrough (help and version
// stay with their own command).
CommandSpec describe(const CLI::App& app, const std::vector<FlagSpec>& inherited) {
    CommandSpec command;
    command.name = app.get_name();
    command.description = app.get_description();
    std::vector<FlagSpec> passed_on = inherited;
    for (const auto* option : app.get_options()) {
        if (option->get_positional() && !option->nonpositional()) {
            PositionalSpec positional;
            positional.name = option->get_name(true);
            positional.choices = member_values(option->get_type_name());
            positional.value = value_kind(*option, positional.choices);
            positional.many = option->get_items_expected_max() > 1;
            command.positionals.push_back(positional);
            continue;
        }
        command.flags.push_back(describe_flag(*option, false));
        if (!is_help_or_version(app, option)) passed_on.push_back(describe_flag(*option, true));
    }
    if (app.get_fallthrough()) command.flags.insert(command.flags.end(), inherited.begin(), inherited.end());
    for (const auto* sub : app.get_subcommands([](const CLI::App* candidate) { return !candidate->get_name().empty(); })) {
        command.subcommands.push_back(describe(*sub, passed_on));
    }
    return command;
}

}  // namespace

CommandSpec describe_commands(const CLI::App& root) { return describe(root, {}); }

CLI::App* add_completions_command(CLI::App& app, CompletionsOptions& options) {
    auto* command = app.add_subcommand("completions", "Print shell completions for bash, zsh or fish");
    command->add_option("SHELL", options.shell, "The shell: bash, zsh or fish")
        ->required()
        ->check(CLI::IsMember(std::vector<std::string>(std::begin(k_shells), std::end(k_shells))));
    command->footer(
        "Installed packages put them where each shell looks. By hand:\n"
        "  schemaflip completions bash > ~/.local/share/bash-completion/completions/schemaflip\n"
        "  schemaflip completions zsh > ~/.zfunc/_schemaflip   (with fpath+=(~/.zfunc) before compinit)\n"
        "  schemaflip completions fish > ~/.config/fish/completions/schemaflip.fish");
    return command;
}

int run_completions(const CompletionsOptions& options, const CLI::App& root, Context& context) {
    const auto tree = describe_commands(root);
    if (options.shell == "bash") context.out << bash_completion(tree);
    if (options.shell == "zsh") context.out << zsh_completion(tree);
    if (options.shell == "fish") context.out << fish_completion(tree);
    return 0;
}

}  // namespace schemaflip::cli
