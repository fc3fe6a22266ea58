// Change IDs: stable under reformatting, different for any change of meaning.
#include <doctest/doctest.h>

#include "core/sql/statement_info.hpp"

using namespace schemaflip;

TEST_CASE("change_id: layout, comments and keyword case do not matter") {
    const auto id = sql::change_id({"ALTER TABLE t ADD COLUMN a int", "CREATE INDEX i ON t (a)"});
    CHECK(id.size() == 16);
    CHECK(id == sql::change_id({"ALTER TABLE t\n   ADD COLUMN a int", "CREATE  INDEX i ON t (a)"}));
    CHECK(id == sql::change_id({"alter table T add column A INT -- widen later", "create index i /* x */ on t(a)"}));
}

TEST_CASE("change_id: names, order, types and literals do") {
    const auto id = sql::change_id({"ALTER TABLE t ADD COLUMN a int", "CREATE INDEX i ON t (a)"});
    CHECK(id != sql::change_id({"ALTER TABLE t ADD COLUMN b int", "CREATE INDEX i ON t (a)"}));
    CHECK(id != sql::change_id({"CREATE INDEX i ON t (a)", "ALTER TABLE t ADD COLUMN a int"}));
    CHECK(id != sql::change_id({"ALTER TABLE t ADD COLUMN a bigint", "CREATE INDEX i ON t (a)"}));
    CHECK(id != sql::change_id({"ALTER TABLE \"T\" ADD COLUMN a int", "CREATE INDEX i ON t (a)"}));
    CHECK(sql::change_id({"ALTER TABLE t ADD COLUMN a text DEFAULT 'x  y'"}) !=
          sql::change_id({"ALTER TABLE t ADD COLUMN a text DEFAULT 'x y'"}));
    // Text that does not parse still gets a stable ID of its own.
    CHECK(sql::change_id({"ALTER TABLE t FROBNICATE"}) == sql::change_id({"ALTER TABLE t FROBNICATE"}));
    CHECK(sql::change_id({"ALTER TABLE t FROBNICATE"}) != sql::change_id({"ALTER TABLE u FROBNICATE"}));
}
