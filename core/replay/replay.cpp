// run_replay(): the stages over the query stream, the accounting of every routed read, and the decision.
#include "core/replay/replay.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>

#include "core/db/postgres_database.hpp"
#include "core/db/url.hpp"
#include "core/replay/executor.hpp"
#include "core/replay/latency.hpp"
#include "core/replay/splitter.hpp"
#include "core/util/error.hpp"

namespace schemaflip::replay {
namespace {

constexpr std::size_t k_examples = 3;
constexpr std::size_t k_example_rows = 5;
constexpr std::size_t k_example_text = 200;
constexpr std::uint64_t k_latency_min_samples = 5;
// Reads run between two progress reports. A barrier for the parallel jobs each time, so not too small; a
// stage of 100k reads still reports a few hundred times.
constexpr std::size_t k_progress_batch = 512;

// The lowest max_latency_ratio_p95 of the plan's stages; none when no stage checks latency.
std::optional<double> strictest_latency_ratio(const ReplayPlan& plan) {
    std::optional<double> limit;
    for (const auto& stage : plan.stages) {
        if (stage.max_latency_ratio_p95) limit = std::min(limit.value_or(*stage.max_latency_ratio_p95), *stage.max_latency_ratio_p95);
    }
    return limit;
}

// A manifest's URL is redacted: for PostgreSQL its *** is dropped so libpq takes the password from
// PGPASSWORD or ~/.pgpass, as `shadow status` and `down` do.
std::string openable(const std::string& redacted) {
    const auto url = db::parse_database_url(redacted);
    if (url.engine != db::Engine::postgres) return redacted;
    return db::postgres_conninfo_for_database(url.target, db::postgres_database_name(url.target));
}

bool same_database(const db::DatabaseUrl& a, const db::DatabaseUrl& b) {
    if (a.engine == db::Engine::sqlite) {
        std::error_code error;
        return a.target == b.target || std::filesystem::equivalent(a.target, b.target, error);
    }
    return a.redacted == b.redacted;
}

std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.4g", value);
    return text;
}

// Cuts at a UTF-8 boundary, so the report stays valid text.
std::string cut(const std::string& text) {
    if (text.size() <= k_example_text) return text;
    std::size_t end = k_example_text;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    return text.substr(0, end) + "…";
}

// Which databases became unavailable, as a phrase: "the shadow became unavailable".
std::string unavailable_phrase(const std::string& side) {
    if (side == "both") return "the primary and the shadow became unavailable";
    if (side == "primary" || side == "shadow") return "the " + side + " became unavailable";
    return "a database failed";
}

SideExample example_side(const SideResult& side) {
    SideExample example;
    example.ok = side.ok;
    example.error = side.error;
    example.sqlstate = side.sqlstate;
    for (const auto& column : side.result.columns) example.columns.push_back(column.name);
    example.row_count = side.result.rows.size();
    for (std::size_t i = 0; i < side.result.rows.size() && i < k_example_rows; ++i) {
        std::vector<db::Value> row = side.result.rows[i];
        for (auto& value : row) {
            if (value.kind != db::ValueKind::bytes) value.text = cut(value.text);
        }
        example.rows.push_back(std::move(row));
    }
    return example;
}

// The differences of the whole run, grouped by fingerprint and class, with the first examples of each.
class DifferenceBook {
public:
    void add(const Statement& statement, const std::string& difference, bool mismatch, DifferenceExample example) {
        DifferenceGroup& group = group_of(statement, difference, mismatch);
        ++group.count;
        if (group.examples.size() < k_examples) group.examples.push_back(std::move(example));
    }

    // A group known as a whole: `count` reads, these examples.
    void add_group(const Statement& statement, const std::string& difference, std::uint64_t count,
                   std::vector<DifferenceExample> examples) {
        DifferenceGroup& group = group_of(statement, difference, false);
        group.count += count;
        group.examples = std::move(examples);
    }

