// PostgreSQL's log_line_prefix: compiled once into a matcher, plus the severity and timestamp parsing
// every stderr-style reader shares, and detection of the prefix among the common ones.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace schemaflip::logs {

// What one stderr log line says: the prefix fields, "SEVERITY:  " and the message. Views into the line.
struct PrefixedLine {
    std::optional<std::int64_t> time_ms;  // %t, %m, %s (when no %t/%m) or %n
    std::string_view pid;                 // %p
    std::string_view session_id;          // %c
    std::string_view user;                // %u
    std::string_view database;            // %d
    std::string_view application;         // %a
    std::string_view sqlstate;            // %e, or the "00000: " that log_error_verbosity=verbose adds
    std::string_view line_number;         // %l
    std::string_view severity;            // LOG, ERROR, ..., or a secondary DETAIL, STATEMENT, ...
    std::string_view message;
    bool session_part = false;  // the part of the prefix after %q was present
};

class LogLinePrefix {
public:
    // Compiles the prefix; escapes follow PostgreSQL (unknown ones print nothing, so they match nothing).
    explicit LogLinePrefix(std::string_view prefix);

    // Matches the prefix at the start of `line`, followed by a severity and its colon. With %q the
    // part after it may be absent (non-session processes). %t matches a time without fraction and %m
    // one with milliseconds, as PostgreSQL writes them. False when the line is not such a line.
    bool match(std::string_view line, PrefixedLine& out) const;

    const std::string& text() const { return m_text; }
    // The fields in plain words, for error messages: "timestamp (%t), ' [', process ID (%p), ...".
    std::string describe() const;
    // How many escapes (not literal text) the prefix has, in all or before %q.
    std::size_t field_count() const;
    std::size_t fields_before_session_part() const;

    enum class Field : std::uint8_t {
        literal,
        timestamp,     // %t: seconds
        timestamp_ms,  // %m: milliseconds
        start_time,    // %s
        epoch,         // %n
        pid,           // %p
        leader_pid,    // %P (empty outside parallel workers)
        line_number,   // %l
        transaction,   // %x
        virtual_xid,   // %v
        sqlstate,      // %e
        session_id,    // %c
        query_id,      // %Q
        user,          // %u
        database,      // %d
        application,   // %a
        backend_type,  // %b
        command_tag,   // %i
        host,          // %h %L
        remote,        // %r
    };

    struct Token {
        Field field = Field::literal;
        std::string literal;
        bool padded = false;  // %-10u style: the value is padded with spaces
    };

private:
    bool match_from(std::size_t index, std::size_t end, std::string_view line, std::size_t position,
                    PrefixedLine& out) const;
    bool match_free_text(std::size_t index, std::size_t end, std::string_view line, std::size_t position,
                         PrefixedLine& out) const;

    // Consecutive lines mostly share their timestamp: the last one parsed is reused. This makes a
    // matcher unfit for use by two threads at once.
    struct TimeCache {
        std::string text;
        std::int64_t time_ms = 0;
    };
    std::optional<std::int64_t> cached_timestamp(std::string_view text, std::size_t& consumed) const;

    mutable TimeCache m_time_cache;
    std::string m_text;
    std::vector<Token> m_tokens;
    std::size_t m_session_only_from;  // index of the first token after %q, or the token count
    bool m_has_time = false;
};

// Parses "SEVERITY:" and what follows at the start of `text` (two spaces normally, one tolerated).
bool parse_severity(std::string_view text, PrefixedLine& out);
// DETAIL, HINT, CONTEXT, STATEMENT, QUERY, LOCATION: lines that belong to the record before them.
bool is_secondary_severity(std::string_view severity);

// "YYYY-MM-DD HH:MM:SS[.fff][ ZONE]" (PostgreSQL) or "YYYY-MM-DDTHH:MM:SS[.ffffff][Z|+hh:mm]" (ISO 8601)
// at the start of `text` to Unix epoch milliseconds, UTC. ZONE is an abbreviation (UTC, CEST, EST, MSK,
// ...) or a numeric offset (-03, +05:30, +0100); an unknown abbreviation counts as UTC. `consumed`
// gets the length parsed. nullopt when `text` does not start with a timestamp.
std::optional<std::int64_t> parse_timestamp(std::string_view text, std::size_t& consumed);

// The prefixes tried when none is given: PostgreSQL's defaults, the ones of common hosting services
// and of pgBadger's and pganalyze's documentation.
const std::vector<std::string>& common_prefixes();

// The common prefix that explains `lines` (stderr lines without any envelope) best: the most lines
// matched, then the most fields read from them, then the fewest fields in all. nullopt when none
// matches any line.
std::optional<std::string> detect_prefix(const std::vector<std::string_view>& lines);

}  // namespace schemaflip::logs
