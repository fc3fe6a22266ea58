// Picks the PostgreSQL client tools by the major version in Debian's folder names.
#include "core/shadow/pg_tools.hpp"

#include <charconv>
#include <optional>
#include <string>

#include "core/util/error.hpp"

namespace schemaflip::shadow {
namespace {

std::optional<int> major_of(const std::filesystem::path& folder) {
    const std::string name = folder.filename().string();
    int major = 0;
    const auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), major);
    if (error != std::errc() || end != name.data() + name.size() || major <= 0) return std::nullopt;
    return major;
}

}  // namespace

PgTools find_pg_tools(int server_major, const std::filesystem::path& root) {
    std::optional<PgTools> best;
    int newest = 0;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(root, error)) {
        const auto major = major_of(entry.path());
        const auto bin = entry.path() / "bin";
        if (!major || !std::filesystem::exists(bin / "pg_dump") || !std::filesystem::exists(bin / "psql")) continue;
        newest = std::max(newest, *major);
        if (*major >= server_major && (!best || *major < best->major)) best = PgTools{bin, *major};
    }
    if (best) return *best;
    const std::string server = "PostgreSQL " + std::to_string(server_major);
    if (newest == 0) {
        throw UnavailableError("no pg_dump found under " + root.string(),
                               "the shadow copies the primary's schema with pg_dump and psql",
                               "install postgresql-client-" + std::to_string(server_major));
    }
    throw UnavailableError("pg_dump " + std::to_string(newest) + " is older than the primary's server (" + server + ")",
                           "pg_dump only dumps servers of its own major version or older",
                           "install postgresql-client-" + std::to_string(server_major));
}

}  // namespace schemaflip::shadow
