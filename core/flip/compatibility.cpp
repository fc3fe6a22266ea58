// Compatibility flags, affected fingerprints and actions. Each flag has one trigger, documented in
// schemaflip-flip(1); the order of everything written is fixed (flags in vocabulary order, fingerprints in
// the report's order then the prediction's), so the same inputs give the same task.
#include "core/flip/compatibility.hpp"

#include <algorithm>
#include <set>
#include <string>

#include "core/flip/type_change.hpp"
#include "core/sql/lock_levels.hpp"
#include "core/util/ascii_case.hpp"

namespace schemaflip::flip {
namespace {

using schema::ColumnInfo;
using schema::TableInfo;

bool same_name(const std::string& a, const std::string& b) { return util::ascii_lower(a) == util::ascii_lower(b); }

std::string unqualified(const std::string& name) {
    const auto dot = name.rfind('.');
    return dot == std::string::npos ? name : name.substr(dot + 1);
}

// Case-insensitively: the parser folds unquoted names, SQLite's catalog keeps them as written.
const ColumnInfo* find_column(const TableInfo& table, const std::string& name) {
    for (const auto& column : table.columns) {
        if (same_name(column.name, name)) return &column;
    }
    return nullptr;
}

// A rename's DdlChange carries the new name as "-> name" (the history vocabulary) or bare.
std::string rename_target(const sql::DdlChange& change) {
    const std::string prefix = "-> ";
    return change.detail.rfind(prefix, 0) == 0 ? change.detail.substr(prefix.size()) : change.detail;
}

// What the application must do about one class of observed difference; empty for classes that are not
// the change's doing (noise, errors on both sides, reads that only work on the new schema).
std::string action_for(const std::string& difference, bool write) {
    if (difference == "error_shadow_only") {
        return write ? "fails on the new schema: change this write to the new schema (or to both) and deploy it before the flip"
                     : "fails on the new schema: change this query to the new schema (or to both) and deploy it before the flip";
    }
    if (difference == "shape_narrowed") return "returns fewer columns on the new schema: stop reading the removed columns before the flip";
    if (difference == "shape_widened") {
        return "returns more columns on the new schema (SELECT *): read result columns by name, not by position or count";
    }
    if (difference == "value_mismatch") {
        return "returns different values on the new schema: adapt the code that reads the changed column (type, format, precision)";
    }
    if (difference == "row_count_mismatch") {
        return "returns a different number of rows on the new schema: check its filters and joins against the change";
    }
    if (difference == "latency_regression") {
        return "is slower on the new schema: check its plan (an index the change dropped or made unusable)";
    }
    return {};
}

std::string flag_for(const std::string& difference, bool write) {
    if (difference == "error_shadow_only") return write ? "WRITERS_BREAK" : "READERS_BREAK";
    if (difference == "shape_narrowed") return "RESULT_SHAPE_NARROWED";
    if (difference == "shape_widened") return "RESULT_SHAPE_WIDENED";
    if (difference == "value_mismatch" || difference == "row_count_mismatch") return "VALUES_CHANGE";
    return {};
}

class Assessor {
public:
    explicit Assessor(const CompatibilityInputs& inputs) : m_in(inputs) {}

    Compatibility assess() {
        observed_differences();
        predicted_breaks();
        statement_effects();
        if (m_in.before != nullptr && m_in.after != nullptr) column_changes();
        if (m_in.irreversible) {
            flag("IRREVERSIBLE");
            m_actions.push_back("the rollback cannot bring the lost values back: keep the old primary until the flip is confirmed");
        }
        return finish();
    }

private:
    const CompatibilityInputs& m_in;
    std::set<std::string> m_flags;
    std::vector<AffectedQuery> m_affected;
    std::vector<std::string> m_actions;  // in the order found; summaries per flag are added by finish()

    void flag(const std::string& name) { m_flags.insert(name); }

    bool listed(const std::string& fingerprint) const {
        return std::any_of(m_affected.begin(), m_affected.end(), [&](const AffectedQuery& q) { return q.fingerprint == fingerprint; });
    }

    void observed_differences() {
        // The report's own flags come from the same differences; taking them too keeps a report whose
        // examples were cut from losing a flag.
        for (const auto& name : m_in.report.flags) flag(name);
        for (const auto& group : m_in.report.differences) {
            const std::string action = action_for(group.difference, group.write);
            if (action.empty()) continue;
            const std::string name = flag_for(group.difference, group.write);
            if (!name.empty()) flag(name);
            std::string what = group.difference + " in " + std::to_string(group.count) + (group.count == 1 ? " replayed query" : " replayed queries");
            if (!group.shadow_error.empty()) what += " (shadow: " + group.shadow_error + ")";
            m_affected.push_back({group.fingerprint, group.example, what, action});
        }
    }

    // predict's static view: queries of the profile the change breaks, which the replay may not have run.
    void predicted_breaks() {
        if (!m_in.event) return;
        for (const auto& query : m_in.event->breaks) {
            const bool write = query.kind == "write";
            const std::string name = query.widened ? "RESULT_SHAPE_WIDENED" : write ? "WRITERS_BREAK" : "READERS_BREAK";
            flag(name);
            if (listed(query.fingerprint)) continue;
            const std::string action = query.widened ? action_for("shape_widened", false) : action_for("error_shadow_only", write);
            m_affected.push_back({query.fingerprint, "", "predicted from the workload profile: " + query.why, action});
        }
    }

