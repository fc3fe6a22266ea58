// Splits a script into statements with libpg_query's splitter: the parser's when the script parses,
// the scanner's when it does not (so one broken statement does not lose the others). Large scripts go to
// the parser in pieces cut where the scanner ends a statement, and are read piece by piece.
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

// A statement found in a piece of the script: its trimmed text and where it starts in the piece.
struct Found {
    std::string text;
    std::size_t offset = 0;
};

void add_statement(std::string_view piece, std::size_t begin, std::size_t length, std::vector<Found>& out) {
    const std::string_view text = trimmed_statement(piece.substr(begin, length));
    if (!text.empty()) out.push_back({std::string(text), static_cast<std::size_t>(text.data() - piece.data())});
}

// True when the parser finds no statement in the text: only comments and whitespace.
bool holds_no_statement(std::string_view text) {
    const detail::ParsedText parsed = detail::parse_tree(std::string(text));
    return parsed.ok && parsed.statements.empty();
}

// Text the splitter passed over: a broken statement to keep, or only comments to drop.
void add_skipped(std::string_view piece, std::size_t begin, std::size_t length, std::vector<Found>& out) {
    const std::string_view text = piece.substr(begin, length);
    if (trimmed_statement(text).empty() || holds_no_statement(text)) return;
    add_statement(piece, begin, length, out);
}

// Copies the statements out of a split result; false when the splitter failed. Text between two
// statements that the splitter skipped (the scanner drops what it cannot read) is kept as a statement
// of its own, so a broken statement comes back for analysis rather than vanishing.
bool collect_statements(const PgQuerySplitResult& result, std::string_view piece, std::vector<Found>& out) {
    if (result.error != nullptr) return false;
    std::size_t covered = 0;
    for (int i = 0; i < result.n_stmts; ++i) {
        const PgQuerySplitStmt* stmt = result.stmts[i];
        if (stmt == nullptr || stmt->stmt_location < 0 || stmt->stmt_len < 0) continue;
        const auto begin = static_cast<std::size_t>(stmt->stmt_location);
        if (begin > piece.size()) continue;
        // A length of 0 means "to the end of the script".
        const std::size_t length = stmt->stmt_len == 0 ? piece.size() - begin : static_cast<std::size_t>(stmt->stmt_len);
        if (begin > covered) add_skipped(piece, covered, begin - covered, out);
        add_statement(piece, begin, length, out);
        covered = std::max(covered, std::min(piece.size(), begin + length));
    }
    if (covered < piece.size()) add_skipped(piece, covered, piece.size() - covered, out);
    return true;
}

// Scripts above this size are split in pieces: the parser's split builds the parse tree of the whole text,
// which for a 5 MB log of 100k statements costs more time in allocating it than in parsing.
constexpr std::size_t k_chunk_bytes = 256 * 1024;
// A piece that does not parse is joined with the next ones this many times before the scanner splits it:
// the scanner may cut inside a body the parser reads as one statement (BEGIN ATOMIC ... END).
constexpr int k_max_joins = 4;
// How much of a script is read ahead of the pieces being split: enough for a piece and its joins many
// times over, so the scanner rescans only the little that a refill leaves over.
constexpr std::size_t k_read_ahead = 32 * k_chunk_bytes;

std::optional<std::vector<Found>> parser_split(const std::string& piece) {
    std::vector<Found> statements;
    PgQuerySplitResult parsed = pg_query_split_with_parser(piece.c_str());
    const bool ok = collect_statements(parsed, piece, statements);
    pg_query_free_split_result(parsed);
    if (!ok) return std::nullopt;
    return statements;
}

// The scanner's split, for text that does not parse: the whole text as one statement if even that fails.
std::vector<Found> scanner_split(const std::string& piece) {
    std::vector<Found> statements;
    PgQuerySplitResult scanned = pg_query_split_with_scanner(piece.c_str());
    const bool ok = collect_statements(scanned, piece, statements);
    pg_query_free_split_result(scanned);
    if (!ok) {
        statements.clear();
        add_statement(piece, 0, piece.size(), statements);
    }
    return statements;
}

// Where the scanner ends statements, as offsets: the places a large script may be cut. None when the
// scanner fails, which it does on text cut inside a quote, a dollar-quoted body or a comment.
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

