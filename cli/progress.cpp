// ProgressLine: the three modes and the throttle of running counts.
#include "cli/progress.hpp"

#include <unistd.h>

#include <iostream>

namespace schemaflip::cli {
namespace {

// A terminal redraws at most ~10 times a second: faster is unreadable and costs the work time.
constexpr auto k_terminal_interval = std::chrono::milliseconds(100);
// Plain lines stay in a log, so running counts are kept to one a second there.
constexpr auto k_lines_interval = std::chrono::seconds(1);
// Erase the whole line and return to its start: what a redraw and clear() write.
constexpr const char* k_erase_line = "\r\033[K";

}  // namespace

ProgressLine::Mode ProgressLine::mode_for(const Context& context) {
    if (context.verbosity > 0) return Mode::lines;
    if (&context.err == &std::cerr && ::isatty(STDERR_FILENO) == 1) return Mode::terminal;
    return Mode::none;
}

ProgressLine::ProgressLine(Context& context) : ProgressLine(context.err, mode_for(context), std::chrono::steady_clock::now) {}

ProgressLine::ProgressLine(std::ostream& err, Mode mode, Clock now) : m_err(err), m_mode(mode), m_now(std::move(now)) {}

ProgressLine::~ProgressLine() { clear(); }

void ProgressLine::step(std::string_view line) {
    if (m_mode == Mode::none) return;
    show(line);
}

void ProgressLine::update(std::string_view line) {
    if (m_mode == Mode::none) return;
    const auto interval = m_mode == Mode::terminal ? std::chrono::steady_clock::duration(k_terminal_interval)
                                                   : std::chrono::steady_clock::duration(k_lines_interval);
    if (m_shown_once && m_now() - m_last < interval) return;
    show(line);
}

void ProgressLine::clear() {
    if (m_on_screen) m_err << k_erase_line << std::flush;
    m_on_screen = false;
}

void ProgressLine::show(std::string_view line) {
    if (m_mode == Mode::lines) {
        m_err << "schemaflip: " << line << '\n' << std::flush;
    } else {
        m_err << k_erase_line << line << std::flush;
        m_on_screen = true;
    }
    m_last = m_now();
    m_shown_once = true;
}

}  // namespace schemaflip::cli
