// log_line_prefix matching: a token list compiled once, matched left to right with backtracking only
// where a field's end is ambiguous; severity and timestamp parsing; detection among common prefixes.
#include "core/logs/log_line_prefix.hpp"

#include <array>

namespace schemaflip::logs {

namespace {

using Field = LogLinePrefix::Field;

// User, database and application names are at most 63 bytes; this bounds backtracking on garbage.
constexpr std::size_t k_max_free_text = 512;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }
bool is_host_char(char c) {
    return is_digit(c) || is_alpha(c) || c == '.' || c == ':' || c == '-' || c == '_' || c == '%' || c == '[' ||
           c == ']';
}

std::size_t count_while(std::string_view text, std::size_t position, bool (*accept)(char)) {
    std::size_t end = position;
    while (end < text.size() && accept(text[end])) ++end;
    return end - position;
}

std::string_view trim_spaces(std::string_view text) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    return text;
}

struct ZoneOffset {
    std::string_view name;
    int minutes;
};

// Abbreviations PostgreSQL prints for log_timezone values seen in practice. Ambiguous ones take their
// most common meaning (CST = US Central, IST = India).
constexpr std::array<ZoneOffset, 45> k_zones{{
    {"UTC", 0},      {"GMT", 0},      {"UT", 0},       {"Z", 0},        {"WET", 0},      {"WEST", 60},
    {"CET", 60},     {"CEST", 120},   {"BST", 60},     {"IST", 330},    {"EET", 120},    {"EEST", 180},
    {"MSK", 180},    {"MSD", 240},    {"EST", -300},   {"EDT", -240},   {"CST", -360},   {"CDT", -300},
    {"MST", -420},   {"MDT", -360},   {"PST", -480},   {"PDT", -420},   {"AKST", -540},  {"AKDT", -480},
    {"HST", -600},   {"AST", -240},   {"ADT", -180},   {"NST", -210},   {"NDT", -150},   {"JST", 540},
    {"KST", 540},    {"HKT", 480},    {"SGT", 480},    {"AWST", 480},   {"ACST", 570},   {"ACDT", 630},
    {"AEST", 600},   {"AEDT", 660},   {"NZST", 720},   {"NZDT", 780},   {"SAST", 120},   {"CAT", 120},
    {"EAT", 180},    {"WAT", 60},     {"PKT", 300},
}};

