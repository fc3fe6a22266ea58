// Statement kinds: read, write, ddl, transaction, utility, and the most consequential of several.
#include <doctest/doctest.h>

#include "core/sql/statement_info.hpp"

using schemaflip::sql::StatementKind;
using schemaflip::sql::analyze_statement;

TEST_CASE("sql: statement kind comes from the parse tree") {
    struct Case {
        const char* sql;
        StatementKind kind;
    };
    const Case cases[] = {
        {"SELECT 1", StatementKind::read},
        {"select a from t where b = 2 order by a", StatementKind::read},
        {"SELECT nextval('s')", StatementKind::read},  // function effects are not decidable from the tree
        {"(SELECT a FROM t) UNION (SELECT a FROM u)", StatementKind::read},
        {"SELECT * FROM t FOR UPDATE", StatementKind::write},
        {"SELECT * FROM t FOR SHARE SKIP LOCKED", StatementKind::write},
        {"WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", StatementKind::write},
        {"WITH d AS (SELECT 1) SELECT * FROM d", StatementKind::read},
        {"SELECT * INTO new_t FROM t", StatementKind::write},
        {"INSERT INTO t VALUES (1)", StatementKind::write},
        {"UPDATE t SET a = 1", StatementKind::write},
        {"DELETE FROM t", StatementKind::write},
        {"MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE", StatementKind::write},
        {"COPY t FROM STDIN", StatementKind::write},
        {"COPY t TO STDOUT", StatementKind::read},
        {"TRUNCATE t", StatementKind::write},
        {"REFRESH MATERIALIZED VIEW mv", StatementKind::write},
        {"CREATE TABLE t (id int)", StatementKind::ddl},
        {"CREATE TABLE t2 AS SELECT * FROM t", StatementKind::ddl},
        {"ALTER TABLE t ADD COLUMN x int", StatementKind::ddl},
        {"DROP TABLE t", StatementKind::ddl},
        {"CREATE INDEX CONCURRENTLY i ON t (a)", StatementKind::ddl},
        {"DROP INDEX i", StatementKind::ddl},
        {"CREATE VIEW v AS SELECT 1", StatementKind::ddl},
        {"CREATE TYPE mood AS ENUM ('a', 'b')", StatementKind::ddl},
        {"CREATE SEQUENCE s", StatementKind::ddl},
        {"ALTER TABLE t RENAME TO u", StatementKind::ddl},
        {"COMMENT ON TABLE t IS 'x'", StatementKind::ddl},
        {"CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql", StatementKind::ddl},
        {"GRANT SELECT ON t TO bob", StatementKind::ddl},
        {"BEGIN", StatementKind::transaction},
        {"START TRANSACTION ISOLATION LEVEL SERIALIZABLE", StatementKind::transaction},
        {"COMMIT", StatementKind::transaction},
        {"ROLLBACK", StatementKind::transaction},
        {"SAVEPOINT s1", StatementKind::transaction},
        {"RELEASE SAVEPOINT s1", StatementKind::transaction},
        {"SET search_path = app", StatementKind::utility},
        {"SHOW work_mem", StatementKind::utility},
        {"VACUUM ANALYZE t", StatementKind::utility},
        {"ANALYZE t", StatementKind::utility},
        {"EXPLAIN SELECT * FROM t", StatementKind::utility},
        {"EXPLAIN DELETE FROM t", StatementKind::utility},  // plans only, deletes nothing
        {"EXPLAIN ANALYZE DELETE FROM t", StatementKind::write},  // runs the DELETE
        {"EXPLAIN (ANALYZE false) DELETE FROM t", StatementKind::utility},
        {"PREPARE p AS SELECT 1", StatementKind::utility},
        {"EXECUTE p", StatementKind::utility},
        {"DEALLOCATE p", StatementKind::utility},
        {"LISTEN chan", StatementKind::utility},
        {"NOTIFY chan", StatementKind::utility},
        {"LOCK TABLE t", StatementKind::utility},
        {"DECLARE c CURSOR FOR SELECT * FROM t", StatementKind::read},
        {"", StatementKind::utility},
    };
    for (const auto& c : cases) {
        CAPTURE(std::string(c.sql));
        const auto info = analyze_statement(c.sql);
        CHECK(info.parsed);
        CHECK(to_string(info.kind) == std::string(to_string(c.kind)));
    }
}

TEST_CASE("sql: several statements take the most consequential kind") {
    CHECK(analyze_statement("BEGIN; SELECT 1; COMMIT").kind == StatementKind::read);
    CHECK(analyze_statement("BEGIN; UPDATE t SET a = 1; COMMIT").kind == StatementKind::write);
    CHECK(analyze_statement("SELECT 1; ALTER TABLE t ADD c int; DELETE FROM t").kind == StatementKind::ddl);
    CHECK(analyze_statement("SET x = 1; BEGIN").kind == StatementKind::transaction);
    const auto info = analyze_statement("SELECT a FROM t; INSERT INTO u (b) VALUES (1)");
    CHECK(info.tables_read == std::vector<std::string>{"t"});
    CHECK(info.tables_written == std::vector<std::string>{"u"});
}

TEST_CASE("sql: kind names") {
    CHECK(std::string(to_string(StatementKind::read)) == "read");
    CHECK(std::string(to_string(StatementKind::write)) == "write");
    CHECK(std::string(to_string(StatementKind::ddl)) == "ddl");
    CHECK(std::string(to_string(StatementKind::transaction)) == "transaction");
    CHECK(std::string(to_string(StatementKind::utility)) == "utility");
}
