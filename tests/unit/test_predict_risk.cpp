// Risk of a predicted change: the PostgreSQL 15 lock table (a row per change type), the statements a lock
// mode blocks, and each part of the impact formula (duration, traffic, breaking queries), checked against
// the formula of schemaflip-predict(1) and the Chinook workload profile.
#include <doctest/doctest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "core/predict/predictions_inputs.hpp"
#include "core/predict/risk.hpp"
#include "core/sql/lock_levels.hpp"
#include "core/sql/statement_info.hpp"
#include "support/test_support.hpp"

using namespace schemaflip;

namespace {

schema::SchemaSnapshot snapshot_with(const std::string& table, std::vector<schema::ColumnInfo> columns,
                                     std::int64_t rows, std::optional<std::int64_t> bytes) {
    schema::SchemaSnapshot snapshot;
    snapshot.engine = "postgresql";
    schema::TableInfo info;
    info.schema = "public";
    info.name = table;
    info.columns = std::move(columns);
    info.row_count = rows;
    info.bytes = bytes;
    snapshot.tables.push_back(info);
    return snapshot;
}

predict::Candidate concrete(const std::string& table, const std::string& type, const std::string& column,
                            std::vector<std::string> ddl) {
    predict::Candidate candidate;
    candidate.table = table;
    candidate.type = type;
    candidate.column = column;
    candidate.ddl = std::move(ddl);
    return candidate;
}

predict::Workload chinook_workload() {
    return predict::load_workload(test::source_path("fixtures/predict/chinook_app.profile.json"), nullptr);
}

// The profile's fingerprints whose column list names table.column: read from the JSON itself, not
// through the code under test.
std::set<std::string> fingerprints_using(const std::string& qualified_column) {
    const auto document = nlohmann::json::parse(test::read_file(test::source_path("fixtures/predict/chinook_app.profile.json")));
    std::set<std::string> found;
    for (const auto& fingerprint : document["fingerprints"]) {
        if (fingerprint["kind"] != "read" && fingerprint["kind"] != "write") continue;
        for (const auto& column : fingerprint["columns"]) {
            if (column == qualified_column) found.insert(fingerprint["fingerprint"].get<std::string>());
        }
    }
    return found;
}

}  // namespace

