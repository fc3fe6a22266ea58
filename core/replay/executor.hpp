// Internal to core/replay: runs reads on both sides (with noise cancellation and, for a synced shadow,
// the wait for the WAL) and writes on both, over one pair of connections per job.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "core/db/database.hpp"
#include "core/replay/compare.hpp"
#include "core/replay/query_source.hpp"
#include "core/replay/wal_wait.hpp"

namespace schemaflip::replay {

// What became of one routed read.
struct ReadOutcome {
    bool lagged = false;
    bool noisy = false;
    DifferenceClass difference = DifferenceClass::none;
    std::string detail;
    double primary_ms = 0, shadow_ms = 0;
    // Kept only for reads that differ (or are noisy): the examples of the report.
    std::optional<SideResult> primary, shadow;
};

struct WriteOutcome {
    DifferenceClass difference = DifferenceClass::none;
    std::string detail;
    std::optional<SideResult> primary, shadow;  // kept when they differ
};

struct ExecutionSettings {
    CompareOptions compare;
    int noise_reruns = 1;
    std::chrono::milliseconds timeout{0};
    WalWait* wal = nullptr;  // set for a logically synced shadow
    // A read whose shadow time exceeds this ratio of the primary's (both raised to the floor first) is timed
    // once more on both sides, keeping each side's faster run: one descheduled thread or cold page must not
    // read as a regression. 0 turns it off (a plan without latency checks).
    double retime_ratio = 0;
    double latency_floor_ms = 1.0;
};

// One job's connections: read-only readers on both sides, and writers when writes are applied.
struct SidePair {
    std::unique_ptr<db::Database> primary;
    std::unique_ptr<db::Database> shadow;
};

ReadOutcome run_read(SidePair& readers, const Statement& statement, const ExecutionSettings& settings);
WriteOutcome run_write(SidePair& writers, const Statement& statement, const ExecutionSettings& settings);

// Calls work(job, item) for every item in [0, items) on `jobs` threads (inline for one job), each job
// taking the next item; the first exception is rethrown once all threads have stopped.
void run_parallel(std::size_t items, std::size_t jobs, const std::function<void(std::size_t, std::size_t)>& work);

}  // namespace schemaflip::replay
