// Builds the CLI::App with every command listed explicitly, runs the chosen one, and holds the one catch
// that turns every failure into a message and an exit code (product.md, "Exit codes").
#include "cli/app.hpp"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "cli/commands/analyze.hpp"
#include "cli/commands/completions.hpp"
#include "cli/commands/demo.hpp"
#include "cli/commands/flip.hpp"
#include "cli/commands/inspect.hpp"
#include "cli/commands/predict.hpp"
#include "cli/commands/replay.hpp"
#include "cli/commands/rollback.hpp"
#include "cli/commands/shadow.hpp"
#include "cli/commands/train.hpp"
#include "cli/context.hpp"
#include "core/util/error.hpp"
#include "core/util/redact.hpp"

namespace schemaflip::cli {
namespace {

constexpr const char* k_description =
    "schemaflip makes database schema changes safe before they ship: it reads what the application does\n"
    "to the database, inspects the schema, and (as the pipeline grows) predicts, shadows, replays and\n"
    "flips schema changes.";

constexpr const char* k_footer =
    "Exit status: 0 success, 1 the gate says no, 2 usage error, 3 bad input, 4 database unavailable,\n"
    "5 internal error.\n"
    "Run 'schemaflip COMMAND --help' for a command's options; 'man schemaflip' for the whole manual.";

struct GlobalOptions {
    std::string format = "text";
    int verbosity = 0;
    bool quiet = false;
};

struct CommandOptions {
    InspectOptions inspect;
    AnalyzeOptions analyze;
    TrainOptions train;
    PredictOptions predict;
    ShadowOptions shadow;
    ReplayOptions replay;
    FlipOptions flip;
    RollbackOptions rollback;
    CompletionsOptions completions;
    DemoOptions demo;
};

struct Commands {
    CLI::App* inspect = nullptr;
    CLI::App* analyze = nullptr;
    CLI::App* train = nullptr;
    CLI::App* predict = nullptr;
    ShadowCommands shadow;
    CLI::App* replay = nullptr;
    CLI::App* flip = nullptr;
    CLI::App* rollback = nullptr;
    CLI::App* completions = nullptr;
    CLI::App* demo = nullptr;
};

// The last line of defence for passwords: whatever the message's origin (a library, a server, a path),
// a URL's or key=value string's password and PGPASSWORD's value never reach stderr. Core redacts where it
// builds messages; this catches what it could not know of.
std::string without_passwords(const std::string& text) {
    const char* environment_password = std::getenv("PGPASSWORD");
    return util::redact_secret(util::redact_url(text), environment_password != nullptr ? environment_password : "");
}

void print_error(std::ostream& err, const std::string& what, const std::string& reason, const std::string& help) {
    err << "schemaflip: error: " << without_passwords(what) << '\n';
    if (!reason.empty()) err << "  reason: " << without_passwords(reason) << '\n';
    if (!help.empty()) err << "  help: " << without_passwords(help) << '\n';
}

int dispatch(const CLI::App& app, const Commands& commands, const CommandOptions& options, Context& context) {
    if (commands.inspect->parsed()) return run_inspect(options.inspect, context);
    if (commands.analyze->parsed()) return run_analyze(options.analyze, context);
    if (commands.train->parsed()) return run_train(options.train, context);
    if (commands.predict->parsed()) return run_predict(options.predict, context);
    if (commands.shadow.shadow->parsed()) return run_shadow(commands.shadow, options.shadow, context);
    if (commands.replay->parsed()) return run_replay(options.replay, context);
    if (commands.flip->parsed()) return run_flip(options.flip, context);
    if (commands.rollback->parsed()) return run_rollback(options.rollback, context);
    if (commands.completions->parsed()) return run_completions(options.completions, app, context);
    if (commands.demo->parsed()) return run_demo(options.demo, context);
    throw UsageError("no command given", {}, "run 'schemaflip --help' for the list of commands");
}

// The whole definition, shared by run() and describe_cli() so completions and the man-page test see
// exactly what users parse.
void define_cli(CLI::App& app, GlobalOptions& globals, CommandOptions& options, Commands& commands) {
    app.footer(k_footer);
    app.set_version_flag("--version", std::string("schemaflip ") + SCHEMAFLIP_VERSION);
    app.require_subcommand(0, 1);
    // Global flags may also follow the command name: `schemaflip inspect x.db --format json`.
    app.fallthrough();

    app.add_option("--format", globals.format,
                   "Output format of the result; github (GitHub Actions annotations) for predict, replay and flip")
        ->check(CLI::IsMember({"text", "json", "github"}))
        ->capture_default_str();
    app.add_flag("-v,--verbose", globals.verbosity, "More diagnostics on stderr (repeat for more)");
    app.add_flag("-q,--quiet", globals.quiet, "No warnings, notices or progress on stderr; errors are still printed");

    commands.inspect = add_inspect_command(app, options.inspect);
    commands.analyze = add_analyze_command(app, options.analyze);
    commands.train = add_train_command(app, options.train);
    commands.predict = add_predict_command(app, options.predict);
    commands.shadow = add_shadow_command(app, options.shadow);
    commands.replay = add_replay_command(app, options.replay);
    commands.flip = add_flip_command(app, options.flip);
    commands.rollback = add_rollback_command(app, options.rollback);
    commands.demo = add_demo_command(app, options.demo);
    commands.completions = add_completions_command(app, options.completions);
}

// Global flags that conflict with each other or with the command. --quiet/--verbose is checked here rather
// than with CLI11's excludes(), which would print "Excludes: ..." in the help. GitHub annotations exist for
// the commands whose findings point at a change: the others refuse --format github.
void check_globals(const GlobalOptions& globals, const Commands& commands) {
    if (globals.quiet && globals.verbosity > 0) throw UsageError("--quiet and --verbose contradict each other", {}, "give one");
    if (globals.format != "github" || commands.predict->parsed() || commands.replay->parsed() || commands.flip->parsed()) {
        return;
    }
    throw UsageError("--format github is only for predict, replay and flip", {}, "use --format text or json");
}

}  // namespace

CommandSpec describe_cli() {
    CLI::App app(k_description, "schemaflip");
    GlobalOptions globals;
    CommandOptions options;
    Commands commands;
    define_cli(app, globals, options, commands);
    return describe_commands(app);
}

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    CLI::App app(k_description, "schemaflip");
    GlobalOptions globals;
    CommandOptions options;
    Commands commands;
    define_cli(app, globals, options, commands);

