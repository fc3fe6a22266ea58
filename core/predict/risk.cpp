// Impact and risk of a candidate change: the lock part (what the lock blocks, for how long, on how much of
// the traffic) and the break part (the application's queries that fail or change shape), combined as two
// independent harms.
#include "core/predict/risk.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace schemaflip::predict {
namespace {

std::string unqualified(const std::string& name) {
    const auto dot = name.rfind('.');
    return dot == std::string::npos ? name : name.substr(dot + 1);
}

bool runs_outside_transactions(const std::string& statement) {
    for (const auto& change : sql::analyze_statement(statement).ddl_changes) {
        if ((change.op == "add_index" || change.op == "drop_index") && change.detail.find("concurrently") != std::string::npos) {
            return true;
        }
    }
    return false;
}

// The locks to weigh. Migration tools run a migration in one transaction, where every lock is held to the
// end: its statements count as one, with the strongest mode and effect. A CONCURRENTLY statement cannot
// run in a transaction, so a migration that has one runs statement by statement: each counts alone.
std::vector<sql::LockLevel> locks_of(const Candidate& candidate, const schema::SchemaSnapshot* snapshot) {
    if (candidate.ddl.empty()) {
        return {sql::postgres_lock_level(sql::DdlChange{candidate.type, candidate.table, candidate.column, {}})};
    }
    std::vector<sql::LockLevel> levels;
    for (const auto& statement : candidate.ddl) levels.push_back(sql::statement_lock_level(statement, snapshot));
    const bool separate = std::any_of(candidate.ddl.begin(), candidate.ddl.end(), runs_outside_transactions);
    if (separate) return levels;
    sql::LockLevel combined{"ACCESS SHARE", "none", ""};
    for (const auto& level : levels) combined = sql::stronger(combined, level);
    return {combined};
}

struct ChangeSeen {
    sql::DdlChange change;
    bool binary_coercible = false;  // a type change that keeps every value as it is (no rewrite)
};

std::vector<ChangeSeen> changes_of(const Candidate& candidate, const schema::SchemaSnapshot* snapshot) {
    if (candidate.ddl.empty()) return {{sql::DdlChange{candidate.type, candidate.table, candidate.column, {}}, false}};
    std::vector<ChangeSeen> changes;
    for (const auto& statement : candidate.ddl) {
        const auto info = sql::analyze_statement(statement);
        const bool keeps_rows = sql::statement_lock_level(statement, snapshot).effect == "none";
        for (const auto& change : info.ddl_changes) changes.push_back({change, change.op == "alter_column_type" && keeps_rows});
    }
    return changes;
}

// The profile spells tables outside the default schema as schema.table (core/sql's convention).
std::string workload_name(const Candidate& candidate, const schema::TableInfo* table) {
    if (table == nullptr || table->schema.empty() || table->schema == "public" || table->schema == "main") {
        return candidate.table;
    }
    return table->schema + "." + table->name;
}

double duration_part(double seconds) {
    return std::min(1.0, std::log10(1.0 + seconds) / std::log10(1.0 + k_worst_lock_seconds));
}

class BreakFinder {
public:
    explicit BreakFinder(const Workload& workload) : m_workload(workload) {}

    void add(const sql::DdlChange& change, const std::string& fallback_table, bool binary_coercible) {
        const auto table = change.table.empty() ? fallback_table : unqualified(change.table);
        const auto& op = change.op;
        for (const auto& statement : m_workload.statements) {
            if (statement.kind != "read" && statement.kind != "write") continue;
            if (op == "drop_table" || op == "rename_table") {
                if (touches(statement, table)) note(statement, (op == "drop_table" ? "uses dropped table " : "uses renamed table ") + table, false);
            } else if (op == "drop_column" || op == "rename_column" || (op == "alter_column_type" && !binary_coercible)) {
                const char* what = op == "drop_column" ? "dropped" : op == "rename_column" ? "renamed" : "retyped";
                if (uses_column(statement, table, change.column)) {
                    note(statement, std::string("uses ") + what + " column " + table + "." + change.column, false);
                }
            } else if (op == "add_column") {
                if (statement.kind == "read" && statement.info.select_star && touches(statement, table)) {
                    note(statement, "SELECT * on " + table + " gains column " + change.column, true);
                }
            }
        }
    }

    std::vector<BrokenQuery> result() const {
        std::vector<BrokenQuery> broken;
        for (const auto& [fingerprint, query] : m_found) broken.push_back(query);
        std::sort(broken.begin(), broken.end(), [](const BrokenQuery& a, const BrokenQuery& b) {
            if (a.count != b.count) return a.count > b.count;
            return a.fingerprint < b.fingerprint;
        });
        return broken;
    }

private:
    bool touches(const WorkloadStatement& statement, const std::string& table) const {
        for (const auto* tables : {&statement.info.tables_read, &statement.info.tables_written}) {
            for (const auto& name : *tables) {
                if (m_workload.same_name(unqualified(name), table)) return true;
            }
        }
        return false;
    }

    // An unattributed column (a multi-table query without a schema to decide) counts when the statement
    // touches the table: it may be the one.
    bool uses_column(const WorkloadStatement& statement, const std::string& table, const std::string& column) const {
        for (const auto* refs : {&statement.info.columns, &statement.info.written_columns}) {
            for (const auto& ref : *refs) {
                if (!m_workload.same_name(ref.column, column)) continue;
                if (ref.table.empty() ? touches(statement, table) : m_workload.same_name(unqualified(ref.table), table)) return true;
            }
        }
        return false;
    }

