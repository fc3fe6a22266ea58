// Walks JSON objects in place (see flat_json.hpp): validation while skipping, unescaping on demand.
#include "core/logs/flat_json.hpp"

#include <cstdint>

namespace schemaflip::logs::flat_json {
namespace {

constexpr std::size_t k_npos = std::string_view::npos;
// Nesting deeper than this is not a log line; the limit keeps garbage from exhausting the stack.
constexpr int k_max_depth = 64;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::size_t skip_space(std::string_view text, std::size_t pos) {
    while (pos < text.size() && is_space(text[pos])) {
        ++pos;
    }
    return pos;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

bool read_hex4(std::string_view text, std::size_t pos, std::uint32_t& value) {
    if (pos + 4 > text.size()) {
        return false;
    }
    value = 0;
    for (std::size_t i = pos; i < pos + 4; ++i) {
        const int digit = hex_value(text[i]);
        if (digit < 0) {
            return false;
        }
        value = value * 16 + static_cast<std::uint32_t>(digit);
    }
    return true;
}

// Position just after the closing quote of the string whose opening quote is at `pos`, or k_npos.
std::size_t skip_string(std::string_view text, std::size_t pos) {
    ++pos;
    while (pos < text.size()) {
        const char c = text[pos];
        if (c == '"') {
            return pos + 1;
        }
        if (c != '\\') {
            ++pos;
            continue;
        }
        if (pos + 1 >= text.size()) {
            return k_npos;
        }
        switch (text[pos + 1]) {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
            pos += 2;
            break;
        case 'u': {
            std::uint32_t ignored = 0;
            if (!read_hex4(text, pos + 2, ignored)) {
                return k_npos;
            }
            pos += 6;
            break;
        }
        default:
            return k_npos;
        }
    }
    return k_npos;
}

std::size_t skip_number(std::string_view text, std::size_t pos) {
    if (pos < text.size() && text[pos] == '-') {
        ++pos;
    }
    const std::size_t digits_start = pos;
    while (pos < text.size() && is_digit(text[pos])) {
        ++pos;
    }
    if (pos == digits_start) {
        return k_npos;
    }
    if (pos < text.size() && text[pos] == '.') {
        const std::size_t fraction_start = ++pos;
        while (pos < text.size() && is_digit(text[pos])) {
            ++pos;
        }
        if (pos == fraction_start) {
            return k_npos;
        }
    }
    if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
        ++pos;
        if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
            ++pos;
        }
        const std::size_t exponent_start = pos;
        while (pos < text.size() && is_digit(text[pos])) {
            ++pos;
        }
        if (pos == exponent_start) {
            return k_npos;
        }
    }
    return pos;
}

std::size_t skip_literal(std::string_view text, std::size_t pos, std::string_view literal) {
    return text.substr(pos, literal.size()) == literal ? pos + literal.size() : k_npos;
}

std::size_t skip_value(std::string_view text, std::size_t pos, int depth);

// Skips an object or array whose opening bracket is at `pos`.
std::size_t skip_container(std::string_view text, std::size_t pos, int depth) {
    if (depth > k_max_depth) {
        return k_npos;
    }
    const bool is_object_container = text[pos] == '{';
    const char closing = is_object_container ? '}' : ']';
    pos = skip_space(text, pos + 1);
    if (pos < text.size() && text[pos] == closing) {
        return pos + 1;
    }
    while (pos < text.size()) {
        if (is_object_container) {
            if (text[pos] != '"' || (pos = skip_string(text, pos)) == k_npos) {
                return k_npos;
            }
            pos = skip_space(text, pos);
            if (pos >= text.size() || text[pos] != ':') {
                return k_npos;
            }
            pos = skip_space(text, pos + 1);
        }
        if ((pos = skip_value(text, pos, depth + 1)) == k_npos) {
            return k_npos;
        }
        pos = skip_space(text, pos);
        if (pos >= text.size()) {
            return k_npos;
        }
        if (text[pos] == closing) {
            return pos + 1;
        }
        if (text[pos] != ',') {
            return k_npos;
        }
        pos = skip_space(text, pos + 1);
    }
    return k_npos;
}

std::size_t skip_value(std::string_view text, std::size_t pos, int depth) {
    if (pos >= text.size()) {
        return k_npos;
    }
    switch (text[pos]) {
    case '"': return skip_string(text, pos);
    case '{': case '[': return skip_container(text, pos, depth);
    case 't': return skip_literal(text, pos, "true");
    case 'f': return skip_literal(text, pos, "false");
    case 'n': return skip_literal(text, pos, "null");
    default: return skip_number(text, pos);
    }
}

Kind kind_of(char first) {
    switch (first) {
    case '"': return Kind::string;
    case '{': return Kind::object;
    case '[': return Kind::array;
    case 't': case 'f': return Kind::boolean;
    case 'n': return Kind::null;
    default: return Kind::number;
    }
}

void append_utf8(std::string& out, std::uint32_t code_point) {
    if (code_point < 0x80) {
        out += static_cast<char>(code_point);
    } else if (code_point < 0x800) {
        out += static_cast<char>(0xC0 | (code_point >> 6));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    } else if (code_point < 0x10000) {
        out += static_cast<char>(0xE0 | (code_point >> 12));
        out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (code_point >> 18));
        out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    }
}

