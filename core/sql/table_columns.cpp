// Finds the tables a statement reads and writes and attributes every column reference to its table,
// following aliases, CTEs, subqueries (correlated and LATERAL) and the targets of INSERT/UPDATE/DELETE/MERGE.
//
// Scopes mirror PostgreSQL's name resolution: a query's FROM items form one scope whose parent is the
// enclosing query's; CTE names live in a scope of their own so a non-LATERAL subquery sees the CTEs but
// not its siblings. An unqualified column goes to the only FROM item that can have it (a schema snapshot
// decides "can"); when several can and nothing decides, its table stays empty. DDL statements report no
// tables here: their effect is described by ddl_changes.
#include <algorithm>
#include <deque>
#include <optional>

#include "core/schema/snapshot.hpp"
#include "core/sql/parse_tree.hpp"

namespace schemaflip::sql::detail {
namespace {

enum class Role { plain, filter, join };

struct Output {
    std::string name;
    std::optional<ColumnRef> source;  // the base column it passes through; none for computed values
};

struct Outputs {
    bool known = true;  // false when a * or VALUES hides the names
    std::vector<Output> columns;
};

struct RangeEntry {
    std::string name;   // what the query calls it: the alias, else the relation's own name
    std::string table;  // the base table, qualified as in tables_read; empty for derived tables
    Outputs outputs;    // derived tables only
};

struct Scope {
    const Scope* parent = nullptr;
    std::deque<RangeEntry> entries;  // a deque: resolution keeps pointers while entries are added
    std::vector<std::pair<std::string, Outputs>> ctes;
};

struct Resolved {
    std::optional<ColumnRef> column;
    const RangeEntry* entry = nullptr;
};

enum class Has { yes, no, maybe };

class Collector {
public:
    Collector(const schema::SchemaSnapshot* schema, StatementInfo& info) : m_schema(schema), m_info(info) {}

    Outputs statement(const Json& stmt, const Scope* parent, bool top_level) {
        const std::string_view type = node_type(stmt);
        const Json& body = node_body(stmt);
        if (type == "SelectStmt") return select(body, parent, top_level);
        if (type == "InsertStmt") return insert(body, parent);
        if (type == "UpdateStmt") return update(body, parent);
        if (type == "DeleteStmt") return delete_rows(body, parent);
        if (type == "MergeStmt") merge(body, parent);
        if (type == "CopyStmt") copy(body, parent);
        if (type == "TruncateStmt") write_relations(field(body, "relations"));
        if (type == "RefreshMatViewStmt") m_info.tables_written.push_back(range_var_name(field(body, "relation")));
        if (type == "ExplainStmt" || type == "DeclareCursorStmt" || type == "PrepareStmt") {
            return statement(field(body, "query"), parent, top_level);
        }
        return Outputs{false, {}};
    }

private:
    const schema::SchemaSnapshot* m_schema;
    StatementInfo& m_info;

    // ---- queries

    Outputs select(const Json& body, const Scope* parent, bool top_level) {
        Scope with_scope{parent, {}, {}};
        with_clause(field(body, "withClause"), with_scope);
        if (top_level) {
            m_info.orders_result = m_info.orders_result || field(body, "sortClause").is_array();
            m_info.has_limit = m_info.has_limit || field(body, "limitCount").is_object();
            m_info.has_offset = m_info.has_offset || field(body, "limitOffset").is_object();
            if (field(body, "sortClause").is_array()) m_info.order_by_keys = order_by_keys(body);
        }
        if (string_field(body, "op") != "SETOP_NONE" && field(body, "larg").is_object()) {
            Outputs left = select(field(body, "larg"), &with_scope, false);
            select(field(body, "rarg"), &with_scope, false);
            return left;
        }
        Scope scope{&with_scope, {}, {}};
        for (const auto& item : array(field(body, "fromClause"))) from_item(item, scope);
        for (const auto& row : array(field(body, "valuesLists"))) expression(row, scope, Role::plain);
        Outputs outputs = target_list(field(body, "targetList"), scope);
        if (field(body, "valuesLists").is_array()) outputs.known = false;
        expression(field(body, "whereClause"), scope, Role::filter);
        expression(field(body, "havingClause"), scope, Role::filter);
        output_aware_expressions(field(body, "groupClause"), scope, outputs);
        output_aware_expressions(field(body, "sortClause"), scope, outputs);
        expression(field(body, "windowClause"), scope, Role::plain);
        expression(field(body, "distinctClause"), scope, Role::plain);
        if (const Json& into = field(body, "intoClause"); into.is_object()) {
            m_info.tables_written.push_back(range_var_name(field(into, "rel")));
        }
        return outputs;
    }

