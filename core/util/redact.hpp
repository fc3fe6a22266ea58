// Removes passwords from database URLs and libpq connection strings before they reach any output.
#pragma once

#include <string>
#include <string_view>

namespace schemaflip::util {

inline constexpr std::string_view k_redacted = "***";

// Returns `url` with its password replaced by ***: the `user:password@` part of a URL, and any
// `password=...` key (quoted or not) of a key=value string or a URL query.
std::string redact_url(std::string_view url);

// Replaces every occurrence of `secret` in `text` with ***; an empty secret changes nothing.
std::string redact_secret(std::string_view text, std::string_view secret);

}  // namespace schemaflip::util
