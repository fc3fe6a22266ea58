// `schemaflip train` and `train --evaluate` end to end, in-process, on one real project's history.
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/predict/metrics.hpp"
#include "support/test_support.hpp"

using namespace schemaflip;
using nlohmann::json;

namespace {

// healthchecks/healthchecks alone: 278 rows (the history README's table), small enough to train fast.
std::filesystem::path healthchecks_csv(const test::TempDir& dir) {
    const auto path = dir.path() / "healthchecks.csv";
    std::ifstream in(test::shared_data_path("schema-history/train.csv"));
    std::ofstream out(path);
    std::string line;
    std::getline(in, line);
    out << line << '\n';
    while (std::getline(in, line)) {
        if (line.starts_with("healthchecks/healthchecks,")) out << line << '\n';
    }
    return path;
}

std::vector<std::string> train_args(const std::filesystem::path& history, const std::filesystem::path& model) {
    return {"train", "--history", history.string(), "-o", model.string(), "--rounds", "5", "--seed", "3"};
}

std::vector<std::string> split_csv_line(const std::string& line) {
    std::vector<std::string> fields;
    std::stringstream stream(line);
    std::string field;
    while (std::getline(stream, field, ',')) fields.push_back(field);
    return fields;
}

}  // namespace

TEST_CASE("train writes the same model bytes twice and reports its examples") {
    test::TempDir dir;
    const auto history = healthchecks_csv(dir);
    const auto first = test::run_cli(train_args(history, dir.path() / "a.ubj"));
    INFO(first.err);
    REQUIRE(first.exit_code == 0);
    CHECK(first.out.find("trained") != std::string::npos);
    auto args = train_args(history, dir.path() / "b.ubj");
    args.insert(args.begin(), {"--format", "json"});
    const auto second = test::run_cli(args);
    REQUIRE(second.exit_code == 0);
    CHECK(test::read_file(dir.path() / "a.ubj") == test::read_file(dir.path() / "b.ubj"));
    const auto report = json::parse(second.out);
    CHECK(report["kind"] == "training_report");
    CHECK(report["events"] == 278);
    CHECK(report["projects"] == 1);
    CHECK(report["horizon_days"] == 30);
    CHECK(report["examples"].get<int>() > 1000);
    CHECK(report["problems"]["bad_rows"] == 0);
}

TEST_CASE("train --evaluate prints metrics that --dump-scores recomputes exactly") {
    test::TempDir dir;
    const auto history = healthchecks_csv(dir);
    const auto model = dir.path() / "model.ubj";
    REQUIRE(test::run_cli(train_args(history, model)).exit_code == 0);
    const auto scores_path = dir.path() / "scores.csv";
    const auto result = test::run_cli({"--format", "json", "train", "--evaluate", history.string(), "--model",
                                       model.string(), "--dump-scores", scores_path.string()});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    const auto report = json::parse(result.out);
    CHECK(report["kind"] == "model_evaluation");
    const auto& pooled = report["pooled"];

    std::ifstream scores(scores_path);
    std::string line;
    std::getline(scores, line);
    CHECK(line == "project,table,week,label,score");
    std::vector<bool> labels;
    std::vector<double> values;
    while (std::getline(scores, line)) {
        const auto fields = split_csv_line(line);
        REQUIRE(fields.size() == 5);
        CHECK(fields[0] == "healthchecks/healthchecks");
        CHECK(fields[2].size() == 10);
        labels.push_back(fields[3] == "1");
        values.push_back(std::stod(fields[4]));
    }
    CHECK(labels.size() == pooled["rows"].get<std::size_t>());
    const auto positives = static_cast<double>(std::count(labels.begin(), labels.end(), true));
    CHECK(positives == pooled["positives"].get<double>());
    CHECK(positives / static_cast<double>(labels.size()) == doctest::Approx(pooled["positive_rate"].get<double>()));
    CHECK(predict::roc_auc(labels, values) == pooled["model"]["roc_auc"].get<double>());
    CHECK(predict::average_precision(labels, values) == pooled["model"]["pr_auc"].get<double>());
    // Evaluated on its own training data, the model ranks far better than chance and than the baseline.
    CHECK(pooled["model"]["roc_auc"].get<double>() > pooled["baseline"]["roc_auc"].get<double>());

    const auto text = test::run_cli({"train", "--evaluate", history.string(), "--model", model.string()});
    REQUIRE(text.exit_code == 0);
    CHECK(text.out.find("POOLED") != std::string::npos);
}

