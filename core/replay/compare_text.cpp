// Printable names, values and messages for the validation engine's one-line details.
#include "core/replay/compare_text.hpp"

#include <cstdio>

namespace schemaflip::replay::detail {
namespace {

std::string hex_byte(unsigned char byte) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "\\x%02x", byte);
    return buffer;
}

// The length of the well-formed UTF-8 sequence at `at` (RFC 3629: no overlongs, no surrogates), or 0.
std::size_t utf8_length(std::string_view text, std::size_t at) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(at);
    if (lead < 0x80) return 1;
    std::size_t length = 0;
    unsigned char second_min = 0x80;
    unsigned char second_max = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) second_min = 0xA0;
        if (lead == 0xED) second_max = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) second_min = 0x90;
        if (lead == 0xF4) second_max = 0x8F;
    } else {
        return 0;
    }
    if (text.size() - at < length) return 0;
    if (byte(at + 1) < second_min || byte(at + 1) > second_max) return 0;
    for (std::size_t i = 2; i < length; ++i) {
        if ((byte(at + i) & 0xC0) != 0x80) return 0;
    }
    return length;
}

std::string escaped_ascii(unsigned char c) {
    switch (c) {
        case '\n': return "\\n";
        case '\t': return "\\t";
        case '\r': return "\\r";
        default: return c < 0x20 || c == 0x7F ? hex_byte(c) : std::string(1, static_cast<char>(c));
    }
}

}  // namespace

std::string printable(std::string_view text, std::size_t max_bytes) {
    std::string shown;
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t length = utf8_length(text, at);
        const std::string piece = length == 0   ? hex_byte(static_cast<unsigned char>(text[at]))
                                  : length == 1 ? escaped_ascii(static_cast<unsigned char>(text[at]))
                                                : std::string(text.substr(at, length));
        if (shown.size() + piece.size() > max_bytes) return shown + "…";
        shown += piece;
        at += length == 0 ? 1 : length;
    }
    return shown;
}

std::string shown_value(const db::Value* value) {
    if (value == nullptr) return "(missing)";
    switch (value->kind) {
        case db::ValueKind::null: return "NULL";
        case db::ValueKind::text: return "'" + printable(value->text) + "'";
        case db::ValueKind::bytes: {
            std::string shown = "\\x";
            for (std::size_t i = 0; i < value->text.size(); ++i) {
                if (shown.size() + 2 > k_shown_bytes) return shown + "…";
                char buffer[4];
                std::snprintf(buffer, sizeof buffer, "%02x", static_cast<unsigned char>(value->text[i]));
                shown += buffer;
            }
            return shown;
        }
        default: return printable(db::value_text(*value));
    }
}

std::string shown_name(std::string_view name) { return "\"" + printable(name) + "\""; }

}  // namespace schemaflip::replay::detail
