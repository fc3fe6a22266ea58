// `schemaflip predict`: reads the inputs (profile, live database or snapshot, histories, pending
// migrations, model), runs every candidate generator that has its inputs, and writes the predictions.
#include "cli/commands/predict.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/commands/train.hpp"
#include "cli/output.hpp"
#include "core/history/history.hpp"
#include "core/predict/candidates.hpp"
#include "core/predict/default_model.hpp"
#include "core/predict/predictions.hpp"
#include "core/predict/predictions_inputs.hpp"
#include "core/predict/scorer.hpp"
#include "core/schema/introspect.hpp"
#include "core/util/error.hpp"
#include "core/util/time_format.hpp"

namespace schemaflip::cli {
namespace {

constexpr int k_default_horizon_days = 30;

struct Inputs {
    std::optional<schema::SchemaSnapshot> snapshot;
    std::unique_ptr<db::Database> database;
    std::optional<predict::Workload> workload;
    std::vector<history::HistoryEvent> events;
};

void check_options(const PredictOptions& options) {
    if (options.profile.empty() && options.database.empty() && options.snapshot.empty() && options.histories.empty() &&
        options.pending.empty()) {
        throw UsageError("predict needs at least one input", {},
                         "give --profile, --db, --snapshot, --history or --pending (see 'schemaflip predict --help')");
    }
    if (!options.database.empty() && !options.snapshot.empty()) {
        throw UsageError("--db and --snapshot both give the schema", "--db reads it from the live database",
                         "give one of them");
    }
    if (options.fail_above && (*options.fail_above < 0 || *options.fail_above > 100)) {
        throw UsageError("--fail-above must be between 0 and 100");
    }
}

std::int64_t prediction_time(const std::string& at) {
    if (at.empty()) {
        return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    }
    const auto ts = history::parse_utc_timestamp(at);
    if (!ts) throw UsageError("bad --at '" + at + "'", "expected a UTC date or time such as 2026-11-24 or 2026-11-24T12:00:00Z");
    return *ts;
}

void warn(Context& context, const std::string& message) { context.err << "schemaflip: warning: " << message << '\n'; }

void warn_about_problems(const history::ReadProblems& problems, const std::string& what, Context& context) {
    if (problems.total() == 0) return;
    warn(context, what + ": " + std::to_string(problems.unreadable_files) + " unreadable files, " +
                      std::to_string(problems.unparsed_statements) + " unparsed statements, " +
                      std::to_string(problems.bad_rows + problems.unknown_ops) + " bad rows skipped");
    if (context.verbosity == 0) return;
    for (const auto& example : problems.examples) context.err << "  " << example << '\n';
}

Inputs read_inputs(const PredictOptions& options, Context& context) {
    Inputs inputs;
    if (!options.snapshot.empty()) inputs.snapshot = predict::load_snapshot(options.snapshot);
    if (!options.database.empty()) {
        db::OpenOptions read_only;
        read_only.read_only = true;
        inputs.database = context.open_database(options.database, read_only);
        inputs.snapshot = schema::introspect(*inputs.database);
    }
    const auto* snapshot = inputs.snapshot ? &*inputs.snapshot : nullptr;
    if (!options.profile.empty()) inputs.workload = predict::load_workload(options.profile, snapshot);
    if (!options.histories.empty()) {
        auto history = history::load_history(options.histories);
        warn_about_problems(history.problems, "history", context);
        inputs.events = std::move(history.events);
    }
    // DDL seen in the logs is the history when no other is given; beside a migration history it would
    // count the same migrations twice (once from the files, once as the server ran them).
    if (inputs.workload && options.histories.empty()) inputs.events = inputs.workload->ddl_events;
    return inputs;
}

// The model scores the tables of a history before `at`; without one there is nothing to score. A
// development build may embed no default model: predict still runs, on the generators' evidence alone.
std::optional<predict::ModelScores> score_tables(const PredictOptions& options, const Inputs& inputs, std::int64_t at,
                                                 Context& context) {
    const bool any_table = std::any_of(inputs.events.begin(), inputs.events.end(),
                                       [at](const history::HistoryEvent& event) { return event.ts < at; });
    if (!any_table && options.model.empty()) return std::nullopt;
    if (options.model.empty() && predict::default_model_bytes().empty()) {
        warn(context, "this build embeds no default model: likelihoods come from the evidence alone (give --model)");
        return std::nullopt;
    }
    auto scorer = options.model.empty() ? predict::Scorer::load_default() : predict::Scorer::load(options.model);
    predict::ModelScores model;
    model.horizon_days = scorer.horizon_days();
    model.origin = options.model.empty() ? "default model" : "model " + options.model;
    model.scores = scorer.score(inputs.events, at);
    return model;
}

std::vector<predict::Candidate> generate(const PredictOptions& options, Inputs& inputs, std::int64_t at, Context& context) {
    const auto* snapshot = inputs.snapshot ? &*inputs.snapshot : nullptr;
    std::vector<predict::Candidate> candidates;
    const auto append = [&candidates](std::vector<predict::Candidate> more) {
        for (auto& candidate : more) candidates.push_back(std::move(candidate));
    };
    if (!options.pending.empty()) {
        history::ReadProblems problems;
        std::vector<std::filesystem::path> paths(options.pending.begin(), options.pending.end());
        append(predict::pending_migration_candidates(paths, snapshot, problems));
        warn_about_problems(problems, "pending migrations", context);
    }
    if (inputs.workload) {
        append(predict::missing_object_candidates(*inputs.workload, snapshot));
        if (snapshot != nullptr) append(predict::unindexed_filter_candidates(*inputs.workload, *snapshot));
    }
    if (inputs.database) {
        predict::SampleOptions sampling;
        sampling.rows = options.sample_rows;
        sampling.timeout_seconds = options.sample_timeout;
        const auto sampled = predict::sample_tables(*inputs.database, *snapshot, sampling);
        for (const auto& skipped : sampled.skipped) warn(context, "table not sampled: " + skipped);
        append(predict::data_pattern_candidates(sampled.samples, *snapshot));
    }
    if (!inputs.events.empty()) append(predict::history_candidates(inputs.events, at, snapshot));
    return candidates;
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

int gate(const predict::Predictions& predictions, double threshold, Context& context) {
    std::size_t tripped = 0;
    for (const auto& event : predictions.events) tripped += event.risk >= threshold ? 1 : 0;
    if (tripped == 0) return 0;
    const auto& worst = predictions.events.front();
    char line[256];
    std::snprintf(line, sizeof line, "schemaflip: predict: %zu event(s) at or above risk %g; highest %.1f (%s %s)\n", tripped,
                  threshold, worst.risk, worst.type.c_str(), worst.id.c_str());
    context.err << line;
    return static_cast<int>(ExitCode::gate);
}

}  // namespace

CLI::App* add_predict_command(CLI::App& app, PredictOptions& options) {
    auto* command = app.add_subcommand("predict", "Predict schema changes with evidence and risk scores");
    command->add_option("--profile", options.profile, "A workload profile from 'analyze --format json'");
    command->add_option("--db", options.database,
                        "A live database (read only): its schema and a bounded sample of every table");
    command->add_option("--snapshot", options.snapshot, "A schema snapshot from 'inspect --format json' (instead of --db)");
    command->add_option("--history", options.histories,
                        "Schema-change histories: schema-history CSV files or migration directories");
    command->add_option("--pending", options.pending,
                        "Pending migrations (the files a pull request adds): SQL, Rails or Django files or directories");
    command->add_option("--model", options.model, "A model from 'schemaflip train' (default: the embedded model)");
    command->add_option("--horizon", options.horizon, "Prediction window, e.g. 30d or 4w (default: the model's, 30d)");
    command->add_option("--at", options.at, "Start of the window, a UTC date or time (default: now)");
    command->add_option("--top", options.top, "Keep the N riskiest events (default: all)");
    command->add_option("--fail-above", options.fail_above, "Exit 1 when any event's risk is R or more (a CI gate)");
    command->add_option("--sample-rows", options.sample_rows, "Rows sampled per table with --db")
        ->capture_default_str()
        ->check(CLI::Range(std::int64_t{1}, std::int64_t{10000000}));
    command->add_option("--sample-timeout", options.sample_timeout,
                        "Seconds each table's sample may take on PostgreSQL (statement_timeout)")
        ->capture_default_str()
        ->check(CLI::Range(1, 3600));
    command->add_option("-o,--output", options.output, "Write the predictions to FILE instead of stdout");
    command->footer(
        "Risk (0-100) = likelihood x impact; likelihood = (1 - (1 - demand)(1 - p_model)) x validity.\n"
        "Exit status 1 when --fail-above trips. See 'man schemaflip-predict' for the formulas.");
    return command;
}

int run_predict(const PredictOptions& options, Context& context) {
    check_options(options);
    const int requested_horizon = options.horizon.empty() ? 0 : parse_horizon_days(options.horizon);
    const auto at = prediction_time(options.at);
    Output output(context, options.output);
    auto inputs = read_inputs(options, context);
    const auto model = score_tables(options, inputs, at, context);

    predict::PredictOptions predict_options;
    predict_options.at = at;
    predict_options.horizon_days = requested_horizon > 0 ? requested_horizon : model ? model->horizon_days : k_default_horizon_days;
    predict_options.top = options.top;
    auto predictions = predict::build_predictions(generate(options, inputs, at, context), model ? &*model : nullptr,
                                                  inputs.snapshot ? &*inputs.snapshot : nullptr,
                                                  inputs.workload ? &*inputs.workload : nullptr, predict_options);
    predictions.created = util::format_utc_ms(now_ms());
    if (context.format == OutputFormat::json) {
        output.write(dump_json(predict::to_json(predictions)));
    } else if (context.format == OutputFormat::github) {
        output.write(predict::render_github(predictions, options.fail_above));
    } else {
        output.write(predict::render_text(predictions, context.verbosity > 0));
    }
    return options.fail_above ? gate(predictions, *options.fail_above, context) : 0;
}

}  // namespace schemaflip::cli
