// Tables read and written and column attribution: aliases, CTEs, subqueries, DML forms, filter vs join.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/schema/snapshot.hpp"
#include "core/sql/statement_info.hpp"

using schemaflip::sql::ColumnRef;
using schemaflip::sql::analyze_statement;
using Names = std::vector<std::string>;

namespace {

// "table.column", or ".column" when the table is unknown: short to write in a table of cases.
Names render(const std::vector<ColumnRef>& columns) {
    Names names;
    for (const auto& c : columns) names.push_back(c.table + "." + c.column);
    return names;
}

schemaflip::schema::TableInfo table(const char* schema, const char* name, const Names& columns) {
    schemaflip::schema::TableInfo info;
    info.schema = schema;
    info.name = name;
    int position = 0;
    for (const auto& column : columns) info.columns.push_back({column, ++position, "integer", true, std::nullopt});
    return info;
}

schemaflip::schema::SchemaSnapshot shop_schema() {
    schemaflip::schema::SchemaSnapshot snapshot;
    snapshot.engine = "postgresql";
    snapshot.tables.push_back(table("public", "customers", {"id", "name", "email", "region_id"}));
    snapshot.tables.push_back(table("public", "orders", {"id", "customer_id", "total", "placed_at"}));
    snapshot.tables.push_back(table("sales", "regions", {"id", "label"}));
    return snapshot;
}

struct Case {
    const char* name;
    const char* sql;
    Names read;
    Names written;
    Names columns;
    Names filter;
    Names join;
    Names written_columns = {};
    bool star = false;
};

void check_case(const Case& c, const schemaflip::schema::SchemaSnapshot* schema = nullptr) {
    CAPTURE(std::string(c.name));
    CAPTURE(std::string(c.sql));
    const auto info = analyze_statement(c.sql, schema);
    REQUIRE(info.parsed);
    CHECK(info.tables_read == c.read);
    CHECK(info.tables_written == c.written);
    CHECK(render(info.columns) == c.columns);
    CHECK(render(info.filter_columns) == c.filter);
    CHECK(render(info.join_columns) == c.join);
    CHECK(render(info.written_columns) == c.written_columns);
    CHECK(info.select_star == c.star);
}

}  // namespace