TEST_CASE("risk: PostgreSQL 15 lock mode and effect per change type, from the statement") {
    struct Case {
        const char* sql;
        const char* mode;
        const char* effect;
    };
    // ALTER TABLE's per-subcommand locks (PostgreSQL 15 manual, ALTER TABLE and "Explicit Locking");
    // rewrite rules from ATColumnChangeRequiresRewrite and the ADD COLUMN fast default (PostgreSQL 11+).
    const Case cases[] = {
        {"ALTER TABLE t ADD COLUMN a integer", "ACCESS EXCLUSIVE", "none"},
        {"ALTER TABLE t ADD COLUMN a integer DEFAULT 0", "ACCESS EXCLUSIVE", "none"},
        {"ALTER TABLE t ADD COLUMN a text NOT NULL DEFAULT 'x'", "ACCESS EXCLUSIVE", "none"},
        {"ALTER TABLE t ADD COLUMN a timestamptz DEFAULT now()", "ACCESS EXCLUSIVE", "none"},
        {"ALTER TABLE t ADD COLUMN a timestamp DEFAULT CURRENT_TIMESTAMP", "ACCESS EXCLUSIVE", "none"},
        {"ALTER TABLE t ADD COLUMN a float8 DEFAULT random()", "ACCESS EXCLUSIVE", "rewrite"},
        {"ALTER TABLE t ADD COLUMN a uuid DEFAULT gen_random_uuid()", "ACCESS EXCLUSIVE", "rewrite"},
        {"ALTER TABLE t ADD COLUMN a integer DEFAULT my_function()", "ACCESS EXCLUSIVE", "rewrite"},
        {"ALTER TABLE t ADD COLUMN a bigserial", "ACCESS EXCLUSIVE", "rewrite"},
        {"ALTER TABLE t ADD COLUMN a integer GENERATED ALWAYS AS IDENTITY", "ACCESS EXCLUSIVE", "rewrite"},
        {"ALTER TABLE t ADD COLUMN a integer GENERATED ALWAYS AS (b * 2) STORED", "ACCESS EXCLUSIVE", "rewrite"},
        {"ALTER TABLE t ADD COLUMN a integer NOT NULL", "ACCESS EXCLUSIVE", "scan"},
        {"ALTER TABLE t ADD COLUMN a integer UNIQUE", "ACCESS EXCLUSIVE", "scan"},
        {"ALTER TABLE t DROP COLUMN a", "ACCESS EXCLUSIVE", "none"},
        {"ALTER TABLE t RENAME COLUMN a TO b", "ACCESS EXCLUSIVE", "none"},
        {"ALTER TABLE t RENAME TO u", "ACCESS EXCLUSIVE", "none"},
        {"ALTER TABLE t ALTER COLUMN a SET DEFAULT 5", "ACCESS EXCLUSIVE", "none"},
        {"ALTER TABLE t ALTER COLUMN a DROP NOT NULL", "ACCESS EXCLUSIVE", "none"},
        {"ALTER TABLE t ALTER COLUMN a SET NOT NULL", "ACCESS EXCLUSIVE", "scan"},
        {"ALTER TABLE t ALTER COLUMN a TYPE bigint", "ACCESS EXCLUSIVE", "rewrite"},
        {"ALTER TABLE t ALTER COLUMN a TYPE bigint USING a::bigint", "ACCESS EXCLUSIVE", "rewrite"},
        {"CREATE INDEX i ON t (a)", "SHARE", "scan"},
        {"CREATE UNIQUE INDEX i ON t (a)", "SHARE", "scan"},
        {"CREATE INDEX CONCURRENTLY i ON t (a)", "SHARE UPDATE EXCLUSIVE", "scan"},
        {"DROP INDEX i", "ACCESS EXCLUSIVE", "none"},
        {"DROP INDEX CONCURRENTLY i", "SHARE UPDATE EXCLUSIVE", "none"},
        {"ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (u_id) REFERENCES u (id)", "SHARE ROW EXCLUSIVE", "scan"},
        {"ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (u_id) REFERENCES u (id) NOT VALID", "SHARE ROW EXCLUSIVE", "none"},
        {"ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0)", "ACCESS EXCLUSIVE", "scan"},
        {"ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID", "ACCESS EXCLUSIVE", "none"},
        {"ALTER TABLE t ADD CONSTRAINT k UNIQUE (a)", "ACCESS EXCLUSIVE", "scan"},
        {"ALTER TABLE t ADD PRIMARY KEY (a)", "ACCESS EXCLUSIVE", "scan"},
        {"ALTER TABLE t ADD CONSTRAINT k UNIQUE USING INDEX i", "ACCESS EXCLUSIVE", "none"},
        {"ALTER TABLE t VALIDATE CONSTRAINT f", "SHARE UPDATE EXCLUSIVE", "scan"},
        {"ALTER TABLE t ALTER COLUMN a SET STATISTICS 500", "SHARE UPDATE EXCLUSIVE", "none"},
        {"ALTER TABLE t SET (fillfactor = 70)", "SHARE UPDATE EXCLUSIVE", "none"},
        {"ALTER TABLE t SET TABLESPACE archive", "ACCESS EXCLUSIVE", "rewrite"},
        {"ALTER TABLE t SET LOGGED", "ACCESS EXCLUSIVE", "rewrite"},
        {"ALTER TABLE t DISABLE TRIGGER ALL", "SHARE ROW EXCLUSIVE", "none"},
        {"VACUUM FULL t", "ACCESS EXCLUSIVE", "rewrite"},
        {"CLUSTER t USING i", "ACCESS EXCLUSIVE", "rewrite"},
        {"DROP TABLE t", "ACCESS EXCLUSIVE", "none"},
        {"UPDATE t SET a = 1", "ROW EXCLUSIVE", "none"},
        {"ALTER TABLE t ADD COLUMN a integer, ALTER COLUMN b TYPE text", "ACCESS EXCLUSIVE", "rewrite"},
        {"CREATE INDEX CONCURRENTLY i ON t (a); ALTER TABLE t ADD COLUMN b integer", "ACCESS EXCLUSIVE", "scan"},
    };
    for (const auto& c : cases) {
        CAPTURE(std::string(c.sql));
        const auto level = sql::statement_lock_level(c.sql);
        CHECK(level.mode == c.mode);
        CHECK(level.effect == c.effect);
    }
}