    std::vector<DifferenceGroup> take() && {
        std::stable_sort(m_groups.begin(), m_groups.end(), [](const DifferenceGroup& a, const DifferenceGroup& b) {
            if (a.mismatch != b.mismatch) return a.mismatch;
            if (a.count != b.count) return a.count > b.count;
            if (a.fingerprint != b.fingerprint) return a.fingerprint < b.fingerprint;
            return a.difference < b.difference;
        });
        return std::move(m_groups);
    }

private:
    DifferenceGroup& group_of(const Statement& statement, const std::string& difference, bool mismatch) {
        const std::string& fingerprint = statement.info->fingerprint_hex;
        auto [it, inserted] = m_index.try_emplace({fingerprint, difference}, m_groups.size());
        if (inserted) {
            const std::string& normalized = statement.info->normalized;
            m_groups.push_back({fingerprint, difference, mismatch, normalized.empty() ? cut(statement.sql) : normalized, 0, {}});
        }
        return m_groups[it->second];
    }

    std::map<std::pair<std::string, std::string>, std::size_t> m_index;
    std::vector<DifferenceGroup> m_groups;
};

// Per fingerprint, the compared reads' latencies on both sides, for latency_regression.
struct FingerprintLatency {
    Statement statement;  // the first read of the fingerprint: what its group shows
    util::DurationHistogram primary, shadow;
    std::vector<DifferenceExample> examples;
};

// What a stage gathers as its reads are accounted: the routing as run and both sides' latencies, in
// memory that does not grow with the number of reads.
struct StageTally {
    RoutingDigest digest;
    std::optional<std::uint64_t> last_routed;
    util::DurationHistogram primary_ms, shadow_ms;
};

// A routed read as the walk fetched it, with the writes the stream holds between it and the read fetched
// before it (only on the first pass over the stream, and only when writes are applied).
struct Step {
    std::uint64_t position = 0;
    std::vector<Statement> writes_before;
    Statement read;
};

// The statements at the walk's positions, fetched by walking the stream forward with one cursor, again from
// its start when a position wraps around: positions only grow, so nothing is held but the cursor's buffer.
class StreamWalker {
public:
    StreamWalker(const QueryStream& stream, bool keep_writes) : m_stream(stream), m_cursor(stream.cursor()), m_keep_writes(keep_writes) {}

    Step fetch(std::uint64_t position) {
        Step step;
        step.position = position;
        const std::uint64_t pass = position / m_stream.read_count();
        const std::uint64_t target = position % m_stream.read_count();
        if (pass != m_pass) {
            // The rest of the first pass's writes come before the second pass's first read.
            if (m_pass == 0) advance(std::nullopt, step);
            m_cursor = m_stream.cursor();
            m_pass = pass;
            m_next_read = 0;
        }
        advance(target, step);
        return step;
    }

private:
    // Moves the cursor past read number `target` into step.read (or to the stream's end).
    void advance(std::optional<std::uint64_t> target, Step& step) {
        Statement statement;
        while (m_cursor.next(statement)) {
            if (statement.write) {
                if (m_keep_writes && m_pass == 0) step.writes_before.push_back(std::move(statement));
            } else if (target && m_next_read++ == *target) {
                step.read = std::move(statement);
                return;
            }
        }
        if (target) throw std::logic_error("the query stream ended before read " + std::to_string(*target));
    }

    const QueryStream& m_stream;
    QueryStream::Cursor m_cursor;
    bool m_keep_writes;
    std::uint64_t m_pass = 0;
    std::uint64_t m_next_read = 0;  // the number of the read the cursor passes next, in this pass
};

class Replayer {
public:
    Replayer(const ReplayRequest& request, const QueryStream& stream)
        : m_request(request), m_stream(stream), m_walker(stream, request.apply_writes && stream.write_count() > 0) {}

    ReplayReport run();

private:
    void open_connections();
    SidePair open_pair(const db::OpenOptions& options) const;
    StageResult run_stage(const StagePlan& plan, bool last);
    void run_batch(StageResult& stage, const std::vector<std::uint64_t>& positions, StageTally& tally);
    void execute(std::vector<Step>& steps, std::vector<ReadOutcome>& outcomes);
    void note_unavailable(const UnavailableError& error);
    void summarize(StageResult& stage, const StageTally& tally) const;
    void apply_writes(std::vector<Statement>& writes);
    void account(StageResult& stage, const std::vector<Step>& steps, std::vector<ReadOutcome>& outcomes, StageTally& tally,
                 bool done_only);
    void judge(StageResult& stage, const StageTally& tally) const;
    void add_latency_regressions();
    void decide(ReplayReport& report) const;

