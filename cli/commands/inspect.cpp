// `schemaflip inspect`: open read-only, introspect, render as JSON or text.
#include "cli/commands/inspect.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/output.hpp"
#include "core/schema/introspect.hpp"

namespace schemaflip::cli {

CLI::App* add_inspect_command(CLI::App& app, InspectOptions& options) {
    auto* command = app.add_subcommand("inspect", "Schema snapshot of a live database: tables, columns, keys, "
                                                  "indexes, constraints, row counts and sizes");
    command->add_option("DB", options.database,
                        "Database URL: postgresql://..., a libpq key=value string, sqlite:PATH, or a path "
                        "ending in .db, .sqlite or .sqlite3")
        ->required();
    command->add_flag("--exact-counts", options.exact_counts,
                      "Count rows with count(*) on PostgreSQL instead of the planner's estimate "
                      "(SQLite counts are always exact)");
    command->add_option("-o,--output", options.output, "Write the snapshot to FILE instead of stdout");
    command->footer("The database is opened read-only; nothing is written to it.");
    return command;
}

int run_inspect(const InspectOptions& options, Context& context) {
    Output output(context, options.output);
    db::OpenOptions open_options;
    open_options.read_only = true;
    auto database = context.open_database(options.database, open_options);
    const auto snapshot = schema::introspect(*database, {options.exact_counts});
    if (context.format == OutputFormat::json) {
        output.write(dump_json(schema::to_json(snapshot)));
    } else {
        output.write(schema::render_text(snapshot));
    }
    return 0;
}

}  // namespace schemaflip::cli
