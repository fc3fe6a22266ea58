// Tables that keep changing: a sustained change history (several operations from several migrations in
// the recent window) names a table that will change again, without saying exactly how.
#include <algorithm>
#include <map>
#include <set>

#include "core/predict/candidates.hpp"

namespace schemaflip::predict {
namespace {

constexpr const char* k_source = "history";

struct RecentChanges {
    std::uint64_t operations = 0;
    std::set<std::string> migrations;
    std::map<std::string, std::uint64_t> ops;
    std::int64_t last_ts = 0;
    std::string last_op;
    bool dropped = false;  // its last create/drop/rename-away before `at` removed it
};

// The most frequent op; ties go to the alphabetically first, so the choice is stable.
std::string most_frequent(const std::map<std::string, std::uint64_t>& ops) {
    std::string best;
    std::uint64_t count = 0;
    for (const auto& [op, n] : ops) {
        if (n > count) {
            best = op;
            count = n;
        }
    }
    return best;
}

}  // namespace

std::vector<Candidate> history_candidates(const std::vector<history::HistoryEvent>& events, std::int64_t at,
                                          const schema::SchemaSnapshot* snapshot, int window_days) {
    const std::int64_t from = at - std::int64_t{window_days} * 86400;
    std::map<std::string, RecentChanges> tables;
    for (const auto& event : events) {
        if (event.table.empty() || event.ts >= at) continue;  // strictly before `at`, like the model's features
        auto& recent = tables[event.table];
        if (event.op == "create_table") recent.dropped = false;
        if (event.op == "drop_table" || event.op == "rename_table") recent.dropped = true;
        if (event.ts < from || event.op == "create_table") continue;
        ++recent.operations;
        recent.migrations.insert(event.project + "/" + event.migration_id);
        ++recent.ops[event.op];
        if (event.ts >= recent.last_ts) {
            recent.last_ts = event.ts;
            recent.last_op = event.op;
        }
    }
    std::vector<Candidate> candidates;
    for (const auto& [table, recent] : tables) {
        if (recent.dropped || recent.operations < 2 || recent.migrations.size() < 2) continue;
        if (snapshot != nullptr && find_table(*snapshot, table) == nullptr) continue;
        Candidate candidate;
        candidate.table = table;
        candidate.type = most_frequent(recent.ops);
        candidate.evidence.push_back(
            {k_source, std::to_string(recent.operations) + " operations in " + std::to_string(recent.migrations.size()) +
                           " migrations in the " + std::to_string(window_days) + " days before " +
                           history::format_iso_date(at) + " (most often " + candidate.type + "; last " + recent.last_op +
                           " on " + history::format_iso_date(recent.last_ts) + ")"});
        candidate.description = table + " keeps changing: another change (most often " + candidate.type + ") is likely";
        candidates.push_back(std::move(candidate));
    }
    return candidates;
}

}  // namespace schemaflip::predict
