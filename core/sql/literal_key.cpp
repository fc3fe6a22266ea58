// The cache key under which SQL texts that differ only in literals coincide: a small lexer pass that
// follows PostgreSQL's scanner (scan.l) just far enough to know where literals are, without parsing.
//
// Replaced by '?': numeric literals and single-quoted strings (plain, E'', B'', X'', N'', U&'').
// Kept byte for byte: identifiers and keywords (case too), "quoted identifiers", $1 parameters,
// dollar-quoted bodies (function bodies are code), comments (they may carry meaning for tools) and
// anything unterminated. Runs of whitespace become one space. A '?' or '\' in the text itself is
// escaped with '\', so a placeholder can never be confused with an operator such as jsonb's '?'.
// The mapping is therefore injective on everything but literals: two texts that differ anywhere else
// get different keys.
#include <array>
#include <cstddef>
#include <cstring>

#include "core/sql/statement_info.hpp"

namespace schemaflip::sql {
namespace {

// Character classes as one table lookup each: the key is computed for every statement in a log.
enum CharClass : unsigned char { k_space = 1, k_digit = 2, k_identifier_start = 4, k_identifier_char = 8 };

constexpr std::array<unsigned char, 256> make_char_classes() {
    std::array<unsigned char, 256> classes{};
    for (int c = 0; c < 256; ++c) {
        unsigned char bits = 0;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') bits |= k_space;
        if (c >= '0' && c <= '9') bits |= k_digit | k_identifier_char;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80) {
            bits |= k_identifier_start | k_identifier_char;
        }
        if (c == '$') bits |= k_identifier_char;
        classes[static_cast<std::size_t>(c)] = bits;
    }
    return classes;
}

constexpr std::array<unsigned char, 256> k_char_classes = make_char_classes();

bool has_class(char c, unsigned char bits) { return (k_char_classes[static_cast<unsigned char>(c)] & bits) != 0; }
bool is_space(char c) { return has_class(c, k_space); }
bool is_digit(char c) { return has_class(c, k_digit); }
bool is_identifier_start(char c) { return has_class(c, k_identifier_start); }
bool is_identifier_char(char c) { return has_class(c, k_identifier_char); }

class LiteralStripper {
public:
    // The key is never longer than twice the text (an escaped '?' or '\\' doubles; every other output
    // is no longer than its input), so the buffer is sized once and written through a pointer.
    LiteralStripper(std::string_view sql, std::string& key) : m_sql(sql), m_key(key) {
        m_key.resize(2 * sql.size() + 2);
        m_out = m_key.data();
    }

    void run() {
        while (m_pos < m_sql.size()) step();
        m_key.resize(static_cast<std::size_t>(m_out - m_key.data()));
    }

private:
    std::string_view m_sql;
    std::size_t m_pos = 0;
    std::string& m_key;
    char* m_out = nullptr;  // next byte of m_key to write

    void put(char c) { *m_out++ = c; }
    void put(std::string_view text) {
        if (text.empty()) return;  // an empty view may have a null data(), which memcpy must not get
        std::memcpy(m_out, text.data(), text.size());
        m_out += text.size();
    }
    bool nothing_written() const { return m_out == m_key.data(); }
    bool m_after_string = false;  // a newline between two strings concatenates them: keep it apart
    char m_separator = 0;         // whitespace seen before the next token: written only if one follows

    char at(std::size_t pos) const { return pos < m_sql.size() ? m_sql[pos] : '\0'; }

    void step() {
        const char c = m_sql[m_pos];
        if (is_space(c)) return whitespace();
        if (m_separator != 0) put(m_separator);
        m_separator = 0;
        m_after_string = false;
        if (c == '\'') return string_literal(false);
        if (is_identifier_start(c)) return identifier();
        if (c == '"') return quoted(m_pos, '"');
        if (c == '$') return dollar();
        if (is_digit(c) || (c == '.' && is_digit(at(m_pos + 1)))) return number();
        if (c == '-' && at(m_pos + 1) == '-') return line_comment();
        if (c == '/' && at(m_pos + 1) == '*') return block_comment();
        if (c == '?' || c == '\\') put('\\');
        put(c);
        ++m_pos;
    }

    void whitespace() {
        bool newline = false;
        for (; m_pos < m_sql.size() && is_space(m_sql[m_pos]); ++m_pos) {
            if (m_sql[m_pos] == '\n') newline = true;
        }
        if (nothing_written()) return;
        m_separator = newline && m_after_string ? '\n' : ' ';
    }