TEST_CASE("risk: a type change rewrites unless binary-coercible from the current type") {
    const auto snapshot = snapshot_with("t", {{"v", 1, "character varying(20)", true, {}}, {"n", 2, "numeric(10,2)", true, {}},
                                              {"x", 3, "text", true, {}}, {"i", 4, "integer", true, {}}},
                                        10, 8192);
    struct Case {
        const char* sql;
        const char* effect;
    };
    const Case cases[] = {
        {"ALTER TABLE t ALTER COLUMN v TYPE varchar(40)", "none"},
        {"ALTER TABLE t ALTER COLUMN v TYPE varchar(20)", "none"},
        {"ALTER TABLE t ALTER COLUMN v TYPE varchar", "none"},
        {"ALTER TABLE t ALTER COLUMN v TYPE text", "none"},
        {"ALTER TABLE t ALTER COLUMN v TYPE varchar(10)", "rewrite"},
        {"ALTER TABLE t ALTER COLUMN n TYPE numeric(12,2)", "none"},
        {"ALTER TABLE t ALTER COLUMN n TYPE numeric", "none"},
        {"ALTER TABLE t ALTER COLUMN n TYPE numeric(12,3)", "rewrite"},
        {"ALTER TABLE t ALTER COLUMN n TYPE numeric(8,2)", "rewrite"},
        {"ALTER TABLE t ALTER COLUMN x TYPE varchar", "none"},
        {"ALTER TABLE t ALTER COLUMN x TYPE varchar(100)", "rewrite"},
        {"ALTER TABLE t ALTER COLUMN i TYPE bigint", "rewrite"},
        {"ALTER TABLE t ALTER COLUMN v TYPE text USING v::text", "rewrite"},
        {"ALTER TABLE t ALTER COLUMN missing TYPE text", "rewrite"},
    };
    for (const auto& c : cases) {
        CAPTURE(std::string(c.sql));
        CHECK(sql::statement_lock_level(c.sql, &snapshot).effect == c.effect);
    }
}

TEST_CASE("risk: which ordinary statements each lock mode blocks (PostgreSQL's conflict table)") {
    using sql::BlockedStatements;
    CHECK(sql::blocked_statements("ACCESS EXCLUSIVE") == BlockedStatements::reads_and_writes);
    for (const char* mode : {"EXCLUSIVE", "SHARE ROW EXCLUSIVE", "SHARE"}) {
        CAPTURE(std::string(mode));
        CHECK(sql::blocked_statements(mode) == BlockedStatements::writes);
    }
    for (const char* mode : {"SHARE UPDATE EXCLUSIVE", "ROW EXCLUSIVE", "ROW SHARE", "ACCESS SHARE"}) {
        CAPTURE(std::string(mode));
        CHECK(sql::blocked_statements(mode) == BlockedStatements::none);
    }
}

