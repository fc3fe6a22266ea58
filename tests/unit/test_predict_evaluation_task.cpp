// The weekly evaluation task of issue 4 on a tiny history whose examples and labels are worked out by
// hand below, and the rule that features never look at the week or anything after it.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>

#include "core/history/history.hpp"
#include "core/predict/evaluation_task.hpp"
#include "core/predict/features.hpp"
#include "support/test_support.hpp"

using namespace schemaflip;

namespace {

constexpr std::int64_t k_day = 86400;

history::HistoryEvent event(const std::string& migration, const std::string& when, const std::string& table,
                            const std::string& op, const std::string& detail = {}) {
    return history::HistoryEvent{"p", migration, *history::parse_utc_timestamp(when), table, op, {}, detail};
}

// 2024-01-01 is a Monday.
std::vector<history::HistoryEvent> tiny_history() {
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

std::string describe(const predict::Example& example) {
    return example.table + " " + history::format_iso_date(example.week) + " " + (example.label ? "1" : "0");
}

}  // namespace

TEST_CASE("predict evaluation task: weeks, existing tables and labels of a hand-made history") {
    // Horizon 14 days. First event Wed 2024-01-03 → first week 2024-01-08; the last event is 2024-02-12,
    // so weeks run while week + 14 d <= 2024-02-12: 01-08, 01-15, 01-22, 01-29.
    //  01-08: a (add_column 01-10 → 1), b (rename 01-16 → 1)
    //  01-15: a (drop 01-22 is inside [01-15, 01-29) → 1), b (rename 01-16 → 1; still named b)
    //  01-22: a (dropped at 01-22 00:00, not before the week → exists; the drop → 1),
    //         c (b renamed: same table; add_index 02-05 12:00 is after 02-05 00:00 → 0); d not yet created
    //  01-29: c (add_index 02-05 → 1), d (nothing → 0); a is gone; v only ever gets `other`: not a table
    const auto dataset = predict::build_dataset(tiny_history(), 14 * k_day);
    std::vector<std::string> examples;
    for (const auto& example : dataset.examples) examples.push_back(describe(example));
    CHECK(examples == std::vector<std::string>{"a 2024-01-08 1", "b 2024-01-08 1", "a 2024-01-15 1", "b 2024-01-15 1",
                                               "a 2024-01-22 1", "c 2024-01-22 0", "c 2024-01-29 1", "d 2024-01-29 0"});
    // The baseline counts ops in the 90 days before the week: a at 01-22 has create + add_column;
    // c at 01-29 has b's create and the rename.
    CHECK(dataset.examples[4].baseline == 2);
    CHECK(dataset.examples[6].baseline == 2);
    CHECK(dataset.examples[7].baseline == 1);
    CHECK(dataset.feature_count == predict::feature_names().size());
    CHECK(dataset.features.size() == dataset.examples.size() * dataset.feature_count);
}

TEST_CASE("predict evaluation task: a create_table inside the horizon is not a change; weeks start on Mondays") {
    auto events = tiny_history();
    // With a 7-day horizon, d (created 01-24) never changes and the week 01-22 only sees a's drop.
    const auto dataset = predict::build_dataset(events, 7 * k_day);
    for (const auto& example : dataset.examples) {
        if (example.table == "d") CHECK_FALSE(example.label);
        CHECK((example.week / k_day + 3) % 7 == 0);  // 1970-01-05 (day 4) was a Monday
    }
    CHECK(predict::next_monday(*history::parse_utc_timestamp("2024-01-03T10:00:00Z")) ==
          *history::parse_utc_timestamp("2024-01-08"));
    CHECK(predict::next_monday(*history::parse_utc_timestamp("2024-01-08")) == *history::parse_utc_timestamp("2024-01-08"));
}

namespace {

// The feature rows of one week, keyed by table name.
std::map<std::string, std::vector<float>> features_at(const std::vector<history::HistoryEvent>& events,
                                                      std::int64_t week) {
    const auto dataset = predict::build_dataset(events, 30 * k_day);
    std::map<std::string, std::vector<float>> rows;
    for (std::size_t i = 0; i < dataset.examples.size(); ++i) {
        if (dataset.examples[i].week != week) continue;
        const auto begin = dataset.features.begin() + static_cast<std::ptrdiff_t>(i * dataset.feature_count);
        rows[dataset.examples[i].table] = std::vector<float>(begin, begin + static_cast<std::ptrdiff_t>(dataset.feature_count));
    }
    return rows;
}

}  // namespace

TEST_CASE("predict features never look past their week: moving or deleting future events changes nothing") {
    history::History history;
    history::read_history_csv(test::shared_data_path("schema-history/train.csv"), history);
    std::vector<history::HistoryEvent> events;
    for (const auto& event : history.events) {
        if (event.project == "healthchecks/healthchecks") events.push_back(event);
    }
    const auto week = *history::parse_utc_timestamp("2019-06-03");  // a Monday inside the project's life
    const auto original = features_at(events, week);
    REQUIRE(original.size() > 5);

    // Moved: every event at or after the week goes 400 days later, onto other tables, with other ops.
    auto moved = events;
    std::size_t future = 0;
    for (auto& event : moved) {
        if (event.ts < week) continue;
        ++future;
        event.ts += 400 * k_day;
        event.table = future % 2 ? "hc_elsewhere" : event.table;
        event.op = future % 3 ? "drop_column" : "create_table";
    }
    REQUIRE(future > 20);
    CHECK(features_at(moved, week) == original);

    // Deleted: only the past and one far-future event (which keeps the week inside the task) remain.
    std::vector<history::HistoryEvent> deleted;
    for (const auto& event : events) {
        if (event.ts < week) deleted.push_back(event);
    }
    deleted.push_back(history::HistoryEvent{"healthchecks/healthchecks", "future", week + 1000 * k_day, "", "other", "", ""});
    CHECK(features_at(deleted, week) == original);

    // And the check can fail: an event just before the week does change the features.
    auto touched = deleted;
    touched.push_back(history::HistoryEvent{"healthchecks/healthchecks", "late", week - 1, original.begin()->first,
                                            "add_column", "x", ""});
    std::stable_sort(touched.begin(), touched.end(), [](const auto& a, const auto& b) { return a.ts < b.ts; });
    CHECK(features_at(touched, week) != original);
}
