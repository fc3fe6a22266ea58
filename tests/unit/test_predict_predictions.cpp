// The predictions document: the likelihood rule, the model's probability over another horizon, merging
// candidates that name the same change, IDs, order, --top, and the JSON and text renderings.
#include <doctest/doctest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/predict/predictions.hpp"
#include "core/sql/statement_info.hpp"
#include "support/test_support.hpp"

using namespace schemaflip;

namespace {

predict::Candidate candidate(const std::string& table, const std::string& type, const std::string& column,
                             std::vector<std::string> ddl, const std::string& source, double demand = 0) {
    predict::Candidate c;
    c.table = table;
    c.type = type;
    c.column = column;
    c.ddl = std::move(ddl);
    c.evidence.push_back({source, source + " saw " + table});
    c.description = table + " " + type;
    c.demand = demand;
    return c;
}

predict::ModelScores model_with(const std::string& table, double p_any, double p_add_column, int horizon_days = 30) {
    predict::ModelScores model;
    model.horizon_days = horizon_days;
    model.origin = "test model";
    predict::TableScore score;
    score.project = "app";
    score.table = table;
    score.p_any = p_any;
    score.p_family[static_cast<std::size_t>(predict::ChangeFamily::add_column)] = p_add_column;
    model.scores.push_back(score);
    return model;
}

predict::PredictOptions options_at(const std::string& date, int horizon_days = 30) {
    predict::PredictOptions options;
    options.at = *history::parse_utc_timestamp(date);
    options.horizon_days = horizon_days;
    return options;
}

}  // namespace

TEST_CASE("predictions: the likelihood rule combines demand and the model as a noisy OR, times validity") {
    CHECK(predict::combine_likelihood(1.0, 0.0, 1.0) == 1.0);   // a pending migration
    CHECK(predict::combine_likelihood(0.0, 0.2, 1.0) == doctest::Approx(0.2));  // the model alone
    CHECK(predict::combine_likelihood(0.75, 0.2, 1.0) == doctest::Approx(1.0 - 0.25 * 0.8));
    CHECK(predict::combine_likelihood(0.0, 0.2, 0.5) == doctest::Approx(0.1));  // half the table unproven
    CHECK(predict::combine_likelihood(0.0, 0.0, 1.0) == 0.0);   // no reason at all
}

TEST_CASE("predictions: the model's probability by change family, converted to another horizon") {
    const auto model = model_with("customer", 0.4, 0.1);
    std::string detail;
    CHECK(*predict::model_probability(model, "customer", "add_column", 30, false, detail) == doctest::Approx(0.1));
    CHECK(detail.find("p(add_column on customer within 30 days) = 0.1000") == 0);
    // Ops outside the five families use the probability of any change.
    CHECK(*predict::model_probability(model, "customer", "create_table", 30, false, detail) == doctest::Approx(0.4));
    // Constant hazard: over 60 days, 1 − (1 − 0.1)^2.
    CHECK(*predict::model_probability(model, "customer", "add_column", 60, false, detail) == doctest::Approx(0.19));
    CHECK(detail.find("from 0.1000 over its 30 days") != std::string::npos);
    CHECK_FALSE(predict::model_probability(model, "invoice", "add_column", 30, false, detail));
    CHECK_FALSE(predict::model_probability(model, "Customer", "add_column", 30, false, detail));
    CHECK(predict::model_probability(model, "Customer", "add_column", 30, true, detail));  // SQLite names
}

TEST_CASE("predictions: IDs are the change ID of the DDL, or the same hash over table|type|column") {
    const auto concrete = candidate("t", "add_column", "a", {"ALTER TABLE t ADD COLUMN a int"}, "pending_migration");
    CHECK(predict::event_id(concrete) == sql::change_id({"ALTER TABLE t ADD COLUMN a int"}));
    CHECK(predict::event_id(concrete) == sql::change_id({"alter table t  add column a INT"}));
    const auto named = candidate("t", "add_column", "a", {}, "missing_object");
    CHECK(predict::event_id(named) == sql::change_id({"t|add_column|a"}));
    CHECK(predict::event_id(named).size() == 16);
    CHECK(predict::event_id(named) != predict::event_id(candidate("t", "add_column", "b", {}, "missing_object")));
}

