// Turns DDL parse trees into DdlChange rows in the op vocabulary of shared/data/schema-history
// (create_table, add_column, alter_column_null, add_index, drop_foreign_key, other, …).
//
// Details follow that README: create_table lists "name:type …" then "| fk: col->table(cols) …";
// renames carry "-> new"; column ops carry the type and options; add_index carries the index name and
// its flags (unique, concurrently, using <method>); constraint ops carry the kind and name. DROP
// CONSTRAINT of a name containing "fk" is drop_foreign_key, as in the history data. Anything else that
// changes the schema (views, sequences, types, functions, comments, grants, …) is "other".
#include <utility>

#include "core/sql/parse_tree.hpp"

namespace schemaflip::sql::detail {
namespace {

const Json& array(const Json& value) {
    static const Json k_empty = Json::array();
    return value.is_array() ? value : k_empty;
}

std::string join(const std::vector<std::string>& items, const char* separator) {
    std::string text;
    for (const auto& item : items) text += (text.empty() ? "" : separator) + item;
    return text;
}

// OBJECT_MATERIALIZED_VIEW → "materialized view", AT_ValidateConstraint → "validate constraint".
std::string lower_words(std::string_view constant, std::string_view prefix) {
    const std::string_view words = constant.starts_with(prefix) ? constant.substr(prefix.size()) : constant;
    std::string text;
    char previous = ' ';
    for (const char c : words) {
        const bool upper = c >= 'A' && c <= 'Z';
        if (upper && previous >= 'a' && previous <= 'z') text += ' ';
        text += c == '_' ? ' ' : static_cast<char>(upper ? c - 'A' + 'a' : c);
        previous = c;
    }
    return text;
}

// CONSTR_NOTNULL → "not null", CONSTR_PRIMARY → "primary key", as the SQL spells them.
std::string constraint_words(std::string_view contype) {
    static const std::pair<std::string_view, const char*> k_words[] = {
        {"CONSTR_NOTNULL", "not null"}, {"CONSTR_PRIMARY", "primary key"}, {"CONSTR_FOREIGN", "foreign key"},
        {"CONSTR_EXCLUSION", "exclude"}, {"CONSTR_ATTR_DEFERRABLE", "deferrable"},
        {"CONSTR_ATTR_NOT_DEFERRABLE", "not deferrable"}, {"CONSTR_ATTR_DEFERRED", "initially deferred"},
        {"CONSTR_ATTR_IMMEDIATE", "initially immediate"},
    };
    for (const auto& [constant, words] : k_words) {
        if (contype == constant) return words;
    }
    return lower_words(contype, "CONSTR_");
}

std::string foreign_key_target(const Json& constraint) {
    return range_var_name(field(constraint, "pktable")) + "(" + join(string_values(field(constraint, "pk_attrs")), ",") + ")";
}

class DdlReader {
public:
    explicit DdlReader(std::vector<DdlChange>& changes) : m_changes(changes) {}

    void statement(const Json& stmt) {
        const std::string_view type = node_type(stmt);
        const Json& body = node_body(stmt);
        const std::size_t before = m_changes.size();
        if (type == "CreateStmt") create_table(body);
        if (type == "CreateTableAsStmt") create_table_as(body);
        if (type == "DropStmt") drop(body);
        if (type == "RenameStmt") rename(body);
        if (type == "IndexStmt") create_index(body);
        if (type == "AlterTableStmt") alter_table(body);
        if (m_changes.size() == before) other(type, body);
    }

private:
    std::vector<DdlChange>& m_changes;

    void add(std::string op, std::string table, std::string column, std::string detail) {
        m_changes.push_back(DdlChange{std::move(op), std::move(table), std::move(column), std::move(detail)});
    }

