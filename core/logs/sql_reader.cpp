// Reads plain .sql files: the script split into statements by libpg_query's splitter, piece by piece.
#include <exception>
#include <string>

#include "core/logs/line_source.hpp"
#include "core/logs/record_reader.hpp"
#include "core/sql/statement_info.hpp"

namespace schemaflip::logs {
namespace {

// Statements can span any number of lines and a quote or a dollar-quoted body may run far: the splitter
// reads the script ahead in pieces and hands statements out as it finds their ends, so memory stays flat
// however long the file.
class SqlReader final : public RecordReader {
public:
    explicit SqlReader(LineSource& lines)
        : m_lines(lines), m_splitter([&lines](std::string& script) { return append_script_piece(lines, script); }) {}

    bool next(LogRecord& record) override {
        std::string statement;
        std::uint64_t line = 0;
        try {
            if (m_failed || !m_splitter.next(statement, line)) return false;
        } catch (const std::exception& error) {
            m_failed = true;
            m_unrecognised.add(m_lines.name(), m_lines.line_number(), std::string("cannot split into statements: ") + error.what(), "");
            return false;
        }
        record.clear();
        record.source = m_lines.name();
        record.line = line;
        record.plain_statement = true;
        record.message = std::move(statement);
        return true;
    }

    const Unrecognised& unrecognised() const override { return m_unrecognised; }
    std::uint64_t stray_lines() const override { return 0; }
    std::string description() const override { return "sql"; }

private:
    LineSource& m_lines;
    sql::ScriptSplitter m_splitter;
    Unrecognised m_unrecognised;
    bool m_failed = false;
};

}  // namespace

std::unique_ptr<RecordReader> make_sql_reader(LineSource& lines, const ReaderOptions&) {
    return std::make_unique<SqlReader>(lines);
}

}  // namespace schemaflip::logs
