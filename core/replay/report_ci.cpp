// The replay report for CI systems: GitHub Actions annotations and JUnit XML (see report.hpp).
#include <cstdio>
#include <sstream>

#include "core/replay/report.hpp"
#include "core/util/ci_output.hpp"

namespace schemaflip::replay {
namespace {

constexpr std::size_t k_statement_chars = 300;

std::string cut(const std::string& text, std::size_t limit) {
    return text.size() <= limit ? text : text.substr(0, limit) + "...";
}

std::string percent_text(double percent) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%g%%", percent);
    return buffer;
}

std::string stage_name(const StageResult& stage, std::size_t index) {
    return "stage " + std::to_string(index + 1) + " (" + percent_text(stage.plan.percent) + ")";
}

std::string joined(const std::vector<std::string>& parts) {
    std::string text;
    for (const auto& part : parts) text += (text.empty() ? "" : "; ") + part;
    return text;
}

// An example's origin as a file and line for an annotation: "file:line", "file#n" (nth statement of a
// .sql file, no line known), "file@fingerprint" (a profile's example).
void locate(const std::string& origin, util::Annotation& annotation) {
    if (const auto at = origin.rfind('@'); at != std::string::npos) {
        annotation.file = origin.substr(0, at);
        return;
    }
    if (const auto hash = origin.rfind('#'); hash != std::string::npos) {
        annotation.file = origin.substr(0, hash);
        return;
    }
    const auto colon = origin.rfind(':');
    if (colon != std::string::npos && colon + 1 < origin.size() &&
        origin.find_first_not_of("0123456789", colon + 1) == std::string::npos) {
        annotation.file = origin.substr(0, colon);
        annotation.line = std::stoull(origin.substr(colon + 1));
        return;
    }
    annotation.file = origin;
}

std::string side_text(const char* side, const std::optional<SideExample>& example) {
    if (!example) return {};
    if (!example->ok) return std::string(side) + ": error " + example->sqlstate + " " + example->error;
    return std::string(side) + ": " + std::to_string(example->columns.size()) + " columns, " +
           std::to_string(example->row_count) + " rows";
}

std::string group_message(const DifferenceGroup& group) {
    std::string message = std::to_string(group.count) + " read(s): " + group.difference + "\n" + cut(group.statement, k_statement_chars);
    if (!group.examples.empty()) {
        const auto& example = group.examples.front();
        if (!example.detail.empty()) message += "\n" + example.detail;
        for (const auto& side : {side_text("primary", example.primary), side_text("shadow", example.shadow)}) {
            if (!side.empty()) message += "\n" + side;
        }
    }
    return message;
}

// Differences that do not fail a stage: a widened shape and noise are expected, the rest deserve a look.
util::AnnotationLevel level_of(const DifferenceGroup& group) {
    if (group.mismatch) return util::AnnotationLevel::error;
    if (group.difference == "shape_widened" || group.difference == "noisy") return util::AnnotationLevel::notice;
    return util::AnnotationLevel::warning;
}

bool stage_failed(const StageResult& stage) {
    return stage.status == StageStatus::failed || stage.status == StageStatus::insufficient ||
           stage.status == StageStatus::aborted;
}

std::string stage_summary(const StageResult& stage) {
    std::ostringstream out;
    out << "routed " << stage.routed << ", compared " << stage.compared << ", same " << stage.same << ", mismatches "
        << stage.mismatches << ", errors " << stage.errors << ", noisy " << stage.noisy << ", lagged " << stage.lagged;
    return out.str();
}

}  // namespace

