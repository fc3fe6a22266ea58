// The error types every stage throws; each carries the exit code of product.md and optional reason/help lines.
#pragma once

#include <stdexcept>
#include <string>

namespace schemaflip {

enum class ExitCode : int {
    success = 0,
    gate = 1,         // the gate says no: hold, rollback, --fail-above
    usage = 2,        // bad flags
    bad_input = 3,    // unreadable or malformed file or document
    unavailable = 4,  // database unavailable or database-side failure
    internal = 5,     // a bug
    interrupted = 130,  // SIGINT/SIGTERM: what the run had created was removed (the shell's 128 + SIGINT)
};

// Base of every error the CLI reports itself. `what()` is the one-line summary; reason and help are
// printed as indented lines below it. Messages must already be redacted (see util/redact.hpp).
class Error : public std::runtime_error {
public:
    Error(ExitCode code, std::string what, std::string reason = {}, std::string help = {})
        : std::runtime_error(std::move(what)), m_code(code), m_reason(std::move(reason)), m_help(std::move(help)) {}

    ExitCode code() const noexcept { return m_code; }
    const std::string& reason() const noexcept { return m_reason; }
    const std::string& help() const noexcept { return m_help; }

private:
    ExitCode m_code;
    std::string m_reason;
    std::string m_help;
};

struct UsageError : Error {
    explicit UsageError(std::string what, std::string reason = {}, std::string help = {})
        : Error(ExitCode::usage, std::move(what), std::move(reason), std::move(help)) {}
};

struct InputError : Error {
    explicit InputError(std::string what, std::string reason = {}, std::string help = {})
        : Error(ExitCode::bad_input, std::move(what), std::move(reason), std::move(help)) {}
};

struct UnavailableError : Error {
    explicit UnavailableError(std::string what, std::string reason = {}, std::string help = {})
        : Error(ExitCode::unavailable, std::move(what), std::move(reason), std::move(help)) {}
};

// A run stopped by SIGINT/SIGTERM (util/interrupt.hpp) after undoing what it had started.
struct InterruptedError : Error {
    explicit InterruptedError(std::string what, std::string reason = {}, std::string help = {})
        : Error(ExitCode::interrupted, std::move(what), std::move(reason), std::move(help)) {}
};

struct GateError : Error {
    explicit GateError(std::string what, std::string reason = {}, std::string help = {})
        : Error(ExitCode::gate, std::move(what), std::move(reason), std::move(help)) {}
};

}  // namespace schemaflip
