// The man pages against the CLI definition: every command has a page with the standard sections, and every
// long flag a command accepts is documented on its page (global flags on schemaflip(1)).
#include <doctest/doctest.h>

#include <filesystem>

#include "cli/app.hpp"
#include "support/test_support.hpp"

using namespace schemaflip;

namespace {

constexpr const char* k_sections[] = {"SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES"};

// "--sync" must not be found inside "--sync-timeout": the flag ends where a name character cannot follow.
bool mentions_flag(const std::string& page, const std::string& flag) {
    for (auto at = page.find(flag); at != std::string::npos; at = page.find(flag, at + 1)) {
        const auto end = at + flag.size();
        const bool name_goes_on = end < page.size() && (std::isalnum(static_cast<unsigned char>(page[end])) != 0 ||
                                                          page[end] == '-' || page[end] == '_');
        if (!name_goes_on) return true;
    }
    return false;
}

bool has_section(const std::string& page, const std::string& section) {
    return page.starts_with("# " + section + "\n") || page.find("\n# " + section + "\n") != std::string::npos;
}

// The command's own long flags and those of its nested subcommands (`shadow up` is on the shadow page);
// --help is CLI11's on every command and documented once, on schemaflip(1).
void collect_flags(const cli::CommandSpec& command, std::vector<std::string>& flags) {
    for (const auto& flag : command.flags) {
        if (flag.inherited) continue;
        for (const auto& name : flag.long_names) {
            if (name != "help") flags.push_back("--" + name);
        }
    }
    for (const auto& sub : command.subcommands) collect_flags(sub, flags);
}

}  // namespace

TEST_CASE("every command's man page has the standard sections and every long flag") {
    const auto tree = cli::describe_cli();
    const auto man = test::source_path("man");

    const auto root_page = test::read_file(man / "schemaflip.1.md");
    for (const auto& flag : tree.flags) {
        for (const auto& name : flag.long_names) {
            CHECK_MESSAGE(mentions_flag(root_page, "--" + name), "man/schemaflip.1.md lacks the global flag --" << name);
        }
    }
    for (const auto* section : k_sections) CHECK_MESSAGE(has_section(root_page, section), "man/schemaflip.1.md lacks " << std::string(section));

    REQUIRE(tree.subcommands.size() >= 7);
    for (const auto& command : tree.subcommands) {
        const auto path = man / ("schemaflip-" + command.name + ".1.md");
        REQUIRE_MESSAGE(std::filesystem::exists(path), "no man page for '" << command.name << "': " << path);
        const auto page = test::read_file(path);
        for (const auto* section : k_sections) CHECK_MESSAGE(has_section(page, section), path.filename() << " lacks " << std::string(section));
        std::vector<std::string> flags;
        collect_flags(command, flags);
        for (const auto& flag : flags) CHECK_MESSAGE(mentions_flag(page, flag), path.filename() << " lacks " << flag);
        CHECK_MESSAGE(mentions_flag(root_page, command.name), "man/schemaflip.1.md does not list " << command.name);
    }
}

TEST_CASE("man-page flag matching: a flag is not found inside a longer one") {
    CHECK(mentions_flag("**--sync** none", "--sync"));
    CHECK_FALSE(mentions_flag("**--sync-timeout** 5", "--sync"));
    CHECK(mentions_flag("**--sync-timeout** 5 or --sync.", "--sync"));
    CHECK(has_section("x\n# FILES\ny", "FILES"));
    CHECK_FALSE(has_section("x\n## FILES\ny", "FILES"));
}

TEST_CASE("the command tree has nested subcommands, enumerated values and inherited global flags") {
    const auto tree = cli::describe_cli();
    const auto find = [](const std::vector<cli::CommandSpec>& commands, const std::string& name) -> const cli::CommandSpec* {
        for (const auto& command : commands) {
            if (command.name == name) return &command;
        }
        return nullptr;
    };
    const auto* shadow = find(tree.subcommands, "shadow");
    REQUIRE(shadow != nullptr);
    const auto* up = find(shadow->subcommands, "up");
    REQUIRE(up != nullptr);
    bool saw_sync = false;
    bool saw_inherited_format = false;
    for (const auto& flag : up->flags) {
        if (flag.long_names == std::vector<std::string>{"sync"}) {
            saw_sync = true;
            CHECK(flag.value == cli::ValueKind::choice);
            CHECK(flag.choices == std::vector<std::string>{"none", "logical"});
        }
        if (flag.long_names == std::vector<std::string>{"format"}) {
            saw_inherited_format = flag.inherited;
            CHECK(flag.choices == std::vector<std::string>{"text", "json", "github"});
        }
    }
    CHECK(saw_sync);
    CHECK(saw_inherited_format);
    const auto* completions = find(tree.subcommands, "completions");
    REQUIRE(completions != nullptr);
    REQUIRE(completions->positionals.size() == 1);
    CHECK(completions->positionals[0].choices == std::vector<std::string>{"bash", "zsh", "fish"});
}
