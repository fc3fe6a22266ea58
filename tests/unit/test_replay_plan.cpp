// The replay plan: defaults, every field read, and a one-line InputError for anything malformed.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/replay/plan.hpp"
#include "core/util/error.hpp"

using namespace schemaflip;
using namespace schemaflip::replay;

TEST_CASE("the default plan has the five stages of the issue") {
    const ReplayPlan plan = default_plan();
    REQUIRE(plan.stages.size() == 5);
    const double percents[] = {1, 5, 25, 50, 100};
    for (std::size_t i = 0; i < 5; ++i) {
        CHECK(plan.stages[i].percent == percents[i]);
        CHECK(plan.stages[i].min_queries == 50);
        CHECK(plan.stages[i].max_mismatch_rate == 0.0);
    }
    CHECK(plan.on_failure == OnFailure::rollback);
    CHECK(plan.seed == 1);
    CHECK(plan.noise_reruns == 1);
    // An empty document is the default plan.
    CHECK(to_json(plan_from_json(nlohmann::json::object())) == to_json(plan));
}

TEST_CASE("a plan's fields are read, and the JSON form carries them back") {
    const auto plan = plan_from_json(nlohmann::json::parse(R"({
        "kind": "replay_plan", "schema_version": 1, "seed": 42, "on_failure": "hold",
        "stages": [{"percent": 10, "min_queries": 3, "max_mismatch_rate": 0.1, "max_error_rate": 0.2,
                    "max_latency_ratio_p95": null}, {"percent": 100}],
        "compare": {"float_tolerance": 0.001, "ignore_columns": ["updated_at"], "order_sensitive": false},
        "noise": {"reruns": 2}, "latency_floor_ms": 0.5, "max_passes": 7, "sync_wait_ms": 100})"));
    REQUIRE(plan.stages.size() == 2);
    CHECK(plan.stages[0].percent == 10);
    CHECK(plan.stages[0].min_queries == 3);
    CHECK(plan.stages[0].max_mismatch_rate == 0.1);
    CHECK(plan.stages[0].max_error_rate == 0.2);
    CHECK_FALSE(plan.stages[0].max_latency_ratio_p95.has_value());
    CHECK(plan.stages[1].max_latency_ratio_p95 == 2.0);
    CHECK(plan.seed == 42);
    CHECK(plan.on_failure == OnFailure::hold);
    CHECK(plan.compare.float_tolerance == 0.001);
    CHECK(plan.compare.ignore_columns == std::vector<std::string>{"updated_at"});
    CHECK(plan.compare.order == OrderMode::unordered);
    CHECK(plan.noise_reruns == 2);
    CHECK(plan.latency_floor_ms == 0.5);
    CHECK(plan.max_passes == 7);
    CHECK(plan.sync_wait_ms == 100);
    // Written out and read back, nothing changes.
    const auto again = plan_from_json(nlohmann::json::parse(to_json(plan).dump()));
    CHECK(to_json(again) == to_json(plan));
    CHECK(to_json(plan)["compare"]["order_sensitive"] == false);
    CHECK(to_json(default_plan())["compare"]["order_sensitive"] == "auto");
}

TEST_CASE("malformed plans are bad input naming the field") {
    const std::pair<const char*, const char*> cases[] = {
        {R"({"stages": []})", "\"stages\""},
        {R"({"stages": [{"min_queries": 3}]})", "stages[0].percent"},
        {R"({"stages": [{"percent": 0}]})", "stages[0].percent"},
        {R"({"stages": [{"percent": 120}]})", "stages[0].percent"},
        {R"({"stages": [{"percent": 5, "min_queries": -1}]})", "stages[0].min_queries"},
        {R"({"stages": [{"percent": 5, "max_mismatch_rate": 2}]})", "stages[0].max_mismatch_rate"},
        {R"({"stages": [{"percent": 5, "speed": 2}]})", "stages[0].speed"},
        {R"({"on_failure": "panic"})", "on_failure"},
        {R"({"kind": "shadow_manifest"})", "kind"},
        {R"({"schema_version": 9})", "schema_version"},
        {R"({"compare": {"order_sensitive": "sometimes"}})", "compare.order_sensitive"},
        {R"({"noise": {"reruns": 11}})", "noise.reruns"},
        {R"({"max_passes": 0})", "max_passes"},
        {R"({"stage": []})", "stage"},
        {R"([1, 2])", "plan"},
    };
    for (const auto& [text, field] : cases) {
        const std::string document(text);  // clang 14: no structured binding in CAPTURE
        CAPTURE(document);
        try {
            plan_from_json(nlohmann::json::parse(text));
            FAIL("accepted");
        } catch (const InputError& e) {
            CHECK(std::string(e.what()).find(field) != std::string::npos);
            CHECK(e.code() == ExitCode::bad_input);
        }
    }
}