    const ReplayRequest& m_request;
    const QueryStream& m_stream;
    StreamWalker m_walker;
    std::vector<SidePair> m_readers;
    SidePair m_writers;
    std::unique_ptr<WalWait> m_wal;
    ExecutionSettings m_settings;
    std::uint64_t m_position = 0;  // the next walk position
    DifferenceBook m_book;
    WriteSummary m_write_summary;
    std::map<std::string, FingerprintLatency> m_latency;  // by fingerprint: a deterministic order
    std::vector<StageResult> m_stages;
    std::optional<Unavailability> m_unavailable;
};

// Every connection replay opens says so in pg_stat_activity (unless the URL names an application), so a
// DBA can tell them apart, and a test can drop them.
constexpr const char* k_application_name = "schemaflip replay";

// One connection to each side; SideUnavailable naming the side that cannot be reached.
SidePair Replayer::open_pair(const db::OpenOptions& options) const {
    const auto open = [&](const std::string& url, Side side) {
        try {
            return m_request.open(url, options);
        } catch (const UnavailableError& error) {
            throw SideUnavailable(side, 0, error);
        }
    };
    SidePair pair;
    pair.primary = open(m_request.endpoints.primary, Side::primary);
    pair.shadow = open(m_request.endpoints.shadow, Side::shadow);
    return pair;
}

void Replayer::open_connections() {
    const auto& endpoints = m_request.endpoints;
    db::OpenOptions reader;
    reader.read_only = true;
    reader.application_name = k_application_name;
    const auto jobs = static_cast<std::size_t>(std::max(1, m_request.jobs));
    for (std::size_t i = 0; i < jobs; ++i) m_readers.push_back(open_pair(reader));
    if (m_request.apply_writes && m_stream.write_count() > 0) {
        db::OpenOptions writer;
        writer.application_name = k_application_name;
        m_writers = open_pair(writer);
    }
    const auto& manifest = endpoints.manifest;
    if (manifest && manifest->sync == "logical") {
        std::string slot;
        for (const auto& object : manifest->created) {
            if (object.type == "slot") slot = object.name;
        }
        if (slot.empty()) throw InputError("the shadow manifest says sync logical but records no replication slot");
        m_wal = std::make_unique<WalWait>(slot, std::chrono::milliseconds(m_request.plan.sync_wait_ms));
    }
    m_settings = {m_request.plan.compare, m_request.plan.noise_reruns, m_request.query_timeout, m_wal.get()};
    m_settings.retime_ratio = strictest_latency_ratio(m_request.plan).value_or(0);
    m_settings.latency_floor_ms = m_request.plan.latency_floor_ms;
}

void Replayer::apply_writes(std::vector<Statement>& writes) {
    for (const Statement& statement : writes) {
        WriteOutcome outcome = run_write(m_writers, statement, m_settings);
        ++m_write_summary.applied;
        if (outcome.difference == DifferenceClass::none) continue;
        const std::string name = to_string(outcome.difference);
        ++m_write_summary.classes[name];
        DifferenceExample example{0, true, origin_of(m_stream, statement), cut(statement.sql), outcome.detail,
                                  example_side(*outcome.primary), example_side(*outcome.shadow)};
        m_book.add(statement, name, is_mismatch(outcome.difference), std::move(example));
    }
}

// Reads between two writes run in parallel; a write waits until the reads before it are done and runs
// before the reads after it, on both sides, so each side sees the log's order.
void Replayer::execute(std::vector<Step>& steps, std::vector<ReadOutcome>& outcomes) {
    outcomes.assign(steps.size(), {});
    std::size_t begin = 0;
    while (begin < steps.size()) {
        apply_writes(steps[begin].writes_before);
        std::size_t end = begin + 1;
        while (end < steps.size() && steps[end].writes_before.empty()) ++end;
        run_parallel(
            end - begin, m_readers.size(),
            [&](std::size_t job, std::size_t item) {
                outcomes[begin + item] = run_read(m_readers[job], steps[begin + item].read, m_settings);
            },
            [&](std::size_t job) { end_shared_reads(m_readers[job]); });
        begin = end;
    }
}

// Counts the batch's reads into the stage; with `done_only` (a batch cut short) only those run to the end.
void Replayer::account(StageResult& stage, const std::vector<Step>& steps, std::vector<ReadOutcome>& outcomes, StageTally& tally,
                       bool done_only) {
    for (std::size_t i = 0; i < steps.size() && i < outcomes.size(); ++i) {
        ReadOutcome& outcome = outcomes[i];
        if (done_only && !outcome.done) continue;
        const Statement& statement = steps[i].read;
        const std::uint64_t position = steps[i].position;
        tally.digest.add(position);
        tally.last_routed = position;
        ++stage.routed;
        if (outcome.lagged) {
            ++stage.lagged;
            continue;
        }
        ++stage.compared;
        tally.primary_ms.add(outcome.primary_ms);
        tally.shadow_ms.add(outcome.shadow_ms);
        auto [found, first] = m_latency.try_emplace(statement.info->fingerprint_hex);
        auto& latency = found->second;
        if (first) latency.statement = statement;
        latency.primary.add(outcome.primary_ms);
        latency.shadow.add(outcome.shadow_ms);
        if (latency.examples.size() < k_examples) {
            latency.examples.push_back({position, false, origin_of(m_stream, statement), cut(statement.sql),
                                        "primary " + number(outcome.primary_ms) + " ms, shadow " + number(outcome.shadow_ms) + " ms",
                                        std::nullopt, std::nullopt});
        }
        if (outcome.difference == DifferenceClass::none) {
            ++stage.same;
            continue;
        }
        DifferenceExample example{position, false, origin_of(m_stream, statement), cut(statement.sql), outcome.detail,
                                  example_side(*outcome.primary), example_side(*outcome.shadow)};
        if (outcome.noisy) {
            ++stage.noisy;
            m_book.add(statement, "noisy", false, std::move(example));
            continue;
        }
        const std::string name = to_string(outcome.difference);
        ++stage.classes[name];
        if (is_mismatch(outcome.difference)) ++stage.mismatches;
        // Failures on both sides are the query's own, not the change's: they are reported, not counted.
        if (outcome.difference == DifferenceClass::error_shadow_only) ++stage.errors;
        m_book.add(statement, name, is_mismatch(outcome.difference), std::move(example));
    }
}

void Replayer::note_unavailable(const UnavailableError& error) {
    Unavailability unavailable;
    const auto* side = dynamic_cast<const SideUnavailable*>(&error);
    unavailable.side = to_string(side ? side->side() : Side::unknown);
    unavailable.reconnect_attempts = side ? side->reconnect_attempts() : 0;
    unavailable.stage = m_stages.size() + 1;
    unavailable.error = error.what();
    if (!error.reason().empty()) unavailable.error += ": " + error.reason();
    for (char& c : unavailable.error) {
        if (c == '\n' || c == '\r') c = ' ';
    }
    m_unavailable = std::move(unavailable);
}

void Replayer::summarize(StageResult& stage, const StageTally& tally) const {
    const auto compared = static_cast<double>(stage.compared);
    stage.mismatch_rate = stage.compared ? static_cast<double>(stage.mismatches) / compared : 0.0;
    stage.error_rate = stage.compared ? static_cast<double>(stage.errors) / compared : 0.0;
    stage.primary = summarize_latency(tally.primary_ms);
    stage.shadow = summarize_latency(tally.shadow_ms);
    if (stage.compared > 0) {
        stage.latency_ratio_p95 = latency_ratio(stage.shadow.p95_ms, stage.primary.p95_ms, m_request.plan.latency_floor_ms);
    }
}

void Replayer::judge(StageResult& stage, const StageTally& tally) const {
    summarize(stage, tally);
    if (stage.compared < stage.plan.min_queries) {
        stage.status = StageStatus::insufficient;
        return;
    }
    if (stage.mismatch_rate > stage.plan.max_mismatch_rate) {
        stage.failed_checks.push_back("mismatch rate " + number(stage.mismatch_rate) + " above " + number(stage.plan.max_mismatch_rate));
    }
    if (stage.error_rate > stage.plan.max_error_rate) {
        stage.failed_checks.push_back("error rate " + number(stage.error_rate) + " above " + number(stage.plan.max_error_rate));
    }
    if (stage.plan.max_latency_ratio_p95 && stage.latency_ratio_p95 && *stage.latency_ratio_p95 > *stage.plan.max_latency_ratio_p95) {
        stage.failed_checks.push_back("p95 latency ratio " + number(*stage.latency_ratio_p95) + " above " +
                                      number(*stage.plan.max_latency_ratio_p95));
    }
    stage.status = stage.failed_checks.empty() ? StageStatus::passed : StageStatus::failed;
}

// Runs one batch of routed reads (between two progress reports) and counts it into the stage. The batches
// keep the walk's order and writes still run between the reads around them, so the outcome is that of one
// long run.
void Replayer::run_batch(StageResult& stage, const std::vector<std::uint64_t>& positions, StageTally& tally) {
    std::vector<Step> steps;
    steps.reserve(positions.size());
    for (const auto position : positions) steps.push_back(m_walker.fetch(position));
    std::vector<ReadOutcome> outcomes;
    try {
        execute(steps, outcomes);
    } catch (const UnavailableError&) {
        // The reads of the batch that did complete are counted: the aborted stage shows what was compared.
        account(stage, steps, outcomes, tally, true);
        throw;
    }
    account(stage, steps, outcomes, tally, false);
    m_request.progress({m_stages.size() + 1, m_request.plan.stages.size(), stage.plan.percent, stage.compared,
                        stage.plan.min_queries, false});
}

StageResult Replayer::run_stage(const StagePlan& plan, bool last) {
    StageResult stage;
    stage.plan = plan;
    stage.first_position = m_position;
    const std::uint64_t reads = m_stream.read_count();
    const std::uint64_t bound = m_request.plan.max_passes * reads;
    std::uint64_t wanted = plan.min_queries;
    std::uint64_t reach = last ? std::max(reads, m_position) : m_position;
    StageTally tally;
    try {
        // Lagged reads are not compared, so a stage walks on until it has its sample or the stream's bound.
        for (;;) {
            Walker walker(m_request.plan.seed, plan.percent, m_position, wanted, reach, bound);
            bool routed_any = false;
            for (auto batch = walker.next(k_progress_batch); !batch.empty(); batch = walker.next(k_progress_batch)) {
                routed_any = true;
                run_batch(stage, batch, tally);
            }
            m_position = walker.position();
            if (stage.compared >= plan.min_queries || m_position >= bound || !routed_any) break;
            wanted = plan.min_queries - stage.compared;
            reach = m_position;
        }
    } catch (const UnavailableError& error) {
        // Counted as far as it went, and marked as such: an aborted stage neither passed nor failed its checks.
        note_unavailable(error);
        stage.end_position = tally.last_routed ? *tally.last_routed + 1 : stage.first_position;
        m_position = stage.end_position;
        stage.routing_digest = tally.digest.hex();
        summarize(stage, tally);
        stage.status = StageStatus::aborted;
        stage.failed_checks.push_back(std::string("aborted: ") + unavailable_phrase(m_unavailable->side));
        return stage;
    }
    m_request.progress({m_stages.size() + 1, m_request.plan.stages.size(), plan.percent, stage.compared, plan.min_queries, true});
    stage.end_position = m_position;
    stage.routing_digest = tally.digest.hex();
    judge(stage, tally);
    return stage;
}

// A fingerprint whose shadow p95 exceeds the plan's strictest latency ratio, over enough reads.
void Replayer::add_latency_regressions() {
    const auto limit = strictest_latency_ratio(m_request.plan);
    if (!limit) return;
    for (auto& [fingerprint, latency] : m_latency) {
        if (latency.primary.count() < k_latency_min_samples) continue;
        const double primary = summarize_latency(latency.primary).p95_ms;
        const double shadow = summarize_latency(latency.shadow).p95_ms;
        const double ratio = latency_ratio(shadow, primary, m_request.plan.latency_floor_ms);
        if (ratio <= *limit) continue;
        for (auto& example : latency.examples) {
            example.detail = "p95 " + number(shadow) + " ms on the shadow, " + number(primary) + " ms on the primary (ratio " +
                             number(ratio) + "); this read: " + example.detail;
        }
        m_book.add_group(latency.statement, "latency_regression", latency.primary.count(), std::move(latency.examples));
    }
}

std::vector<std::string> flags_of(const std::vector<DifferenceGroup>& groups) {
    static const std::map<std::string, std::string> k_flags = {
        {"shape_widened", "RESULT_SHAPE_WIDENED"}, {"shape_narrowed", "RESULT_SHAPE_NARROWED"},
        {"value_mismatch", "VALUES_CHANGE"},       {"row_count_mismatch", "VALUES_CHANGE"},
        {"error_shadow_only", "READERS_BREAK"},
    };
    std::set<std::string> flags;
    for (const auto& group : groups) {
        const auto found = k_flags.find(group.difference);
        if (found == k_flags.end()) continue;
        const bool write = !group.examples.empty() && group.examples.front().write;
        flags.insert(write && group.difference == "error_shadow_only" ? "WRITERS_BREAK" : found->second);
    }
    return {flags.begin(), flags.end()};
}

std::string stage_name(std::size_t index, const StageResult& stage) {
    return "stage " + std::to_string(index + 1) + " (" + number(stage.plan.percent) + "%)";
}

void Replayer::decide(ReplayReport& report) const {
    if (m_stream.read_count() == 0) {
        report.decision = Decision::hold;
        report.reason = "no read to compare: the queries hold " + std::to_string(m_stream.write_count()) +
                        " writes and no plain read";
        return;
    }
    if (m_unavailable) {
        // Nothing says the change is safe: the plan's answer to a failure, and exit 4 from the CLI.
        report.decision = m_request.plan.on_failure == OnFailure::rollback ? Decision::rollback : Decision::hold;
        const std::size_t index = m_unavailable->stage - 1;
        report.reason = stage_name(index, m_stages.at(index)) + " aborted: " + unavailable_phrase(m_unavailable->side) + " (" +
                        m_unavailable->error + ")";
        return;
    }
    std::uint64_t compared = 0;
    std::uint64_t mismatches = 0;
    for (std::size_t i = 0; i < m_stages.size(); ++i) {
        const StageResult& stage = m_stages[i];
        compared += stage.compared;
        mismatches += stage.mismatches;
        if (stage.status == StageStatus::insufficient) {
            report.decision = Decision::hold;
            report.reason = stage_name(i, stage) + " compared " + std::to_string(stage.compared) + " of the " +
                            std::to_string(stage.plan.min_queries) + " reads it needs after " +
                            std::to_string(m_request.plan.max_passes) + " passes over " + std::to_string(m_stream.read_count()) +
                            " reads; give more queries or a smaller min_queries";
            return;
        }
        if (stage.status == StageStatus::failed) {
            report.decision = m_request.plan.on_failure == OnFailure::rollback ? Decision::rollback : Decision::hold;
            std::string checks;
            for (const auto& check : stage.failed_checks) checks += (checks.empty() ? "" : "; ") + check;
            std::string classes;
            for (const auto& [name, count] : stage.classes) classes += (classes.empty() ? "" : ", ") + name + " " + std::to_string(count);
            report.reason = stage_name(i, stage) + " failed: " + checks + (classes.empty() ? "" : " (" + classes + ")");
            return;
        }
    }
    report.decision = Decision::flip;
    report.reason = "all " + std::to_string(m_stages.size()) + " stages passed: " + std::to_string(compared) + " reads compared, " +
                    std::to_string(mismatches) + " mismatches";
}

ReplayReport Replayer::run() {
    ReplayReport report;
    const auto& endpoints = m_request.endpoints;
    report.engine = db::to_string(db::parse_database_url(endpoints.primary).engine);
    report.primary = endpoints.primary_shown;
    report.shadow = endpoints.shadow_shown;
    if (endpoints.manifest) {
        report.sync = endpoints.manifest->sync;
        if (!endpoints.manifest->changes.empty()) report.change = endpoints.manifest->changes.front();
    }
    report.plan = m_request.plan;
    report.sources = m_stream.sources;
    report.reads = m_stream.read_count();
    m_write_summary.apply = m_request.apply_writes;
    m_write_summary.in_stream = m_stream.write_count();

    // A database that cannot be reached at the start is an error (exit 4, no report): nothing was compared.
    // One lost later ends the run with a report of what was (note_unavailable).
    if (m_stream.read_count() > 0) {
        open_connections();
        const auto& stages = m_request.plan.stages;
        for (std::size_t i = 0; i < stages.size(); ++i) {
            m_stages.push_back(run_stage(stages[i], i + 1 == stages.size()));
            if (m_stages.back().status != StageStatus::passed) break;
        }
        add_latency_regressions();
    }
    for (std::size_t i = m_stages.size(); i < m_request.plan.stages.size(); ++i) {
        StageResult not_run;
        not_run.plan = m_request.plan.stages[i];
        not_run.first_position = not_run.end_position = m_position;
        not_run.routing_digest = RoutingDigest().hex();
        m_stages.push_back(std::move(not_run));
    }
    decide(report);
    report.stages = std::move(m_stages);
    report.writes = std::move(m_write_summary);
    report.differences = std::move(m_book).take();
    report.flags = flags_of(report.differences);
    report.unavailable = m_unavailable;
    return report;
}

}  // namespace

