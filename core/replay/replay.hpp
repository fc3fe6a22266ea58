// `replay`: the staged split-and-compare of a query stream between the primary and the shadow.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/db/database.hpp"
#include "core/replay/plan.hpp"
#include "core/replay/query_source.hpp"
#include "core/replay/report.hpp"
#include "core/shadow/shadow_manifest.hpp"

namespace schemaflip::replay {

using DatabaseOpener = std::function<std::unique_ptr<db::Database>(std::string_view, const db::OpenOptions&)>;

struct Endpoints {
    std::string primary;  // what to connect to (a manifest's redacted URL with its *** dropped: libpq then
    std::string shadow;   // takes the password from PGPASSWORD or ~/.pgpass)
    std::string primary_shown;  // redacted, for the report and messages
    std::string shadow_shown;
    std::optional<shadow::ShadowManifest> manifest;
    // True when the primary is the one the manifest was made from: the live primary, never written.
    bool primary_from_manifest = false;
};

// The endpoints of --shadow-manifest and/or --primary/--shadow (given URLs win over the manifest's).
// Throws UsageError for a missing side, mixed engines, or a primary that is the shadow.
Endpoints resolve_endpoints(const std::optional<shadow::ShadowManifest>& manifest, const std::string& primary,
                            const std::string& shadow);

// Where a replay is: the stage (1-based, of `stages`) and its reads compared so far against the sample the
// stage needs (its plan's min_queries).
struct ReplayProgress {
    std::size_t stage = 0;
    std::size_t stages = 0;
    double percent = 0;
    std::uint64_t compared = 0;
    std::uint64_t target = 0;
    bool done = false;  // the stage's final count
};

struct ReplayRequest {
    Endpoints endpoints;
    ReplayPlan plan;
    int jobs = 1;                               // connections per side, reads in parallel
    std::chrono::milliseconds query_timeout{0};  // per statement, 0 = none
    bool apply_writes = false;
    DatabaseOpener open = [](std::string_view url, const db::OpenOptions& options) { return db::open_database(url, options); };
    // Called after each batch of reads (a few hundred) and when a stage ends, on the thread that called
    // run_replay().
    std::function<void(const ReplayProgress&)> progress = [](const ReplayProgress&) {};
};

// --apply-writes writes to both databases, so both must be disposable: refused (UsageError) when the
// primary is the manifest's (the live primary the shadow was made from) or the shadow is logically synced
// to it (writes there would fight the subscription).
void check_apply_writes(const ReplayRequest& request);

// Runs the stages over the stream and decides. Throws UnavailableError when a database cannot be reached
// or fails as a server (not when a statement fails: that is a result).
ReplayReport run_replay(const ReplayRequest& request, const QueryStream& stream);

}  // namespace schemaflip::replay
