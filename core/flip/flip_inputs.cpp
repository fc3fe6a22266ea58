// Reading the replay report and the predictions document for flip: checked field by field, so a document
// of another kind, an older version or a truncated one is refused with the field that is wrong.
#include "core/flip/flip_inputs.hpp"

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/util/error.hpp"

namespace schemaflip::flip {
namespace {

using Json = nlohmann::json;

// The value at `key` as T, or an InputError naming the document and the field.
template <typename T>
T field(const Json& object, const char* key, const std::string& what) {
    if (!object.is_object() || !object.contains(key)) throw InputError(what + ": \"" + key + "\" is missing");
    try {
        return object.at(key).get<T>();
    } catch (const Json::exception&) {
        throw InputError(what + ": \"" + key + "\" has the wrong type");
    }
}

std::optional<double> optional_number(const Json& object, const char* key) {
    if (!object.is_object() || !object.contains(key) || !object.at(key).is_number()) return std::nullopt;
    return object.at(key).get<double>();
}

void check_kind(const Json& document, const std::string& kind, const std::string& what) {
    if (!document.is_object() || !document.contains("kind") || document["kind"] != kind) {
        const std::string found = document.is_object() && document.contains("kind") ? document["kind"].dump() : "none";
        throw InputError("not a " + what + ": \"kind\" is " + found + ", expected \"" + kind + "\"");
    }
    if (field<int>(document, "schema_version", "not a " + what) != 1) {
        throw InputError("unsupported " + what + " version", "this schemaflip reads schema_version 1");
    }
}

ReportChange change_of(const Json& change) {
    const std::string what = "malformed replay report change";
    ReportChange out{field<std::string>(change, "id", what), field<std::string>(change, "source", what), {}};
    for (const auto& statement : field<Json>(change, "statements", what)) {
        out.statements.push_back({field<std::string>(statement, "sql", what), field<std::string>(statement, "lock_mode", what),
                                  field<std::string>(statement, "effect", what)});
    }
    return out;
}

std::optional<double> p95_of(const Json& latency, const char* side) {
    if (!latency.contains(side)) return std::nullopt;
    const auto& summary = latency.at(side);
    // A side without samples has a p95 of 0 that means "not measured", not "instant".
    if (!summary.is_object() || summary.value("samples", 0) == 0) return std::nullopt;
    return optional_number(summary, "p95_ms");
}

ReportStage stage_of(const Json& stage) {
    const std::string what = "malformed replay report stage";
    ReportStage out;
    out.percent = field<double>(stage, "percent", what);
    out.status = field<std::string>(stage, "status", what);
    out.passed = field<bool>(stage, "passed", what);
    out.compared = field<std::uint64_t>(stage, "compared", what);
    out.mismatches = field<std::uint64_t>(stage, "mismatches", what);
    out.errors = field<std::uint64_t>(stage, "errors", what);
    out.noisy = field<std::uint64_t>(stage, "noisy", what);
    out.lagged = field<std::uint64_t>(stage, "lagged", what);
    out.classes = field<std::map<std::string, std::uint64_t>>(stage, "classes", what);
    const auto latency = field<Json>(stage, "latency", what);
    out.p95_primary_ms = p95_of(latency, "primary");
    out.p95_shadow_ms = p95_of(latency, "shadow");
    return out;
}

ReportDifference difference_of(const Json& group) {
    const std::string what = "malformed replay report difference";
    ReportDifference out;
    out.fingerprint = field<std::string>(group, "fingerprint", what);
    out.difference = field<std::string>(group, "difference", what);
    out.statement = field<std::string>(group, "statement", what);
    out.count = field<std::uint64_t>(group, "count", what);
    out.example = out.statement;
    const auto examples = field<Json>(group, "examples", what);
    if (!examples.is_array() || examples.empty()) return out;
    const auto& first = examples.front();
    out.example = field<std::string>(first, "sql", what);
    out.write = first.value("write", false);
    if (first.contains("shadow") && first["shadow"].is_object() && first["shadow"].value("error", Json()).is_string()) {
        out.shadow_error = first["shadow"]["error"].get<std::string>();
    }
    return out;
}

}  // namespace

Json read_json_document(const std::filesystem::path& path, const std::string& what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError("cannot read " + what + " " + path.string(), "the file does not exist or is unreadable");
    try {
        return Json::parse(in);
    } catch (const Json::exception& e) {
        throw InputError(what + " " + path.string() + " is not JSON", e.what());
    }
}

ReplayReportView read_replay_report(const Json& document) {
    check_kind(document, "replay_report", "replay report");
    const std::string what = "malformed replay report";
    ReplayReportView report;
    report.decision = field<std::string>(document, "decision", what);
    if (report.decision != "flip" && report.decision != "hold" && report.decision != "rollback") {
        throw InputError(what + ": unknown decision \"" + report.decision + "\"");
    }
    report.reason = field<std::string>(document, "reason", what);
    report.engine = field<std::string>(document, "engine", what);
    report.primary = field<std::string>(document, "primary", what);
    report.sync = field<std::string>(document, "sync", what);
    const auto change = field<Json>(document, "change", what);
    if (!change.is_null()) report.change = change_of(change);
    for (const auto& stage : field<Json>(document, "stages", what)) report.stages.push_back(stage_of(stage));
    for (const auto& group : field<Json>(document, "differences", what)) report.differences.push_back(difference_of(group));
    report.flags = field<std::vector<std::string>>(document, "flags", what);
    return report;
}

std::optional<PredictedEvent> find_predicted_event(const Json& document, const std::string& id) {
    check_kind(document, "predictions", "predictions document");
    const std::string what = "malformed predictions document";
    for (const auto& event : field<Json>(document, "events", what)) {
        if (field<std::string>(event, "id", what) != id) continue;
        PredictedEvent out{id, field<std::string>(event, "type", what), field<std::string>(event, "table", what),
                           field<double>(event, "risk_score", what), false, {}};
        for (const auto& evidence : field<Json>(event, "evidence", what)) {
            if (field<std::string>(evidence, "source", what) == "pending_migration") out.pending_migration = true;
        }
        const auto impact = field<Json>(event, "impact", what);
        for (const auto& query : field<Json>(field<Json>(impact, "breaks", what), "queries", what)) {
            out.breaks.push_back({field<std::string>(query, "fingerprint", what), field<std::string>(query, "kind", what),
                                  field<std::string>(query, "why", what), field<bool>(query, "widened", what)});
        }
        return out;
    }
    return std::nullopt;
}

}  // namespace schemaflip::flip
