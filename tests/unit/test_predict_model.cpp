// The xgboost model wrapper: deterministic training (byte-identical models), save/load round trips,
// attributes, and bad input turned into errors.
#include <doctest/doctest.h>

#include <fstream>

#include "core/predict/model.hpp"
#include "core/util/error.hpp"
#include "support/test_support.hpp"

using namespace schemaflip;

namespace {

struct Toy {
    std::vector<float> rows;
    std::vector<float> labels;
};

// 300 rows of 3 features from a fixed linear congruential generator; the label follows feature 0 with
// some noise from feature 2, so subsampling has something to pick.
Toy toy_data() {
    Toy toy;
    std::uint32_t state = 12345;
    const auto next = [&] {
        state = state * 1664525u + 1013904223u;
        return static_cast<float>(state >> 8) / static_cast<float>(1u << 24);
    };
    for (int i = 0; i < 300; ++i) {
        const float a = next(), b = next(), c = next();
        toy.rows.insert(toy.rows.end(), {a, b, c});
        toy.labels.push_back(a + 0.3f * c > 0.6f ? 1.0f : 0.0f);
    }
    return toy;
}

predict::TrainParameters small(int threads = 1) {
    predict::TrainParameters parameters;
    parameters.rounds = 8;
    // 300 rows: the default's minimum leaf weight (50, meant for hundreds of thousands) would allow no split.
    parameters.min_child_weight = 1;
    parameters.threads = threads;
    parameters.seed = 7;
    return parameters;
}

}  // namespace

TEST_CASE("predict model training is deterministic: the same inputs give byte-identical models") {
    const auto toy = toy_data();
    const auto first = predict::Model::train(toy.rows, 3, toy.labels, small());
    const auto second = predict::Model::train(toy.rows, 3, toy.labels, small());
    const auto two_threads = predict::Model::train(toy.rows, 3, toy.labels, small(2));
    CHECK(first.serialize("m.ubj") == second.serialize("m.ubj"));
    CHECK(first.serialize("m.json") == second.serialize("m.json"));
    CHECK(first.serialize("m.ubj") == two_threads.serialize("m.ubj"));
    auto other_seed = small();
    other_seed.seed = 8;
    CHECK(first.serialize("m.ubj") != predict::Model::train(toy.rows, 3, toy.labels, other_seed).serialize("m.ubj"));
}

TEST_CASE("predict model learns the toy rule and predicts identically after save and load") {
    const auto toy = toy_data();
    auto model = predict::Model::train(toy.rows, 3, toy.labels, small());
    model.set_attribute("schemaflip_horizon_days", "30");
    const auto scores = model.predict(toy.rows, 3);
    REQUIRE(scores.size() == 300);
    double positive_mean = 0, negative_mean = 0, positives = 0;
    for (std::size_t i = 0; i < scores.size(); ++i) {
        (toy.labels[i] > 0 ? positive_mean : negative_mean) += scores[i];
        positives += toy.labels[i];
    }
    CHECK(positive_mean / positives > negative_mean / (300 - positives) + 0.2);

    test::TempDir dir;
    for (const auto* name : {"model.ubj", "model.json"}) {
        model.save(dir.path() / name);
        const auto loaded = predict::Model::load(dir.path() / name);
        CHECK(loaded.predict(toy.rows, 3) == scores);
        CHECK(loaded.attribute("schemaflip_horizon_days") == "30");
        CHECK(loaded.attribute("missing").empty());
    }
    CHECK(test::read_file(dir.path() / "model.json").front() == '{');
}

TEST_CASE("predict model with several targets: one booster each, the same as training each target alone") {
    const auto toy = toy_data();
    // Target 0: the toy rule; target 1: feature 1 alone.
    std::vector<float> labels, second;
    for (std::size_t i = 0; i < toy.labels.size(); ++i) {
        second.push_back(toy.rows[i * 3 + 1] > 0.5f ? 1.0f : 0.0f);
        labels.insert(labels.end(), {toy.labels[i], second.back()});
    }
    auto model = predict::Model::train(toy.rows, 3, labels, small(), 2);
    CHECK(model.targets() == 2);
    const auto scores = model.predict(toy.rows, 3);
    REQUIRE(scores.size() == 600);
    const auto first_alone = predict::Model::train(toy.rows, 3, toy.labels, small()).predict(toy.rows, 3);
    const auto second_alone = predict::Model::train(toy.rows, 3, second, small()).predict(toy.rows, 3);
    for (std::size_t i = 0; i < 300; ++i) {
        CHECK(scores[i * 2] == first_alone[i]);
        CHECK(scores[i * 2 + 1] == second_alone[i]);
    }
    model.set_attribute("schemaflip_targets", "rule,second");
    test::TempDir dir;
    for (const auto* name : {"model.ubj", "model.json"}) {
        model.save(dir.path() / name);
        const auto loaded = predict::Model::load(dir.path() / name);
        CHECK(loaded.targets() == 2);
        CHECK(loaded.predict(toy.rows, 3) == scores);
        CHECK(loaded.attribute("schemaflip_targets") == "rule,second");
        // Saving what was loaded gives the same bytes: nothing is lost or reordered on the way.
        CHECK(loaded.serialize(name) == model.serialize(name));
    }
    CHECK_THROWS_AS(predict::Model::train(toy.rows, 3, labels, small(), 3), InputError);  // 600 labels, 3 targets
}