    Outputs insert(const Json& body, const Scope* parent) {
        Scope with_scope{parent, {}, {}};
        with_clause(field(body, "withClause"), with_scope);
        const std::string target = write_target(field(body, "relation"));
        for (const auto& column : array(field(body, "cols"))) {
            written_column(target, string_field(node_body(column), "name"));
        }
        if (const Json& query = field(body, "selectStmt"); query.is_object()) select(node_body(query), &with_scope, false);
        Scope scope{&with_scope, {}, {}};
        scope.entries.push_back(table_entry(field(body, "relation"), target));
        if (const Json& conflict = field(body, "onConflictClause"); conflict.is_object()) {
            on_conflict(conflict, target, scope);
        }
        return target_list(field(body, "returningList"), scope);
    }

    void on_conflict(const Json& conflict, const std::string& target, Scope& scope) {
        for (const auto& element : array(field(field(conflict, "infer"), "indexElems"))) {
            const std::string name = string_field(node_body(element), "name");
            if (!name.empty()) record(Resolved{ColumnRef{target, name}, nullptr}, Role::plain);
            expression(field(node_body(element), "expr"), scope, Role::plain);
        }
        expression(field(field(conflict, "infer"), "whereClause"), scope, Role::filter);
        // EXCLUDED is the row proposed for insertion: its columns are the target's.
        scope.entries.push_back(RangeEntry{"excluded", target, {}});
        assignments(field(conflict, "targetList"), target, scope);
        expression(field(conflict, "whereClause"), scope, Role::filter);
    }

    Outputs update(const Json& body, const Scope* parent) {
        Scope with_scope{parent, {}, {}};
        with_clause(field(body, "withClause"), with_scope);
        Scope scope{&with_scope, {}, {}};
        const std::string target = write_target(field(body, "relation"));
        scope.entries.push_back(table_entry(field(body, "relation"), target));
        for (const auto& item : array(field(body, "fromClause"))) from_item(item, scope);
        assignments(field(body, "targetList"), target, scope);
        expression(field(body, "whereClause"), scope, Role::filter);
        return target_list(field(body, "returningList"), scope);
    }

    Outputs delete_rows(const Json& body, const Scope* parent) {
        Scope with_scope{parent, {}, {}};
        with_clause(field(body, "withClause"), with_scope);
        Scope scope{&with_scope, {}, {}};
        const std::string target = write_target(field(body, "relation"));
        scope.entries.push_back(table_entry(field(body, "relation"), target));
        for (const auto& item : array(field(body, "usingClause"))) from_item(item, scope);
        expression(field(body, "whereClause"), scope, Role::filter);
        return target_list(field(body, "returningList"), scope);
    }

    void merge(const Json& body, const Scope* parent) {
        Scope with_scope{parent, {}, {}};
        with_clause(field(body, "withClause"), with_scope);
        Scope scope{&with_scope, {}, {}};
        const std::string target = write_target(field(body, "relation"));
        scope.entries.push_back(table_entry(field(body, "relation"), target));
        from_item(field(body, "sourceRelation"), scope);
        expression(field(body, "joinCondition"), scope, Role::join);
        for (const auto& clause : array(field(body, "mergeWhenClauses"))) {
            const Json& when = node_body(clause);
            expression(field(when, "condition"), scope, Role::filter);
            assignments(field(when, "targetList"), target, scope);
            expression(field(when, "values"), scope, Role::plain);
        }
    }

    void copy(const Json& body, const Scope* parent) {
        if (const Json& query = field(body, "query"); query.is_object()) {
            statement(query, parent, false);
            return;
        }
        const Json& relation = field(body, "relation");
        if (!relation.is_object()) return;
        const std::string table = range_var_name(relation);
        (bool_field(body, "is_from") ? m_info.tables_written : m_info.tables_read).push_back(table);
        for (const auto& name : string_values(field(body, "attlist"))) {
            record(Resolved{ColumnRef{table, name}, nullptr}, Role::plain);
            if (bool_field(body, "is_from")) m_info.written_columns.push_back(ColumnRef{table, name});
        }
    }

    void write_relations(const Json& relations) {
        for (const auto& relation : array(relations)) m_info.tables_written.push_back(range_var_name(node_body(relation)));
    }

    // ---- WITH and FROM

