// What shadow.cpp shares with the engine-specific halves (sqlite_shadow.cpp): the parsed change and hooks.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

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
// The DDL of one event of a predictions document (predicted_change.cpp). `id` empty: the only event with
// DDL. Throws InputError for a document that is not predictions or an ID without DDL, UsageError when no
// ID was given and not exactly one event has DDL (the message lists those that do).
PlannedChange load_predicted_change(const std::filesystem::path& path, const std::string& id);
// The same over a parsed document; `source` names it in messages (fuzz/fuzz_doc_predictions.cpp feeds this).
PlannedChange predicted_change_from_json(const nlohmann::json& document, const std::string& source, const std::string& id);
// Parses `texts` (each may hold several statements) into a change; throws InputError naming `source`.
PlannedChange plan_change(const std::string& source, const std::vector<std::string>& texts);

// Records the manifest (written to the request's manifest path, when there is one) at each step.
using RecordManifest = std::function<void(const ShadowManifest&)>;

// The URLs that reach the manifest's servers: the user's own during `up` (with any password), the
// manifest's redacted ones in `status` and `down` (the password then comes from PGPASSWORD or ~/.pgpass).
struct ServerUrls {
    std::string primary;
    std::string shadow;
};

// Each engine's `up` adds every object to manifest.created and calls record() before creating it.
void sqlite_shadow_up(const UpRequest& request, const PlannedChange& change, ShadowManifest& manifest,
                      const RecordManifest& record);
bool sqlite_remove_object(const CreatedObject& object);  // true when it existed

void postgres_shadow_up(const UpRequest& request, const PlannedChange& change, ShadowManifest& manifest,
                        const RecordManifest& record);
bool postgres_remove_object(const ServerUrls& urls, const CreatedObject& object);  // true when it existed
std::optional<bool> postgres_object_exists(const ServerUrls& urls, const CreatedObject& object);

}  // namespace schemaflip::shadow
