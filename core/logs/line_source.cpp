// Physical lines from files, gzip files, stdin and memory buffers: large block reads, views into one buffer.
#include "core/logs/line_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "core/util/error.hpp"

namespace schemaflip::logs {
namespace {

constexpr std::size_t k_block_bytes = std::size_t{1} << 20;
constexpr unsigned k_zlib_buffer_bytes = 256u << 10;

std::string_view without_carriage_return(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

// Reads through zlib for every input: gzread decompresses when the data starts with the gzip magic
// bytes and copies plain data straight into our buffer otherwise, so stdin needs no seeking back.
class FileLineSource final : public LineSource {
public:
    FileLineSource(std::string name, int fd, std::size_t max_line_bytes)
        : m_name(std::move(name)), m_max_line_bytes(std::max<std::size_t>(max_line_bytes, 1)) {
        m_gz = gzdopen(fd, "rb");
        if (m_gz == nullptr) {
            ::close(fd);
            throw InputError("cannot read " + m_name, "zlib could not open the stream");
        }
        gzbuffer(m_gz, k_zlib_buffer_bytes);
        m_capacity = std::min(k_block_bytes, m_max_line_bytes + k_block_bytes);
        m_buffer = std::make_unique<char[]>(m_capacity);
    }
    ~FileLineSource() override { gzclose(m_gz); }
    FileLineSource(const FileLineSource&) = delete;
    FileLineSource& operator=(const FileLineSource&) = delete;

    bool next_line(std::string_view& line) override {
        for (;;) {
            const char* newline = static_cast<const char*>(
                std::memchr(m_buffer.get() + m_scanned, '\n', m_end - m_scanned));
            if (newline != nullptr) {
                const std::size_t line_end = static_cast<std::size_t>(newline - m_buffer.get());
                const std::size_t line_begin = m_begin;
                m_begin = m_scanned = line_end + 1;
                if (m_skipping_long_line) {
                    m_skipping_long_line = false;
                    continue;
                }
                ++m_line_number;
                const std::size_t length = std::min(line_end - line_begin, m_max_line_bytes);
                line = without_carriage_return(std::string_view(m_buffer.get() + line_begin, length));
                return true;
            }
            m_scanned = m_end;
            if (m_skipping_long_line) {
                m_begin = m_scanned = m_end = 0;
                if (!fill()) return false;
                continue;
            }
            if (m_end - m_begin >= m_max_line_bytes) {
                // The rest of an over-long line is dropped until its newline: its start is enough to
                // classify it, and memory stays bounded.
                line = std::string_view(m_buffer.get() + m_begin, m_max_line_bytes);
                m_begin = m_scanned = m_end;
                m_skipping_long_line = true;
                ++m_line_number;
                return true;
            }
            if (m_at_end) {
                if (m_begin == m_end) return false;
                line = without_carriage_return(std::string_view(m_buffer.get() + m_begin, m_end - m_begin));
                m_begin = m_scanned = m_end;
                ++m_line_number;
                return true;
            }
            make_room();
            fill();
        }
    }

    std::uint64_t line_number() const override { return m_line_number; }
    const std::string& name() const override { return m_name; }
    const std::string& damage() const override { return m_damage; }

private:
    void make_room() {
        if (m_begin > 0) {
            std::memmove(m_buffer.get(), m_buffer.get() + m_begin, m_end - m_begin);
            m_end -= m_begin;
            m_scanned -= m_begin;
            m_begin = 0;
        }
        if (m_capacity - m_end >= k_block_bytes / 2) return;
        const std::size_t grown = std::min(m_capacity * 2, m_max_line_bytes + k_block_bytes);
        if (grown <= m_capacity) return;
        auto bigger = std::make_unique<char[]>(grown);
        std::memcpy(bigger.get(), m_buffer.get(), m_end);
        m_buffer = std::move(bigger);
        m_capacity = grown;
    }

    // Appends decompressed bytes after m_end; false when nothing more will come.
    bool fill() {
        if (m_at_end) return false;
        const std::size_t room = std::min<std::size_t>(m_capacity - m_end, INT_MAX);
        const int got = gzread(m_gz, m_buffer.get() + m_end, static_cast<unsigned>(room));
        if (got > 0) {
            m_end += static_cast<std::size_t>(got);
            return true;
        }
        m_at_end = true;
        int code = Z_OK;
        const char* message = gzerror(m_gz, &code);
        if (got < 0 || code != Z_OK) {
            std::string reason = code == Z_ERRNO ? std::strerror(errno) : (message != nullptr ? message : "read error");
            // zlib prefixes its message with the descriptor's made-up name ("<fd:3>: ").
            if (const auto colon = reason.find(">: "); reason.starts_with("<fd:") && colon != std::string::npos) {
                reason.erase(0, colon + 3);
            }
            m_damage = "input stopped early (damaged or truncated gzip data?): " + reason;
        }
        return false;
    }

    std::string m_name;
    std::string m_damage;
    gzFile m_gz = nullptr;
    std::unique_ptr<char[]> m_buffer;
    std::size_t m_capacity = 0;
    std::size_t m_begin = 0;    // start of the next line
    std::size_t m_scanned = 0;  // bytes before this hold no newline after m_begin
    std::size_t m_end = 0;      // end of valid data
    std::size_t m_max_line_bytes;
    std::uint64_t m_line_number = 0;
    bool m_at_end = false;
    bool m_skipping_long_line = false;
};

class BufferLineSource final : public LineSource {
public:
    BufferLineSource(std::string_view buffer, std::string name) : m_buffer(buffer), m_name(std::move(name)) {}

    bool next_line(std::string_view& line) override {
        if (m_position >= m_buffer.size()) return false;
        const std::size_t newline = m_buffer.find('\n', m_position);
        const std::size_t end = newline == std::string_view::npos ? m_buffer.size() : newline;
        line = without_carriage_return(m_buffer.substr(m_position, end - m_position));
        m_position = end + 1;
        ++m_line_number;
        return true;
    }
    std::uint64_t line_number() const override { return m_line_number; }
    const std::string& name() const override { return m_name; }
    const std::string& damage() const override { return m_damage; }

private:
    std::string_view m_buffer;
    std::string m_name;
    std::string m_damage;
    std::size_t m_position = 0;
    std::uint64_t m_line_number = 0;
};

}  // namespace

std::unique_ptr<LineSource> open_line_source(const std::string& path, std::size_t max_line_bytes) {
    int fd = -1;
    if (path == "-") {
        // A duplicate, so closing the reader leaves the process's stdin alone.
        fd = ::dup(STDIN_FILENO);
    } else {
        fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    }
    if (fd < 0) throw InputError("cannot open " + path, std::strerror(errno));
    struct stat status {};
    if (::fstat(fd, &status) == 0 && S_ISDIR(status.st_mode)) {
        ::close(fd);
        throw InputError("cannot read " + path, "it is a directory", "pass the log files inside it");
    }
    return std::make_unique<FileLineSource>(path, fd, max_line_bytes);
}

bool append_script_piece(LineSource& lines, std::string& script) {
    constexpr std::size_t k_piece_bytes = 1 << 20;
    const std::size_t start = script.size();
    std::string_view line;
    while (script.size() - start < k_piece_bytes) {
        if (!lines.next_line(line)) return false;
        script.append(line);
        script.push_back('\n');
    }
    return true;
}

std::unique_ptr<LineSource> buffer_line_source(std::string_view buffer, std::string name) {
    return std::make_unique<BufferLineSource>(buffer, std::move(name));
}

LookaheadLineSource::LookaheadLineSource(LineSource& inner) : m_inner(&inner) {}

LookaheadLineSource::LookaheadLineSource(std::unique_ptr<LineSource> inner)
    : m_owned(std::move(inner)), m_inner(m_owned.get()) {}

std::vector<std::string_view> LookaheadLineSource::peek(std::size_t count) {
    std::string_view line;
    while (m_held.size() - m_next_held < count && m_inner->next_line(line)) {
        m_held.emplace_back(line);
        m_held_numbers.push_back(m_inner->line_number());
    }
    std::vector<std::string_view> lines;
    lines.reserve(m_held.size() - m_next_held);
    for (std::size_t i = m_next_held; i < m_held.size(); ++i) lines.emplace_back(m_held[i]);
    return lines;
}

bool LookaheadLineSource::next_line(std::string_view& line) {
    if (m_next_held < m_held.size()) {
        line = m_held[m_next_held];
        m_line_number = m_held_numbers[m_next_held];
        ++m_next_held;
        return true;
    }
    if (!m_held.empty()) {
        // Every held copy has been handed out and the caller moved on: free them.
        m_held = {};
        m_held_numbers = {};
        m_next_held = 0;
    }
    if (!m_inner->next_line(line)) return false;
    m_line_number = m_inner->line_number();
    return true;
}

}  // namespace schemaflip::logs
