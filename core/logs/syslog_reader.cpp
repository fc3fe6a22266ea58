// PostgreSQL logs received through syslog: "Mon DD HH:MM:SS host postgres[PID]: [N-k] " before each
// stderr-style line; part k > 1 continues message N, and rsyslog writes TAB as "#011".
#include "core/logs/prefixed_record_reader.hpp"

#include <array>

namespace schemaflip::logs {
namespace {

struct SyslogLine {
    std::optional<std::int64_t> time_ms;  // only when the header carries a year (ISO 8601)
    std::string_view ident;
    std::string_view pid;
    bool has_sequence = false;  // PostgreSQL's "[N-k] " (syslog_sequence_numbers)
    bool continues_message = false;  // k > 1
    std::string_view text;
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::size_t digits_at(std::string_view text, std::size_t position) {
    std::size_t end = position;
    while (end < text.size() && is_digit(text[end])) ++end;
    return end - position;
}

// "Mon DD HH:MM:SS" (day padded with a space or a zero); its length, or 0.
std::size_t bsd_timestamp_length(std::string_view line) {
    static constexpr std::array<std::string_view, 12> k_months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (line.size() < 15 || line[3] != ' ' || line[6] != ' ' || line[9] != ':' || line[12] != ':') return 0;
    bool month_ok = false;
    for (const auto month : k_months) month_ok = month_ok || line.starts_with(month);
    if (!month_ok) return 0;
    if (!(is_digit(line[5]) && (is_digit(line[4]) || line[4] == ' '))) return 0;
    for (const std::size_t i : {7u, 8u, 10u, 11u, 13u, 14u}) {
        if (!is_digit(line[i])) return 0;
    }
    return 15;
}

bool parse_syslog_line(std::string_view line, SyslogLine& out) {
    out = SyslogLine{};
    std::size_t position = bsd_timestamp_length(line);
    if (position == 0) {
        std::size_t consumed = 0;
        if (line.empty() || !is_digit(line[0])) return false;
        out.time_ms = parse_timestamp(line, consumed);
        if (!out.time_ms || consumed < 19 || line[10] != 'T') return false;
        position = consumed;
    }
    if (position >= line.size() || line[position] != ' ') return false;
    const std::size_t host_end = line.find(' ', position + 1);
    if (host_end == std::string_view::npos || host_end == position + 1) return false;
    position = host_end + 1;
    const std::size_t ident_end = line.find_first_of("[: ", position);
    if (ident_end == std::string_view::npos || ident_end == position || line[ident_end] == ' ') return false;
    out.ident = line.substr(position, ident_end - position);
    position = ident_end;
    if (line[position] == '[') {
        const std::size_t pid_length = digits_at(line, position + 1);
        if (pid_length == 0 || position + 1 + pid_length >= line.size() || line[position + 1 + pid_length] != ']') {
            return false;
        }
        out.pid = line.substr(position + 1, pid_length);
        position += pid_length + 2;
    }
    if (line.substr(position, 2) != ": " && line.substr(position) != ":") return false;
    position = std::min(line.size(), position + 2);
    // "[N-k] "
    if (position < line.size() && line[position] == '[') {
        const std::size_t number = digits_at(line, position + 1);
        const std::size_t dash = position + 1 + number;
        const std::size_t part = dash < line.size() && line[dash] == '-' ? digits_at(line, dash + 1) : 0;
        const std::size_t close = dash + 1 + part;
        if (number > 0 && part > 0 && close < line.size() && line[close] == ']') {
            out.has_sequence = true;
            out.continues_message = line.substr(dash + 1, part) != "1";
            position = close + 1;
            if (position < line.size() && line[position] == ' ') ++position;
        }
    }
    out.text = line.substr(position);
    return true;
}

bool is_postgres_ident(std::string_view ident) {
    return ident.find("postgres") != std::string_view::npos || ident.find("postmaster") != std::string_view::npos;
}

// rsyslog escapes control characters as '#' and three octal digits; PostgreSQL's continuation TAB
// is the one that matters.
std::string_view unescape_tabs(std::string_view text, std::string& scratch) {
    if (text.find("#011") == std::string_view::npos) return text;
    scratch.clear();
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text.compare(i, 4, "#011") == 0) {
            scratch += '\t';
            i += 3;
        } else {
            scratch += text[i];
        }
    }
    return scratch;
}

class SyslogReader final : public PrefixedRecordReader {
public:
    SyslogReader(LineSource& lines, const ReaderOptions& options) : PrefixedRecordReader(lines, "syslog") {
        choose_prefix(options.prefix);
    }

private:
    bool next_payload(PayloadLine& payload) override {
        std::string_view line;
        SyslogLine parsed;
        while (lines().next_line(line)) {
            if (line.empty()) continue;
            if (!parse_syslog_line(line, parsed)) {
                count_unrecognised(lines().line_number(), "not a syslog line", line);
                continue;
            }
            if (!parsed.has_sequence && !is_postgres_ident(parsed.ident)) {
                count_stray();
                continue;
            }
            payload.text = unescape_tabs(parsed.text, m_unescaped);
            payload.line = lines().line_number();
            payload.envelope_session = parsed.pid;
            payload.envelope_time_ms = parsed.time_ms;
            payload.later_part =
                parsed.continues_message ? PayloadLine::LaterPart::same_line : PayloadLine::LaterPart::none;
            return true;
        }
        return false;
    }

    std::optional<std::string> payload_text(std::string_view physical_line) const override {
        SyslogLine parsed;
        if (!parse_syslog_line(physical_line, parsed) || parsed.continues_message) return std::nullopt;
        if (!parsed.has_sequence && !is_postgres_ident(parsed.ident)) return std::nullopt;
        std::string scratch;
        return std::string(unescape_tabs(parsed.text, scratch));
    }

    std::string m_unescaped;
};

}  // namespace

bool sniff_syslog(std::string_view line) {
    SyslogLine parsed;
    return parse_syslog_line(line, parsed);
}

std::unique_ptr<RecordReader> make_syslog_reader(LineSource& lines, const ReaderOptions& options) {
    return std::make_unique<SyslogReader>(lines, options);
}

}  // namespace schemaflip::logs
