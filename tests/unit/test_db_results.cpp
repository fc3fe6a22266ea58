// Typed results, transactions (including read-only ones) and timing on both engines.
#include <doctest/doctest.h>

#include <cmath>

#include "core/db/database.hpp"
#include "core/util/error.hpp"
#include "support/test_support.hpp"

using namespace schemaflip;
using db::ValueKind;

namespace {

void check_transactions(db::Database& database) {
    database.execute("CREATE TABLE t (id integer PRIMARY KEY, name text)");
    database.execute("INSERT INTO t VALUES (1, 'one')");

    SUBCASE("rollback undoes a write") {
        database.begin();
        database.execute("INSERT INTO t VALUES (2, 'two')");
        database.rollback();
        CHECK(db::value_integer(database.query("SELECT count(*) FROM t").rows[0][0]) == 1);
    }
    SUBCASE("commit keeps a write and reports affected rows") {
        database.begin();
        const auto update = database.query("UPDATE t SET name = 'uno' WHERE id = 1");
        database.commit();
        CHECK(update.affected_rows == 1);
        CHECK(db::value_text(database.query("SELECT name FROM t").rows[0][0]) == "uno");
    }
    SUBCASE("a read-only transaction refuses writes and reads fine") {
        database.begin(/*read_only=*/true);
        CHECK(db::value_integer(database.query("SELECT count(*) FROM t").rows[0][0]) == 1);
        CHECK_THROWS_AS(database.execute("INSERT INTO t VALUES (3, 'three')"), Error);
        database.rollback();
        // After the read-only transaction, writes work again.
        database.execute("INSERT INTO t VALUES (3, 'three')");
        CHECK(db::value_integer(database.query("SELECT count(*) FROM t").rows[0][0]) == 2);
    }
    SUBCASE("statements are timed") {
        const auto result = database.query("SELECT count(*) FROM t");
        CHECK(result.elapsed.count() > 0);
    }
    SUBCASE("a bad statement is bad input, not a crash") {
        CHECK_THROWS_AS(database.query("SELEC nonsense"), InputError);
        CHECK_THROWS_AS(database.query("SELECT * FROM no_such_table"), InputError);
    }
}

}  // namespace

TEST_CASE("SQLite results are typed from storage class and declared type") {
    auto database = db::open_database("sqlite::memory:");
    database->execute(
        "CREATE TABLE v (i INTEGER, f REAL, n NUMERIC(10,2), t TEXT, b BLOB, flag BOOLEAN, d DATE, ts DATETIME, j JSON)");
    database->execute(
        "INSERT INTO v VALUES (42, 1.5, 12.5, 'héllo', x'00ff10', 1, '2024-01-02', '2024-01-02 03:04:05', '{\"a\":1}')");
    database->execute("INSERT INTO v VALUES (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)");
    const auto result = database->query("SELECT * FROM v");
    REQUIRE(result.columns.size() == 9);
    CHECK(result.columns[2].engine_type == "NUMERIC(10,2)");
    const auto& row = result.rows.at(0);
    CHECK(row[0] == db::Value::of_integer(42));
    CHECK(row[1] == db::Value::of_float(1.5));
    CHECK(row[2].kind == ValueKind::floating);  // NUMERIC affinity stores 12.5 as REAL
    CHECK(row[3] == db::Value::of_text(ValueKind::text, "héllo"));
    CHECK(row[4] == db::Value::of_text(ValueKind::bytes, std::string("\x00\xff\x10", 3)));
    CHECK(row[5] == db::Value::of_boolean(true));
    CHECK(row[6].kind == ValueKind::date);
    CHECK(row[7] == db::Value::of_text(ValueKind::timestamp, "2024-01-02 03:04:05"));
    CHECK(row[8].kind == ValueKind::json);
    for (const auto& value : result.rows.at(1)) CHECK(value.is_null());
}

TEST_CASE("SQLite transactions") {
    auto database = db::open_database("sqlite::memory:");
    check_transactions(*database);
}

