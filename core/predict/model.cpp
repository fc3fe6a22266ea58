// The only file that includes xgboost: handles wrapped in RAII, every call checked.
#include "core/predict/model.hpp"

#include <xgboost/c_api.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <utility>

#include "core/util/atomic_file.hpp"
#include "core/util/error.hpp"

namespace schemaflip::predict {
namespace {

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

BoosterHandle create_booster(const DMatrixHandle* matrices, bst_ulong count) {
    BoosterHandle booster = nullptr;
    check(XGBoosterCreate(matrices, count, &booster), "creating a booster");
    return booster;
}

std::string number(double value) {
    std::ostringstream text;
    text << value;
    return text.str();
}

}  // namespace

Model Model::train(const std::vector<float>& rows, std::size_t columns, const std::vector<float>& labels,
                   const TrainParameters& parameters) {
    if (columns == 0 || labels.empty() || rows.size() != labels.size() * columns) {
        throw InputError("no training examples", "the history yields no (table, week) example");
    }
    Matrix matrix(rows, columns);
    check(XGDMatrixSetFloatInfo(matrix.handle(), "label", labels.data(), static_cast<bst_ulong>(labels.size())),
          "setting labels");
    const DMatrixHandle handles[] = {matrix.handle()};
    Model model(create_booster(handles, 1));
    const std::pair<const char*, std::string> settings[] = {
        {"objective", "binary:logistic"},
        {"eval_metric", "auc"},
        {"tree_method", "hist"},
        {"nthread", std::to_string(parameters.threads)},
        {"seed", std::to_string(parameters.seed)},
        {"max_depth", std::to_string(parameters.max_depth)},
        {"eta", number(parameters.eta)},
        {"subsample", number(parameters.subsample)},
        {"colsample_bytree", number(parameters.colsample)},
        {"min_child_weight", number(parameters.min_child_weight)},
    };
    for (const auto& [name, value] : settings) {
        check(XGBoosterSetParam(model.m_booster, name, value.c_str()), "setting a training parameter");
    }
    for (int round = 0; round < parameters.rounds; ++round) {
        check(XGBoosterUpdateOneIter(model.m_booster, round, matrix.handle()), "a boosting round");
    }
    return model;
}

Model Model::load(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError("cannot read model " + path.string(), "the file cannot be opened");
    std::ostringstream buffer;
    buffer << in.rdbuf();
    const auto bytes = buffer.str();
    Model model(create_booster(nullptr, 0));
    if (XGBoosterLoadModelFromBuffer(model.m_booster, bytes.data(), static_cast<bst_ulong>(bytes.size())) != 0) {
        throw InputError("model " + path.string() + " is not an xgboost model", std::string(XGBGetLastError()),
                         "give a model written by 'schemaflip train'");
    }
    return model;
}

Model::Model(Model&& other) noexcept : m_booster(std::exchange(other.m_booster, nullptr)) {}

Model& Model::operator=(Model&& other) noexcept {
    if (this != &other) {
        if (m_booster) XGBoosterFree(m_booster);
        m_booster = std::exchange(other.m_booster, nullptr);
    }
    return *this;
}

Model::~Model() {
    if (m_booster) XGBoosterFree(m_booster);
}

std::vector<float> Model::predict(const std::vector<float>& rows, std::size_t columns) const {
    if (rows.empty()) return {};
    bst_ulong features = 0;
    check(XGBoosterGetNumFeature(m_booster, &features), "reading the feature count");
    if (features != columns) {
        throw InputError("the model expects " + std::to_string(features) + " features, not " + std::to_string(columns),
                         {}, "retrain the model with this version of schemaflip");
    }
    Matrix matrix(rows, columns);
    bst_ulong length = 0;
    const float* result = nullptr;
    check(XGBoosterPredict(m_booster, matrix.handle(), 0, 0, 0, &length, &result), "predicting");
    return std::vector<float>(result, result + length);
}

std::string Model::serialize(const std::filesystem::path& path_for_format) const {
    const char* config = path_for_format.extension() == ".json" ? R"({"format": "json"})" : R"({"format": "ubj"})";
    bst_ulong length = 0;
    const char* bytes = nullptr;
    check(XGBoosterSaveModelToBuffer(m_booster, config, &length, &bytes), "saving the model");
    return std::string(bytes, length);
}

void Model::save(const std::filesystem::path& path) const {
    const auto bytes = serialize(path);
    util::AtomicFile file(path);
    file.stream().write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    file.commit();
}

void Model::set_attribute(const std::string& key, const std::string& value) {
    check(XGBoosterSetAttr(m_booster, key.c_str(), value.c_str()), "setting a model attribute");
}

std::string Model::attribute(const std::string& key) const {
    const char* value = nullptr;
    int found = 0;
    check(XGBoosterGetAttr(m_booster, key.c_str(), &value, &found), "reading a model attribute");
    return found ? std::string(value) : std::string{};
}

}  // namespace schemaflip::predict
