// analyze_logs: one scanner per input; a large plain stderr log is split at record boundaries and read
// by several threads, each with its own scanner and builder, merged in file order.
#include "core/profile/analyze_logs.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <exception>
#include <fstream>
#include <thread>

#include "core/logs/file_range_line_source.hpp"
#include "core/logs/log_line_prefix.hpp"

namespace schemaflip::profile {
namespace {

// Below this a file is read by one thread: splitting costs more than it saves.
constexpr std::uint64_t k_parallel_min_bytes = 16u << 20;
// How much of a file format detection looks at before a parallel read.
constexpr std::uint64_t k_probe_bytes = 1u << 20;

std::uint64_t plain_file_size(const std::string& path) {
    if (path == "-") return 0;
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return 0;
    std::ifstream in(path, std::ios::binary);
    unsigned char magic[2] = {0, 0};
    in.read(reinterpret_cast<char*>(magic), 2);
    if (magic[0] == 0x1f && magic[1] == 0x8b) return 0;  // gzip streams cannot be split
    return static_cast<std::uint64_t>(info.st_size);
}

void scan_sequential(const std::string& path, const AnalyzeOptions& options, ProfileBuilder& builder) {
    logs::LogScanner scanner(logs::open_line_source(path), options.scan);
    logs::LogEvent event;
    while (scanner.next(event)) builder.add(event);
    builder.add_source({path, scanner.format(), scanner.reader_description(), scanner.counts(), scanner.damage()},
                       scanner.unrecognised());
}

struct RangeResult {
    std::unique_ptr<ProfileBuilder> builder;
    logs::ScanCounts counts;
    logs::Unrecognised unrecognised;
    std::string damage;
    std::uint64_t lines = 0;
    std::exception_ptr error;
};

void scan_range(const std::string& path, std::uint64_t begin, std::uint64_t end, const logs::ScanOptions& scan,
                RangeResult& result) {
    try {
        auto lines = logs::open_file_range_line_source(path, begin, end);
        const logs::LineSource& line_counter = *lines;  // owned by the scanner, alive as long as it
        logs::LogScanner scanner(std::move(lines), scan);
        logs::LogEvent event;
        while (scanner.next(event)) result.builder->add(event);
        result.counts = scanner.counts();
        result.unrecognised = scanner.unrecognised();
        result.damage = scanner.damage();
        result.lines = line_counter.line_number();
    } catch (...) {
        result.error = std::current_exception();
    }
}

// Reads `path` in `jobs` ranges at once. The format and prefix are settled on the file's head first,
// so every range is read the same way. Returns false (having read nothing) when the file is not a
// stderr log, the one format whose record boundaries can be found without reading from the start.
bool scan_parallel(const std::string& path, std::uint64_t size, unsigned jobs, const AnalyzeOptions& options,
                   sql::StatementCache& cache, ProfileBuilder& builder) {
    logs::LogScanner probe(logs::open_file_range_line_source(path, 0, std::min(size, k_probe_bytes)), options.scan);
    if (probe.format() != "stderr") return false;
    logs::ScanOptions scan = options.scan;
    scan.format = probe.format();
    scan.prefix = probe.prefix();

    // A range starts at a primary record: a line with the prefix whose severity is not a secondary one
    // (DETAIL, STATEMENT, ...), which belongs to the record before it.
    const logs::LogLinePrefix matcher(scan.prefix);
    const auto boundaries = logs::split_at_record_starts(path, jobs, [&matcher](std::string_view line) {
        logs::PrefixedLine parsed;
        return matcher.match(line, parsed) && !logs::is_secondary_severity(parsed.severity);
    });
    std::vector<RangeResult> results(boundaries.size() - 1);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i + 1 < boundaries.size(); ++i) {
        results[i].builder = std::make_unique<ProfileBuilder>(cache, options.profile);
        threads.emplace_back(scan_range, std::cref(path), boundaries[i], boundaries[i + 1], std::cref(scan),
                             std::ref(results[i]));
    }
    for (auto& thread : threads) thread.join();

    logs::ScanCounts counts;
    logs::Unrecognised unrecognised;
    std::string damage;
    std::uint64_t lines_before = 0;
    for (auto& result : results) {
        if (result.error) std::rethrow_exception(result.error);
        result.builder->shift_lines(lines_before);
        builder.merge(std::move(*result.builder));
        counts += result.counts;
        unrecognised.merge(result.unrecognised, lines_before);
        if (damage.empty()) damage = result.damage;
        lines_before += result.lines;
    }
    builder.add_source({path, scan.format, probe.reader_description(), counts, damage}, unrecognised);
    return true;
}

}  // namespace

WorkloadProfile analyze_logs(const std::vector<std::string>& paths, const AnalyzeOptions& options,
                             const schema::SchemaSnapshot* schema) {
    const unsigned jobs = options.jobs > 0 ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
    sql::StatementCache cache(schema);
    ProfileBuilder builder(cache, options.profile);
    for (const auto& path : paths) {
        const auto size = plain_file_size(path);
        const bool splittable = options.scan.format == "auto" || options.scan.format == "stderr";
        if (jobs > 1 && size >= k_parallel_min_bytes && splittable &&
            scan_parallel(path, size, jobs, options, cache, builder)) {
            continue;
        }
        scan_sequential(path, options, builder);
    }
    return std::move(builder).finish();
}

}  // namespace schemaflip::profile