TEST_CASE("PostgreSQL results are typed from the column type") {
    const auto url = test::postgres_url();
    if (!url) return;
    auto database = db::open_database(*url);
    const auto result = database->query(
        "SELECT 1::int2 AS a, 2::int4 AS b, 9000000000::int8 AS c, 1.5::float4 AS d, 2.25::float8 AS e, "
        "12.340::numeric(10,3) AS f, 'héllo'::text AS g, 'x'::varchar(3) AS h, '\\x00ff10'::bytea AS i, true AS j, "
        "date '2024-01-02' AS k, timestamp '2024-01-02 03:04:05' AS l, "
        "timestamptz '2024-01-02 03:04:05+00' AS m, '{\"a\":1}'::json AS n, '{\"a\": 1}'::jsonb AS o, "
        "NULL::int4 AS p, '6b1b2c1e-8f8e-4d7a-9b0a-3f1f8e2a0c11'::uuid AS q, time '10:11:12' AS r");
    REQUIRE(result.columns.size() == 18);
    CHECK(result.columns[0].name == "a");
    CHECK(result.columns[0].engine_type == "int2");
    CHECK(result.columns[5].engine_type == "numeric");
    const auto& row = result.rows.at(0);
    CHECK(row[0] == db::Value::of_integer(1));
    CHECK(row[1] == db::Value::of_integer(2));
    CHECK(row[2] == db::Value::of_integer(9000000000));
    CHECK(row[3] == db::Value::of_float(1.5));
    CHECK(row[4] == db::Value::of_float(2.25));
    CHECK(row[5] == db::Value::of_text(ValueKind::numeric, "12.340"));
    CHECK(row[6] == db::Value::of_text(ValueKind::text, "héllo"));
    CHECK(row[7] == db::Value::of_text(ValueKind::text, "x"));
    CHECK(row[8] == db::Value::of_text(ValueKind::bytes, std::string("\x00\xff\x10", 3)));
    CHECK(row[9] == db::Value::of_boolean(true));
    CHECK(row[10] == db::Value::of_text(ValueKind::date, "2024-01-02"));
    CHECK(row[11] == db::Value::of_text(ValueKind::timestamp, "2024-01-02 03:04:05"));
    CHECK(row[12].kind == ValueKind::timestamptz);
    CHECK(row[13] == db::Value::of_text(ValueKind::json, "{\"a\":1}"));
    CHECK(row[14].kind == ValueKind::json);
    CHECK(row[15].is_null());
    CHECK(result.columns[16].engine_type == "uuid");
    CHECK(row[17] == db::Value::of_text(ValueKind::time, "10:11:12"));
}

TEST_CASE("PostgreSQL transactions") {
    const auto admin = test::postgres_url();
    if (!admin) return;
    test::ScratchPostgresDatabase scratch(*admin);
    auto database = db::open_database(scratch.url());
    check_transactions(*database);
}

TEST_CASE("PostgreSQL read-only sessions refuse writes on the server") {
    const auto admin = test::postgres_url();
    if (!admin) return;
    test::ScratchPostgresDatabase scratch(*admin);
    db::open_database(scratch.url())->execute("CREATE TABLE t (id int)");
    db::OpenOptions read_only;
    read_only.read_only = true;
    auto database = db::open_database(scratch.url(), read_only);
    CHECK_THROWS_AS(database->execute("INSERT INTO t VALUES (1)"), Error);
    CHECK(database->query("SELECT count(*) FROM t").rows.size() == 1);
}

namespace {

// Two scratch databases on the test server, a connection to each.
struct TwoScratchDatabases {
    explicit TwoScratchDatabases(const std::string& admin)
        : first_scratch(admin), second_scratch(admin), first(db::open_database(first_scratch.url())),
          second(db::open_database(second_scratch.url())) {}
    test::ScratchPostgresDatabase first_scratch;
    test::ScratchPostgresDatabase second_scratch;
    std::unique_ptr<db::Database> first;
    std::unique_ptr<db::Database> second;
};

}  // namespace