    void create_table(const Json& body) {
        std::vector<std::string> columns;
        std::vector<std::string> foreign_keys;
        for (const auto& element : array(field(body, "tableElts"))) {
            const Json& inner = node_body(element);
            if (node_type(element) == "ColumnDef") {
                const std::string name = string_field(inner, "colname");
                columns.push_back(name + ":" + type_name_text(field(inner, "typeName")));
                for (const auto& constraint : array(field(inner, "constraints"))) {
                    if (string_field(node_body(constraint), "contype") == "CONSTR_FOREIGN") {
                        foreign_keys.push_back(name + "->" + foreign_key_target(node_body(constraint)));
                    }
                }
            } else if (node_type(element) == "Constraint" && string_field(inner, "contype") == "CONSTR_FOREIGN") {
                foreign_keys.push_back(join(string_values(field(inner, "fk_attrs")), ",") + "->" + foreign_key_target(inner));
            }
        }
        std::string detail = join(columns, " ");
        if (!foreign_keys.empty()) detail += " | fk: " + join(foreign_keys, " ");
        add("create_table", range_var_name(field(body, "relation")), "", detail);
    }

    void create_table_as(const Json& body) {
        const Json& into = field(body, "into");
        if (string_field(body, "objtype") != "OBJECT_TABLE") return;
        add("create_table", range_var_name(field(into, "rel")), "", join(string_values(field(into, "colNames")), " "));
    }

    void drop(const Json& body) {
        const std::string kind = string_field(body, "removeType");
        for (const auto& object : array(field(body, "objects"))) {
            const auto names = string_values(field(node_body(object), "items"));
            const std::string name = names.empty() ? "" : qualified_name(names.size() > 1 ? names[names.size() - 2] : "", names.back());
            if (kind == "OBJECT_TABLE") {
                add("drop_table", name, "", "");
            } else if (kind == "OBJECT_INDEX") {
                // The index's table is not in the statement; the history resolves it from its CREATE INDEX.
                add("drop_index", "", "", name + (bool_field(body, "concurrent") ? " concurrently" : ""));
            } else {
                add("other", "", "", "drop " + lower_words(kind, "OBJECT_") + (name.empty() ? "" : " " + name));
            }
        }
    }

    void rename(const Json& body) {
        const std::string kind = string_field(body, "renameType");
        const std::string table = range_var_name(field(body, "relation"));
        const std::string target = "-> " + string_field(body, "newname");
        if (kind == "OBJECT_TABLE") {
            add("rename_table", table, "", target);
        } else if (kind == "OBJECT_COLUMN" && string_field(body, "relationType") == "OBJECT_TABLE") {
            add("rename_column", table, string_field(body, "subname"), target);
        } else {
            const std::string old_name = string_field(body, "subname");
            add("other", table, "", "rename " + lower_words(kind, "OBJECT_") + (old_name.empty() ? "" : " " + old_name) + " " + target);
        }
    }

    void create_index(const Json& body) {
        std::vector<std::string> columns;
        for (const auto& element : array(field(body, "indexParams"))) {
            const Json& inner = node_body(element);
            const std::string name = string_field(inner, "name");
            if (!name.empty()) {
                columns.push_back(name);
            } else {
                collect_column_names(field(inner, "expr"), columns);
            }
        }
        std::string detail = string_field(body, "idxname");
        if (bool_field(body, "unique")) detail += " unique";
        if (bool_field(body, "concurrent")) detail += " concurrently";
        const std::string method = string_field(body, "accessMethod");
        if (!method.empty() && method != "btree") detail += " using " + method;
        if (field(body, "whereClause").is_object()) detail += " partial";
        add("add_index", range_var_name(field(body, "relation")), join(columns, ","), detail);
    }

    // An expression index (lower(email)) is about the columns inside the expression.
    static void collect_column_names(const Json& node, std::vector<std::string>& names) {
        if (node_type(node) == "ColumnRef") {
            const auto fields = string_values(field(node_body(node), "fields"));
            if (!fields.empty()) names.push_back(fields.back());
            return;
        }
        if (!node.is_structured()) return;
        for (const auto& [key, value] : node.items()) collect_column_names(value, names);
    }

