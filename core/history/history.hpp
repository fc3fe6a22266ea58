// Schema-change histories: one event model for every source (CSV, SQL/Rails/Django migrations, profiles).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace schemaflip::profile {
struct WorkloadProfile;
}

namespace schemaflip::history {

// One schema operation, in the op vocabulary of shared/data/schema-history/README.md.
struct HistoryEvent {
    std::string project;
    std::string migration_id;
    std::int64_t ts = 0;  // epoch seconds, UTC
    std::string table;
    std::string op;
    std::string column;
    std::string detail;
};

// What a reader could not use. Nothing here is fatal: bad rows and unreadable files are counted and
// the first few are kept as examples for the report.
struct ReadProblems {
    std::uint64_t bad_rows = 0;          // CSV rows with the wrong number of fields or a bad timestamp
    std::uint64_t unknown_ops = 0;       // CSV rows whose op is not in the vocabulary (row skipped)
    std::uint64_t unreadable_files = 0;  // migration files that could not be opened or yielded nothing
    std::uint64_t unparsed_statements = 0;  // SQL statements libpg_query rejected
    std::vector<std::string> examples;   // "where: why", at most k_max_problem_examples

    void add(std::uint64_t& counter, std::string example);
    void merge(const ReadProblems& other);
    std::uint64_t total() const { return bad_rows + unknown_ops + unreadable_files + unparsed_statements; }
};

inline constexpr std::size_t k_max_problem_examples = 10;

struct History {
    std::vector<HistoryEvent> events;  // sorted by project, ts, then reading order
    ReadProblems problems;
    std::uint64_t files_read = 0;
};

// The operation vocabulary; every event a reader produces has one of these ops.
bool is_known_op(std::string_view op);

// "2021-05-04T12:34:56Z", "2021-05-04 12:34[:56]", "2021-05-04" as UTC; nullopt when not a valid date.
std::optional<std::int64_t> parse_utc_timestamp(std::string_view text);
// 2021-05-04 for an epoch-seconds time.
std::string format_iso_date(std::int64_t ts);
std::string format_iso_timestamp(std::int64_t ts);

// Readers, one per format. Each appends to `history` and never throws for bad content; a path that
// cannot be opened at all throws InputError.
void read_history_csv(const std::filesystem::path& path, History& history);
// The same over the file's bytes; `name` stands for the file in messages. Throws InputError when the
// header line is not the schema-history header.
void read_history_csv_text(std::string_view text, const std::string& name, History& history);
// `project` names the events; `root` is where relative migration ids start.
void read_sql_migration(const std::filesystem::path& file, const std::filesystem::path& root,
                        const std::string& project, History& history);
// The part of a SQL migration applied going up: dbmate keeps both directions in one file between
// "-- migrate:up" and "-- migrate:down"; other files are all "up".
std::string up_section(const std::string& text);
void read_rails_migration(const std::filesystem::path& file, const std::string& project, History& history);
void read_django_migration(const std::filesystem::path& file, const std::string& project, History& history);
// The migration readers over a file's bytes (the fuzzers feed them): `file` gives only the names (and,
// when the name has no timestamp, the modification time if such a file exists).
void read_sql_migration_text(const std::string& text, const std::filesystem::path& file, const std::filesystem::path& root,
                             const std::string& project, History& history);
void read_rails_migration_text(const std::string& text, const std::filesystem::path& file, const std::string& project,
                               History& history);
void read_django_migration_text(const std::string& text, const std::filesystem::path& file, const std::string& project,
                                History& history);
// DDL statements seen in a query log, attributed to `project`.
void read_profile_ddl(const profile::WorkloadProfile& profile, const std::string& project, History& history);

// A CSV file, or a directory of migrations (every kind found in it: SQL, Rails, Django), named after
// the directory. Missing paths throw InputError.
void read_history_path(const std::filesystem::path& path, History& history);
// Reads every path and sorts the events by project, then time (stable).
History load_history(const std::vector<std::string>& paths);

// Small helpers shared by the readers.
std::optional<std::int64_t> timestamp_from_name(std::string_view name);
std::int64_t file_mtime(const std::filesystem::path& file);

}  // namespace schemaflip::history