    void with_clause(const Json& with, Scope& scope) {
        const bool recursive = bool_field(with, "recursive");
        for (const auto& item : array(field(with, "ctes"))) {
            const Json& cte = node_body(item);
            const std::string name = string_field(cte, "ctename");
            // A recursive CTE sees itself; its columns come from the non-recursive branch.
            if (recursive) scope.ctes.emplace_back(name, Outputs{false, {}});
            Outputs outputs = statement(field(cte, "ctequery"), &scope, false);
            rename_outputs(outputs, string_values(field(cte, "aliascolnames")));
            if (recursive) {
                scope.ctes.back().second = std::move(outputs);
            } else {
                scope.ctes.emplace_back(name, std::move(outputs));
            }
        }
    }

    void from_item(const Json& item, Scope& scope) {
        const std::string_view type = node_type(item);
        const Json& body = node_body(item);
        if (type == "RangeVar") {
            scope.entries.push_back(range_var_entry(body, scope));
        } else if (type == "RangeSubselect") {
            // Only a LATERAL subquery sees the FROM items before it.
            const Scope* visible = bool_field(body, "lateral") ? &scope : scope.parent;
            Outputs outputs = statement(field(body, "subquery"), visible, false);
            rename_outputs(outputs, string_values(field(field(body, "alias"), "colnames")));
            scope.entries.push_back(RangeEntry{alias_name(body), "", std::move(outputs)});
        } else if (type == "JoinExpr") {
            join(body, scope);
        } else if (type == "RangeFunction" || type == "RangeTableFunc") {
            expression(body, scope, Role::plain);
            scope.entries.push_back(RangeEntry{alias_name(body), "", Outputs{false, {}}});
        } else if (type == "RangeTableSample") {
            from_item(field(body, "relation"), scope);
            expression(field(body, "args"), scope, Role::plain);
        }
    }

    void join(const Json& body, Scope& scope) {
        const std::size_t left_begin = scope.entries.size();
        from_item(field(body, "larg"), scope);
        const std::size_t right_begin = scope.entries.size();
        from_item(field(body, "rarg"), scope);
        const std::size_t end = scope.entries.size();
        expression(field(body, "quals"), scope, Role::join);
        for (const auto& name : string_values(field(body, "usingClause"))) {
            record(resolve_among(scope, left_begin, right_begin, name), Role::join);
            record(resolve_among(scope, right_begin, end, name), Role::join);
        }
    }

    RangeEntry range_var_entry(const Json& body, const Scope& scope) {
        const std::string relation = string_field(body, "relname");
        if (string_field(body, "schemaname").empty()) {
            if (const Outputs* cte = find_cte(scope, relation)) return RangeEntry{alias_name(body), "", *cte};
        }
        const std::string table = range_var_name(body);
        m_info.tables_read.push_back(table);
        return table_entry(body, table);
    }

    static RangeEntry table_entry(const Json& range_var, const std::string& table) {
        return RangeEntry{alias_name(range_var), table, {}};
    }

    static std::string alias_name(const Json& body) {
        const std::string alias = string_field(field(body, "alias"), "aliasname");
        return alias.empty() ? string_field(body, "relname") : alias;
    }

    static const Outputs* find_cte(const Scope& scope, const std::string& name) {
        for (const Scope* s = &scope; s != nullptr; s = s->parent) {
            for (const auto& [cte_name, outputs] : s->ctes) {
                if (cte_name == name) return &outputs;
            }
        }
        return nullptr;
    }

    static void rename_outputs(Outputs& outputs, const std::vector<std::string>& names) {
        if (names.empty()) return;
        outputs.columns.resize(std::max(outputs.columns.size(), names.size()));
        for (std::size_t i = 0; i < names.size(); ++i) outputs.columns[i].name = names[i];
        outputs.known = true;
    }

    std::string write_target(const Json& relation) {
        const std::string table = range_var_name(relation);
        m_info.tables_written.push_back(table);
        return table;
    }

    // ---- target lists and assignments

    Outputs target_list(const Json& targets, const Scope& scope) {
        Outputs outputs;
        for (const auto& target : array(targets)) {
            const Json& body = node_body(target);
            const Json& value = field(body, "val");
            if (is_star(value)) {
                m_info.select_star = true;
                outputs.known = false;
                continue;
            }
            Output output{string_field(body, "name"), std::nullopt};
            if (node_type(value) == "ColumnRef") {
                const Resolved resolved = resolve(node_body(value), scope);
                record(resolved, Role::plain);
                if (output.name.empty() && resolved.column) output.name = resolved.column->column;
                if (resolved.column && !resolved.column->table.empty()) output.source = resolved.column;
            } else {
                expression(value, scope, Role::plain);
            }
            outputs.columns.push_back(std::move(output));
        }
        return outputs;
    }