    // A query that fails outweighs one whose result gains a column: the first failing reason is kept.
    void note(const WorkloadStatement& statement, const std::string& why, bool widened) {
        auto [it, inserted] = m_found.try_emplace(statement.fingerprint,
                                                  BrokenQuery{statement.fingerprint, statement.kind, statement.count, why, widened});
        if (!inserted && it->second.widened && !widened) it->second = {statement.fingerprint, statement.kind, statement.count, why, false};
    }

    const Workload& m_workload;
    std::map<std::string, BrokenQuery> m_found;
};

struct LockHarm {
    sql::LockLevel lock;
    sql::BlockedStatements blocks = sql::BlockedStatements::none;
    double seconds = 0;
    double duration = 0;
    double blocked_share = 0;
    bool assumed = false;
    double part = 0;
};

LockHarm lock_harm(const sql::LockLevel& lock, double bytes, bool existing, const WorkloadTable* stats,
                   const Workload* workload) {
    LockHarm harm;
    harm.lock = lock;
    harm.blocks = existing ? sql::blocked_statements(lock.mode) : sql::BlockedStatements::none;
    if (lock.effect == "rewrite") harm.seconds = bytes / k_rewrite_bytes_per_second;
    if (lock.effect == "scan") harm.seconds = bytes / k_scan_bytes_per_second;
    harm.duration = duration_part(harm.seconds);
    if (workload != nullptr) {
        const double analysed = static_cast<double>(workload->analysed_statements);
        if (stats != nullptr && analysed > 0) {
            if (harm.blocks == sql::BlockedStatements::reads_and_writes) harm.blocked_share = static_cast<double>(stats->statements) / analysed;
            if (harm.blocks == sql::BlockedStatements::writes) harm.blocked_share = static_cast<double>(stats->writes) / analysed;
        }
    } else {
        // Without a profile nothing says the table is quiet: the worst case is assumed.
        harm.assumed = harm.blocks != sql::BlockedStatements::none;
        harm.blocked_share = harm.assumed ? 1.0 : 0.0;
    }
    const double floor = harm.blocks != sql::BlockedStatements::none ? k_lock_queue_floor : 0.0;
    harm.part = std::sqrt(harm.blocked_share) * std::max(harm.duration, floor);
    return harm;
}

void assess_lock(Impact& impact, const Candidate& candidate, const schema::SchemaSnapshot* snapshot,
                 const schema::TableInfo* table, bool existing, const Workload* workload) {
    double bytes = 0;
    if (impact.bytes) bytes = static_cast<double>(*impact.bytes);
    else if (impact.rows) bytes = static_cast<double>(*impact.rows) * k_bytes_per_row_guess;
    const WorkloadTable* stats = nullptr;
    if (workload != nullptr) {
        const auto name = workload_name(candidate, table);
        impact.statement_share = workload->statement_share(name);
        stats = workload->find_table(name);
    }
    std::optional<LockHarm> worst;
    for (const auto& lock : locks_of(candidate, snapshot)) {
        auto harm = lock_harm(lock, bytes, existing, stats, workload);
        if (!worst || harm.part > worst->part) worst = std::move(harm);
    }
    impact.lock = worst->lock;
    impact.blocks = worst->blocks;
    impact.estimated_lock_seconds = worst->seconds;
    impact.duration_part = worst->duration;
    impact.blocked_share = worst->blocked_share;
    impact.traffic_assumed = worst->assumed;
    impact.lock_part = worst->part;
}

void assess_breaks(Impact& impact, const Candidate& candidate, const schema::SchemaSnapshot* snapshot, const Workload& workload) {
    BreakFinder finder(workload);
    for (const auto& seen : changes_of(candidate, snapshot)) finder.add(seen.change, candidate.table, seen.binary_coercible);
    impact.broken = finder.result();
    const double analysed = static_cast<double>(workload.analysed_statements);
    if (analysed <= 0) return;
    double failing = 0, widened = 0;
    for (const auto& query : impact.broken) (query.widened ? widened : failing) += static_cast<double>(query.count);
    impact.broken_share = std::min(1.0, failing / analysed);
    impact.widened_share = std::min(1.0, widened / analysed);
    // Any query that fails is an application error after the change: half the scale at least, more with
    // its traffic. A result that gains a column breaks only positional readers: a quarter at least.
    const double fails = impact.broken_share > 0 ? 0.5 + 0.5 * std::sqrt(impact.broken_share) : 0.0;
    const double widens = impact.widened_share > 0 ? 0.25 + 0.25 * std::sqrt(impact.widened_share) : 0.0;
    impact.break_part = std::max(fails, widens);
}

}  // namespace

Impact assess_impact(const Candidate& candidate, const schema::SchemaSnapshot* snapshot, const Workload* workload) {
    Impact impact;
    const schema::TableInfo* table = snapshot != nullptr ? find_table(*snapshot, candidate.table) : nullptr;
    // A table that does not exist yet (CREATE TABLE, or one the snapshot lacks) has nobody to block.
    const bool existing = candidate.type != "create_table" && (snapshot == nullptr || table != nullptr);
    if (table != nullptr) {
        impact.rows = table->row_count;
        impact.bytes = table->bytes;
    }
    assess_lock(impact, candidate, snapshot, table, existing, workload);
    if (workload != nullptr) assess_breaks(impact, candidate, snapshot, *workload);
    impact.score = 100.0 * (1.0 - (1.0 - impact.lock_part) * (1.0 - impact.break_part));
    return impact;
}

double risk_score(double likelihood, const Impact& impact) {
    return std::round(likelihood * impact.score * 10.0) / 10.0;
}

}  // namespace schemaflip::predict
