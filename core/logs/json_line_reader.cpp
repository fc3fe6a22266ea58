// The reading loop of JsonLineReader: blank lines skipped, rejected lines counted.
#include "core/logs/json_line_reader.hpp"

namespace schemaflip::logs {

bool JsonLineReader::next(LogRecord& record) {
    std::string_view line;
    while (m_lines.next_line(line)) {
        if (line.find_first_not_of(m_blank_characters) == std::string_view::npos) {
            continue;
        }
        record.clear();
        record.source = m_lines.name();
        record.line = m_lines.line_number();
        const char* problem = fill_record(line, record);
        if (problem == nullptr) {
            return true;
        }
        m_unrecognised.add(m_lines.name(), m_lines.line_number(), problem, line);
    }
    return false;
}

}  // namespace schemaflip::logs
