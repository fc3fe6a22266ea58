// Heroku Postgres logs from a logplex drain: "TIME app[postgres.PID]: [COLOR] [N-k] " (or
// "TIME d.UUID app[postgres.PID] [COLOR] [N-k] ") before each stderr-style line.
#include "core/logs/prefixed_record_reader.hpp"

namespace schemaflip::logs {
namespace {

struct LogplexLine {
    std::optional<std::int64_t> time_ms;
    std::string_view source;  // "app", "heroku"
    std::string_view dyno;    // "postgres.4882", "router"
    std::string_view pid;
    std::string_view text;
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_color_tag(std::string_view tag) {
    if (tag.empty()) return false;
    for (const char c : tag) {
        if (!((c >= 'A' && c <= 'Z') || c == '_' || is_digit(c))) return false;
    }
    return true;
}

bool parse_logplex_line(std::string_view line, LogplexLine& out) {
    out = LogplexLine{};
    std::size_t consumed = 0;
    if (line.size() < 20 || line[10] != 'T') return false;
    out.time_ms = parse_timestamp(line, consumed);
    if (!out.time_ms || consumed >= line.size() || line[consumed] != ' ') return false;
    std::size_t position = consumed + 1;
    // The drain's own token ("d.UUID") comes before the source in one of the variants.
    std::size_t token_end = line.find(' ', position);
    if (token_end == std::string_view::npos) return false;
    if (line.substr(position, token_end - position).find('[') == std::string_view::npos) {
        position = token_end + 1;
        token_end = line.find(' ', position);
        if (token_end == std::string_view::npos) token_end = line.size();
    }
    std::string_view token = line.substr(position, token_end - position);
    if (token.ends_with(':')) token.remove_suffix(1);
    const std::size_t open = token.find('[');
    if (open == std::string_view::npos || open == 0 || !token.ends_with(']')) return false;
    out.source = token.substr(0, open);
    if (out.source != "app" && out.source != "heroku") return false;
    out.dyno = token.substr(open + 1, token.size() - open - 2);
    if (out.dyno.starts_with("postgres.")) out.pid = out.dyno.substr(9);
    position = std::min(line.size(), token_end + 1);
    std::string_view rest = line.substr(position);
    if (rest.starts_with('[')) {
        const std::size_t close = rest.find(']');
        if (close != std::string_view::npos && is_color_tag(rest.substr(1, close - 1))) {
            rest.remove_prefix(close + 1);
            if (rest.starts_with(' ')) rest.remove_prefix(1);
        }
    }
    out.text = rest;
    return true;
}

// "[N-k] " at the start of `text`: true with k > 1 in `continues`; the rest is left in `text`.
bool take_sequence(std::string_view& text, bool& continues) {
    if (!text.starts_with('[')) return false;
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) return false;
    const std::string_view sequence = text.substr(1, close - 1);
    const std::size_t dash = sequence.find('-');
    if (dash == std::string_view::npos || dash == 0 || dash + 1 == sequence.size()) return false;
    for (std::size_t i = 0; i < sequence.size(); ++i) {
        if (i != dash && !is_digit(sequence[i])) return false;
    }
    continues = sequence.substr(dash + 1) != "1";
    text.remove_prefix(close + 1);
    if (text.starts_with(' ')) text.remove_prefix(1);
    return true;
}

bool is_postgres_line(const LogplexLine& line) { return !line.pid.empty(); }

class LogplexReader final : public PrefixedRecordReader {
public:
    LogplexReader(LineSource& lines, const ReaderOptions& options) : PrefixedRecordReader(lines, "logplex") {
        choose_prefix(options.prefix);
    }

private:
    bool next_payload(PayloadLine& payload) override {
        std::string_view line;
        LogplexLine parsed;
        while (lines().next_line(line)) {
            if (line.empty()) continue;
            if (!parse_logplex_line(line, parsed)) {
                count_unrecognised(lines().line_number(), "not a logplex line", line);
                continue;
            }
            if (!is_postgres_line(parsed)) {
                count_stray();
                continue;
            }
            bool continues = false;
            take_sequence(parsed.text, continues);
            payload.text = parsed.text;
            payload.line = lines().line_number();
            payload.envelope_session = parsed.pid;
            payload.envelope_time_ms = parsed.time_ms;
            // Heroku sends each line of a message as its own [N-k] part, sometimes without the TAB.
            payload.later_part = continues ? PayloadLine::LaterPart::new_line : PayloadLine::LaterPart::none;
            return true;
        }
        return false;
    }

    std::optional<std::string> payload_text(std::string_view physical_line) const override {
        LogplexLine parsed;
        if (!parse_logplex_line(physical_line, parsed) || !is_postgres_line(parsed)) return std::nullopt;
        bool continues = false;
        take_sequence(parsed.text, continues);
        if (continues) return std::nullopt;
        return std::string(parsed.text);
    }

};

}  // namespace

bool sniff_logplex(std::string_view line) {
    LogplexLine parsed;
    return parse_logplex_line(line, parsed);
}

std::unique_ptr<RecordReader> make_logplex_reader(LineSource& lines, const ReaderOptions& options) {
    return std::make_unique<LogplexReader>(lines, options);
}

}  // namespace schemaflip::logs
