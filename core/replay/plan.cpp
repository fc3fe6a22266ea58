// The replay plan from and to JSON, with the defaults of plan.hpp for every field left out.
#include "core/replay/plan.hpp"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/util/error.hpp"

namespace schemaflip::replay {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

[[noreturn]] void bad(const std::string& field, const std::string& problem) {
    throw InputError("invalid replay plan: \"" + field + "\" " + problem, {},
                     "see schemas/replay_plan.schema.json or 'man schemaflip-replay'");
}

const Json* member(const Json& object, const char* key) {
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

double number(const Json& object, const char* key, const std::string& path, double fallback, double low, double high) {
    const Json* value = member(object, key);
    if (value == nullptr) return fallback;
    if (!value->is_number()) bad(path + key, "must be a number");
    const double got = value->get<double>();
    if (!std::isfinite(got) || got < low || got > high) {
        bad(path + key, "must be between " + std::to_string(low) + " and " + std::to_string(high));
    }
    return got;
}

std::uint64_t count(const Json& object, const char* key, const std::string& path, std::uint64_t fallback, std::uint64_t low) {
    const Json* value = member(object, key);
    if (value == nullptr) return fallback;
    if (!value->is_number_integer() || (value->is_number_integer() && value->get<std::int64_t>() < 0)) {
        bad(path + key, "must be a non-negative integer");
    }
    const auto got = value->get<std::uint64_t>();
    if (got < low) bad(path + key, "must be at least " + std::to_string(low));
    return got;
}

void only_known(const Json& object, const std::string& path, std::initializer_list<const char*> keys) {
    if (!object.is_object()) bad(path.empty() ? "plan" : path.substr(0, path.size() - 1), "must be an object");
    for (const auto& [key, value] : object.items()) {
        bool known = false;
        for (const char* name : keys) known = known || key == name;
        if (!known) bad(path + key, "is not a plan field");
    }
}

StagePlan stage_from_json(const Json& object, const std::string& path) {
    only_known(object, path, {"percent", "min_queries", "max_mismatch_rate", "max_error_rate", "max_latency_ratio_p95"});
    StagePlan stage;
    if (member(object, "percent") == nullptr) bad(path + "percent", "is required");
    stage.percent = number(object, "percent", path, 100.0, 0.0, 100.0);
    if (stage.percent <= 0.0) bad(path + "percent", "must be above 0");
    stage.min_queries = count(object, "min_queries", path, stage.min_queries, 0);
    stage.max_mismatch_rate = number(object, "max_mismatch_rate", path, stage.max_mismatch_rate, 0.0, 1.0);
    stage.max_error_rate = number(object, "max_error_rate", path, stage.max_error_rate, 0.0, 1.0);
    if (const Json* ratio = member(object, "max_latency_ratio_p95"); ratio != nullptr && ratio->is_null()) {
        stage.max_latency_ratio_p95.reset();
    } else {
        stage.max_latency_ratio_p95 = number(object, "max_latency_ratio_p95", path, *stage.max_latency_ratio_p95, 0.0, 1e9);
    }
    return stage;
}

void compare_from_json(const Json& object, CompareOptions& compare) {
    only_known(object, "compare.", {"float_tolerance", "ignore_columns", "order_sensitive"});
    compare.float_tolerance = number(object, "float_tolerance", "compare.", compare.float_tolerance, 0.0, 1.0);
    if (const Json* columns = member(object, "ignore_columns")) {
        if (!columns->is_array()) bad("compare.ignore_columns", "must be an array of column names");
        for (const auto& column : *columns) {
            if (!column.is_string()) bad("compare.ignore_columns", "must be an array of column names");
            compare.ignore_columns.push_back(column.get<std::string>());
        }
    }
    if (const Json* order = member(object, "order_sensitive")) {
        if (order->is_boolean()) {
            compare.order = order->get<bool>() ? OrderMode::ordered : OrderMode::unordered;
        } else if (order->is_string() && order->get<std::string>() == "auto") {
            compare.order = OrderMode::automatic;
        } else {
            bad("compare.order_sensitive", "must be \"auto\", true or false");
        }
    }
}

}  // namespace

const char* to_string(OnFailure on_failure) { return on_failure == OnFailure::rollback ? "rollback" : "hold"; }

ReplayPlan default_plan() {
    ReplayPlan plan;
    for (const double percent : {1.0, 5.0, 25.0, 50.0, 100.0}) {
        StagePlan stage;
        stage.percent = percent;
        plan.stages.push_back(stage);
    }
    return plan;
}

ReplayPlan plan_from_json(const Json& document) {
    only_known(document, "", {"kind", "schema_version", "stages", "on_failure", "seed", "compare", "noise",
                              "latency_floor_ms", "max_passes", "sync_wait_ms"});
    if (const Json* kind = member(document, "kind"); kind != nullptr && *kind != "replay_plan") {
        bad("kind", "must be \"replay_plan\"");
    }
    if (const Json* version = member(document, "schema_version"); version != nullptr && *version != k_plan_schema_version) {
        bad("schema_version", "must be " + std::to_string(k_plan_schema_version));
    }
    ReplayPlan plan = default_plan();
    if (const Json* stages = member(document, "stages")) {
        if (!stages->is_array() || stages->empty()) bad("stages", "must be a non-empty array");
        plan.stages.clear();
        for (std::size_t i = 0; i < stages->size(); ++i) {
            plan.stages.push_back(stage_from_json((*stages)[i], "stages[" + std::to_string(i) + "]."));
        }
    }
    if (const Json* on_failure = member(document, "on_failure")) {
        if (*on_failure == "rollback") {
            plan.on_failure = OnFailure::rollback;
        } else if (*on_failure == "hold") {
            plan.on_failure = OnFailure::hold;
        } else {
            bad("on_failure", "must be \"rollback\" or \"hold\"");
        }
    }
    plan.seed = count(document, "seed", "", plan.seed, 0);
    if (const Json* compare = member(document, "compare")) compare_from_json(*compare, plan.compare);
    if (const Json* noise = member(document, "noise")) {
        only_known(*noise, "noise.", {"reruns"});
        plan.noise_reruns = static_cast<int>(count(*noise, "reruns", "noise.", 1, 0));
        if (plan.noise_reruns > 10) bad("noise.reruns", "must be at most 10");
    }
    plan.latency_floor_ms = number(document, "latency_floor_ms", "", plan.latency_floor_ms, 0.0, 1e6);
    plan.max_passes = count(document, "max_passes", "", plan.max_passes, 1);
    plan.sync_wait_ms = count(document, "sync_wait_ms", "", plan.sync_wait_ms, 0);
    return plan;
}

ReplayPlan read_plan(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError("cannot read replay plan " + path.string(), "the file does not exist or is unreadable");
    Json document;
    try {
        document = Json::parse(in);
    } catch (const Json::parse_error& e) {
        throw InputError("replay plan " + path.string() + " is not JSON", e.what());
    }
    return plan_from_json(document);
}

OrderedJson to_json(const ReplayPlan& plan) {
    OrderedJson stages = OrderedJson::array();
    for (const auto& stage : plan.stages) {
        stages.push_back({{"percent", stage.percent},
                          {"min_queries", stage.min_queries},
                          {"max_mismatch_rate", stage.max_mismatch_rate},
                          {"max_error_rate", stage.max_error_rate},
                          {"max_latency_ratio_p95",
                           stage.max_latency_ratio_p95 ? OrderedJson(*stage.max_latency_ratio_p95) : OrderedJson()}});
    }
    OrderedJson order = plan.compare.order == OrderMode::automatic ? OrderedJson("auto")
                                                                    : OrderedJson(plan.compare.order == OrderMode::ordered);
    return {{"kind", "replay_plan"},
            {"schema_version", k_plan_schema_version},
            {"stages", std::move(stages)},
            {"on_failure", to_string(plan.on_failure)},
            {"seed", plan.seed},
            {"compare",
             {{"float_tolerance", plan.compare.float_tolerance},
              {"ignore_columns", plan.compare.ignore_columns},
              {"order_sensitive", std::move(order)}}},
            {"noise", {{"reruns", plan.noise_reruns}}},
            {"latency_floor_ms", plan.latency_floor_ms},
            {"max_passes", plan.max_passes},
            {"sync_wait_ms", plan.sync_wait_ms}};
}

}  // namespace schemaflip::replay