TEST_CASE("predictions: a pending migration absorbs what names the same change; two migrations stay apart") {
    std::vector<predict::Candidate> candidates;
    candidates.push_back(candidate("customer", "add_column", "tier", {}, "missing_object", 0.5));
    candidates.push_back(candidate("customer", "add_column", "tier", {"ALTER TABLE customer ADD COLUMN tier text"},
                                   "pending_migration", 1.0));
    candidates.push_back(candidate("customer", "add_index", "email", {"CREATE INDEX CONCURRENTLY a ON customer (email)"},
                                   "unindexed_filter"));
    candidates.push_back(candidate("customer", "add_index", "email", {"CREATE UNIQUE INDEX CONCURRENTLY b ON customer (email)"},
                                   "data_pattern"));
    candidates.push_back(candidate("orders", "drop_column", "x", {"ALTER TABLE orders DROP COLUMN x"}, "pending_migration", 1.0));
    candidates.push_back(candidate("orders", "drop_column", "x", {"ALTER TABLE orders DROP COLUMN x CASCADE"},
                                   "pending_migration", 1.0));
    candidates.push_back(candidate("orders", "drop_column", "x", {"alter table orders drop column x"}, "pending_migration", 1.0));
    const auto predictions = predict::build_predictions(candidates, nullptr, nullptr, nullptr, options_at("2026-11-24"));
    REQUIRE(predictions.events.size() == 5);
    std::size_t tier = 0;
    for (const auto& event : predictions.events) {
        if (event.column != "tier") continue;
        ++tier;
        CHECK(event.ddl.size() == 1);
        CHECK(event.likelihood == 1.0);
        REQUIRE(event.evidence.size() == 2);
        CHECK(event.evidence[0].source == "pending_migration");
        CHECK(event.evidence[1].source == "missing_object");
    }
    CHECK(tier == 1);
}

TEST_CASE("predictions: events sorted by risk, cut by --top, windows from the prediction time") {
    std::vector<predict::Candidate> candidates;
    candidates.push_back(candidate("t", "add_index", "a", {"CREATE INDEX CONCURRENTLY t_a ON t (a)"}, "pending_migration", 1));
    candidates.push_back(candidate("t", "alter_column_type", "b", {"ALTER TABLE t ALTER COLUMN b TYPE bigint"}, "pending_migration", 1));
    candidates.push_back(candidate("t", "add_column", "c", {}, "missing_object", 0.5));
    candidates.push_back(candidate("u", "add_column", "d", {}, "history"));
    const auto model = model_with("u", 0.3, 0.2);
    auto options = options_at("2026-11-24");
    const auto all = predict::build_predictions(candidates, &model, nullptr, nullptr, options);
    REQUIRE(all.events.size() == 4);
    for (std::size_t i = 1; i < all.events.size(); ++i) {
        CHECK(all.events[i - 1].risk >= all.events[i].risk);
        CHECK(all.events[i].window_from == "2026-11-24");
        CHECK(all.events[i].window_to == "2026-12-24");
    }
    // Without a profile the table is assumed busy: the rewrite under ACCESS EXCLUSIVE ranks first.
    CHECK(all.events[0].column == "b");
    const auto& history_event = all.events.back().column == "d" ? all.events.back() : all.events[2];
    CHECK(history_event.likelihood == doctest::Approx(0.2));
    CHECK(history_event.evidence.back().source == "model");

    options.top = 2;
    const auto top = predict::build_predictions(candidates, &model, nullptr, nullptr, options);
    REQUIRE(top.events.size() == 2);
    CHECK(top.events[0].id == all.events[0].id);
    CHECK(top.events[1].id == all.events[1].id);
}

TEST_CASE("predictions: the JSON document has the agreed fields; the text lists every event") {
    std::vector<predict::Candidate> candidates;
    candidates.push_back(candidate("t", "drop_column", "a", {"ALTER TABLE t DROP COLUMN a"}, "pending_migration", 1));
    candidates.push_back(candidate("review", "create_table", "", {}, "missing_object", 2.0 / 3.0));
    auto predictions = predict::build_predictions(candidates, nullptr, nullptr, nullptr, options_at("2026-11-24", 14));
    predictions.created = "2026-11-24T00:00:00.000Z";
    const auto document = nlohmann::json::parse(predict::to_json(predictions).dump());
    CHECK(document["kind"] == "predictions");
    CHECK(document["schema_version"] == 1);
    CHECK(document["horizon_days"] == 14);
    REQUIRE(document["events"].size() == 2);
    const auto& first = document["events"][0];
    CHECK(first["ddl"] == nlohmann::json::array({"ALTER TABLE t DROP COLUMN a"}));
    CHECK(first["window"]["to"] == "2026-12-08");
    CHECK(first["impact"]["lock"]["mode"] == "ACCESS EXCLUSIVE");
    const auto& second = document["events"][1];
    CHECK(second["ddl"].is_null());
    CHECK(second["column"].is_null());
    CHECK(second["likelihood"] == doctest::Approx(0.6667));

    const auto text = predict::render_text(predictions, true);
    CHECK(text.find("2 predicted changes, 2026-11-24 to 2026-12-08 (horizon 14 days)") == 0);
    CHECK(text.find("ddl: ALTER TABLE t DROP COLUMN a") != std::string::npos);
    CHECK(text.find("missing_object: missing_object saw review") != std::string::npos);
    CHECK(text.find(predictions.events[1].id) != std::string::npos);
}