Endpoints resolve_endpoints(const std::optional<shadow::ShadowManifest>& manifest, const std::string& primary,
                            const std::string& shadow) {
    Endpoints endpoints;
    endpoints.manifest = manifest;
    if (manifest) {
        endpoints.primary = primary.empty() ? openable(manifest->primary) : primary;
        endpoints.shadow = shadow.empty() ? openable(manifest->shadow) : shadow;
        endpoints.primary_shown = primary.empty() ? manifest->primary : db::parse_database_url(primary).redacted;
        endpoints.shadow_shown = shadow.empty() ? manifest->shadow : db::parse_database_url(shadow).redacted;
        endpoints.primary_from_manifest = endpoints.primary_shown == manifest->primary;
    } else {
        if (primary.empty() || shadow.empty()) {
            throw UsageError("replay needs --shadow-manifest, or both --primary and --shadow");
        }
        endpoints.primary = primary;
        endpoints.shadow = shadow;
        endpoints.primary_shown = db::parse_database_url(primary).redacted;
        endpoints.shadow_shown = db::parse_database_url(shadow).redacted;
    }
    const auto primary_url = db::parse_database_url(endpoints.primary);
    const auto shadow_url = db::parse_database_url(endpoints.shadow);
    if (primary_url.engine != shadow_url.engine) {
        throw UsageError("the primary and the shadow must be the same engine",
                         std::string("the primary is ") + db::to_string(primary_url.engine) + ", the shadow " +
                             db::to_string(shadow_url.engine));
    }
    if (same_database(primary_url, shadow_url)) {
        throw UsageError("the shadow is the primary", "both name " + endpoints.primary_shown);
    }
    return endpoints;
}