// Decodes the \uXXXX escape at `pos` (and a following low surrogate); returns the position after it.
std::size_t decode_unicode_escape(std::string_view text, std::size_t pos, std::string& out) {
    constexpr std::uint32_t k_replacement = 0xFFFD;
    std::uint32_t unit = 0;
    if (!read_hex4(text, pos + 2, unit)) {
        return k_npos;
    }
    pos += 6;
    if (unit >= 0xD800 && unit <= 0xDBFF) {
        std::uint32_t low = 0;
        if (text.substr(pos, 2) == "\\u" && read_hex4(text, pos + 2, low) && low >= 0xDC00 && low <= 0xDFFF) {
            append_utf8(out, 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
            return pos + 6;
        }
        unit = k_replacement;
    } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
        unit = k_replacement;
    }
    append_utf8(out, unit);
    return pos;
}

}  // namespace

ObjectCursor::ObjectCursor(std::string_view text) : m_text(text) {}

bool ObjectCursor::fail() {
    m_failed = true;
    m_done = true;
    return false;
}

bool ObjectCursor::next(std::string_view& key, Value& value) {
    if (m_done) {
        return false;
    }
    std::size_t pos = skip_space(m_text, m_pos);
    if (!m_started) {
        m_started = true;
        if (pos >= m_text.size() || m_text[pos] != '{') {
            return fail();
        }
        pos = skip_space(m_text, pos + 1);
        if (pos < m_text.size() && m_text[pos] == '}') {
            m_done = true;
            m_failed = skip_space(m_text, pos + 1) != m_text.size();
            return false;
        }
    }
    if (pos >= m_text.size() || m_text[pos] != '"') {
        return fail();
    }
    const std::size_t key_end = skip_string(m_text, pos);
    if (key_end == k_npos) {
        return fail();
    }
    key = m_text.substr(pos + 1, key_end - pos - 2);
    pos = skip_space(m_text, key_end);
    if (pos >= m_text.size() || m_text[pos] != ':') {
        return fail();
    }
    pos = skip_space(m_text, pos + 1);
    const std::size_t value_end = skip_value(m_text, pos, 1);
    if (value_end == k_npos) {
        return fail();
    }
    value.kind = kind_of(m_text[pos]);
    value.text = value.kind == Kind::string ? m_text.substr(pos + 1, value_end - pos - 2)
                                            : m_text.substr(pos, value_end - pos);
    pos = skip_space(m_text, value_end);
    if (pos >= m_text.size()) {
        return fail();
    }
    if (m_text[pos] == '}') {
        // The member is good; the object must end the text.
        m_done = true;
        if (skip_space(m_text, pos + 1) != m_text.size()) {
            m_failed = true;
            return false;
        }
        m_pos = pos + 1;
        return true;
    }
    if (m_text[pos] != ',') {
        return fail();
    }
    m_pos = pos + 1;
    return true;
}

bool is_object(std::string_view text) {
    ObjectCursor cursor(text);
    std::string_view key;
    Value value;
    while (cursor.next(key, value)) {
    }
    return !cursor.failed();
}

bool decode_string(std::string_view escaped, std::string& out) {
    std::size_t backslash = escaped.find('\\');
    if (backslash == k_npos) {
        out.assign(escaped);
        return true;
    }
    out.assign(escaped.substr(0, backslash));
    std::size_t pos = backslash;
    while (pos < escaped.size()) {
        backslash = escaped.find('\\', pos);
        if (backslash == k_npos) {
            out.append(escaped.substr(pos));
            break;
        }
        out.append(escaped.substr(pos, backslash - pos));
        if (backslash + 1 >= escaped.size()) {
            return false;
        }
        pos = backslash + 2;
        switch (escaped[backslash + 1]) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u':
            pos = decode_unicode_escape(escaped, backslash, out);
            if (pos == k_npos) {
                return false;
            }
            break;
        default: return false;
        }
    }
    return true;
}

bool assign_scalar(const Value& value, std::string& out) {
    switch (value.kind) {
    case Kind::string: return decode_string(value.text, out);
    case Kind::number: out.assign(value.text); return true;
    case Kind::null: out.clear(); return true;
    default: return false;
    }
}

}  // namespace schemaflip::logs::flat_json
