// Assembling the flip task: the change (from the report, the manifest and the predicted event), the
// decision (the replay's: flip only decides what the evidence says, it adds no gate of its own), the
// compatibility section, the per-stage validation summary, the rollback planned from the shadow's
// before/after snapshots, and the synced shadow's cut-over position.
#include "core/flip/flip_task.hpp"

#include <algorithm>
#include <map>
#include <sstream>

#include "core/flip/compatibility.hpp"
#include "core/flip/flip_inputs.hpp"
#include "core/flip/rollback.hpp"
#include "core/util/ascii_case.hpp"
#include "core/util/error.hpp"
#include "core/util/time_format.hpp"

namespace schemaflip::flip {
namespace {

using Json = nlohmann::ordered_json;

// The change's statements with lock and effect: the report's copy, else the manifest's.
ReportChange change_of(const ReplayReportView& report, const std::optional<shadow::ShadowManifest>& manifest) {
    std::optional<ReportChange> from_manifest;
    if (manifest && !manifest->changes.empty()) {
        const auto& applied = manifest->changes.front();
        ReportChange change{applied.id, applied.source, {}};
        for (const auto& statement : applied.statements) change.statements.push_back({statement.sql, statement.lock_mode, statement.effect});
        from_manifest = std::move(change);
    }
    if (report.change && from_manifest && report.change->id != from_manifest->id) {
        throw InputError("the replay report and the shadow manifest are about different changes",
                         "report change " + report.change->id + ", manifest change " + from_manifest->id,
                         "give the manifest of the shadow the report was replayed against");
    }
    if (report.change) return *report.change;
    if (from_manifest) return *from_manifest;
    throw InputError("the replay report names no change (it compared two databases given by URL)", {},
                     "pass --shadow-manifest with the manifest of 'shadow up'");
}

std::vector<sql::DdlChange> forward_changes(const ReportChange& change) {
    std::vector<sql::DdlChange> forward;
    for (const auto& statement : change.statements) {
        const auto info = sql::analyze_statement(statement.sql);
        forward.insert(forward.end(), info.ddl_changes.begin(), info.ddl_changes.end());
    }
    return forward;
}

// The table the change is about: the first change naming one, else (DROP INDEX names only the index) the
// one changed table of the snapshots. The parser folds unquoted names to lower case, so a name the
// snapshots have is written as the catalog spells it (SQLite keeps "Track").
std::string change_table(const std::vector<sql::DdlChange>& forward, const std::optional<shadow::ChangedTables>& tables) {
    std::string name;
    for (const auto& change : forward) {
        if (!change.table.empty()) {
            name = change.table;
            break;
        }
    }
    if (!tables) return name;
    if (name.empty() && !tables->before.empty()) return tables->before.front().name;
    for (const auto* side : {&tables->before, &tables->after}) {
        for (const auto& table : *side) {
            if (util::ascii_lower(table.name) == util::ascii_lower(name)) return table.name;
        }
    }
    return name;
}

std::string source_of(const std::optional<PredictedEvent>& event) {
    if (!event) return "user_ddl";
    return event->pending_migration ? "pending_migration" : "prediction";
}

// task_id's time part: 20261124T073000Z.
std::string compact_time(const std::string& iso) {
    std::string out;
    for (const char c : iso.substr(0, 19)) {
        if (c != '-' && c != ':') out += c;
    }
    return out + "Z";
}

Json number_or_null(const std::optional<double>& value) { return value ? Json(*value) : Json(nullptr); }

Json validation_json(const ReplayReportView& report) {
    Json stages = Json::array();
    std::map<std::string, std::uint64_t> totals;
    for (const auto& stage : report.stages) {
        stages.push_back({{"percent", stage.percent},
                          {"status", stage.status},
                          {"passed", stage.passed},
                          {"compared", stage.compared},
                          {"mismatches", stage.mismatches},
                          {"errors", stage.errors},
                          {"noisy", stage.noisy},
                          {"lagged", stage.lagged},
                          {"latency_p95_ms", {{"primary", number_or_null(stage.p95_primary_ms)}, {"shadow", number_or_null(stage.p95_shadow_ms)}}}});
        for (const auto& [name, count] : stage.classes) totals[name] += count;
    }
    Json differences = Json::object();
    for (const auto& [name, count] : totals) differences[name] = count;
    return {{"stages", std::move(stages)}, {"differences", std::move(differences)}};
}

Json compatibility_json(const Compatibility& compatibility) {
    Json affected = Json::array();
    for (const auto& query : compatibility.affected) {
        affected.push_back({{"fingerprint", query.fingerprint},
                            {"example", query.example},
                            {"what_happened", query.what_happened},
                            {"action", query.action}});
    }
    return {{"flags", compatibility.flags}, {"affected_fingerprints", std::move(affected)}, {"actions", compatibility.actions}};
}

Json tables_json(const std::vector<schema::TableInfo>& tables) {
    Json out = Json::array();
    for (const auto& table : tables) out.push_back(schema::to_json(table));
    return out;
}

// What the rollback cannot know without the shadow's snapshots: a drop loses values whatever the steps.
RollbackPlan plan_without_snapshots(const std::vector<sql::DdlChange>& forward) {
    RollbackPlan plan;
    for (const auto& change : forward) {
        if (change.op == "drop_column" || change.op == "drop_table") {
            plan.irreversible = plan.data_loss = true;
            plan.reasons.push_back(change.op == "drop_column" ? "column " + change.table + "." + change.column + " was dropped: its values are gone"
                                                              : "table " + change.table + " was dropped: its rows are gone");
        }
    }
    plan.notes.push_back("no snapshot of the changed tables (no --shadow-manifest, one written by an older schemaflip, or a change "
                         "inspect does not see, such as a CHECK constraint on SQLite): "
                         "the steps cannot be planned from the catalog and 'schemaflip rollback --apply' cannot prove the schema is back; "
                         "the way back is to flip back to the old primary");
    return plan;
}

std::string way_back(const ReplayReportView& report, const RollbackPlan& plan) {
    std::string text = "flip back to the old primary (" + report.primary + "): it still has the schema from before the change";
    text += report.sync == "logical" ? ", and every write up to the cut-over position" : "";
    if (plan.irreversible) {
        text += "; it is the only way to get the lost values back";
    } else if (!plan.steps.empty()) {
        text += "; or run the rollback steps on the new primary";
    }
    return text + " (writes made after the flip are only on the new primary)";
}

Json rollback_json(const RollbackPlan& plan, const std::string& way, const std::optional<shadow::ChangedTables>& tables) {
    return {{"steps", plan.steps},
            {"data_loss", plan.data_loss},
            {"irreversible", plan.irreversible},
            {"reasons", plan.reasons},
            {"notes", plan.notes},
            {"way_back", way},
            {"schema_before", tables ? tables_json(tables->before) : Json(nullptr)},
            {"schema_after", tables ? tables_json(tables->after) : Json(nullptr)}};
}

Json position_json(const std::optional<shadow::ShadowManifest>& manifest) {
    if (!manifest || !manifest->lsn) return nullptr;
    return {{"primary_lsn", manifest->lsn->primary}, {"shadow_lsn", manifest->lsn->shadow}};
}

std::string summary_line(const Json& list) {
    std::string out;
    for (const auto& item : list) out += (out.empty() ? "" : ", ") + item.get<std::string>();
    return out.empty() ? "none" : out;
}

}  // namespace

Json build_flip_task(const FlipInputs& inputs, std::int64_t created_at_ms) {
    const auto report = read_replay_report(inputs.report);
    if (inputs.manifest && inputs.manifest->engine != report.engine) {
        throw InputError("the replay report and the shadow manifest are for different engines",
                         "report " + report.engine + ", manifest " + inputs.manifest->engine);
    }
    const auto change = change_of(report, inputs.manifest);
    const auto event = inputs.predictions ? find_predicted_event(*inputs.predictions, change.id) : std::nullopt;
    const auto forward = forward_changes(change);
    auto tables = inputs.manifest ? inputs.manifest->changed_tables : std::nullopt;
    // DDL whose effect inspect cannot see (a CHECK constraint on SQLite) leaves nothing to plan from or to
    // check against: treated like a manifest without snapshots, so rollback --apply cannot claim success.
    if (tables && tables->before.empty() && tables->after.empty() && !forward.empty()) tables.reset();
    const RollbackPlan plan = tables ? plan_rollback(tables->before, tables->after, forward) : plan_without_snapshots(forward);

    CompatibilityInputs compatibility_inputs{report, change.statements, forward, tables ? &tables->before : nullptr,
                                             tables ? &tables->after : nullptr, event, plan.irreversible};
    const auto compatibility = assess_compatibility(compatibility_inputs);

    std::vector<std::string> ddl;
    for (const auto& statement : change.statements) ddl.push_back(statement.sql);
    const std::string created_at = util::format_utc_ms(created_at_ms);
    Json task;
    task["kind"] = "flip_task";
    task["schema_version"] = k_flip_task_schema_version;
    task["task_id"] = "flip-" + change.id + "-" + compact_time(created_at);
    task["created_at"] = created_at;
    task["tool_version"] = SCHEMAFLIP_VERSION;
    task["engine"] = report.engine;
    task["change"] = {{"id", change.id},
                      {"type", event ? event->type : forward.empty() ? std::string("other") : forward.front().op},
                      {"table", event ? event->table : change_table(forward, tables)},
                      {"ddl", ddl},
                      {"source", source_of(event)},
                      {"risk_score", event ? Json(event->risk_score) : Json(nullptr)}};
    task["decision"] = report.decision;
    task["reason"] = report.reason;
    task["compatibility"] = compatibility_json(compatibility);
    task["validation"] = validation_json(report);
    task["rollback"] = rollback_json(plan, way_back(report, plan), tables);
    task["position"] = position_json(inputs.manifest);
    return task;
}

std::string render_flip_summary(const Json& task) {
    std::ostringstream out;
    const auto& change = task.at("change");
    out << "decision " << task.at("decision").get<std::string>() << ": " << task.at("reason").get<std::string>() << '\n';
    out << "change " << change.at("id").get<std::string>() << " (" << change.at("type").get<std::string>() << " on "
        << change.at("table").get<std::string>() << ")\n";
    out << "flags: " << summary_line(task.at("compatibility").at("flags")) << '\n';
    for (const auto& query : task.at("compatibility").at("affected_fingerprints")) {
        out << "  query " << query.at("fingerprint").get<std::string>() << ": " << query.at("action").get<std::string>() << '\n';
    }
    for (const auto& action : task.at("compatibility").at("actions")) out << "action: " << action.get<std::string>() << '\n';
    const auto& rollback = task.at("rollback");
    const auto steps = rollback.at("steps").size();
    out << "rollback: " << steps << (steps == 1 ? " step" : " steps") << (rollback.at("irreversible").get<bool>() ? ", IRREVERSIBLE" : "")
        << (rollback.at("data_loss").get<bool>() ? ", data loss" : "") << '\n';
    for (const auto& reason : rollback.at("reasons")) out << "  " << reason.get<std::string>() << '\n';
    out << "way back: " << rollback.at("way_back").get<std::string>() << '\n';
    if (!task.at("position").is_null()) {
        out << "cut-over position: primary " << task.at("position").at("primary_lsn").get<std::string>() << ", shadow "
            << task.at("position").at("shadow_lsn").get<std::string>() << '\n';
    }
    return out.str();
}

}  // namespace schemaflip::flip
