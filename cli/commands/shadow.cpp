// `schemaflip shadow`: flags for up/status/down, and the rendering of their results.
#include "cli/commands/shadow.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/output.hpp"
#include "cli/progress.hpp"
#include "core/shadow/shadow.hpp"
#include "core/util/error.hpp"
#include "core/util/interrupt.hpp"

namespace schemaflip::cli {
namespace {

constexpr const char* k_url_help =
    "Database URL: postgresql://..., a libpq key=value string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3";

void add_up_flags(CLI::App& up, ShadowOptions& options) {
    up.add_option("--primary", options.primary,
                  std::string("The database to copy (only read; --sync logical adds a publication and a replication slot). ") +
                      k_url_help)
        ->required();
    up.add_option("--shadow", options.shadow, "The shadow database to create, same engine as the primary")->required();
    auto* ddl = up.add_option("--ddl", options.ddl_file, "The change: a plain SQL migration file (several statements)");
    auto* changes = up.add_option("--changes", options.changes_file,
                                  "The change: a predictions document of 'schemaflip predict', instead of --ddl");
    ddl->excludes(changes);
    up.add_option("--change", options.change_id,
                  "With --changes: the ID of the event whose DDL to apply (default: the only event with DDL)")
        ->needs(changes);
    up.add_option("--sync", options.sync,
                  "none: a copy; logical: a PostgreSQL publication, slot and subscription keep the shadow following "
                  "the primary (refused, before anything is created, for changes replication cannot carry)")
        ->check(CLI::IsMember({"none", "logical"}))
        ->capture_default_str();
    up.add_option("--sync-timeout", options.sync_timeout_seconds,
                  "With --sync logical: seconds each replication step may wait (slot, initial copy, catch-up) before "
                  "giving up with exit 4")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    up.add_option("-j,--jobs", options.jobs, "PostgreSQL tables copied in parallel (--sync none)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    up.add_flag("--force", options.force, "Replace an existing shadow instead of refusing");
    up.add_option("-o,--output", options.output,
                  "Write the manifest to FILE (written before anything is created, so 'shadow down' can clean up "
                  "after a crash) instead of stdout");
    up.footer("Give the change with exactly one of --ddl and --changes. Failing statements exit 4 with the database's "
              "message; the shadow is removed again. SIGINT or SIGTERM removes what was created and exits 130. "
              "Progress goes to stderr when it is a terminal, or as plain lines with -v.");
}

std::string render_status_text(const shadow::ShadowStatus& status, const shadow::ShadowManifest& manifest) {
    std::ostringstream out;
    out << "shadow " << manifest.shadow << ": " << (status.exists ? "exists" : "missing") << ", state " << status.state
        << ", sync " << status.sync;
    if (status.lag_bytes) out << ", lag " << *status.lag_bytes << " bytes";
    if (status.lag_seconds) out << ", lag " << *status.lag_seconds << " s";
    out << '\n';
    if (const auto& subscription = status.subscription) {
        out << "subscription: " << subscription->state << ", " << subscription->tables_ready << " of "
            << subscription->tables_total << " tables ready";
        if (subscription->apply_errors) {
            out << ", " << *subscription->apply_errors << " apply errors, " << *subscription->sync_errors
                << " initial-copy errors";
        }
        out << '\n';
    }
    return out.str();
}

nlohmann::ordered_json optional_json(const std::optional<std::int64_t>& value) {
    return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json();
}

nlohmann::ordered_json status_json(const shadow::ShadowStatus& status, const shadow::ShadowManifest& manifest) {
    nlohmann::ordered_json document;
    document["shadow"] = manifest.shadow;
    document["engine"] = manifest.engine;
    document["exists"] = status.exists;
    document["state"] = status.state;
    document["sync"] = status.sync;
    document["lag_bytes"] = status.lag_bytes ? nlohmann::ordered_json(*status.lag_bytes) : nlohmann::ordered_json();
    document["lag_seconds"] = status.lag_seconds ? nlohmann::ordered_json(*status.lag_seconds) : nlohmann::ordered_json();
    document["subscription"] = nlohmann::ordered_json();
    if (const auto& subscription = status.subscription) {
        document["subscription"] = {{"state", subscription->state},
                                    {"tables_ready", subscription->tables_ready},
                                    {"tables_total", subscription->tables_total},
                                    {"apply_errors", optional_json(subscription->apply_errors)},
                                    {"sync_errors", optional_json(subscription->sync_errors)}};
    }
    return document;
}

int run_up(const ShadowOptions& options, Context& context) {
    shadow::UpRequest request;
    request.primary = options.primary;
    request.shadow = options.shadow;
    request.ddl_file = options.ddl_file;
    request.changes_file = options.changes_file;
    request.change_id = options.change_id;
    request.sync = options.sync;
    request.jobs = options.jobs;
    request.sync_timeout_seconds = options.sync_timeout_seconds;
    request.force = options.force;
    request.manifest_path = options.output;
    ProgressLine progress(context);
    request.progress = [&progress](std::string_view line) { progress.step(line); };
    // From here SIGINT/SIGTERM let `up` remove what it created (exit 130) instead of killing it half way.
    const util::InterruptGuard interrupts;
    const auto manifest = shadow::shadow_up(request);
    progress.clear();
    if (!options.output.empty()) {
        if (context.format == OutputFormat::text) context.out << shadow::render_text(manifest);
        return 0;
    }
    context.out << (context.format == OutputFormat::json ? dump_json(shadow::to_json(manifest)) : shadow::render_text(manifest));
    return 0;
}

int run_status(const ShadowOptions& options, Context& context) {
    const auto manifest = shadow::read_manifest(options.manifest);
    const auto status = shadow::shadow_status(manifest);
    context.out << (context.format == OutputFormat::json ? dump_json(status_json(status, manifest))
                                                         : render_status_text(status, manifest));
    return 0;
}

int run_down(const ShadowOptions& options, Context& context) {
    const auto manifest = shadow::read_manifest(options.manifest);
    const auto removed = shadow::shadow_down(manifest);
    if (context.format == OutputFormat::json) {
        nlohmann::ordered_json document;
        document["removed"] = nlohmann::ordered_json::array();
        for (const auto& item : removed) {
            document["removed"].push_back({{"type", item.object.type}, {"name", item.object.name}, {"existed", item.existed}});
        }
        context.out << dump_json(document);
        return 0;
    }
    for (const auto& item : removed) {
        context.out << (item.existed ? "removed " : "already gone: ") << item.object.type << ' ' << item.object.name << '\n';
    }
    return 0;
}

}  // namespace

ShadowCommands add_shadow_command(CLI::App& app, ShadowOptions& options) {
    ShadowCommands commands;
    commands.shadow = app.add_subcommand("shadow", "A shadow database with a schema change applied and measured: "
                                                   "up, status, down");
    commands.shadow->require_subcommand(1);
    commands.up = commands.shadow->add_subcommand("up", "Copy the primary into a new shadow database, apply the change, "
                                                        "measure each statement and write the manifest");
    add_up_flags(*commands.up, options);
    commands.status = commands.shadow->add_subcommand("status", "Whether the shadow of a manifest exists, and its sync state");
    commands.status->add_option("--manifest", options.manifest, "The manifest written by 'shadow up'")->required();
    commands.down = commands.shadow->add_subcommand("down", "Remove every object a manifest records (idempotent)");
    commands.down->add_option("--manifest", options.manifest, "The manifest written by 'shadow up'")->required();
    return commands;
}

int run_shadow(const ShadowCommands& commands, const ShadowOptions& options, Context& context) {
    if (commands.up->parsed()) return run_up(options, context);
    if (commands.status->parsed()) return run_status(options, context);
    if (commands.down->parsed()) return run_down(options, context);
    throw UsageError("shadow needs a subcommand: up, status or down");
}

}  // namespace schemaflip::cli
