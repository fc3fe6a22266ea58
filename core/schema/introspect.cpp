// introspect(): one read-only transaction around the engine's catalog reader, then a stable order.
#include "core/schema/introspect.hpp"

#include <algorithm>

namespace schemaflip::schema {

SchemaSnapshot introspect(db::Database& database, const IntrospectOptions& options) {
    SchemaSnapshot snapshot;
    snapshot.engine = db::to_string(database.engine());
    snapshot.database = database.redacted_url();
    // One read-only transaction: a consistent view, and a guarantee that inspecting writes nothing.
    database.begin(/*read_only=*/true);
    try {
        if (database.engine() == db::Engine::sqlite) {
            introspect_sqlite(database, options, snapshot);
        } else {
            introspect_postgres(database, options, snapshot);
        }
        database.commit();
    } catch (...) {
        try {
            database.rollback();
        } catch (...) {
            // The original error says more than a failed rollback on a broken connection.
        }
        throw;
    }
    std::sort(snapshot.tables.begin(), snapshot.tables.end(), [](const TableInfo& a, const TableInfo& b) {
        return std::tie(a.schema, a.name) < std::tie(b.schema, b.name);
    });
    return snapshot;
}

}  // namespace schemaflip::schema
