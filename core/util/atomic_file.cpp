// AtomicFile: temp file + rename, so a failure never leaves half a document behind.
#include "core/util/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/util/error.hpp"

namespace schemaflip::util {

AtomicFile::AtomicFile(std::filesystem::path target) : m_target(std::move(target)) {
    std::error_code ignored;
    const auto status = std::filesystem::status(m_target, ignored);
    if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
        if (std::filesystem::is_directory(status)) throw InputError("output path " + m_target.string() + " is a directory");
        m_direct = true;
        m_stream.open(m_target, std::ios::binary);
        if (!m_stream) throw InputError("cannot write output file " + m_target.string(), std::strerror(errno));
        return;
    }
    auto directory = m_target.parent_path();
    if (directory.empty()) directory = ".";
    std::string pattern = (directory / ("." + m_target.filename().string() + ".XXXXXX")).string();
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0) {
        throw InputError("cannot write output file " + m_target.string(), std::strerror(errno),
                         "check that the directory exists and is writable");
    }
    ::close(fd);
    m_temp = pattern;
    m_stream.open(m_temp, std::ios::binary | std::ios::trunc);
    if (!m_stream) {
        std::filesystem::remove(m_temp);
        throw InputError("cannot write output file " + m_target.string());
    }
}

AtomicFile::~AtomicFile() {
    if (m_committed || m_direct) return;
    m_stream.close();
    std::error_code ignored;
    std::filesystem::remove(m_temp, ignored);
}

void AtomicFile::commit() {
    m_stream.flush();
    const bool ok = static_cast<bool>(m_stream);
    m_stream.close();
    if (!ok) throw InputError("cannot write output file " + m_target.string(), "write failed (disk full?)");
    if (m_direct) {
        m_committed = true;
        return;
    }
    // Keep the permissions a plain create would give, not mkstemp's 0600.
    const mode_t mask = ::umask(0);
    ::umask(mask);
    ::chmod(m_temp.c_str(), 0666 & ~mask);
    std::error_code error;
    std::filesystem::rename(m_temp, m_target, error);
    if (error) throw InputError("cannot write output file " + m_target.string(), error.message());
    m_committed = true;
}

}  // namespace schemaflip::util
