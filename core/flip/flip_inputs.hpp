// What flip reads from the documents earlier stages wrote: the replay report (the decision and the
// evidence) and, when given, the predicted event of the change (risk score, statically broken queries).
// Only the fields flip needs are read, each checked, so a wrong document is a one-line InputError.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace schemaflip::flip {

struct ReportStatement {
    std::string sql;
    std::string lock_mode;
    std::string effect;  // none, scan or rewrite
};

struct ReportChange {
    std::string id;
    std::string source;
    std::vector<ReportStatement> statements;
};

struct ReportStage {
    double percent = 0;
    std::string status;
    bool passed = false;
    std::uint64_t compared = 0, mismatches = 0, errors = 0, noisy = 0, lagged = 0;
    std::optional<double> p95_primary_ms, p95_shadow_ms;  // none without samples
    std::map<std::string, std::uint64_t> classes;
};

// One group of the report's differences with what its first example says.
struct ReportDifference {
    std::string fingerprint;
    std::string difference;  // a replay difference class
    std::string statement;   // normalized text
    std::uint64_t count = 0;
    std::string example;       // the first example's SQL, else the normalized statement
    bool write = false;        // the first example was an applied write
    std::string shadow_error;  // the first example's error on the shadow, if any
};

struct ReplayReportView {
    std::string decision;  // flip, hold or rollback
    std::string reason;
    std::string engine;
    std::string primary;  // redacted URL
    std::string sync;
    std::optional<ReportChange> change;
    std::vector<ReportStage> stages;
    std::vector<ReportDifference> differences;
    std::vector<std::string> flags;
};

// A query the predictions document says the change breaks (impact.breaks.queries).
struct PredictedBreak {
    std::string fingerprint;
    std::string kind;  // read or write
    std::string why;
    bool widened = false;  // only widened (SELECT *): not a break
};

struct PredictedEvent {
    std::string id;
    std::string type;
    std::string table;
    double risk_score = 0;
    bool pending_migration = false;  // its evidence includes a pending migration
    std::vector<PredictedBreak> breaks;
};

// Parses a JSON file; `what` names the document in messages. Throws InputError (unreadable, not JSON).
nlohmann::json read_json_document(const std::filesystem::path& path, const std::string& what);

// Throws InputError when the document is not a version-1 replay report or a field flip needs is malformed.
ReplayReportView read_replay_report(const nlohmann::json& document);

// Throws InputError when the document is not a version-1 predictions document; nullopt when no event has
// the ID.
std::optional<PredictedEvent> find_predicted_event(const nlohmann::json& document, const std::string& id);

}  // namespace schemaflip::flip
