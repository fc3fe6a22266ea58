// FileRangeLineSource: pread in 4 MiB blocks, lines as views into the block buffer.
#include "core/logs/file_range_line_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/util/error.hpp"

namespace schemaflip::logs {
namespace {

constexpr std::size_t k_block_bytes = 4u << 20;

int open_or_throw(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw InputError("cannot read " + path, std::strerror(errno));
    return fd;
}

class FileRangeLineSource final : public LineSource {
public:
    FileRangeLineSource(const std::string& path, std::uint64_t begin, std::uint64_t end, std::uint64_t lines_before)
        : m_name(path), m_fd(open_or_throw(path)), m_offset(begin), m_end(end), m_line_number(lines_before) {}
    ~FileRangeLineSource() override { ::close(m_fd); }
    FileRangeLineSource(const FileRangeLineSource&) = delete;
    FileRangeLineSource& operator=(const FileRangeLineSource&) = delete;

    bool next_line(std::string_view& line) override {
        for (;;) {
            const auto newline = std::memchr(m_buffer.data() + m_position, '\n', m_buffer.size() - m_position);
            if (newline != nullptr) {
                const auto stop = static_cast<std::size_t>(static_cast<const char*>(newline) - m_buffer.data());
                return emit(line, stop, stop + 1);
            }
            if (!refill()) {
                if (m_position >= m_buffer.size()) return false;
                return emit(line, m_buffer.size(), m_buffer.size());  // last line without "\n"
            }
        }
    }

    std::uint64_t line_number() const override { return m_line_number; }
    const std::string& name() const override { return m_name; }
    const std::string& damage() const override { return m_damage; }

private:
    bool emit(std::string_view& line, std::size_t stop, std::size_t next) {
        std::size_t length = stop - m_position;
        if (length > 0 && m_buffer[m_position + length - 1] == '\r') --length;
        line = std::string_view(m_buffer.data() + m_position, length);
        m_position = next;
        ++m_line_number;
        return true;
    }

    // Keeps the unread tail and appends the next block; false at the end of the range.
    bool refill() {
        if (m_offset >= m_end) return false;
        m_buffer.erase(0, m_position);
        m_position = 0;
        const auto old_size = m_buffer.size();
        const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(k_block_bytes, m_end - m_offset));
        m_buffer.resize(old_size + want);
        const auto got = ::pread(m_fd, m_buffer.data() + old_size, want, static_cast<off_t>(m_offset));
        if (got <= 0) {
            m_buffer.resize(old_size);
            m_damage = got < 0 ? std::strerror(errno) : "file shrank while reading";
            m_offset = m_end;
            return false;
        }
        m_buffer.resize(old_size + static_cast<std::size_t>(got));
        m_offset += static_cast<std::uint64_t>(got);
        return true;
    }

    std::string m_name;
    int m_fd;
    std::uint64_t m_offset;
    std::uint64_t m_end;
    std::uint64_t m_line_number;
    std::string m_buffer;
    std::size_t m_position = 0;
    std::string m_damage;
};

// The offset of the first line after `offset` (not the line `offset` is in) that starts a record, or
// `size` when there is none.
std::uint64_t next_record_start(int fd, std::uint64_t offset, std::uint64_t size,
                                const std::function<bool(std::string_view)>& starts_record) {
    std::string buffer;
    std::size_t position = 0;  // buffer[0] is at file offset `offset`
    bool skipped_partial_line = false;
    for (;;) {
        const auto newline = buffer.find('\n', position);
        if (newline == std::string::npos) {
            // Need more bytes for a whole line.
            if (offset + buffer.size() >= size) return size;
            const auto old_size = buffer.size();
            buffer.resize(old_size + (64u << 10));
            const auto got = ::pread(fd, buffer.data() + old_size, 64u << 10, static_cast<off_t>(offset + old_size));
            if (got <= 0) return size;
            buffer.resize(old_size + static_cast<std::size_t>(got));
            continue;
        }
        if (skipped_partial_line) {
            std::string_view line(buffer.data() + position, newline - position);
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            if (starts_record(line)) return offset + position;
        }
        skipped_partial_line = true;
        position = newline + 1;
    }
}

}  // namespace

std::unique_ptr<LineSource> open_file_range_line_source(const std::string& path, std::uint64_t begin, std::uint64_t end,
                                                        std::uint64_t lines_before) {
    return std::make_unique<FileRangeLineSource>(path, begin, end, lines_before);
}

std::vector<std::uint64_t> split_at_record_starts(const std::string& path, unsigned parts,
                                                  const std::function<bool(std::string_view)>& starts_record) {
    const int fd = open_or_throw(path);
    struct stat info {};
    ::fstat(fd, &info);
    const auto size = static_cast<std::uint64_t>(info.st_size);
    std::vector<std::uint64_t> boundaries{0};
    for (unsigned part = 1; part < parts && size > parts; ++part) {
        // Search from just before the even split point, so a line starting exactly there is found.
        const auto start = next_record_start(fd, size * part / parts - 1, size, starts_record);
        if (start > boundaries.back() && start < size) boundaries.push_back(start);
    }
    boundaries.push_back(size);
    ::close(fd);
    return boundaries;
}

}  // namespace schemaflip::logs
