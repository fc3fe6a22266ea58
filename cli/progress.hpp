// Progress of long steps (analyze, shadow up, replay) for a person watching stderr. Never on stdout, never
// in a pipe or a CI log unless asked for with -v, never with --quiet.
#pragma once

#include <chrono>
#include <functional>
#include <iosfwd>
#include <string_view>

#include "cli/context.hpp"

namespace schemaflip::cli {

class ProgressLine {
public:
    enum class Mode {
        none,      // stderr is not a terminal (or --quiet): nothing
        terminal,  // one line rewritten in place
        lines,     // -v: plain "schemaflip: ..." lines, kept in a log
    };
    using Clock = std::function<std::chrono::steady_clock::time_point()>;

    // The mode from the context: -v wins; otherwise in place only when `err` is the real stderr and that
    // is a terminal (--quiet hands commands another stream, so it falls under none).
    static Mode mode_for(const Context& context);

    explicit ProgressLine(Context& context);
    // For tests: any stream, a given mode and a clock they move by hand.
    ProgressLine(std::ostream& err, Mode mode, Clock now);
    ~ProgressLine();
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;

    // A new step or a final count: always shown. Steps are rare and each says something new.
    void step(std::string_view line);
    // A running count inside a step: shown only when enough time has passed since the last line, so callers
    // may report as often as they like without the terminal (or a slow ssh link) slowing the work.
    void update(std::string_view line);
    // Before the result or an error is printed: the in-place line was only for watching.
    void clear();

private:
    void show(std::string_view line);

    std::ostream& m_err;
    Mode m_mode;
    Clock m_now;
    std::chrono::steady_clock::time_point m_last{};
    bool m_shown_once = false;
    bool m_on_screen = false;
};

}  // namespace schemaflip::cli
