// Reads and writes on both sides, noise cancellation, and the job pool.
#include "core/replay/executor.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

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

// Times the read again on both sides and keeps each side's faster run.
void retime(SidePair& readers, const Statement& statement, const ExecutionSettings& settings, ReadOutcome& outcome) {
    const auto [primary, shadow] = read_on_both(readers, statement, settings);
    outcome.primary_ms = std::min(outcome.primary_ms, milliseconds(primary));
    outcome.shadow_ms = std::min(outcome.shadow_ms, milliseconds(shadow));
}

// A synced shadow must have applied the primary's WAL up to where the primary stood before its read, so the
// two reads happen one after the other; nullopt when the shadow did not catch up in time.
std::optional<std::pair<SideResult, SideResult>> read_after_wal(SidePair& readers, const Statement& statement,
                                                                const ExecutionSettings& settings) {
    const std::uint64_t position = settings.wal->current_position(*readers.primary);
    SideResult primary = side_of(readers.primary->query_read_only(statement.sql, settings.timeout));
    if (!settings.wal->wait_for(*readers.primary, position)) return std::nullopt;
    SideResult shadow = side_of(readers.shadow->query_read_only(statement.sql, settings.timeout));
    return std::make_pair(std::move(primary), std::move(shadow));
}

}  // namespace

ReadOutcome run_read(SidePair& readers, const Statement& statement, const ExecutionSettings& settings) {
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
    if (looks_slower(outcome, settings)) retime(readers, statement, settings, outcome);
    const Comparison comparison = compare_results(primary, shadow, *statement.info, settings.compare);
    outcome.difference = comparison.difference;
    outcome.detail = comparison.detail;
    if (worth_rerun(comparison.difference)) {
        // The primary asked again: if it does not agree with itself (now(), random(), a race with writers),
        // the difference says nothing about the change.
        for (int run = 0; run < settings.noise_reruns && !outcome.noisy; ++run) {
            const SideResult again = side_of(readers.primary->query_read_only(statement.sql, settings.timeout));
            outcome.noisy = !agrees(compare_results(primary, again, *statement.info, settings.compare).difference);
        }
    }
    if (comparison.difference != DifferenceClass::none) {
        outcome.primary = std::move(primary);
        outcome.shadow = std::move(shadow);
    }
    return outcome;
}

WriteOutcome run_write(SidePair& writers, const Statement& statement, const ExecutionSettings& settings) {
    WriteOutcome outcome;
    SideResult primary = side_of(writers.primary->try_execute(statement.sql, settings.timeout));
    SideResult shadow = side_of(writers.shadow->try_execute(statement.sql, settings.timeout));
    const Comparison comparison = compare_results(primary, shadow, *statement.info, settings.compare);
    outcome.difference = comparison.difference;
    outcome.detail = comparison.detail;
    if (comparison.difference != DifferenceClass::none) {
        outcome.primary = std::move(primary);
        outcome.shadow = std::move(shadow);
    }
    return outcome;
}

void run_parallel(std::size_t items, std::size_t jobs, const std::function<void(std::size_t, std::size_t)>& work) {
    if (jobs <= 1 || items <= 1) {
        for (std::size_t item = 0; item < items; ++item) work(0, item);
        return;
    }
    std::atomic<std::size_t> next{0};
    std::mutex failure_mutex;
    std::exception_ptr failure;
    const auto job = [&](std::size_t index) {
        for (std::size_t item = next++; item < items; item = next++) {
            try {
                work(index, item);
            } catch (...) {
                const std::lock_guard lock(failure_mutex);
                if (!failure) failure = std::current_exception();
                next = items;
            }
        }
    };
    std::vector<std::thread> threads;
    const std::size_t count = std::min(jobs, items);
    for (std::size_t i = 0; i < count; ++i) threads.emplace_back(job, i);
    for (auto& thread : threads) thread.join();
    if (failure) std::rethrow_exception(failure);
}

}  // namespace schemaflip::replay
