// The shadow manifest's JSON round trip and checks, and the lock table per change type.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/sql/lock_levels.hpp"
#include "core/shadow/shadow_manifest.hpp"
#include "core/sql/statement_info.hpp"
#include "core/util/error.hpp"

using namespace schemaflip;

TEST_CASE("shadow: a manifest survives JSON and a wrong document is bad input") {
    shadow::ShadowManifest manifest;
    manifest.engine = "sqlite";
    manifest.primary = "/data/app.db";
    manifest.shadow = "/data/app.shadow.db";
    manifest.state = "ready";
    manifest.created_at = "2026-11-24T00:00:00.000Z";
    manifest.changes.push_back({"0123456789abcdef", "m.sql", {{"ALTER TABLE t ADD a int", 1.5, "EXCLUSIVE", "none"}}});
    manifest.created.push_back({"file", "/data/app.shadow.db"});
    manifest.tables.push_back({"main", "t", 3, std::nullopt});
    manifest.tables.push_back({"main", "u", 4, 8192});

    const auto document = shadow::to_json(manifest);
    CHECK(document["kind"] == "shadow_manifest");
    CHECK(document["lsn"].is_null());
    const auto back = shadow::manifest_from_json(nlohmann::json::parse(document.dump()));
    CHECK(shadow::to_json(back) == document);

    auto wrong_kind = nlohmann::json::parse(document.dump());
    wrong_kind["kind"] = "schema_snapshot";
    CHECK_THROWS_AS(shadow::manifest_from_json(wrong_kind), InputError);
    auto missing = nlohmann::json::parse(document.dump());
    missing.erase("created");
    CHECK_THROWS_AS(shadow::manifest_from_json(missing), InputError);
}

TEST_CASE("shadow: the changed tables before and after survive JSON, and a manifest without them still reads") {
    schema::TableInfo before;
    before.schema = "main";
    before.name = "t";
    before.columns = {{"id", 1, "INTEGER", false, std::nullopt}, {"name", 2, "TEXT", true, std::string("'x'")}};
    before.indexes = {{"t_name", {"name"}, false, false, "btree", std::string("CREATE INDEX t_name ON t (name)")}};
    before.row_count = 2;
    before.row_count_exact = true;
    schema::TableInfo after = before;
    after.columns.push_back({"extra", 3, "integer", true, std::nullopt});

    shadow::ShadowManifest manifest;
    manifest.engine = "sqlite";
    manifest.state = "ready";
    manifest.changed_tables = shadow::ChangedTables{"sqlite", {before}, {after}};
    const auto document = shadow::to_json(manifest);
    REQUIRE(document["changed_tables"]["before"].size() == 1);
    CHECK(document["changed_tables"]["before"][0] == schema::to_json(before));
    CHECK(document["changed_tables"]["after"][0]["columns"].size() == 3);
    const auto back = shadow::manifest_from_json(nlohmann::json::parse(document.dump()));
    REQUIRE(back.changed_tables);
    CHECK(shadow::to_json(back) == document);

    auto old = nlohmann::json::parse(document.dump());
    old.erase("changed_tables");  // a manifest written before the field existed
    CHECK_FALSE(shadow::manifest_from_json(old).changed_tables);
    auto broken = nlohmann::json::parse(document.dump());
    broken["changed_tables"]["before"][0].erase("columns");
    CHECK_THROWS_AS(shadow::manifest_from_json(broken), InputError);
}

TEST_CASE("shadow: changed_tables keeps only the tables whose shape differs, renamed ones on both sides") {
    schema::SchemaSnapshot before;
    before.engine = "postgresql";
    before.tables.resize(3);
    before.tables[0].schema = before.tables[1].schema = before.tables[2].schema = "public";
    before.tables[0].name = "kept";
    before.tables[1].name = "old_name";
    before.tables[2].name = "typed";
    before.tables[2].columns = {{"a", 1, "integer", true, std::nullopt}};
    schema::SchemaSnapshot after = before;
    after.tables[0].row_count = 100;  // rows are data, not schema
    after.tables[1].name = "new_name";
    after.tables[2].columns[0].type = "bigint";
    const auto changed = shadow::changed_tables(before, after);
    REQUIRE(changed.before.size() == 2);
    CHECK(changed.before[0].name == "old_name");
    CHECK(changed.before[1].name == "typed");
    REQUIRE(changed.after.size() == 2);
    CHECK(changed.after[0].name == "new_name");
    CHECK(changed.after[1].columns[0].type == "bigint");
}

TEST_CASE("shadow: PostgreSQL lock mode per change type") {
    struct Case {
        const char* sql;
        const char* mode;
        const char* effect;
    };
    // Modes from the PostgreSQL 15 manual (ALTER TABLE, CREATE INDEX, "Explicit Locking").
    const Case cases[] = {
        {"ALTER TABLE t ADD COLUMN a int", "ACCESS EXCLUSIVE", "none"},
        {"CREATE INDEX i ON t (a)", "SHARE", "scan"},
        {"CREATE INDEX CONCURRENTLY i ON t (a)", "SHARE UPDATE EXCLUSIVE", "scan"},
        {"ALTER TABLE t ALTER COLUMN a TYPE bigint", "ACCESS EXCLUSIVE", "rewrite"},
        {"ALTER TABLE t ALTER COLUMN a SET NOT NULL", "ACCESS EXCLUSIVE", "scan"},
        {"ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (u_id) REFERENCES u (id)", "SHARE ROW EXCLUSIVE", "scan"},
        {"ALTER TABLE t VALIDATE CONSTRAINT f", "SHARE UPDATE EXCLUSIVE", "scan"},
        {"ALTER TABLE t RENAME COLUMN a TO b", "ACCESS EXCLUSIVE", "none"},
        {"ALTER TABLE t ADD COLUMN a int, ALTER COLUMN b TYPE text", "ACCESS EXCLUSIVE", "rewrite"},
    };
    for (const auto& c : cases) {
        CAPTURE(std::string(c.sql));
        const auto info = sql::analyze_statement(c.sql);
        REQUIRE(info.parsed);
        const auto level = sql::postgres_lock_level(info.ddl_changes);
        CHECK(level.mode == c.mode);
        CHECK(level.effect == c.effect);
    }
}
