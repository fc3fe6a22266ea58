// The scorer that `predict` calls: the embedded default model, scores per existing table that agree with
// the evaluation task's rows, the change families, and models that do not fit refused.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "core/history/history.hpp"
#include "core/predict/default_model.hpp"
#include "core/predict/evaluation_task.hpp"
#include "core/predict/features.hpp"
#include "core/predict/scorer.hpp"
#include "core/util/error.hpp"
#include "support/test_support.hpp"

using namespace schemaflip;

namespace {

constexpr std::int64_t k_day = 86400;

std::vector<history::HistoryEvent> project_events(const std::string& project) {
    history::History history;
    history::read_history_csv(test::shared_data_path("schema-history/train.csv"), history);
    std::vector<history::HistoryEvent> events;
    for (const auto& event : history.events) {
        if (event.project == project) events.push_back(event);
    }
    return events;
}

// A small six-target model with its timing stage on one project, stamped like `schemaflip train` stamps
// its models.
predict::Model small_model(const predict::Dataset& dataset) {
    predict::TrainParameters parameters;
    parameters.rounds = 5;
    auto model = predict::train_model(dataset, parameters);
    predict::stamp_model(model, 30);
    return model;
}

}  // namespace

TEST_CASE("predict scorer: the embedded default model is models/default_model.ubj byte for byte, and it loads") {
    const auto committed = test::read_file(test::source_path("models/default_model.ubj"));
    const auto embedded = predict::default_model_bytes();
    REQUIRE(embedded.size() == committed.size());
    CHECK(std::equal(embedded.begin(), embedded.end(), committed.begin(),
                     [](unsigned char a, char b) { return a == static_cast<unsigned char>(b); }));
    const auto scorer = predict::Scorer::load_default();
    CHECK(scorer.horizon_days() == 30);
}

TEST_CASE("predict scorer: one score per table existing at the time, equal to the evaluation task's on that week") {
    const auto events = project_events("healthchecks/healthchecks");
    const auto dataset = predict::build_dataset(events, 30 * k_day);
    const predict::Scorer scorer(small_model(dataset));
    const auto week = *history::parse_utc_timestamp("2019-06-03");  // a Monday inside the project's life

    const auto scores = scorer.score(events, week);
    std::set<std::string> week_tables;
    for (const auto& example : dataset.examples) {
        if (example.week == week) week_tables.insert(example.table);
    }
    REQUIRE(week_tables.size() > 5);
    std::set<std::string> scored_tables;
    for (const auto& score : scores) scored_tables.insert(score.table);
    CHECK(scored_tables == week_tables);
    CHECK(scores.size() == week_tables.size());

    // The same features give the same probabilities as scoring the evaluation rows, both stages.
    const auto expected = predict::score_dataset(small_model(dataset), dataset);
    for (std::size_t i = 0; i < dataset.examples.size(); ++i) {
        if (dataset.examples[i].week != week) continue;
        const auto match = std::find_if(scores.begin(), scores.end(),
                                        [&](const auto& score) { return score.table == dataset.examples[i].table; });
        REQUIRE(match != scores.end());
        CHECK(match->p_any == doctest::Approx(expected[i * predict::k_model_targets]));
        for (std::size_t f = 0; f < predict::k_change_families; ++f) {
            CHECK(match->p_family[f] == doctest::Approx(expected[i * predict::k_model_targets + 1 + f]));
        }
    }
    for (std::size_t i = 1; i < scores.size(); ++i) CHECK(scores[i - 1].p_any >= scores[i].p_any);
    for (const auto& score : scores) {
        CHECK(score.project == "healthchecks/healthchecks");
        CHECK(score.p_any > 0.0);
        CHECK(score.p_any < 1.0);
    }

    // Events at or after the time change nothing.
    auto later = events;
    for (auto& event : later) {
        if (event.ts >= week) event.op = "drop_column";
    }
    const auto again = scorer.score(later, week);
    REQUIRE(again.size() == scores.size());
    for (std::size_t i = 0; i < scores.size(); ++i) {
        CHECK(again[i].table == scores[i].table);
        CHECK(again[i].p_any == scores[i].p_any);
    }
}

TEST_CASE("predict scorer: models without this version's features, targets or timing stage are refused") {
    const auto events = project_events("healthchecks/healthchecks");
    const auto dataset = predict::build_dataset(events, 30 * k_day);
    predict::TrainParameters parameters;
    parameters.rounds = 2;
    // One target instead of six, and no stamp.
    std::vector<float> labels;
    for (const auto& example : dataset.examples) labels.push_back(example.label ? 1.0f : 0.0f);
    auto single = predict::Model::train(dataset.features, dataset.feature_count, labels, parameters);
    CHECK(single.targets() == 1);
    CHECK_THROWS_AS(predict::Scorer(predict::Model::load_from_bytes({}, "empty")), InputError);
    CHECK_THROWS_AS(predict::check_model(single, "single"), InputError);
    // Six targets and stamped, but without the timing stage.
    auto untimed = predict::Model::train(dataset.features, dataset.feature_count, predict::target_matrix(dataset),
                                         parameters, predict::k_model_targets);
    predict::stamp_model(untimed, 30);
    CHECK_THROWS_AS(predict::check_model(untimed, "untimed"), InputError);
    auto stamped = small_model(dataset);
    CHECK(stamped.targets() == predict::k_model_targets);
    CHECK_NOTHROW(predict::check_model(stamped, "stamped"));
    stamped.set_attribute("schemaflip_features", "table_ops_7d");
    CHECK_THROWS_AS(predict::Scorer(std::move(stamped)), InputError);
}

TEST_CASE("predict change families: the history ops each family covers") {
    using predict::ChangeFamily;
    const std::pair<const char*, std::optional<ChangeFamily>> cases[] = {
        {"add_column", ChangeFamily::add_column},        {"drop_column", ChangeFamily::drop_column},
        {"rename_column", ChangeFamily::alter_column},   {"alter_column_type", ChangeFamily::alter_column},
        {"alter_column_null", ChangeFamily::alter_column}, {"alter_column_default", ChangeFamily::alter_column},
        {"add_index", ChangeFamily::index},              {"drop_index", ChangeFamily::index},
        {"add_constraint", ChangeFamily::constraint},    {"drop_constraint", ChangeFamily::constraint},
        {"add_foreign_key", ChangeFamily::constraint},   {"drop_foreign_key", ChangeFamily::constraint},
        {"create_table", std::nullopt},                  {"drop_table", std::nullopt},
        {"rename_table", std::nullopt},                  {"data_migration", std::nullopt},
        {"other", std::nullopt},
    };
    for (const auto& [op, family] : cases) {
        const std::string op_name(op);  // clang 14: no structured binding in CAPTURE
        CAPTURE(op_name);
        CHECK(predict::change_family_of(op) == family);
    }
    CHECK(predict::target_names() ==
          std::vector<std::string>{"any", "add_column", "drop_column", "alter_column", "index", "constraint"});
}
