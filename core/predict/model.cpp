// The only file that includes xgboost: boosters wrapped in RAII, every call checked, and the model file
// that holds one booster per target with the attributes that describe them.
#include "core/predict/model.hpp"

#include <xgboost/c_api.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <utility>

#include "core/util/atomic_file.hpp"
#include "core/util/error.hpp"

namespace schemaflip::predict {
namespace {

using nlohmann::ordered_json;

constexpr const char* k_kind = "schemaflip_model";
constexpr int k_format_version = 2;

// XGBGetLastError's text is overwritten by the next call: copy it at once.
void check(int status, const char* what) {
    if (status != 0) throw Error(ExitCode::internal, std::string("xgboost: ") + what + " failed", std::string(XGBGetLastError()));
}

class Matrix {
public:
    Matrix(const std::vector<float>& rows, std::size_t columns) {
        const auto count = columns == 0 ? 0 : rows.size() / columns;
        check(XGDMatrixCreateFromMat(rows.data(), static_cast<bst_ulong>(count), static_cast<bst_ulong>(columns),
                                     std::numeric_limits<float>::quiet_NaN(), &m_handle),
              "creating a matrix");
    }
    ~Matrix() {
        if (m_handle) XGDMatrixFree(m_handle);
    }
    Matrix(const Matrix&) = delete;
    Matrix& operator=(const Matrix&) = delete;
    DMatrixHandle handle() const { return m_handle; }

private:
    DMatrixHandle m_handle = nullptr;
};

std::string number(double value) {
    std::ostringstream text;
    text << value;
    return text.str();
}

std::string booster_bytes(BoosterHandle booster, bool json) {
    bst_ulong length = 0;
    const char* bytes = nullptr;
    check(XGBoosterSaveModelToBuffer(booster, json ? R"({"format": "json"})" : R"({"format": "ubj"})", &length, &bytes),
          "saving the model");
    return std::string(bytes, length);
}

InputError not_a_model(const std::string& origin, const std::string& reason) {
    return InputError("model " + origin + " is not a schemaflip model", reason, "give a model written by 'schemaflip train'");
}

// The booster in `bytes` (xgboost's UBJ or JSON), added to `boosters` at once so it is freed on failure.
void add_booster(std::vector<void*>& boosters, const void* bytes, std::size_t size, const std::string& origin) {
    BoosterHandle booster = nullptr;
    check(XGBoosterCreate(nullptr, 0, &booster), "creating a booster");
    boosters.push_back(booster);
    if (size == 0 || XGBoosterLoadModelFromBuffer(booster, bytes, static_cast<bst_ulong>(size)) != 0) {
        throw not_a_model(origin, size == 0 ? std::string("it is empty") : std::string(XGBGetLastError()));
    }
}

// A booster stored in the UBJ container comes back from nlohmann's reader as binary or as an array of
// byte values.
std::vector<unsigned char> stored_bytes(const ordered_json& value, const std::string& origin) {
    if (value.is_binary()) return {value.get_binary().begin(), value.get_binary().end()};
    if (!value.is_array()) throw not_a_model(origin, "a booster is neither bytes nor a model");
    std::vector<unsigned char> bytes;
    bytes.reserve(value.size());
    for (const auto& byte : value) {
        if (!byte.is_number_unsigned() || byte.get<unsigned>() > 255) throw not_a_model(origin, "a booster's bytes are damaged");
        bytes.push_back(static_cast<unsigned char>(byte.get<unsigned>()));
    }
    return bytes;
}

// The JSON or UBJ container, or a discarded value when `bytes` is neither.
ordered_json parse_container(std::span<const unsigned char> bytes) {
    auto document = ordered_json::parse(bytes.begin(), bytes.end(), nullptr, false);
    if (document.is_discarded()) document = ordered_json::from_ubjson(bytes.begin(), bytes.end(), true, false);
    if (!document.is_object() || !document.contains("kind") || document["kind"] != k_kind) {
        return ordered_json(ordered_json::value_t::discarded);
    }
    return document;
}

using Settings = std::span<const std::pair<const char*, std::string>>;

// Sets one target's column of row-major `values` (`targets` per row) as the matrix's `field` ("label",
// "base_margin"); the matrix (and its histogram index) is shared by the targets.
void set_target_column(DMatrixHandle matrix, const char* field, const std::vector<float>& values, std::size_t targets,
                       std::size_t target, const char* what) {
    const auto count = values.size() / targets;
    std::vector<float> column(count);
    for (std::size_t row = 0; row < count; ++row) column[row] = values[row * targets + target];
    check(XGDMatrixSetFloatInfo(matrix, field, column.data(), static_cast<bst_ulong>(count)), what);
}

// A booster trained on `matrix` as it stands; it joins `boosters` before training, so a failure frees it too.
void add_trained_booster(std::vector<void*>& boosters, DMatrixHandle matrix, Settings settings, int rounds) {
    BoosterHandle booster = nullptr;
    check(XGBoosterCreate(&matrix, 1, &booster), "creating a booster");
    boosters.push_back(booster);
    for (const auto& [name, value] : settings) {
        check(XGBoosterSetParam(booster, name, value.c_str()), "setting a training parameter");
    }
    for (int round = 0; round < rounds; ++round) check(XGBoosterUpdateOneIter(booster, round, matrix), "a boosting round");
}

// Probabilities of every booster in `boosters` for `rows`, row-major: one value per booster per row.
std::vector<float> predict_with(const std::vector<void*>& boosters, const std::vector<float>& rows, std::size_t columns) {
    if (rows.empty()) return {};
    const auto targets = boosters.size();
    std::vector<float> result;
    Matrix matrix(rows, columns);
    for (std::size_t target = 0; target < targets; ++target) {
        bst_ulong features = 0;
        check(XGBoosterGetNumFeature(boosters[target], &features), "reading the feature count");
        if (features != columns) {
            throw InputError("the model expects " + std::to_string(features) + " features, not " + std::to_string(columns),
                             {}, "retrain the model with this version of schemaflip");
        }
        bst_ulong length = 0;
        const float* scores = nullptr;
        check(XGBoosterPredict(boosters[target], matrix.handle(), 0, 0, 0, &length, &scores), "predicting");
        if (result.empty()) result.resize(static_cast<std::size_t>(length) * targets);
        for (std::size_t row = 0; row < length; ++row) result[row * targets + target] = scores[row];
    }
    return result;
}

// The boosters stored in a container's `list` (UBJ bytes or JSON models), added to `boosters`.
void add_stored_boosters(const ordered_json& list, std::vector<void*>& boosters, const std::string& origin) {
    for (const auto& booster : list) {
        if (booster.is_object()) {
            const auto text = booster.dump();
            add_booster(boosters, text.data(), text.size(), origin);
        } else {
            const auto stored = stored_bytes(booster, origin);
            add_booster(boosters, stored.data(), stored.size(), origin);
        }
    }
}

ordered_json stored_boosters(const std::vector<void*>& boosters, bool json) {
    auto list = ordered_json::array();
    for (auto* booster : boosters) {
        auto bytes = booster_bytes(booster, json);
        if (json) {
            list.push_back(ordered_json::parse(bytes));
        } else {
            list.push_back(ordered_json::binary(std::vector<std::uint8_t>(bytes.begin(), bytes.end())));
        }
    }
    return list;
}

}  // namespace

Model Model::train(const std::vector<float>& rows, std::size_t columns, const std::vector<float>& labels,
                   const TrainParameters& parameters, std::size_t targets, const std::vector<float>& margins) {
    if (columns == 0 || targets == 0 || labels.empty() || labels.size() % targets != 0 ||
        rows.size() != labels.size() / targets * columns || (!margins.empty() && margins.size() != labels.size())) {
        throw InputError("no training examples", "the history yields no (table, week) example");
    }
    Matrix matrix(rows, columns);
    const std::pair<const char*, std::string> settings[] = {
        {"objective", "binary:logistic"},
        {"tree_method", "hist"},
        {"nthread", std::to_string(parameters.threads)},
        {"seed", std::to_string(parameters.seed)},
        {"max_depth", std::to_string(parameters.max_depth)},
        {"eta", number(parameters.eta)},
        {"subsample", number(parameters.subsample)},
        {"colsample_bytree", number(parameters.colsample)},
        {"min_child_weight", number(parameters.min_child_weight)},
    };
    Model model;
    for (std::size_t target = 0; target < targets; ++target) {
        set_target_column(matrix.handle(), "label", labels, targets, target, "setting labels");
        if (!margins.empty()) set_target_column(matrix.handle(), "base_margin", margins, targets, target, "setting margins");
        add_trained_booster(model.m_boosters, matrix.handle(), settings, parameters.rounds);
    }
    return model;
}

void Model::train_timing(const std::vector<float>& rows, std::size_t columns, const std::vector<float>& shares,
                         const std::vector<float>& weights, const TimingParameters& parameters) {
    const auto targets = m_boosters.size();
    const auto count = weights.size();
    if (columns == 0 || count == 0 || rows.size() != count * columns || shares.size() != count * targets) {
        throw InputError("no timing examples", "the history yields no project week to learn the timing stage from");
    }
    for (auto* booster : m_timing) XGBoosterFree(booster);
    m_timing.clear();
    Matrix matrix(rows, columns);
    check(XGDMatrixSetFloatInfo(matrix.handle(), "weight", weights.data(), static_cast<bst_ulong>(count)), "setting weights");
    // coord_descent with the cyclic selector visits the weights in a fixed order: the same model every time.
    const std::pair<const char*, std::string> settings[] = {
        {"booster", "gblinear"},      {"objective", "binary:logistic"}, {"updater", "coord_descent"},
        {"feature_selector", "cyclic"}, {"lambda", number(parameters.lambda)}, {"alpha", "0"},
        {"nthread", "1"},
    };
    for (std::size_t target = 0; target < targets; ++target) {
        set_target_column(matrix.handle(), "label", shares, targets, target, "setting labels");
        add_trained_booster(m_timing, matrix.handle(), settings, parameters.rounds);
    }
}

Model Model::load(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError("cannot read model " + path.string(), "the file cannot be opened");
    std::ostringstream buffer;
    buffer << in.rdbuf();
    const auto bytes = buffer.str();
    return load_from_bytes({reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()}, path.string());
}

Model Model::load_from_bytes(std::span<const unsigned char> bytes, const std::string& origin) {
    Model model;
    if (bytes.empty()) throw not_a_model(origin, "it is empty");
    const auto container = parse_container(bytes);
    if (container.is_discarded()) {
        // A plain xgboost model: one target, its attributes kept inside the booster.
        add_booster(model.m_boosters, bytes.data(), bytes.size(), origin);
        bst_ulong count = 0;
        const char** names = nullptr;
        check(XGBoosterGetAttrNames(model.m_boosters.front(), &count, &names), "reading model attributes");
        const std::vector<std::string> keys(names, names + count);
        for (const auto& key : keys) {
            const char* value = nullptr;
            int found = 0;
            check(XGBoosterGetAttr(model.m_boosters.front(), key.c_str(), &value, &found), "reading a model attribute");
            if (found) model.m_attributes[key] = value;
        }
        return model;
    }
    if (container.value("format_version", 0) != k_format_version || !container.contains("boosters") ||
        !container["boosters"].is_array() || container["boosters"].empty() || !container.contains("attributes") ||
        !container["attributes"].is_object() || !container.contains("timing_boosters") ||
        !container["timing_boosters"].is_array()) {
        throw not_a_model(origin, "format_version " + std::to_string(k_format_version) +
                                      " with boosters, timing_boosters and attributes expected");
    }
    for (const auto& [key, value] : container["attributes"].items()) {
        if (!value.is_string()) throw not_a_model(origin, "attribute " + key + " is not a string");
        model.m_attributes[key] = value.get<std::string>();
    }
    add_stored_boosters(container["boosters"], model.m_boosters, origin);
    add_stored_boosters(container["timing_boosters"], model.m_timing, origin);
    if (model.has_timing() && model.m_timing.size() != model.m_boosters.size()) {
        throw not_a_model(origin, "its timing stage has another number of targets");
    }
    return model;
}

Model::Model(Model&& other) noexcept
    : m_boosters(std::exchange(other.m_boosters, {})),
      m_timing(std::exchange(other.m_timing, {})),
      m_attributes(std::move(other.m_attributes)) {}

Model& Model::operator=(Model&& other) noexcept {
    if (this != &other) {
        free_boosters();
        m_boosters = std::exchange(other.m_boosters, {});
        m_timing = std::exchange(other.m_timing, {});
        m_attributes = std::move(other.m_attributes);
    }
    return *this;
}

Model::~Model() { free_boosters(); }

void Model::free_boosters() noexcept {
    for (auto* booster : m_boosters) XGBoosterFree(booster);
    for (auto* booster : m_timing) XGBoosterFree(booster);
    m_boosters.clear();
    m_timing.clear();
}

std::vector<float> Model::predict(const std::vector<float>& rows, std::size_t columns) const {
    return predict_with(m_boosters, rows, columns);
}

std::vector<float> Model::predict_timing(const std::vector<float>& rows, std::size_t columns) const {
    return predict_with(m_timing, rows, columns);
}

std::string Model::serialize(const std::filesystem::path& path_for_format) const {
    const bool json = path_for_format.extension() == ".json";
    ordered_json document = {{"kind", k_kind},
                             {"format_version", k_format_version},
                             {"attributes", ordered_json(m_attributes)},
                             {"boosters", stored_boosters(m_boosters, json)},
                             {"timing_boosters", stored_boosters(m_timing, json)}};
    if (json) return document.dump();
    const auto encoded = ordered_json::to_ubjson(document);
    return std::string(encoded.begin(), encoded.end());
}

void Model::save(const std::filesystem::path& path) const {
    const auto bytes = serialize(path);
    util::AtomicFile file(path);
    file.stream().write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    file.commit();
}

void Model::set_attribute(const std::string& key, const std::string& value) { m_attributes[key] = value; }

std::string Model::attribute(const std::string& key) const {
    const auto found = m_attributes.find(key);
    return found == m_attributes.end() ? std::string{} : found->second;
}

}  // namespace schemaflip::predict