    void alter_table(const Json& body) {
        const std::string table = range_var_name(field(body, "relation"));
        if (string_field(body, "objtype") != "OBJECT_TABLE") {
            add("other", table, "", "alter " + lower_words(string_field(body, "objtype"), "OBJECT_"));
            return;
        }
        for (const auto& command : array(field(body, "cmds"))) alter_table_command(table, node_body(command));
    }

    void alter_table_command(const std::string& table, const Json& command) {
        const std::string subtype = string_field(command, "subtype");
        const std::string column = string_field(command, "name");
        const Json& definition = field(command, "def");
        if (subtype == "AT_AddColumn") return add_column(table, node_body(definition));
        if (subtype == "AT_DropColumn") return add("drop_column", table, column, "");
        if (subtype == "AT_AlterColumnType") return alter_column_type(table, column, node_body(definition));
        if (subtype == "AT_SetNotNull") return add("alter_column_null", table, column, "set not null");
        if (subtype == "AT_DropNotNull") return add("alter_column_null", table, column, "drop not null");
        if (subtype == "AT_ColumnDefault") {
            return add("alter_column_default", table, column, definition.is_object() ? "set default" : "drop default");
        }
        if (subtype == "AT_AddIdentity" || subtype == "AT_SetIdentity" || subtype == "AT_DropIdentity" ||
            subtype == "AT_DropExpression") {
            return add("alter_column_default", table, column, lower_words(subtype, "AT_"));
        }
        if (subtype == "AT_AddConstraint") return add_constraint(table, node_body(definition));
        if (subtype == "AT_AddIndexConstraint") return add("add_constraint", table, "", "using index");
        if (subtype == "AT_DropConstraint") {
            const bool foreign_key = column.find("fk") != std::string::npos;
            return add(foreign_key ? "drop_foreign_key" : "drop_constraint", table, "", column);
        }
        // The name is a column for some subcommands (SET STATISTICS) and a constraint for others.
        add("other", table, "", lower_words(subtype, "AT_") + (column.empty() ? "" : " " + column));
    }

    void add_column(const std::string& table, const Json& column_def) {
        const std::string column = string_field(column_def, "colname");
        std::string detail = type_name_text(field(column_def, "typeName"));
        std::vector<std::string> foreign_keys;
        for (const auto& constraint : array(field(column_def, "constraints"))) {
            const Json& inner = node_body(constraint);
            const std::string kind = string_field(inner, "contype");
            if (kind == "CONSTR_FOREIGN") {
                foreign_keys.push_back(foreign_key_target(inner));
            } else if (kind != "CONSTR_NULL") {
                detail += " " + constraint_words(kind);
            }
        }
        add("add_column", table, column, detail);
        for (const auto& target : foreign_keys) add("add_foreign_key", table, column, "-> " + target);
    }

    void alter_column_type(const std::string& table, const std::string& column, const Json& column_def) {
        std::string detail = type_name_text(field(column_def, "typeName"));
        if (field(column_def, "raw_default").is_object()) detail += " using";
        add("alter_column_type", table, column, detail);
    }

    void add_constraint(const std::string& table, const Json& constraint) {
        const std::string kind = string_field(constraint, "contype");
        const std::string name = string_field(constraint, "conname");
        if (kind == "CONSTR_FOREIGN") {
            std::string detail = "-> " + foreign_key_target(constraint);
            if (!name.empty()) detail += " " + name;
            add("add_foreign_key", table, join(string_values(field(constraint, "fk_attrs")), ","), detail);
            return;
        }
        std::string detail = constraint_words(kind);
        if (!name.empty()) detail += " " + name;
        add("add_constraint", table, join(string_values(field(constraint, "keys")), ","), detail);
    }

    void other(std::string_view type, const Json& body) {
        std::string name;
        for (const char* key : {"relation", "view", "sequence"}) {
            if (const Json& relation = field(body, key); relation.is_object()) name = range_var_name(relation);
        }
        add("other", name, "", std::string(type));
    }
};

}  // namespace

void collect_ddl_changes(const Json& stmt, std::vector<DdlChange>& changes) {
    DdlReader reader(changes);
    reader.statement(stmt);
}

}  // namespace schemaflip::sql::detail
