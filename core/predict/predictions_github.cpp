// Predictions as GitHub Actions annotations (see predictions.hpp).
#include <cstdio>

#include "core/predict/predictions.hpp"
#include "core/util/ci_output.hpp"

namespace schemaflip::predict {
namespace {

// Risk from which an event is worth a warning without a gate: the upper half of the 0-100 scale.
constexpr double k_warning_risk = 50.0;

std::string number(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f", value);
    return buffer;
}

// The pending migration behind the event, from its evidence line "FILE: op table".
std::string migration_file(const PredictedEvent& event) {
    for (const auto& evidence : event.evidence) {
        if (evidence.source != "pending_migration") continue;
        const auto colon = evidence.detail.find(": ");
        if (colon != std::string::npos) return evidence.detail.substr(0, colon);
    }
    return {};
}

}  // namespace

std::string render_github(const Predictions& predictions, std::optional<double> fail_above) {
    std::string out;
    for (const auto& event : predictions.events) {
        util::Annotation annotation;
        annotation.level = fail_above && event.risk >= *fail_above ? util::AnnotationLevel::error
                           : event.risk >= k_warning_risk          ? util::AnnotationLevel::warning
                                                                   : util::AnnotationLevel::notice;
        annotation.file = migration_file(event);
        annotation.title = "schemaflip predict: " + event.type + " on " + event.table + (event.column.empty() ? "" : "." + event.column) +
                           " (risk " + number(event.risk) + ")";
        std::string message = event.description;
        message += "\nlikelihood " + number(event.likelihood * 100) + "%, risk " + number(event.risk) + ", change " + event.id;
        for (const auto& ddl : event.ddl) message += "\n" + ddl;
        for (const auto& evidence : event.evidence) message += "\n" + evidence.source + ": " + evidence.detail;
        annotation.message = message;
        out += util::render_annotation(annotation);
    }
    if (predictions.events.empty()) {
        util::Annotation none;
        none.title = "schemaflip predict";
        none.message = "no schema change predicted within " + std::to_string(predictions.horizon_days) + " days";
        out += util::render_annotation(none);
    }
    return out;
}

}  // namespace schemaflip::predict
