// Reverse DDL from a before/after comparison of the changed tables. The comparison, not the forward
// statements, decides what to undo, so generated names (constraints, indexes), old types and old
// defaults come from the catalog; only renames need the forward changes, since a renamed column and a
// dropped-plus-added one look alike in two snapshots.
//
// Step order starts from the state after the change: drop added constraints and indexes, drop added
// columns, restore column types, nullability and defaults, re-add dropped columns, rename columns and the
// table back, and last re-create dropped indexes and constraints (their definitions use the old names).
#include "core/flip/rollback.hpp"

#include <algorithm>
#include <map>

#include "core/db/database.hpp"
#include "core/flip/type_change.hpp"
#include "core/util/ascii_case.hpp"

namespace schemaflip::flip {
namespace {

using schema::ColumnInfo;
using schema::TableInfo;

std::string quoted(const std::string& name) { return db::quote_identifier_ansi(name); }

std::string qualified(const TableInfo& table) {
    const bool default_schema = table.schema.empty() || table.schema == "public" || table.schema == "main";
    return default_schema ? quoted(table.name) : quoted(table.schema) + "." + quoted(table.name);
}

std::string unqualified(const std::string& name) {
    const auto dot = name.rfind('.');
    return dot == std::string::npos ? name : name.substr(dot + 1);
}

std::string rename_target(const sql::DdlChange& change) {
    const std::string prefix = "-> ";
    return change.detail.rfind(prefix, 0) == 0 ? change.detail.substr(prefix.size()) : change.detail;
}

bool same_name(const std::string& a, const std::string& b) { return a == b || util::ascii_lower(a) == util::ascii_lower(b); }

const TableInfo* find_table(const std::vector<TableInfo>& tables, const std::string& name) {
    const std::string wanted = unqualified(name);
    for (const auto& table : tables) {
        if (same_name(table.name, wanted)) return &table;
    }
    return nullptr;
}

template <typename Item>
const Item* find_named(const std::vector<Item>& items, const std::string& name) {
    if (name.empty()) return nullptr;
    for (const auto& item : items) {
        if (same_name(item.name, name)) return &item;
    }
    return nullptr;
}

// One table's before/after pair and the renames the forward change made to it.
struct TablePair {
    const TableInfo* before = nullptr;
    const TableInfo* after = nullptr;
    std::map<std::string, std::string> old_column_of;  // after name → before name, renamed columns only
};

class Planner {
public:
    Planner(const std::vector<sql::DdlChange>& forward) : m_forward(forward) {}

    RollbackPlan plan(const std::vector<TableInfo>& before, const std::vector<TableInfo>& after) {
        std::vector<TablePair> pairs;
        for (const auto& table : after) {
            const std::string old_name = old_table_name(table.name);
            const TableInfo* original = find_table(before, old_name);
            if (original == nullptr) {
                created_table(table);
            } else {
                pairs.push_back(pair_of(*original, table));
            }
        }
        for (const auto& table : before) {
            const bool kept = std::any_of(pairs.begin(), pairs.end(), [&](const TablePair& p) { return p.before == &table; });
            if (!kept) dropped_table(table);
        }
        for (const auto& pair : pairs) drop_added_objects(pair);
        for (const auto& pair : pairs) restore_columns(pair);
        for (const auto& pair : pairs) rename_back(pair);
        for (const auto& pair : pairs) recreate_dropped_objects(pair);
        return std::move(m_plan);
    }

private:
    const std::vector<sql::DdlChange>& m_forward;
    RollbackPlan m_plan;

    void step(std::string statement) { m_plan.steps.push_back(std::move(statement)); }
    void irreversible(std::string reason) {
        m_plan.irreversible = true;
        m_plan.data_loss = true;
        m_plan.reasons.push_back(std::move(reason));
    }