    void identifier() {
        const std::size_t start = m_pos;
        while (m_pos < m_sql.size() && is_identifier_char(m_sql[m_pos])) ++m_pos;
        const std::string_view word = m_sql.substr(start, m_pos - start);
        if (at(m_pos) == '\'' && word.size() == 1) {
            const char prefix = word.front();
            // E'…' takes backslash escapes; B'…', X'…' and N'…' are quoted like plain strings.
            if (prefix == 'e' || prefix == 'E') return string_literal(true, word);
            if (prefix == 'b' || prefix == 'B' || prefix == 'x' || prefix == 'X' || prefix == 'n' || prefix == 'N') {
                return string_literal(false, word);
            }
        }
        put(word);
    }

    // Replaces a complete string literal with its prefix and '?'; an unterminated one is kept as is.
    void string_literal(bool backslash_escapes, std::string_view prefix = {}) {
        const std::size_t start = m_pos;
        std::size_t pos = m_pos + 1;
        while (pos < m_sql.size()) {
            const char c = m_sql[pos];
            if (backslash_escapes && c == '\\') {
                pos += 2;
            } else if (c == '\'' && at(pos + 1) == '\'') {
                pos += 2;
            } else if (c == '\'') {
                break;
            } else {
                ++pos;
            }
        }
        if (pos >= m_sql.size()) {
            put(m_sql.substr(start));
            m_pos = m_sql.size();
            return;
        }
        put(prefix);
        put('?');
        m_pos = pos + 1;
        m_after_string = true;
    }

    void quoted(std::size_t start, char quote) {
        std::size_t pos = start + 1;
        while (pos < m_sql.size()) {
            if (m_sql[pos] == quote && at(pos + 1) == quote) {
                pos += 2;
            } else if (m_sql[pos] == quote) {
                ++pos;
                break;
            } else {
                ++pos;
            }
        }
        put(m_sql.substr(start, pos - start));
        m_pos = pos;
    }

    // $1 is a parameter; $tag$ … $tag$ a dollar-quoted body, kept whole.
    void dollar() {
        std::size_t pos = m_pos + 1;
        if (is_digit(at(pos))) {
            while (is_digit(at(pos))) ++pos;
            put(m_sql.substr(m_pos, pos - m_pos));
            m_pos = pos;
            return;
        }
        if (is_identifier_start(at(pos))) {
            while (pos < m_sql.size() && is_identifier_char(m_sql[pos]) && m_sql[pos] != '$') ++pos;
        }
        if (at(pos) != '$') {
            put('$');
            ++m_pos;
            return;
        }
        const std::string_view tag = m_sql.substr(m_pos, pos + 1 - m_pos);
        const std::size_t close = m_sql.find(tag, pos + 1);
        const std::size_t end = close == std::string_view::npos ? m_sql.size() : close + tag.size();
        put(m_sql.substr(m_pos, end - m_pos));
        m_pos = end;
    }

    void number() {
        std::size_t pos = m_pos;
        while (is_digit(at(pos))) ++pos;
        // "1..5" is an integer followed by "..", as in the server's scanner.
        if (at(pos) == '.' && at(pos + 1) != '.') {
            ++pos;
            while (is_digit(at(pos))) ++pos;
        }
        if (at(pos) == 'e' || at(pos) == 'E') {
            std::size_t exponent = pos + 1;
            if (at(exponent) == '+' || at(exponent) == '-') ++exponent;
            if (is_digit(at(exponent))) {
                pos = exponent;
                while (is_digit(at(pos))) ++pos;
            }
        }
        put('?');
        m_pos = pos;
    }

    void line_comment() {
        const std::size_t end = m_sql.find('\n', m_pos);
        const std::size_t stop = end == std::string_view::npos ? m_sql.size() : end + 1;
        put(m_sql.substr(m_pos, stop - m_pos));
        m_pos = stop;
    }

    // Block comments nest in PostgreSQL.
    void block_comment() {
        std::size_t pos = m_pos + 2;
        int depth = 1;
        while (pos < m_sql.size() && depth > 0) {
            if (m_sql[pos] == '/' && at(pos + 1) == '*') {
                ++depth;
                pos += 2;
            } else if (m_sql[pos] == '*' && at(pos + 1) == '/') {
                --depth;
                pos += 2;
            } else {
                ++pos;
            }
        }
        put(m_sql.substr(m_pos, pos - m_pos));
        m_pos = pos;
    }
};

}  // namespace

std::string literal_stripped_key(std::string_view sql) {
    std::string key;
    literal_stripped_key(sql, key);
    return key;
}

void literal_stripped_key(std::string_view sql, std::string& key) { LiteralStripper(sql, key).run(); }

}  // namespace schemaflip::sql
