// Reads PostgreSQL csvlog (23, 24, 25 or 26 columns): RFC-4180 rows whose quoted fields may span lines.
#include <algorithm>
#include <array>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "core/logs/log_line_prefix.hpp"
#include "core/logs/record_fields.hpp"
#include "core/logs/record_reader.hpp"

namespace schemaflip::logs {
namespace {

// PG ≤ 12 writes 23 columns, PG 13 adds backend_type, PG 14 adds leader_pid and query_id; 25 occurs in
// the wild too. The columns we read are all among the first 23, whose positions never changed.
constexpr std::size_t k_min_columns = 23;
constexpr std::size_t k_max_columns = 26;
constexpr std::size_t k_column_log_time = 0;
constexpr std::size_t k_column_error_severity = 11;
constexpr std::size_t k_column_message = 13;

struct CsvColumn {
    std::size_t index;
    RecordField field;
};

// The text columns, with csvlog's names.
constexpr std::array<CsvColumn, 9> k_text_columns{{
    {1, RecordField::user},                            // user_name
    {2, RecordField::database},                        // database_name
    {3, RecordField::session},                         // process_id
    {k_column_error_severity, RecordField::severity},  // error_severity
    {12, RecordField::sqlstate},                       // sql_state_code
    {k_column_message, RecordField::message},          // message
    {14, RecordField::detail},                         // detail
    {19, RecordField::statement},                      // query
    {22, RecordField::application},                    // application_name
}};

// A quote left open would otherwise swallow the rest of a large file into one row.
constexpr std::size_t k_max_row_bytes = 64u << 20;

struct CsvField {
    std::string_view raw;  // without the surrounding quotes; doubled quotes still doubled
    bool has_doubled_quotes = false;
};

using CsvFields = std::array<CsvField, k_max_columns>;

bool has_odd_quote_count(std::string_view text) {
    return std::count(text.begin(), text.end(), '"') % 2 != 0;
}

// Parses the quoted field whose opening quote is at `pos`; returns the position after the closing quote.
std::size_t parse_quoted_field(std::string_view row, std::size_t pos, CsvField& field) {
    const std::size_t start = pos + 1;
    for (std::size_t i = start;;) {
        const std::size_t quote = row.find('"', i);
        if (quote == std::string_view::npos) {
            return std::string_view::npos;
        }
        if (quote + 1 < row.size() && row[quote + 1] == '"') {
            field.has_doubled_quotes = true;
            i = quote + 2;
            continue;
        }
        field.raw = row.substr(start, quote - start);
        return quote + 1;
    }
}

// Splits one logical row into fields; false when the row is not well-formed CSV or has too many fields.
bool split_row(std::string_view row, CsvFields& fields, std::size_t& count) {
    count = 0;
    std::size_t pos = 0;
    for (;;) {
        if (count == fields.size()) {
            return false;
        }
        CsvField& field = fields[count++];
        field = CsvField{};
        if (pos < row.size() && row[pos] == '"') {
            pos = parse_quoted_field(row, pos, field);
            if (pos == std::string_view::npos || (pos < row.size() && row[pos] != ',')) {
                return false;
            }
        } else {
            const std::size_t comma = std::min(row.find(',', pos), row.size());
            field.raw = row.substr(pos, comma - pos);
            if (field.raw.find('"') != std::string_view::npos) {
                return false;
            }
            pos = comma;
        }
        if (pos >= row.size()) {
            return true;
        }
        ++pos;  // the comma
    }
}

void assign_field(std::string& out, const CsvField& field) {
    if (!field.has_doubled_quotes) {
        out.assign(field.raw);
        return;
    }
    out.clear();
    std::string_view rest = field.raw;
    for (std::size_t quote = rest.find('"'); quote != std::string_view::npos; quote = rest.find('"')) {
        out.append(rest.substr(0, quote + 1));
        rest.remove_prefix(quote + 2);
    }
    out.append(rest);
}

class CsvlogReader final : public RecordReader {
public:
    explicit CsvlogReader(LineSource& lines) : m_lines(lines) {}

    bool next(LogRecord& record) override {
        while (read_row()) {
            if (fill_record(record)) {
                return true;
            }
        }
        return false;
    }

    const Unrecognised& unrecognised() const override { return m_unrecognised; }
    std::uint64_t stray_lines() const override { return 0; }

    std::string description() const override {
        if (m_first_column_count == 0) {
            return "csvlog";
        }
        return "csvlog, " + std::to_string(m_first_column_count) + " columns";
    }

private:
    struct PhysicalLine {
        std::string_view text;
        std::uint64_t number = 0;
    };

    struct SavedLine {
        std::uint64_t number = 0;
        std::string text;
    };

    // Lines given back after a bad multi-line row come first, then the source's.
    bool next_physical_line(PhysicalLine& line) {
        if (!m_replay.empty()) {
            m_replayed_line = std::move(m_replay.front());
            m_replay.pop_front();
            line.text = m_replayed_line.text;
            line.number = m_replayed_line.number;
            return true;
        }
        if (!m_lines.next_line(line.text)) {
            return false;
        }
        line.number = m_lines.line_number();
        return true;
    }

