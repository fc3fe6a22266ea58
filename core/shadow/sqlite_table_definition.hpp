// The stored CREATE TABLE of a SQLite table, cut by libpg_query's scanner into its elements (column
// definitions, then table constraints) and edited by splicing into the original text. Whatever a rebuild
// does not change (CHECK constraints, COLLATE, AUTOINCREMENT, generated columns, WITHOUT ROWID and STRICT,
// comments, layout) is carried over exactly as it was written.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/sql/ddl_source.hpp"

namespace schemaflip::shadow {

class TableDefinition {
public:
    // `sql` is sqlite_schema.sql of a table with `column_count` columns (pragma table_xinfo). Throws
    // InputError when the text cannot be cut into that many column definitions and its constraints.
    TableDefinition(std::string sql, std::size_t column_count);

    // The table's name in the CREATE TABLE, replaced by `quoted_name`.
    void rename(const std::string& quoted_name);
    // Column `column`'s declared type (all of the words and modifiers before its constraints).
    void set_type(std::size_t column, const std::string& type);
    // A column constraint ("NOT NULL", "DEFAULT (...)") added at the end of the column's definition.
    void append_to_column(std::size_t column, const std::string& clause);
    // Remove the column's NOT NULL or DEFAULT constraints (named or not); false when it has none.
    bool remove_not_null(std::size_t column);
    bool remove_default(std::size_t column);
    // Remove the constraint named `name` (case-insensitively), a table constraint or one on a column;
    // false when there is none of that name.
    bool remove_constraint(std::string_view name);
    // A table constraint, as written, added after the last element.
    void add_constraint(const std::string& definition);

    // The CREATE TABLE with every edit applied.
    std::string text() const;

private:
    struct Element {
        std::size_t first = 0;  // token indexes, [first, last)
        std::size_t last = 0;
    };
    struct Splice {
        std::size_t begin = 0;  // byte range of m_sql replaced by text
        std::size_t end = 0;
        std::string text;
    };

    std::string word(std::size_t token) const;
    std::size_t name_end(std::size_t first) const;
    std::string name_at(std::size_t first) const;
    std::size_t type_end(const Element& column) const;
    std::vector<std::size_t> constraint_starts(const Element& column) const;
    std::string constraint_kind(std::size_t start) const;
    bool remove_column_constraints(std::size_t column, std::string_view kind, std::string_view name = {});
    const Element& column(std::size_t index) const;
    void splice(std::size_t begin, std::size_t end, std::string text);

    std::string m_sql;
    std::vector<sql::Token> m_tokens;
    std::size_t m_name_first = 0;  // the table name's first token
    std::size_t m_open = 0;        // the '(' that opens the definitions
    std::vector<Element> m_elements;
    std::size_t m_column_count = 0;
    std::vector<Splice> m_splices;
};

}  // namespace schemaflip::shadow
