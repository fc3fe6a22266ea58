// The reading loop shared by formats of one JSON object a line (jsonlog, JSON lines of statements).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/logs/record_reader.hpp"

namespace schemaflip::logs {

class JsonLineReader : public RecordReader {
public:
    // Skips lines made only of `blank_characters`; fill_record() decides about the others.
    bool next(LogRecord& record) final;
    const Unrecognised& unrecognised() const final { return m_unrecognised; }
    std::uint64_t stray_lines() const final { return 0; }

protected:
    JsonLineReader(LineSource& lines, std::string_view blank_characters)
        : m_lines(lines), m_blank_characters(blank_characters) {}

    // Fills `record`, already cleared and given its source and line, from one non-blank line; returns why
    // the line is not a record (it is then counted as unrecognised), or nullptr.
    virtual const char* fill_record(std::string_view line, LogRecord& record) = 0;

private:
    LineSource& m_lines;
    std::string_view m_blank_characters;
    Unrecognised m_unrecognised;
};

}  // namespace schemaflip::logs