    // Follows rename_table changes backwards from the name after the change.
    std::string old_table_name(const std::string& name) const {
        std::string current = name;
        for (auto it = m_forward.rbegin(); it != m_forward.rend(); ++it) {
            if (it->op == "rename_table" && same_name(unqualified(rename_target(*it)), current)) current = unqualified(it->table);
        }
        return current;
    }

    TablePair pair_of(const TableInfo& before, const TableInfo& after) const {
        TablePair pair{&before, &after, {}};
        for (const auto& change : m_forward) {
            if (change.op != "rename_column") continue;
            const std::string table = unqualified(change.table);
            if (!same_name(table, before.name) && !same_name(table, after.name)) continue;
            // A later rename of the same column chains: a → b → c maps c back to a.
            const std::string new_name = rename_target(change);
            auto it = std::find_if(pair.old_column_of.begin(), pair.old_column_of.end(),
                                   [&](const auto& entry) { return same_name(entry.first, change.column); });
            const std::string original = it == pair.old_column_of.end() ? change.column : it->second;
            if (it != pair.old_column_of.end()) pair.old_column_of.erase(it);
            pair.old_column_of[new_name] = original;
        }
        return pair;
    }

    std::string old_column_name(const TablePair& pair, const std::string& after_name) const {
        for (const auto& [renamed, original] : pair.old_column_of) {
            if (same_name(renamed, after_name)) return original;
        }
        return after_name;
    }

    const ColumnInfo* after_column_of(const TablePair& pair, const ColumnInfo& before_column) const {
        for (const auto& column : pair.after->columns) {
            if (same_name(old_column_name(pair, column.name), before_column.name)) return &column;
        }
        return nullptr;
    }

    void created_table(const TableInfo& table) {
        step("DROP TABLE " + qualified(table));
        m_plan.notes.push_back("table " + table.name + " is new: rows written to it after the flip are dropped with it");
    }

    void dropped_table(const TableInfo& table) {
        irreversible("table " + table.name + " was dropped: its rows are gone");
    }

    static bool constraint_backed(const TableInfo& table, const schema::IndexInfo& index) {
        if (index.primary || index.name.rfind("sqlite_autoindex_", 0) == 0) return true;
        return find_named(table.constraints, index.name) != nullptr;
    }

    void drop_added_objects(const TablePair& pair) {
        for (const auto& constraint : pair.after->constraints) {
            if (constraint.name.empty() || find_named(pair.before->constraints, constraint.name)) continue;
            step("ALTER TABLE " + qualified(*pair.after) + " DROP CONSTRAINT " + quoted(constraint.name));
        }
        for (const auto& index : pair.after->indexes) {
            if (constraint_backed(*pair.after, index) || find_named(pair.before->indexes, index.name)) continue;
            step("DROP INDEX " + index_name(*pair.after, index.name));
        }
        for (const auto& column : pair.after->columns) {
            const std::string original = old_column_name(pair, column.name);
            if (find_named(pair.before->columns, original)) continue;
            step("ALTER TABLE " + qualified(*pair.after) + " DROP COLUMN " + quoted(column.name));
            m_plan.notes.push_back("column " + pair.after->name + "." + column.name +
                                   " is new: values written to it after the flip are dropped with it");
        }
    }

    static std::string index_name(const TableInfo& table, const std::string& name) {
        const bool default_schema = table.schema.empty() || table.schema == "public" || table.schema == "main";
        return default_schema ? quoted(name) : quoted(table.schema) + "." + quoted(name);
    }

    void restore_columns(const TablePair& pair) {
        for (const auto& column : pair.before->columns) {
            const ColumnInfo* now = after_column_of(pair, column);
            if (now == nullptr) {
                readd_dropped_column(pair, column);
            } else {
                restore_column(pair, column, *now);
            }
        }
    }

