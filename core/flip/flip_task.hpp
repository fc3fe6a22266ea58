// The flip task (schemas/flip-task.schema.json): what `schemaflip flip` hands to CI and deploy scripts.
// Built from the replay report, the shadow manifest (the change's tables before and after, the synced
// shadow's position) and the predictions document, without touching any database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/shadow/shadow_manifest.hpp"

namespace schemaflip::flip {

inline constexpr int k_flip_task_schema_version = 1;

struct FlipInputs {
    nlohmann::json report;                      // a replay report document
    std::optional<nlohmann::json> predictions;  // a predictions document
    std::optional<shadow::ShadowManifest> manifest;
};

// The task as an ordered JSON document. `created_at_ms` (Unix epoch milliseconds) is the only input that
// is not a document: it gives `created_at` and the time part of `task_id`, the two fields that differ
// between runs on the same inputs. Throws InputError when a document is not what it should be, when the
// report names no change and no manifest is given, or when the report and the manifest disagree about
// the change.
nlohmann::ordered_json build_flip_task(const FlipInputs& inputs, std::int64_t created_at_ms);

// A few lines for a terminal: decision, change, flags, what to adapt, the rollback.
std::string render_flip_summary(const nlohmann::ordered_json& task);

// GitHub Actions annotations (flip_github.cpp): an error per affected fingerprint and per flag that breaks
// the application or the way back (READERS_BREAK, WRITERS_BREAK, IRREVERSIBLE), a warning per other flag,
// and a notice with the decision, last.
std::string render_flip_github(const nlohmann::ordered_json& task);

}  // namespace schemaflip::flip
