// Child: fork/exec of the real binary with a pipe on its stderr.
#include "support/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>

namespace schemaflip::test {

Child::Child(const std::vector<std::string>& args) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe() failed");
    std::vector<std::string> argv_text = {SCHEMAFLIP_BINARY};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& arg : argv_text) argv.push_back(arg.data());
    argv.push_back(nullptr);
    m_pid = ::fork();
    if (m_pid == 0) {
        const int null = ::open("/dev/null", O_RDWR);
        ::dup2(null, 0);
        ::dup2(null, 1);
        ::dup2(pipe_fds[1], 2);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(pipe_fds[1]);
    m_err = pipe_fds[0];
}

Child::~Child() {
    if (m_pid > 0 && !m_exit) {
        ::kill(m_pid, SIGKILL);
        ::waitpid(m_pid, nullptr, 0);
    }
    ::close(m_err);
}

bool Child::wait_for(const std::string& text, int seconds) {
    for (int waited = 0; waited < seconds * 10; ++waited) {
        if (m_stderr.find(text) != std::string::npos) return true;
        if (read_some(100) == Read::closed) break;
    }
    return m_stderr.find(text) != std::string::npos;
}

void Child::signal(int number) { ::kill(m_pid, number); }

int Child::wait_exit(int seconds) {
    for (int waited = 0; waited < seconds * 10 && !m_exit; ++waited) {
        int status = 0;
        if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
            m_exit = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            break;
        }
        // A closed pipe polls at once: the child may still be exiting.
        if (read_some(100) == Read::closed) ::usleep(100'000);
    }
    while (read_some(0) == Read::data) {
    }
    return m_exit.value_or(-1);
}

Child::Read Child::read_some(int timeout_ms) {
    pollfd fd{m_err, POLLIN, 0};
    if (::poll(&fd, 1, timeout_ms) <= 0) return Read::nothing;
    char buffer[4096];
    const auto size = ::read(m_err, buffer, sizeof buffer);
    if (size <= 0) return Read::closed;
    m_stderr.append(buffer, static_cast<std::size_t>(size));
    return Read::data;
}

}  // namespace schemaflip::test