    void restore_column(const TablePair& pair, const ColumnInfo& before, const ColumnInfo& after) {
        const std::string alter = "ALTER TABLE " + qualified(*pair.after) + " ALTER COLUMN " + quoted(after.name);
        // Spellings of one type (SQLite's NVARCHAR(80) and a rebuild's nvarchar(80)) need no step.
        if (before.type != after.type && classify_type_change(before.type, after.type) != TypeChange::same) {
            restore_type(pair, before, after, alter);
        }
        if (before.default_value != after.default_value) {
            step(alter + (before.default_value ? " SET DEFAULT " + *before.default_value : " DROP DEFAULT"));
        }
        if (before.nullable != after.nullable) {
            step(alter + (before.nullable ? " DROP NOT NULL" : " SET NOT NULL"));
            if (!before.nullable) m_plan.notes.push_back("SET NOT NULL on " + after.name + " fails if NULLs were written after the flip");
        }
    }

    void restore_type(const TablePair& pair, const ColumnInfo& before, const ColumnInfo& after, const std::string& alter) {
        const auto change = classify_type_change(before.type, after.type);
        // No USING: the way back is a cast PostgreSQL assigns implicitly for every widened or narrowed pair
        // here (int8 → int4, text → varchar(n), timestamptz → timestamp), and SQLite's rebuild takes none.
        step(alter + " TYPE " + before.type);
        if (change == TypeChange::widened) {
            m_plan.notes.push_back("narrowing " + pair.after->name + "." + after.name + " back to " + before.type +
                                   " fails if values written after the flip do not fit");
        } else {
            irreversible("column " + pair.before->name + "." + before.name + " changed type " + before.type + " → " + after.type +
                         " (" + to_string(change) + "): converted values may not convert back exactly");
        }
    }

    void readd_dropped_column(const TablePair& pair, const ColumnInfo& column) {
        std::string statement = "ALTER TABLE " + qualified(*pair.after) + " ADD COLUMN " + quoted(column.name) + " " + column.type;
        if (column.default_value) statement += " DEFAULT " + *column.default_value;
        step(statement);
        irreversible("column " + pair.before->name + "." + column.name +
                     " was dropped: the step re-adds the column, its values are gone (nullable, default or NULL)");
    }

    // The parser folds unquoted names to lower case; the snapshots keep them as the catalog has them
    // (SQLite keeps "Composer"), so the names written come from the snapshots.
    static std::string catalog_name(const std::vector<ColumnInfo>& columns, const std::string& name) {
        const ColumnInfo* column = find_named(columns, name);
        return column == nullptr ? name : column->name;
    }

    void rename_back(const TablePair& pair) {
        for (const auto& [renamed, original] : pair.old_column_of) {
            if (same_name(renamed, original)) continue;
            step("ALTER TABLE " + qualified(*pair.after) + " RENAME COLUMN " + quoted(catalog_name(pair.after->columns, renamed)) + " TO " +
                 quoted(catalog_name(pair.before->columns, original)));
        }
        if (pair.before->name != pair.after->name) {
            step("ALTER TABLE " + qualified(*pair.after) + " RENAME TO " + quoted(pair.before->name));
        }
    }

    void recreate_dropped_objects(const TablePair& pair) {
        for (const auto& index : pair.before->indexes) {
            if (constraint_backed(*pair.before, index) || find_named(pair.after->indexes, index.name)) continue;
            if (index.definition) {
                step(*index.definition);
            } else {
                irreversible("index " + index.name + " was dropped and its definition is unknown");
            }
        }
        for (const auto& constraint : pair.before->constraints) {
            if (constraint.name.empty() || find_named(pair.after->constraints, constraint.name)) continue;
            if (constraint.definition) {
                step("ALTER TABLE " + qualified(*pair.before) + " ADD CONSTRAINT " + quoted(constraint.name) + " " +
                     *constraint.definition);
            } else {
                irreversible("constraint " + constraint.name + " was dropped and its definition is unknown");
            }
        }
    }
};

}  // namespace

RollbackPlan plan_rollback(const std::vector<TableInfo>& before, const std::vector<TableInfo>& after,
                           const std::vector<sql::DdlChange>& forward) {
    return Planner(forward).plan(before, after);
}

}  // namespace schemaflip::flip
