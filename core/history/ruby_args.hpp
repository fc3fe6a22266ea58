// A small reader of one Ruby/Python call's arguments, enough for migration DSLs (not a language parser).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace schemaflip::history {

struct CallArguments {
    std::vector<std::string> positional;       // symbols and strings unquoted; arrays joined with ','
    std::map<std::string, std::string> named;  // `key: value`, `:key => value`, `key=value` (Python)
};

// Splits `text` (what follows the method name, with or without parentheses) at top-level commas.
CallArguments parse_call_arguments(std::string_view text);

// The literal value of one argument: :users → users, "users" → users, [:a, :b] → a,b.
std::string literal_value(std::string_view argument);

// The position of the ')' that closes the '(' at `open`, skipping quoted strings; npos when unclosed.
std::size_t matching_paren(std::string_view text, std::size_t open);

// Top-level comma-separated parts of a list or call body, trimmed.
std::vector<std::string> split_arguments(std::string_view text);

std::string trim(std::string_view text);

}  // namespace schemaflip::history
