// What replay needs to know before it runs a logged SQL text: how many statements it holds, whether it is
// a plain query that only returns rows, and where its $n bind parameters are (all from the parse tree).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace schemaflip::sql {

// One $n in the text, located by the parser (so a "$1" inside a string literal or comment is not one).
struct ParameterRef {
    std::size_t offset = 0;  // byte offset of the '$'
    std::size_t length = 0;  // of "$n" in the text
    int number = 0;          // n, from 1
};

struct QueryText {
    bool parsed = false;
    std::string error;           // the parser's message when !parsed
    std::size_t statements = 0;  // statements in the text
    // Exactly one statement, a SELECT (also VALUES, a set operation, WITH … SELECT) that only reads: no
    // FOR UPDATE/SHARE, no INTO, no data-modifying CTE. COPY … TO, EXPLAIN and DECLARE CURSOR are reads to
    // sql::StatementKind but not plain queries: their results are not rows of the data, or they touch files.
    bool plain_query = false;
    std::vector<ParameterRef> parameters;  // in text order
    // Every function called anywhere in the text, by its unqualified name (lower case unless quoted), sorted
    // and unique: what replay checks for effects a read-only transaction does not prevent.
    std::vector<std::string> functions;
};

// Never throws for bad SQL: parse failures come back with parsed=false and the reason.
QueryText inspect_query_text(std::string_view sql);

// `sql` with every parameter replaced by its value as a string literal ('it''s', the type left to the
// context as the server does for untyped parameters) or NULL. values[0] is $1. Returns nullopt when a
// parameter has no value.
std::optional<std::string> substitute_parameters(std::string_view sql, const std::vector<ParameterRef>& parameters,
                                                 const std::vector<std::optional<std::string>>& values);

}  // namespace schemaflip::sql
