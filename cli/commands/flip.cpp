// `schemaflip flip`: flags, reading the documents, and the flip task on stdout or in a file. Reads files
// only: no database is opened.
#include "cli/commands/flip.hpp"

#include <CLI/CLI.hpp>
#include <chrono>
#include <nlohmann/json.hpp>

#include "cli/output.hpp"
#include "core/flip/flip_inputs.hpp"
#include "core/flip/flip_task.hpp"

namespace schemaflip::cli {

CLI::App* add_flip_command(CLI::App& app, FlipOptions& options) {
    auto* command = app.add_subcommand("flip", "Write the flip task from a replay report: decision, compatibility flags, "
                                               "affected queries, validation, rollback");
    command->add_option("--report", options.report, "The replay report (JSON) of 'schemaflip replay'")->required()->type_name("FILE");
    command->add_option("--shadow-manifest", options.manifest,
                        "The manifest of 'shadow up': the tables before and after the change (for the rollback) and a "
                        "synced shadow's position")
        ->type_name("FILE");
    command->add_option("--predictions", options.predictions,
                        "The predictions document: the change's risk score, source and the queries it breaks")
        ->type_name("FILE");
    command->add_option("-o,--output", options.output,
                        "Write the flip task to FILE (a short summary then goes to stdout with --format text, the annotations "
                        "with --format github)")
        ->type_name("FILE");
    command->footer("Exit status: 0 when the decision is flip, 1 for hold or rollback, 2 usage, 3 bad input.\n"
                    "Only created_at and the time part of task_id differ between runs on the same inputs.");
    return command;
}

int run_flip(const FlipOptions& options, Context& context) {
    Output output(context, options.output);
    flip::FlipInputs inputs;
    inputs.report = flip::read_json_document(options.report, "replay report");
    if (!options.manifest.empty()) inputs.manifest = shadow::read_manifest(options.manifest);
    if (!options.predictions.empty()) inputs.predictions = flip::read_json_document(options.predictions, "predictions document");
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    const auto task = flip::build_flip_task(inputs, std::chrono::duration_cast<std::chrono::milliseconds>(now).count());

    // As replay does: with a file the task goes there and stdout gets the summary or the annotations;
    // without one, stdout carries one document only, so github prints the annotations alone.
    const bool to_file = !options.output.empty() && options.output != "-";
    if (to_file) {
        output.write(dump_json(task));
        if (context.format == OutputFormat::text) context.out << flip::render_flip_summary(task);
        if (context.format == OutputFormat::github) context.out << flip::render_flip_github(task);
    } else {
        output.write(context.format == OutputFormat::github ? flip::render_flip_github(task) : dump_json(task));
    }
    return task.at("decision") == "flip" ? 0 : 1;
}

}  // namespace schemaflip::cli
