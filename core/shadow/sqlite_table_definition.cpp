// Cutting and splicing a stored SQLite CREATE TABLE. The scanner decides what a token is (so a ',' or ')'
// inside a string, a quoted name or a comment is never structure); the little grammar here only names
// the column constraints SQLite accepts (sqlite.org/syntax/column-constraint.html). Whatever it cuts is
// checked by the caller against SQLite's own reading of the result before anything runs.
#include "core/shadow/sqlite_table_definition.hpp"

#include <algorithm>
#include <array>

#include "core/util/ascii_case.hpp"
#include "core/util/error.hpp"

namespace schemaflip::shadow {
namespace {

bool opens(std::string_view token) { return token == "(" || token == "["; }
bool closes(std::string_view token) { return token == ")" || token == "]"; }

// The keywords that begin a column constraint, after the column's name and type.
bool starts_column_constraint(std::string_view word) {
    static constexpr std::array<std::string_view, 11> k_words = {
        "constraint", "primary", "not", "null", "unique", "check", "default", "collate", "references", "generated", "as"};
    return std::find(k_words.begin(), k_words.end(), word) != k_words.end();
}

// A name as SQLite reads it from its quoted forms: "a""b", [a b], `a``b`, 'a'.
std::string unquote(std::string_view text) {
    if (text.size() < 2) return std::string(text);
    const char open = text.front();
    const char close = open == '[' ? ']' : open;
    if ((open != '"' && open != '`' && open != '\'' && open != '[') || text.back() != close) return std::string(text);
    std::string name;
    for (std::size_t i = 1; i + 1 < text.size(); ++i) {
        name += text[i];
        if (open != '[' && text[i] == open && text[i + 1] == open) ++i;
    }
    return name;
}

}  // namespace

TableDefinition::TableDefinition(std::string sql, std::size_t column_count) : m_sql(std::move(sql)), m_column_count(column_count) {
    const auto tokens = sql::scan_tokens(m_sql);
    if (!tokens) throw InputError("the stored CREATE TABLE does not scan", m_sql);
    m_tokens = *tokens;
    std::size_t i = 0;
    while (i < m_tokens.size() && word(i) != "table") ++i;
    m_name_first = i + 1;
    // CREATE TABLE IF NOT EXISTS name (...)
    if (m_name_first + 2 < m_tokens.size() && word(m_name_first) == "if" && word(m_name_first + 1) == "not") m_name_first += 3;
    m_open = m_name_first;
    while (m_open < m_tokens.size() && m_tokens[m_open].text(m_sql) != "(") ++m_open;
    if (m_open >= m_tokens.size() || m_open == m_name_first) throw InputError("the stored CREATE TABLE has no column list", m_sql);

    int depth = 0;
    Element element{m_open + 1, m_open + 1};
    for (i = m_open + 1; i < m_tokens.size(); ++i) {
        const auto token = m_tokens[i].text(m_sql);
        if (opens(token)) ++depth;
        if (closes(token) && depth-- == 0) break;
        if (token == "," && depth == 0) {
            element.last = i;
            m_elements.push_back(element);
            element = {i + 1, i + 1};
        }
    }
    element.last = i;
    if (i >= m_tokens.size()) throw InputError("the stored CREATE TABLE's column list does not end", m_sql);
    m_elements.push_back(element);
    const bool empty_element = std::any_of(m_elements.begin(), m_elements.end(), [](const Element& e) { return e.first >= e.last; });
    if (m_elements.size() < m_column_count || m_column_count == 0 || empty_element) {
        throw InputError("the stored CREATE TABLE does not cut into its " + std::to_string(m_column_count) + " columns", m_sql);
    }
}

std::string TableDefinition::word(std::size_t token) const {
    if (token >= m_tokens.size() || !m_tokens[token].keyword) return {};
    return util::ascii_lower(m_tokens[token].text(m_sql));
}

// The token after a name that starts at `first`: [a b] and `a b` are several tokens to PostgreSQL's lexer.
std::size_t TableDefinition::name_end(std::size_t first) const {
    if (first >= m_tokens.size()) return first;
    const auto open = m_tokens[first].text(m_sql);
    if (open != "[" && open != "`") return first + 1;
    const std::string_view close = open == "[" ? "]" : "`";
    for (std::size_t i = first + 1; i < m_tokens.size(); ++i) {
        if (m_tokens[i].text(m_sql) == close) return i + 1;
    }
    return m_tokens.size();
}

std::string TableDefinition::name_at(std::size_t first) const {
    const std::size_t end = name_end(first);
    if (first >= end || end > m_tokens.size()) return {};
    return unquote(std::string_view(m_sql).substr(m_tokens[first].begin, m_tokens[end - 1].end - m_tokens[first].begin));
}

// Where the column's constraints begin: its type is everything between its name and there.
std::size_t TableDefinition::type_end(const Element& column) const {
    const auto starts = constraint_starts(column);
    return starts.empty() ? column.last : starts.front();
}

std::vector<std::size_t> TableDefinition::constraint_starts(const Element& column) const {
    std::vector<std::size_t> starts;
    int depth = 0;
    for (std::size_t i = name_end(column.first); i < column.last; ++i) {
        const auto token = m_tokens[i].text(m_sql);
        if (opens(token)) ++depth;
        if (closes(token)) --depth;
        const std::string current = word(i);
        if (depth != 0 || !starts_column_constraint(current)) continue;
        const std::string previous = word(i - 1);
        // Inside a constraint: NOT NULL, ON DELETE SET NULL / SET DEFAULT, NOT DEFERRABLE, GENERATED ALWAYS AS,
        // and DEFAULT's value, which may itself be a keyword (DEFAULT NULL).
        if (previous == "not" || previous == "set" || previous == "default" || previous == "always") continue;
        if (current == "not" && word(i + 1) == "deferrable") continue;
        starts.push_back(i);
        // CONSTRAINT name KIND: the kind belongs to the named constraint.
        if (current == "constraint") i = name_end(i + 1);
    }
    return starts;
}

std::string TableDefinition::constraint_kind(std::size_t start) const {
    return word(start) == "constraint" ? word(name_end(start + 1)) : word(start);
}

const TableDefinition::Element& TableDefinition::column(std::size_t index) const {
    if (index >= m_column_count) throw InputError("no column " + std::to_string(index) + " in the stored CREATE TABLE");
    return m_elements[index];
}

void TableDefinition::splice(std::size_t begin, std::size_t end, std::string text) {
    // The same range edited twice (DROP DEFAULT, then SET DEFAULT): the last edit wins.
    for (auto& existing : m_splices) {
        if (existing.begin == begin && existing.end == end && begin != end) {
            existing.text = std::move(text);
            return;
        }
    }
    m_splices.push_back({begin, end, std::move(text)});
}

void TableDefinition::rename(const std::string& quoted_name) {
    splice(m_tokens[m_name_first].begin, m_tokens[m_open].begin, quoted_name + " ");
}

void TableDefinition::set_type(std::size_t index, const std::string& type) {
    const Element& element = column(index);
    const std::size_t first = name_end(element.first);
    const std::size_t end = type_end(element);
    if (first >= end) {
        splice(m_tokens[first - 1].end, m_tokens[first - 1].end, " " + type);
    } else {
        splice(m_tokens[first].begin, m_tokens[end - 1].end, type);
    }
}

void TableDefinition::append_to_column(std::size_t index, const std::string& clause) {
    const std::size_t at = m_tokens[column(index).last - 1].end;
    splice(at, at, " " + clause);
}

bool TableDefinition::remove_column_constraints(std::size_t index, std::string_view kind, std::string_view name) {
    const Element& element = column(index);
    const auto starts = constraint_starts(element);
    bool removed = false;
    for (std::size_t s = 0; s < starts.size(); ++s) {
        const bool match = name.empty() ? constraint_kind(starts[s]) == kind
                                        : word(starts[s]) == "constraint" &&
                                              util::ascii_lower(name_at(starts[s] + 1)) == util::ascii_lower(name);
        if (!match) continue;
        const std::size_t end = s + 1 < starts.size() ? starts[s + 1] : element.last;
        splice(m_tokens[starts[s]].begin, m_tokens[end - 1].end, "");
        removed = true;
    }
    return removed;
}

bool TableDefinition::remove_not_null(std::size_t index) { return remove_column_constraints(index, "not"); }

bool TableDefinition::remove_default(std::size_t index) { return remove_column_constraints(index, "default"); }

bool TableDefinition::remove_constraint(std::string_view name) {
    for (std::size_t i = m_column_count; i < m_elements.size(); ++i) {
        const Element& element = m_elements[i];
        if (word(element.first) != "constraint" || util::ascii_lower(name_at(element.first + 1)) != util::ascii_lower(name)) continue;
        // The element goes with the comma before it (there is always a column before a table constraint).
        splice(m_tokens[m_elements[i - 1].last - 1].end, m_tokens[element.last - 1].end, "");
        return true;
    }
    bool removed = false;
    for (std::size_t i = 0; i < m_column_count; ++i) removed = remove_column_constraints(i, {}, name) || removed;
    return removed;
}

void TableDefinition::add_constraint(const std::string& definition) {
    const std::size_t at = m_tokens[m_elements.back().last - 1].end;
    splice(at, at, ", " + definition);
}

std::string TableDefinition::text() const {
    auto splices = m_splices;
    std::stable_sort(splices.begin(), splices.end(), [](const Splice& a, const Splice& b) { return a.begin < b.begin; });
    std::string out;
    std::size_t copied = 0;
    for (const auto& edit : splices) {
        if (edit.begin < copied) throw InputError("overlapping edits of the stored CREATE TABLE", m_sql);
        out.append(m_sql, copied, edit.begin - copied);
        out += edit.text;
        copied = edit.end;
    }
    out.append(m_sql, copied);
    return out;
}

}  // namespace schemaflip::shadow