    void statement_effects() {
        const bool sqlite = m_in.report.engine == "sqlite";
        for (const auto& statement : m_in.statements) {
            const auto info = sql::analyze_statement(statement.sql);
            const std::string table = info.ddl_changes.empty() ? std::string("the table") : unqualified(info.ddl_changes.front().table);
            if (statement.effect == "rewrite") {
                flag("TABLE_REWRITE");
                m_actions.push_back("the change rewrites " + table + " (" + statement.sql +
                                    "): run it when the table's write traffic can wait for the copy");
            }
            // SQLite locks the whole file for any write, briefly; only a scan or a rebuild holds it for as
            // long as the table takes to read or copy. PostgreSQL: a mode that makes ordinary statements wait.
            const bool blocks = sqlite ? statement.effect != "none" : sql::blocked_statements(statement.lock_mode) != sql::BlockedStatements::none;
            if (!blocks) continue;
            flag("BLOCKING_LOCK");
            const auto blocked = sqlite ? std::string("reads and writes") : sql::to_string(sql::blocked_statements(statement.lock_mode));
            m_actions.push_back("the change takes " + statement.lock_mode + " on " + table + ", which blocks " + blocked +
                                (sqlite ? " while it runs: run it at low traffic"
                                        : " while it runs and while it waits for the lock: run it at low traffic, with lock_timeout and retries"));
        }
    }

    std::string old_table_name(const std::string& name) const {
        std::string current = name;
        for (auto it = m_in.forward.rbegin(); it != m_in.forward.rend(); ++it) {
            if (it->op == "rename_table" && same_name(unqualified(rename_target(*it)), current)) current = unqualified(it->table);
        }
        return current;
    }

    std::string old_column_name(const TableInfo& table, const std::string& name) const {
        std::string current = name;
        for (auto it = m_in.forward.rbegin(); it != m_in.forward.rend(); ++it) {
            if (it->op == "rename_column" && same_name(unqualified(it->table), table.name) && same_name(rename_target(*it), current)) {
                current = it->column;
            }
        }
        return current;
    }

    const TableInfo* before_of(const TableInfo& after) const {
        const std::string old_name = old_table_name(after.name);
        for (const auto& table : *m_in.before) {
            if (same_name(table.name, old_name) || same_name(table.name, after.name)) return &table;
        }
        return nullptr;
    }

    void column_changes() {
        for (const auto& after : *m_in.after) {
            const TableInfo* before = before_of(after);
            if (before == nullptr) continue;  // a created table: nothing reads or writes it yet
            for (const auto& column : after.columns) {
                const ColumnInfo* old = find_column(*before, old_column_name(after, column.name));
                if (old == nullptr) {
                    added_column(after, column);
                } else if (old->type != column.type) {
                    type_changed(after, *old, column);
                }
            }
        }
    }

    void type_changed(const TableInfo& table, const ColumnInfo& before, const ColumnInfo& after) {
        const auto change = classify_type_change(before.type, after.type);
        if (change == TypeChange::same) return;
        // Only a known widening keeps every value as it was; anything else is treated as narrowing.
        flag(change == TypeChange::widened ? "TYPE_WIDENED" : "TYPE_NARROWED");
        m_actions.push_back("column " + table.name + "." + after.name + " changes type " + before.type + " → " + after.type + " (" +
                            to_string(change) + ")" +
                            (change == TypeChange::widened ? ": make sure the application accepts the wider values"
                                                           : ": values may not fit or may read differently; check the code that reads and writes it"));
    }

    void added_column(const TableInfo& table, const ColumnInfo& column) {
        if (column.default_value) return;  // existing rows get the default, INSERTs without it too
        if (!column.nullable) {
            flag("WRITERS_BREAK");
            m_actions.push_back("every INSERT into " + table.name + " must set " + column.name + " (NOT NULL without a default)");
        }
        if (table.row_count > 0) {
            flag("REQUIRES_BACKFILL");
            m_actions.push_back("backfill " + table.name + "." + column.name + " for the " + std::to_string(table.row_count) +
                                " existing rows: they hold NULL until then");
        }
    }

    Compatibility finish() {
        Compatibility out;
        for (const char* name : k_flags) {
            if (m_flags.count(name)) out.flags.push_back(name);
        }
        const auto breaking = std::count_if(m_affected.begin(), m_affected.end(), [](const AffectedQuery& q) {
            return q.action.rfind("fails on the new schema", 0) == 0;
        });
        if (breaking > 0) {
            out.actions.push_back("change the " + std::to_string(breaking) + (breaking == 1 ? " query" : " queries") +
                                  " of affected_fingerprints that fail on the new schema, and deploy that before the flip");
        }
        for (auto& action : m_actions) {
            if (std::find(out.actions.begin(), out.actions.end(), action) == out.actions.end()) out.actions.push_back(std::move(action));
        }
        out.affected = std::move(m_affected);
        return out;
    }
};

}  // namespace

Compatibility assess_compatibility(const CompatibilityInputs& inputs) { return Assessor(inputs).assess(); }

}  // namespace schemaflip::flip
