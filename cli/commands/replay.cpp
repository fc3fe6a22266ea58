// `schemaflip replay`: flags, the endpoints and plan, the run, and the report on stdout or in a file.
#include "cli/commands/replay.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/output.hpp"
#include "cli/progress.hpp"
#include "core/replay/replay.hpp"
#include "core/shadow/shadow_manifest.hpp"
#include "core/util/atomic_file.hpp"
#include "core/util/error.hpp"
#include "core/util/interrupt.hpp"

namespace schemaflip::cli {
namespace {

std::vector<std::string> accepted_formats() {
    std::vector<std::string> formats{"auto"};
    for (const auto& name : logs::format_names()) formats.push_back(name);
    return formats;
}

std::optional<shadow::ShadowManifest> load_manifest(const std::string& path) {
    if (path.empty()) return std::nullopt;
    auto manifest = shadow::read_manifest(path);
    if (manifest.state != "ready") {
        throw InputError("the shadow of manifest " + path + " is not ready (state \"" + manifest.state + "\")", {},
                         "run 'schemaflip shadow up' again, or 'shadow down' to clean up");
    }
    return manifest;
}

std::string progress_text(const replay::ReplayProgress& progress) {
    char percent[32];
    std::snprintf(percent, sizeof percent, "%g%%", progress.percent);
    return "replay: stage " + std::to_string(progress.stage) + " of " + std::to_string(progress.stages) + " (" + percent +
           "): " + std::to_string(progress.compared) + " reads compared, " + std::to_string(progress.target) + " needed" +
           (progress.done ? ", done" : "");
}

}  // namespace

CLI::App* add_replay_command(CLI::App& app, ReplayOptions& options) {
    auto* command = app.add_subcommand("replay", "Replay real reads against the primary and a shadow in growing stages, "
                                                 "compare every result, and decide: flip, hold or rollback");
    command->add_option("--shadow-manifest", options.manifest,
                        "The manifest of 'shadow up': both databases, the change and the sync mode")
        ->type_name("FILE");
    command->add_option("--primary", options.primary,
                        "The primary (only read): postgresql://..., key=value, sqlite:PATH or a .db/.sqlite/.sqlite3 path; "
                        "overrides the manifest's")
        ->type_name("DB");
    command->add_option("--shadow", options.shadow, "The shadow, same engine; overrides the manifest's")->type_name("DB");
    command->add_option("--queries", options.queries,
                        "Query sources: logs in any format analyze reads (.gz too, - for stdin), workload profiles "
                        "from analyze, .sql files")
        ->required()
        ->expected(1, -1)
        ->type_name("FILE");
    command->add_option("--plan", options.plan,
                        "Replay plan JSON: stages, thresholds, on_failure, seed, compare and noise settings "
                        "(default: stages 1, 5, 25, 50, 100 percent)")
        ->type_name("FILE");
    command->add_option("--seed", options.seed, "Seed of the traffic splitter (overrides the plan's; default 1)")->type_name("N");
    command->add_option("-j,--jobs", options.jobs, "Connections per side: reads run in parallel, the report is the same")
        ->check(CLI::Range(1, 256))
        ->type_name("N")
        ->capture_default_str();
    command->add_option("--query-timeout", options.query_timeout_ms, "Cancel a statement after MS milliseconds (0: never)")
        ->type_name("MS")
        ->capture_default_str();
    command->add_flag("--apply-writes", options.apply_writes,
                      "Apply the writes and DDL of the queries to both databases in log order; only for two disposable "
                      "databases (refused for a manifest's live primary)");
    command->add_option("--log-format", options.log_format, "Format of the logs among --queries; auto detects it per file")
        ->check(CLI::IsMember(accepted_formats()))
        ->capture_default_str();
    command->add_option("--prefix", options.prefix, "log_line_prefix of stderr/syslog logs; detected when not given");
    command->add_option("-o,--output", options.output,
                        "Write the JSON report to FILE (the text summary still goes to stdout with --format text)")
        ->type_name("FILE");
    command->add_option("--junit", options.junit,
                        "Also write a JUnit XML report to FILE: one test case per stage, one failing test case per "
                        "mismatching fingerprint")
        ->type_name("FILE");
    command->footer("Exit status: 0 when every stage passed (decision flip), 1 for hold or rollback, 2 usage, 3 bad input, "
                    "4 a database became unavailable (the report is still written, its decision the plan's on_failure), "
                    "130 interrupted (no report).\nA lost read connection is reopened up to 3 times (0.2, 0.5, 1 s apart) and the "
                    "read run again; a lost writer is not.\nWrites in the queries are never sent to the primary unless --apply-writes.\n"
                    "Progress goes to stderr when it is a terminal, or as plain lines with -v.");
    return command;
}

int run_replay(const ReplayOptions& options, Context& context) {
    // SIGINT/SIGTERM stop the reads (cancelled on the servers) and the run exits 130 with no report: a
    // partial replay must not read as a complete one.
    const util::InterruptGuard interrupts;
    Output output(context, options.output);
    // Opened before the run so an unwritable path fails at once; renamed into place only when complete.
    std::unique_ptr<util::AtomicFile> junit;
    if (!options.junit.empty()) junit = std::make_unique<util::AtomicFile>(options.junit);
    replay::ReplayRequest request;
    request.endpoints = replay::resolve_endpoints(load_manifest(options.manifest), options.primary, options.shadow);
    request.plan = options.plan.empty() ? replay::default_plan() : replay::read_plan(options.plan);
    if (options.seed) request.plan.seed = *options.seed;
    request.jobs = options.jobs;
    request.query_timeout = std::chrono::milliseconds(options.query_timeout_ms);
    request.apply_writes = options.apply_writes;
    request.open = context.open_database;
    replay::check_apply_writes(request);
    if (request.apply_writes) {
        context.err << "schemaflip: --apply-writes: the writes among the queries go to " << request.endpoints.primary_shown
                    << " and " << request.endpoints.shadow_shown << ", both treated as disposable copies\n";
    }

    replay::SourceOptions sources;
    sources.scan.format = options.log_format;
    sources.scan.prefix = options.prefix;
    const auto stream = replay::load_queries(options.queries, sources);
    ProgressLine progress(context);
    request.progress = [&progress](const replay::ReplayProgress& now) {
        if (now.done) {
            progress.step(progress_text(now));
        } else {
            progress.update(progress_text(now));
        }
    };
    const auto report = replay::run_replay(request, stream);
    progress.clear();

    if (junit) {
        junit->stream() << replay::render_junit(report);
        junit->commit();
    }
    const bool to_file = !options.output.empty() && options.output != "-";
    if (to_file) {
        output.write(dump_json(replay::to_json(report)));
        if (context.format == OutputFormat::text) context.out << replay::render_text(report);
        if (context.format == OutputFormat::github) context.out << replay::render_github(report);
    } else if (context.format == OutputFormat::github) {
        output.write(replay::render_github(report));
    } else {
        output.write(context.format == OutputFormat::json ? dump_json(replay::to_json(report)) : replay::render_text(report));
    }
    if (report.unavailable) {
        // The report is complete about what ran (the aborted stage counted as far as it went), and says so.
        throw UnavailableError("replay " + report.reason, {},
                               std::string("the report's decision is ") + replay::to_string(report.decision) +
                                   "; run the replay again once both databases are reachable");
    }
    return report.decision == replay::Decision::flip ? 0 : 1;
}

}  // namespace schemaflip::cli
