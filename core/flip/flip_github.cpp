// The flip task as GitHub Actions annotations (see flip_task.hpp): what a pull request shows next to the
// exit status that gates the deploy.
#include <map>

#include "core/flip/flip_task.hpp"
#include "core/util/ci_output.hpp"

namespace schemaflip::flip {
namespace {

using Json = nlohmann::ordered_json;

// Flags that mean the application fails after the flip, or the flip cannot be undone: errors. The others
// say what to watch or prepare: warnings.
bool is_error_flag(const std::string& flag) {
    return flag == "READERS_BREAK" || flag == "WRITERS_BREAK" || flag == "IRREVERSIBLE";
}

// One line per flag, the trigger of schemaflip-flip(1)'s FLAGS, so an annotation reads on its own.
std::string flag_meaning(const std::string& flag) {
    static const std::map<std::string, std::string> k_meanings = {
        {"RESULT_SHAPE_WIDENED", "reads return more columns on the shadow"},
        {"RESULT_SHAPE_NARROWED", "reads return fewer columns on the shadow"},
        {"READERS_BREAK", "reads that work on the primary fail after the change"},
        {"WRITERS_BREAK", "writes that work on the primary fail after the change"},
        {"VALUES_CHANGE", "reads return different values or row counts on the shadow"},
        {"TYPE_WIDENED", "a column's type now holds every old value and more"},
        {"TYPE_NARROWED", "a column's type changed so that values may not fit or may read differently"},
        {"TABLE_REWRITE", "a statement rewrites the table"},
        {"BLOCKING_LOCK", "a statement takes a lock that makes ordinary reads or writes wait"},
        {"REQUIRES_BACKFILL", "an added column holds NULL in the existing rows until the application fills it"},
        {"IRREVERSIBLE", "the rollback cannot restore values"},
    };
    const auto found = k_meanings.find(flag);
    return found == k_meanings.end() ? flag : found->second;
}

std::string text(const Json& value) { return value.get<std::string>(); }

std::string change_text(const Json& change) {
    return "change " + text(change.at("id")) + " (" + text(change.at("type")) + " on " + text(change.at("table")) + ")";
}

util::Annotation affected_annotation(const Json& query) {
    util::Annotation annotation;
    annotation.level = util::AnnotationLevel::error;
    annotation.title = "schemaflip flip: query " + text(query.at("fingerprint"));
    annotation.message = text(query.at("what_happened")) + "\n" + text(query.at("action"));
    if (const auto example = text(query.at("example")); !example.empty()) annotation.message += "\n" + example;
    return annotation;
}

util::Annotation flag_annotation(const std::string& flag, const Json& task) {
    util::Annotation annotation;
    annotation.level = is_error_flag(flag) ? util::AnnotationLevel::error : util::AnnotationLevel::warning;
    annotation.title = "schemaflip flip: " + flag;
    annotation.message = flag_meaning(flag) + "\n" + change_text(task.at("change"));
    // The reasons are the whole point of IRREVERSIBLE: which values cannot come back.
    if (flag == "IRREVERSIBLE") {
        for (const auto& reason : task.at("rollback").at("reasons")) annotation.message += "\n" + text(reason);
    }
    return annotation;
}

util::Annotation decision_annotation(const Json& task) {
    util::Annotation annotation;
    annotation.level = util::AnnotationLevel::notice;
    annotation.title = "schemaflip flip: " + text(task.at("decision"));
    annotation.message = text(task.at("reason")) + "\n" + change_text(task.at("change")) + "\ntask " + text(task.at("task_id"));
    for (const auto& action : task.at("compatibility").at("actions")) annotation.message += "\naction: " + text(action);
    return annotation;
}

}  // namespace

std::string render_flip_github(const Json& task) {
    const auto& compatibility = task.at("compatibility");
    std::string out;
    for (const auto& query : compatibility.at("affected_fingerprints")) out += util::render_annotation(affected_annotation(query));
    for (const auto& flag : compatibility.at("flags")) out += util::render_annotation(flag_annotation(text(flag), task));
    out += util::render_annotation(decision_annotation(task));
    return out;
}

}  // namespace schemaflip::flip
