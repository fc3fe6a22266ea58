// The real schemaflip binary as a child process, its stderr read as it comes, so a test can signal it or
// break its databases mid-run and then see how it ended.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace schemaflip::test {

class Child {
public:
    // Starts SCHEMAFLIP_BINARY with `args`; stdin and stdout are /dev/null.
    explicit Child(const std::vector<std::string>& args);
    ~Child();  // kills a child still running
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    // Reads stderr until it holds `text`; false when the child ended or `seconds` passed first.
    bool wait_for(const std::string& text, int seconds);
    void signal(int number);
    // The exit code (128 + N when killed by signal N); kills it after `seconds` (then -1).
    int wait_exit(int seconds);
    const std::string& err() const { return m_stderr; }

private:
    enum class Read { data, nothing, closed };
    Read read_some(int timeout_ms);

    pid_t m_pid = -1;
    int m_err = -1;
    std::string m_stderr;
    std::optional<int> m_exit;
};

}  // namespace schemaflip::test
