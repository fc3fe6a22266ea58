// `shadow up/status/down`: a copy of the primary with a change applied, measured, and removable.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/shadow/shadow_manifest.hpp"

namespace schemaflip::shadow {

// One line of progress for a person watching (stderr): what `up` is doing or waiting for.
using Progress = std::function<void(std::string_view)>;

struct UpRequest {
    std::string primary;  // database URL; only read, except for the publication and slot of --sync logical
    std::string shadow;   // database URL of the copy to create
    // The change: exactly one of a plain SQL migration, or a predictions document (`schemaflip predict`)
    // with the ID of the event whose DDL to apply (empty: the only event that has DDL).
    std::filesystem::path ddl_file;
    std::filesystem::path changes_file;
    std::string change_id;
    std::string sync = "none";  // "none" (a copy) or "logical" (a subscription to the primary)
    int jobs = 1;
    int sync_timeout_seconds = 600;  // the longest each replication step may wait (slot, initial copy, catch-up)
    bool force = false;  // replace an existing shadow instead of refusing
    // When set, the manifest is written here before anything is created and again when done, so that
    // `down` can remove what a crashed `up` left behind.
    std::filesystem::path manifest_path;
    Progress progress = [](std::string_view) {};
};

// Creates the shadow, applies the change and returns the manifest. On failure, removes what it created
// (and the early manifest when nothing is left) and rethrows: a failing statement is UnavailableError
// (exit 4) naming the statement, with the database's message as the reason. Under a util::InterruptGuard,
// SIGINT/SIGTERM stop it between steps, in waits and in long server calls: it removes what it created
// and throws InterruptedError (exit 130).
ShadowManifest shadow_up(const UpRequest& request);

// How the subscription of a synced (--sync logical) shadow is doing.
struct SubscriptionStatus {
    // "streaming" (every table copied, the worker running), "initial copy" (tables still copying),
    // "stopped" (enabled but no worker: it failed and is retrying), "disabled", or "missing".
    std::string state;
    int tables_ready = 0;  // pg_subscription_rel rows in state 'r'
    int tables_total = 0;
    std::optional<std::int64_t> apply_errors;  // pg_stat_subscription_stats (PostgreSQL 15 and later)
    std::optional<std::int64_t> sync_errors;
};

struct ShadowStatus {
    bool exists = false;
    std::string state;  // the manifest's state
    std::string sync;
    // Synced shadows only: WAL bytes the slot has not confirmed (pg_wal_lsn_diff of the primary's current
    // LSN and the slot's confirmed_flush_lsn), and the same in seconds (the walsender's replay_lag, 0 once
    // nothing is pending, else the time since the shadow last heard of the primary's position).
    std::optional<std::int64_t> lag_bytes;
    std::optional<double> lag_seconds;
    std::optional<SubscriptionStatus> subscription;
};

// Throws UnavailableError (exit 4) when a server of the manifest cannot be reached.
ShadowStatus shadow_status(const ShadowManifest& manifest);

struct RemovedObject {
    CreatedObject object;
    bool existed = false;  // false: already gone (down is idempotent)
};

// Removes every object the manifest records, newest first.
std::vector<RemovedObject> shadow_down(const ShadowManifest& manifest);

}  // namespace schemaflip::shadow
