// One reader per log format, all behind RecordReader; the scanner picks one by name or detection.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/logs/line_source.hpp"
#include "core/logs/log_record.hpp"

namespace schemaflip::logs {

struct ReaderOptions {
    std::string prefix;  // stderr/syslog log_line_prefix; empty = detect
};

// Lines a reader could not make sense of (binary garbage, a csv row with a wrong column count, a
// line before the first record, a non-PostgreSQL line). Counted, never fatal.
struct Unrecognised {
    std::uint64_t count = 0;
    struct Example {
        std::string source;
        std::uint64_t line = 0;
        std::string reason;
        std::string text;  // cut to 200 bytes, made valid UTF-8
    };
    std::vector<Example> examples;  // the first 5

    void add(const std::string& source, std::uint64_t line, std::string reason, std::string_view text);
    // Adds another input's count and examples (still the first 5 in all), their line numbers moved by
    // `line_offset` (for a part of a file read on its own).
    void merge(const Unrecognised& other, std::uint64_t line_offset = 0);
};

class RecordReader {
public:
    virtual ~RecordReader() = default;
    // Fills `record` with the next primary record; false at the end of the input.
    virtual bool next(LogRecord& record) = 0;
    // Lines that did not belong to any record.
    virtual const Unrecognised& unrecognised() const = 0;
    // Stray lines are not PostgreSQL output at all (systemd lines in syslog, non-PG JSON in cnpg).
    virtual std::uint64_t stray_lines() const = 0;
    // What the reader settled on, for the profile and messages: e.g. the detected prefix.
    virtual std::string description() const = 0;
};

// Format names accepted by --log-format (besides "auto").
const std::vector<std::string>& format_names();

// Factories, one per format. The line source must outlive the reader.
std::unique_ptr<RecordReader> make_stderr_reader(LineSource& lines, const ReaderOptions& options);
std::unique_ptr<RecordReader> make_syslog_reader(LineSource& lines, const ReaderOptions& options);
std::unique_ptr<RecordReader> make_logplex_reader(LineSource& lines, const ReaderOptions& options);
std::unique_ptr<RecordReader> make_cloudsql_reader(LineSource& lines, const ReaderOptions& options);
std::unique_ptr<RecordReader> make_csvlog_reader(LineSource& lines, const ReaderOptions& options);
std::unique_ptr<RecordReader> make_jsonlog_reader(LineSource& lines, const ReaderOptions& options);
std::unique_ptr<RecordReader> make_cnpg_reader(LineSource& lines, const ReaderOptions& options);
std::unique_ptr<RecordReader> make_jsonl_reader(LineSource& lines, const ReaderOptions& options);
std::unique_ptr<RecordReader> make_sql_reader(LineSource& lines, const ReaderOptions& options);

// Sniffers used by format detection: does this first non-empty line look like the format?
bool sniff_csvlog(std::string_view line);
bool sniff_jsonlog(std::string_view line);
bool sniff_cnpg(std::string_view line);
bool sniff_cloudsql(std::string_view line);
bool sniff_jsonl(std::string_view line);
bool sniff_syslog(std::string_view line);   // "Mon DD HH:MM:SS host ident[pid]: " (or an ISO time)
bool sniff_logplex(std::string_view line);  // "2019-03-14T00:22:56+00:00 app[postgres.PID]: "

}  // namespace schemaflip::logs
