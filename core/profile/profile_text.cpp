// The readable analyze report: top statements by total time, tables, DDL timeline, errors, missing objects.
#include <algorithm>
#include <cstdio>
#include <sstream>

#include "core/profile/profile.hpp"
#include "core/util/time_format.hpp"

namespace schemaflip::profile {
namespace {

std::string fixed(double value, int decimals = 1) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

std::string one_line(const std::string& text, std::size_t width) {
    std::string out;
    bool space = false;
    for (char c : text) {
        const bool is_space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
        if (is_space) {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += c;
    }
    if (out.size() > width) {
        std::size_t end = width - 3;
        while (end > 0 && (static_cast<unsigned char>(out[end]) & 0xC0) == 0x80) --end;
        out = out.substr(0, end) + "...";
    }
    return out;
}

std::string when(const std::optional<std::int64_t>& time_ms) {
    return time_ms ? util::format_utc_ms(*time_ms) : std::string("(no time)");
}

void render_summary(std::ostringstream& out, const WorkloadProfile& profile) {
    const auto& c = profile.counts;
    std::uint64_t unparseable = 0;
    for (const auto& [reason, count] : profile.unparseable) unparseable += count;
    out << "Workload profile of " << profile.sources.size() << (profile.sources.size() == 1 ? " file" : " files") << ": "
        << c.records << " records, " << c.executed_statements << " executed statements ("
        << profile.fingerprints.size() << " shapes), " << c.durations << " durations (" << fixed(c.duration_ms_sum, 3)
        << " ms), " << c.errors << " errors, " << c.bind_parameters << " with bind parameters\n";
    if (profile.first_ms) out << "Time range: " << when(profile.first_ms) << " .. " << when(profile.last_ms) << '\n';
    for (const auto& source : profile.sources) {
        out << "  " << source.file << ": " << (source.reader.empty() ? source.format : source.reader);
        if (!source.damage.empty()) out << "  DAMAGED: " << source.damage;
        out << '\n';
    }
    if (unparseable > 0) {
        out << "Unparseable statements: " << unparseable;
        for (const auto& [reason, count] : profile.unparseable) out << "; " << reason << ": " << count;
        out << '\n';
    }
}

void render_top_statements(std::ostringstream& out, const WorkloadProfile& profile, std::size_t top) {
    const auto ordered = ordered_fingerprints(profile);
    out << "\nTop statements by total time\n";
    char header[160];
    std::snprintf(header, sizeof header, "  %12s %9s %10s %10s  %-11s %s\n", "total ms", "count", "mean ms", "p95 ms", "kind",
                  "statement");
    out << header;
    for (std::size_t i = 0; i < std::min(top, ordered.size()); ++i) {
        const auto& stats = *ordered[i];
        const double total_ms = static_cast<double>(stats.total_us) / 1000.0;
        const double mean = stats.timed ? total_ms / static_cast<double>(stats.timed) : 0.0;
        char line[160];
        std::snprintf(line, sizeof line, "  %12s %9llu %10s %10s  %-11s ", fixed(total_ms).c_str(),
                      static_cast<unsigned long long>(stats.count), stats.timed ? fixed(mean, 3).c_str() : "-",
                      stats.timed ? fixed(stats.durations.quantile(0.95), 3).c_str() : "-", sql::to_string(stats.info->kind));
        out << line << one_line(stats.example, 80) << '\n';
    }
    if (ordered.size() > top) out << "  (" << ordered.size() - top << " more; --top N or --format json for all)\n";
}

void render_tables(std::ostringstream& out, const WorkloadProfile& profile) {
    if (profile.tables.empty()) return;
    out << "\nTables\n";
    for (const auto& [name, table] : profile.tables) {
        out << "  " << name << ": " << table.statements << " statements (" << table.reads << " reads, " << table.writes
            << " writes), " << fixed(static_cast<double>(table.time_us) / 1000.0) << " ms";
        if (!table.columns.empty()) {
            out << "; columns:";
            for (const auto& column : table.columns) out << ' ' << column;
        }
        out << '\n';
    }
}

void render_ddl(std::ostringstream& out, const WorkloadProfile& profile) {
    if (profile.ddl_events.empty()) return;
    out << "\nDDL timeline\n";
    for (const auto& event : profile.ddl_events) {
        out << "  " << when(event.time_ms) << "  " << event.change.op << ' ' << event.change.table
            << (event.change.column.empty() ? "" : "." + event.change.column) << "  " << one_line(event.statement, 70) << '\n';
    }
}

void render_errors(std::ostringstream& out, const WorkloadProfile& profile) {
    if (profile.counts.errors > 0) {
        out << "\nErrors: " << profile.counts.errors;
        for (const char* severity : {"ERROR", "FATAL", "PANIC"}) {
            const auto found = profile.counts.severities.find(severity);
            if (found != profile.counts.severities.end()) out << "; " << severity << ": " << found->second;
        }
        out << '\n';
    }
    if (!profile.missing_objects.empty()) {
        out << "\nMissing objects (the application is ahead of the schema)\n";
        for (const auto& [key, object] : profile.missing_objects) {
            out << "  " << object.kind << ' ' << (object.table.empty() ? "?" : object.table)
                << (object.column.empty() ? "" : "." + object.column) << ": " << object.count << "x, last "
                << when(object.last_seen_ms) << '\n';
        }
    }
    if (profile.unrecognised.count > 0) {
        out << "\nUnrecognised lines: " << profile.unrecognised.count << '\n';
        for (const auto& example : profile.unrecognised.examples) {
            out << "  " << example.source << ':' << example.line << ": " << example.reason << ": " << one_line(example.text, 60)
                << '\n';
        }
    }
}

}  // namespace

std::string render_text(const WorkloadProfile& profile, std::size_t top) {
    std::ostringstream out;
    render_summary(out, profile);
    render_top_statements(out, profile, top);
    render_tables(out, profile);
    render_ddl(out, profile);
    render_errors(out, profile);
    return out.str();
}

}  // namespace schemaflip::profile