int zone_minutes(std::string_view name) {
    for (const auto& zone : k_zones) {
        if (zone.name == name) return zone.minutes;
    }
    return 0;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
    year -= month <= 2 ? 1 : 0;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const auto year_of_era = static_cast<unsigned>(year - era * 400);
    const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

bool read_digits(std::string_view text, std::size_t position, std::size_t count, int& value) {
    if (position + count > text.size()) return false;
    value = 0;
    for (std::size_t i = position; i < position + count; ++i) {
        if (!is_digit(text[i])) return false;
        value = value * 10 + (text[i] - '0');
    }
    return true;
}

// "+hh", "+hhmm" or "+hh:mm" at `position`; minutes east of UTC.
bool read_numeric_offset(std::string_view text, std::size_t& position, int& minutes) {
    if (position >= text.size() || (text[position] != '+' && text[position] != '-')) return false;
    const int sign = text[position] == '-' ? -1 : 1;
    int hours = 0;
    if (!read_digits(text, position + 1, 2, hours)) return false;
    std::size_t end = position + 3;
    int extra = 0;
    if (end < text.size() && text[end] == ':' && read_digits(text, end + 1, 2, extra)) {
        end += 3;
    } else if (read_digits(text, end, 2, extra) && (end + 2 >= text.size() || !is_digit(text[end + 2]))) {
        end += 2;
    }
    if (end < text.size() && is_digit(text[end])) return false;
    minutes = sign * (hours * 60 + extra);
    position = end;
    return true;
}

bool is_known_severity(std::string_view word) {
    switch (word.front()) {
    case 'L': return word == "LOG" || word == "LOCATION";
    case 'E': return word == "ERROR";
    case 'D':
        return word == "DETAIL" || word == "DEBUG" ||
               (word.size() == 6 && word.starts_with("DEBUG") && word[5] >= '1' && word[5] <= '5');
    case 'S': return word == "STATEMENT";
    case 'F': return word == "FATAL";
    case 'P': return word == "PANIC";
    case 'W': return word == "WARNING";
    case 'N': return word == "NOTICE";
    case 'I': return word == "INFO";
    case 'H': return word == "HINT";
    case 'C': return word == "CONTEXT";
    case 'Q': return word == "QUERY";
    default: return false;
    }
}

// log_error_verbosity=verbose puts the SQLSTATE before the message: "ERROR:  22012: division by zero".
bool looks_like_sqlstate(std::string_view text) {
    if (text.size() < 7 || text[5] != ':' || text[6] != ' ') return false;
    bool has_digit = false;
    for (std::size_t i = 0; i < 5; ++i) {
        if (!is_digit(text[i]) && !is_upper(text[i])) return false;
        has_digit = has_digit || is_digit(text[i]);
    }
    return has_digit;
}

std::string_view field_description(Field field) {
    switch (field) {
    case Field::literal: return "text";
    case Field::timestamp: return "timestamp (%t)";
    case Field::timestamp_ms: return "timestamp with milliseconds (%m)";
    case Field::start_time: return "session start time (%s)";
    case Field::epoch: return "epoch timestamp (%n)";
    case Field::pid: return "process ID (%p)";
    case Field::leader_pid: return "parallel leader PID (%P)";
    case Field::line_number: return "line number (%l)";
    case Field::transaction: return "transaction ID (%x)";
    case Field::virtual_xid: return "virtual transaction ID (%v)";
    case Field::sqlstate: return "SQLSTATE (%e)";
    case Field::session_id: return "session ID (%c)";
    case Field::query_id: return "query ID (%Q)";
    case Field::user: return "user (%u)";
    case Field::database: return "database (%d)";
    case Field::application: return "application (%a)";
    case Field::backend_type: return "backend type (%b)";
    case Field::command_tag: return "command tag (%i)";
    case Field::host: return "host (%h)";
    case Field::remote: return "host(port) (%r)";
    }
    return "field";
}

bool field_from_escape(char escape, Field& field) {
    switch (escape) {
    case 't': field = Field::timestamp; return true;
    case 'm': field = Field::timestamp_ms; return true;
    case 's': field = Field::start_time; return true;
    case 'n': field = Field::epoch; return true;
    case 'p': field = Field::pid; return true;
    case 'P': field = Field::leader_pid; return true;
    case 'l': field = Field::line_number; return true;
    case 'x': field = Field::transaction; return true;
    case 'v': field = Field::virtual_xid; return true;
    case 'e': field = Field::sqlstate; return true;
    case 'c': field = Field::session_id; return true;
    case 'Q': field = Field::query_id; return true;
    case 'u': field = Field::user; return true;
    case 'd': field = Field::database; return true;
    case 'a': field = Field::application; return true;
    case 'b': field = Field::backend_type; return true;
    case 'i': field = Field::command_tag; return true;
    case 'h': case 'L': field = Field::host; return true;
    case 'r': field = Field::remote; return true;
    default: return false;
    }
}

// Length of a field with a fixed shape at the start of `text`, or npos.
std::size_t typed_length(Field field, std::string_view text) {
    switch (field) {
    case Field::pid:
    case Field::line_number:
    case Field::transaction: {
        const std::size_t n = count_while(text, 0, is_digit);
        return n == 0 ? std::string_view::npos : n;
    }
    case Field::leader_pid: return count_while(text, 0, is_digit);
    case Field::query_id: {
        const std::size_t sign = !text.empty() && text[0] == '-' ? 1 : 0;
        const std::size_t n = count_while(text, sign, is_digit);
        return n == 0 ? std::string_view::npos : n + sign;
    }
    case Field::virtual_xid: return count_while(text, 0, [](char c) { return is_digit(c) || c == '/' || c == '-'; });
    case Field::sqlstate: {
        if (text.size() < 5) return std::string_view::npos;
        for (std::size_t i = 0; i < 5; ++i) {
            if (!is_digit(text[i]) && !is_upper(text[i])) return std::string_view::npos;
        }
        return 5;
    }
    case Field::session_id: {
        const std::size_t first = count_while(text, 0, is_hex);
        if (first == 0 || first >= text.size() || text[first] != '.') return std::string_view::npos;
        const std::size_t second = count_while(text, first + 1, is_hex);
        return second == 0 ? std::string_view::npos : first + 1 + second;
    }
    default: return std::string_view::npos;
    }
}

void store_field(Field field, std::string_view value, PrefixedLine& out) {
    switch (field) {
    case Field::pid: out.pid = value; break;
    case Field::line_number: out.line_number = value; break;
    case Field::sqlstate: out.sqlstate = value; break;
    case Field::session_id: out.session_id = value; break;
    case Field::user: out.user = value; break;
    case Field::database: out.database = value; break;
    case Field::application: out.application = value; break;
    default: break;
    }
}

bool is_free_text(Field field) {
    return field == Field::user || field == Field::database || field == Field::application ||
           field == Field::backend_type || field == Field::command_tag;
}

}  // namespace

