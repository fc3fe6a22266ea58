// `schemaflip predict`: predicted schema changes with evidence, likelihood, impact and risk.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/context.hpp"

namespace CLI {
class App;
}

namespace schemaflip::cli {

struct PredictOptions {
    std::string profile;
    std::string database;  // --db: a live database, read only
    std::string snapshot;
    std::vector<std::string> histories;
    std::vector<std::string> pending;
    std::string model;
    std::string horizon;  // empty: the model's own horizon
    std::string at;       // empty: now
    std::size_t top = 0;
    std::optional<double> fail_above;
    std::int64_t sample_rows = 10000;
    int sample_timeout = 5;
    std::string output;
};

CLI::App* add_predict_command(CLI::App& app, PredictOptions& options);
int run_predict(const PredictOptions& options, Context& context);

}  // namespace schemaflip::cli
