// Scores the tables of a history with a change-prediction model: for each table that exists at a time,
// the probability of any change within the model's horizon and of each change family.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/history/history.hpp"
#include "core/predict/model.hpp"
#include "core/predict/timeline.hpp"

namespace schemaflip::predict {

// The model's outputs per example, in this order: any change, then the families in enum order.
inline constexpr std::size_t k_model_targets = 1 + k_change_families;
// The target names recorded in a model: "any", then the family names.
const std::vector<std::string>& target_names();

struct TableScore {
    std::string project;
    std::string table;  // the table's name at `at`
    double p_any = 0;   // any operation other than create_table within the horizon
    std::array<double, k_change_families> p_family{};  // indexed by ChangeFamily
};

// Records in `model` what check_model() verifies later: the feature list, the targets, the horizon.
void stamp_model(Model& model, int horizon_days);
// InputError when `model` was not trained by this version's feature lists and targets, or has no timing
// stage; `origin` names it.
void check_model(const Model& model, const std::string& origin);
// The horizon a model was trained for, in days (30 when it does not say).
int model_horizon_days(const Model& model);

struct Dataset;

// Both stages of the model on `dataset`: the table model on its examples, the timing stage on its weeks.
Model train_model(const Dataset& dataset, const TrainParameters& parameters, const TimingParameters& timing = {});
// The probabilities of every example of `dataset`, k_model_targets per row: the table model's, levelled
// per project week by the timing stage (timing.hpp).
std::vector<float> score_dataset(const Model& model, const Dataset& dataset);

class Scorer {
public:
    // The model embedded in the binary (models/default_model.ubj).
    static Scorer load_default();
    // A model written by `schemaflip train`; InputError when unreadable or trained on other features.
    static Scorer load(const std::filesystem::path& path);
    explicit Scorer(Model model, const std::string& origin = "model");

    int horizon_days() const { return m_horizon_days; }

    // Every table that exists at `at` (created or first seen before it, not dropped before it; renames
    // followed), per project of `events` (any order), scored from the events strictly before `at`.
    // Sorted by project, then p_any descending, then table name.
    std::vector<TableScore> score(const std::vector<history::HistoryEvent>& events, std::int64_t at) const;

private:
    Model m_model;
    int m_horizon_days = 30;
};

}  // namespace schemaflip::predict
