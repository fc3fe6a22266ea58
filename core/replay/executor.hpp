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
#include "core/util/error.hpp"

namespace schemaflip::replay {

// What became of one routed read.
struct ReadOutcome {
    bool done = false;  // run to the end (a batch cut short by a failure leaves some not done)
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

// A lost read connection is opened again up to this many times, after these pauses, each connect attempt
// limited to k_reconnect_connect_timeout_seconds (libpq's minimum): a side that cannot be reached again is
// given up within about 1.7 s of pauses plus 3 × 2 s of connect attempts. The read is then run again on
// both sides (it is read-only, so running it twice is harmless), at most k_read_retries times.
inline constexpr int k_reconnect_attempts = 3;
inline constexpr std::chrono::milliseconds k_reconnect_pauses[k_reconnect_attempts] = {
    std::chrono::milliseconds(200), std::chrono::milliseconds(500), std::chrono::milliseconds(1000)};
inline constexpr int k_reconnect_connect_timeout_seconds = 2;
inline constexpr int k_read_retries = 2;

// Which side(s) of a pair a failure is about.
enum class Side { primary, shadow, both, unknown };
const char* to_string(Side side);

// A side became unavailable: its connection was lost and could not be opened again (reads), or it was lost
// at all (writes: not idempotent, so never retried), or its server failed.
class SideUnavailable : public UnavailableError {
public:
    SideUnavailable(Side side, int reconnect_attempts, const UnavailableError& cause)
        : UnavailableError(cause.what(), cause.reason(), cause.help()), m_side(side), m_attempts(reconnect_attempts) {}
    Side side() const noexcept { return m_side; }
    int reconnect_attempts() const noexcept { return m_attempts; }

private:
    Side m_side;
    int m_attempts;
};

// Runs a read on both sides and compares. A lost connection is reopened and the read run again (see
// k_reconnect_attempts); SideUnavailable when that fails. InterruptedError on SIGINT/SIGTERM.
ReadOutcome run_read(SidePair& readers, const Statement& statement, const ExecutionSettings& settings);
// Runs a write on both sides; a lost connection or failed server is SideUnavailable at once (no retry).
WriteOutcome run_write(SidePair& writers, const Statement& statement, const ExecutionSettings& settings);

// Calls work(job, item) for every item in [0, items) on `jobs` threads (inline for one job), each job
// taking the next item, then job_done(job) on each job's thread once it has no item left (also after a
// failure); the first exception is rethrown once all threads have stopped. Every item is preceded by a
// look at the interrupt flag (InterruptedError).
void run_parallel(std::size_t items, std::size_t jobs, const std::function<void(std::size_t, std::size_t)>& work,
                  const std::function<void(std::size_t)>& job_done);

// Ends the read-only transactions the pair's reads share (db::Database::end_shared_reads), so none stays
// open while the job waits; a connection that fails doing so is left for the next read to find.
void end_shared_reads(SidePair& readers) noexcept;

}  // namespace schemaflip::replay
