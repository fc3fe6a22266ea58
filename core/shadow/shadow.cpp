// The engine-neutral half of the shadow stage: request checks, the change, the manifest's life cycle, cleanup.
#include "core/shadow/shadow.hpp"

#include <chrono>
#include <fstream>
#include <sstream>

#include "core/db/url.hpp"
#include "core/shadow/shadow_engine.hpp"
#include "core/util/error.hpp"
#include "core/util/time_format.hpp"

namespace schemaflip::shadow {
namespace {

std::string now_utc() {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return util::format_utc_ms(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

void check_request(const UpRequest& request, const db::DatabaseUrl& primary, const db::DatabaseUrl& shadow) {
    if (primary.engine != shadow.engine) {
        throw UsageError("the primary and the shadow must be the same engine",
                         "--primary is " + std::string(db::to_string(primary.engine)) + ", --shadow is " +
                             db::to_string(shadow.engine));
    }
    if (request.sync != "none" && request.sync != "logical") throw UsageError("--sync must be none or logical");
    if (request.jobs < 1) throw UsageError("--jobs must be at least 1");
    if (primary.engine == db::Engine::sqlite && request.sync != "none") {
        throw UsageError("SQLite shadows cannot be synced", {}, "use --sync none (the default)");
    }
    if (primary.engine == db::Engine::postgres && request.sync != "none") {
        throw UsageError("--sync logical is not implemented yet", {}, "use --sync none (the default)");
    }
}

bool remove_object(const ShadowManifest& manifest, const CreatedObject& object) {
    if (manifest.engine == "sqlite") return sqlite_remove_object(object);
    return postgres_remove_object(manifest.shadow, object);
}

// Removes what `up` created, newest first; true when everything is gone.
bool clean_up(const ShadowManifest& manifest) {
    bool complete = true;
    for (auto it = manifest.created.rbegin(); it != manifest.created.rend(); ++it) {
        try {
            remove_object(manifest, *it);
        } catch (const std::exception&) {
            complete = false;
        }
    }
    return complete;
}

void forget_manifest(const std::filesystem::path& path) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
}

}  // namespace

PlannedChange load_ddl_change(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError("cannot read DDL file " + path.string(), "the file does not exist or is unreadable");
    std::ostringstream text;
    text << in.rdbuf();
    PlannedChange change;
    change.source = path.string();
    change.statements = sql::split_statements(text.str());
    if (change.statements.empty()) throw InputError("DDL file " + path.string() + " holds no statement");
    for (const auto& statement : change.statements) {
        auto info = sql::analyze_statement(statement);
        if (!info.parsed) throw InputError("DDL file " + path.string() + " does not parse", info.error, "statement: " + statement);
        change.infos.push_back(std::move(info));
    }
    change.id = sql::change_id(change.statements);
    return change;
}

ShadowManifest shadow_up(const UpRequest& request) {
    const auto primary = db::parse_database_url(request.primary);
    const auto shadow = db::parse_database_url(request.shadow);
    check_request(request, primary, shadow);
    const PlannedChange change = load_ddl_change(request.ddl_file);

    ShadowManifest manifest;
    manifest.engine = db::to_string(primary.engine);
    manifest.primary = primary.redacted;
    manifest.shadow = shadow.redacted;
    manifest.sync = request.sync;
    manifest.created_at = now_utc();
    const RecordManifest record = [&request](const ShadowManifest& current) {
        if (!request.manifest_path.empty()) write_manifest(request.manifest_path, current);
    };
    try {
        if (primary.engine == db::Engine::sqlite) {
            sqlite_shadow_up(request, change, manifest, record);
        } else {
            postgres_shadow_up(request, change, manifest, record);
        }
    } catch (...) {
        // Nothing created yet (e.g. the shadow already exists): leave every file as it was.
        if (manifest.created.empty()) throw;
        if (clean_up(manifest)) {
            forget_manifest(request.manifest_path);
        } else {
            manifest.state = "failed";
            record(manifest);
        }
        throw;
    }
    manifest.state = "ready";
    record(manifest);
    return manifest;
}

ShadowStatus shadow_status(const ShadowManifest& manifest) {
    ShadowStatus status;
    status.state = manifest.state;
    status.sync = manifest.sync;
    status.exists = !manifest.created.empty();
    for (const auto& object : manifest.created) {
        if (manifest.engine == "sqlite") {
            status.exists = status.exists && std::filesystem::exists(object.name);
        } else {
            status.exists = status.exists && postgres_object_exists(manifest.shadow, object).value_or(false);
        }
    }
    return status;
}

std::vector<RemovedObject> shadow_down(const ShadowManifest& manifest) {
    std::vector<RemovedObject> removed;
    for (auto it = manifest.created.rbegin(); it != manifest.created.rend(); ++it) {
        if (manifest.engine == "sqlite" && it->type != "file") {
            throw InputError("shadow manifest records an unknown object type \"" + it->type + "\"");
        }
        removed.push_back({*it, remove_object(manifest, *it)});
    }
    return removed;
}

}  // namespace schemaflip::shadow
