// The change-likelihood model: gradient-boosted trees (xgboost), one booster per target, behind one RAII
// class.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace schemaflip::predict {

struct TrainParameters {
    int rounds = 80;
    int max_depth = 3;
    double eta = 0.1;
    double subsample = 0.8;
    double colsample = 0.8;
    double min_child_weight = 50;
    std::uint64_t seed = 0;
    int threads = 1;  // tree_method=hist builds the same trees for any thread count
};

// The timing stage (timing.hpp): a ridge logistic regression per target, xgboost's linear booster with
// exact, deterministic coordinate descent.
struct TimingParameters {
    int rounds = 200;
    // L2 on the weights. Held-out PR-AUC (bench/train_holdout.py, seed 0) was 0.2165 / 0.2174 / 0.2146
    // with 0 / 0.003 / 0.03: little depends on it.
    double lambda = 0.003;
};

// Rows are row-major with `columns` values each. Every xgboost failure becomes an Error with xgboost's
// own message as the reason. Copying is disabled; the boosters are freed on destruction.
//
// A model file is one document, {"kind": "schemaflip_model", "format_version": 2, "attributes": {...},
// "boosters": [...], "timing_boosters": [...]}: Universal Binary JSON with each booster as xgboost's own
// UBJ bytes, or (for .json) JSON with each booster as xgboost's JSON model. A plain xgboost model file
// loads as a one-target model without a timing stage.
class Model {
public:
    // `labels` holds `targets` 0/1 values per row (row-major). Each target gets its own binary:logistic
    // booster, trained with the same parameters on the same rows.
    // `margins`, when given, holds `targets` log-odds per row (row-major) that the trees start from: they
    // then learn only what the rows add to them.
    static Model train(const std::vector<float>& rows, std::size_t columns, const std::vector<float>& labels,
                       const TrainParameters& parameters, std::size_t targets = 1,
                       const std::vector<float>& margins = {});
    // Reads a model saved by save(); InputError when the file is missing or not a model.
    static Model load(const std::filesystem::path& path);
    // Reads a model from memory (the bytes of a model file); `origin` names it in errors.
    static Model load_from_bytes(std::span<const unsigned char> bytes, const std::string& origin);
    // The model embedded in the binary at build time (models/default_model.ubj, see default_model.hpp).
    static Model load_default();

    Model(Model&& other) noexcept;
    Model& operator=(Model&& other) noexcept;
    Model(const Model&) = delete;
    Model& operator=(const Model&) = delete;
    ~Model();

    // Adds the timing stage: one booster per target on rows of `columns` values, each row labelled with a
    // share (0..1, `targets` per row, row-major) and weighted (the number of tables it stands for).
    void train_timing(const std::vector<float>& rows, std::size_t columns, const std::vector<float>& shares,
                      const std::vector<float>& weights, const TimingParameters& parameters);

    // Probabilities, row-major: targets() values per row.
    std::vector<float> predict(const std::vector<float>& rows, std::size_t columns) const;
    // The timing stage's probabilities, row-major: targets() values per row; empty without that stage.
    std::vector<float> predict_timing(const std::vector<float>& rows, std::size_t columns) const;
    std::size_t targets() const { return m_boosters.size(); }
    bool has_timing() const { return !m_timing.empty(); }

    // Universal Binary JSON for .ubj (and any other extension), JSON for .json.
    std::string serialize(const std::filesystem::path& path_for_format) const;
    void save(const std::filesystem::path& path) const;

    // String attributes stored inside the model (feature names, targets, horizon).
    void set_attribute(const std::string& key, const std::string& value);
    std::string attribute(const std::string& key) const;

private:
    Model() = default;
    void free_boosters() noexcept;
    std::vector<void*> m_boosters;  // BoosterHandle; xgboost's header stays inside model.cpp
    std::vector<void*> m_timing;    // the timing stage's boosters, one per target, or none
    std::map<std::string, std::string> m_attributes;
};

}  // namespace schemaflip::predict
