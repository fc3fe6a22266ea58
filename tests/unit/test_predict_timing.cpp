// The timing stage on a hand-made history: the outcomes of finished weeks, its labels, margins and past-rate
// features worked out by hand, and how its forecast sets a week's level without reordering the week.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "core/history/history.hpp"
#include "core/predict/evaluation_task.hpp"
#include "core/predict/timeline.hpp"
#include "core/predict/timing.hpp"
#include "support/predict_test_support.hpp"

using namespace schemaflip;

namespace {

constexpr std::int64_t k_day = 86400;

std::int64_t day(const char* text) { return *history::parse_utc_timestamp(text); }

double logit(double p) { return std::log(p / (1 - p)); }

}  // namespace

// test::hand_made_history with a 14-day horizon has the weeks
//  01-08: a, b, both change; 01-15: a, b, both change; 01-22: a changes (its drop), c does not;
//  01-29: c changes (add_index 02-05), d does not (test_predict_evaluation_task works them out).
TEST_CASE("predict timing: past outcomes are the finished weeks only, counted like the evaluation task") {
    const auto timelines = predict::build_timelines(test::hand_made_history());
    REQUIRE(timelines.size() == 1);
    const auto horizon = 14 * k_day;

    const auto all = predict::past_outcomes(timelines[0], horizon, day("2024-02-12"));
    REQUIRE(all.size() == 4);
    const std::pair<double, double> expected[] = {{2, 2}, {2, 2}, {2, 1}, {2, 1}};  // (tables, changed)
    for (std::size_t i = 0; i < 4; ++i) {
        CHECK(all[i].week == day("2024-01-08") + static_cast<std::int64_t>(i) * 7 * k_day);
        CHECK(all[i].tables == expected[i].first);
        CHECK(all[i].changed[0] == expected[i].second);
    }
    // 01-29's horizon ends on 02-12: on 02-05 that week is not finished, 01-22's (ending 02-05) is.
    const auto earlier = predict::past_outcomes(timelines[0], horizon, day("2024-02-05"));
    CHECK(earlier.size() == 3);
    CHECK(predict::past_outcomes(timelines[0], horizon, day("2024-02-04")).size() == 2);

    // The dataset's weeks carry the same outcomes, as the timing stage's labels and the table model's margins.
    const auto dataset = predict::build_dataset(test::hand_made_history(), horizon);
    REQUIRE(dataset.weeks.size() == 4);
    for (std::size_t i = 0; i < 4; ++i) {
        CHECK(dataset.weeks[i].outcome.week == all[i].week);
        CHECK(dataset.weeks[i].outcome.tables == all[i].tables);
        CHECK(dataset.weeks[i].outcome.changed == all[i].changed);
        CHECK(dataset.weeks[i].rows == 2);
        CHECK(dataset.weeks[i].first_row == 2 * i);
    }
    const auto shares = predict::timing_shares(dataset);
    REQUIRE(shares.size() == 4 * predict::k_model_targets);
    CHECK(shares[0] == 1.0f);
    CHECK(shares[2 * predict::k_model_targets] == 0.5f);
    CHECK(predict::timing_weights(dataset) == std::vector<float>{2, 2, 2, 2});
    const auto margins = predict::week_margins(dataset);
    REQUIRE(margins.size() == dataset.examples.size() * predict::k_model_targets);
    CHECK(margins[0] == doctest::Approx(logit(2.5 / 3)));  // 2 of 2 changed, smoothed by half a change
    CHECK(margins[4 * predict::k_model_targets] == doctest::Approx(0.0));  // 1 of 2
    CHECK(margins[5 * predict::k_model_targets] == margins[4 * predict::k_model_targets]);
}

TEST_CASE("predict timing: the past change rate features read only weeks finished by the week start") {
    const auto dataset = predict::build_dataset(test::hand_made_history(), 14 * k_day);
    const auto columns = predict::timing_feature_names().size();
    REQUIRE(dataset.timing_features.size() == 4 * columns);
    const auto rate = [&](std::size_t week, std::size_t column) { return dataset.timing_features[week * columns + column]; };
    // The last three features: over the latest 13 and 52 finished weeks, and all of them; smoothed by 1 in 30.
    const auto all_weeks = columns - 1;
    // 01-08 and 01-15: no week has finished yet.
    CHECK(rate(0, all_weeks) == doctest::Approx(logit(1.0 / 30)));
    CHECK(rate(1, all_weeks) == doctest::Approx(logit(1.0 / 30)));
    // 01-22: 01-08 has finished (2 of 2 changed). 01-29: 01-15 too (2 of 2).
    CHECK(rate(2, all_weeks) == doctest::Approx(logit(3.0 / 32)));
    CHECK(rate(3, all_weeks) == doctest::Approx(logit(5.0 / 34)));
    CHECK(rate(3, all_weeks - 1) == rate(3, all_weeks));
}

TEST_CASE("predict timing: the forecast sets the mean log-odds of the week and keeps its order") {
    // Two weeks of three rows each; each row holds k_model_targets probabilities.
    std::vector<float> probabilities;
    const float table_scores[] = {0.02f, 0.2f, 0.6f, 0.1f, 0.1f, 0.3f};
    for (auto score : table_scores) probabilities.insert(probabilities.end(), predict::k_model_targets, score);
    std::vector<float> forecast(predict::k_model_targets, 0.05f);
    forecast[1] = 0.5f;
    predict::apply_timing(probabilities, 3, 3, forecast.data());

    const auto at = [&](std::size_t row, std::size_t target) { return probabilities[row * predict::k_model_targets + target]; };
    // The first week is untouched.
    for (std::size_t row = 0; row < 3; ++row) CHECK(at(row, 0) == table_scores[row]);
    for (std::size_t target = 0; target < predict::k_model_targets; ++target) {
        double mean = 0;
        for (std::size_t row = 3; row < 6; ++row) mean += logit(at(row, target)) / 3;
        CHECK(mean == doctest::Approx(logit(forecast[target])).epsilon(1e-4));
        CHECK(at(3, target) == at(4, target));
        CHECK(at(5, target) > at(3, target));
        // The spread of log-odds within the week is the table model's.
        CHECK(logit(at(5, target)) - logit(at(3, target)) == doctest::Approx(logit(0.3) - logit(0.1)).epsilon(1e-4));
    }
    CHECK(at(5, 1) > at(5, 0));
}