TEST_CASE("sql: tables and columns without a schema") {
    const Case cases[] = {
        {"single table, unqualified columns", "SELECT name FROM customers WHERE id = 3",
         {"customers"}, {}, {"customers.id", "customers.name"}, {"customers.id"}, {}},
        {"public schema is dropped, others kept", "SELECT r.label FROM public.customers c JOIN sales.regions r ON r.id = c.region_id",
         {"customers", "sales.regions"}, {}, {"customers.region_id", "sales.regions.id", "sales.regions.label"}, {},
         {"customers.region_id", "sales.regions.id"}},
        {"aliases and a join with extra WHERE filter",
         "SELECT c.name, o.total FROM customers AS c JOIN orders o ON o.customer_id = c.id WHERE o.total > 10",
         {"customers", "orders"}, {}, {"customers.id", "customers.name", "orders.customer_id", "orders.total"},
         {"orders.total"}, {"customers.id", "orders.customer_id"}},
        {"equality between two tables in WHERE is a join",
         "SELECT 1 FROM customers c, orders o WHERE c.id = o.customer_id AND c.email = 'x'",
         {"customers", "orders"}, {}, {"customers.email", "customers.id", "orders.customer_id"}, {"customers.email"},
         {"customers.id", "orders.customer_id"}},
        {"unqualified column in a join stays unattributed", "SELECT total FROM customers c JOIN orders o ON o.customer_id = c.id",
         {"customers", "orders"}, {}, {".total", "customers.id", "orders.customer_id"}, {}, {"customers.id", "orders.customer_id"}},
        {"USING attributes the column to both sides", "SELECT 1 FROM orders JOIN customers USING (id)",
         {"customers", "orders"}, {}, {"customers.id", "orders.id"}, {}, {"customers.id", "orders.id"}},
        {"quoted identifiers keep their case", "SELECT \"Name\" FROM \"Artist\" WHERE \"ArtistId\" = 1",
         {"Artist"}, {}, {"Artist.ArtistId", "Artist.Name"}, {"Artist.ArtistId"}, {}},
        {"CTE columns lead back to the base table",
         "WITH big AS (SELECT customer_id AS cid, total FROM orders WHERE total > 100) "
         "SELECT c.name FROM big JOIN customers c ON c.id = big.cid",
         {"customers", "orders"}, {}, {"customers.id", "customers.name", "orders.customer_id", "orders.total"},
         {"orders.total"}, {"customers.id", "orders.customer_id"}},
        {"a CTE name is not a table", "WITH orders AS (SELECT 1 AS id) SELECT id FROM orders",
         {}, {}, {}, {}, {}},
        {"derived table with column aliases",
         "SELECT s.n FROM (SELECT name FROM customers) AS s(n) WHERE s.n LIKE 'a%'",
         {"customers"}, {}, {"customers.name"}, {"customers.name"}, {}},
        {"correlated subquery reaches the outer table",
         "SELECT id FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.total > 5)",
         {"customers", "orders"}, {}, {"customers.id", "orders.customer_id", "orders.total"}, {"orders.total"},
         {"customers.id", "orders.customer_id"}},
        {"IN subquery", "SELECT name FROM customers WHERE id IN (SELECT customer_id FROM orders)",
         {"customers", "orders"}, {}, {"customers.id", "customers.name", "orders.customer_id"}, {"customers.id"}, {}},
        {"LATERAL sees the items before it",
         "SELECT l.total FROM customers c, LATERAL (SELECT total FROM orders o WHERE o.customer_id = c.id) l",
         {"customers", "orders"}, {}, {"customers.id", "orders.customer_id", "orders.total"}, {},
         {"customers.id", "orders.customer_id"}},
        {"SELECT *", "SELECT * FROM customers", {"customers"}, {}, {}, {}, {}, {}, true},
        {"t.* in a subquery", "SELECT x.id FROM (SELECT c.* FROM customers c) x", {"customers"}, {}, {".id"}, {}, {}, {}, true},
        {"count(*) is not SELECT *", "SELECT count(*) FROM orders", {"orders"}, {}, {}, {}, {}},
        {"ORDER BY an output alias is not a column", "SELECT total * 2 AS doubled FROM orders ORDER BY doubled",
         {"orders"}, {}, {"orders.total"}, {}, {}},
        {"HAVING is a filter", "SELECT customer_id FROM orders GROUP BY customer_id HAVING sum(total) > 5",
         {"orders"}, {}, {"orders.customer_id", "orders.total"}, {"orders.total"}, {}},
        {"UNION branches", "SELECT id FROM customers UNION SELECT customer_id FROM orders",
         {"customers", "orders"}, {}, {"customers.id", "orders.customer_id"}, {}, {}},
        {"INSERT … SELECT", "INSERT INTO orders (customer_id, total) SELECT id, 0 FROM customers WHERE region_id = 2",
         {"customers"}, {"orders"}, {"customers.id", "customers.region_id", "orders.customer_id", "orders.total"},
         {"customers.region_id"}, {}, {"orders.customer_id", "orders.total"}},
        {"INSERT … ON CONFLICT with EXCLUDED",
         "INSERT INTO customers (id, email) VALUES (1, 'a') ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email",
         {}, {"customers"}, {"customers.email", "customers.id"}, {}, {}, {"customers.email", "customers.id"}},
        {"INSERT … RETURNING *", "INSERT INTO orders (total) VALUES (1) RETURNING *", {}, {"orders"}, {"orders.total"},
         {}, {}, {"orders.total"}, true},
        {"UPDATE … FROM", "UPDATE orders o SET total = c.region_id FROM customers c WHERE c.id = o.customer_id AND c.name = 'x'",
         {"customers"}, {"orders"}, {"customers.id", "customers.name", "customers.region_id", "orders.customer_id", "orders.total"},
         {"customers.name"}, {"customers.id", "orders.customer_id"}, {"orders.total"}},
        {"UPDATE with its own columns", "UPDATE orders SET total = total + 1 WHERE id = 4",
         {}, {"orders"}, {"orders.id", "orders.total"}, {"orders.id"}, {}, {"orders.total"}},
        {"DELETE … USING", "DELETE FROM orders o USING customers c WHERE o.customer_id = c.id AND c.email IS NULL",
         {"customers"}, {"orders"}, {"customers.email", "customers.id", "orders.customer_id"}, {"customers.email"},
         {"customers.id", "orders.customer_id"}},
        {"data-modifying CTE", "WITH gone AS (DELETE FROM orders WHERE total = 0 RETURNING customer_id) "
         "SELECT name FROM customers WHERE id IN (SELECT customer_id FROM gone)",
         {"customers"}, {"orders"}, {"customers.id", "customers.name", "orders.customer_id", "orders.total"},
         {"customers.id", "orders.total"}, {}},
        {"MERGE", "MERGE INTO customers t USING orders s ON t.id = s.customer_id "
         "WHEN MATCHED THEN UPDATE SET email = 'x' WHEN NOT MATCHED THEN INSERT (id) VALUES (s.customer_id)",
         {"orders"}, {"customers"}, {"customers.email", "customers.id", "orders.customer_id"}, {},
         {"customers.id", "orders.customer_id"}, {"customers.email", "customers.id"}},
        {"COPY with a column list", "COPY orders (id, total) FROM STDIN", {}, {"orders"}, {"orders.id", "orders.total"},
         {}, {}, {"orders.id", "orders.total"}},
        {"TRUNCATE writes", "TRUNCATE orders, customers", {}, {"customers", "orders"}, {}, {}, {}},
        {"EXPLAIN reports its statement's tables", "EXPLAIN SELECT name FROM customers", {"customers"}, {},
         {"customers.name"}, {}, {}},
    };
    for (const auto& c : cases) check_case(c);
}

