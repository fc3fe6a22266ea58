// fork/exec with redirected streams: the child's stderr is captured through a temporary file.
#include "core/util/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string_view>

#include "core/util/interrupt.hpp"

namespace schemaflip::util {
namespace {

std::string read_all(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Waits for the child; on SIGINT/SIGTERM (util/interrupt.hpp) asks it to stop first, so an interrupted run
// never leaves a pg_dump working behind it. Polls, because the signal may land on another thread.
bool wait_for(pid_t child, int& status) {
    bool stopping = false;
    for (;;) {
        const pid_t done = ::waitpid(child, &status, WNOHANG);
        if (done == child) return true;
        if (done < 0 && errno != EINTR) return false;
        if (interrupted() && !stopping) {
            ::kill(child, SIGTERM);
            stopping = true;
        }
        ::usleep(20'000);
    }
}

}  // namespace

ProcessResult run_process(const std::string& program, const std::vector<std::string>& arguments,
                          const std::vector<std::pair<std::string, std::string>>& environment,
                          const std::filesystem::path& output) {
    std::string error_template = (std::filesystem::temp_directory_path() / "schemaflip-stderr.XXXXXX").string();
    const int error_fd = ::mkstemp(error_template.data());
    if (error_fd < 0) return {};
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(program.c_str()));
    for (const auto& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    // The environment is built before fork: the child may only make async-signal-safe calls.
    std::vector<std::string> variables;
    for (char** variable = environ; *variable != nullptr; ++variable) {
        const std::string_view text(*variable);
        bool replaced = false;
        for (const auto& entry : environment) replaced = replaced || text.starts_with(entry.first + "=");
        if (!replaced) variables.emplace_back(text);
    }
    for (const auto& [name, value] : environment) variables.push_back(name + "=" + value);
    std::vector<char*> envp;
    for (auto& variable : variables) envp.push_back(variable.data());
    envp.push_back(nullptr);

    const pid_t child = ::fork();
    if (child == 0) {
        const int input = ::open("/dev/null", O_RDONLY);
        if (input >= 0) ::dup2(input, 0);
        if (!output.empty()) {
            const int out = ::open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            if (out < 0) ::_exit(127);
            ::dup2(out, 1);
        }
        ::dup2(error_fd, 2);
        ::execve(program.c_str(), argv.data(), envp.data());
        ::_exit(127);
    }
    ::close(error_fd);
    ProcessResult result;
    int status = 0;
    if (child > 0 && wait_for(child, status) && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    result.error_output = read_all(error_template);
    std::filesystem::remove(error_template);
    return result;
}

}  // namespace schemaflip::util
