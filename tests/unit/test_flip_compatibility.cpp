// The flip task's compatibility flags, one trigger each, from hand-made evidence: report differences,
// statements' locks and effects, before/after tables, and predicted breaks.
#include <doctest/doctest.h>

#include <algorithm>

#include "core/flip/compatibility.hpp"

using namespace schemaflip;

namespace {

schema::TableInfo table(const std::string& name, std::vector<schema::ColumnInfo> columns, std::int64_t rows) {
    schema::TableInfo out;
    out.schema = "public";
    out.name = name;
    out.columns = std::move(columns);
    out.row_count = rows;
    return out;
}

std::vector<sql::DdlChange> forward_of(const std::string& statement) { return sql::analyze_statement(statement).ddl_changes; }

}  // namespace

TEST_CASE("flip: observed differences become flags and affected queries with what to change") {
    flip::ReplayReportView report;
    report.engine = "postgresql";
    report.differences = {
        {"aaaa", "error_shadow_only", "SELECT composer FROM track WHERE id = $1", 3, "SELECT composer FROM track WHERE id = 1", false,
         "column \"composer\" does not exist"},
        {"bbbb", "shape_widened", "SELECT * FROM customer", 2, "SELECT * FROM customer", false, ""},
        {"cccc", "value_mismatch", "SELECT total FROM invoice", 1, "SELECT total FROM invoice", false, ""},
        {"dddd", "error_both_same", "SELECT rating FROM track", 1, "SELECT rating FROM track", false, ""},  // not the change's doing
        {"eeee", "noisy", "SELECT random()", 4, "SELECT random()", false, ""},
    };
    const std::optional<flip::PredictedEvent> no_event;
    const auto result = flip::assess_compatibility({report, {}, {}, nullptr, nullptr, no_event, false});
    CHECK(result.flags == std::vector<std::string>{"RESULT_SHAPE_WIDENED", "READERS_BREAK", "VALUES_CHANGE"});
    REQUIRE(result.affected.size() == 3);
    CHECK(result.affected[0].fingerprint == "aaaa");
    CHECK(result.affected[0].example == "SELECT composer FROM track WHERE id = 1");
    CHECK(result.affected[0].what_happened.find("column \"composer\" does not exist") != std::string::npos);
    CHECK(result.affected[0].action.find("fails on the new schema") == 0);
    CHECK(result.affected[1].action.find("by name") != std::string::npos);
    REQUIRE_FALSE(result.actions.empty());
    CHECK(result.actions[0].find("1 query") != std::string::npos);
}

TEST_CASE("flip: statement locks and effects give BLOCKING_LOCK and TABLE_REWRITE per engine") {
    const std::optional<flip::PredictedEvent> no_event;
    flip::ReplayReportView postgres;
    postgres.engine = "postgresql";
    SUBCASE("PostgreSQL ACCESS EXCLUSIVE rewrite") {
        const auto r = flip::assess_compatibility(
            {postgres, {{"ALTER TABLE t ALTER COLUMN a TYPE bigint", "ACCESS EXCLUSIVE", "rewrite"}}, {}, nullptr, nullptr, no_event, false});
        CHECK(r.flags == std::vector<std::string>{"TABLE_REWRITE", "BLOCKING_LOCK"});
    }
    SUBCASE("PostgreSQL CREATE INDEX CONCURRENTLY blocks nothing") {
        const auto r = flip::assess_compatibility(
            {postgres, {{"CREATE INDEX CONCURRENTLY i ON t (a)", "SHARE UPDATE EXCLUSIVE", "scan"}}, {}, nullptr, nullptr, no_event, false});
        CHECK(r.flags.empty());
    }
    SUBCASE("SQLite: only a scan or a rebuild holds the file lock long") {
        flip::ReplayReportView sqlite;
        sqlite.engine = "sqlite";
        const auto quick = flip::assess_compatibility(
            {sqlite, {{"ALTER TABLE t ADD COLUMN a int", "EXCLUSIVE (whole database)", "none"}}, {}, nullptr, nullptr, no_event, false});
        CHECK(quick.flags.empty());
        const auto index = flip::assess_compatibility(
            {sqlite, {{"CREATE INDEX i ON t (a)", "EXCLUSIVE (whole database)", "scan"}}, {}, nullptr, nullptr, no_event, false});
        CHECK(index.flags == std::vector<std::string>{"BLOCKING_LOCK"});
    }
}

