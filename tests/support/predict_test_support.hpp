// The hand-made history that the predict tests work out by hand (the evaluation task's examples and
// labels, the timing stage's week outcomes).
#pragma once

#include <string>
#include <vector>

#include "core/history/history.hpp"

namespace schemaflip::test {

// Project "p"; 2024-01-01 is a Monday.
inline std::vector<history::HistoryEvent> hand_made_history() {
    const auto event = [](const std::string& migration, const std::string& when, const std::string& table,
                          const std::string& op, const std::string& detail = {}) {
        return history::HistoryEvent{"p", migration, *history::parse_utc_timestamp(when), table, op, {}, detail};
    };
    return {
        event("m1", "2024-01-03T10:00:00Z", "a", "create_table", "id:int"),
        event("m1", "2024-01-03T10:00:00Z", "b", "create_table", "id:int"),
        event("m2", "2024-01-10T00:00:00Z", "a", "add_column"),
        event("m3", "2024-01-16T00:00:00Z", "b", "rename_table", "-> c"),
        event("m4", "2024-01-22T00:00:00Z", "a", "drop_table"),
        event("m5", "2024-01-24T00:00:00Z", "d", "create_table"),
        event("m6", "2024-02-05T12:00:00Z", "c", "add_index"),
        event("m7", "2024-02-12T00:00:00Z", "v", "other"),
    };
}

}  // namespace schemaflip::test