    void assignments(const Json& targets, const std::string& table, const Scope& scope) {
        for (const auto& target : array(targets)) {
            const Json& body = node_body(target);
            written_column(table, string_field(body, "name"));
            expression(field(body, "val"), scope, Role::plain);
        }
    }

    void written_column(const std::string& table, const std::string& column) {
        if (column.empty()) return;
        m_info.written_columns.push_back(ColumnRef{table, column});
        m_info.columns.push_back(ColumnRef{table, column});
    }

    static bool is_star(const Json& value) {
        if (node_type(value) != "ColumnRef") return false;
        const Json& fields = field(node_body(value), "fields");
        return fields.is_array() && !fields.empty() && node_type(fields.back()) == "A_Star";
    }

    // ORDER BY and GROUP BY may name an output column ("SELECT a + b AS total … ORDER BY total").
    void output_aware_expressions(const Json& items, const Scope& scope, const Outputs& outputs) {
        for (const auto& item : array(items)) {
            const Json& inner = node_type(item) == "SortBy" ? field(node_body(item), "node") : item;
            if (names_computed_output(inner, outputs)) continue;
            expression(inner, scope, Role::plain);
        }
    }

    static bool names_computed_output(const Json& node, const Outputs& outputs) {
        if (node_type(node) != "ColumnRef") return false;
        const auto names = string_values(field(node_body(node), "fields"));
        if (names.size() != 1) return false;
        for (const auto& output : outputs.columns) {
            if (output.name == names.front() && !output.source) return true;
        }
        return false;
    }

    // ---- ORDER BY keys as result columns (the validation engine compares rows with equal keys as multisets)

    // PostgreSQL's rules for ORDER BY: an ordinal is the n-th output column; a bare name is the output column
    // of that name when there is one (a `*` may supply it: left to the result's names); any other expression
    // is the target entry it equals. Keys found no other way are not output columns, as far as the text says.
    static std::vector<OrderByKey> order_by_keys(const Json& body) {
        const Json& targets = array(leftmost_targets(body));
        std::vector<OrderByKey> keys;
        for (const auto& item : array(field(body, "sortClause"))) {
            keys.push_back(order_by_key(field(node_body(item), "node"), targets));
        }
        return keys;
    }

    // A set operation's output columns are those of its leftmost SELECT.
    static const Json& leftmost_targets(const Json& body) {
        const Json* select = &body;
        while (string_field(*select, "op") != "SETOP_NONE" && field(*select, "larg").is_object()) {
            select = &field(*select, "larg");
        }
        return field(*select, "targetList");
    }

    static OrderByKey order_by_key(const Json& key, const Json& targets) {
        if (node_type(key) == "A_Const") return ordinal_key(key, targets);
        const auto names = node_type(key) == "ColumnRef" && !is_star(key)
                               ? string_values(field(node_body(key), "fields"))
                               : std::vector<std::string>{};
        if (names.size() == 1) {
            for (std::size_t i = 0; i < targets.size(); ++i) {
                if (output_name(targets[i]) == names.front()) return target_key(targets, i);
            }
            if (has_star(targets)) return OrderByKey{-1, names.front(), false};
        }
        for (std::size_t i = 0; i < targets.size(); ++i) {
            if (same_tree(target_value(targets[i]), key)) return target_key(targets, i);
        }
        // q.col under `*` or `q.*`: the star's column, which the result names col.
        if (names.size() == 2) {
            for (const auto& target : targets) {
                const Json& value = target_value(target);
                if (!is_star(value)) continue;
                const auto qualifier = string_values(field(node_body(value), "fields"));
                if (qualifier.empty() || qualifier.front() == names.front()) {
                    return OrderByKey{-1, names.back(), false};
                }
            }
        }
        return {};
    }

    // ORDER BY n counts result columns, which a `*` before the n-th target hides.
    static OrderByKey ordinal_key(const Json& key, const Json& targets) {
        const OrderByKey unknown{-1, {}, true};
        const Json& ordinal = field(field(node_body(key), "ival"), "ival");
        if (!ordinal.is_number_integer() || ordinal.get<long long>() < 1) return unknown;
        const auto index = static_cast<std::size_t>(ordinal.get<long long>() - 1);
        if (index >= targets.size()) return unknown;
        for (std::size_t i = 0; i <= index; ++i) {
            if (is_star(target_value(targets[i]))) return unknown;
        }
        return OrderByKey{static_cast<int>(index), {}, true};
    }

