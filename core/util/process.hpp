// Runs a helper program (pg_dump, psql) with extra environment variables, without a shell.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace schemaflip::util {

struct ProcessResult {
    int exit_code = -1;  // -1 when the program could not be started or died from a signal
    std::string error_output;  // what it wrote to stderr
};

// Runs `program` with `arguments`, its environment extended by `environment` (secrets go here, never
// into arguments that `ps` shows), standard input from /dev/null and standard output into `output`
// (created with mode 0600) when given.
ProcessResult run_process(const std::string& program, const std::vector<std::string>& arguments,
                          const std::vector<std::pair<std::string, std::string>>& environment,
                          const std::filesystem::path& output = {});

}  // namespace schemaflip::util