std::optional<std::int64_t> parse_timestamp(std::string_view text, std::size_t& consumed) {
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (text.size() < 19 || text[4] != '-' || text[7] != '-' || (text[10] != ' ' && text[10] != 'T') ||
        text[13] != ':' || text[16] != ':') {
        return std::nullopt;
    }
    if (!read_digits(text, 0, 4, year) || !read_digits(text, 5, 2, month) || !read_digits(text, 8, 2, day) ||
        !read_digits(text, 11, 2, hour) || !read_digits(text, 14, 2, minute) || !read_digits(text, 17, 2, second)) {
        return std::nullopt;
    }
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
    std::size_t position = 19;
    int millis = 0;
    if (position < text.size() && text[position] == '.') {
        ++position;
        int scale = 100;
        while (position < text.size() && is_digit(text[position])) {
            millis += (text[position] - '0') * scale;
            scale /= 10;
            ++position;
        }
    }
    int offset_minutes = 0;
    if (position < text.size()) {
        if (text[position] == 'Z') {
            ++position;
        } else if (text[position] == '+' || text[position] == '-') {
            read_numeric_offset(text, position, offset_minutes);
        } else if (text[position] == ' ' && position + 1 < text.size()) {
            std::size_t zone_start = position + 1;
            const std::size_t letters = count_while(text, zone_start, is_alpha);
            if (letters > 0 && letters <= 6) {
                offset_minutes = zone_minutes(text.substr(zone_start, letters));
                position = zone_start + letters;
            } else if (letters == 0 && read_numeric_offset(text, zone_start, offset_minutes)) {
                position = zone_start;
            }
        }
    }
    consumed = position;
    const std::int64_t days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
    const std::int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    return seconds * 1000 + millis;
}

bool parse_severity(std::string_view text, PrefixedLine& out) {
    std::size_t length = 0;
    while (length < text.size() && length < 10 && (is_upper(text[length]) || is_digit(text[length]))) ++length;
    if (length < 3 || length >= text.size() || text[length] != ':') return false;
    const std::string_view word = text.substr(0, length);
    if (!is_known_severity(word)) return false;
    std::size_t position = length + 1;
    if (position < text.size()) {
        if (text[position] != ' ') return false;
        ++position;
        if (position < text.size() && text[position] == ' ') ++position;
    }
    out.severity = word;
    std::string_view message = text.substr(position);
    if (word != "LOCATION" && looks_like_sqlstate(message)) {
        out.sqlstate = message.substr(0, 5);
        message.remove_prefix(message.size() > 7 && message[7] == ' ' ? 8 : 7);
    }
    out.message = message;
    return true;
}

bool is_secondary_severity(std::string_view severity) {
    return severity == "DETAIL" || severity == "STATEMENT" || severity == "HINT" || severity == "CONTEXT" ||
           severity == "QUERY" || severity == "LOCATION";
}

