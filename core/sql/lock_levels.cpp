// PostgreSQL 15 lock semantics per change type, ordered by strength so a statement reports its strongest
// lock; the statement form reads the parse tree for what decides between "none", "scan" and "rewrite".
#include "core/sql/lock_levels.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include "core/schema/snapshot.hpp"
#include "core/sql/parse_tree.hpp"

namespace schemaflip::sql {
namespace {

using detail::field;
using detail::Json;
using detail::node_body;
using detail::node_type;
using detail::string_field;

constexpr const char* k_access_exclusive = "ACCESS EXCLUSIVE";
constexpr const char* k_exclusive = "EXCLUSIVE";
constexpr const char* k_share_row_exclusive = "SHARE ROW EXCLUSIVE";
constexpr const char* k_share = "SHARE";
constexpr const char* k_share_update_exclusive = "SHARE UPDATE EXCLUSIVE";
constexpr const char* k_row_exclusive = "ROW EXCLUSIVE";

// Weakest first: the index is the strength.
constexpr std::array<std::string_view, 8> k_mode_order = {
    "ACCESS SHARE", "ROW SHARE", "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE",
    "SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"};
constexpr std::array<std::string_view, 3> k_effect_order = {"none", "scan", "rewrite"};

template <std::size_t N>
std::size_t rank(const std::array<std::string_view, N>& order, std::string_view value) {
    for (std::size_t i = 0; i < N; ++i) {
        if (order[i] == value) return i;
    }
    return N;
}

bool mentions(const std::string& detail, std::string_view word) { return detail.find(word) != std::string::npos; }

const Json& array(const Json& value) {
    static const Json k_empty = Json::array();
    return value.is_array() ? value : k_empty;
}

// Functions whose value does not change within a statement (immutable or stable in pg_proc): as a column
// default, PostgreSQL 11+ evaluates them once and stores the value in the catalog. Any other function is
// taken to be volatile, which makes ADD COLUMN rewrite the table: the safe side of not knowing.
bool is_non_volatile_function(std::string_view name) {
    static constexpr std::array<std::string_view, 22> k_names = {
        "now", "statement_timestamp", "transaction_timestamp", "current_setting", "lower", "upper", "length",
        "abs", "round", "trim", "btrim", "concat", "to_char", "to_timestamp", "to_date", "date_trunc",
        "make_date", "make_interval", "json_build_object", "jsonb_build_object", "array_length", "coalesce"};
    return std::find(k_names.begin(), k_names.end(), name) != k_names.end();
}

// True when an expression calls a function outside the non-volatile list (CURRENT_TIMESTAMP and the
// other SQL value functions are stable; constants, casts and operators over them are too).
bool has_volatile_call(const Json& node) {
    if (node_type(node) == "FuncCall") {
        const auto names = detail::string_values(field(node_body(node), "funcname"));
        if (names.empty() || !is_non_volatile_function(names.back())) return true;
    }
    if (node.is_object()) {
        for (const auto& [key, child] : node.items()) {
            if (has_volatile_call(child)) return true;
        }
    } else if (node.is_array()) {
        for (const auto& child : node) {
            if (has_volatile_call(child)) return true;
        }
    }
    return false;
}

bool is_serial_type(const Json& type_name) {
    const auto names = detail::string_values(field(type_name, "names"));
    if (names.empty()) return false;
    const auto& name = names.back();
    return name == "serial" || name == "bigserial" || name == "smallserial" || name == "serial2" ||
           name == "serial4" || name == "serial8";
}

LockLevel add_column_level(const Json& column_def) {
    if (is_serial_type(field(column_def, "typeName"))) {
        return {k_access_exclusive, "rewrite", "a serial column's default (nextval) is volatile: every row is written"};
    }
    bool has_default = false;
    bool not_null = false;
    LockLevel level{k_access_exclusive, "none", "the column is added in the catalog only"};
    for (const auto& constraint : array(field(column_def, "constraints"))) {
        const Json& body = node_body(constraint);
        const std::string kind = string_field(body, "contype");
        if (kind == "CONSTR_IDENTITY") return {k_access_exclusive, "rewrite", "an identity column fills every row"};
        if (kind == "CONSTR_GENERATED") return {k_access_exclusive, "rewrite", "a stored generated column fills every row"};
        if (kind == "CONSTR_DEFAULT") {
            has_default = true;
            if (has_volatile_call(field(body, "raw_expr"))) {
                return {k_access_exclusive, "rewrite", "a volatile default is computed for every row"};
            }
        }
        if (kind == "CONSTR_NOTNULL") not_null = true;
        if (kind == "CONSTR_PRIMARY" || kind == "CONSTR_UNIQUE") {
            level = {k_access_exclusive, "scan", "the column's unique index is built under the lock"};
        }
        if (kind == "CONSTR_CHECK" && !detail::bool_field(body, "skip_validation")) {
            level = {k_access_exclusive, "scan", "the CHECK constraint is validated on every row"};
        }
    }
    if (not_null && !has_default) {
        return {k_access_exclusive, "scan", "NOT NULL without a default is checked against every row (and fails on a non-empty table)"};
    }
    return level;
}

bool widens_length(const SqlType& from, const SqlType& to) {
    if (to.modifiers.empty()) return true;  // varchar(n) → varchar: no limit at all
    return !from.modifiers.empty() && to.modifiers.front() >= from.modifiers.front();
}

// PostgreSQL skips the rewrite when the new type is binary-coercible from the old one and any new length or
// precision limit cannot reject an existing value (ATColumnChangeRequiresRewrite, PostgreSQL 15).
bool is_binary_coercible(const SqlType& from, const SqlType& to) {
    if (from.array_dimensions != to.array_dimensions) return false;
    if (from.name == to.name && from.modifiers == to.modifiers) return true;
    const auto is_text_like = [](const std::string& name) { return name == "varchar" || name == "text"; };
    if (from.name == "varchar" && to.name == "varchar") return widens_length(from, to);
    if (from.name == "varbit" && to.name == "varbit") return widens_length(from, to);
    if (is_text_like(from.name) && to.name == "text") return true;
    if (from.name == "text" && to.name == "varchar") return to.modifiers.empty();
    if (from.name == "numeric" && to.name == "numeric") {
        if (to.modifiers.empty()) return true;
        if (from.modifiers.empty()) return false;
        const long long from_scale = from.modifiers.size() > 1 ? from.modifiers[1] : 0;
        const long long to_scale = to.modifiers.size() > 1 ? to.modifiers[1] : 0;
        return from_scale == to_scale && to.modifiers.front() >= from.modifiers.front();
    }
    return from.name == "cidr" && to.name == "inet";
}

std::optional<SqlType> type_of(const Json& type_name) {
    const auto names = detail::string_values(field(type_name, "names"));
    if (names.empty()) return std::nullopt;
    SqlType type;
    type.name = names.back();
    for (const auto& modifier : array(field(type_name, "typmods"))) {
        const Json& ival = field(field(node_body(modifier), "ival"), "ival");
        type.modifiers.push_back(ival.is_number_integer() ? ival.get<long long>() : 0);  // protobuf JSON omits 0
    }
    type.array_dimensions = static_cast<int>(array(field(type_name, "arrayBounds")).size());
    type.text = detail::type_name_text(type_name);
    return type;
}

const schema::ColumnInfo* current_column(const schema::SchemaSnapshot* schema, const Json& relation,
                                         const std::string& column) {
    if (schema == nullptr) return nullptr;
    const auto* table = schema->find_table(string_field(relation, "relname"), string_field(relation, "schemaname"));
    return table == nullptr ? nullptr : table->find_column(column);
}

LockLevel alter_type_level(const Json& command, const Json& relation, const schema::SchemaSnapshot* schema) {
    const Json& column_def = node_body(field(command, "def"));
    if (field(column_def, "raw_default").is_object()) {
        return {k_access_exclusive, "rewrite", "ALTER COLUMN TYPE ... USING computes every row anew"};
    }
    const auto* column = current_column(schema, relation, string_field(command, "name"));
    if (column == nullptr) return {k_access_exclusive, "rewrite", "a type change rewrites the table unless binary-coercible"};
    const auto from = parse_type(column->type);
    const auto to = type_of(field(column_def, "typeName"));
    if (from && to && is_binary_coercible(*from, *to)) {
        return {k_access_exclusive, "none", column->type + " to " + to->text + " is binary-coercible: no rewrite"};
    }
    return {k_access_exclusive, "rewrite", "changing " + column->type + " to " + (to ? to->text : "?") + " rewrites every row"};
}

LockLevel add_constraint_level(const Json& constraint) {
    const std::string kind = string_field(constraint, "contype");
    const bool not_valid = detail::bool_field(constraint, "skip_validation");
    if (kind == "CONSTR_FOREIGN") {
        if (not_valid) return {k_share_row_exclusive, "none", "NOT VALID: existing rows are not checked"};
        return {k_share_row_exclusive, "scan", "every row is checked against the referenced table"};
    }
    if (kind == "CONSTR_CHECK") {
        if (not_valid) return {k_access_exclusive, "none", "NOT VALID: existing rows are not checked"};
        return {k_access_exclusive, "scan", "the CHECK is validated on every row"};
    }
    if ((kind == "CONSTR_PRIMARY" || kind == "CONSTR_UNIQUE") && !string_field(constraint, "indexname").empty()) {
        return {k_access_exclusive, "none", "USING INDEX: the index already exists"};
    }
    if (kind == "CONSTR_PRIMARY" || kind == "CONSTR_UNIQUE" || kind == "CONSTR_EXCLUSION") {
        return {k_access_exclusive, "scan", "the constraint's index is built under the lock"};
    }
    return {k_access_exclusive, "none", ""};
}

LockLevel alter_table_command_level(const Json& command, const Json& relation, const schema::SchemaSnapshot* schema) {
    const std::string subtype = string_field(command, "subtype");
    if (subtype == "AT_AddColumn") return add_column_level(node_body(field(command, "def")));
    if (subtype == "AT_AlterColumnType") return alter_type_level(command, relation, schema);
    if (subtype == "AT_SetNotNull") return {k_access_exclusive, "scan", "every row is checked for NULL"};
    if (subtype == "AT_AddConstraint") return add_constraint_level(node_body(field(command, "def")));
    if (subtype == "AT_ValidateConstraint") {
        return {k_share_update_exclusive, "scan", "validation reads every row without blocking reads or writes"};
    }
    if (subtype == "AT_SetTableSpace" || subtype == "AT_SetLogged" || subtype == "AT_SetUnLogged") {
        return {k_access_exclusive, "rewrite", "the table is copied"};
    }
    if (subtype == "AT_SetStatistics" || subtype == "AT_ClusterOn" || subtype == "AT_DropCluster" ||
        subtype == "AT_SetRelOptions" || subtype == "AT_ResetRelOptions" || subtype == "AT_SetOptions" ||
        subtype == "AT_ResetOptions") {
        return {k_share_update_exclusive, "none", ""};
    }
    if (subtype.starts_with("AT_EnableTrig") || subtype.starts_with("AT_DisableTrig") ||
        subtype == "AT_EnableAlwaysTrig" || subtype == "AT_EnableReplicaTrig") {
        return {k_share_row_exclusive, "none", ""};
    }
    return {k_access_exclusive, "none", ""};
}

LockLevel statement_level(const Json& stmt, const schema::SchemaSnapshot* schema) {
    const std::string_view type = node_type(stmt);
    const Json& body = node_body(stmt);
    if (type == "IndexStmt") {
        if (detail::bool_field(body, "concurrent")) {
            return {k_share_update_exclusive, "scan", "CONCURRENTLY: built in two scans without blocking reads or writes"};
        }
        return {k_share, "scan", "the index is built under a lock that blocks writes"};
    }
    if (type == "AlterTableStmt" && string_field(body, "objtype") == "OBJECT_TABLE") {
        const Json& relation = field(body, "relation");
        LockLevel level{"ACCESS SHARE", "none", ""};
        for (const auto& command : array(field(body, "cmds"))) {
            level = stronger(level, alter_table_command_level(node_body(command), relation, schema));
        }
        return level;
    }
    if (type == "DropStmt" && string_field(body, "removeType") == "OBJECT_INDEX" && detail::bool_field(body, "concurrent")) {
        return {k_share_update_exclusive, "none", "CONCURRENTLY: waits for running transactions instead of blocking"};
    }
    if (type == "VacuumStmt" || type == "ClusterStmt") {
        // VACUUM FULL and CLUSTER copy the table; plain VACUUM and ANALYZE block neither reads nor writes.
        bool full = type == "ClusterStmt";
        for (const auto& option : array(field(body, "options"))) {
            full = full || string_field(node_body(option), "defname") == "full";
        }
        if (full) return {k_access_exclusive, "rewrite", "the table is copied"};
        return {k_share_update_exclusive, "scan", ""};
    }
    if (type == "InsertStmt" || type == "UpdateStmt" || type == "DeleteStmt" || type == "MergeStmt") {
        return {k_row_exclusive, "none", "row locks only"};
    }
    if (type == "RefreshMatViewStmt" && !detail::bool_field(body, "concurrent")) {
        return {k_access_exclusive, "rewrite", "the materialized view is recomputed"};
    }
    if (type == "LockStmt") return {k_access_exclusive, "none", "an explicit LOCK TABLE"};
    StatementInfo info;
    detail::collect_ddl_changes(stmt, info.ddl_changes);
    return postgres_lock_level(info.ddl_changes);
}

}  // namespace

LockLevel postgres_lock_level(const DdlChange& change) {
    const std::string& op = change.op;
    if (op == "add_index") {
        return {mentions(change.detail, "concurrently") ? k_share_update_exclusive : k_share, "scan", ""};
    }
    if (op == "drop_index") {
        return {mentions(change.detail, "concurrently") ? k_share_update_exclusive : k_access_exclusive, "none", ""};
    }
    if (op == "add_foreign_key") return {k_share_row_exclusive, "scan", ""};
    // A type change rewrites the table unless it is binary-coercible (varchar widening), which needs the
    // current type: statement_lock_level() decides that; the lock is ACCESS EXCLUSIVE either way.
    if (op == "alter_column_type") return {k_access_exclusive, "rewrite", ""};
    if (op == "alter_column_null") return {k_access_exclusive, mentions(change.detail, "set not null") ? "scan" : "none", ""};
    if (op == "add_constraint") return {k_access_exclusive, "scan", ""};
    if (op == "add_column") {
        // Since PostgreSQL 11 a constant default is stored in the catalog; only a volatile one rewrites,
        // which the change model does not distinguish, so NOT NULL (validated on every row) is the scan.
        return {k_access_exclusive, mentions(change.detail, "not null") ? "scan" : "none", ""};
    }
    if (op == "other" && change.detail.starts_with("validate constraint")) return {k_share_update_exclusive, "scan", ""};
    if (op == "data_migration") return {k_row_exclusive, "none", ""};
    return {k_access_exclusive, "none", ""};
}

LockLevel postgres_lock_level(const std::vector<DdlChange>& changes) {
    if (changes.empty()) return {k_access_exclusive, "none", ""};
    LockLevel strongest{"ACCESS SHARE", "none", ""};
    for (const auto& change : changes) strongest = stronger(strongest, postgres_lock_level(change));
    return strongest;
}

LockLevel statement_lock_level(std::string_view sql, const schema::SchemaSnapshot* schema) {
    const auto parsed = detail::parse_tree(std::string(sql));
    if (!parsed.ok || parsed.statements.empty()) return {k_access_exclusive, "none", "the statement does not parse"};
    LockLevel strongest{"ACCESS SHARE", "none", ""};
    for (const auto& raw : parsed.statements) strongest = stronger(strongest, statement_level(field(raw, "stmt"), schema));
    return strongest;
}

BlockedStatements blocked_statements(std::string_view mode) {
    if (mode == k_access_exclusive) return BlockedStatements::reads_and_writes;
    if (mode == k_exclusive || mode == k_share_row_exclusive || mode == k_share) return BlockedStatements::writes;
    return BlockedStatements::none;
}

const char* to_string(BlockedStatements blocked) {
    switch (blocked) {
        case BlockedStatements::reads_and_writes: return "reads and writes";
        case BlockedStatements::writes: return "writes";
        case BlockedStatements::none: break;
    }
    return "none";
}

LockLevel stronger(const LockLevel& a, const LockLevel& b) {
    LockLevel result = a;
    if (rank(k_mode_order, b.mode) > rank(k_mode_order, a.mode)) result.mode = b.mode;
    if (rank(k_effect_order, b.effect) > rank(k_effect_order, a.effect)) {
        result.effect = b.effect;
        result.reason = b.reason;
    } else if (result.reason.empty()) {
        result.reason = b.reason;
    }
    return result;
}

}  // namespace schemaflip::sql
