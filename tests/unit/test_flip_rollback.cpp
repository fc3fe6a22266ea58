// Rollback steps proven on real databases: apply the forward DDL, then the generated rollback, and the
// schema snapshot must equal the one taken before. Irreversible changes say so instead.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/db/database.hpp"
#include "core/flip/apply_rollback.hpp"
#include "core/flip/rollback.hpp"
#include "core/schema/introspect.hpp"
#include "support/test_support.hpp"

using namespace schemaflip;

namespace {

constexpr const char* k_setup[] = {
    "CREATE TABLE parent (id integer PRIMARY KEY)",
    ("CREATE TABLE item (id integer PRIMARY KEY, name varchar(50) NOT NULL, price numeric(10,2) DEFAULT 0, "
     "note text, parent_id integer, CONSTRAINT item_price_check CHECK (price >= 0))"),  // one statement, two lines
    "CREATE INDEX item_note_idx ON item (note)",
    "INSERT INTO parent VALUES (1), (2)",
    "INSERT INTO item VALUES (1, 'one', 1.50, 'first', 1), (2, 'two', 2.00, 'second', 2)",
};

// The schema without what data changes (counts, sizes) and without SQLite's stored CREATE INDEX text,
// which SQLite itself rewrites (quoting names) when a table or column is renamed.
nlohmann::ordered_json schema_only(const schema::SchemaSnapshot& snapshot) {
    auto tables = schema::to_json(snapshot).at("tables");
    for (auto& table : tables) {
        table.erase("row_count");
        table.erase("row_count_exact");
        table.erase("bytes");
        if (snapshot.engine != "sqlite") continue;
        for (auto& index : table.at("indexes")) index.erase("definition");
    }
    return tables;
}

std::vector<sql::DdlChange> changes_of(const std::vector<std::string>& statements) {
    std::vector<sql::DdlChange> changes;
    for (const auto& statement : statements) {
        const auto info = sql::analyze_statement(statement);
        REQUIRE_MESSAGE(info.parsed, statement);
        changes.insert(changes.end(), info.ddl_changes.begin(), info.ddl_changes.end());
    }
    return changes;
}

// Applies forward then rollback; returns the plan after checking the schema came back.
flip::RollbackPlan round_trip(db::Database& database, const std::vector<std::string>& forward) {
    const auto before = schema::introspect(database);
    for (const auto& statement : forward) database.execute(statement);
    const auto after = schema::introspect(database);
    const auto plan = flip::plan_rollback(before.tables, after.tables, changes_of(forward));
    INFO("forward: " << forward.front());
    for (const auto& step : plan.steps) {
        INFO("rollback step: " << step);
        database.execute(step);
    }
    if (!plan.irreversible) CHECK(schema_only(schema::introspect(database)) == schema_only(before));
    return plan;
}

const std::vector<std::vector<std::string>> k_reversible_everywhere = {
    {"CREATE INDEX item_name_idx ON item (name)"},
    {"DROP INDEX item_note_idx"},
    {"ALTER TABLE item ADD COLUMN extra integer DEFAULT 5"},
    {"ALTER TABLE item RENAME COLUMN name TO full_name"},
    {"ALTER TABLE item RENAME TO product"},
    {"ALTER TABLE item RENAME COLUMN note TO remark", "ALTER TABLE item RENAME TO product", "CREATE INDEX p_remark ON product (remark)"},
};

const std::vector<std::vector<std::string>> k_reversible_on_postgres = {
    {"ALTER TABLE item ALTER COLUMN name TYPE varchar(100)"},
    {"ALTER TABLE item ALTER COLUMN price TYPE numeric(12,2)"},
    {"ALTER TABLE item ALTER COLUMN note SET NOT NULL"},
    {"ALTER TABLE item ALTER COLUMN name DROP NOT NULL"},
    {"ALTER TABLE item ALTER COLUMN note SET DEFAULT 'n/a'"},
    {"ALTER TABLE item ALTER COLUMN price DROP DEFAULT"},
    {"ALTER TABLE item ALTER COLUMN price SET DEFAULT 9.99"},
    {"ALTER TABLE item ADD CONSTRAINT item_name_key UNIQUE (name)"},
    {"ALTER TABLE item ADD CONSTRAINT item_parent_fk FOREIGN KEY (parent_id) REFERENCES parent (id)"},
    {"ALTER TABLE item ADD CHECK (price < 1000)"},  // a name PostgreSQL makes up: found in the catalog
    {"ALTER TABLE item DROP CONSTRAINT item_price_check"},
    {"ALTER TABLE item RENAME COLUMN name TO title", "ALTER TABLE item ALTER COLUMN title TYPE text"},
};

void set_up(db::Database& database) {
    for (const char* statement : k_setup) database.execute(statement);
}

}  // namespace

TEST_CASE("rollback: reversible changes come back exactly on SQLite") {
    for (const auto& forward : k_reversible_everywhere) {
        test::TempDir dir;
        db::OpenOptions create;
        create.create = true;
        auto database = db::open_database("sqlite:" + (dir.path() / "r.db").string(), create);
        set_up(*database);
        const auto plan = round_trip(*database, forward);
        CHECK_FALSE(plan.irreversible);
        CHECK_FALSE(plan.steps.empty());
    }
}