    // Target `index` by position when no `*` comes before it, else by its output name.
    static OrderByKey target_key(const Json& targets, std::size_t index) {
        for (std::size_t i = 0; i < index; ++i) {
            if (is_star(target_value(targets[i]))) return OrderByKey{-1, output_name(targets[index]), false};
        }
        return OrderByKey{static_cast<int>(index), {}, false};
    }

    static const Json& target_value(const Json& target) { return field(node_body(target), "val"); }

    static bool has_star(const Json& targets) {
        return std::any_of(targets.begin(), targets.end(), [](const Json& t) { return is_star(target_value(t)); });
    }

    // The name a target gives its result column when the text decides it: the alias, or a column's name.
    static std::string output_name(const Json& target) {
        const std::string alias = string_field(node_body(target), "name");
        if (!alias.empty()) return alias;
        const Json& value = target_value(target);
        if (node_type(value) != "ColumnRef" || is_star(value)) return {};
        const auto names = string_values(field(node_body(value), "fields"));
        return names.empty() ? std::string{} : names.back();
    }

    // Parse trees equal apart from text positions: "ORDER BY count(*)" names the target "count(*)".
    static bool same_tree(const Json& a, const Json& b) {
        if (a.is_object() && b.is_object()) {
            std::size_t compared = 0;
            for (const auto& [key, value] : a.items()) {
                if (key == "location") continue;
                const auto other = b.find(key);
                if (other == b.end() || !same_tree(value, *other)) return false;
                ++compared;
            }
            return compared == b.size() - (b.contains("location") ? 1 : 0);
        }
        if (a.is_array() && b.is_array()) {
            if (a.size() != b.size()) return false;
            for (std::size_t i = 0; i < a.size(); ++i) {
                if (!same_tree(a[i], b[i])) return false;
            }
            return true;
        }
        return a == b;
    }

    // ---- expressions

    void expression(const Json& node, const Scope& scope, Role role) {
        if (node.is_array()) {
            for (const auto& item : node) expression(item, scope, role);
            return;
        }
        if (!node.is_object()) return;
        const std::string_view type = node_type(node);
        const Json& body = node_body(node);
        if (type == "ColumnRef") {
            if (!is_star(node)) record(resolve(body, scope), role);
            return;
        }
        if (type == "SubLink") {
            expression(field(body, "testexpr"), scope, role);
            statement(field(body, "subselect"), &scope, false);
            return;
        }
        if (type == "SelectStmt" || type == "InsertStmt" || type == "UpdateStmt" || type == "DeleteStmt") {
            statement(node, &scope, false);
            return;
        }
        if (type == "A_Expr" && role == Role::filter && equality_join(body, scope)) return;
        for (const auto& [key, value] : node.items()) {
            if (value.is_structured()) expression(value, scope, role);
        }
    }

    // "a.id = b.a_id" in a WHERE clause joins two FROM items: record both sides as join columns.
    bool equality_join(const Json& body, const Scope& scope) {
        if (string_field(body, "kind") != "AEXPR_OP") return false;
        const auto op = string_values(field(body, "name"));
        if (op.size() != 1 || op.front() != "=") return false;
        const Json& left = field(body, "lexpr");
        const Json& right = field(body, "rexpr");
        if (node_type(left) != "ColumnRef" || node_type(right) != "ColumnRef" || is_star(left) || is_star(right)) {
            return false;
        }
        const Resolved a = resolve(node_body(left), scope);
        const Resolved b = resolve(node_body(right), scope);
        const bool different_entries = a.entry != nullptr && b.entry != nullptr && a.entry != b.entry;
        const bool different_tables = a.column && b.column && !a.column->table.empty() &&
                                      !b.column->table.empty() && a.column->table != b.column->table;
        const Role role = different_entries || different_tables ? Role::join : Role::filter;
        record(a, role);
        record(b, role);
        return true;
    }

    void record(const Resolved& resolved, Role role) {
        if (!resolved.column) return;
        m_info.columns.push_back(*resolved.column);
        if (role == Role::filter) m_info.filter_columns.push_back(*resolved.column);
        if (role == Role::join) m_info.join_columns.push_back(*resolved.column);
    }

    // ---- column resolution

