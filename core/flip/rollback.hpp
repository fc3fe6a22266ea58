// Rollback steps for a schema change: the DDL that takes the changed tables from their state after the
// change back to their state before it, and what cannot come back.
#pragma once

#include <string>
#include <vector>

#include "core/schema/snapshot.hpp"
#include "core/sql/statement_info.hpp"

namespace schemaflip::flip {

struct RollbackPlan {
    std::vector<std::string> steps;    // PostgreSQL-dialect statements, in order
    bool irreversible = false;         // some values cannot be restored by DDL
    bool data_loss = false;            // rolling back (or the change itself) loses values
    std::vector<std::string> reasons;  // why irreversible, one per cause
    std::vector<std::string> notes;    // what the steps do not cover (values written after the flip, ...)
};

// Compares the tables before and after the change (renames taken from the forward changes) and
// generates the reverse DDL: drop what was added, restore types, nullability and defaults, re-add what
// was dropped (its shape; its values are gone), rename back. Table names in `before`/`after` are the
// snapshots of the tables the change touched; tables only in `after` were created by the change.
RollbackPlan plan_rollback(const std::vector<schema::TableInfo>& before, const std::vector<schema::TableInfo>& after,
                           const std::vector<sql::DdlChange>& forward);

}  // namespace schemaflip::flip