    // --quiet: commands write their diagnostics into a stream without a buffer, which drops them; errors
    // below still go to `err`.
    std::ostream discard(nullptr);
    try {
        // CLI11 parses the vector from its back.
        std::vector<std::string> reversed(args.rbegin(), args.rend());
        app.parse(reversed);
        Context context{out, globals.quiet ? discard : err};
        check_globals(globals, commands);
        context.format = globals.format == "json"     ? OutputFormat::json
                         : globals.format == "github" ? OutputFormat::github
                                                      : OutputFormat::text;
        context.verbosity = globals.verbosity;
        if (app.get_subcommands().empty()) {
            out << app.help();
            return static_cast<int>(ExitCode::usage);
        }
        return dispatch(app, commands, options, context);
    } catch (const CLI::CallForHelp&) {
        out << app.help();
        return 0;
    } catch (const CLI::CallForAllHelp&) {
        out << app.help("", CLI::AppFormatMode::All);
        return 0;
    } catch (const CLI::CallForVersion& e) {
        out << e.what() << '\n';
        return 0;
    } catch (const CLI::ParseError& e) {
        print_error(err, e.what(), {}, "run 'schemaflip --help' or 'schemaflip COMMAND --help'");
        return static_cast<int>(ExitCode::usage);
    } catch (const Error& e) {
        print_error(err, e.what(), e.reason(), e.help());
        return static_cast<int>(e.code());
    } catch (const std::exception& e) {
        print_error(err, std::string("internal error: ") + e.what(), {},
                    "this is a bug in schemaflip; please report it with the command line");
        return static_cast<int>(ExitCode::internal);
    }
}

int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
    std::vector<std::string> args;
    for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
    return run(args, out, err);
}

}  // namespace schemaflip::cli
