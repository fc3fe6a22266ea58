// ASCII case folding for identifiers and type names (locale-independent; other bytes unchanged).
#pragma once

#include <string>
#include <string_view>

namespace schemaflip::util {

std::string ascii_lower(std::string_view text);
std::string ascii_upper(std::string_view text);

}  // namespace schemaflip::util
