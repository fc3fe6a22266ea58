// Feeds core/sql's analysis of one SQL text, as analyze, predict and replay call it: parse, fingerprint,
// normalise, statement kind, tables and columns (with and without a schema to attribute columns), ORDER BY
// keys, DDL changes and their PostgreSQL lock levels, and the cache that shares results by literal key.
#include "core/schema/snapshot.hpp"
#include "core/sql/lock_levels.hpp"
#include "core/sql/statement_info.hpp"
#include "fuzz/fuzz_support.hpp"

namespace {

// Two tables that share a column name, so unqualified columns of a join need the schema to be placed.
const schemaflip::schema::SchemaSnapshot& small_schema() {
    static const auto snapshot = [] {
        namespace schema = schemaflip::schema;
        schema::SchemaSnapshot s;
        s.engine = "postgresql";
        s.tables.push_back({"public", "album", {{"albumid", 1, "integer", false, {}}, {"title", 2, "text", true, {}},
                                                {"artistid", 3, "integer", false, {}}}, {"albumid"}, {}, {}, 347, true, {}});
        s.tables.push_back({"public", "artist", {{"artistid", 1, "integer", false, {}}, {"name", 2, "text", true, {}}},
                            {"artistid"}, {}, {}, 275, true, {}});
        return s;
    }();
    return snapshot;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace sql = schemaflip::sql;
    using schemaflip::fuzz::require;
    const auto text = schemaflip::fuzz::as_text(data, size);
    const auto info = sql::analyze_statement(text);
    if (!info.parsed) {
        require(!info.error.empty(), "a parse failure says why");
        return 0;
    }
    require(info.fingerprint_hex.size() == 16, "fingerprints are 16 hex digits");
    const auto with_schema = sql::analyze_statement(text, &small_schema());
    require(with_schema.fingerprint == info.fingerprint && with_schema.kind == info.kind,
            "a schema changes attribution, not identity");
    (void)sql::postgres_lock_level(info.ddl_changes);
    (void)sql::statement_lock_level(text, &small_schema());
    (void)sql::depends_on_literals(info);

    sql::StatementCache cache;
    const auto cached = cache.analyze(text);
    require(cached->fingerprint == info.fingerprint, "the cache gives the same analysis");
    return 0;
}
