// The lock a schema change takes on PostgreSQL 15 and what it does to the table's rows, per change type:
// shared by shadow (what it reports beside each measured statement) and predict (the lock part of risk).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/sql/statement_info.hpp"

namespace schemaflip::sql {

struct LockLevel {
    std::string mode;    // a PostgreSQL table lock mode, e.g. "ACCESS EXCLUSIVE"
    std::string effect;  // "rewrite" (the table is copied), "scan" (every row is read) or "none"
    std::string reason;  // why, in a few words, for evidence lines; empty for the plain rows of the table
};

// PostgreSQL 15's lock for one DDL change as the change model carries it (docs: "Explicit Locking",
// ALTER TABLE's per-subcommand locks). Used where there is no statement, e.g. for a history event.
LockLevel postgres_lock_level(const DdlChange& change);
// The strongest lock and effect over a statement's changes; ACCESS EXCLUSIVE for DDL the table does not know.
LockLevel postgres_lock_level(const std::vector<DdlChange>& changes);

// The same from one statement's parse tree (one or more statements in `sql`, strongest wins), which also
// sees what the change model does not carry: NOT VALID constraints (no validation scan), an added column's
// default (volatile, serial, identity and stored generated columns rewrite the table; constants and
// stable functions such as now() do not), and type changes that are binary-coercible from the column's
// current type in `schema` (varchar(n) to varchar(m ≥ n) or text, numeric(p,s) to numeric(q ≥ p,s): no
// rewrite). Without `schema` a type change is taken to rewrite. Unparsable text: ACCESS EXCLUSIVE, none.
LockLevel statement_lock_level(std::string_view sql, const schema::SchemaSnapshot* schema = nullptr);

// The ordinary statements a lock mode makes wait, from PostgreSQL's lock conflict table: SELECT takes
// ACCESS SHARE (waits only for ACCESS EXCLUSIVE); INSERT, UPDATE and DELETE take ROW EXCLUSIVE (wait for
// SHARE, SHARE ROW EXCLUSIVE, EXCLUSIVE and ACCESS EXCLUSIVE).
enum class BlockedStatements { none, writes, reads_and_writes };
BlockedStatements blocked_statements(std::string_view mode);
const char* to_string(BlockedStatements blocked);

// The stronger of two levels, mode and effect each; the reason goes with the strongest effect (the first
// non-empty one among equals).
LockLevel stronger(const LockLevel& a, const LockLevel& b);

}  // namespace schemaflip::sql
