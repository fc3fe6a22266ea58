// The replay report as text: the decision, a table of the stages, and the top differences.
#include <cstdio>
#include <sstream>

#include "core/replay/report.hpp"

namespace schemaflip::replay {
namespace {

std::string fixed(double value, int digits) {
    char text[32];
    std::snprintf(text, sizeof text, "%.*f", digits, value);
    return text;
}

std::string percent(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%g%%", value);
    return text;
}

std::string padded(const std::string& text, std::size_t width, bool right = false) {
    if (text.size() >= width) return text;
    const std::string pad(width - text.size(), ' ');
    return right ? pad + text : text + pad;
}

std::string one_line(std::string text, std::size_t limit) {
    for (char& c : text) {
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    }
    if (text.size() > limit) text = text.substr(0, limit) + "...";
    return text;
}

void render_header(const ReplayReport& report, std::ostringstream& out) {
    out << "decision: " << to_string(report.decision) << " - " << report.reason << '\n';
    if (report.change) {
        out << "change " << report.change->id << " (" << report.change->source << ")";
        for (const auto& statement : report.change->statements) out << "\n  " << one_line(statement.sql, 160);
        out << '\n';
    }
    std::uint64_t writes = 0;
    std::uint64_t skipped = 0;
    for (const auto& source : report.sources) {
        writes += source.writes;
        for (const auto& [reason, count] : source.skipped) skipped += count;
    }
    out << report.primary << " -> " << report.shadow << " (" << report.engine << ", sync " << report.sync << ")\n";
    out << "queries: " << report.reads << " reads, " << writes << " writes ("
        << (report.writes.apply ? std::to_string(report.writes.applied) + " applied to both" : std::string("never sent"))
        << "), " << skipped << " skipped; seed " << report.plan.seed << "\n\n";
}

void render_stages(const ReplayReport& report, std::ostringstream& out) {
    out << "stage  percent  status        routed  compared  mismatches  errors  noisy  lagged  p95 primary  p95 shadow  ratio\n";
    for (std::size_t i = 0; i < report.stages.size(); ++i) {
        const StageResult& stage = report.stages[i];
        out << padded(std::to_string(i + 1), 7) << padded(percent(stage.plan.percent), 9) << padded(to_string(stage.status), 12)
            << padded(std::to_string(stage.routed), 8, true) << padded(std::to_string(stage.compared), 10, true)
            << padded(std::to_string(stage.mismatches), 12, true) << padded(std::to_string(stage.errors), 8, true)
            << padded(std::to_string(stage.noisy), 7, true) << padded(std::to_string(stage.lagged), 8, true)
            << padded(fixed(stage.primary.p95_ms, 3) + " ms", 13, true) << padded(fixed(stage.shadow.p95_ms, 3) + " ms", 12, true)
            << padded(stage.latency_ratio_p95 ? fixed(*stage.latency_ratio_p95, 2) : std::string("-"), 7, true) << '\n';
        for (const auto& check : stage.failed_checks) out << "       " << check << '\n';
    }
}

void render_differences(const ReplayReport& report, std::size_t top, std::ostringstream& out) {
    if (!report.flags.empty()) {
        out << "\nflags:";
        for (const auto& flag : report.flags) out << ' ' << flag;
        out << '\n';
    }
    if (report.differences.empty()) {
        out << "\nno differences\n";
        return;
    }
    out << "\ntop differences:\n";
    for (std::size_t i = 0; i < report.differences.size() && i < top; ++i) {
        const DifferenceGroup& group = report.differences[i];
        out << "  " << group.difference << " x" << group.count << "  " << group.fingerprint << "  " << one_line(group.statement, 120)
            << '\n';
        if (!group.examples.empty()) out << "      " << one_line(group.examples.front().detail, 160) << '\n';
    }
    if (report.differences.size() > top) out << "  ... " << report.differences.size() - top << " more in the JSON report\n";
}

}  // namespace

std::string render_text(const ReplayReport& report, std::size_t top_differences) {
    std::ostringstream out;
    render_header(report, out);
    render_stages(report, out);
    render_differences(report, top_differences, out);
    return out.str();
}

}  // namespace schemaflip::replay