TEST_CASE("sql: a schema snapshot attributes unqualified columns in joins") {
    const auto schema = shop_schema();
    const Case cases[] = {
        {"each column goes to the only table that has it",
         "SELECT name, total FROM customers c JOIN orders o ON customer_id = c.id WHERE placed_at > now()",
         {"customers", "orders"}, {}, {"customers.id", "customers.name", "orders.customer_id", "orders.placed_at", "orders.total"},
         {"orders.placed_at"}, {"customers.id", "orders.customer_id"}},
        {"a column both tables have stays unattributed", "SELECT id FROM customers, orders",
         {"customers", "orders"}, {}, {".id"}, {}, {}},
        {"non-public schema", "SELECT label, name FROM sales.regions r JOIN customers c ON c.region_id = r.id",
         {"customers", "sales.regions"}, {}, {"customers.name", "customers.region_id", "sales.regions.id", "sales.regions.label"},
         {}, {"customers.region_id", "sales.regions.id"}},
        {"unqualified outer column in a correlated subquery",
         "SELECT id FROM customers WHERE EXISTS (SELECT 1 FROM orders WHERE customer_id = customers.id AND email IS NULL)",
         {"customers", "orders"}, {}, {"customers.email", "customers.id", "orders.customer_id"}, {"customers.email"},
         {"customers.id", "orders.customer_id"}},
        {"a column missing from the schema still goes to the only table", "SELECT nickname FROM customers",
         {"customers"}, {}, {"customers.nickname"}, {}, {}},
    };
    for (const auto& c : cases) check_case(c, &schema);
}

