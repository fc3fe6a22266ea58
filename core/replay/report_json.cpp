// The replay report as JSON (schemas/replay_report.schema.json).
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/replay/report.hpp"

namespace schemaflip::replay {
namespace {

using json = nlohmann::ordered_json;

double rate(double value) { return std::round(value * 1e6) / 1e6; }

std::string hex_bytes(const std::string& bytes) {
    static const char* k_digits = "0123456789abcdef";
    std::string out = "\\x";
    for (const unsigned char c : bytes) {
        out += k_digits[c >> 4];
        out += k_digits[c & 0xf];
    }
    return out;
}

// Numbers as numbers, exact types (numeric, dates, json) as the engine's text, bytes as \x hex.
json value_json(const db::Value& value) {
    switch (value.kind) {
        case db::ValueKind::null: return nullptr;
        case db::ValueKind::integer: return value.integer;
        case db::ValueKind::boolean: return value.integer != 0;
        case db::ValueKind::floating:
            if (std::isfinite(value.floating)) return value.floating;
            return db::value_text(value);
        case db::ValueKind::bytes: return hex_bytes(value.text);
        default: return value.text;
    }
}

json side_json(const std::optional<SideExample>& side) {
    if (!side) return nullptr;
    json rows = json::array();
    for (const auto& row : side->rows) {
        json values = json::array();
        for (const auto& value : row) values.push_back(value_json(value));
        rows.push_back(std::move(values));
    }
    return {{"ok", side->ok},
            {"error", side->ok ? json(nullptr) : json(side->error)},
            {"sqlstate", side->sqlstate.empty() ? json(nullptr) : json(side->sqlstate)},
            {"columns", side->columns},
            {"rows", std::move(rows)},
            {"row_count", side->row_count}};
}

json latency_json(const LatencySummary& latency) {
    return {{"samples", latency.samples}, {"p50_ms", latency.p50_ms}, {"p95_ms", latency.p95_ms}, {"p99_ms", latency.p99_ms}};
}

json stage_json(const StageResult& stage) {
    json classes = json::object();
    for (const auto& [name, count] : stage.classes) classes[name] = count;
    return {{"percent", stage.plan.percent},
            {"min_queries", stage.plan.min_queries},
            {"status", to_string(stage.status)},
            {"passed", stage.status == StageStatus::passed},
            {"positions", {{"first", stage.first_position}, {"end", stage.end_position}}},
            {"routing_digest", stage.routing_digest},
            {"routed", stage.routed},
            {"compared", stage.compared},
            {"same", stage.same},
            {"lagged", stage.lagged},
            {"noisy", stage.noisy},
            {"mismatches", stage.mismatches},
            {"errors", stage.errors},
            {"classes", std::move(classes)},
            {"mismatch_rate", rate(stage.mismatch_rate)},
            {"error_rate", rate(stage.error_rate)},
            {"latency",
             {{"primary", latency_json(stage.primary)},
              {"shadow", latency_json(stage.shadow)},
              {"ratio_p95", stage.latency_ratio_p95 ? json(*stage.latency_ratio_p95) : json(nullptr)}}},
            {"failed_checks", stage.failed_checks}};
}

json difference_json(const DifferenceGroup& group) {
    json examples = json::array();
    for (const auto& example : group.examples) {
        examples.push_back({{"position", example.write ? json(nullptr) : json(example.position)},
                            {"write", example.write},
                            {"origin", example.origin},
                            {"sql", example.sql},
                            {"detail", example.detail},
                            {"primary", side_json(example.primary)},
                            {"shadow", side_json(example.shadow)}});
    }
    return {{"fingerprint", group.fingerprint},
            {"difference", group.difference},
            {"mismatch", group.mismatch},
            {"statement", group.statement},
            {"count", group.count},
            {"examples", std::move(examples)}};
}

json change_json(const std::optional<shadow::AppliedChange>& change) {
    if (!change) return nullptr;
    json statements = json::array();
    for (const auto& statement : change->statements) {
        statements.push_back({{"sql", statement.sql}, {"lock_mode", statement.lock_mode}, {"effect", statement.effect}});
    }
    return {{"id", change->id}, {"source", change->source}, {"statements", std::move(statements)}};
}

json queries_json(const ReplayReport& report) {
    json sources = json::array();
    std::uint64_t writes = 0;
    for (const auto& source : report.sources) {
        json skipped = json::object();
        for (const auto& [reason, count] : source.skipped) skipped[reason] = count;
        sources.push_back({{"file", source.file},
                           {"type", source.type},
                           {"statements", source.statements},
                           {"reads", source.reads},
                           {"writes", source.writes},
                           {"skipped", std::move(skipped)}});
        writes += source.writes;
    }
    return {{"reads", report.reads}, {"writes", writes}, {"sources", std::move(sources)}};
}

json writes_json(const WriteSummary& writes) {
    json classes = json::object();
    for (const auto& [name, count] : writes.classes) classes[name] = count;
    return {{"apply", writes.apply}, {"in_stream", writes.in_stream}, {"applied", writes.applied}, {"classes", std::move(classes)}};
}

json unavailable_json(const std::optional<Unavailability>& unavailable) {
    if (!unavailable) return nullptr;
    return {{"side", unavailable->side},
            {"stage", unavailable->stage},
            {"error", unavailable->error},
            {"reconnect_attempts", unavailable->reconnect_attempts}};
}

}  // namespace

json to_json(const ReplayReport& report) {
    json stages = json::array();
    for (const auto& stage : report.stages) stages.push_back(stage_json(stage));
    json differences = json::array();
    for (const auto& group : report.differences) differences.push_back(difference_json(group));
    return {{"kind", "replay_report"},
            {"schema_version", k_report_schema_version},
            {"decision", to_string(report.decision)},
            {"reason", report.reason},
            {"engine", report.engine},
            {"primary", report.primary},
            {"shadow", report.shadow},
            {"sync", report.sync},
            {"change", change_json(report.change)},
            {"plan", to_json(report.plan)},
            {"queries", queries_json(report)},
            {"stages", std::move(stages)},
            {"writes", writes_json(report.writes)},
            {"differences", std::move(differences)},
            {"flags", report.flags},
            {"unavailable", unavailable_json(report.unavailable)}};
}

}  // namespace schemaflip::replay