TEST_CASE("PostgreSQL read-only statements: typed as query() types them, alone or on two servers at once") {
    const auto admin = test::postgres_url();
    if (!admin) return;
    TwoScratchDatabases two(*admin);
    auto& first = two.first;
    auto& second = two.second;
    first->execute("CREATE TABLE t (id int PRIMARY KEY, name text); INSERT INTO t VALUES (1, 'first')");
    second->execute("CREATE TABLE t (id int PRIMARY KEY, name text); INSERT INTO t VALUES (1, 'second'), (2, 'more')");
    const std::chrono::milliseconds timeout{5000};

    SUBCASE("the same values and types as query()") {
        const std::string typed = "SELECT 9000000000::int8 AS a, 'NaN'::float8 AS b, '-Infinity'::float4 AS c, 1.50::numeric AS d, "
                                  "'\\x00ff'::bytea AS e, false AS f, NULL::text AS g, 'x'::text AS h, 42::oid AS i";
        const auto direct = first->query(typed);
        const auto read = first->query_read_only(typed, timeout);
        REQUIRE(read.ok);
        REQUIRE(read.result.columns.size() == direct.columns.size());
        for (std::size_t i = 0; i < direct.columns.size(); ++i) {
            CHECK(read.result.columns[i].name == direct.columns[i].name);
            CHECK(read.result.columns[i].engine_type == direct.columns[i].engine_type);
        }
        REQUIRE(read.result.rows.size() == 1);
        for (std::size_t i = 0; i < direct.rows[0].size(); ++i) {
            if (direct.rows[0][i].kind == ValueKind::floating) {
                CHECK(std::isnan(read.result.rows[0][i].floating) == std::isnan(direct.rows[0][i].floating));
                CHECK(std::isinf(read.result.rows[0][i].floating) == std::isinf(direct.rows[0][i].floating));
            } else {
                CHECK(read.result.rows[0][i] == direct.rows[0][i]);
            }
        }
        CHECK(read.result.elapsed.count() > 0);
    }
    SUBCASE("two servers at once: each its own rows, this database's first") {
        const auto [mine, theirs] = first->query_read_only_beside(*second, "SELECT name FROM t ORDER BY id", timeout);
        REQUIRE(mine.ok);
        REQUIRE(theirs.ok);
        CHECK(mine.result.rows.size() == 1);
        CHECK(db::value_text(mine.result.rows[0][0]) == "first");
        CHECK(theirs.result.rows.size() == 2);
        CHECK(mine.result.elapsed.count() > 0);
        CHECK(theirs.result.elapsed.count() > 0);
    }
    SUBCASE("a statement that fails on one side is that side's outcome, and both sessions go on") {
        second->execute("ALTER TABLE t RENAME COLUMN name TO label");
        const auto [mine, theirs] = first->query_read_only_beside(*second, "SELECT name FROM t", timeout);
        CHECK(mine.ok);
        CHECK_FALSE(theirs.ok);
        CHECK(theirs.sqlstate == "42703");
        CHECK(theirs.error.find("name") != std::string::npos);
        // The failed transaction was rolled back: the session takes writes again.
        second->execute("INSERT INTO t VALUES (3, 'after')");
        CHECK(db::value_integer(second->query("SELECT count(*) FROM t").rows[0][0]) == 3);
    }
    SUBCASE("writes are refused and leave nothing, a trailing comment does not swallow the rollback") {
        const auto write = first->query_read_only("INSERT INTO t VALUES (5, 'no')", timeout);
        CHECK_FALSE(write.ok);
        CHECK(write.sqlstate == "25006");
        const auto commented = first->query_read_only("SELECT count(*) FROM t -- a trailing comment", timeout);
        REQUIRE(commented.ok);
        CHECK(db::value_integer(commented.result.rows[0][0]) == 1);
        // No transaction is left open: a write in the ordinary session commits.
        first->execute("INSERT INTO t VALUES (6, 'yes')");
        auto other_session = db::open_database(two.first_scratch.url());
        CHECK(db::value_integer(other_session->query("SELECT count(*) FROM t").rows[0][0]) == 2);
    }
}

TEST_CASE("PostgreSQL reads on two servers at once share a read-only transaction that anything else ends") {
    const auto admin = test::postgres_url();
    if (!admin) return;
    TwoScratchDatabases two(*admin);
    auto& first = two.first;
    auto& second = two.second;
    auto monitor = db::open_database(*admin);
    const std::chrono::milliseconds timeout{5000};
    const auto pids = first->query_read_only_beside(*second, "SELECT pg_backend_pid()", timeout);
    REQUIRE(pids.first.ok);
    REQUIRE(pids.second.ok);
    const auto state = [&](const db::StatementOutcome& pid) {
        return db::value_text(
            monitor->query("SELECT state FROM pg_stat_activity WHERE pid = " + db::value_text(pid.result.rows[0][0])).rows.at(0).at(0));
    };
    // The first read of a batch leaves its transaction open for the next one.
    CHECK(state(pids.first) == "idle in transaction");
    CHECK(state(pids.second) == "idle in transaction");

    SUBCASE("end_shared_reads rolls it back, with what a read set") {
        const auto set = first->query_read_only_beside(*second, "SELECT set_config('search_path', 'nowhere', false)", timeout);
        REQUIRE(set.first.ok);
        first->end_shared_reads();
        second->end_shared_reads();
        CHECK(state(pids.first) == "idle");
        CHECK(state(pids.second) == "idle");
        CHECK(db::value_text(first->query("SHOW search_path").rows[0][0]) != "nowhere");
        first->end_shared_reads();  // nothing open: nothing to do
    }
    SUBCASE("any other statement on the connection ends it first") {
        first->execute("CREATE TABLE t (id int)");
        CHECK(state(pids.first) == "idle");
        CHECK(first->query_read_only("SELECT count(*) FROM t", timeout).ok);
        CHECK(state(pids.second) == "idle in transaction");
        CHECK(second->try_execute("CREATE TABLE t (id int)", timeout).ok);  // a write commits: not inside a read-only transaction
        CHECK(state(pids.second) == "idle");
    }
    SUBCASE("a read failing on one side rolls back that side's transaction; writes are still refused on the other") {
        second->end_shared_reads();
        second->execute("CREATE TABLE only_second (id int)");
        const auto failing = first->query_read_only_beside(*second, "SELECT count(*) FROM only_second", timeout);
        CHECK_FALSE(failing.first.ok);
        CHECK(failing.second.ok);
        CHECK(state(pids.first) == "idle");
        const auto write = first->query_read_only_beside(*second, "SELECT nextval('s')", timeout);
        CHECK_FALSE(write.first.ok);
        CHECK(write.second.sqlstate == "42P01");  // no such sequence: but never a write
        second->execute("CREATE SEQUENCE s");
        const auto nextval = first->query_read_only_beside(*second, "SELECT nextval('s')", timeout);
        CHECK(nextval.second.sqlstate == "25006");  // read-only transaction
    }
}
