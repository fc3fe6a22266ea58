// Builds the predictions document from candidates: merge, likelihood, impact, risk, order; renders it as
// JSON (schemas/predictions.schema.json) and as a text table.
#include "core/predict/predictions.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <map>
#include <sstream>
#include <unordered_map>

#include "core/sql/statement_info.hpp"
#include "core/util/ascii_case.hpp"

namespace schemaflip::predict {
namespace {

using nlohmann::ordered_json;

double round_to(double value, double scale) { return std::round(value * scale) / scale; }
double round4(double value) { return round_to(value, 10000.0); }

bool is_pending(const Candidate& candidate) {
    return std::any_of(candidate.evidence.begin(), candidate.evidence.end(),
                       [](const Evidence& e) { return e.source == "pending_migration"; });
}

void absorb(Candidate& host, const Candidate& other) {
    for (const auto& evidence : other.evidence) {
        if (std::find_if(host.evidence.begin(), host.evidence.end(), [&](const Evidence& e) {
                return e.source == evidence.source && e.detail == evidence.detail;
            }) == host.evidence.end()) {
            host.evidence.push_back(evidence);
        }
    }
    host.demand = std::max(host.demand, other.demand);
}

// Within a group naming the same change, the candidate that will happen as written hosts the others: the
// first pending migration, else the first concrete change. Two pending migrations (or two different
// concrete statements) stay apart: each is a change of its own.
std::vector<Candidate> merge_same_change(std::vector<Candidate> candidates, bool fold_case) {
    const auto name = [fold_case](const std::string& s) { return fold_case ? util::ascii_lower(s) : s; };
    std::map<std::string, std::vector<std::size_t>> groups;  // in input order within each group
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        const auto& c = candidates[i];
        groups[name(c.table) + '\x1f' + c.type + '\x1f' + name(c.column)].push_back(i);
    }
    std::vector<bool> absorbed(candidates.size(), false);
    for (const auto& [key, members] : groups) {
        const auto host = std::find_if(members.begin(), members.end(), [&](std::size_t i) { return is_pending(candidates[i]); });
        const auto concrete = std::find_if(members.begin(), members.end(), [&](std::size_t i) { return !candidates[i].ddl.empty(); });
        if (host != members.end()) {
            for (const auto i : members) {
                if (is_pending(candidates[i])) continue;
                absorb(candidates[*host], candidates[i]);
                absorbed[i] = true;
            }
        } else if (concrete != members.end()) {
            for (const auto i : members) {
                if (!candidates[i].ddl.empty()) continue;
                absorb(candidates[*concrete], candidates[i]);
                absorbed[i] = true;
            }
        }
    }
    std::vector<Candidate> merged;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        if (!absorbed[i]) merged.push_back(std::move(candidates[i]));
    }
    return merged;
}

std::string fixed(double value, int digits) {
    char text[48];
    std::snprintf(text, sizeof text, "%.*f", digits, value);
    return text;
}

ordered_json optional_number(const std::optional<double>& value) {
    return value ? ordered_json(round4(*value)) : ordered_json(nullptr);
}

template <typename T>
ordered_json optional_integer(const std::optional<T>& value) {
    return value ? ordered_json(*value) : ordered_json(nullptr);
}

ordered_json impact_json(const Impact& impact) {
    ordered_json queries = ordered_json::array();
    for (const auto& query : impact.broken) {
        queries.push_back({{"fingerprint", query.fingerprint},
                           {"kind", query.kind},
                           {"count", query.count},
                           {"why", query.why},
                           {"widened", query.widened}});
    }
    return {{"score", round_to(impact.score, 10.0)},
            {"lock", {{"mode", impact.lock.mode},
                      {"effect", impact.lock.effect},
                      {"reason", impact.lock.reason},
                      {"blocks", sql::to_string(impact.blocks)},
                      {"estimated_seconds", round4(impact.estimated_lock_seconds)},
                      {"duration_part", round4(impact.duration_part)},
                      {"part", round4(impact.lock_part)}}},
            {"table", {{"rows", optional_integer(impact.rows)}, {"bytes", optional_integer(impact.bytes)}}},
            {"traffic", {{"statement_share", optional_number(impact.statement_share)},
                         {"blocked_share", round4(impact.blocked_share)},
                         {"assumed", impact.traffic_assumed}}},
            {"breaks", {{"failing_share", round4(impact.broken_share)},
                        {"widened_share", round4(impact.widened_share)},
                        {"part", round4(impact.break_part)},
                        {"queries", std::move(queries)}}}};
}

