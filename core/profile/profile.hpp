// The workload profile: what an application does to its database, aggregated per statement shape
// (fingerprint) and per table, plus the DDL history and the missing objects seen in a log.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/logs/log_scanner.hpp"
#include "core/sql/statement_info.hpp"
#include "core/util/duration_histogram.hpp"

namespace schemaflip::profile {

inline constexpr int k_profile_schema_version = 1;

struct FingerprintStats {
    std::shared_ptr<const sql::StatementInfo> info;  // tables, columns, kind, normalized text
    std::uint64_t count = 0;
    std::uint64_t timed = 0;  // executions that came with a duration
    // Whole microseconds (logs print durations to the microsecond): sums are exact, so the result does
    // not depend on the order in which threads add them up.
    std::int64_t total_us = 0;
    std::int64_t max_us = 0;
    util::DurationHistogram durations;
    std::optional<std::int64_t> first_seen_ms;
    std::optional<std::int64_t> last_seen_ms;
    std::string example;  // normalized (literals as $n) unless literals are kept
};

struct TableStats {
    std::uint64_t statements = 0;  // executions that touch the table
    std::uint64_t reads = 0;
    std::uint64_t writes = 0;
    std::int64_t time_us = 0;
    std::set<std::string> columns;
    std::set<std::string> filter_columns;
    std::set<std::string> join_columns;
};

struct DdlEvent {
    std::optional<std::int64_t> time_ms;
    std::string source;
    std::uint64_t line = 0;
    sql::DdlChange change;
    std::string statement;
};

struct MissingObject {
    std::string kind;  // "column" or "table"
    std::string table;
    std::string column;
    std::uint64_t count = 0;
    std::optional<std::int64_t> first_seen_ms;
    std::optional<std::int64_t> last_seen_ms;
    std::string example_message;
};

struct SourceInfo {
    std::string file;
    std::string format;
    std::string reader;  // e.g. the prefix used
    logs::ScanCounts counts;
    std::string damage;  // why reading stopped early, if it did
};

struct WorkloadProfile {
    std::vector<SourceInfo> sources;
    logs::ScanCounts counts;
    std::map<std::string, std::uint64_t> unparseable;  // reason -> count
    std::optional<std::int64_t> first_ms;
    std::optional<std::int64_t> last_ms;
    std::unordered_map<std::uint64_t, FingerprintStats> fingerprints;
    std::map<std::string, TableStats> tables;  // derived from fingerprints by finish()
    std::vector<DdlEvent> ddl_events;          // sorted by time, then source position
    std::map<std::string, MissingObject> missing_objects;  // keyed by kind/table/column
    logs::Unrecognised unrecognised;
};

struct ProfileOptions {
    bool keep_literals = false;
};

// Folds scanner events into a profile. One builder per thread; merge() combines them.
class ProfileBuilder {
public:
    ProfileBuilder(sql::StatementCache& cache, ProfileOptions options);

    void add(const logs::LogEvent& event);
    void add_source(SourceInfo source, const logs::Unrecognised& unrecognised);
    void merge(ProfileBuilder&& other);
    // Adds `lines` to the DDL events' line numbers: a builder that read one range of a file numbers
    // lines from the range start. (Unrecognised lines reach the profile through add_source.)
    void shift_lines(std::uint64_t lines);
    // Derives the per-table view and orders everything deterministically.
    WorkloadProfile finish() &&;

private:
    // What this builder knows of one statement shape: the shared cache's analysis and, for a parsed
    // one, its statistics entry (element addresses in an unordered_map survive rehashing).
    struct KnownShape {
        std::shared_ptr<const sql::StatementInfo> info;
        FingerprintStats* stats = nullptr;
    };

    void add_statement(const logs::LogEvent& event);
    const KnownShape& shape_of(const logs::LogEvent& event);
    void add_error(const logs::LogEvent& event);
    void note_time(const std::optional<std::int64_t>& time_ms);

    sql::StatementCache& m_cache;
    ProfileOptions m_options;
    WorkloadProfile m_profile;
    // A lock-free first level in front of the shared cache: threads share the cache's mutex only on a
    // shape they have not seen yet.
    std::unordered_map<std::string, KnownShape> m_known_shapes;
    std::string m_key;  // reused buffer for the literal-stripped key
    KnownShape m_uncached;  // shapes whose analysis depends on literals (DDL) are looked up every time
};

// Reads one error message (`column "x" does not exist`, `relation "t" does not exist`, …) into the
// missing object it names, using the failed statement's parse to find the table; nullopt otherwise.
std::optional<MissingObject> missing_object_from_error(const std::string& message, const sql::StatementInfo* statement);

// Fingerprints by total time, then count (both descending), then fingerprint: the order of every report.
std::vector<const FingerprintStats*> ordered_fingerprints(const WorkloadProfile& profile);

nlohmann::ordered_json to_json(const WorkloadProfile& profile);
std::string render_text(const WorkloadProfile& profile, std::size_t top);

}  // namespace schemaflip::profile
