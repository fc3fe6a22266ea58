// Where replay's statements come from: a log in any format analyze reads (bind parameters substituted so
// extended-protocol statements run as text), a workload profile (its example texts, weighted by count), or
// a .sql file. Each statement is classified once, from its parse tree, as a read, a write or skipped.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/logs/log_scanner.hpp"
#include "core/sql/statement_info.hpp"

namespace schemaflip::replay {

struct Statement {
    std::string sql;  // as it runs: one statement, bind parameters substituted
    // Where it came from, spelt by origin_of(): "file:line", "file#n" (nth statement of a .sql file) or
    // "file@fingerprint" (a profile's example), kept as an index into QueryStream::origin_prefixes and the
    // number after it, so a stream of a million statements does not hold a million file names.
    std::uint32_t origin_prefix = 0;
    bool write = false;  // a write or DDL, applied only with --apply-writes; otherwise a plain read
    std::uint64_t origin_number = 0;  // 0: none (a profile's example)
    std::shared_ptr<const sql::StatementInfo> info;
};

struct SourceSummary {
    std::string file;
    std::string type;              // the log format (stderr, csvlog, …), "sql" or "profile"
    std::uint64_t statements = 0;  // statements found, whatever became of them
    std::uint64_t reads = 0;
    std::uint64_t writes = 0;                      // writes and DDL
    std::map<std::string, std::uint64_t> skipped;  // why statements were left out -> how many
};

// The statements of the inputs, reads and writes, in the order of the files and within each. They are kept
// in an unlinked temporary file (each one's text and a few numbers) rather than in memory, so a stream of
// millions of statements costs memory only for its distinct shapes; replay walks it with cursors, as often
// as its stages need. The file goes away with the stream, or with the process however it ends.
class QueryStream {
public:

    std::uint64_t read_count() const { return m_reads; }
    std::uint64_t write_count() const { return m_writes; }

    // Adds a statement at the end. Throws InputError when the temporary file cannot be written.
    void append(const Statement& statement);

    // Reads the statements from the first on; a cursor may be taken again for another pass.
    class Cursor {
    public:
        // The next statement; false after the last.
        bool next(Statement& statement);

    private:
        friend class QueryStream;
        explicit Cursor(const QueryStream& stream) : m_stream(&stream) {}
        bool fill(std::size_t wanted);
        const QueryStream* m_stream;
        std::uint64_t m_offset = 0;  // in the file, of m_buffer's first byte
        std::string m_buffer;
        std::size_t m_used = 0;  // bytes of m_buffer already handed out
    };
    Cursor cursor() const;

    // Every statement, in order: for tests and small streams only (it holds them all).
    std::vector<Statement> all() const;

    std::vector<SourceSummary> sources;
    std::vector<std::string> origin_prefixes;  // "file:", "file#", "file@fingerprint"

private:
    // The unlinked temporary file's descriptor: opened with the stream, closed with it, handed over by a move.
    class SpoolFile {
    public:
        SpoolFile();
        SpoolFile(SpoolFile&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
        SpoolFile& operator=(SpoolFile&& other) noexcept {
            std::swap(m_fd, other.m_fd);
            return *this;
        }
        ~SpoolFile();
        int fd() const { return m_fd; }

    private:
        int m_fd = -1;
    };

    void flush() const;
    std::uint32_t shape_index(const std::shared_ptr<const sql::StatementInfo>& info);

    SpoolFile m_spool;
    mutable std::string m_pending;  // appended, not yet written
    mutable std::uint64_t m_written = 0;
    std::uint64_t m_reads = 0;
    std::uint64_t m_writes = 0;
    std::vector<std::shared_ptr<const sql::StatementInfo>> m_shapes;  // a record names its shape by index
    std::map<const sql::StatementInfo*, std::uint32_t> m_shape_indexes;
};

// A statement's origin as text: "file:line", "file#n" or "file@fingerprint".
std::string origin_of(const QueryStream& stream, const Statement& statement);

struct SourceOptions {
    logs::ScanOptions scan;
    // A profile replays each example in proportion to its count, scaled so that the profile gives at most
    // this many statements (every fingerprint at least once).
    std::uint64_t profile_statements = 10000;
};

// Reads every file in order. A file is a profile when it is a JSON document of kind workload_profile, a
// .sql (or .sql.gz) file is split into statements, anything else is a log ("-" is stdin). Throws
// InputError for unreadable files, a JSON document of another kind, or a log in no known format.
QueryStream load_queries(const std::vector<std::string>& paths, const SourceOptions& options);

// Why statements are left out, as the report names them.
namespace skip {
inline constexpr const char* k_unparsed = "does not parse";
inline constexpr const char* k_transaction = "transaction control";
inline constexpr const char* k_utility = "utility statement";
inline constexpr const char* k_not_plain = "read that is not a plain query (COPY, EXPLAIN, DECLARE)";
inline constexpr const char* k_outside_effects =
    "read calling a function whose effects a rolled-back read-only transaction keeps (advisory locks, signals, "
    "server files, dblink)";
inline constexpr const char* k_unbound = "bind parameters without values";
inline constexpr const char* k_error_record = "error record";
inline constexpr const char* k_profile_write = "profile example that writes (a profile has no order)";
inline constexpr const char* k_profile_placeholders = "profile example with placeholders (analyze --keep-literals)";
}  // namespace skip

}  // namespace schemaflip::replay
