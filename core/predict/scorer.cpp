// Scores the tables of a history at one time with a change-prediction model, and the model attributes
// that tie a model file to this version's features and targets.
#include "core/predict/scorer.hpp"

#include <algorithm>

#include "core/predict/features.hpp"
#include "core/predict/timeline.hpp"
#include "core/util/error.hpp"

namespace schemaflip::predict {
namespace {

constexpr const char* k_features_attribute = "schemaflip_features";
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

}  // namespace

const std::vector<std::string>& target_names() {
    static const auto names = make_target_names();
    return names;
}

void stamp_model(Model& model, int horizon_days) {
    model.set_attribute(k_features_attribute, joined(feature_names()));
    model.set_attribute(k_targets_attribute, joined(target_names()));
    model.set_attribute(k_horizon_attribute, std::to_string(horizon_days));
}

void check_model(const Model& model, const std::string& origin) {
    if (model.attribute(k_features_attribute) != joined(feature_names()) ||
        model.attribute(k_targets_attribute) != joined(target_names())) {
        throw InputError(origin + " was trained on other features", "its feature or target list differs from this version's",
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

Scorer Scorer::load_default() { return Scorer(Model::load_default(), "the embedded default model"); }

Scorer Scorer::load(const std::filesystem::path& path) { return Scorer(Model::load(path), "model " + path.string()); }

Scorer::Scorer(Model model, const std::string& origin) : m_model(std::move(model)) {
    check_model(m_model, origin);
    m_horizon_days = model_horizon_days(m_model);
}

std::vector<TableScore> Scorer::score(const std::vector<history::HistoryEvent>& events, std::int64_t at) const {
    std::vector<TableScore> scores;
    std::vector<float> features;
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
    }
    const auto probabilities = m_model.predict(features, feature_names().size());
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
