// Internal to core/sql: the parse tree as libpg_query's JSON, and the helpers the analysis passes share.
// Nothing outside core/sql includes this header; it keeps pg_query.h out of every other file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/sql/statement_info.hpp"

namespace schemaflip::sql::detail {

using Json = nlohmann::json;

struct ParsedText {
    bool ok = false;
    std::string error;  // the parser's message when !ok
    Json statements;    // array of RawStmt objects: {"stmt": {"<NodeType>": {...}}, ...}
};

// Parses with libpg_query's JSON output. Never throws for bad SQL.
ParsedText parse_tree(const std::string& sql);

struct Fingerprint {
    bool ok = false;
    std::uint64_t value = 0;
    std::string hex;
};
Fingerprint fingerprint(const std::string& sql);

// pg_query_normalize's text (literals as $1, $2, …); empty when it fails.
std::string normalize(const std::string& sql);

// The node type and body of a node object {"SelectStmt": {...}}; empty name for anything else.
std::string_view node_type(const Json& node);
const Json& node_body(const Json& node);

// The field of an object, or a null Json when absent (never throws).
const Json& field(const Json& object, const char* name);
std::string string_field(const Json& object, const char* name);
bool bool_field(const Json& object, const char* name);

// The sval of a String node, or empty.
std::string string_value(const Json& node);
// The svals of a list of String nodes.
std::vector<std::string> string_values(const Json& list);

// "table" for public or unqualified relations, "schema.table" otherwise (PostgreSQL has folded case).
std::string qualified_name(const std::string& schema, const std::string& relation);
std::string range_var_name(const Json& range_var_body);

// A readable type: varchar(20), integer, numeric(10,2), text[].
std::string type_name_text(const Json& type_name_body);

StatementKind statement_kind(const Json& stmt);
void collect_tables_and_columns(const Json& stmt, const schema::SchemaSnapshot* schema, StatementInfo& info);
void collect_ddl_changes(const Json& stmt, std::vector<DdlChange>& changes);

}  // namespace schemaflip::sql::detail
