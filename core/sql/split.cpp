// Splits a script into statements with libpg_query's splitter: the parser's when the script parses,
// the scanner's when it does not (so one broken statement does not lose the others). Large scripts go to
// the parser in pieces cut where the scanner ends a statement.
#include <pg_query.h>

#include <algorithm>
#include <iterator>
#include <optional>

#include "core/sql/parse_tree.hpp"

namespace schemaflip::sql {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view trimmed_statement(std::string_view text) {
    while (!text.empty() && (is_space(text.front()) || text.front() == ';')) text.remove_prefix(1);
    while (!text.empty() && (is_space(text.back()) || text.back() == ';')) text.remove_suffix(1);
    return text;
}

void add_statement(std::string_view text, std::vector<std::string>& out) {
    text = trimmed_statement(text);
    if (!text.empty()) out.emplace_back(text);
}

// True when the parser finds no statement in the text: only comments and whitespace.
bool holds_no_statement(std::string_view text) {
    const detail::ParsedText parsed = detail::parse_tree(std::string(text));
    return parsed.ok && parsed.statements.empty();
}

// Text the splitter passed over: a broken statement to keep, or only comments to drop.
void add_skipped(std::string_view text, std::vector<std::string>& out) {
    if (trimmed_statement(text).empty() || holds_no_statement(text)) return;
    add_statement(text, out);
}

// Copies the statements out of a split result; false when the splitter failed. Text between two
// statements that the splitter skipped (the scanner drops what it cannot read) is kept as a statement
// of its own, so a broken statement comes back for analysis rather than vanishing.
bool collect_statements(const PgQuerySplitResult& result, std::string_view script, std::vector<std::string>& out) {
    if (result.error != nullptr) return false;
    std::size_t covered = 0;
    for (int i = 0; i < result.n_stmts; ++i) {
        const PgQuerySplitStmt* stmt = result.stmts[i];
        if (stmt == nullptr || stmt->stmt_location < 0 || stmt->stmt_len < 0) continue;
        const auto begin = static_cast<std::size_t>(stmt->stmt_location);
        if (begin > script.size()) continue;
        // A length of 0 means "to the end of the script".
        const std::size_t length = stmt->stmt_len == 0 ? script.size() - begin : static_cast<std::size_t>(stmt->stmt_len);
        if (begin > covered) add_skipped(script.substr(covered, begin - covered), out);
        add_statement(script.substr(begin, length), out);
        covered = std::max(covered, std::min(script.size(), begin + length));
    }
    if (covered < script.size()) add_skipped(script.substr(covered), out);
    return true;
}


// Scripts above this size are split in pieces: the parser's split builds the parse tree of the whole text,
// which for a 5 MB log of 100k statements costs more time in allocating it than in parsing.
constexpr std::size_t k_chunk_bytes = 256 * 1024;
// A piece that does not parse is joined with the next ones this many times before the scanner splits it:
// the scanner may cut inside a body the parser reads as one statement (BEGIN ATOMIC ... END).
constexpr int k_max_joins = 4;

std::optional<std::vector<std::string>> parser_split(const std::string& text) {
    std::vector<std::string> statements;
    PgQuerySplitResult parsed = pg_query_split_with_parser(text.c_str());
    const bool ok = collect_statements(parsed, text, statements);
    pg_query_free_split_result(parsed);
    if (!ok) return std::nullopt;
    return statements;
}

// The scanner's split, for text that does not parse: the whole text as one statement if even that fails.
void scanner_split(const std::string& text, std::vector<std::string>& out) {
    std::vector<std::string> statements;
    PgQuerySplitResult scanned = pg_query_split_with_scanner(text.c_str());
    const bool ok = collect_statements(scanned, text, statements);
    pg_query_free_split_result(scanned);
    if (!ok) {
        statements.clear();
        const std::string_view whole = trimmed_statement(text);
        if (!whole.empty()) statements.emplace_back(whole);
    }
    std::move(statements.begin(), statements.end(), std::back_inserter(out));
}

// Where the scanner ends statements, as offsets: the places a large script may be cut.
std::vector<std::size_t> statement_ends(const std::string& text) {
    std::vector<std::size_t> ends;
    PgQuerySplitResult scanned = pg_query_split_with_scanner(text.c_str());
    if (scanned.error == nullptr) {
        for (int i = 0; i < scanned.n_stmts; ++i) {
            const PgQuerySplitStmt* stmt = scanned.stmts[i];
            if (stmt == nullptr || stmt->stmt_location < 0 || stmt->stmt_len <= 0) continue;
            ends.push_back(static_cast<std::size_t>(stmt->stmt_location) + static_cast<std::size_t>(stmt->stmt_len));
        }
    }
    pg_query_free_split_result(scanned);
    return ends;
}

// Cut points about k_chunk_bytes apart, the last one the end of the text.
std::vector<std::size_t> chunk_ends(const std::string& text) {
    std::vector<std::size_t> cuts;
    std::size_t begin = 0;
    for (const std::size_t end : statement_ends(text)) {
        if (end - begin < k_chunk_bytes || end >= text.size()) continue;
        cuts.push_back(end);
        begin = end;
    }
    cuts.push_back(text.size());
    return cuts;
}

}  // namespace

std::vector<std::string> split_statements(std::string_view script) {
    // The C API reads up to the first NUL byte; what follows one is not SQL anyway.
    const std::string text(script.substr(0, script.find('\0')));
    const std::vector<std::size_t> cuts = text.size() <= k_chunk_bytes ? std::vector<std::size_t>{text.size()} : chunk_ends(text);
    std::vector<std::string> statements;
    std::size_t begin = 0;
    for (std::size_t next = 0; next < cuts.size();) {
        std::size_t last = next;
        std::optional<std::vector<std::string>> parsed;
        for (int joins = 0; !parsed && joins <= k_max_joins && last < cuts.size(); ++joins, ++last) {
            parsed = parser_split(text.substr(begin, cuts[last] - begin));
        }
        if (parsed) {
            std::move(parsed->begin(), parsed->end(), std::back_inserter(statements));
        } else {
            last = next + 1;  // the first piece alone, by the scanner; the next ones get their own chance
            scanner_split(text.substr(begin, cuts[next] - begin), statements);
        }
        begin = cuts[last - 1];
        next = last;
    }
    return statements;
}

}  // namespace schemaflip::sql