TEST_CASE("flip: type and column changes from the before/after tables") {
    flip::ReplayReportView report;
    report.engine = "postgresql";
    const std::optional<flip::PredictedEvent> no_event;
    const std::vector<schema::TableInfo> before = {table("t", {{"id", 1, "integer", false, std::nullopt}, {"n", 2, "character varying(10)", true, std::nullopt}}, 5)};
    struct Case {
        const char* ddl;
        std::vector<schema::ColumnInfo> after_columns;
        std::int64_t rows;
        std::vector<std::string> flags;
    };
    const Case cases[] = {
        {"ALTER TABLE t ALTER COLUMN id TYPE bigint", {{"id", 1, "bigint", false, std::nullopt}, {"n", 2, "character varying(10)", true, std::nullopt}}, 5, {"TYPE_WIDENED"}},
        {"ALTER TABLE t ALTER COLUMN n TYPE varchar(5)", {{"id", 1, "integer", false, std::nullopt}, {"n", 2, "character varying(5)", true, std::nullopt}}, 5, {"TYPE_NARROWED", "IRREVERSIBLE"}},
        {"ALTER TABLE t ADD COLUMN c int", {{"id", 1, "integer", false, std::nullopt}, {"n", 2, "character varying(10)", true, std::nullopt}, {"c", 3, "integer", true, std::nullopt}}, 5, {"REQUIRES_BACKFILL"}},
        {"ALTER TABLE t ADD COLUMN c int", {{"id", 1, "integer", false, std::nullopt}, {"n", 2, "character varying(10)", true, std::nullopt}, {"c", 3, "integer", true, std::nullopt}}, 0, {}},
        {"ALTER TABLE t ADD COLUMN c int DEFAULT 0", {{"id", 1, "integer", false, std::nullopt}, {"n", 2, "character varying(10)", true, std::nullopt}, {"c", 3, "integer", true, std::string("0")}}, 5, {}},
        {"ALTER TABLE t ADD COLUMN c int NOT NULL", {{"id", 1, "integer", false, std::nullopt}, {"n", 2, "character varying(10)", true, std::nullopt}, {"c", 3, "integer", false, std::nullopt}}, 0, {"WRITERS_BREAK"}},
        {"ALTER TABLE t RENAME COLUMN n TO m", {{"id", 1, "integer", false, std::nullopt}, {"m", 2, "character varying(10)", true, std::nullopt}}, 5, {}},
    };
    for (const auto& c : cases) {
        CAPTURE(std::string(c.ddl));
        const std::vector<schema::TableInfo> after = {table("t", c.after_columns, c.rows)};
        const bool irreversible = std::find(c.flags.begin(), c.flags.end(), "IRREVERSIBLE") != c.flags.end();
        const auto r = flip::assess_compatibility({report, {}, forward_of(c.ddl), &before, &after, no_event, irreversible});
        CHECK(r.flags == c.flags);
    }
}

TEST_CASE("flip: predicted breaks the replay did not see are listed after the observed ones") {
    flip::ReplayReportView report;
    report.engine = "postgresql";
    report.differences = {{"aaaa", "error_shadow_only", "SELECT fax FROM customer", 1, "SELECT fax FROM customer", false, "gone"}};
    flip::PredictedEvent event;
    event.breaks = {{"aaaa", "read", "reads customer.fax", false},
                    {"ffff", "write", "writes customer.fax", false},
                    {"9999", "read", "SELECT * over customer", true}};
    const std::optional<flip::PredictedEvent> predicted = event;
    const auto r = flip::assess_compatibility({report, {}, {}, nullptr, nullptr, predicted, false});
    CHECK(r.flags == std::vector<std::string>{"RESULT_SHAPE_WIDENED", "READERS_BREAK", "WRITERS_BREAK"});
    REQUIRE(r.affected.size() == 3);
    CHECK(r.affected[0].fingerprint == "aaaa");
    CHECK(r.affected[1].fingerprint == "ffff");
    CHECK(r.affected[1].example.empty());
    CHECK(r.affected[1].what_happened == "predicted from the workload profile: writes customer.fax");
    CHECK(r.affected[1].action.find("this write") != std::string::npos);
    CHECK(r.affected[2].action.find("by name") != std::string::npos);
}
