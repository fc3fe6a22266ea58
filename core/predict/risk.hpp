// The impact of a candidate change (0–100) and its risk (likelihood × impact): the lock it takes and for
// how long (PostgreSQL 15 semantics, the table's size), the traffic the lock blocks (workload share), and
// the queries it breaks. The formula, with its constants, is in schemaflip-predict(1), "RISK".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/predict/candidates.hpp"
#include "core/predict/predictions_inputs.hpp"
#include "core/schema/snapshot.hpp"
#include "core/sql/lock_levels.hpp"

namespace schemaflip::predict {

// Throughputs that turn a table's bytes into seconds under the lock, and the seconds that count as the
// worst case: a full read at 200 MB/s, a rewrite (read, write, rebuild the indexes) at 50 MB/s, and ten
// minutes of a blocked table.
inline constexpr double k_scan_bytes_per_second = 200e6;
inline constexpr double k_rewrite_bytes_per_second = 50e6;
inline constexpr double k_worst_lock_seconds = 600;
// A lock that blocks reads or writes counts at least this much, however brief: every later statement on
// the table queues behind it while it waits for transactions already running.
inline constexpr double k_lock_queue_floor = 0.1;
// When a snapshot has rows but no size (an engine that does not tell), rows × this many bytes.
inline constexpr double k_bytes_per_row_guess = 100;

struct BrokenQuery {
    std::string fingerprint;
    std::string kind;  // read, write, ...
    std::uint64_t count = 0;
    std::string why;   // "uses dropped column x", "SELECT * gains a column"
    bool widened = false;  // the result gains a column (SELECT *) rather than failing
};

struct Impact {
    sql::LockLevel lock;
    sql::BlockedStatements blocks = sql::BlockedStatements::none;
    std::optional<std::int64_t> rows;   // null without a snapshot, or for a table it does not have
    std::optional<std::int64_t> bytes;
    double estimated_lock_seconds = 0;
    double duration_part = 0;
    std::optional<double> statement_share;  // of the table in the workload; null without a profile
    double blocked_share = 0;   // of the analysed statements that the lock blocks (1 assumed without a profile)
    bool traffic_assumed = false;
    double lock_part = 0;       // sqrt(blocked_share) × max(duration_part, floor)
    std::vector<BrokenQuery> broken;  // sorted by count, descending, then fingerprint
    double broken_share = 0;    // executions of failing queries over analysed statements
    double widened_share = 0;   // executions of SELECT * readers that gain a column
    double break_part = 0;
    double score = 0;           // 100 × (1 − (1 − lock_part)(1 − break_part))
};

Impact assess_impact(const Candidate& candidate, const schema::SchemaSnapshot* snapshot, const Workload* workload);

// likelihood × impact, rounded to one decimal: 0–100.
double risk_score(double likelihood, const Impact& impact);

}  // namespace schemaflip::predict
