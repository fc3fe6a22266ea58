// The workload profile as JSON (schemas/workload_profile.schema.json) and as a readable report.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/profile/profile.hpp"
#include "core/util/time_format.hpp"

namespace schemaflip::profile {
namespace {

using json = nlohmann::ordered_json;

// Milliseconds rounded to microseconds: sums taken in different orders (or from different log formats
// of the same events) then print identically.
double ms(double value) { return std::round(value * 1000.0) / 1000.0; }
double ms(std::int64_t microseconds) { return static_cast<double>(microseconds) / 1000.0; }

double share(double part, double whole) { return whole > 0 ? std::round(part / whole * 10000.0) / 10000.0 : 0.0; }

json time_json(const std::optional<std::int64_t>& time_ms) {
    return time_ms ? json(util::format_utc_ms(*time_ms)) : json(nullptr);
}

json column_list(const std::vector<sql::ColumnRef>& columns) {
    json list = json::array();
    for (const auto& column : columns) list.push_back(column.table.empty() ? column.column : column.table + "." + column.column);
    return list;
}

std::uint64_t analysed_statements(const WorkloadProfile& profile) {
    std::uint64_t total = 0;
    for (const auto& [fingerprint, stats] : profile.fingerprints) total += stats.count;
    return total;
}

std::int64_t analysed_time_us(const WorkloadProfile& profile) {
    std::int64_t total = 0;
    for (const auto& [fingerprint, stats] : profile.fingerprints) total += stats.total_us;
    return total;
}

json summary_json(const WorkloadProfile& profile) {
    std::uint64_t unparseable_total = 0;
    json by_reason = json::object();
    for (const auto& [reason, count] : profile.unparseable) {
        unparseable_total += count;
        by_reason[reason] = count;
    }
    json severities = json::object();
    for (const auto& [severity, count] : profile.counts.severities) severities[severity] = count;
    const auto& c = profile.counts;
    return {{"records", c.records},
            {"executed_statements", c.executed_statements},
            {"durations", c.durations},
            {"errors", c.errors},
            {"bind_parameters", c.bind_parameters},
            {"stray_lines", c.stray_lines},
            {"duration_ms_sum", ms(c.duration_ms_sum)},
            {"severities", std::move(severities)},
            {"analysed_statements", analysed_statements(profile)},
            {"distinct_fingerprints", profile.fingerprints.size()},
            {"unparseable", {{"total", unparseable_total}, {"by_reason", std::move(by_reason)}}},
            {"time_range", {{"first", time_json(profile.first_ms)}, {"last", time_json(profile.last_ms)}}}};
}

json fingerprint_json(const FingerprintStats& stats) {
    const auto& info = *stats.info;
    return {{"fingerprint", info.fingerprint_hex},
            {"kind", sql::to_string(info.kind)},
            {"count", stats.count},
            {"timed", stats.timed},
            {"total_ms", ms(stats.total_us)},
            {"mean_ms", stats.timed ? json(ms(static_cast<double>(stats.total_us) / 1000.0 / static_cast<double>(stats.timed)))
                                    : json(nullptr)},
            {"p50_ms", stats.timed ? json(ms(stats.durations.quantile(0.5))) : json(nullptr)},
            {"p95_ms", stats.timed ? json(ms(stats.durations.quantile(0.95))) : json(nullptr)},
            {"max_ms", stats.timed ? json(ms(stats.max_us)) : json(nullptr)},
            {"first_seen", time_json(stats.first_seen_ms)},
            {"last_seen", time_json(stats.last_seen_ms)},
            {"tables_read", info.tables_read},
            {"tables_written", info.tables_written},
            {"columns", column_list(info.columns)},
            {"filter_columns", column_list(info.filter_columns)},
            {"join_columns", column_list(info.join_columns)},
            {"select_star", info.select_star},
            {"example", stats.example}};
}

json tables_json(const WorkloadProfile& profile) {
    const double total_statements = static_cast<double>(analysed_statements(profile));
    const auto total_time = static_cast<double>(analysed_time_us(profile));
    json tables = json::array();
    for (const auto& [name, table] : profile.tables) {
        const double touched = static_cast<double>(table.reads + table.writes);
        tables.push_back({{"name", name},
                          {"statements", table.statements},
                          {"reads", table.reads},
                          {"writes", table.writes},
                          {"read_share", share(static_cast<double>(table.reads), touched)},
                          {"write_share", share(static_cast<double>(table.writes), touched)},
                          {"statement_share", share(static_cast<double>(table.statements), total_statements)},
                          {"time_share", share(static_cast<double>(table.time_us), total_time)},
                          {"columns", table.columns},
                          {"filter_columns", table.filter_columns},
                          {"join_columns", table.join_columns}});
    }
    return tables;
}

json ddl_json(const WorkloadProfile& profile) {
    json events = json::array();
    for (const auto& event : profile.ddl_events) {
        events.push_back({{"time", time_json(event.time_ms)},
                          {"table", event.change.table},
                          {"op", event.change.op},
                          {"column", event.change.column},
                          {"detail", event.change.detail},
                          {"statement", event.statement},
                          {"source", event.source},
                          {"line", event.line}});
    }
    return events;
}

json missing_json(const WorkloadProfile& profile) {
    json objects = json::array();
    for (const auto& [key, object] : profile.missing_objects) {
        objects.push_back({{"kind", object.kind},
                           {"table", object.table},
                           {"column", object.column},
                           {"count", object.count},
                           {"first_seen", time_json(object.first_seen_ms)},
                           {"last_seen", time_json(object.last_seen_ms)},
                           {"example_message", object.example_message}});
    }
    return objects;
}

json unrecognised_json(const logs::Unrecognised& unrecognised) {
    json examples = json::array();
    for (const auto& example : unrecognised.examples) {
        examples.push_back({{"file", example.source}, {"line", example.line}, {"reason", example.reason}, {"text", example.text}});
    }
    return {{"count", unrecognised.count}, {"examples", std::move(examples)}};
}

json sources_json(const WorkloadProfile& profile) {
    json sources = json::array();
    for (const auto& source : profile.sources) {
        sources.push_back({{"file", source.file},
                           {"format", source.format},
                           {"reader", source.reader},
                           {"records", source.counts.records},
                           {"executed_statements", source.counts.executed_statements},
                           {"damage", source.damage.empty() ? json(nullptr) : json(source.damage)}});
    }
    return sources;
}

}  // namespace

std::vector<const FingerprintStats*> ordered_fingerprints(const WorkloadProfile& profile) {
    std::vector<const FingerprintStats*> ordered;
    for (const auto& [fingerprint, stats] : profile.fingerprints) ordered.push_back(&stats);
    std::sort(ordered.begin(), ordered.end(), [](const FingerprintStats* a, const FingerprintStats* b) {
        if (a->total_us != b->total_us) return a->total_us > b->total_us;
        if (a->count != b->count) return a->count > b->count;
        return a->info->fingerprint_hex < b->info->fingerprint_hex;
    });
    return ordered;
}

nlohmann::ordered_json to_json(const WorkloadProfile& profile) {
    json fingerprints = json::array();
    for (const auto* stats : ordered_fingerprints(profile)) fingerprints.push_back(fingerprint_json(*stats));
    return {{"kind", "workload_profile"},
            {"schema_version", k_profile_schema_version},
            {"sources", sources_json(profile)},
            {"summary", summary_json(profile)},
            {"fingerprints", std::move(fingerprints)},
            {"tables", tables_json(profile)},
            {"ddl_events", ddl_json(profile)},
            {"missing_objects", missing_json(profile)},
            {"unrecognised", unrecognised_json(profile.unrecognised)}};
}

}  // namespace schemaflip::profile