TEST_CASE("predict model timing stage: deterministic, weighted shares, kept through save and load") {
    const auto toy = toy_data();
    // 100 "weeks" of 3 features; the share of changed tables rises with feature 0.
    std::vector<float> rows, shares, weights;
    for (std::size_t i = 0; i < 100; ++i) {
        rows.insert(rows.end(), toy.rows.begin() + static_cast<std::ptrdiff_t>(i * 3),
                    toy.rows.begin() + static_cast<std::ptrdiff_t>(i * 3 + 3));
        const float share = 0.05f + 0.4f * toy.rows[i * 3];
        shares.insert(shares.end(), {share, share / 2});
        weights.push_back(static_cast<float>(10 + i % 7));
    }
    std::vector<float> labels;
    for (std::size_t i = 0; i < 300; ++i) labels.insert(labels.end(), {toy.labels[i], 1.0f - toy.labels[i]});
    auto first = predict::Model::train(toy.rows, 3, labels, small(), 2);
    CHECK_FALSE(first.has_timing());
    CHECK(first.predict_timing(rows, 3).empty());
    first.train_timing(rows, 3, shares, weights, {});
    auto second = predict::Model::train(toy.rows, 3, labels, small(), 2);
    second.train_timing(rows, 3, shares, weights, {});
    CHECK(first.has_timing());
    CHECK(first.serialize("m.ubj") == second.serialize("m.ubj"));

    // It learned the rise: the forecast for the highest feature 0 is above the lowest's, per target.
    const auto forecasts = first.predict_timing(rows, 3);
    REQUIRE(forecasts.size() == 200);
    std::size_t low = 0, high = 0;
    for (std::size_t i = 0; i < 100; ++i) {
        if (rows[i * 3] < rows[low * 3]) low = i;
        if (rows[i * 3] > rows[high * 3]) high = i;
    }
    CHECK(forecasts[high * 2] > forecasts[low * 2] + 0.2f);
    CHECK(forecasts[high * 2 + 1] > forecasts[low * 2 + 1] + 0.1f);
    CHECK(forecasts[high * 2] > forecasts[high * 2 + 1]);

    test::TempDir dir;
    for (const auto* name : {"timed.ubj", "timed.json"}) {
        first.save(dir.path() / name);
        const auto loaded = predict::Model::load(dir.path() / name);
        CHECK(loaded.has_timing());
        CHECK(loaded.predict_timing(rows, 3) == forecasts);
        CHECK(loaded.serialize(name) == first.serialize(name));
    }
    // Shares for another number of targets, or weights for other rows, are refused.
    CHECK_THROWS_AS(first.train_timing(rows, 3, weights, weights, {}), InputError);
    CHECK_THROWS_AS(first.train_timing(rows, 3, shares, {1.0f}, {}), InputError);
}

TEST_CASE("predict model refuses missing or damaged files and vectors of the wrong width") {
    CHECK_THROWS_AS(predict::Model::load("/nonexistent/model.ubj"), InputError);
    test::TempDir dir;
    std::ofstream(dir.path() / "junk.ubj") << "not a model";
    CHECK_THROWS_AS(predict::Model::load(dir.path() / "junk.ubj"), InputError);
    std::ofstream(dir.path() / "empty.ubj").flush();
    CHECK_THROWS_AS(predict::Model::load(dir.path() / "empty.ubj"), InputError);
    // The container without its boosters, and with a booster that is not one.
    std::ofstream(dir.path() / "hollow.json") << R"({"kind": "schemaflip_model", "format_version": 2, "attributes": {}})";
    CHECK_THROWS_AS(predict::Model::load(dir.path() / "hollow.json"), InputError);
    std::ofstream(dir.path() / "bad.json")
        << R"({"kind": "schemaflip_model", "format_version": 2, "attributes": {}, "boosters": [[1, 2, 3]], "timing_boosters": []})";
    CHECK_THROWS_AS(predict::Model::load(dir.path() / "bad.json"), InputError);
    const auto toy = toy_data();
    const auto model = predict::Model::train(toy.rows, 3, toy.labels, small());
    // A model of the first format (no timing stage) is refused with the format it expects.
    model.save(dir.path() / "current.json");
    auto document = test::read_file(dir.path() / "current.json");
    const auto version = document.find(R"("format_version":2)");
    REQUIRE(version != std::string::npos);
    document.replace(version, 18, R"("format_version":1)");
    std::ofstream(dir.path() / "old.json") << document;
    CHECK_THROWS_AS(predict::Model::load(dir.path() / "old.json"), InputError);
    CHECK_NOTHROW(predict::Model::load(dir.path() / "current.json"));
    CHECK_THROWS_AS(model.predict({1.0f, 2.0f}, 2), InputError);
    CHECK_THROWS_AS(predict::Model::train({}, 3, {}, small()), InputError);
}