    Resolved resolve(const Json& column_ref, const Scope& scope) const {
        std::vector<std::string> names = string_values(field(column_ref, "fields"));
        if (names.empty()) return {};
        const std::string column = names.back();
        names.pop_back();
        if (names.empty()) return resolve_unqualified(scope, column);
        if (names.size() == 1) return resolve_qualified(scope, names.front(), column);
        const std::string table = qualified_name(names[names.size() - 2], names.back());
        for (const Scope* s = &scope; s != nullptr; s = s->parent) {
            for (const auto& entry : s->entries) {
                if (entry.table == table) return Resolved{ColumnRef{table, column}, &entry};
            }
        }
        return Resolved{ColumnRef{table, column}, nullptr};
    }

    Resolved resolve_qualified(const Scope& scope, const std::string& qualifier, const std::string& column) const {
        for (const Scope* s = &scope; s != nullptr; s = s->parent) {
            for (const auto& entry : s->entries) {
                if (entry.name == qualifier) return resolve_in_entry(entry, column);
            }
        }
        return Resolved{ColumnRef{"", column}, nullptr};
    }

    Resolved resolve_unqualified(const Scope& scope, const std::string& column) const {
        const Scope* innermost = nullptr;
        for (const Scope* s = &scope; s != nullptr; s = s->parent) {
            if (s->entries.empty()) continue;
            if (innermost == nullptr) innermost = s;
            std::vector<const RangeEntry*> certain;
            std::vector<const RangeEntry*> possible;
            for (const auto& entry : s->entries) {
                const Has has = entry_has(entry, column);
                if (has == Has::yes) certain.push_back(&entry);
                if (has == Has::maybe) possible.push_back(&entry);
            }
            if (certain.size() == 1) return resolve_in_entry(*certain.front(), column);
            if (certain.empty() && possible.size() == 1) return resolve_in_entry(*possible.front(), column);
            if (certain.empty() && possible.empty()) continue;  // an outer query's column
            return Resolved{ColumnRef{"", column}, nullptr};
        }
        // Nobody has it: an application ahead of its schema. With one FROM item, it can only mean that one.
        if (innermost != nullptr && innermost->entries.size() == 1) {
            return resolve_in_entry(innermost->entries.front(), column);
        }
        return Resolved{ColumnRef{"", column}, nullptr};
    }

    // USING (col) names a column on each side of a join: resolve it among one side's FROM items.
    Resolved resolve_among(const Scope& scope, std::size_t begin, std::size_t end, const std::string& column) const {
        std::vector<const RangeEntry*> candidates;
        for (std::size_t i = begin; i < end; ++i) {
            if (entry_has(scope.entries[i], column) != Has::no) candidates.push_back(&scope.entries[i]);
        }
        if (candidates.size() == 1) return resolve_in_entry(*candidates.front(), column);
        return Resolved{ColumnRef{"", column}, nullptr};
    }

    static Resolved resolve_in_entry(const RangeEntry& entry, const std::string& column) {
        if (!entry.table.empty()) return Resolved{ColumnRef{entry.table, column}, &entry};
        for (const auto& output : entry.outputs.columns) {
            // A computed output's inputs were recorded inside the derived table already.
            if (output.name == column) return Resolved{output.source, &entry};
        }
        return Resolved{ColumnRef{"", column}, &entry};
    }

    Has entry_has(const RangeEntry& entry, const std::string& column) const {
        if (!entry.table.empty()) {
            const schema::TableInfo* table = find_table(entry.table);
            if (table == nullptr) return Has::maybe;
            return table->find_column(column) != nullptr ? Has::yes : Has::no;
        }
        for (const auto& output : entry.outputs.columns) {
            if (output.name == column) return Has::yes;
        }
        return entry.outputs.known ? Has::no : Has::maybe;
    }

    const schema::TableInfo* find_table(const std::string& qualified) const {
        if (m_schema == nullptr) return nullptr;
        const auto dot = qualified.find('.');
        if (dot != std::string::npos) return m_schema->find_table(qualified.substr(dot + 1), qualified.substr(0, dot));
        if (const auto* table = m_schema->find_table(qualified, "public")) return table;
        return m_schema->find_table(qualified);
    }

    static const Json& array(const Json& value) {
        static const Json k_empty = Json::array();
        return value.is_array() ? value : k_empty;
    }
};

}  // namespace

void collect_tables_and_columns(const Json& stmt, const schema::SchemaSnapshot* schema, StatementInfo& info) {
    Collector collector(schema, info);
    collector.statement(stmt, nullptr, true);
}

}  // namespace schemaflip::sql::detail
