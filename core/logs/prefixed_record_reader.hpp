// Record assembly shared by every format whose payload is a stderr log line (log_line_prefix, then
// "SEVERITY:  message"): plain stderr, syslog, Heroku logplex and Cloud SQL differ only in the envelope.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/logs/log_line_prefix.hpp"
#include "core/logs/record_reader.hpp"

namespace schemaflip::logs {

// One stderr line taken out of its envelope. `text` stays valid until the next next_payload() call.
struct PayloadLine {
    std::string_view text;
    std::uint64_t line = 0;
    std::string_view envelope_session;              // e.g. syslog's postgres[PID], when the prefix has no %p
    std::optional<std::int64_t> envelope_time_ms;  // used when the prefix has no time
    // A later [N-k] part of a syslog or logplex message. Text that is neither a prefixed line nor a TAB
    // continuation continues the previous line (syslog cut it for length) or starts a new one (logplex).
    enum class LaterPart : std::uint8_t { none, same_line, new_line };
    LaterPart later_part = LaterPart::none;
};

class PrefixedRecordReader : public RecordReader {
public:
    bool next(LogRecord& record) final;
    const Unrecognised& unrecognised() const final { return m_unrecognised; }
    std::uint64_t stray_lines() const final { return m_stray_lines; }
    std::string description() const override;
    // The log_line_prefix in use, given or detected; empty for an empty input.
    std::string prefix() const { return m_prefix ? m_prefix->text() : std::string(); }

protected:
    // Reads `lines` through a lookahead (see lines()), so that choose_prefix() can look at the first ones.
    PrefixedRecordReader(LineSource& lines, std::string format_label);

    // Uses `prefix` when given; otherwise detects it from the payloads of the detection_sample() of
    // lines() (by way of payload_text()). Throws InputError naming the expected fields when no line
    // matches. Derived constructors call it, as it calls payload_text().
    void choose_prefix(const std::string& prefix);

    // The next payload; false at the end. Implementations count envelope problems themselves.
    virtual bool next_payload(PayloadLine& payload) = 0;
    // The stderr text inside one physical line, for prefix detection; nullopt when it has none.
    virtual std::optional<std::string> payload_text(std::string_view physical_line) const = 0;

    void count_unrecognised(std::uint64_t line, std::string reason, std::string_view text) {
        m_unrecognised.add(m_source_name, line, std::move(reason), text);
    }
    void count_stray() { ++m_stray_lines; }
    const std::string& source_name() const { return m_source_name; }
    LookaheadLineSource& lines() { return m_lines; }

private:
    enum class Target : std::uint8_t { message, detail, statement, ignored };

    void start_record(LogRecord& record, const PayloadLine& payload, const PrefixedLine& parsed) const;
    void fold_secondary(LogRecord& record, const PrefixedLine& parsed);
    void append_continuation(LogRecord& record, std::string_view text, bool with_newline) const;
    std::string_view session_of(const PayloadLine& payload, const PrefixedLine& parsed) const;

    std::string m_source_name;
    std::string m_format_label;
    std::unique_ptr<LookaheadLineSource> m_lookahead;
    LookaheadLineSource& m_lines;
    std::optional<LogLinePrefix> m_prefix;
    bool m_prefix_detected = false;
    Unrecognised m_unrecognised;
    std::uint64_t m_stray_lines = 0;

    // The line that starts the next record, read while finishing the previous one.
    bool m_have_held = false;
    PayloadLine m_held;
    PrefixedLine m_held_parsed;
    Target m_target = Target::message;
};

// Physical lines to look at when detecting a prefix or a format.
constexpr std::size_t k_detection_lines = 2000;
constexpr std::size_t k_detection_records = 100;

// The lines of a lookahead used for detection: non-empty and not a continuation, at most
// k_detection_records of them from the first k_detection_lines lines.
std::vector<std::string_view> detection_sample(LookaheadLineSource& lines);

// The start of a line as error messages show it: control characters other than TAB as '?'.
std::string printable_excerpt(std::string_view text);

// `lines` itself when it already is a LookaheadLineSource, otherwise a new one over it, kept in `owner`.
LookaheadLineSource& lookahead_over(LineSource& lines, std::unique_ptr<LookaheadLineSource>& owner);

}  // namespace schemaflip::logs
