// Formats Unix epoch milliseconds as ISO-8601 UTC text.
#pragma once

#include <cstdint>
#include <string>

namespace schemaflip::util {

// 2026-11-23T23:50:22.435Z
std::string format_utc_ms(std::int64_t epoch_ms);

}  // namespace schemaflip::util
