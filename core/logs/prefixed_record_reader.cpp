// Turns stderr log lines into primary records: continuation lines and secondary lines (DETAIL,
// STATEMENT, ...) of the same process are folded into the record they belong to.
#include "core/logs/prefixed_record_reader.hpp"

#include "core/util/error.hpp"

namespace schemaflip::logs {
namespace {

// PostgreSQL's placeholder before authentication says nothing about the user or database.
std::string_view known_or_empty(std::string_view value) { return value == "[unknown]" ? std::string_view{} : value; }

}  // namespace

std::string printable_excerpt(std::string_view text) {
    constexpr std::size_t k_max_shown = 200;
    std::string shown(text.substr(0, k_max_shown));
    for (char& c : shown) {
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t') c = '?';
    }
    return shown;
}

PrefixedRecordReader::PrefixedRecordReader(LineSource& lines, std::string format_label)
    : m_source_name(lines.name()),
      m_format_label(std::move(format_label)),
      m_lines(lookahead_over(lines, m_lookahead)) {}

std::vector<std::string_view> detection_sample(LookaheadLineSource& lines) {
    std::vector<std::string_view> sample;
    for (const auto line : lines.peek(k_detection_lines)) {
        if (line.empty() || line.front() == '\t') continue;
        sample.push_back(line);
        if (sample.size() >= k_detection_records) break;
    }
    return sample;
}

LookaheadLineSource& lookahead_over(LineSource& lines, std::unique_ptr<LookaheadLineSource>& owner) {
    if (auto* lookahead = dynamic_cast<LookaheadLineSource*>(&lines)) return *lookahead;
    owner = std::make_unique<LookaheadLineSource>(lines);
    return *owner;
}

void PrefixedRecordReader::choose_prefix(const std::string& prefix) {
    std::vector<std::string> payloads;
    for (const auto line : detection_sample(m_lines)) {
        auto text = payload_text(line);
        if (text && !text->empty() && text->front() != '\t') payloads.push_back(std::move(*text));
    }
    std::vector<std::string_view> views(payloads.begin(), payloads.end());
    if (views.empty()) {
        // Nothing to read: an empty input is not an error of the prefix.
        m_prefix.emplace(prefix);
        return;
    }
    if (!prefix.empty()) {
        m_prefix.emplace(prefix);
        PrefixedLine parsed;
        for (const auto view : views) {
            if (m_prefix->match(view, parsed)) return;
        }
        throw InputError("no line of " + m_source_name + " matches --prefix '" + prefix + "'",
                         "expected " + m_prefix->describe() + "; the first line is: " + printable_excerpt(views.front()),
                         "pass the server's log_line_prefix setting (SHOW log_line_prefix) with --prefix");
    }
    const auto detected = detect_prefix(views);
    if (!detected) {
        throw InputError(
            "no line of " + m_source_name + " matches a known log_line_prefix",
            "expected a log_line_prefix such as '%m [%p] ' (timestamp, ' [', process ID, '] ') or "
            "'%t [%p]: [%l-1] user=%u,db=%d ' followed by a severity such as 'LOG:  '; the first line is: " +
                printable_excerpt(views.front()),
            "pass the server's log_line_prefix setting (SHOW log_line_prefix) with --prefix");
    }
    m_prefix.emplace(*detected);
    m_prefix_detected = true;
}

std::string PrefixedRecordReader::description() const {
    std::string text = m_format_label;
    if (m_prefix) {
        text += ", log_line_prefix '" + m_prefix->text() + "'";
        if (m_prefix_detected) text += " (detected)";
    }
    return text;
}

std::string_view PrefixedRecordReader::session_of(const PayloadLine& payload, const PrefixedLine& parsed) const {
    if (!parsed.pid.empty()) return parsed.pid;
    if (!parsed.session_id.empty()) return parsed.session_id;
    return payload.envelope_session;
}

bool PrefixedRecordReader::next(LogRecord& record) {
    record.clear();
    bool open = false;
    PayloadLine payload;
    PrefixedLine parsed;
    for (;;) {
        if (m_have_held) {
            payload = m_held;
            parsed = m_held_parsed;
            m_have_held = false;
        } else {
            if (!next_payload(payload)) return open;
            const std::string_view text = payload.text;
            if (text.empty()) continue;
            if (text.front() == '\t') {
                if (open) {
                    append_continuation(record, text.substr(1), true);
                } else {
                    count_unrecognised(payload.line, "continuation line without a record", text);
                }
                continue;
            }
            if (!m_prefix->match(text, parsed)) {
                if (open && payload.later_part == PayloadLine::LaterPart::same_line) {
                    append_continuation(record, text, false);
                } else if (open && (payload.later_part == PayloadLine::LaterPart::new_line || text.front() == ' ')) {
                    // Hand-edited logs indent continuations with spaces instead of a TAB.
                    append_continuation(record, text, true);
                } else {
                    count_unrecognised(payload.line, "does not start with the log_line_prefix and a severity", text);
                }
                continue;
            }
        }
        if (is_secondary_severity(parsed.severity)) {
            if (open && session_of(payload, parsed) == record.session) {
                fold_secondary(record, parsed);
            } else {
                count_unrecognised(payload.line, "secondary line without its record", payload.text);
            }
            continue;
        }
        if (open) {
            m_held = payload;
            m_held_parsed = parsed;
            m_have_held = true;
            return true;
        }
        start_record(record, payload, parsed);
        m_target = Target::message;
        open = true;
    }
}

void PrefixedRecordReader::start_record(LogRecord& record, const PayloadLine& payload,
                                        const PrefixedLine& parsed) const {
    record.source = m_source_name;
    record.line = payload.line;
    record.time_ms = parsed.time_ms ? parsed.time_ms : payload.envelope_time_ms;
    record.session = session_of(payload, parsed);
    record.user = known_or_empty(parsed.user);
    record.database = known_or_empty(parsed.database);
    record.application = known_or_empty(parsed.application);
    record.severity = parsed.severity;
    record.sqlstate = parsed.sqlstate;
    record.message = parsed.message;
}

void PrefixedRecordReader::fold_secondary(LogRecord& record, const PrefixedLine& parsed) {
    const std::string_view severity = parsed.severity;
    if (severity == "DETAIL") {
        if (!record.detail.empty()) record.detail += '\n';
        record.detail += parsed.message;
        m_target = Target::detail;
    } else if (severity == "STATEMENT") {
        record.statement = parsed.message;
        m_target = Target::statement;
    } else {
        m_target = Target::ignored;
    }
}

void PrefixedRecordReader::append_continuation(LogRecord& record, std::string_view text, bool with_newline) const {
    std::string* field = nullptr;
    switch (m_target) {
    case Target::message: field = &record.message; break;
    case Target::detail: field = &record.detail; break;
    case Target::statement: field = &record.statement; break;
    case Target::ignored: return;
    }
    if (with_newline) *field += '\n';
    *field += text;
}

}  // namespace schemaflip::logs
