// Reads and writes on both sides, noise cancellation, and the job pool.
#include "core/replay/executor.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

#include "core/util/interrupt.hpp"

namespace schemaflip::replay {
namespace {

SideResult side_of(db::StatementOutcome&& outcome) {
    SideResult side;
    side.ok = outcome.ok;
    side.error = std::move(outcome.error);
    side.sqlstate = std::move(outcome.sqlstate);
    side.result = std::move(outcome.result);
    return side;
}

double milliseconds(const SideResult& side) {
    return std::chrono::duration<double, std::milli>(side.result.elapsed).count();
}

// Differences worth a second look at the primary: all but a widened shape (its common columns agreed) and
// the same error on both sides (nothing to explain).
bool worth_rerun(DifferenceClass difference) {
    return difference != DifferenceClass::none && difference != DifferenceClass::shape_widened &&
           difference != DifferenceClass::error_both_same;
}

// The primary agrees with itself when it gives the same rows again, or fails again in the same way.
bool agrees(DifferenceClass difference) {
    return difference == DifferenceClass::none || difference == DifferenceClass::error_both_same;
}

bool looks_slower(const ReadOutcome& outcome, const ExecutionSettings& settings) {
    if (settings.retime_ratio <= 0) return false;
    return std::max(outcome.shadow_ms, settings.latency_floor_ms) >
           settings.retime_ratio * std::max(outcome.primary_ms, settings.latency_floor_ms);
}

// Runs the read on both sides at once (it is read-only on both).
std::pair<SideResult, SideResult> read_on_both(SidePair& readers, const Statement& statement, const ExecutionSettings& settings) {
    auto [primary, shadow] = readers.primary->query_read_only_beside(*readers.shadow, statement.sql, settings.timeout);
    return {side_of(std::move(primary)), side_of(std::move(shadow))};
}

// A read that looks slower on the shadow is timed again up to this many times, until it no longer does: on a
// loaded machine one retime still lets a few descheduled reads per hundred through, enough to move a p95,
// while a real regression (a dropped index) looks slower every time and costs three more runs.
constexpr int k_retimes = 3;

// Times the read again on both sides and keeps each side's faster run.
void retime(SidePair& readers, const Statement& statement, const ExecutionSettings& settings, ReadOutcome& outcome) {
    const auto [primary, shadow] = read_on_both(readers, statement, settings);
    outcome.primary_ms = std::min(outcome.primary_ms, milliseconds(primary));
    outcome.shadow_ms = std::min(outcome.shadow_ms, milliseconds(shadow));
}

// A synced shadow must have applied the primary's WAL up to where the primary stood after its read (so it
// holds every commit that read saw), so the two reads happen one after the other; nullopt when the shadow
// did not catch up in time. The position is taken after the read: taken before, a commit landing between
// the two would be in the primary's result and possibly not yet on the shadow.
std::optional<std::pair<SideResult, SideResult>> read_after_wal(SidePair& readers, const Statement& statement,
                                                                const ExecutionSettings& settings) {
    SideResult primary = side_of(readers.primary->query_read_only(statement.sql, settings.timeout));
    const std::uint64_t position = settings.wal->current_position(*readers.primary);
    if (!settings.wal->wait_for(*readers.primary, position)) return std::nullopt;
    SideResult shadow = side_of(readers.shadow->query_read_only(statement.sql, settings.timeout));
    return std::make_pair(std::move(primary), std::move(shadow));
}

// The sides whose connections failed; unknown when neither says so (a failure that is not the connection's).
Side lost_sides(const SidePair& pair) {
    const bool primary = pair.primary && pair.primary->connection_lost();
    const bool shadow = pair.shadow && pair.shadow->connection_lost();
    if (primary && shadow) return Side::both;
    if (primary) return Side::primary;
    if (shadow) return Side::shadow;
    return Side::unknown;
}

// Opens a lost connection again, pausing before each attempt; the last failure when none succeeds.
std::optional<UnavailableError> reopen(db::Database& database) {
    std::optional<UnavailableError> failure;
    for (const auto pause : k_reconnect_pauses) {
        std::this_thread::sleep_for(pause);
        util::throw_if_interrupted("while reconnecting");
        try {
            database.reconnect(k_reconnect_connect_timeout_seconds);
            return std::nullopt;
        } catch (const UnavailableError& error) {
            failure = error;
        }
    }
    return failure;
}

// Whether the connection still gets an answer (a read bounded like any other: a 2 s statement timeout).
bool answers(db::Database& database) {
    if (database.connection_lost()) return false;
    try {
        return database.query_read_only("SELECT 1", std::chrono::milliseconds(2000)).ok;
    } catch (const UnavailableError&) {
        return false;
    }
}

// Reopens every lost connection of the pair; SideUnavailable naming the sides that stay unreachable, or
// the original failure's side when no connection was lost (the server failed, not the connection).
void reopen_lost(SidePair& readers, const UnavailableError& cause) {
    const Side lost = lost_sides(readers);
    if (lost == Side::unknown) throw SideUnavailable(Side::unknown, 0, cause);
    std::optional<UnavailableError> primary_failure, shadow_failure;
    if (readers.primary->connection_lost()) primary_failure = reopen(*readers.primary);
    if (readers.shadow->connection_lost()) shadow_failure = reopen(*readers.shadow);
    // One side is gone for good; the other may have gone with it (one server for both) without having been
    // used since: a short read tells, so the report does not name one side when both are down.
    if (primary_failure && !shadow_failure && !answers(*readers.shadow)) shadow_failure = primary_failure;
    if (shadow_failure && !primary_failure && !answers(*readers.primary)) primary_failure = shadow_failure;
    if (primary_failure && shadow_failure) throw SideUnavailable(Side::both, k_reconnect_attempts, *primary_failure);
    if (primary_failure) throw SideUnavailable(Side::primary, k_reconnect_attempts, *primary_failure);
    if (shadow_failure) throw SideUnavailable(Side::shadow, k_reconnect_attempts, *shadow_failure);
}

ReadOutcome run_read_once(SidePair& readers, const Statement& statement, const ExecutionSettings& settings) {
    ReadOutcome outcome;
    std::pair<SideResult, SideResult> sides;
    if (settings.wal != nullptr) {
        auto synced = read_after_wal(readers, statement, settings);
        if (!synced) {
            outcome.lagged = true;
            return outcome;
        }
        sides = std::move(*synced);
    } else {
        sides = read_on_both(readers, statement, settings);
    }
    auto& [primary, shadow] = sides;
    outcome.primary_ms = milliseconds(primary);
    outcome.shadow_ms = milliseconds(shadow);
    for (int run = 0; run < k_retimes && looks_slower(outcome, settings); ++run) retime(readers, statement, settings, outcome);
    const Comparison comparison = compare_results(primary, shadow, *statement.info, settings.compare);
    outcome.difference = comparison.difference;
    outcome.detail = comparison.detail;
    if (worth_rerun(comparison.difference)) {
        // The primary asked again: if it does not agree with itself (now(), random(), a race with writers),
        // the difference says nothing about the change. A synced shadow may hold commits the primary's read
        // did not see yet: once the writers running now have ended, the primary's second answer shows them
        // all, so a shadow that differs from two equal answers differs because of the change.
        if (settings.wal != nullptr && settings.noise_reruns > 0) settings.wal->wait_for_writers(*readers.primary);
        for (int run = 0; run < settings.noise_reruns && !outcome.noisy; ++run) {
            const SideResult again = side_of(readers.primary->query_read_only(statement.sql, settings.timeout));
            outcome.noisy = !agrees(compare_results(primary, again, *statement.info, settings.compare).difference);
        }
    }
    if (comparison.difference != DifferenceClass::none) {
        outcome.primary = std::move(primary);
        outcome.shadow = std::move(shadow);
    }
    outcome.done = true;
    return outcome;
}

}  // namespace

const char* to_string(Side side) {
    switch (side) {
        case Side::primary: return "primary";
        case Side::shadow: return "shadow";
        case Side::both: return "both";
        case Side::unknown: return "unknown";
    }
    return "unknown";
}

ReadOutcome run_read(SidePair& readers, const Statement& statement, const ExecutionSettings& settings) {
    for (int retry = 0;; ++retry) {
        try {
            return run_read_once(readers, statement, settings);
        } catch (const SideUnavailable&) {
            throw;
        } catch (const UnavailableError& error) {
            if (retry == k_read_retries) throw SideUnavailable(lost_sides(readers), k_reconnect_attempts, error);
            reopen_lost(readers, error);
        }
    }
}

WriteOutcome run_write(SidePair& writers, const Statement& statement, const ExecutionSettings& settings) {
    WriteOutcome outcome;
    // A write is not idempotent: whether a lost connection applied it is unknown, so it is never retried.
    const auto write_on = [&](db::Database& database) {
        try {
            return side_of(database.try_execute(statement.sql, settings.timeout));
        } catch (const UnavailableError& error) {
            throw SideUnavailable(lost_sides(writers), 0, error);
        }
    };
    SideResult primary = write_on(*writers.primary);
    SideResult shadow = write_on(*writers.shadow);
    const Comparison comparison = compare_results(primary, shadow, *statement.info, settings.compare);
    outcome.difference = comparison.difference;
    outcome.detail = comparison.detail;
    if (comparison.difference != DifferenceClass::none) {
        outcome.primary = std::move(primary);
        outcome.shadow = std::move(shadow);
    }
    return outcome;
}

void end_shared_reads(SidePair& readers) noexcept {
    for (db::Database* database : {readers.primary.get(), readers.shadow.get()}) {
        try {
            if (database != nullptr) database->end_shared_reads();
        } catch (const std::exception&) {
            // The connection is marked lost; the next read reopens it or reports the side.
        }
    }
}

void run_parallel(std::size_t items, std::size_t jobs, const std::function<void(std::size_t, std::size_t)>& work,
                  const std::function<void(std::size_t)>& job_done) {
    if (jobs <= 1 || items <= 1) {
        try {
            for (std::size_t item = 0; item < items; ++item) {
                util::throw_if_interrupted("during replay");
                work(0, item);
            }
        } catch (...) {
            job_done(0);
            throw;
        }
        job_done(0);
        return;
    }
    std::atomic<std::size_t> next{0};
    std::mutex failure_mutex;
    std::exception_ptr failure;
    const auto job = [&](std::size_t index) {
        for (std::size_t item = next++; item < items; item = next++) {
            try {
                util::throw_if_interrupted("during replay");
                work(index, item);
            } catch (...) {
                const std::lock_guard lock(failure_mutex);
                if (!failure) failure = std::current_exception();
                next = items;
            }
        }
        job_done(index);
    };
    std::vector<std::thread> threads;
    const std::size_t count = std::min(jobs, items);
    for (std::size_t i = 0; i < count; ++i) threads.emplace_back(job, i);
    for (auto& thread : threads) thread.join();
    if (failure) std::rethrow_exception(failure);
}

}  // namespace schemaflip::replay
