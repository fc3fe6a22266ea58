// `schemaflip shadow`: flags for up/status/down, and the rendering of their results.
#include "cli/commands/shadow.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/output.hpp"
#include "core/shadow/shadow.hpp"
#include "core/util/error.hpp"

namespace schemaflip::cli {
namespace {

constexpr const char* k_url_help =
    "Database URL: postgresql://..., a libpq key=value string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3";

void add_up_flags(CLI::App& up, ShadowOptions& options) {
    up.add_option("--primary", options.primary, std::string("The database to copy (only read). ") + k_url_help)->required();
    up.add_option("--shadow", options.shadow, "The shadow database to create, same engine as the primary")->required();
    up.add_option("--ddl", options.ddl_file,
                  "The change: a plain SQL migration file (several statements). The --changes predictions "
                  "input of the manual is not available yet")
        ->required();
    up.add_option("--sync", options.sync, "Keep the shadow in sync with the primary: none (a copy; logical is not available yet)")
        ->check(CLI::IsMember({"none", "logical"}))
        ->capture_default_str();
    up.add_option("-j,--jobs", options.jobs, "PostgreSQL tables copied in parallel")->check(CLI::PositiveNumber)->capture_default_str();
    up.add_flag("--force", options.force, "Replace an existing shadow instead of refusing");
    up.add_option("-o,--output", options.output,
                  "Write the manifest to FILE (written before anything is created, so 'shadow down' can clean up "
                  "after a crash) instead of stdout");
    up.footer("Failing statements exit 4 with the database's message; the shadow is removed again.");
}

std::string render_status_text(const shadow::ShadowStatus& status, const shadow::ShadowManifest& manifest) {
    std::ostringstream out;
    out << "shadow " << manifest.shadow << ": " << (status.exists ? "exists" : "missing") << ", state " << status.state
        << ", sync " << status.sync;
    if (status.lag_bytes) out << ", lag " << *status.lag_bytes << " bytes";
    if (status.lag_seconds) out << ", lag " << *status.lag_seconds << " s";
    out << '\n';
    return out.str();
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
    return document;
}

int run_up(const ShadowOptions& options, Context& context) {
    shadow::UpRequest request{options.primary, options.shadow, options.ddl_file, options.sync, options.jobs, options.force,
                              options.output};
    const auto manifest = shadow::shadow_up(request);
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
