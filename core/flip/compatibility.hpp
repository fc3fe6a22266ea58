// The flip task's compatibility section: flags from product.md's fixed vocabulary, the query fingerprints
// the application must adapt and what to do about each, and the actions for the application and the
// operator. Evidence comes from three places: what replay observed (the report's differences), what the
// change does to the tables (the shadow's before/after snapshots and each statement's lock and effect),
// and what predict found statically (queries the change breaks).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/flip/flip_inputs.hpp"
#include "core/schema/snapshot.hpp"
#include "core/sql/statement_info.hpp"

namespace schemaflip::flip {

// In the order of schemas/flip-task.schema.json's enum, which is also the order flags are written in.
inline constexpr const char* k_flags[] = {
    "RESULT_SHAPE_WIDENED", "RESULT_SHAPE_NARROWED", "READERS_BREAK", "WRITERS_BREAK",     "VALUES_CHANGE", "TYPE_WIDENED",
    "TYPE_NARROWED",        "TABLE_REWRITE",         "BLOCKING_LOCK", "REQUIRES_BACKFILL", "IRREVERSIBLE",
};

struct AffectedQuery {
    std::string fingerprint;
    std::string example;
    std::string what_happened;
    std::string action;
};

struct Compatibility {
    std::vector<std::string> flags;  // unique, in k_flags order
    std::vector<AffectedQuery> affected;
    std::vector<std::string> actions;
};

struct CompatibilityInputs {
    const ReplayReportView& report;
    std::vector<ReportStatement> statements;  // the change's statements with lock and effect
    std::vector<sql::DdlChange> forward;      // the change model of those statements
    const std::vector<schema::TableInfo>* before = nullptr;  // changed tables, when the manifest has them
    const std::vector<schema::TableInfo>* after = nullptr;
    const std::optional<PredictedEvent>& event;
    bool irreversible = false;  // from the rollback plan
};

Compatibility assess_compatibility(const CompatibilityInputs& inputs);

}  // namespace schemaflip::flip
