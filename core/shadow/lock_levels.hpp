// The lock a schema change takes and what it does to the table's rows, per change type.
#pragma once

#include <string>
#include <vector>

#include "core/sql/statement_info.hpp"

namespace schemaflip::shadow {

struct LockLevel {
    std::string mode;    // a PostgreSQL table lock mode, e.g. "ACCESS EXCLUSIVE"
    std::string effect;  // "rewrite" (the table is copied), "scan" (every row is read) or "none"
};

// PostgreSQL 15's lock for one DDL change (docs: "Explicit Locking", ALTER TABLE's per-subcommand locks).
LockLevel postgres_lock_level(const sql::DdlChange& change);
// The strongest lock and effect over a statement's changes; ACCESS EXCLUSIVE for DDL the table does not know.
LockLevel postgres_lock_level(const std::vector<sql::DdlChange>& changes);

}  // namespace schemaflip::shadow
