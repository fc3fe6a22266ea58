// The predictions document: candidates merged, given a likelihood (the generator's evidence combined with
// the model's table probability), an impact and a risk, sorted by risk; as JSON and as a text table.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/predict/candidates.hpp"
#include "core/predict/risk.hpp"
#include "core/predict/scorer.hpp"

namespace schemaflip::predict {

inline constexpr int k_predictions_schema_version = 1;

// What the model said about the tables of the history at `at`.
struct ModelScores {
    std::vector<TableScore> scores;
    int horizon_days = 30;  // the model's own horizon
    std::string origin;     // "the embedded default model", "model m.ubj"
};

struct PredictOptions {
    std::int64_t at = 0;    // the prediction time, epoch seconds UTC: the window starts here
    int horizon_days = 30;  // the window's length
    std::size_t top = 0;    // keep the N riskiest events; 0 keeps all
};

struct PredictedEvent {
    std::string id;
    std::string table;
    std::string column;  // empty: null in JSON
    std::string type;
    std::vector<std::string> ddl;  // empty: null in JSON
    double likelihood = 0;
    Impact impact;
    double risk = 0;
    std::string window_from;
    std::string window_to;
    std::vector<Evidence> evidence;
    std::string description;
};

struct Predictions {
    std::string created;  // ISO UTC time of the run: the only part that differs between runs
    int horizon_days = 30;
    std::vector<PredictedEvent> events;  // by risk, descending
};

// The event ID: sql::change_id of the DDL when concrete, else the same hash over "table|type|column".
std::string event_id(const Candidate& candidate);

// The model's probability that `table` gets a change of `type`'s family (any change for ops outside the
// five families) within `horizon_days`, converted from the model's horizon under a constant hazard:
// p' = 1 − (1 − p)^(horizon / model horizon). Null when the model did not score the table. `detail`
// names the number for an evidence line.
std::optional<double> model_probability(const ModelScores& model, const std::string& table, const std::string& type,
                                        int horizon_days, bool fold_case, std::string& detail);

// The likelihood rule: L = (1 − (1 − demand)(1 − p)) × validity, with p the model's probability (0 when
// the model did not score the table): the change happens if something already demands it or if the table
// changes that way as tables like it do — two independent reasons, combined as a noisy OR — and only if
// the pattern behind it holds for the whole table.
double combine_likelihood(double demand, double model_probability, double validity);

// Merges candidates that name the same change (same table, type and column: a pending migration absorbs
// the others, a concrete change absorbs named ones; the same ID merges too), scores them and sorts them.
Predictions build_predictions(std::vector<Candidate> candidates, const ModelScores* model,
                              const schema::SchemaSnapshot* snapshot, const Workload* workload,
                              const PredictOptions& options);

nlohmann::ordered_json to_json(const Predictions& predictions);
// A table sorted by risk; with `details`, each event's evidence lines and DDL below it.
std::string render_text(const Predictions& predictions, bool details);
// GitHub Actions annotations, one per event: an error when its risk reaches `fail_above` (the gate), a
// warning from risk 50, a notice below; at the pending migration's file when the event comes from one.
std::string render_github(const Predictions& predictions, std::optional<double> fail_above);

}  // namespace schemaflip::predict