ordered_json event_json(const PredictedEvent& event) {
    ordered_json evidence = ordered_json::array();
    for (const auto& item : event.evidence) evidence.push_back({{"source", item.source}, {"detail", item.detail}});
    return {{"id", event.id},
            {"table", event.table},
            {"column", event.column.empty() ? ordered_json(nullptr) : ordered_json(event.column)},
            {"type", event.type},
            {"ddl", event.ddl.empty() ? ordered_json(nullptr) : ordered_json(event.ddl)},
            {"likelihood", event.likelihood},
            {"impact", impact_json(event.impact)},
            {"risk_score", event.risk},
            {"window", {{"from", event.window_from}, {"to", event.window_to}}},
            {"evidence", std::move(evidence)},
            {"description", event.description}};
}

PredictedEvent score_candidate(Candidate candidate, const ModelScores* model, const schema::SchemaSnapshot* snapshot,
                               const Workload* workload, const PredictOptions& options) {
    PredictedEvent event;
    event.id = event_id(candidate);
    std::optional<double> probability;
    if (model != nullptr) {
        std::string detail;
        const bool fold_case = snapshot != nullptr && snapshot->engine == "sqlite";
        probability = model_probability(*model, candidate.table, candidate.type, options.horizon_days, fold_case, detail);
        if (probability) candidate.evidence.push_back({"model", detail});
    }
    event.likelihood = round4(combine_likelihood(candidate.demand, probability.value_or(0.0), candidate.validity));
    event.impact = assess_impact(candidate, snapshot, workload);
    event.risk = risk_score(event.likelihood, event.impact);
    event.window_from = history::format_iso_date(options.at);
    event.window_to = history::format_iso_date(options.at + std::int64_t{options.horizon_days} * 86400);
    event.table = std::move(candidate.table);
    event.column = std::move(candidate.column);
    event.type = std::move(candidate.type);
    event.ddl = std::move(candidate.ddl);
    event.evidence = std::move(candidate.evidence);
    event.description = std::move(candidate.description);
    return event;
}

// Equal IDs are the same statements: one event, with every reason for it.
std::vector<PredictedEvent> merge_same_id(std::vector<PredictedEvent> events) {
    std::vector<PredictedEvent> merged;
    std::unordered_map<std::string, std::size_t> index;
    for (auto& event : events) {
        const auto [it, inserted] = index.try_emplace(event.id, merged.size());
        if (inserted) {
            merged.push_back(std::move(event));
            continue;
        }
        auto& kept = merged[it->second];
        if (event.risk > kept.risk) std::swap(kept, event);
        for (const auto& evidence : event.evidence) {
            if (std::find_if(kept.evidence.begin(), kept.evidence.end(), [&](const Evidence& e) {
                    return e.source == evidence.source && e.detail == evidence.detail;
                }) == kept.evidence.end()) {
                kept.evidence.push_back(evidence);
            }
        }
    }
    return merged;
}

std::string target(const PredictedEvent& event) { return event.column.empty() ? event.table : event.table + "." + event.column; }

}  // namespace

std::string event_id(const Candidate& candidate) {
    if (!candidate.ddl.empty()) return sql::change_id(candidate.ddl);
    return sql::change_id({candidate.table + "|" + candidate.type + "|" + candidate.column});
}

