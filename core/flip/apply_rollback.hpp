// `schemaflip rollback`: a flip task's rollback section read back, its steps applied to a database in one
// transaction (SQLite: through the shadow's table rebuild where ALTER TABLE cannot), and the database's
// changed tables checked against the snapshots the task recorded.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/db/database.hpp"
#include "core/schema/snapshot.hpp"

namespace schemaflip::flip {

struct TaskRollback {
    std::string task_id;
    std::string engine;  // postgresql or sqlite
    std::string change_id;
    std::vector<std::string> ddl;  // the forward change
    std::vector<std::string> steps;
    bool irreversible = false;
    bool data_loss = false;
    std::vector<std::string> reasons;
    std::vector<std::string> notes;
    std::string way_back;
    // The changed tables before and after the change; absent when the task could not record them.
    std::optional<std::vector<schema::TableInfo>> before, after;
};

// Throws InputError when the document is not a version-1 flip task or its rollback section is malformed.
TaskRollback read_task_rollback(const nlohmann::json& document);

// What the database's tables look like against the recorded ones: one line per difference, empty when
// every table of `expected` has the same shape (schema::shape_json) and no table of `absent` exists.
std::vector<std::string> schema_differences(db::Database& database, const std::vector<schema::TableInfo>& expected,
                                            const std::vector<schema::TableInfo>& absent);

// The tables of `after` that are not in `before` (by name): the ones the change created, which the
// rollback drops. And the reverse: tables the change removed or renamed away.
std::vector<schema::TableInfo> tables_only_in(const std::vector<schema::TableInfo>& tables, const std::vector<schema::TableInfo>& other);

// Runs the steps in one transaction, rolled back on the first failure (UnavailableError naming the step).
// SQLite: foreign keys off for the transaction, and the ALTER TABLE commands SQLite cannot run go through
// the shadow's table rebuild.
void apply_rollback_steps(db::Database& database, const std::vector<std::string>& steps);

// The steps, reasons, notes and way back as text.
std::string render_rollback(const TaskRollback& rollback);

}  // namespace schemaflip::flip