TEST_CASE("risk: the lock part grows with the table's bytes under a rewrite, and without a profile assumes traffic") {
    const auto candidate = concrete("t", "alter_column_type", "i", {"ALTER TABLE t ALTER COLUMN i TYPE bigint"});
    // 3 GB rewritten at 50 MB/s: 60 s under ACCESS EXCLUSIVE.
    const auto big = snapshot_with("t", {{"i", 1, "integer", true, {}}}, 1'000'000, std::int64_t{3'000'000'000});
    const auto impact = predict::assess_impact(candidate, &big, nullptr);
    CHECK(impact.lock.effect == "rewrite");
    CHECK(impact.estimated_lock_seconds == doctest::Approx(60.0));
    CHECK(impact.duration_part == doctest::Approx(std::log10(61.0) / std::log10(601.0)));
    CHECK(impact.traffic_assumed);
    CHECK(impact.blocked_share == 1.0);
    CHECK(impact.lock_part == doctest::Approx(impact.duration_part));
    CHECK(impact.score == doctest::Approx(100.0 * impact.lock_part));
    CHECK(impact.rows == 1'000'000);

    // The same change on a table of 8 kB takes no measurable time: the lock-queue floor remains.
    const auto small = snapshot_with("t", {{"i", 1, "integer", true, {}}}, 10, std::int64_t{8192});
    const auto brief = predict::assess_impact(candidate, &small, nullptr);
    CHECK(brief.lock_part == doctest::Approx(predict::k_lock_queue_floor));
    CHECK(brief.score == doctest::Approx(10.0));

    // Rows without bytes: rows × 100 bytes. 20M rows scanned at 200 MB/s: 10 s.
    const auto counted = snapshot_with("t", {{"i", 1, "integer", true, {}}}, 20'000'000, std::nullopt);
    const auto scan = predict::assess_impact(concrete("t", "alter_column_null", "i", {"ALTER TABLE t ALTER COLUMN i SET NOT NULL"}),
                                             &counted, nullptr);
    CHECK(scan.estimated_lock_seconds == doctest::Approx(10.0));

    // CREATE INDEX CONCURRENTLY blocks neither reads nor writes: no lock part at all.
    const auto concurrent = predict::assess_impact(concrete("t", "add_index", "i", {"CREATE INDEX CONCURRENTLY i_idx ON t (i)"}),
                                                   &big, nullptr);
    CHECK(concurrent.blocks == sql::BlockedStatements::none);
    CHECK(concurrent.lock_part == 0.0);
    CHECK(concurrent.score == 0.0);

    // A table that does not exist yet has nobody to block.
    predict::Candidate create;
    create.table = "review";
    create.type = "create_table";
    CHECK(predict::assess_impact(create, &big, nullptr).score == 0.0);
}

TEST_CASE("risk: traffic comes from the profile, and dropped columns list the queries they break") {
    const auto workload = chinook_workload();
    const auto snapshot = snapshot_with("invoice", {{"billing_country", 1, "character varying(40)", true, {}}}, 412, 81920);
    const auto drop = concrete("invoice", "drop_column", "billing_country", {"ALTER TABLE invoice DROP COLUMN billing_country"});
    const auto impact = predict::assess_impact(drop, &snapshot, &workload);
    // invoice: 8 of the 44 analysed statements touch it (the profile's table entry); ACCESS EXCLUSIVE
    // blocks all of them.
    CHECK(impact.statement_share == doctest::Approx(8.0 / 44.0));
    CHECK(impact.blocked_share == doctest::Approx(8.0 / 44.0));
    CHECK_FALSE(impact.traffic_assumed);
    std::set<std::string> broken;
    double executions = 0;
    for (const auto& query : impact.broken) {
        broken.insert(query.fingerprint);
        executions += static_cast<double>(query.count);
        CHECK(query.why == "uses dropped column invoice.billing_country");
        CHECK_FALSE(query.widened);
    }
    CHECK(broken == fingerprints_using("invoice.billing_country"));
    CHECK(impact.broken_share == doctest::Approx(executions / 44.0));
    CHECK(impact.break_part == doctest::Approx(0.5 + 0.5 * std::sqrt(executions / 44.0)));
    const double lock_part = std::sqrt(8.0 / 44.0) * predict::k_lock_queue_floor;
    CHECK(impact.lock_part == doctest::Approx(lock_part));
    CHECK(impact.score == doctest::Approx(100.0 * (1.0 - (1.0 - lock_part) * (1.0 - impact.break_part))));
}

TEST_CASE("risk: an added column widens SELECT * readers; renames and retypes break users; widening types do not") {
    const auto workload = chinook_workload();
    const auto snapshot = snapshot_with("customer", {{"email", 1, "character varying(60)", false, {}},
                                                     {"phone", 2, "character varying(24)", true, {}}},
                                        59, 16384);
    const auto add = predict::assess_impact(
        concrete("customer", "add_column", "tier", {"ALTER TABLE customer ADD COLUMN tier text"}), &snapshot, &workload);
    REQUIRE(add.broken.size() == 1);
    CHECK(add.broken[0].fingerprint == "a827e9832bb7b1ce");  // SELECT * FROM customer WHERE email = $1
    CHECK(add.broken[0].widened);
    CHECK(add.widened_share == doctest::Approx(4.0 / 44.0));
    CHECK(add.break_part == doctest::Approx(0.25 + 0.25 * std::sqrt(4.0 / 44.0)));

    const auto rename = predict::assess_impact(
        concrete("customer", "rename_column", "phone", {"ALTER TABLE customer RENAME COLUMN phone TO telephone"}), &snapshot,
        &workload);
    std::set<std::string> renamed;
    for (const auto& query : rename.broken) renamed.insert(query.fingerprint);
    CHECK(renamed == fingerprints_using("customer.phone"));
    CHECK_FALSE(renamed.empty());

    const auto widen = predict::assess_impact(
        concrete("customer", "alter_column_type", "phone", {"ALTER TABLE customer ALTER COLUMN phone TYPE varchar(40)"}),
        &snapshot, &workload);
    CHECK(widen.lock.effect == "none");
    CHECK(widen.broken.empty());
    const auto retype = predict::assess_impact(
        concrete("customer", "alter_column_type", "phone", {"ALTER TABLE customer ALTER COLUMN phone TYPE bigint USING phone::bigint"}),
        &snapshot, &workload);
    CHECK(retype.lock.effect == "rewrite");
    CHECK(retype.broken.size() == renamed.size());
}

TEST_CASE("risk: the score is likelihood times impact, to one decimal") {
    predict::Impact impact;
    impact.score = 42.37;
    CHECK(predict::risk_score(1.0, impact) == doctest::Approx(42.4));
    CHECK(predict::risk_score(0.5, impact) == doctest::Approx(21.2));
    CHECK(predict::risk_score(0.0, impact) == 0.0);
}
