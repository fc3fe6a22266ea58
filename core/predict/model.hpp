// The change-likelihood model: gradient-boosted trees (xgboost) behind one RAII class.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace schemaflip::predict {

struct TrainParameters {
    int rounds = 50;
    int max_depth = 4;
    double eta = 0.1;
    double subsample = 0.8;
    double colsample = 0.8;
    double min_child_weight = 5;
    std::uint64_t seed = 0;
    int threads = 1;  // tree_method=hist builds the same trees for any thread count
};

// Rows are row-major with `columns` values each. Every xgboost failure becomes an Error with
// xgboost's own message as the reason. Copying is disabled; the booster is freed on destruction.
class Model {
public:
    static Model train(const std::vector<float>& rows, std::size_t columns, const std::vector<float>& labels,
                       const TrainParameters& parameters);
    // Reads a model saved by save(); InputError when the file is missing or not an xgboost model.
    static Model load(const std::filesystem::path& path);

    Model(Model&& other) noexcept;
    Model& operator=(Model&& other) noexcept;
    Model(const Model&) = delete;
    Model& operator=(const Model&) = delete;
    ~Model();

    std::vector<float> predict(const std::vector<float>& rows, std::size_t columns) const;

    // Universal Binary JSON for .ubj (and any other extension), JSON for .json.
    std::string serialize(const std::filesystem::path& path_for_format) const;
    void save(const std::filesystem::path& path) const;

    // String attributes stored inside the model (feature names, horizon).
    void set_attribute(const std::string& key, const std::string& value);
    std::string attribute(const std::string& key) const;

private:
    explicit Model(void* booster) : m_booster(booster) {}
    void* m_booster = nullptr;  // BoosterHandle; xgboost's header stays inside model.cpp
};

}  // namespace schemaflip::predict
