// `shadow up/status/down`: a copy of the primary with a change applied, measured, and removable.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/shadow/shadow_manifest.hpp"

namespace schemaflip::shadow {

struct UpRequest {
    std::string primary;  // database URL, read only
    std::string shadow;   // database URL of the copy to create
    std::filesystem::path ddl_file;  // a plain SQL migration: the change
    std::string sync = "none";
    int jobs = 1;
    bool force = false;  // replace an existing shadow instead of refusing
    // When set, the manifest is written here before anything is created and again when done, so that
    // `down` can remove what a crashed `up` left behind.
    std::filesystem::path manifest_path;
};

// Creates the shadow, applies the change and returns the manifest. On failure, removes what it created
// (and the early manifest when nothing is left) and rethrows: a failing statement is UnavailableError
// (exit 4) naming the statement, with the database's message as the reason.
ShadowManifest shadow_up(const UpRequest& request);

struct ShadowStatus {
    bool exists = false;
    std::string state;  // the manifest's state
    std::string sync;
    std::optional<std::int64_t> lag_bytes;   // synced shadows only
    std::optional<double> lag_seconds;       // synced shadows only
};

ShadowStatus shadow_status(const ShadowManifest& manifest);

struct RemovedObject {
    CreatedObject object;
    bool existed = false;  // false: already gone (down is idempotent)
};

// Removes every object the manifest records, newest first.
std::vector<RemovedObject> shadow_down(const ShadowManifest& manifest);

}  // namespace schemaflip::shadow
