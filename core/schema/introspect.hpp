// Reads a live database's catalog into a SchemaSnapshot.
#pragma once

#include "core/db/database.hpp"
#include "core/schema/snapshot.hpp"

namespace schemaflip::schema {

struct IntrospectOptions {
    // Count rows with count(*) on PostgreSQL instead of using the planner's estimate (SQLite is always exact).
    bool exact_counts = false;
};

SchemaSnapshot introspect(db::Database& database, const IntrospectOptions& options = {});

// Engine-specific catalog readers behind introspect().
void introspect_sqlite(db::Database& database, const IntrospectOptions& options, SchemaSnapshot& snapshot);
void introspect_postgres(db::Database& database, const IntrospectOptions& options, SchemaSnapshot& snapshot);

}  // namespace schemaflip::schema
