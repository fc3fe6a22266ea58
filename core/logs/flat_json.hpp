// A small allocation-free JSON object scanner for log lines (jsonlog, CloudNativePG, JSON lines).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace schemaflip::logs::flat_json {

// Log lines are flat objects read millions of times, so instead of building a DOM we walk the members
// of an object in place: keys and values are views into the line, and only the strings a reader keeps
// are unescaped (into buffers it reuses).
enum class Kind { string, number, object, array, boolean, null };

struct Value {
    Kind kind = Kind::null;
    // string: the characters between the quotes, still escaped (see decode_string);
    // object/array: the whole text including the brackets; number/boolean/null: the literal.
    std::string_view text;
};

class ObjectCursor {
public:
    // `text` must be one JSON object, optionally surrounded by whitespace.
    explicit ObjectCursor(std::string_view text);

    // The next member; false at the end of the object or when the JSON is malformed (see failed()).
    // Keys are returned still escaped: the keys readers look for contain no escapes.
    bool next(std::string_view& key, Value& value);
    // True once malformed JSON was met, including anything but whitespace after the object.
    bool failed() const { return m_failed; }

private:
    bool fail();

    std::string_view m_text;
    std::size_t m_pos = 0;
    bool m_started = false;
    bool m_done = false;
    bool m_failed = false;
};

// Walks every member and reports whether the whole text is one well-formed object.
bool is_object(std::string_view text);

// Replaces `out` with the unescaped string (\uXXXX to UTF-8, surrogate pairs joined, a lone surrogate
// becomes U+FFFD). False on a malformed escape.
bool decode_string(std::string_view escaped, std::string& out);

// Replaces `out` with a scalar as text: a string unescaped, a number as written, null as "". False for
// objects, arrays, booleans and malformed escapes.
bool assign_scalar(const Value& value, std::string& out);

}  // namespace schemaflip::logs::flat_json