TEST_CASE("sql: ORDER BY and LIMIT of the top-level SELECT") {
    CHECK(analyze_statement("SELECT a FROM t ORDER BY a").orders_result);
    CHECK_FALSE(analyze_statement("SELECT a FROM t ORDER BY a").has_limit);
    CHECK(analyze_statement("SELECT a FROM t LIMIT 10").has_limit);
    CHECK(analyze_statement("SELECT a FROM t FETCH FIRST 3 ROWS ONLY").has_limit);
    CHECK(analyze_statement("SELECT a FROM t UNION SELECT b FROM u ORDER BY 1 LIMIT 2").orders_result);
    const auto nested = analyze_statement("SELECT * FROM (SELECT a FROM t ORDER BY a LIMIT 1) s");
    CHECK_FALSE(nested.orders_result);
    CHECK_FALSE(nested.has_limit);
}

TEST_CASE("sql: ORDER BY keys located in the result") {
    using schemaflip::sql::OrderByKey;
    using Keys = std::vector<OrderByKey>;
    const auto keys = [](const char* sql) { return analyze_statement(sql).order_by_keys; };
    const OrderByKey unknown{-1, "", false};
    // By position: an ordinal, an output name or alias, an expression equal to a target entry.
    CHECK(keys("SELECT a, b FROM t ORDER BY 2") == Keys{{1, "", true}});
    CHECK(keys("SELECT a, b + c AS total FROM t ORDER BY total DESC, a") == Keys{{1, "", false}, {0, "", false}});
    CHECK(keys("SELECT t.a FROM t ORDER BY a") == Keys{{0, "", false}});
    CHECK(keys("SELECT a, count(*) FROM t GROUP BY a ORDER BY count(*) DESC") == Keys{{1, "", false}});
    CHECK(keys("SELECT a + b FROM t ORDER BY a + b NULLS FIRST") == Keys{{0, "", false}});
    CHECK(keys("SELECT a FROM t UNION SELECT b FROM u ORDER BY a") == Keys{{0, "", false}});
    CHECK(keys("SELECT a AS x, b AS y FROM t UNION ALL SELECT c, d FROM u ORDER BY 2, x") ==
          Keys{{1, "", true}, {0, "", false}});
    // By name: columns a `*` supplies, and named targets after a `*`.
    CHECK(keys("SELECT * FROM t ORDER BY id") == Keys{{-1, "id", false}});
    CHECK(keys("SELECT t.* FROM t ORDER BY t.id") == Keys{{-1, "id", false}});
    CHECK(keys("SELECT * FROM t JOIN u ON u.t_id = t.id ORDER BY u.rank") == Keys{{-1, "rank", false}});
    CHECK(keys("SELECT *, a + 1 AS next FROM t ORDER BY next") == Keys{{-1, "next", false}});
    // Not output columns, or not locatable from the text.
    CHECK(keys("SELECT name FROM t ORDER BY id") == Keys{unknown});
    CHECK(keys("SELECT t.* FROM t JOIN u ON u.t_id = t.id ORDER BY u.id") == Keys{unknown});
    CHECK(keys("SELECT a FROM t ORDER BY lower(a)") == Keys{unknown});
    CHECK(keys("SELECT a FROM t ORDER BY 3") == Keys{{-1, "", true}});
    CHECK(keys("SELECT *, a FROM t ORDER BY 2") == Keys{{-1, "", true}});
    CHECK(keys("SELECT *, a + 1 FROM t ORDER BY a + 1") == Keys{unknown});
    // Only the top-level SELECT's ORDER BY counts.
    CHECK(keys("SELECT a FROM t").empty());
    CHECK(keys("SELECT * FROM (SELECT a FROM t ORDER BY a) s").empty());
}

TEST_CASE("sql: OFFSET of the top-level SELECT") {
    const auto offset = analyze_statement("SELECT a FROM t OFFSET 5");
    CHECK(offset.has_offset);
    CHECK_FALSE(offset.has_limit);
    CHECK_FALSE(analyze_statement("SELECT a FROM t LIMIT 5").has_offset);
    CHECK_FALSE(analyze_statement("SELECT * FROM (SELECT a FROM t OFFSET 1) s").has_offset);
}