TEST_CASE("train --evaluate refuses a model of the first format or without its timing stage: exit 3, what and why") {
    test::TempDir dir;
    const auto history = healthchecks_csv(dir);
    const auto model = dir.path() / "m.json";
    REQUIRE(test::run_cli({"train", "--history", history.string(), "-o", model.string(), "--rounds", "2"}).exit_code == 0);
    const auto document = test::read_file(model);
    const auto rewritten = [&](const std::string& from, const std::string& to, const char* name) {
        auto text = document;
        const auto at = text.find(from);
        REQUIRE(at != std::string::npos);
        text.replace(at, from.size(), to);
        const auto path = dir.path() / name;
        std::ofstream(path) << text;
        return path;
    };
    const auto old_format = rewritten(R"("format_version":2)", R"("format_version":1)", "old.json");
    const auto untimed = rewritten(R"("timing_boosters":[)", R"("timing_boosters":[],"was":[)", "untimed.json");
    for (const auto& [path, message] : {std::pair{old_format, std::string("format_version 2")},
                                        std::pair{untimed, std::string("trained on other features")}}) {
        const auto result = test::run_cli({"train", "--evaluate", history.string(), "--model", path.string()});
        INFO(result.err);
        CHECK(result.exit_code == 3);
        CHECK(result.err.find(message) != std::string::npos);
        CHECK(result.err.rfind("schemaflip: error: model " + path.string(), 0) == 0);
        CHECK(result.err.find("help: ") != std::string::npos);
        CHECK(result.out.empty());
    }
}

TEST_CASE("train handles bad input: missing files exit 3, bad flags exit 2, malformed rows are counted") {
    test::TempDir dir;
    const auto history = healthchecks_csv(dir);
    CHECK(test::run_cli({"train", "--history", "/nonexistent/h.csv", "-o", (dir.path() / "m.ubj").string()}).exit_code == 3);
    CHECK(test::run_cli({"train", "--evaluate", history.string(), "--model", "/nonexistent/m.ubj"}).exit_code == 3);
    CHECK(test::run_cli({"train", "--history", history.string(), "-o", (dir.path() / "m.ubj").string(), "--no-such-flag"})
              .exit_code == 2);
    CHECK(test::run_cli({"train", "--evaluate", history.string(), "-o", (dir.path() / "m.ubj").string()}).exit_code == 2);
    CHECK(test::run_cli({"train", "--history", history.string()}).exit_code == 2);
    CHECK(test::run_cli({"train", "--history", history.string(), "-o", (dir.path() / "m.ubj").string(), "--horizon", "soon"})
              .exit_code == 2);
    CHECK_FALSE(std::filesystem::exists(dir.path() / "m.ubj"));

    const auto damaged = dir.path() / "damaged.csv";
    {
        std::ofstream out(damaged);
        out << test::read_file(history) << "healthchecks/healthchecks,x,not-a-date,t,add_column,c,\n"
            << "healthchecks/healthchecks,x,2020-01-01T00:00:00Z,t,add_column\n"
            << "healthchecks/healthchecks,x,2020-01-01T00:00:00Z,t,teleport_table,,\n";
    }
    const auto result = test::run_cli({"--format", "json", "train", "--history", damaged.string(), "-o",
                                       (dir.path() / "d.ubj").string(), "--rounds", "2"});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    const auto report = json::parse(result.out);
    CHECK(report["problems"]["bad_rows"] == 2);
    CHECK(report["problems"]["unknown_ops"] == 1);
    CHECK(report["events"] == 278);
    CHECK(result.err.find("2 bad rows") != std::string::npos);
}
