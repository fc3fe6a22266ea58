// QueryStream: statements spooled to an unlinked temporary file, read back by cursors.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "core/replay/query_source.hpp"
#include "core/util/error.hpp"

namespace schemaflip::replay {
namespace {

// A record: the text's length, the shape's index, the origin's prefix and number, whether it writes, then
// the text. Native byte order: the file never outlives the process that wrote it.
struct RecordHeader {
    std::uint32_t length;
    std::uint32_t shape;
    std::uint32_t origin_prefix;
    std::uint32_t write;
    std::uint64_t origin_number;
};

// Appends are gathered and written in pieces of this size; a cursor reads as much at a time.
constexpr std::size_t k_chunk = 1 << 20;

[[noreturn]] void fail(const std::string& what) {
    throw InputError(what, std::strerror(errno), "set TMPDIR to a writable directory with room for the queries");
}

int open_spool() {
    const char* directory = std::getenv("TMPDIR");
    std::string path = std::string(directory && *directory ? directory : "/tmp") + "/schemaflip-queries.XXXXXX";
    const int file = ::mkstemp(path.data());
    if (file < 0) fail("cannot create a temporary file for the queries in " + path.substr(0, path.rfind('/')));
    // Unlinked at once: the data stays reachable through the descriptor only, and the file disappears
    // however the process ends.
    ::unlink(path.c_str());
    return file;
}

}  // namespace

QueryStream::SpoolFile::SpoolFile() : m_fd(open_spool()) {}

QueryStream::SpoolFile::~SpoolFile() {
    if (m_fd >= 0) ::close(m_fd);
}

std::uint32_t QueryStream::shape_index(const std::shared_ptr<const sql::StatementInfo>& info) {
    const auto [it, inserted] = m_shape_indexes.try_emplace(info.get(), static_cast<std::uint32_t>(m_shapes.size()));
    if (inserted) m_shapes.push_back(info);
    return it->second;
}

void QueryStream::append(const Statement& statement) {
    const RecordHeader header{static_cast<std::uint32_t>(statement.sql.size()), shape_index(statement.info),
                              statement.origin_prefix, statement.write ? 1U : 0U, statement.origin_number};
    m_pending.append(reinterpret_cast<const char*>(&header), sizeof header);
    m_pending.append(statement.sql);
    ++(statement.write ? m_writes : m_reads);
    if (m_pending.size() >= k_chunk) flush();
}

void QueryStream::flush() const {
    std::size_t done = 0;
    while (done < m_pending.size()) {
        const auto wrote = ::write(m_spool.fd(), m_pending.data() + done, m_pending.size() - done);
        if (wrote < 0 && errno == EINTR) continue;
        if (wrote <= 0) fail("cannot write the queries' temporary file");
        done += static_cast<std::size_t>(wrote);
    }
    m_written += m_pending.size();
    m_pending.clear();
}

QueryStream::Cursor QueryStream::cursor() const {
    flush();
    return Cursor(*this);
}

// Makes at least `wanted` unread bytes available in the buffer, reading on from the file; false at its end.
bool QueryStream::Cursor::fill(std::size_t wanted) {
    if (m_buffer.size() - m_used >= wanted) return true;
    m_buffer.erase(0, m_used);
    m_offset += m_used;
    m_used = 0;
    const std::uint64_t end = m_stream->m_written;
    while (m_buffer.size() < wanted && m_offset + m_buffer.size() < end) {
        const std::size_t have = m_buffer.size();
        const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(std::max(k_chunk, wanted - have), end - m_offset - have));
        m_buffer.resize(have + want);
        const auto got = ::pread(m_stream->m_spool.fd(), m_buffer.data() + have, want, static_cast<off_t>(m_offset + have));
        if (got < 0 && errno == EINTR) {
            m_buffer.resize(have);
            continue;
        }
        if (got <= 0) fail("cannot read the queries' temporary file");
        m_buffer.resize(have + static_cast<std::size_t>(got));
    }
    return m_buffer.size() >= wanted;
}

bool QueryStream::Cursor::next(Statement& statement) {
    if (!fill(sizeof(RecordHeader))) return false;
    RecordHeader header;
    std::memcpy(&header, m_buffer.data() + m_used, sizeof header);
    if (!fill(sizeof header + header.length)) fail("the queries' temporary file ends inside a record");
    statement.sql.assign(m_buffer, m_used + sizeof header, header.length);
    statement.origin_prefix = header.origin_prefix;
    statement.write = header.write != 0;
    statement.origin_number = header.origin_number;
    statement.info = m_stream->m_shapes.at(header.shape);
    m_used += sizeof header + header.length;
    return true;
}

std::vector<Statement> QueryStream::all() const {
    std::vector<Statement> statements;
    auto reader = cursor();
    Statement statement;
    while (reader.next(statement)) statements.push_back(statement);
    return statements;
}

}  // namespace schemaflip::replay
