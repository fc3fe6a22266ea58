// `schemaflip rollback`: the task's steps as text; with --apply, the checks before (the database is where
// the task says the change left it), the steps in one transaction, and the check after (the changed
// tables equal the snapshot from before the change). The only command of the flip stage that writes, and
// only to the database given with --db.
#include "cli/commands/rollback.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "core/db/url.hpp"
#include "core/flip/apply_rollback.hpp"
#include "core/flip/flip_inputs.hpp"
#include "core/util/error.hpp"

namespace schemaflip::cli {
namespace {

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& line : lines) out += (out.empty() ? "" : "; ") + line;
    return out;
}

int apply(const flip::TaskRollback& rollback, const RollbackOptions& options, Context& context) {
    // Refusals are the gate saying no (exit 1) before anything is run.
    if (rollback.irreversible) {
        throw GateError("rollback refused: the change is IRREVERSIBLE", joined(rollback.reasons), "the way back: " + rollback.way_back);
    }
    if (!rollback.before || !rollback.after) {
        throw GateError("rollback refused: the flip task has no snapshot of the tables before the change, so the schema "
                        "cannot be proven back",
                        {}, "the way back: " + rollback.way_back);
    }
    const auto url = db::parse_database_url(options.database);
    if (std::string(db::to_string(url.engine)) != rollback.engine) {
        throw UsageError("--db is a " + std::string(db::to_string(url.engine)) + " database, the flip task is for " + rollback.engine);
    }
    auto database = context.open_database(options.database, {});
    const auto created = flip::tables_only_in(*rollback.after, *rollback.before);
    const auto removed = flip::tables_only_in(*rollback.before, *rollback.after);
    // Steps planned for the state after the change would fail half-way, or worse, elsewhere.
    if (const auto differences = flip::schema_differences(*database, *rollback.after, removed); !differences.empty()) {
        throw GateError("rollback refused: " + url.redacted + " is not in the state the change left it in", joined(differences),
                        "give --db the database the change was applied to (the new primary)");
    }
    flip::apply_rollback_steps(*database, rollback.steps);
    context.out << "applied " << rollback.steps.size() << (rollback.steps.size() == 1 ? " step" : " steps") << " to " << url.redacted << '\n';
    const auto differences = flip::schema_differences(*database, *rollback.before, created);
    if (!differences.empty()) {
        throw GateError("the changed tables are not back to the snapshot from before the change", joined(differences),
                        "the way back: " + rollback.way_back);
    }
    context.out << "the changed tables are back to the snapshot from before the change\n";
    return 0;
}

}  // namespace

CLI::App* add_rollback_command(CLI::App& app, RollbackOptions& options) {
    auto* command = app.add_subcommand("rollback", "Show a flip task's rollback steps, or apply them (--apply) and check the "
                                                   "schema is back");
    command->add_option("--task", options.task, "The flip task (JSON) of 'schemaflip flip'")->required()->type_name("FILE");
    command->add_option("--db", options.database,
                        "The database to roll back (the new primary): postgresql://..., key=value, sqlite:PATH or a "
                        ".db/.sqlite/.sqlite3 path; needed with --apply")
        ->type_name("DB");
    command->add_flag("--apply", options.apply,
                      "Run the steps in one transaction, then check the changed tables against the snapshot from before "
                      "the change");
    command->footer("Exit status: 0 steps shown, or applied and the schema is back; 1 refused (IRREVERSIBLE, the database "
                    "is not where the change left it, nothing to check against) or the schema is not back; 2 usage; 3 bad "
                    "task file; 4 database unavailable or a step failed (nothing changed).");
    return command;
}

int run_rollback(const RollbackOptions& options, Context& context) {
    if (options.apply && options.database.empty()) throw UsageError("--apply needs --db", {}, "name the database to roll back with --db");
    const auto rollback = flip::read_task_rollback(flip::read_json_document(options.task, "flip task"));
    if (!options.apply) {
        context.out << flip::render_rollback(rollback);
        return 0;
    }
    return apply(rollback, options, context);
}

}  // namespace schemaflip::cli
