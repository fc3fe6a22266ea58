// The replay plan: the stages of the traffic split with their thresholds, what a failure means, the seed,
// and how results are compared (schemas/replay_plan.schema.json).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/replay/compare.hpp"

namespace schemaflip::replay {

inline constexpr int k_plan_schema_version = 1;

struct StagePlan {
    double percent = 100.0;           // share of reads routed to the shadow, (0, 100]
    std::uint64_t min_queries = 50;   // compared reads the stage needs before it can pass
    double max_mismatch_rate = 0.0;   // mismatches / compared
    double max_error_rate = 0.0;      // reads that failed on the shadow only / compared
    // shadow p95 / primary p95, each raised to the plan's latency floor first; nullopt: no latency check
    std::optional<double> max_latency_ratio_p95 = 2.0;
};

enum class OnFailure { rollback, hold };
const char* to_string(OnFailure on_failure);

struct ReplayPlan {
    std::vector<StagePlan> stages;  // in order; each covers the next part of the query stream
    OnFailure on_failure = OnFailure::rollback;
    std::uint64_t seed = 1;
    CompareOptions compare;
    int noise_reruns = 1;  // re-runs on the primary of a read whose results differ; 0: no noise cancellation
    // Latencies below this count as this much in latency ratios: sub-millisecond timings are mostly noise.
    double latency_floor_ms = 1.0;
    // A stream too short for a stage's sample is walked again from its start (reads only), up to this many
    // passes over it in all; a stage still short of its sample then is "insufficient" and the run holds.
    std::uint64_t max_passes = 1000;
    // Logically synced shadows: how long a read waits for the shadow to reach the primary's WAL position
    // before it is counted as lagged.
    std::uint64_t sync_wait_ms = 5000;
};

// Stages 1, 5, 25, 50 and 100 percent with the StagePlan defaults.
ReplayPlan default_plan();

// Fields left out take the defaults above. Throws InputError naming the field for anything else.
ReplayPlan plan_from_json(const nlohmann::json& document);
ReplayPlan read_plan(const std::filesystem::path& path);
// The effective plan, every field present (the report carries it).
nlohmann::ordered_json to_json(const ReplayPlan& plan);

}  // namespace schemaflip::replay
