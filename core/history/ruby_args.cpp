// Splits the arguments of one migration-DSL call at top-level commas, respecting quotes and brackets.
#include "core/history/ruby_args.hpp"

#include "core/util/ascii_case.hpp"

#include <algorithm>
#include <cctype>

namespace schemaflip::history {

std::string trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
    return std::string(text);
}


namespace {

std::vector<std::string> split_top_level(std::string_view text) {
    std::vector<std::string> parts;
    std::string current;
    int depth = 0;
    char quote = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quote) {
            current += c;
            if (c == '\\' && i + 1 < text.size()) current += text[++i];
            else if (c == quote) quote = 0;
            continue;
        }
        if (c == '"' || c == '\'') quote = c;
        if (c == '(' || c == '[' || c == '{') ++depth;
        if (c == ')' || c == ']' || c == '}') --depth;
        if (c == ',' && depth == 0) {
            parts.push_back(trim(current));
            current.clear();
            continue;
        }
        current += c;
    }
    if (!trim(current).empty()) parts.push_back(trim(current));
    return parts;
}

bool is_identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// `key: value` (Ruby 1.9 hash), `:key => value` (Ruby 1.8), `key=value` (Python keyword argument).
bool split_named(const std::string& argument, std::string& key, std::string& value) {
    std::size_t start = argument.starts_with(':') ? 1 : 0;
    std::size_t end = start;
    while (end < argument.size() && is_identifier_char(argument[end])) ++end;
    if (end == start) return false;
    auto rest = std::string_view(argument).substr(end);
    const auto after_space = rest.find_first_not_of(' ');
    rest = after_space == std::string_view::npos ? std::string_view{} : rest.substr(after_space);
    if (start == 0 && rest.starts_with(':') && !rest.starts_with("::")) {
        rest.remove_prefix(1);
    } else if (rest.starts_with("=>")) {
        rest.remove_prefix(2);
    } else if (start == 0 && rest.starts_with('=') && !rest.starts_with("==")) {
        rest.remove_prefix(1);
    } else {
        return false;
    }
    key = argument.substr(start, end - start);
    value = trim(rest);
    return true;
}

}  // namespace

std::vector<std::string> split_arguments(std::string_view text) { return split_top_level(text); }

std::string literal_value(std::string_view argument) {
    auto text = trim(argument);
    if (text.starts_with("%w[") || text.starts_with("%i[") || text.starts_with("%w(") || text.starts_with("%i(")) {
        std::string joined;
        std::string word;
        for (char c : text.substr(3, text.size() - 4) + " ") {
            if (c == ' ') {
                if (!word.empty()) joined += (joined.empty() ? "" : ",") + word;
                word.clear();
            } else {
                word += c;
            }
        }
        return joined;
    }
    if ((text.starts_with('[') && text.ends_with(']')) || (text.starts_with('(') && text.ends_with(')'))) {
        std::string joined;
        for (const auto& part : split_top_level(std::string_view(text).substr(1, text.size() - 2))) {
            joined += (joined.empty() ? "" : ",") + literal_value(part);
        }
        return joined;
    }
    if (text.starts_with(':')) return text.substr(1);
    for (const std::string_view triple : {"\"\"\"", "'''"}) {
        if (text.size() >= 6 && text.starts_with(triple) && text.ends_with(triple)) return text.substr(3, text.size() - 6);
    }
    if (text.size() >= 2 && (text.front() == '"' || text.front() == '\'') && text.back() == text.front()) {
        return text.substr(1, text.size() - 2);
    }
    return text;
}

std::size_t matching_paren(std::string_view text, std::size_t open) {
    int depth = 0;
    char quote = 0;
    for (std::size_t i = open; i < text.size(); ++i) {
        const char c = text[i];
        if (quote) {
            if (c == '\\') ++i;
            else if (c == quote) quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '(') {
            ++depth;
        } else if (c == ')' && --depth == 0) {
            return i;
        }
    }
    return std::string_view::npos;
}

CallArguments parse_call_arguments(std::string_view text) {
    auto body = trim(text);
    if (body.starts_with('(')) {
        // Drop the call's own parentheses and anything after them (`do |t|`, `.each`, a comment).
        const auto close = matching_paren(body, 0);
        body = body.substr(1, (close == std::string_view::npos ? body.size() : close) - 1);
    } else {
        for (const std::string_view tail : {" do |", " do"}) {
            const auto at = body.rfind(tail);
            if (at != std::string::npos && (tail == " do |" || at + tail.size() == body.size())) {
                body = trim(body.substr(0, at));
                break;
            }
        }
    }
    CallArguments arguments;
    for (const auto& part : split_top_level(body)) {
        std::string key, value;
        if (split_named(part, key, value)) {
            arguments.named[key] = value;
        } else {
            arguments.positional.push_back(literal_value(part));
        }
    }
    return arguments;
}

}  // namespace schemaflip::history