LogLinePrefix::LogLinePrefix(std::string_view prefix) : m_text(prefix) {
    m_session_only_from = std::string_view::npos;
    bool has_start_time = false;
    const auto append_literal = [&](std::string_view text) {
        // Text right after %q starts a token of its own: the optional part begins there.
        if (m_tokens.empty() || m_tokens.back().field != Field::literal || m_tokens.size() == m_session_only_from) {
            m_tokens.push_back(Token{});
        }
        m_tokens.back().literal.append(text);
    };
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (prefix[i] != '%' || i + 1 >= prefix.size()) {
            append_literal(prefix.substr(i, 1));
            continue;
        }
        ++i;
        bool padded = false;
        while (i < prefix.size() && (prefix[i] == '-' || is_digit(prefix[i]))) {
            padded = true;
            ++i;
        }
        if (i >= prefix.size()) break;
        const char escape = prefix[i];
        if (escape == '%') {
            append_literal("%");
        } else if (escape == 'q') {
            if (m_session_only_from == std::string_view::npos) m_session_only_from = m_tokens.size();
        } else if (Field field{}; field_from_escape(escape, field)) {
            m_tokens.push_back(Token{field, {}, padded});
            m_has_time = m_has_time || field == Field::timestamp || field == Field::timestamp_ms ||
                         field == Field::epoch;
            has_start_time = has_start_time || field == Field::start_time;
        }
    }
    if (m_session_only_from == std::string_view::npos) m_session_only_from = m_tokens.size();
    // %s is only the time of the record when nothing closer is logged.
    if (!m_has_time && has_start_time) {
        for (auto& token : m_tokens) {
            if (token.field == Field::start_time) token.field = Field::timestamp;
        }
        m_has_time = true;
    }
}

std::size_t LogLinePrefix::field_count() const {
    std::size_t count = 0;
    for (const auto& token : m_tokens) count += token.field == Field::literal ? 0 : 1;
    return count;
}

std::size_t LogLinePrefix::fields_before_session_part() const {
    std::size_t count = 0;
    for (std::size_t i = 0; i < m_session_only_from && i < m_tokens.size(); ++i) {
        count += m_tokens[i].field == Field::literal ? 0 : 1;
    }
    return count;
}

std::string LogLinePrefix::describe() const {
    std::string text;
    for (std::size_t i = 0; i < m_tokens.size(); ++i) {
        if (!text.empty()) text += ", ";
        if (i == m_session_only_from) text += "[for session processes only:] ";
        const Token& token = m_tokens[i];
        if (token.field == Field::literal) {
            text += "'" + token.literal + "'";
        } else {
            text += field_description(token.field);
        }
    }
    if (!text.empty()) text += ", ";
    text += "then a severity such as 'LOG:  '";
    return text;
}

std::optional<std::int64_t> LogLinePrefix::cached_timestamp(std::string_view text, std::size_t& consumed) const {
    // The cached text ends with a zone or a fraction, so a parse of `text` stops at the same place
    // unless the zone, offset or fraction goes on.
    const std::string& last = m_time_cache.text;
    if (!last.empty() && text.starts_with(last)) {
        const char after = text.size() == last.size() ? ' ' : text[last.size()];
        if (!is_alpha(after) && !is_digit(after) && after != '.' && after != ':') {
            consumed = last.size();
            return m_time_cache.time_ms;
        }
    }
    const auto time = parse_timestamp(text, consumed);
    if (time && consumed > 19) {
        m_time_cache.text.assign(text.substr(0, consumed));
        m_time_cache.time_ms = *time;
    }
    return time;
}

bool LogLinePrefix::match(std::string_view line, PrefixedLine& out) const {
    out = PrefixedLine{};
    if (m_session_only_from < m_tokens.size()) {
        // Non-session processes print only the part before %q; a session line never has a severity
        // word right there, so trying the short form first cannot steal a session line.
        if (match_from(0, m_session_only_from, line, 0, out)) return true;
        out = PrefixedLine{};
        out.session_part = true;
    }
    return match_from(0, m_tokens.size(), line, 0, out);
}

