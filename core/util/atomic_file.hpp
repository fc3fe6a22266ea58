// Writes an output file all-or-nothing: into a temporary file beside it, renamed over the target on commit.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

namespace schemaflip::util {

// Opening checks the destination is writable (throws InputError otherwise), so a command can fail
// before doing any work. Destruction without commit() removes the temporary file.
// A target that exists and is not a regular file (/dev/null, /dev/stdout, a FIFO) is written directly:
// renaming over it would replace the device or pipe with a file.
class AtomicFile {
public:
    explicit AtomicFile(std::filesystem::path target);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    std::ostream& stream() { return m_stream; }
    // Flushes, syncs and renames the temporary file over the target.
    void commit();

private:
    std::filesystem::path m_target;
    std::filesystem::path m_temp;
    std::ofstream m_stream;
    bool m_direct = false;  // writing straight into a device or pipe
    bool m_committed = false;
};

}  // namespace schemaflip::util
