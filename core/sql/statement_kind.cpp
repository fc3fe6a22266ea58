// Decides a parsed statement's kind (read, write, ddl, transaction, utility) from its node type.
//
// Decisions worth knowing:
// - SELECT … FOR UPDATE/SHARE and SELECT with a data-modifying CTE are writes (they lock or change rows);
//   SELECT INTO creates and fills a table: a write.
// - Function calls cannot be judged from the tree: SELECT nextval(…) stays a read.
// - TRUNCATE and REFRESH MATERIALIZED VIEW are writes (data changes, no schema change).
// - EXPLAIN is utility, except EXPLAIN ANALYZE, which runs its statement and takes that statement's kind.
// - DECLARE CURSOR takes its query's kind; PREPARE, EXECUTE, CALL and DO are utility.
// - LOCK TABLE is utility; every CREATE/ALTER/DROP/COMMENT/GRANT/… of a schema object is ddl.
#include <algorithm>
#include <array>

#include "core/sql/parse_tree.hpp"

namespace schemaflip::sql::detail {
namespace {

constexpr std::array<std::string_view, 13> k_ddl_prefixes = {
    "Create", "Alter", "Drop", "Define", "Rename", "Comment", "Grant", "Reassign",
    "Sec", "Import", "Composite", "Rule", "View"};

constexpr std::array<std::string_view, 21> k_utility_types = {
    "VariableSetStmt", "VariableShowStmt", "VacuumStmt", "PrepareStmt", "ExecuteStmt", "DeallocateStmt",
    "ListenStmt", "UnlistenStmt", "NotifyStmt", "CheckPointStmt", "LoadStmt", "DiscardStmt", "LockStmt",
    "CallStmt", "DoStmt", "FetchStmt", "ClosePortalStmt", "ConstraintsSetStmt", "ReindexStmt", "ClusterStmt",
    "ExplainStmt"};

bool is_one_of(std::string_view type, const auto& names) {
    return std::find(names.begin(), names.end(), type) != names.end();
}

bool has_data_modifying_cte(const Json& body) {
    const Json& ctes = field(field(body, "withClause"), "ctes");
    if (!ctes.is_array()) return false;
    for (const auto& cte : ctes) {
        const Json& query = field(node_body(cte), "ctequery");
        if (statement_kind(query) == StatementKind::write) return true;
    }
    return false;
}

StatementKind select_kind(const Json& body) {
    if (field(body, "lockingClause").is_array() || field(body, "intoClause").is_object()) return StatementKind::write;
    if (has_data_modifying_cte(body)) return StatementKind::write;
    for (const char* branch : {"larg", "rarg"}) {
        const Json& side = field(body, branch);
        if (side.is_object() && select_kind(side) == StatementKind::write) return StatementKind::write;
    }
    return StatementKind::read;
}

bool explain_runs_statement(const Json& body) {
    const Json& options = field(body, "options");
    if (!options.is_array()) return false;
    for (const auto& option : options) {
        if (string_field(node_body(option), "defname") != "analyze") continue;
        // EXPLAIN (ANALYZE false) does not run the statement.
        const Json& arg = field(node_body(option), "arg");
        if (node_type(arg) == "Boolean" && !bool_field(node_body(arg), "boolval")) return false;
        if (node_type(arg) == "String" && (string_value(arg) == "false" || string_value(arg) == "off")) return false;
        return true;
    }
    return false;
}

}  // namespace

StatementKind statement_kind(const Json& stmt) {
    const std::string_view type = node_type(stmt);
    const Json& body = node_body(stmt);
    if (type == "SelectStmt") return select_kind(body);
    if (type == "InsertStmt" || type == "UpdateStmt" || type == "DeleteStmt" || type == "MergeStmt") {
        return StatementKind::write;
    }
    if (type == "CopyStmt") return bool_field(body, "is_from") ? StatementKind::write : StatementKind::read;
    if (type == "TruncateStmt" || type == "RefreshMatViewStmt") return StatementKind::write;
    if (type == "TransactionStmt") return StatementKind::transaction;
    if (type == "DeclareCursorStmt") return statement_kind(field(body, "query"));
    if (type == "ExplainStmt" && explain_runs_statement(body)) return statement_kind(field(body, "query"));
    if (is_one_of(type, k_utility_types)) return StatementKind::utility;
    for (const auto prefix : k_ddl_prefixes) {
        if (type.starts_with(prefix)) return StatementKind::ddl;
    }
    if (type == "IndexStmt") return StatementKind::ddl;
    return StatementKind::utility;
}

}  // namespace schemaflip::sql::detail