std::optional<double> model_probability(const ModelScores& model, const std::string& table, const std::string& type,
                                        int horizon_days, bool fold_case, std::string& detail) {
    const auto family = change_family_of(type);
    const TableScore* best = nullptr;
    double best_p = 0;
    for (const auto& score : model.scores) {
        const bool same = score.table == table || (fold_case && util::ascii_lower(score.table) == util::ascii_lower(table));
        if (!same) continue;
        // A history of several projects may name the table in more than one: the highest probability wins.
        const double p = family ? score.p_family[static_cast<std::size_t>(*family)] : score.p_any;
        if (best == nullptr || p > best_p) {
            best = &score;
            best_p = p;
        }
    }
    if (best == nullptr) return std::nullopt;
    double p = best_p;
    if (horizon_days != model.horizon_days && model.horizon_days > 0) {
        p = 1.0 - std::pow(1.0 - p, static_cast<double>(horizon_days) / static_cast<double>(model.horizon_days));
    }
    const std::string what = family ? std::string(change_family_name(*family)) : std::string("any change");
    detail = "p(" + what + " on " + best->table + " within " + std::to_string(horizon_days) + " days) = " + fixed(p, 4) +
             " (" + model.origin + ", project " + best->project +
             (horizon_days != model.horizon_days ? ", from " + fixed(best_p, 4) + " over its " +
                                                       std::to_string(model.horizon_days) + " days"
                                                 : std::string{}) +
             ")";
    return p;
}

double combine_likelihood(double demand, double model_probability, double validity) {
    return (1.0 - (1.0 - demand) * (1.0 - model_probability)) * validity;
}

Predictions build_predictions(std::vector<Candidate> candidates, const ModelScores* model,
                              const schema::SchemaSnapshot* snapshot, const Workload* workload,
                              const PredictOptions& options) {
    const bool fold_case = snapshot != nullptr && snapshot->engine == "sqlite";
    std::vector<PredictedEvent> events;
    for (auto& candidate : merge_same_change(std::move(candidates), fold_case)) {
        events.push_back(score_candidate(std::move(candidate), model, snapshot, workload, options));
    }
    events = merge_same_id(std::move(events));
    std::sort(events.begin(), events.end(), [](const PredictedEvent& a, const PredictedEvent& b) {
        if (a.risk != b.risk) return a.risk > b.risk;
        if (a.likelihood != b.likelihood) return a.likelihood > b.likelihood;
        if (a.impact.score != b.impact.score) return a.impact.score > b.impact.score;
        return a.id < b.id;
    });
    if (options.top > 0 && events.size() > options.top) events.resize(options.top);
    Predictions predictions;
    predictions.horizon_days = options.horizon_days;
    predictions.events = std::move(events);
    return predictions;
}

nlohmann::ordered_json to_json(const Predictions& predictions) {
    ordered_json events = ordered_json::array();
    for (const auto& event : predictions.events) events.push_back(event_json(event));
    return {{"kind", "predictions"},
            {"schema_version", k_predictions_schema_version},
            {"created", predictions.created},
            {"horizon_days", predictions.horizon_days},
            {"events", std::move(events)}};
}

std::string render_text(const Predictions& predictions, bool details) {
    std::ostringstream out;
    out << predictions.events.size() << (predictions.events.size() == 1 ? " predicted change" : " predicted changes");
    if (!predictions.events.empty()) {
        const auto& first = predictions.events.front();
        out << ", " << first.window_from << " to " << first.window_to;
    }
    out << " (horizon " << predictions.horizon_days << " days), by risk\n";
    if (predictions.events.empty()) return out.str();
    char line[512];
    std::snprintf(line, sizeof line, "\n%5s  %10s  %6s  %-20s  %-16s  %-4s  %s\n", "risk", "likelihood", "impact", "type", "id",
                  "ddl", "table.column");
    out << line;
    for (const auto& event : predictions.events) {
        std::snprintf(line, sizeof line, "%5.1f  %10.4f  %6.1f  %-20s  %-16s  %-4s  %s\n", event.risk, event.likelihood,
                      event.impact.score, event.type.c_str(), event.id.c_str(), event.ddl.empty() ? "-" : "yes",
                      target(event).c_str());
        out << line << "       " << event.description << '\n';
        if (!details) continue;
        out << "       lock: " << event.impact.lock.mode << ", " << event.impact.lock.effect
            << (event.impact.lock.reason.empty() ? "" : " (" + event.impact.lock.reason + ")") << '\n';
        for (const auto& statement : event.ddl) out << "       ddl: " << statement << '\n';
        for (const auto& evidence : event.evidence) out << "       " << evidence.source << ": " << evidence.detail << '\n';
        for (const auto& query : event.impact.broken) {
            out << "       breaks: " << query.fingerprint << " (" << query.kind << ", " << query.count << "x): " << query.why << '\n';
        }
    }
    return out.str();
}

}  // namespace schemaflip::predict
