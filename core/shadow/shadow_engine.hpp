// What shadow.cpp shares with the engine-specific halves (sqlite_shadow.cpp): the parsed change and hooks.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/shadow/shadow.hpp"
#include "core/sql/statement_info.hpp"

namespace schemaflip::shadow {

struct PlannedChange {
    std::string source;
    std::vector<std::string> statements;
    std::vector<sql::StatementInfo> infos;  // one per statement, from libpg_query
    std::string id;
};

// Reads and parses a migration file; throws InputError when it is unreadable, empty or does not parse.
PlannedChange load_ddl_change(const std::filesystem::path& path);

// Records the manifest (written to the request's manifest path, when there is one) at each step.
using RecordManifest = std::function<void(const ShadowManifest&)>;

// Each engine's `up` adds every object to manifest.created and calls record() before creating it.
void sqlite_shadow_up(const UpRequest& request, const PlannedChange& change, ShadowManifest& manifest,
                      const RecordManifest& record);
bool sqlite_remove_object(const CreatedObject& object);  // true when it existed

void postgres_shadow_up(const UpRequest& request, const PlannedChange& change, ShadowManifest& manifest,
                        const RecordManifest& record);
// `shadow_url` is the manifest's redacted URL: the password comes from PGPASSWORD or ~/.pgpass.
bool postgres_remove_object(const std::string& shadow_url, const CreatedObject& object);  // true when it existed
std::optional<bool> postgres_object_exists(const std::string& shadow_url, const CreatedObject& object);

}  // namespace schemaflip::shadow