bool LogLinePrefix::match_from(std::size_t index, std::size_t end, std::string_view line, std::size_t position,
                               PrefixedLine& out) const {
    if (index == end) return parse_severity(line.substr(position), out);
    const Token& token = m_tokens[index];
    if (token.padded) position += count_while(line, position, [](char c) { return c == ' '; });
    const auto continue_after = [&](std::size_t value_end) {
        if (token.padded) value_end += count_while(line, value_end, [](char c) { return c == ' '; });
        return match_from(index + 1, end, line, value_end, out);
    };
    const std::string_view rest = line.substr(position);
    switch (token.field) {
    case Field::literal:
        return rest.starts_with(token.literal) && match_from(index + 1, end, line, position + token.literal.size(), out);
    case Field::timestamp:
    case Field::timestamp_ms:
    case Field::start_time: {
        std::size_t consumed = 0;
        const auto time = cached_timestamp(rest, consumed);
        // %m always has milliseconds and %t never has: that tells the two apart when detecting.
        if (!time || rest[10] != ' ') return false;
        const bool has_fraction = rest.size() > 19 && rest[19] == '.';
        if (has_fraction != (token.field == Field::timestamp_ms)) return false;
        if (token.field != Field::start_time) out.time_ms = time;
        return continue_after(position + consumed);
    }
    case Field::epoch: {
        const std::size_t seconds = count_while(rest, 0, is_digit);
        if (seconds == 0 || seconds >= rest.size() || rest[seconds] != '.') return false;
        const std::size_t fraction = count_while(rest, seconds + 1, is_digit);
        std::int64_t value = 0;
        for (std::size_t i = 0; i < seconds; ++i) value = value * 10 + (rest[i] - '0');
        std::int64_t millis = 0;
        for (std::size_t i = 0; i < 3; ++i) millis = millis * 10 + (i < fraction ? rest[seconds + 1 + i] - '0' : 0);
        out.time_ms = value * 1000 + millis;
        return continue_after(position + seconds + 1 + fraction);
    }
    case Field::host:
    case Field::remote: {
        const std::size_t limit = std::min(rest.size(), k_max_free_text);
        std::size_t host_end = 0;
        while (host_end < limit && is_host_char(rest[host_end])) ++host_end;
        if (token.field == Field::remote && host_end < rest.size() && rest[host_end] == '(') {
            const std::size_t port = count_while(rest, host_end + 1, is_digit);
            const std::size_t close = host_end + 1 + port;
            if (port > 0 && close < rest.size() && rest[close] == ')' && continue_after(position + close + 1)) {
                return true;
            }
        }
        for (std::size_t length = host_end;; --length) {
            if (continue_after(position + length)) return true;
            if (length == 0) return false;
        }
    }
    default: break;
    }
    if (is_free_text(token.field)) return match_free_text(index, end, line, position, out);
    const std::size_t length = typed_length(token.field, rest);
    if (length == std::string_view::npos) return false;
    store_field(token.field, rest.substr(0, length), out);
    return continue_after(position + length);
}

// Names may hold any character, so their end is the first place where the rest of the prefix matches.
bool LogLinePrefix::match_free_text(std::size_t index, std::size_t end, std::string_view line, std::size_t position,
                                    PrefixedLine& out) const {
    const Token& token = m_tokens[index];
    const std::size_t limit = std::min(line.size(), position + k_max_free_text);
    const auto try_end = [&](std::size_t value_end) {
        std::string_view value = line.substr(position, value_end - position);
        if (token.padded) value = trim_spaces(value);
        store_field(token.field, value, out);
        return match_from(index + 1, end, line, value_end, out);
    };
    if (index + 1 < end && m_tokens[index + 1].field == Field::literal && !m_tokens[index + 1].padded) {
        const std::string_view literal = m_tokens[index + 1].literal;
        const std::string_view window = line.substr(0, limit + literal.size());
        for (std::size_t at = window.find(literal, position); at != std::string_view::npos;
             at = window.find(literal, at + 1)) {
            if (try_end(at)) return true;
        }
        return false;
    }
    for (std::size_t at = position; at <= limit; ++at) {
        if (try_end(at)) return true;
    }
    return false;
}

