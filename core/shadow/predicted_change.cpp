// `shadow up --changes predictions.json [--change ID]`: the DDL of one predicted event as the change.
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/shadow/shadow_engine.hpp"
#include "core/util/error.hpp"
#include "core/util/document_fields.hpp"

namespace schemaflip::shadow {
namespace {

using Json = nlohmann::json;

constexpr int k_predictions_schema_version = 1;

Json parse_predictions(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError("cannot read predictions " + path.string(), "the file does not exist or is unreadable");
    try {
        return Json::parse(in);
    } catch (const Json::parse_error& e) {
        throw InputError("predictions " + path.string() + " is not JSON", e.what());
    }
}

void check_predictions(const Json& document, const std::string& source) {
    if (util::document_kind(document) != "predictions") {
        throw InputError(source + " is not a predictions document", "its \"kind\" is not \"predictions\"",
                         "write one with 'schemaflip predict', or give a SQL file with --ddl");
    }
    if (!document.contains("schema_version") || document["schema_version"] != k_predictions_schema_version) {
        throw InputError("unsupported predictions version in " + source,
                         "this schemaflip reads version " + std::to_string(k_predictions_schema_version));
    }
    if (!document.contains("events") || !document["events"].is_array()) {
        throw InputError("predictions " + source + " has no \"events\" array");
    }
}

std::string event_id(const Json& event, const std::string& source) {
    if (!event.is_object() || !event.contains("id") || !event["id"].is_string()) {
        throw InputError("an event of predictions " + source + " has no string \"id\"");
    }
    return event["id"].get<std::string>();
}

// The event's statements, or none when its DDL is not concrete (null).
std::vector<std::string> event_ddl(const Json& event, const std::string& source) {
    std::vector<std::string> statements;
    const auto ddl = event.find("ddl");
    if (ddl == event.end() || ddl->is_null()) return statements;
    if (!ddl->is_array())
        throw InputError("event " + event_id(event, source) + " of " + source + " has a \"ddl\" that is not an array");
    for (const auto& statement : *ddl) {
        if (!statement.is_string()) {
            throw InputError("event " + event_id(event, source) + " of " + source + " has a statement that is not a string");
        }
        statements.push_back(statement.get<std::string>());
    }
    return statements;
}

bool is_change_id(const std::string& id) {
    return id.size() == 16 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

PlannedChange load_predicted_change(const std::filesystem::path& path, const std::string& id) {
    return predicted_change_from_json(parse_predictions(path), path.string(), id);
}

PlannedChange predicted_change_from_json(const nlohmann::json& document, const std::string& source, const std::string& id) {
    check_predictions(document, source);
    const Json* chosen = nullptr;
    if (!id.empty()) {
        for (const auto& event : document["events"]) {
            if (event_id(event, source) == id) chosen = &event;
        }
        if (chosen == nullptr) throw InputError("change " + id + " is not in predictions " + source);
        if (event_ddl(*chosen, source).empty()) {
            throw InputError("change " + id + " of " + source + " has no concrete DDL to apply",
                             "the prediction names a kind of change, not its statements",
                             "write the migration and give it with --ddl");
        }
    } else {
        std::vector<const Json*> concrete;
        for (const auto& event : document["events"]) {
            if (!event_ddl(event, source).empty()) concrete.push_back(&event);
        }
        if (concrete.size() != 1) {
            std::string ids;
            for (const auto* event : concrete) ids += (ids.empty() ? "" : ", ") + event_id(*event, source);
            throw UsageError(
                concrete.empty()
                    ? "no change in " + source + " has concrete DDL"
                    : std::to_string(concrete.size()) + " changes in " + source + " have DDL: choose one with --change ID",
                concrete.empty() ? "" : "IDs with DDL: " + ids, concrete.empty() ? "give the migration with --ddl FILE" : "");
        }
        chosen = concrete.front();
    }
    const std::string chosen_id = event_id(*chosen, source);
    // The manifest's change ID is this ID, so the rest of the pipeline can follow the event.
    if (!is_change_id(chosen_id))
        throw InputError("change ID \"" + chosen_id + "\" of " + source + " is not 16 lowercase hex digits");
    auto change = plan_change("change " + chosen_id + " of " + source, event_ddl(*chosen, source));
    change.id = chosen_id;
    change.source = source;
    return change;
}

}  // namespace schemaflip::shadow
