// Scores the tables of a history at one time with a change-prediction model, and the model attributes
// that tie a model file to this version's features and targets.
#include "core/predict/scorer.hpp"

#include <algorithm>

#include "core/predict/evaluation_task.hpp"
#include "core/predict/features.hpp"
#include "core/predict/timeline.hpp"
#include "core/predict/timing.hpp"
#include "core/util/error.hpp"

namespace schemaflip::predict {
namespace {

constexpr const char* k_features_attribute = "schemaflip_features";
constexpr const char* k_timing_features_attribute = "schemaflip_timing_features";
constexpr const char* k_targets_attribute = "schemaflip_targets";
constexpr const char* k_horizon_attribute = "schemaflip_horizon_days";
constexpr int k_default_horizon_days = 30;

std::string joined(const std::vector<std::string>& names) {
    std::string text;
    for (const auto& name : names) text += (text.empty() ? "" : ",") + name;
    return text;
}

std::vector<std::string> make_target_names() {
    std::vector<std::string> names{"any"};
    for (std::size_t f = 0; f < k_change_families; ++f) names.emplace_back(change_family_name(static_cast<ChangeFamily>(f)));
    return names;
}

// Both stages: the table model's probabilities of `features`, each project week's rows (first row, rows)
// levelled by the timing stage's forecast from its row of `timing_features`.
std::vector<float> two_stage_probabilities(const Model& model, const std::vector<float>& features,
                                           const std::vector<float>& timing_features,
                                           const std::vector<std::pair<std::size_t, std::size_t>>& weeks) {
    auto probabilities = model.predict(features, feature_names().size());
    const auto forecasts = model.predict_timing(timing_features, timing_feature_names().size());
    for (std::size_t w = 0; w < weeks.size(); ++w) {
        apply_timing(probabilities, weeks[w].first, weeks[w].second, forecasts.data() + w * k_model_targets);
    }
    return probabilities;
}

}  // namespace

const std::vector<std::string>& target_names() {
    static const auto names = make_target_names();
    return names;
}

void stamp_model(Model& model, int horizon_days) {
    model.set_attribute(k_features_attribute, joined(feature_names()));
    model.set_attribute(k_timing_features_attribute, joined(timing_feature_names()));
    model.set_attribute(k_targets_attribute, joined(target_names()));
    model.set_attribute(k_horizon_attribute, std::to_string(horizon_days));
}

void check_model(const Model& model, const std::string& origin) {
    if (model.attribute(k_features_attribute) != joined(feature_names()) ||
        model.attribute(k_timing_features_attribute) != joined(timing_feature_names()) ||
        model.attribute(k_targets_attribute) != joined(target_names()) || !model.has_timing() ||
        model.targets() != k_model_targets) {
        throw InputError(origin + " was trained on other features", "its features, targets or timing stage differ from this version's",
                         "retrain it with 'schemaflip train'");
    }
}

int model_horizon_days(const Model& model) {
    const auto text = model.attribute(k_horizon_attribute);
    try {
        const int days = text.empty() ? k_default_horizon_days : std::stoi(text);
        if (days > 0) return days;
    } catch (const std::exception&) {
    }
    throw InputError("model has a bad horizon attribute '" + text + "'", {}, "retrain it with 'schemaflip train'");
}

Model train_model(const Dataset& dataset, const TrainParameters& parameters, const TimingParameters& timing) {
    auto model = Model::train(dataset.features, dataset.feature_count, target_matrix(dataset), parameters, k_model_targets,
                              week_margins(dataset));
    model.train_timing(dataset.timing_features, timing_feature_names().size(), timing_shares(dataset),
                       timing_weights(dataset), timing);
    return model;
}

std::vector<float> score_dataset(const Model& model, const Dataset& dataset) {
    std::vector<std::pair<std::size_t, std::size_t>> weeks;
    for (const auto& week : dataset.weeks) weeks.emplace_back(week.first_row, week.rows);
    return two_stage_probabilities(model, dataset.features, dataset.timing_features, weeks);
}

Scorer Scorer::load_default() { return Scorer(Model::load_default(), "the embedded default model"); }

Scorer Scorer::load(const std::filesystem::path& path) { return Scorer(Model::load(path), "model " + path.string()); }

Scorer::Scorer(Model model, const std::string& origin) : m_model(std::move(model)) {
    check_model(m_model, origin);
    m_horizon_days = model_horizon_days(m_model);
}

std::vector<TableScore> Scorer::score(const std::vector<history::HistoryEvent>& events, std::int64_t at) const {
    std::vector<TableScore> scores;
    std::vector<float> features, timing_features;
    std::vector<std::pair<std::size_t, std::size_t>> weeks;  // (first row, rows) per project
    const auto horizon = std::int64_t{m_horizon_days} * k_day;
    for (const auto& timeline : build_timelines(events)) {
        const auto project = project_state(timeline, at);
        const auto first_row = scores.size();
        for (std::uint32_t id = 0; id < timeline.tables.size(); ++id) {
            const auto& table = timeline.tables[id];
            if (!table.is_table || !table.exists_at(at)) continue;
            scores.push_back(TableScore{timeline.project, table.name_at(at), 0, {}});
            append_features(timeline, project, id, features);
        }
        fill_week_features(features, first_row, scores.size() - first_row);
        weeks.emplace_back(first_row, scores.size() - first_row);
        append_timing_features(timeline, project, past_outcomes(timeline, horizon, at), horizon, at, timing_features);
    }
    const auto probabilities = two_stage_probabilities(m_model, features, timing_features, weeks);
    for (std::size_t i = 0; i < scores.size(); ++i) {
        const auto* row = probabilities.data() + i * k_model_targets;
        scores[i].p_any = row[0];
        for (std::size_t f = 0; f < k_change_families; ++f) scores[i].p_family[f] = row[1 + f];
    }
    std::stable_sort(scores.begin(), scores.end(), [](const TableScore& a, const TableScore& b) {
        if (a.project != b.project) return a.project < b.project;
        if (a.p_any != b.p_any) return a.p_any > b.p_any;
        return a.table < b.table;
    });
    return scores;
}

}  // namespace schemaflip::predict