const std::vector<std::string>& common_prefixes() {
    static const std::vector<std::string> prefixes{
        // PostgreSQL's default since 10, Debian's default, and the empty default before 10.
        "%m [%p] ",
        "%m [%p] %q%u@%d ",
        "%t [%p] %q%u@%d ",
        "",
        "%t ",
        "%m ",
        "%t [%p] ",
        "%t [%p]: ",
        "%m [%p]: ",
        // pgBadger's recommended prefixes and their common variants.
        "%t [%p]: [%l-1] ",
        "%m [%p]: [%l-1] ",
        "%t [%p]: [%l-1] user=%u,db=%d ",
        "%m [%p]: [%l-1] user=%u,db=%d ",
        "%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ",
        "%m [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ",
        "%t [%p]: [%l-1] user=%u,db=%d,host=%h,app=%a ",
        "%t [%p]: [%l-1] db=%d,user=%u ",
        "%m [%p]: [%l-1] db=%d,user=%u ",
        "%t [%p]: [%l-1] db=%d,user=%u,app=%a,client=%h ",
        "%t [%p]: db=%d,user=%u,app=%a,client=%h ",
        "%t [%p]: user=%u,db=%d,app=%a,client=%h ",
        "%m [%p] user=%u,db=%d ",
        "%t [%p] user=%u,db=%d ",
        "%m [%p] user=%u,db=%d,app=%a,client=%h ",
        "%t [%p]: [%l-1] [%x] usr=%u,db=%d,appli=%a ",
        "%t [%p]: [%l-1] [trx_id=%x] user=%u,db=%d ",
        "%t [%p]: [%l-1] user=%u,db=%d - PG-%e ",
        "%t [%p-%l] %q%u@%d ",
        "%m [%p-%l] %q%u@%d ",
        "%t [%p] %q%u@%d %h ",
        "%m [%p] %q%u@%d %h ",
        "%m [%p] %q[user=%u,db=%d,app=%a] ",
        "%m [%p] %q[user=%u,db=%d,app=%a,host=%h] ",
        "%m [%p][%v] : [%l-1] %q[app=%a] ",
        "%m [%p][%b][%v][%x] %q[user=%u,db=%d,app=%a] ",
        "%m %r %u %a [%c] [%p] ",
        "%p-%s-%c-%l-%h-%u-%d-%m ",
        "db=%d,user=%u,app=%a,client=%h ",
        "user=%u,db=%d,app=%a,client=%h ",
        "pid=%p,user=%u,db=%d,app=%a,client=%h ",
        // Amazon RDS and Aurora, Azure, Google Cloud SQL, Heroku.
        "%t:%r:%u@%d:[%p]:",
        "%m:%r:%u@%d:[%p]:",
        "%t:%h:%u@%d:[%p]:",
        "%t-%c-",
        "%m-%c-",
        "[%p]: [%l-1] db=%d,user=%u ",
        " sql_error_code = %e ",
        " sql_error_code = %e time_ms = \"%m\" pid=\"%p\" proc_start_time=\"%s\" session_id=\"%c\" vtid=\"%v\" "
        "tid=\"%x\" log_line=\"%l\" %qdatabase=\"%d\" connection_source=\"%r\" user=\"%u\" application_name=\"%a\" ",
    };
    return prefixes;
}

// Ranks candidates by the lines they match, then by the fields they read from those lines (the more
// specific prefix explains more of each line), then by fewer fields in all (a %q part no line uses
// says nothing).
std::optional<std::string> detect_prefix(const std::vector<std::string_view>& lines) {
    struct Score {
        std::size_t matches = 0;
        std::size_t fields_read = 0;
        std::size_t unused_fields = 0;
        bool better_than(const Score& other) const {
            if (matches != other.matches) return matches > other.matches;
            if (fields_read != other.fields_read) return fields_read > other.fields_read;
            return unused_fields < other.unused_fields;
        }
    };
    std::optional<std::string> best;
    Score best_score;
    PrefixedLine parsed;
    for (const auto& candidate_text : common_prefixes()) {
        const LogLinePrefix candidate(candidate_text);
        Score score;
        bool any_session_part = false;
        for (const auto line : lines) {
            if (!candidate.match(line, parsed)) continue;
            ++score.matches;
            score.fields_read += parsed.session_part ? candidate.field_count() : candidate.fields_before_session_part();
            any_session_part = any_session_part || parsed.session_part;
        }
        if (!any_session_part) score.unused_fields = candidate.field_count() - candidate.fields_before_session_part();
        if (score.matches > 0 && (!best || score.better_than(best_score))) {
            best = candidate_text;
            best_score = score;
        }
    }
    return best;
}

}  // namespace schemaflip::logs
