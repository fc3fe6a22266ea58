// The analyze front end: reads one input of any supported format and yields executed statements and
// errors, with the counts defined in shared/data/pglogs/README.md.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/logs/line_source.hpp"
#include "core/logs/record_reader.hpp"

namespace schemaflip::logs {

// Counts with exactly the meanings of shared/data/pglogs/README.md (names in brackets there).
struct ScanCounts {
    std::uint64_t records = 0;              // primary records [records]
    std::uint64_t executed_statements = 0;  // [executed_sql]
    std::uint64_t durations = 0;            // [durations_total] = with SQL + bare
    std::uint64_t errors = 0;               // ERROR + FATAL + PANIC [errors]
    std::uint64_t bind_parameters = 0;      // records whose DETAIL starts with "parameters:" [bind_params]
    std::uint64_t stray_lines = 0;          // [stray_lines]
    double duration_ms_sum = 0;             // [duration_ms_sum]
    std::map<std::string, std::uint64_t> severities;  // [sev]

    ScanCounts& operator+=(const ScanCounts& other);
};

enum class EventKind { statement, error };

struct LogEvent {
    EventKind kind = EventKind::statement;
    std::string source;
    std::uint64_t line = 0;
    std::optional<std::int64_t> time_ms;
    std::string session, user, database, application;

    // statement: the executed SQL as logged, its duration when logged, and bind values ($1 = [0]).
    std::string sql;
    std::optional<double> duration_ms;
    std::vector<std::optional<std::string>> parameters;  // nullopt = NULL

    // error: severity (ERROR/FATAL/PANIC), sqlstate if known, the message; `sql` holds the STATEMENT.
    std::string severity;
    std::string sqlstate;
    std::string message;
};

struct ScanOptions {
    std::string format = "auto";  // auto or one of format_names()
    std::string prefix;           // stderr/syslog log_line_prefix; empty = detect
};

class LogScanner {
public:
    // Throws UsageError for an unknown format; InputError when `auto` finds no known format or a stderr
    // log matches no prefix (the message names what was expected and shows the first line).
    LogScanner(std::unique_ptr<LineSource> lines, const ScanOptions& options);
    ~LogScanner();

    // The next executed statement or error, in log order (a statement whose bare duration may follow
    // is held back until the next record of its session). False at the end.
    bool next(LogEvent& event);

    const ScanCounts& counts() const;
    const Unrecognised& unrecognised() const;
    const std::string& format() const;       // the format used (detected or given)
    std::string reader_description() const;  // e.g. the detected prefix
    // The log_line_prefix in use (given or detected) for stderr/syslog logs; empty for other formats.
    // analyze passes it to the threads that read the ranges of a large file.
    std::string prefix() const;
    const std::string& damage() const;       // non-empty when the input was cut short (truncated .gz)

private:
    struct State;
    std::unique_ptr<State> m_state;
};

}  // namespace schemaflip::logs
