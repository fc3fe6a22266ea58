// analyze_logs: one scanner per input; a large plain stderr log is split at record boundaries and read
// by several threads, each with its own scanner and builder, merged in file order.
#include "core/profile/analyze_logs.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <exception>
#include <fstream>
#include <mutex>
#include <thread>

#include "core/logs/file_range_line_source.hpp"
#include "core/logs/log_line_prefix.hpp"
#include "core/util/interrupt.hpp"

namespace schemaflip::profile {
namespace {

// Below this a file is read by one thread: splitting costs more than it saves.
constexpr std::uint64_t k_parallel_min_bytes = 16u << 20;
// How much of a file format detection looks at before a parallel read.
constexpr std::uint64_t k_probe_bytes = 1u << 20;
// Events (statements and errors) between two progress reports: rare enough to cost nothing.
constexpr std::uint64_t k_progress_every = 4096;

// Passes lines through untouched and counts their bytes (with the newline) for progress.
class CountingLineSource final : public logs::LineSource {
public:
    explicit CountingLineSource(std::unique_ptr<logs::LineSource> inner) : m_inner(std::move(inner)) {}

    bool next_line(std::string_view& line) override {
        if (!m_inner->next_line(line)) return false;
        m_bytes += line.size() + 1;
        return true;
    }
    std::uint64_t line_number() const override { return m_inner->line_number(); }
    const std::string& name() const override { return m_inner->name(); }
    const std::string& damage() const override { return m_inner->damage(); }
    std::uint64_t bytes() const { return m_bytes; }

private:
    std::unique_ptr<logs::LineSource> m_inner;
    std::uint64_t m_bytes = 0;
};

// The ranges of one file read in parallel report into one sum; the lock also keeps the callback from
// being entered by two threads at once.
class SharedProgress {
public:
    SharedProgress(const std::string& file, const std::function<void(const AnalyzeProgress&)>& callback)
        : m_callback(callback) {
        m_total.file = file;
    }

    void add(std::uint64_t records, std::uint64_t bytes) {
        const std::lock_guard lock(m_mutex);
        m_total.records += records;
        m_total.bytes += bytes;
        m_callback(m_total);
    }

private:
    const std::function<void(const AnalyzeProgress&)>& m_callback;
    std::mutex m_mutex;
    AnalyzeProgress m_total;
};

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
    auto counted = std::make_unique<CountingLineSource>(logs::open_line_source(path));
    const CountingLineSource& counter = *counted;  // owned by the scanner, alive as long as it
    logs::LogScanner scanner(std::move(counted), options.scan);
    logs::LogEvent event;
    for (std::uint64_t events = 1; scanner.next(event); ++events) {
        builder.add(event);
        if (events % k_progress_every != 0) continue;
        util::throw_if_interrupted("while reading the logs");
        options.progress({path, scanner.counts().records, counter.bytes(), false});
    }
    // A signal can also end the reading itself (a read() of a pipe returns EINTR): what was read is partial.
    util::throw_if_interrupted("while reading the logs");
    options.progress({path, scanner.counts().records, counter.bytes(), true});
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
                SharedProgress& progress, RangeResult& result) {
    try {
        auto lines = std::make_unique<CountingLineSource>(logs::open_file_range_line_source(path, begin, end));
        const CountingLineSource& line_counter = *lines;  // owned by the scanner, alive as long as it
        logs::LogScanner scanner(std::move(lines), scan);
        logs::LogEvent event;
        std::uint64_t reported_records = 0, reported_bytes = 0;
        for (std::uint64_t events = 1; scanner.next(event); ++events) {
            result.builder->add(event);
            if (events % k_progress_every != 0) continue;
            if (util::interrupted()) break;  // the caller throws once every range has stopped
            progress.add(scanner.counts().records - reported_records, line_counter.bytes() - reported_bytes);
            reported_records = scanner.counts().records;
            reported_bytes = line_counter.bytes();
        }
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
    SharedProgress progress(path, options.progress);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i + 1 < boundaries.size(); ++i) {
        results[i].builder = std::make_unique<ProfileBuilder>(cache, options.profile);
        threads.emplace_back(scan_range, std::cref(path), boundaries[i], boundaries[i + 1], std::cref(scan),
                             std::ref(progress), std::ref(results[i]));
    }
    for (auto& thread : threads) thread.join();
    util::throw_if_interrupted("while reading the logs");

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
    // Every range was read to its end, so the file's bytes are all its bytes.
    options.progress({path, counts.records, size, true});
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
