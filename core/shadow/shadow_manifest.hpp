// The shadow manifest: what `shadow up` built and measured, and everything `shadow down` must remove.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/schema/snapshot.hpp"

namespace schemaflip::shadow {

inline constexpr int k_manifest_schema_version = 1;

struct AppliedStatement {
    std::string sql;
    double wall_ms = 0.0;   // measured on the shadow, at the shadow's real data size
    std::string lock_mode;  // the lock the statement takes on the engine of the shadow
    std::string effect;     // "rewrite", "scan" or "none": what the statement does to the table's rows
};

struct AppliedChange {
    std::string id;  // sql::change_id() of the statements, or the predicted event's ID (the same hash)
    std::string source;  // where the change came from: the --ddl file or the --changes predictions file
    std::vector<AppliedStatement> statements;
};

// One object `up` created. type: "file" (a SQLite shadow; name is its absolute path), "database" (a
// PostgreSQL shadow; the database name, on the server of the manifest's shadow URL), and for --sync
// logical "publication" (in the primary's database), "slot" (a logical replication slot on the primary's
// server) and "subscription" (in the shadow database).
struct CreatedObject {
    std::string type;
    std::string name;
    bool operator==(const CreatedObject&) const = default;
};

struct ShadowTable {
    std::string schema;
    std::string name;
    std::int64_t row_count = 0;
    std::optional<std::int64_t> bytes;
};

// Where a synced shadow caught up: the primary's WAL position the shadow had applied, and the shadow's own
// position at that moment (pg_lsn text, e.g. "0/3000148").
struct SyncPositions {
    std::string primary;
    std::string shadow;
    bool operator==(const SyncPositions&) const = default;
};

// The tables the change touched, as inspect reports them, on the shadow just before and just after the
// change: a table renamed by the change is `before` under its old name and `after` under its new one, a
// created table is only `after`, a dropped one only `before`. What `flip` plans the rollback from and what
// `rollback --apply` checks the database against.
struct ChangedTables {
    std::string engine;  // the shapes' engine (sqlite or postgresql)
    std::vector<schema::TableInfo> before;
    std::vector<schema::TableInfo> after;
};

// The tables whose shape (schema::shape_json) differs between two snapshots of one database, or that exist
// in only one of them.
ChangedTables changed_tables(const schema::SchemaSnapshot& before, const schema::SchemaSnapshot& after);

struct ShadowManifest {
    std::string engine;   // postgresql or sqlite
    std::string primary;  // redacted URL
    std::string shadow;   // redacted URL
    std::string sync = "none";
    // "creating" while `up` runs (written first, so a crash leaves a manifest `down` can use),
    // "ready" once the change is applied and the data copied, "failed" when `up` could not clean up.
    std::string state = "creating";
    std::string created_at;  // ISO 8601 UTC
    std::vector<AppliedChange> changes;
    std::vector<CreatedObject> created;
    std::vector<ShadowTable> tables;
    std::optional<SyncPositions> lsn;  // only for a synced shadow
    // Recorded by `up` once the change is applied; absent in manifests written before it was (still read).
    std::optional<ChangedTables> changed_tables;
};

nlohmann::ordered_json to_json(const ShadowManifest& manifest);
// Throws InputError naming the problem when the document is not a shadow manifest.
ShadowManifest manifest_from_json(const nlohmann::json& document);
ShadowManifest read_manifest(const std::filesystem::path& path);
// Written atomically: a reader sees the old manifest or the new one, never half of one.
void write_manifest(const std::filesystem::path& path, const ShadowManifest& manifest);

std::string render_text(const ShadowManifest& manifest);

}  // namespace schemaflip::shadow