    // Sets m_row to the next logical row: the line itself when its quotes balance (the common case, no
    // copy), else the lines joined with '\n' until they do.
    bool read_row() {
        PhysicalLine line;
        for (;;) {
            do {
                if (!next_physical_line(line)) {
                    return false;
                }
            } while (line.text.empty());
            m_row_first_line = line.number;
            m_row_line_offsets.clear();
            if (!has_odd_quote_count(line.text)) {
                m_row = line.text;
                return true;
            }
            if (join_continuation_lines(line)) {
                m_row = m_joined;
                return true;
            }
        }
    }

    // Appends lines to the open row until its quotes balance. False when the input ends first or the
    // row grows past k_max_row_bytes; the row is then counted as unrecognised.
    bool join_continuation_lines(PhysicalLine line) {
        m_joined.assign(line.text);
        m_row_line_offsets.push_back(0);
        m_row_line_numbers.assign(1, line.number);
        for (;;) {
            if (!next_physical_line(line)) {
                reject_joined_row("unterminated quoted field at end of input", true);
                return false;
            }
            if (m_joined.size() + line.text.size() >= k_max_row_bytes) {
                reject_joined_row("quoted field longer than the row limit", false);
                return false;
            }
            m_joined += '\n';
            m_row_line_offsets.push_back(m_joined.size());
            m_row_line_numbers.push_back(line.number);
            m_joined.append(line.text);
            if (has_odd_quote_count(line.text)) {
                return true;
            }
        }
    }

    // Counts a bad row once. When it spanned several lines, the lines after its first are read again:
    // a stray quote must not take the following good rows with it.
    void reject_row(const char* reason) {
        if (m_row_line_offsets.empty()) {
            m_unrecognised.add(m_lines.name(), m_row_first_line, reason, m_row);
            return;
        }
        reject_joined_row(reason, true);
    }

    void reject_joined_row(const char* reason, bool replay_following_lines) {
        const std::string_view joined = m_joined;
        const std::size_t first_line_end =
            m_row_line_offsets.size() > 1 ? m_row_line_offsets[1] - 1 : joined.size();
        m_unrecognised.add(m_lines.name(), m_row_line_numbers.front(), reason, joined.substr(0, first_line_end));
        if (replay_following_lines) {
            for (std::size_t i = m_row_line_offsets.size(); i-- > 1;) {
                const std::size_t end = i + 1 < m_row_line_offsets.size() ? m_row_line_offsets[i + 1] - 1 : joined.size();
                m_replay.push_front(SavedLine{m_row_line_numbers[i],
                                              std::string(joined.substr(m_row_line_offsets[i], end - m_row_line_offsets[i]))});
            }
        }
        m_row_line_offsets.clear();
    }

    bool fill_record(LogRecord& record) {
        std::size_t count = 0;
        if (!split_row(m_row, m_fields, count)) {
            reject_row("not a well-formed csvlog row");
            return false;
        }
        if (count < k_min_columns || count > k_max_columns) {
            reject_row("csvlog row with a column count other than 23 to 26");
            return false;
        }
        std::size_t time_length = 0;
        const auto time_ms = parse_timestamp(m_fields[k_column_log_time].raw, time_length);
        if (!time_ms) {
            reject_row("csvlog row whose first column is not a timestamp");
            return false;
        }
        if (m_first_column_count == 0) {
            m_first_column_count = count;
        }
        record.clear();
        record.source = m_lines.name();
        record.line = m_row_first_line;
        record.time_ms = time_ms;
#pragma GCC unroll 16
        for (const CsvColumn& column : k_text_columns) {
            assign_field(*text_field(record, column.field), m_fields[column.index]);
        }
        return true;
    }

    LineSource& m_lines;
    Unrecognised m_unrecognised;
    std::deque<SavedLine> m_replay;
    SavedLine m_replayed_line;
    std::string m_joined;
    std::vector<std::size_t> m_row_line_offsets;  // empty when the row is a single physical line
    std::vector<std::uint64_t> m_row_line_numbers;
    std::string_view m_row;
    std::uint64_t m_row_first_line = 0;
    CsvFields m_fields;
    std::size_t m_first_column_count = 0;
};

}  // namespace

std::unique_ptr<RecordReader> make_csvlog_reader(LineSource& lines, const ReaderOptions&) {
    return std::make_unique<CsvlogReader>(lines);
}

bool sniff_csvlog(std::string_view first_line) {
    const std::size_t start = !first_line.empty() && first_line[0] == '"' ? 1 : 0;
    std::size_t time_length = 0;
    if (!parse_timestamp(first_line.substr(start), time_length)) {
        return false;
    }
    // The first line may end inside a quoted message that continues on the next line; the severity
    // column comes before the message, so it is on the first line either way.
    std::string_view row = first_line;
    std::string closed;
    if (has_odd_quote_count(first_line)) {
        closed.assign(first_line).push_back('"');
        row = closed;
    }
    CsvFields fields;
    std::size_t count = 0;
    if (!split_row(row, fields, count) || count <= k_column_message) {
        return false;
    }
    if (!parse_timestamp(fields[k_column_log_time].raw, time_length)) {
        return false;
    }
    static constexpr std::array<std::string_view, 13> k_severities{
        "LOG", "ERROR", "FATAL", "PANIC", "WARNING", "NOTICE", "INFO", "DEBUG", "DEBUG1", "DEBUG2", "DEBUG3",
        "DEBUG4", "DEBUG5"};
    const std::string_view severity = fields[k_column_error_severity].raw;
    return std::find(k_severities.begin(), k_severities.end(), severity) != k_severities.end() &&
           (count >= k_min_columns || has_odd_quote_count(first_line));
}

}  // namespace schemaflip::logs
