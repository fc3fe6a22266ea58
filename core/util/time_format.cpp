// format_utc_ms with gmtime_r: no locale, no time zone, the same everywhere.
#include "core/util/time_format.hpp"

#include <cstdio>
#include <ctime>

namespace schemaflip::util {

std::string format_utc_ms(std::int64_t epoch_ms) {
    std::int64_t seconds = epoch_ms / 1000;
    std::int64_t millis = epoch_ms % 1000;
    if (millis < 0) {
        millis += 1000;
        --seconds;
    }
    const std::time_t time = static_cast<std::time_t>(seconds);
    std::tm utc{};
    gmtime_r(&time, &utc);
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                  utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(millis));
    return buffer;
}

}  // namespace schemaflip::util
