// The replay report (schemas/replay_report.schema.json): the decision and its reason, each stage's counts
// and latencies, the differences grouped by fingerprint and class with a few examples, and the change.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/db/value.hpp"
#include "core/replay/plan.hpp"
#include "core/replay/query_source.hpp"
#include "core/shadow/shadow_manifest.hpp"

namespace schemaflip::replay {

inline constexpr int k_report_schema_version = 1;

enum class Decision { flip, hold, rollback };
const char* to_string(Decision decision);

struct LatencySummary {
    std::uint64_t samples = 0;
    double p50_ms = 0, p95_ms = 0, p99_ms = 0;
};

// aborted: a database became unavailable while the stage ran; its counts are the reads completed until then.
enum class StageStatus { passed, failed, insufficient, aborted, not_run };
const char* to_string(StageStatus status);

struct StageResult {
    StagePlan plan;
    StageStatus status = StageStatus::not_run;
    std::uint64_t first_position = 0;  // the walk positions the stage covered: [first, end)
    std::uint64_t end_position = 0;
    std::uint64_t routed = 0;      // reads sent to both sides
    std::uint64_t compared = 0;    // routed reads that were compared (not lagged)
    std::uint64_t same = 0;        // compared and equal
    std::uint64_t lagged = 0;      // not compared: the synced shadow did not catch up in time
    std::uint64_t noisy = 0;       // the primary disagreed with itself: not counted as a difference
    std::uint64_t mismatches = 0;  // compare.hpp's is_mismatch classes
    std::uint64_t errors = 0;      // reads that failed on the shadow only (error_shadow_only)
    std::map<std::string, std::uint64_t> classes;  // difference class -> reads (not noisy), none left out
    double mismatch_rate = 0, error_rate = 0;
    LatencySummary primary, shadow;
    std::optional<double> latency_ratio_p95;  // floored p95s; nullopt without samples
    std::vector<std::string> failed_checks;   // why a failed stage failed, one phrase each
    std::string routing_digest;
};

struct SideExample {
    bool ok = true;
    std::string error;
    std::string sqlstate;
    std::vector<std::string> columns;
    std::vector<std::vector<db::Value>> rows;  // the first few, long texts cut
    std::uint64_t row_count = 0;               // all rows
};

struct DifferenceExample {
    std::uint64_t position = 0;  // walk position (-1 for writes: they are not routed)
    bool write = false;
    std::string origin;
    std::string sql;
    std::string detail;
    std::optional<SideExample> primary, shadow;  // absent for latency_regression
};

struct DifferenceGroup {
    std::string fingerprint;
    std::string difference;  // a compare.hpp class, "noisy" or "latency_regression"
    bool mismatch = false;   // counts against a stage
    std::string statement;   // normalized text ($1 for literals)
    std::uint64_t count = 0;
    std::vector<DifferenceExample> examples;  // the first three
};

struct WriteSummary {
    bool apply = false;          // --apply-writes
    std::uint64_t in_stream = 0;
    std::uint64_t applied = 0;   // sent to both sides
    std::map<std::string, std::uint64_t> classes;  // outcome differences of the applied writes
};

// Why a run ended early: a side's connection was lost and could not be opened again, or its server failed.
struct Unavailability {
    std::string side;             // primary, shadow, both, or unknown (the failure did not say)
    std::size_t stage = 0;        // 1-based: the stage that was running (aborted)
    std::string error;            // the last failure, one line, redacted
    int reconnect_attempts = 0;   // made before giving up (0 for a write or a failed server)
};

struct ReplayReport {
    Decision decision = Decision::hold;
    std::string reason;
    std::string engine;    // postgresql or sqlite
    std::string primary;   // redacted URLs
    std::string shadow;
    std::string sync = "none";
    std::optional<shadow::AppliedChange> change;  // from the manifest
    ReplayPlan plan;
    std::vector<SourceSummary> sources;
    std::uint64_t reads = 0;  // reads in the stream (one pass)
    std::vector<StageResult> stages;
    WriteSummary writes;
    std::vector<DifferenceGroup> differences;
    std::vector<std::string> flags;  // compatibility flags seen: RESULT_SHAPE_WIDENED, …
    std::optional<Unavailability> unavailable;  // set when a database became unavailable (the run's exit is 4)
};

nlohmann::ordered_json to_json(const ReplayReport& report);
// A short table per stage and the top differences.
std::string render_text(const ReplayReport& report, std::size_t top_differences = 10);
// GitHub Actions annotations: an error per failed stage and per mismatching fingerprint (at the file and
// line its first example came from), a warning or notice per other difference, and the decision.
std::string render_github(const ReplayReport& report);
// A JUnit XML document: one testcase per stage, one failing testcase per mismatching fingerprint.
std::string render_junit(const ReplayReport& report);

}  // namespace schemaflip::replay
