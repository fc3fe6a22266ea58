// Entry point of the command line: parses argv, runs one command, maps every failure to an exit code.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "cli/completion_scripts.hpp"

namespace schemaflip::cli {

int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err);
// The same with the arguments after the program name, for in-process tests.
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
// Every command, flag and enumerated value of the CLI, as `completions` and the man-page test read them.
CommandSpec describe_cli();

}  // namespace schemaflip::cli