// Cut points about k_chunk_bytes apart; with `whole`, the text is all there is and its end is the last one.
std::vector<std::size_t> chunk_ends(const std::string& text, bool whole) {
    if (whole && text.size() <= k_chunk_bytes) return {text.size()};
    std::vector<std::size_t> cuts;
    std::size_t begin = 0;
    for (const std::size_t end : statement_ends(text)) {
        if (end - begin < k_chunk_bytes || end >= text.size()) continue;
        cuts.push_back(end);
        begin = end;
    }
    if (whole) cuts.push_back(text.size());
    return cuts;
}

}  // namespace

// The buffer holds the script read ahead; it is split piece by piece from the front and what has been split
// is forgotten, so memory holds about k_read_ahead of it however long it is. A piece starts where a
// statement ended, so the scanner reads it from the top level; cut points are taken only where enough text
// follows to try a piece's joins, which keeps the result that of splitting the whole script at once.
ScriptSplitter::ScriptSplitter(ScriptReader read) : m_read(std::move(read)), m_read_ahead(k_read_ahead) {}

bool ScriptSplitter::next(std::string& statement, std::uint64_t& line) {
    while (m_ready.empty()) {
        if (m_done) return false;
        split_more();
    }
    statement = std::move(m_ready.front().first);
    line = m_ready.front().second;
    m_ready.pop_front();
    return true;
}

void ScriptSplitter::split_more() {
    fill(m_read_ahead);
    if (m_buffer.empty()) {
        m_done = m_end;
        return;
    }
    const std::vector<std::size_t> cuts = chunk_ends(m_buffer, m_end);
    const std::size_t consumed = split_front(cuts);
    if (consumed == 0) {
        m_done = m_end;
        // Not one cut point with its joins' worth of text after it: one long statement, or text the scanner
        // cannot read yet (a quote open across the end of what was read). Read further.
        m_read_ahead = m_buffer.size() * 2;
        return;
    }
    forget(consumed);
    m_read_ahead = k_read_ahead;
    if (m_end && m_buffer.empty()) m_done = true;
}

// Reads until the buffer holds `size` bytes or the script ends. The C API stops at a NUL byte, and what
// follows one is not SQL anyway: the script ends there.
void ScriptSplitter::fill(std::size_t size) {
    while (!m_end && m_buffer.size() < size) {
        const std::size_t before = m_buffer.size();
        if (!m_read(m_buffer)) m_end = true;
        const auto nul = m_buffer.find('\0', before);
        if (nul != std::string::npos) {
            m_buffer.resize(nul);
            m_end = true;
        }
    }
}

// Splits the pieces at the front of the buffer that can be split now; returns the bytes they covered.
std::size_t ScriptSplitter::split_front(const std::vector<std::size_t>& cuts) {
    std::size_t begin = 0;
    std::size_t next = 0;
    // Until the script's end is read, a piece is split only when all the cuts its joins may need are known.
    while (next < cuts.size() && (m_end || next + k_max_joins < cuts.size())) {
        std::size_t last = next;
        std::optional<std::vector<Found>> parsed;
        for (int joins = 0; !parsed && joins <= k_max_joins && last < cuts.size(); ++joins, ++last) {
            parsed = parser_split(m_buffer.substr(begin, cuts[last] - begin));
        }
        if (!parsed) {
            last = next + 1;  // the first piece alone, by the scanner; the next ones get their own chance
            parsed = scanner_split(m_buffer.substr(begin, cuts[next] - begin));
        }
        for (auto& found : *parsed) m_ready.emplace_back(std::move(found.text), line_at(begin + found.offset));
        begin = cuts[last - 1];
        next = last;
    }
    return begin;
}

// The line of the buffer's byte `offset`, counting on from the last one asked for (offsets only grow).
std::uint64_t ScriptSplitter::line_at(std::size_t offset) {
    m_line += static_cast<std::uint64_t>(std::count(m_buffer.begin() + static_cast<std::ptrdiff_t>(m_counted),
                                                    m_buffer.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
    m_counted = offset;
    return m_line;
}

void ScriptSplitter::forget(std::size_t bytes) {
    line_at(bytes);
    m_buffer.erase(0, bytes);
    m_counted = 0;
}

std::vector<std::string> split_statements(std::string_view script) {
    bool given = false;
    ScriptSplitter splitter([&](std::string& buffer) {
        if (!given) buffer.append(script);
        given = true;
        return false;
    });
    std::vector<std::string> statements;
    std::string statement;
    std::uint64_t line = 0;
    while (splitter.next(statement, line)) statements.push_back(std::move(statement));
    return statements;
}

}  // namespace schemaflip::sql
