// Physical lines from a file, a .gz file, stdin or a memory buffer, without a copy per line.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace schemaflip::logs {

class LineSource {
public:
    virtual ~LineSource() = default;
    // The next line without its "\n" (a trailing "\r" is removed too). The view stays valid until the
    // next call. Returns false at the end. Never throws for content: binary garbage is just bytes.
    virtual bool next_line(std::string_view& line) = 0;
    // 1-based number of the line last returned.
    virtual std::uint64_t line_number() const = 0;
    // File name for messages ("-" for stdin).
    virtual const std::string& name() const = 0;
    // Set when reading stopped early on a damaged input (e.g. a truncated .gz); empty otherwise.
    virtual const std::string& damage() const = 0;
};

// The source's lines joined back into text (each with its "\n"), about a megabyte per call: the reader a
// sql::ScriptSplitter takes (std::function<bool(std::string&)>, false once the lines are done).
bool append_script_piece(LineSource& lines, std::string& script);

// A LineSource that can look ahead: format and prefix detection peek at the first lines, then reading
// starts over from the first line. Peeked lines are copied once; later lines pass straight through.
class LookaheadLineSource final : public LineSource {
public:
    explicit LookaheadLineSource(LineSource& inner);
    explicit LookaheadLineSource(std::unique_ptr<LineSource> inner);

    // Reads ahead until `count` lines not yet returned by next_line() are held (fewer at the end) and
    // returns them. The views stay valid until the next peek() or until next_line() has gone past them.
    std::vector<std::string_view> peek(std::size_t count);

    bool next_line(std::string_view& line) override;
    std::uint64_t line_number() const override { return m_line_number; }
    const std::string& name() const override { return m_inner->name(); }
    const std::string& damage() const override { return m_inner->damage(); }

private:
    std::unique_ptr<LineSource> m_owned;
    LineSource* m_inner;
    std::vector<std::string> m_held;
    std::vector<std::uint64_t> m_held_numbers;
    std::size_t m_next_held = 0;
    std::uint64_t m_line_number = 0;
};

// Opens PATH ("-" = stdin); gzip is detected by its magic bytes, not the name. Throws InputError when
// the file cannot be opened. Lines longer than max_line_bytes are cut there (the rest is skipped).
std::unique_ptr<LineSource> open_line_source(const std::string& path, std::size_t max_line_bytes = 64u << 20);
// Lines of an in-memory buffer that outlives the source.
std::unique_ptr<LineSource> buffer_line_source(std::string_view buffer, std::string name = "<buffer>");

}  // namespace schemaflip::logs
