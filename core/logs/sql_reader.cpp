// Reads plain .sql files: the whole script, split into statements by libpg_query's splitter.
#include <algorithm>
#include <exception>
#include <string>
#include <vector>

#include "core/logs/record_reader.hpp"
#include "core/sql/statement_info.hpp"

namespace schemaflip::logs {
namespace {

// Statements can span any number of lines and the splitter needs the whole text (a quote or a
// dollar-quoted body may run to the end), so a .sql input is read into memory once; such files are
// scripts and migrations, not multi-gigabyte logs.
class SqlReader final : public RecordReader {
public:
    explicit SqlReader(LineSource& lines) : m_lines(lines) {}

    bool next(LogRecord& record) override {
        if (!m_split) {
            read_and_split();
        }
        if (m_next >= m_statements.size()) {
            return false;
        }
        record.clear();
        record.source = m_lines.name();
        record.line = m_statement_lines[m_next];
        record.plain_statement = true;
        record.message = std::move(m_statements[m_next]);
        ++m_next;
        return true;
    }

    const Unrecognised& unrecognised() const override { return m_unrecognised; }
    std::uint64_t stray_lines() const override { return 0; }
    std::string description() const override { return "sql"; }

private:
    void read_and_split() {
        m_split = true;
        std::string script;
        std::string_view line;
        while (m_lines.next_line(line)) {
            script.append(line);
            script += '\n';
        }
        try {
            m_statements = sql::split_statements(script);
        } catch (const std::exception& error) {
            m_unrecognised.add(m_lines.name(), 1, std::string("cannot split into statements: ") + error.what(),
                               first_line(script));
            m_statements.clear();
            return;
        }
        number_statement_lines(script);
    }

    // The line each statement starts on: the splitter returns the statements in order as trimmed
    // pieces of the script, so each is found after the previous one.
    void number_statement_lines(std::string_view script) {
        m_statement_lines.clear();
        std::size_t search_from = 0;
        std::size_t counted_up_to = 0;
        std::uint64_t line_number = 1;
        for (const auto& statement : m_statements) {
            std::size_t found = script.find(statement, search_from);
            if (found == std::string_view::npos) {
                found = search_from;
            }
            for (; counted_up_to < found; ++counted_up_to) {
                line_number += script[counted_up_to] == '\n' ? 1 : 0;
            }
            m_statement_lines.push_back(line_number);
            search_from = std::min(found + statement.size(), script.size());
        }
    }

    static std::string_view first_line(std::string_view script) { return script.substr(0, script.find('\n')); }

    LineSource& m_lines;
    Unrecognised m_unrecognised;
    bool m_split = false;
    std::vector<std::string> m_statements;
    std::vector<std::uint64_t> m_statement_lines;
    std::size_t m_next = 0;
};

}  // namespace

std::unique_ptr<RecordReader> make_sql_reader(LineSource& lines, const ReaderOptions&) {
    return std::make_unique<SqlReader>(lines);
}

}  // namespace schemaflip::logs
