// The engine-neutral half of the shadow stage: request checks, the change, the manifest's life cycle, cleanup.
#include "core/shadow/shadow.hpp"

#include <chrono>
#include <fstream>
#include <sstream>

#include "core/db/url.hpp"
#include "core/util/atomic_file.hpp"
#include "core/shadow/logical_sync.hpp"
#include "core/shadow/shadow_engine.hpp"
#include "core/util/error.hpp"
#include "core/util/interrupt.hpp"
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
    if (request.sync_timeout_seconds < 1) throw UsageError("--sync-timeout must be at least 1 second");
    if (request.ddl_file.empty() == request.changes_file.empty()) {
        throw UsageError("give the change with exactly one of --ddl FILE and --changes predictions.json");
    }
    if (!request.change_id.empty() && request.changes_file.empty()) throw UsageError("--change needs --changes");
    if (primary.engine == db::Engine::sqlite && request.sync != "none") {
        throw UsageError("SQLite shadows cannot be synced", {}, "use --sync none (the default)");
    }
}

PlannedChange load_change(const UpRequest& request) {
    if (!request.ddl_file.empty()) return load_ddl_change(request.ddl_file);
    return load_predicted_change(request.changes_file, request.change_id);
}

bool remove_object(const ShadowManifest& manifest, const ServerUrls& urls, const CreatedObject& object) {
    if (manifest.engine == "sqlite") return sqlite_remove_object(object);
    return postgres_remove_object(urls, object);
}

// Removes what `up` created, newest first; true when everything is gone. Runs to the end even after
// SIGINT: the signal only asked for this.
bool clean_up(const ShadowManifest& manifest, const ServerUrls& urls) {
    bool complete = true;
    for (auto it = manifest.created.rbegin(); it != manifest.created.rend(); ++it) {
        try {
            remove_object(manifest, urls, *it);
        } catch (const std::exception&) {
            complete = false;
        }
    }
    return complete;
}

ServerUrls manifest_urls(const ShadowManifest& manifest) { return {manifest.primary, manifest.shadow}; }

void forget_manifest(const std::filesystem::path& path) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
}

}  // namespace

PlannedChange plan_change(const std::string& source, const std::vector<std::string>& texts) {
    PlannedChange change;
    change.source = source;
    for (const auto& text : texts) {
        for (auto& statement : sql::split_statements(text)) change.statements.push_back(std::move(statement));
    }
    if (change.statements.empty()) throw InputError(source + " holds no statement");
    for (const auto& statement : change.statements) {
        auto info = sql::analyze_statement(statement);
        if (!info.parsed) throw InputError(source + " does not parse", info.error, "statement: " + statement);
        change.infos.push_back(std::move(info));
    }
    change.id = sql::change_id(change.statements);
    return change;
}

PlannedChange load_ddl_change(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError("cannot read DDL file " + path.string(), "the file does not exist or is unreadable");
    std::ostringstream text;
    text << in.rdbuf();
    auto change = plan_change("DDL file " + path.string(), {text.str()});
    change.source = path.string();
    return change;
}

ShadowManifest shadow_up(const UpRequest& request) {
    const auto primary = db::parse_database_url(request.primary);
    const auto shadow = db::parse_database_url(request.shadow);
    check_request(request, primary, shadow);
    // An unwritable manifest path fails here, before any connection and before --force removes an old
    // shadow: the first record() comes only after that.
    if (!request.manifest_path.empty()) util::AtomicFile probe(request.manifest_path);
    const PlannedChange change = load_change(request);

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
        util::throw_if_interrupted("at the end of shadow up");
    } catch (...) {
        const bool interrupted = util::interrupted();
        // Nothing created yet (e.g. the shadow already exists): leave every file as it was.
        bool complete = true;
        if (!manifest.created.empty()) {
            request.progress("removing what shadow up created");
            // The user's own URLs: they carry the password the manifest's redacted ones lack.
            complete = clean_up(manifest, {request.primary, request.shadow});
            if (complete) {
                forget_manifest(request.manifest_path);
            } else {
                manifest.state = "failed";
                record(manifest);
            }
        }
        if (interrupted) {
            throw InterruptedError(std::string("interrupted by ") + util::interrupt_name(),
                                   complete ? "everything shadow up had created was removed"
                                            : "some of what shadow up created could not be removed",
                                   complete ? "" : "run 'schemaflip shadow down --manifest FILE' once the servers answer");
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
            status.exists = status.exists && postgres_object_exists(manifest_urls(manifest), object).value_or(false);
        }
    }
    if (manifest.engine == "postgresql" && manifest.sync == "logical") logical_status(manifest_urls(manifest), manifest, status);
    return status;
}

std::vector<RemovedObject> shadow_down(const ShadowManifest& manifest) {
    std::vector<RemovedObject> removed;
    for (auto it = manifest.created.rbegin(); it != manifest.created.rend(); ++it) {
        if (manifest.engine == "sqlite" && it->type != "file") {
            throw InputError("shadow manifest records an unknown object type \"" + it->type + "\"");
        }
        removed.push_back({*it, remove_object(manifest, manifest_urls(manifest), *it)});
    }
    return removed;
}

}  // namespace schemaflip::shadow
