// DDL statements as schema changes in the op vocabulary of shared/data/schema-history.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/sql/statement_info.hpp"

using schemaflip::sql::DdlChange;
using schemaflip::sql::analyze_statement;

namespace {

// "op|table|column|detail": one string per change, easy to compare and to read in a failure.
std::vector<std::string> changes_of(const char* sql) {
    const auto info = analyze_statement(sql);
    REQUIRE(info.parsed);
    std::vector<std::string> rows;
    for (const DdlChange& c : info.ddl_changes) rows.push_back(c.op + "|" + c.table + "|" + c.column + "|" + c.detail);
    return rows;
}

}  // namespace

TEST_CASE("sql: every DDL op") {
    struct Case {
        const char* sql;
        std::vector<std::string> changes;
    };
    const Case cases[] = {
        {"CREATE TABLE public.users (id bigserial PRIMARY KEY, email varchar(255) NOT NULL, org_id int REFERENCES orgs(id))",
         {"create_table|users||id:bigserial email:varchar(255) org_id:integer | fk: org_id->orgs(id)"}},
        {"CREATE TABLE app.t (a numeric(10,2), b text[], CONSTRAINT fk_b FOREIGN KEY (a, b) REFERENCES app.u (x, y))",
         {"create_table|app.t||a:numeric(10,2) b:text[] | fk: a,b->app.u(x,y)"}},
        {"CREATE TABLE t2 AS SELECT * FROM t", {"create_table|t2||"}},
        {"DROP TABLE a, s.b CASCADE", {"drop_table|a||", "drop_table|s.b||"}},
        {"ALTER TABLE t RENAME TO u", {"rename_table|t||-> u"}},
        {"ALTER TABLE t ADD COLUMN x boolean NOT NULL DEFAULT false",
         {"add_column|t|x|boolean not null default"}},
        {"ALTER TABLE t ADD y int REFERENCES u(id)", {"add_column|t|y|integer", "add_foreign_key|t|y|-> u(id)"}},
        {"ALTER TABLE t DROP COLUMN IF EXISTS z", {"drop_column|t|z|"}},
        {"ALTER TABLE t RENAME COLUMN a TO b", {"rename_column|t|a|-> b"}},
        {"ALTER TABLE t ALTER COLUMN a TYPE varchar(40)", {"alter_column_type|t|a|varchar(40)"}},
        {"ALTER TABLE t ALTER a TYPE bigint USING a::bigint", {"alter_column_type|t|a|bigint using"}},
        {"ALTER TABLE t ALTER COLUMN a SET NOT NULL", {"alter_column_null|t|a|set not null"}},
        {"ALTER TABLE t ALTER COLUMN a DROP NOT NULL", {"alter_column_null|t|a|drop not null"}},
        {"ALTER TABLE t ALTER COLUMN a SET DEFAULT 0", {"alter_column_default|t|a|set default"}},
        {"ALTER TABLE t ALTER COLUMN a DROP DEFAULT", {"alter_column_default|t|a|drop default"}},
        {"CREATE INDEX idx_t_a ON t (a)", {"add_index|t|a|idx_t_a"}},
        {"CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i2 ON s.t USING gin (a, lower(b)) WHERE c > 1",
         {"add_index|s.t|a,b|i2 unique concurrently using gin partial"}},
        {"DROP INDEX idx_t_a", {"drop_index|||idx_t_a"}},
        {"DROP INDEX CONCURRENTLY s.i2", {"drop_index|||s.i2 concurrently"}},
        {"ALTER TABLE t ADD CONSTRAINT t_pk PRIMARY KEY (id)", {"add_constraint|t|id|primary key t_pk"}},
        {"ALTER TABLE t ADD UNIQUE (a, b)", {"add_constraint|t|a,b|unique"}},
        {"ALTER TABLE t ADD CONSTRAINT pos CHECK (a > 0)", {"add_constraint|t||check pos"}},
        {"ALTER TABLE t ADD CONSTRAINT t_u_fk FOREIGN KEY (u_id) REFERENCES u (id) NOT VALID",
         {"add_foreign_key|t|u_id|-> u(id) t_u_fk"}},
        {"ALTER TABLE t DROP CONSTRAINT pos", {"drop_constraint|t||pos"}},
        {"ALTER TABLE t DROP CONSTRAINT t_u_id_fkey", {"drop_foreign_key|t||t_u_id_fkey"}},
        {"ALTER TABLE t ADD COLUMN a int, DROP COLUMN b, ALTER COLUMN c SET NOT NULL",
         {"add_column|t|a|integer", "drop_column|t|b|", "alter_column_null|t|c|set not null"}},
        {"ALTER TABLE t VALIDATE CONSTRAINT t_u_fk", {"other|t||validate constraint t_u_fk"}},
        {"CREATE VIEW v AS SELECT 1", {"other|v||ViewStmt"}},
        {"DROP VIEW v", {"other|||drop view v"}},
        {"ALTER INDEX i RENAME TO j", {"other|i||rename index -> j"}},
        {"CREATE SEQUENCE s", {"other|s||CreateSeqStmt"}},
    };
    for (const auto& c : cases) {
        CAPTURE(std::string(c.sql));
        CHECK(changes_of(c.sql) == c.changes);
    }
}

TEST_CASE("sql: DDL reports no tables read or written, and DML reports no schema changes") {
    const auto ddl = analyze_statement("ALTER TABLE t ADD COLUMN x int");
    CHECK(ddl.tables_read.empty());
    CHECK(ddl.tables_written.empty());
    CHECK(analyze_statement("UPDATE t SET a = 1").ddl_changes.empty());
    CHECK(analyze_statement("TRUNCATE t").ddl_changes.empty());
}
