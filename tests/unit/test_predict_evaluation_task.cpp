// The weekly evaluation task of issue 4 on a tiny history whose examples and labels are worked out by
// hand below, and the rule that features never look at the week or anything after it.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>

#include "core/history/history.hpp"
#include "core/predict/evaluation_task.hpp"
#include "core/predict/features.hpp"
#include "support/predict_test_support.hpp"
#include "support/test_support.hpp"

using namespace schemaflip;

namespace {

constexpr std::int64_t k_day = 86400;

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
    const auto dataset = predict::build_dataset(test::hand_made_history(), 14 * k_day);
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
    // Per-family labels: a's add_column (01-10) is the add_column family; b's rename is no family.
    using predict::ChangeFamily;
    CHECK(dataset.examples[0].families[static_cast<std::size_t>(ChangeFamily::add_column)]);
    CHECK(std::count(dataset.examples[0].families.begin(), dataset.examples[0].families.end(), true) == 1);
    CHECK(std::count(dataset.examples[1].families.begin(), dataset.examples[1].families.end(), true) == 0);
    // c's add_index (02-05 12:00) at week 01-29 is the index family.
    CHECK(dataset.examples[6].families[static_cast<std::size_t>(ChangeFamily::index)]);
    const auto targets = predict::target_matrix(dataset);
    REQUIRE(targets.size() == dataset.examples.size() * predict::k_model_targets);
    CHECK(std::vector<float>(targets.begin(), targets.begin() + 6) == std::vector<float>{1, 1, 0, 0, 0, 0});
}

TEST_CASE("predict evaluation task: renames onto a live name, operations after a drop, names that are tables") {
    // Horizon 7 days; first week 2024-01-08, last 2024-02-05 (the last event is 02-12).
    //  - a is dropped 01-10; its add_index in the same migration belongs to the drop, but the add_column
    //    of 01-24 shows a table `a` exists again: first seen then, an example from week 01-29 on.
    //  - b is renamed onto c on 01-16: the c created on 01-03 is gone from then on, b continues as c.
    //  - x is dropped 01-10 and then only gets `other` (01-16): the name had create and drop, so it is a
    //    table, first seen 01-16 again. z only ever gets `other`: not a table.
    const auto at = [](const std::string& migration, const std::string& when, const std::string& table,
                       const std::string& op, const std::string& detail = {}) {
        return history::HistoryEvent{"q", migration, *history::parse_utc_timestamp(when), table, op, {}, detail};
    };
    const std::vector<history::HistoryEvent> events = {
        at("m1", "2024-01-03", "a", "create_table"), at("m1", "2024-01-03", "b", "create_table"),
        at("m1", "2024-01-03", "c", "create_table"), at("m1", "2024-01-03", "x", "create_table"),
        at("m2", "2024-01-10", "a", "drop_table"),   at("m2", "2024-01-10", "a", "add_index"),
        at("m2", "2024-01-10", "x", "drop_table"),   at("m3", "2024-01-16", "b", "rename_table", "-> c"),
        at("m3", "2024-01-16", "x", "other"),        at("m4", "2024-01-24", "a", "add_column"),
        at("m5", "2024-02-12", "z", "other"),
    };
    const auto dataset = predict::build_dataset(events, 7 * k_day);
    std::vector<std::string> examples;
    for (const auto& example : dataset.examples) examples.push_back(describe(example));
    std::sort(examples.begin(), examples.end());
    std::vector<std::string> expected = {
        "a 2024-01-08 1", "b 2024-01-08 0", "c 2024-01-08 0", "x 2024-01-08 1",  // a and x dropped 01-10
        "b 2024-01-15 1", "c 2024-01-15 0",                                      // b renamed 01-16
        "c 2024-01-22 0", "x 2024-01-22 0",                                      // c is the former b
        "a 2024-01-29 0", "c 2024-01-29 0", "x 2024-01-29 0",
        "a 2024-02-05 0", "c 2024-02-05 0", "x 2024-02-05 0",
    };
    std::sort(expected.begin(), expected.end());
    CHECK(examples == expected);
}

TEST_CASE("predict evaluation task: the shared train.csv gives the rows and positives of its README") {
    // The README's sanity-baseline table ("all ops count as alterations"): 485849 examples, 18817
    // positives, pooled; and per project, e.g. solidusio/solidus 88272 / 2295, LemmyNet/lemmy 22699 / 2863.
    history::History history;
    history::read_history_csv(test::shared_data_path("schema-history/train.csv"), history);
    const auto dataset = predict::build_dataset(history.events, 30 * k_day);
    std::map<std::string, std::pair<int, int>> per_project;
    int positives = 0;
    for (const auto& example : dataset.examples) {
        auto& [rows, project_positives] = per_project[example.project];
        ++rows;
        project_positives += example.label;
        positives += example.label;
    }
    CHECK(dataset.examples.size() == 485849);
    CHECK(positives == 18817);
    CHECK(per_project["solidusio/solidus"] == std::pair{88272, 2295});
    CHECK(per_project["LemmyNet/lemmy"] == std::pair{22699, 2863});
    CHECK(per_project["openstreetmap/openstreetmap-website"] == std::pair{54677, 792});
    CHECK(per_project["diaspora/diaspora"] == std::pair{47629, 989});
    CHECK(per_project["element-hq/synapse"] == std::pair{68401, 2159});
}

TEST_CASE("predict evaluation task: a create_table inside the horizon is not a change; weeks start on Mondays") {
    auto events = test::hand_made_history();
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
    // The timing stage's features of the week, under a key that sorts after every table name.
    const auto columns = predict::timing_feature_names().size();
    for (std::size_t w = 0; w < dataset.weeks.size(); ++w) {
        if (dataset.weeks[w].outcome.week != week) continue;
        const auto begin = dataset.timing_features.begin() + static_cast<std::ptrdiff_t>(w * columns);
        rows["~timing"] = std::vector<float>(begin, begin + static_cast<std::ptrdiff_t>(columns));
    }
    return rows;
}

}  // namespace

TEST_CASE("predict features never look past their week: moving or deleting future events changes nothing") {
    // The table features and the timing stage's (features_at gives both).
    history::History history;
    history::read_history_csv(test::shared_data_path("schema-history/train.csv"), history);
    std::vector<history::HistoryEvent> events;
    for (const auto& event : history.events) {
        if (event.project == "healthchecks/healthchecks") events.push_back(event);
    }
    const auto week = *history::parse_utc_timestamp("2019-06-03");  // a Monday inside the project's life
    const auto original = features_at(events, week);
    REQUIRE(original.size() > 5);
    REQUIRE(original.count("~timing") == 1);

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
