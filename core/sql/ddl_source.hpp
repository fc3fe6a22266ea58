// Source text for engines that re-emit DDL instead of running it (SQLite's table rebuild): the PostgreSQL
// lexer's tokens of any text, and the commands of an ALTER TABLE with the source text of what they define.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace schemaflip::sql {

struct Token {
    std::size_t begin = 0;  // byte offsets into the scanned text
    std::size_t end = 0;
    bool keyword = false;   // one of PostgreSQL's keywords, reserved or not

    std::string_view text(std::string_view source) const { return source.substr(begin, end - begin); }
};

// libpg_query's scanner (PostgreSQL's own lexer) over `text`, comments left out. Strings, quoted
// identifiers and comments are single units to it, so a ',' or ')' inside them is never a token.
// nullopt when the text does not scan (an unterminated string or quoted identifier).
std::optional<std::vector<Token>> scan_tokens(std::string_view text);

// `statement` from its first token: the comments before it (which the splitter keeps with the statement
// that follows them, "-- add the rating\nALTER TABLE ...") left out. Unchanged when it does not scan.
std::string_view without_leading_comments(std::string_view statement);

enum class AlterAction {
    add_column,
    drop_column,
    alter_column_type,
    set_not_null,
    drop_not_null,
    set_default,
    drop_default,
    add_constraint,
    drop_constraint,
    other,  // anything else (identity, storage, inheritance, ...): see `subtype`
};

struct AlterCommand {
    AlterAction action = AlterAction::other;
    std::string subtype;       // libpg_query's name of the subcommand (AT_AddIdentity, ...), for messages
    std::string name;          // the column; the constraint for drop_constraint
    bool missing_ok = false;   // IF EXISTS
    // add_constraint: the constraint as written ("CONSTRAINT u UNIQUE (a, b)"); set_default: the expression.
    std::string definition;
    std::string constraint;    // add_constraint: primary key, unique, check, foreign key, exclude
    std::vector<std::string> keys;  // add_constraint of a primary key or unique constraint: its columns
    std::string type;          // alter_column_type: the new type (varchar(80), integer, numeric(10,2))
    std::string using_text;    // alter_column_type: the USING expression as written; empty without one
    std::string using_column;  // ... when that expression is a column, bare or cast (`c`, `c::int`)
    bool using_has_cast = false;  // ... when a cast appears inside it anywhere else
    // A part only PostgreSQL has ("NOT VALID", "COLLATE", "USING INDEX", ...); empty when there is none.
    std::string postgres_only;
};

struct AlterTable {
    std::string schema;  // empty when the statement does not name one
    std::string table;
    bool missing_ok = false;  // ALTER TABLE IF EXISTS
    std::vector<AlterCommand> commands;
};

// The ALTER TABLE in `statement` (one statement, as split_statements gives it); nullopt for any other
// statement and for texts that do not parse.
std::optional<AlterTable> alter_table(std::string_view statement);

}  // namespace schemaflip::sql
