// `schemaflip train`: histories → weekly examples → xgboost model; --evaluate scores a model and the
// recency baseline on the same examples.
#include "cli/commands/train.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "cli/output.hpp"
#include "core/history/history.hpp"
#include "core/predict/evaluation_task.hpp"
#include "core/predict/features.hpp"
#include "core/predict/metrics.hpp"
#include "core/predict/model.hpp"
#include "core/predict/scorer.hpp"
#include "core/util/atomic_file.hpp"
#include "core/util/error.hpp"

namespace schemaflip::cli {
namespace {

using nlohmann::ordered_json;

constexpr int k_schema_version = 1;
constexpr int k_default_horizon_days = 30;
constexpr const char* k_default_model_name = "(embedded default model)";

std::string fixed(double value, int digits = 4) {
    char text[32];
    std::snprintf(text, sizeof text, "%.*f", digits, value);
    return text;
}

void warn_about_problems(const history::History& history, Context& context) {
    const auto& problems = history.problems;
    if (problems.total() == 0) return;
    context.err << "schemaflip: warning: " << problems.bad_rows << " bad rows, " << problems.unknown_ops
                << " unknown ops, " << problems.unreadable_files << " unreadable files, "
                << problems.unparsed_statements << " unparsed statements skipped\n";
    if (context.verbosity > 0) {
        for (const auto& example : problems.examples) context.err << "  " << example << '\n';
    }
}

ordered_json problems_json(const history::ReadProblems& problems) {
    return {{"bad_rows", problems.bad_rows},
            {"unknown_ops", problems.unknown_ops},
            {"unreadable_files", problems.unreadable_files},
            {"unparsed_statements", problems.unparsed_statements},
            {"examples", problems.examples}};
}

history::History load(const std::vector<std::string>& paths, Context& context) {
    auto history = history::load_history(paths);
    warn_about_problems(history, context);
    if (history.events.empty()) {
        throw InputError("no schema-change events in " + paths.front(), "the history is empty or unreadable",
                         "give a schema-history CSV or a directory of migrations");
    }
    return history;
}

std::size_t count_projects(const history::History& history) {
    std::set<std::string> projects;
    for (const auto& event : history.events) projects.insert(event.project);
    return projects.size();
}

struct Scores {
    std::vector<bool> labels;
    std::vector<double> model;
    std::vector<double> baseline;
};

ordered_json auc_json(const std::vector<bool>& labels, const std::vector<double>& scores) {
    return {{"roc_auc", predict::roc_auc(labels, scores)}, {"pr_auc", predict::average_precision(labels, scores)}};
}

ordered_json metrics_json(const Scores& scores) {
    const auto positives = static_cast<double>(std::count(scores.labels.begin(), scores.labels.end(), true));
    const auto rows = static_cast<double>(scores.labels.size());
    return {{"rows", scores.labels.size()},
            {"positives", static_cast<std::uint64_t>(positives)},
            {"positive_rate", rows > 0 ? positives / rows : 0.0},
            {"model", auc_json(scores.labels, scores.model)},
            {"baseline", auc_json(scores.labels, scores.baseline)}};
}

// Per change family over all rows: its own label, the model's probability for that family, and the
// recency baseline (which knows no families) on the same rows.
ordered_json families_json(const predict::Dataset& dataset, const std::vector<float>& probabilities) {
    ordered_json families = ordered_json::object();
    for (std::size_t f = 0; f < predict::k_change_families; ++f) {
        Scores scores;
        for (std::size_t i = 0; i < dataset.examples.size(); ++i) {
            scores.labels.push_back(dataset.examples[i].families[f]);
            scores.model.push_back(static_cast<double>(probabilities[i * predict::k_model_targets + 1 + f]));
            scores.baseline.push_back(dataset.examples[i].baseline);
        }
        families[std::string(predict::change_family_name(static_cast<predict::ChangeFamily>(f)))] = metrics_json(scores);
    }
    return families;
}

std::string csv_field(const std::string& value) {
    if (value.find_first_of(",\"\n") == std::string::npos) return value;
    std::string quoted = "\"";
    for (char c : value) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

// `scores`: the model's probability of any change, one per example.
void dump_scores(const std::string& path, const predict::Dataset& dataset, const std::vector<double>& scores) {
    util::AtomicFile file(path);
    auto& out = file.stream();
    out << "project,table,week,label,score\n";
    char score[40];
    for (std::size_t i = 0; i < dataset.examples.size(); ++i) {
        const auto& example = dataset.examples[i];
        // 17 significant digits: the value reads back exactly, so the metrics recompute exactly.
        std::snprintf(score, sizeof score, "%.17g", scores[i]);
        out << csv_field(example.project) << ',' << csv_field(example.table) << ','
            << history::format_iso_date(example.week) << ',' << (example.label ? 1 : 0) << ',' << score << '\n';
    }
    file.commit();
}

std::string evaluation_text(const ordered_json& report) {
    std::ostringstream text;
    const auto line = [&](const std::string& name, const ordered_json& metrics) {
        char row[256];
        std::snprintf(row, sizeof row, "%-40s %8llu %7.4f  %7.4f %7.4f  %7.4f %7.4f\n", name.c_str(),
                      metrics["rows"].get<unsigned long long>(), metrics["positive_rate"].get<double>(),
                      metrics["model"]["roc_auc"].get<double>(), metrics["model"]["pr_auc"].get<double>(),
                      metrics["baseline"]["roc_auc"].get<double>(), metrics["baseline"]["pr_auc"].get<double>());
        text << row;
    };
    text << "horizon " << report["horizon_days"].get<int>() << " days, weekly examples\n\n";
    char header[256];
    std::snprintf(header, sizeof header, "%-40s %8s %7s  %7s %7s  %7s %7s\n", "project", "rows", "pos", "roc_auc",
                  "pr_auc", "base_roc", "base_pr");
    text << header;
    for (const auto& project : report["projects"]) line(project["project"].get<std::string>(), project);
    line("POOLED", report["pooled"]);
    text << "\nper change family, pooled (baseline: the same recency score)\n";
    for (const auto& [family, metrics] : report["pooled"]["families"].items()) line(family, metrics);
    return text.str();
}

predict::Model load_model(const std::string& path) {
    auto model = path.empty() ? predict::Model::load_default() : predict::Model::load(path);
    predict::check_model(model, path.empty() ? std::string(k_default_model_name) : "model " + path);
    return model;
}

int run_evaluate(const TrainOptions& options, Context& context) {
    if (!options.histories.empty() || !options.output.empty()) {
        throw UsageError("--evaluate takes its history as its own argument", "--history and -o are for training");
    }
    if (!options.dump_scores.empty()) {
        util::AtomicFile probe(options.dump_scores);  // fail on an unwritable destination before any work
    }
    const auto model = load_model(options.model);
    const int horizon_days =
        !options.horizon.empty() ? parse_horizon_days(options.horizon) : predict::model_horizon_days(model);
    const auto history = load({options.evaluate}, context);
    const auto dataset = predict::build_dataset(history.events, std::int64_t{horizon_days} * 86400);
    const auto probabilities = predict::score_dataset(model, dataset);
    std::vector<double> scores;  // the probability of any change: the first target
    for (std::size_t i = 0; i < dataset.examples.size(); ++i) {
        scores.push_back(static_cast<double>(probabilities[i * predict::k_model_targets]));
    }
    if (!options.dump_scores.empty()) dump_scores(options.dump_scores, dataset, scores);

    Scores pooled;
    std::map<std::string, Scores> per_project;
    for (std::size_t i = 0; i < dataset.examples.size(); ++i) {
        const auto& example = dataset.examples[i];
        for (auto* target : {&pooled, &per_project[example.project]}) {
            target->labels.push_back(example.label);
            target->model.push_back(scores[i]);
            target->baseline.push_back(example.baseline);
        }
    }
    ordered_json report = {{"kind", "model_evaluation"},
                           {"schema_version", k_schema_version},
                           {"history", options.evaluate},
                           {"model", options.model.empty() ? std::string(k_default_model_name) : options.model},
                           {"horizon_days", horizon_days},
                           {"events", history.events.size()},
                           {"problems", problems_json(history.problems)},
                           {"projects", ordered_json::array()}};
    for (const auto& [project, project_scores] : per_project) {
        ordered_json entry = {{"project", project}};
        entry.update(metrics_json(project_scores));
        report["projects"].push_back(entry);
    }
    report["pooled"] = metrics_json(pooled);
    report["pooled"]["families"] = families_json(dataset, probabilities);
    Output output(context, {});
    output.write(context.format == OutputFormat::json ? dump_json(report) : evaluation_text(report));
    return 0;
}

int run_training(const TrainOptions& options, Context& context) {
    if (options.histories.empty() || options.output.empty()) {
        throw UsageError("train needs --history and -o", {},
                         "schemaflip train --history FILE|DIR... -o model.ubj (or --evaluate HISTORY --model M)");
    }
    if (!options.model.empty() || !options.dump_scores.empty()) {
        throw UsageError("--model and --dump-scores go with --evaluate");
    }
    const int horizon_days = options.horizon.empty() ? k_default_horizon_days : parse_horizon_days(options.horizon);
    { util::AtomicFile probe(options.output); }  // fail on an unwritable destination before any work
    const auto history = load(options.histories, context);
    const auto dataset = predict::build_dataset(history.events, std::int64_t{horizon_days} * 86400);

    predict::TrainParameters parameters;
    parameters.seed = options.seed;
    parameters.rounds = options.rounds;
    parameters.threads = options.threads;
    auto model = predict::train_model(dataset, parameters);
    predict::stamp_model(model, horizon_days);
    model.save(options.output);

    const auto positives = static_cast<std::uint64_t>(std::count_if(
        dataset.examples.begin(), dataset.examples.end(), [](const auto& example) { return example.label; }));
    const ordered_json report = {
        {"kind", "training_report"},
        {"schema_version", k_schema_version},
        {"histories", options.histories},
        {"model", options.output},
        {"horizon_days", horizon_days},
        {"seed", options.seed},
        {"rounds", options.rounds},
        {"events", history.events.size()},
        {"projects", count_projects(history)},
        {"examples", dataset.examples.size()},
        {"positives", positives},
        {"features", predict::feature_names()},
        {"targets", predict::target_names()},
        {"problems", problems_json(history.problems)}};
    std::ostringstream text;
    text << "trained " << options.output << " on " << dataset.examples.size() << " examples (" << positives
         << " positive, rate " << fixed(dataset.examples.empty() ? 0.0 : static_cast<double>(positives) / static_cast<double>(dataset.examples.size()))
         << ") from " << history.events.size() << " events in " << count_projects(history) << " projects\n"
         << "horizon " << horizon_days << " days, " << predict::feature_names().size() << " features, "
         << predict::k_model_targets << " targets (any change and " << predict::k_change_families
         << " change families), " << options.rounds << " rounds each, seed " << options.seed << '\n';
    Output output(context, {});
    output.write(context.format == OutputFormat::json ? dump_json(report) : text.str());
    return 0;
}

}  // namespace

int parse_horizon_days(const std::string& text) {
    std::size_t used = 0;
    int value = 0;
    try {
        value = std::stoi(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    const auto unit = text.substr(used);
    const int factor = unit.empty() || unit == "d" ? 1 : unit == "w" ? 7 : 0;
    if (used == 0 || factor == 0 || value <= 0 || value > 3650) {
        throw UsageError("bad --horizon '" + text + "'", "expected days such as 30d, or weeks such as 4w");
    }
    return value * factor;
}

CLI::App* add_train_command(CLI::App& app, TrainOptions& options) {
    auto* command = app.add_subcommand("train", "Train the change-prediction model from schema-change histories");
    command->add_option("--history", options.histories,
                        "Histories to learn from: schema-history CSV files or migration directories (SQL, Rails "
                        "db/migrate, Django migrations)");
    command->add_option("-o,--output", options.output, "Write the model to FILE (.ubj, or .json)");
    command->add_option("--horizon", options.horizon, "Prediction horizon, e.g. 30d or 4w (default 30d)");
    command->add_option("--seed", options.seed, "Random seed of the row and column sampling")->capture_default_str();
    command->add_option("--rounds", options.rounds, "Boosting rounds")->capture_default_str()->check(CLI::Range(1, 10000));
    command->add_option("-j,--threads", options.threads, "Training threads (the model is the same for any count)")
        ->capture_default_str()
        ->check(CLI::Range(1, 256));
    command->add_option("--evaluate", options.evaluate,
                        "Instead of training: score --model on this history, with the recency baseline");
    command->add_option("--model", options.model, "The model to evaluate (default: the embedded default model)");
    command->add_option("--dump-scores", options.dump_scores,
                        "With --evaluate: write project,table,week,label,score CSV to FILE");
    return command;
}

int run_train(const TrainOptions& options, Context& context) {
    return options.evaluate.empty() ? run_training(options, context) : run_evaluate(options, context);
}

}  // namespace schemaflip::cli
