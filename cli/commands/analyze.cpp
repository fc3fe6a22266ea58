// `schemaflip analyze`: read every log, fold its statements into one profile, write it.
#include "cli/commands/analyze.hpp"

#include <CLI/CLI.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/output.hpp"
#include "cli/progress.hpp"
#include "core/profile/analyze_logs.hpp"
#include "core/schema/introspect.hpp"
#include "core/util/error.hpp"
#include "core/util/interrupt.hpp"

namespace schemaflip::cli {
namespace {

std::vector<std::string> accepted_formats() {
    std::vector<std::string> formats{"auto"};
    for (const auto& name : logs::format_names()) formats.push_back(name);
    return formats;
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
    return out;
}

bool is_json_file(const std::string& path) {
    return path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0;
}

// --schema takes a snapshot document (from `inspect --format json`) or a live database, read-only.
std::optional<schema::SchemaSnapshot> load_schema(const std::string& source, Context& context) {
    if (source.empty()) return std::nullopt;
    if (is_json_file(source)) {
        std::ifstream in(source);
        if (!in) throw InputError("cannot read schema snapshot " + source);
        try {
            return schema::snapshot_from_json(nlohmann::json::parse(in));
        } catch (const nlohmann::json::exception& e) {
            throw InputError("schema snapshot " + source + " is not valid JSON", e.what());
        }
    }
    db::OpenOptions read_only;
    read_only.read_only = true;
    auto database = context.open_database(source, read_only);
    return schema::introspect(*database);
}

std::string progress_text(const profile::AnalyzeProgress& progress) {
    return "analyze: " + progress.file + ": " + std::to_string(progress.records) + " records, " +
           std::to_string(progress.bytes) + " bytes" + (progress.done ? ", done" : "");
}

}  // namespace

CLI::App* add_analyze_command(CLI::App& app, AnalyzeOptions& options) {
    auto* command = app.add_subcommand("analyze", "Read query logs offline into a workload profile");
    command->add_option("LOG", options.logs,
                        "Log files: PostgreSQL stderr/csvlog/jsonlog/syslog logs, .sql files, JSON lines; .gz is "
                        "read directly; - reads stdin")
        ->required();
    command->add_option("--log-format", options.log_format, "Format of every LOG; auto detects it per file")
        ->check(CLI::IsMember(accepted_formats()))
        ->capture_default_str();
    command->add_option("--prefix", options.prefix,
                        "log_line_prefix of stderr/syslog logs, e.g. '%m [%p] %q%u@%d '; detected when not given");
    command->add_option("--schema", options.schema,
                        "Attribute unqualified columns with this schema: a database URL (read-only) or a snapshot "
                        "from 'inspect --format json'");
    command->add_flag("--keep-literals", options.keep_literals,
                      "Keep literal values in example statements (default: masked as $1, $2, ...)");
    command->add_flag("--strict", options.strict, "Exit 3 when any log line is unrecognised or a file is damaged");
    command->add_option("-j,--jobs", options.jobs, "Threads for reading large files (default: all cores)");
    command->add_option("--top", options.top, "Statements in the text report's top list")->capture_default_str();
    command->add_option("-o,--output", options.output, "Write the profile to FILE instead of stdout");
    command->footer("Formats: " + joined(accepted_formats()) +
                    ".\nA log in which no record is recognised is an error (exit 3) naming the expected prefix.\n"
                    "Progress goes to stderr when it is a terminal, or as plain lines with -v.");
    return command;
}

int run_analyze(const AnalyzeOptions& options, Context& context) {
    // SIGINT/SIGTERM stop the reading (exit 130) and no profile is written: a partial one would read as complete.
    const util::InterruptGuard interrupts;
    Output output(context, options.output);
    const auto snapshot = load_schema(options.schema, context);

    profile::AnalyzeOptions analyze;
    analyze.scan.format = options.log_format;
    analyze.scan.prefix = options.prefix;
    analyze.profile.keep_literals = options.keep_literals;
    analyze.jobs = options.jobs;
    ProgressLine progress(context);
    analyze.progress = [&progress](const profile::AnalyzeProgress& now) {
        if (now.done) {
            progress.step(progress_text(now));
        } else {
            progress.update(progress_text(now));
        }
    };
    const auto profile = profile::analyze_logs(options.logs, analyze, snapshot ? &*snapshot : nullptr);
    progress.clear();

    if (options.strict) {
        for (const auto& source : profile.sources) {
            if (!source.damage.empty()) throw InputError(source.file + " is damaged", source.damage);
        }
        if (profile.unrecognised.count > 0) {
            const auto& first = profile.unrecognised.examples.front();
            throw InputError(std::to_string(profile.unrecognised.count) + " unrecognised log lines (--strict)",
                             first.source + ":" + std::to_string(first.line) + ": " + first.reason);
        }
    }
    if (context.format == OutputFormat::json) {
        output.write(dump_json(profile::to_json(profile)));
    } else {
        output.write(profile::render_text(profile, options.top));
    }
    return 0;
}

}  // namespace schemaflip::cli
