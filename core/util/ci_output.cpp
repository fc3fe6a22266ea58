// GitHub annotations and XML escaping (see ci_output.hpp).
#include "core/util/ci_output.hpp"

#include <cstdint>

namespace schemaflip::util {
namespace {

std::string escape(std::string_view text, bool property) {
    std::string escaped;
    escaped.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '%': escaped += "%25"; break;
            case '\r': escaped += "%0D"; break;
            case '\n': escaped += "%0A"; break;
            case ':': escaped += property ? "%3A" : ":"; break;
            case ',': escaped += property ? "%2C" : ","; break;
            default: escaped += c;
        }
    }
    return escaped;
}

const char* level_name(AnnotationLevel level) {
    switch (level) {
        case AnnotationLevel::error: return "error";
        case AnnotationLevel::warning: return "warning";
        case AnnotationLevel::notice: return "notice";
    }
    return "notice";
}

// The length of the UTF-8 sequence starting at text[at], 0 when it is not one (overlong forms, surrogates
// and code points past U+10FFFF included).
std::size_t utf8_length(std::string_view text, std::size_t at) {
    const auto byte = static_cast<unsigned char>(text[at]);
    std::size_t length = 0;
    std::uint32_t code = 0;
    if (byte < 0x80) return 1;
    if ((byte & 0xE0) == 0xC0) {
        length = 2;
        code = byte & 0x1Fu;
    } else if ((byte & 0xF0) == 0xE0) {
        length = 3;
        code = byte & 0x0Fu;
    } else if ((byte & 0xF8) == 0xF0) {
        length = 4;
        code = byte & 0x07u;
    } else {
        return 0;
    }
    if (at + length > text.size()) return 0;
    for (std::size_t i = 1; i < length; ++i) {
        const auto next = static_cast<unsigned char>(text[at + i]);
        if ((next & 0xC0) != 0x80) return 0;
        code = (code << 6) | (next & 0x3Fu);
    }
    constexpr std::uint32_t k_minimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < k_minimum[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
    // U+FFFE and U+FFFF are not XML characters either.
    if (code == 0xFFFE || code == 0xFFFF) return 0;
    return length;
}

}  // namespace

std::string escape_annotation_message(std::string_view text) { return escape(text, false); }
std::string escape_annotation_property(std::string_view text) { return escape(text, true); }

std::string render_annotation(const Annotation& annotation) {
    std::string properties;
    const auto add = [&properties](const char* name, const std::string& value) {
        properties += (properties.empty() ? " " : ",") + std::string(name) + "=" + escape_annotation_property(value);
    };
    if (!annotation.file.empty()) add("file", annotation.file);
    if (annotation.line > 0) add("line", std::to_string(annotation.line));
    if (!annotation.title.empty()) add("title", annotation.title);
    return "::" + std::string(level_name(annotation.level)) + properties + "::" + escape_annotation_message(annotation.message) +
           "\n";
}

std::string xml_escape(std::string_view text) {
    std::string escaped;
    escaped.reserve(text.size());
    for (std::size_t at = 0; at < text.size();) {
        const char c = text[at];
        switch (c) {
            case '&': escaped += "&amp;"; break;
            case '<': escaped += "&lt;"; break;
            case '>': escaped += "&gt;"; break;
            case '"': escaped += "&quot;"; break;
            case '\'': escaped += "&apos;"; break;
            case '\n': escaped += "&#10;"; break;
            case '\r': escaped += "&#13;"; break;
            case '\t': escaped += "&#9;"; break;
            default: {
                const auto length = utf8_length(text, at);
                if (length == 0 || (length == 1 && static_cast<unsigned char>(c) < 0x20)) {
                    escaped += '?';
                    ++at;
                    continue;
                }
                escaped.append(text.substr(at, length));
                at += length;
                continue;
            }
        }
        ++at;
    }
    return escaped;
}

}  // namespace schemaflip::util
