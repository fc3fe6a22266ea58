// Catalog names and predicates the PostgreSQL shadow shares between copying, publishing and cleaning up.
#pragma once

namespace schemaflip::shadow {

// Where to connect on a server to create, drop and look up databases and subscriptions.
inline constexpr const char* k_maintenance_database = "postgres";

// The application's tables, over pg_class c and pg_namespace n: ordinary tables outside the system schemas,
// not owned by an extension (those come with their extension). What the shadow copies and publishes.
inline constexpr const char* k_user_table_filter =
    "c.relkind = 'r' AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%' "
    "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid "
    "AND d.deptype = 'e')";

// The same for sequences (relkind 'S'), including those behind serial and identity columns.
inline constexpr const char* k_user_sequence_filter =
    "c.relkind = 'S' AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%' "
    "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid "
    "AND d.deptype = 'e')";

}  // namespace schemaflip::shadow
