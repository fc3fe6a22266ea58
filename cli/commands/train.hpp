// `schemaflip train`: learn the change-likelihood model from histories, or evaluate one (--evaluate).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli/context.hpp"

namespace CLI {
class App;
}

namespace schemaflip::cli {

struct TrainOptions {
    std::vector<std::string> histories;
    std::string output;
    std::string horizon;  // empty: 30d for training, the model's own horizon for --evaluate
    std::uint64_t seed = 0;
    int rounds = 80;
    int threads = 1;
    std::string evaluate;  // a history to evaluate on instead of training
    std::string model;
    std::string dump_scores;
};

CLI::App* add_train_command(CLI::App& app, TrainOptions& options);
int run_train(const TrainOptions& options, Context& context);

// "30d", "4w", "30" (days) → days; UsageError otherwise.
int parse_horizon_days(const std::string& text);

}  // namespace schemaflip::cli