std::string render_github(const ReplayReport& report) {
    std::string out;
    for (std::size_t i = 0; i < report.stages.size(); ++i) {
        const auto& stage = report.stages[i];
        if (!stage_failed(stage)) continue;
        util::Annotation annotation;
        annotation.level = util::AnnotationLevel::error;
        annotation.title = "schemaflip replay: " + stage_name(stage, i) + " " + to_string(stage.status);
        annotation.message = (stage.failed_checks.empty() ? std::string(to_string(stage.status)) : joined(stage.failed_checks)) +
                             "\n" + stage_summary(stage);
        out += util::render_annotation(annotation);
    }
    for (const auto& group : report.differences) {
        util::Annotation annotation;
        annotation.level = level_of(group);
        annotation.title = "schemaflip replay: " + group.difference + " in " + group.fingerprint;
        annotation.message = group_message(group);
        if (!group.examples.empty()) locate(group.examples.front().origin, annotation);
        out += util::render_annotation(annotation);
    }
    util::Annotation decision;
    decision.level = report.decision == Decision::flip ? util::AnnotationLevel::notice : util::AnnotationLevel::error;
    decision.title = std::string("schemaflip replay: ") + to_string(report.decision);
    decision.message = report.reason;
    if (report.change) decision.message += "\nchange " + report.change->id;
    out += util::render_annotation(decision);
    return out;
}

std::string render_junit(const ReplayReport& report) {
    std::vector<const DifferenceGroup*> failing;
    for (const auto& group : report.differences) {
        if (group.mismatch) failing.push_back(&group);
    }
    std::size_t failed_stages = 0;
    std::size_t skipped_stages = 0;
    for (const auto& stage : report.stages) {
        failed_stages += stage_failed(stage) ? 1 : 0;
        skipped_stages += stage.status == StageStatus::not_run ? 1 : 0;
    }
    const auto tests = report.stages.size() + failing.size();
    const auto failures = failed_stages + failing.size();
    std::ostringstream xml;
    xml << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    xml << "<testsuites name=\"schemaflip replay\" tests=\"" << tests << "\" failures=\"" << failures << "\" errors=\"0\">\n";
    xml << "  <testsuite name=\"schemaflip replay stages\" tests=\"" << report.stages.size() << "\" failures=\"" << failed_stages
        << "\" errors=\"0\" skipped=\"" << skipped_stages << "\">\n";
    xml << "    <properties>\n      <property name=\"decision\" value=\"" << to_string(report.decision) << "\"/>\n"
        << "      <property name=\"reason\" value=\"" << util::xml_escape(report.reason) << "\"/>\n";
    if (report.change) xml << "      <property name=\"change\" value=\"" << util::xml_escape(report.change->id) << "\"/>\n";
    xml << "    </properties>\n";
    for (std::size_t i = 0; i < report.stages.size(); ++i) {
        const auto& stage = report.stages[i];
        xml << "    <testcase classname=\"schemaflip.replay.stages\" name=\"" << util::xml_escape(stage_name(stage, i)) << "\">\n";
        if (stage_failed(stage)) {
            const auto why = stage.failed_checks.empty() ? std::string(to_string(stage.status)) : joined(stage.failed_checks);
            xml << "      <failure type=\"" << to_string(stage.status) << "\" message=\"" << util::xml_escape(why) << "\">"
                << util::xml_escape(stage_summary(stage)) << "</failure>\n";
        } else if (stage.status == StageStatus::not_run) {
            xml << "      <skipped message=\"not run: an earlier stage ended the replay\"/>\n";
        }
        xml << "      <system-out>" << util::xml_escape(stage_summary(stage)) << "</system-out>\n";
        xml << "    </testcase>\n";
    }
    xml << "  </testsuite>\n";
    xml << "  <testsuite name=\"schemaflip replay differences\" tests=\"" << failing.size() << "\" failures=\"" << failing.size()
        << "\" errors=\"0\" skipped=\"0\">\n";
    for (const auto* group : failing) {
        xml << "    <testcase classname=\"schemaflip.replay.differences\" name=\""
            << util::xml_escape(group->fingerprint + " " + group->difference) << "\">\n"
            << "      <failure type=\"" << util::xml_escape(group->difference) << "\" message=\""
            << util::xml_escape(std::to_string(group->count) + " read(s) differ: " + group->difference) << "\">"
            << util::xml_escape(group_message(*group)) << "</failure>\n"
            << "    </testcase>\n";
    }
    xml << "  </testsuite>\n</testsuites>\n";
    return xml.str();
}

}  // namespace schemaflip::replay