void check_apply_writes(const ReplayRequest& request) {
    if (!request.apply_writes) return;
    const auto& endpoints = request.endpoints;
    if (endpoints.manifest && endpoints.primary_from_manifest) {
        throw UsageError("--apply-writes would write to the live primary " + endpoints.manifest->primary,
                         "the shadow manifest's primary is the database the shadow was made from",
                         "give a disposable copy of it with --primary, or leave out --apply-writes");
    }
    if (endpoints.manifest && endpoints.manifest->sync == "logical") {
        throw UsageError("--apply-writes cannot write to a logically synced shadow",
                         "its subscription applies the live primary's changes", "use a shadow made with --sync none");
    }
}

const char* to_string(Decision decision) {
    switch (decision) {
        case Decision::flip: return "flip";
        case Decision::hold: return "hold";
        case Decision::rollback: return "rollback";
    }
    return "hold";
}

const char* to_string(StageStatus status) {
    switch (status) {
        case StageStatus::passed: return "passed";
        case StageStatus::failed: return "failed";
        case StageStatus::insufficient: return "insufficient";
        case StageStatus::aborted: return "aborted";
        case StageStatus::not_run: return "not_run";
    }
    return "not_run";
}

ReplayReport run_replay(const ReplayRequest& request, const QueryStream& stream) {
    check_apply_writes(request);
    return Replayer(request, stream).run();
}

}  // namespace schemaflip::replay
