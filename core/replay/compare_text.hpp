// Internal to core/replay: how the validation engine's detail line shows names, values and messages.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/db/value.hpp"

namespace schemaflip::replay::detail {

constexpr std::size_t k_shown_bytes = 80;

// At most max_bytes of `text` (plus "…" when cut, never inside a character), with control characters and
// bytes that are not UTF-8 escaped (\n, \t, \x1b), so a detail stays one readable line whatever the data.
std::string printable(std::string_view text, std::size_t max_bytes = k_shown_bytes);

// A value as a detail shows it: NULL, 42, 1.5, true, 'text', \x00ff for bytes, dates and json as the
// engine printed them; "(missing)" for a value absent from a short row (null pointer).
std::string shown_value(const db::Value* value);

// A column name in double quotes, printable.
std::string shown_name(std::string_view name);

}  // namespace schemaflip::replay::detail
