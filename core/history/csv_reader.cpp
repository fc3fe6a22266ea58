// Reads the schema-history CSV format of shared/data/schema-history (RFC 4180 quoting, one row per op).
#include <fstream>
#include <sstream>

#include "core/history/history.hpp"
#include "core/util/error.hpp"

namespace schemaflip::history {
namespace {

constexpr std::size_t k_columns = 7;
constexpr std::string_view k_header = "project,migration_id,ts,table,op,column,detail";

// Splits one record starting at `pos`: quoted fields may hold commas, doubled quotes and line breaks.
// Returns false at the end of the text. `well_formed` is false for a quote that never closes or text
// after a closing quote.
bool next_record(std::string_view text, std::size_t& pos, std::vector<std::string>& fields, bool& well_formed) {
    fields.clear();
    well_formed = true;
    if (pos >= text.size()) return false;
    std::string field;
    bool quoted = false;
    bool after_quote = false;
    while (pos < text.size()) {
        const char c = text[pos++];
        if (quoted) {
            if (c != '"') {
                field += c;
            } else if (pos < text.size() && text[pos] == '"') {
                field += '"';
                ++pos;
            } else {
                quoted = false;
                after_quote = true;
            }
            continue;
        }
        if (c == ',') {
            fields.push_back(std::move(field));
            field.clear();
            after_quote = false;
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && pos < text.size() && text[pos] == '\n') ++pos;
            break;
        } else if (c == '"' && field.empty() && !after_quote) {
            quoted = true;
        } else {
            if (after_quote) well_formed = false;
            field += c;
        }
    }
    if (quoted) well_formed = false;
    fields.push_back(std::move(field));
    return true;
}

}  // namespace

void read_history_csv(const std::filesystem::path& path, History& history) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError("cannot read history " + path.string(), "the file cannot be opened");
    std::ostringstream buffer;
    buffer << in.rdbuf();
    read_history_csv_text(buffer.str(), path.string(), history);
}

void read_history_csv_text(std::string_view text, const std::string& name, History& history) {
    std::size_t pos = 0;
    std::vector<std::string> fields;
    bool well_formed = true;
    std::size_t header_end = text.find_first_of("\r\n");
    std::string_view header(text.data(), header_end == std::string::npos ? text.size() : header_end);
    if (header.starts_with("\xEF\xBB\xBF")) header.remove_prefix(3);
    if (header != k_header) {
        throw InputError("history " + name + " is not a schema-history CSV",
                         "the first line must be '" + std::string(k_header) + "'",
                         "give a CSV in the format of shared/data/schema-history or a migrations directory");
    }
    next_record(text, pos, fields, well_formed);
    ++history.files_read;

    const auto file_name = std::filesystem::path(name).filename().string();
    std::uint64_t line = 1;
    while (next_record(text, pos, fields, well_formed)) {
        ++line;
        if (fields.size() == 1 && fields[0].empty()) continue;  // blank line
        const auto where = file_name + " record " + std::to_string(line);
        if (!well_formed || fields.size() != k_columns) {
            history.problems.add(history.problems.bad_rows,
                                 where + ": expected 7 fields, found " + std::to_string(fields.size()));
            continue;
        }
        const auto ts = parse_utc_timestamp(fields[2]);
        if (!ts || fields[0].empty()) {
            history.problems.add(history.problems.bad_rows, where + ": bad timestamp or empty project");
            continue;
        }
        if (!is_known_op(fields[4])) {
            history.problems.add(history.problems.unknown_ops, where + ": unknown op '" + fields[4] + "'");
            continue;
        }
        history.events.push_back(HistoryEvent{std::move(fields[0]), std::move(fields[1]), *ts, std::move(fields[3]),
                                              std::move(fields[4]), std::move(fields[5]), std::move(fields[6])});
    }
}

}  // namespace schemaflip::history