// What SQLite's ALTER TABLE cannot run (types, NOT NULL, defaults, constraints) goes through the shadow's
// table rebuild, forward and back, as `shadow up` and `rollback --apply` run it; the shapes compare SQLite's
// declared types case-insensitively (a rebuild writes the parser's spelling).
TEST_CASE("rollback: changes SQLite runs through the table rebuild come back exactly on SQLite") {
    const std::vector<std::vector<std::string>> rebuilt = {
        {"ALTER TABLE item ALTER COLUMN name TYPE varchar(100)"},
        {"ALTER TABLE item ALTER COLUMN price TYPE numeric(12,2)"},
        {"ALTER TABLE item ALTER COLUMN note SET NOT NULL"},
        {"ALTER TABLE item ALTER COLUMN name DROP NOT NULL"},
        {"ALTER TABLE item ALTER COLUMN note SET DEFAULT 'n/a'"},
        {"ALTER TABLE item ALTER COLUMN price DROP DEFAULT"},
        {"ALTER TABLE item ALTER COLUMN price SET DEFAULT 9.99"},
        // Not the constraints: SQLite's catalog names a UNIQUE constraint after its autoindex
        // (sqlite_autoindex_item_1), not as declared, so there is no name to drop it by, and inspect does
        // not read CHECK constraints out of SQLite's stored CREATE TABLE, so a dropped one goes unseen.
        {"ALTER TABLE item RENAME COLUMN name TO title", "ALTER TABLE item ALTER COLUMN title TYPE text"},
    };
    for (const auto& forward : rebuilt) {
        INFO("forward: " << forward.front());
        test::TempDir dir;
        db::OpenOptions create;
        create.create = true;
        auto database = db::open_database("sqlite:" + (dir.path() / "r.db").string(), create);
        set_up(*database);
        const auto before = schema::introspect(*database);
        flip::apply_rollback_steps(*database, forward);
        const auto after = schema::introspect(*database);
        const auto plan = flip::plan_rollback(before.tables, after.tables, changes_of(forward));
        CHECK_FALSE(plan.irreversible);
        REQUIRE_FALSE(plan.steps.empty());
        flip::apply_rollback_steps(*database, plan.steps);
        const auto back = schema::introspect(*database);
        for (const auto& table : before.tables) {
            INFO("table " << table.name << ", steps: " << plan.steps.front());
            const auto* now = back.find_table(table.name);
            REQUIRE(now != nullptr);
            CHECK(schema::shape_json(*now, "sqlite") == schema::shape_json(table, "sqlite"));
        }
    }
}

TEST_CASE("rollback: reversible changes come back exactly on PostgreSQL") {
    const auto admin = test::postgres_url();
    if (!admin) return;
    auto all = k_reversible_everywhere;
    all.insert(all.end(), k_reversible_on_postgres.begin(), k_reversible_on_postgres.end());
    for (const auto& forward : all) {
        test::ScratchPostgresDatabase scratch(*admin);
        auto database = db::open_database(scratch.url());
        set_up(*database);
        const auto plan = round_trip(*database, forward);
        CHECK_FALSE(plan.irreversible);
        CHECK_FALSE(plan.data_loss);
        CHECK_FALSE(plan.steps.empty());
    }
}

TEST_CASE("rollback: dropped columns and narrowed types are irreversible, with the reason") {
    const auto admin = test::postgres_url();
    if (!admin) return;
    const std::vector<std::vector<std::string>> irreversible = {
        {"ALTER TABLE item DROP COLUMN note"},
        {"ALTER TABLE item ALTER COLUMN name TYPE varchar(10)"},
        {"ALTER TABLE item ALTER COLUMN price TYPE integer"},
        {"DROP TABLE item"},
    };
    for (const auto& forward : irreversible) {
        test::ScratchPostgresDatabase scratch(*admin);
        auto database = db::open_database(scratch.url());
        set_up(*database);
        const auto plan = round_trip(*database, forward);  // the steps still run: they restore the shape
        CHECK(plan.irreversible);
        CHECK(plan.data_loss);
        REQUIRE_FALSE(plan.reasons.empty());
    }
}

TEST_CASE("rollback: a dropped column comes back with its type, an added one goes") {
    schema::TableInfo before;
    before.name = "t";
    before.columns = {{"id", 1, "integer", false, std::nullopt}, {"gone", 2, "text", true, std::string("'x'::text")}};
    schema::TableInfo after = before;
    after.columns = {{"id", 1, "integer", false, std::nullopt}, {"fresh", 3, "bigint", true, std::nullopt}};
    const auto plan = flip::plan_rollback({before}, {after}, changes_of({"ALTER TABLE t DROP COLUMN gone",
                                                                         "ALTER TABLE t ADD COLUMN fresh bigint"}));
    REQUIRE(plan.steps.size() == 2);
    CHECK(plan.steps[0] == "ALTER TABLE \"t\" DROP COLUMN \"fresh\"");
    CHECK(plan.steps[1] == "ALTER TABLE \"t\" ADD COLUMN \"gone\" text DEFAULT 'x'::text");
    CHECK(plan.irreversible);
}
