// Widened, narrowed or changed: the rules behind TYPE_WIDENED / TYPE_NARROWED and rollback's reversibility.
#include <doctest/doctest.h>

#include "core/flip/type_change.hpp"

using schemaflip::flip::classify_type_change;
using schemaflip::flip::TypeChange;

TEST_CASE("type change: integers, numerics and floats") {
    CHECK(classify_type_change("integer", "bigint") == TypeChange::widened);
    CHECK(classify_type_change("bigint", "integer") == TypeChange::narrowed);
    CHECK(classify_type_change("smallint", "int") == TypeChange::widened);
    CHECK(classify_type_change("integer", "numeric") == TypeChange::widened);
    CHECK(classify_type_change("integer", "numeric(12,2)") == TypeChange::widened);
    CHECK(classify_type_change("integer", "numeric(8,2)") == TypeChange::narrowed);
    CHECK(classify_type_change("numeric(10,2)", "numeric(12,2)") == TypeChange::widened);
    CHECK(classify_type_change("numeric(10,2)", "numeric(10,3)") == TypeChange::narrowed);  // one integer digit less
    CHECK(classify_type_change("numeric(10,2)", "numeric(11,3)") == TypeChange::widened);
    CHECK(classify_type_change("numeric(10,2)", "integer") == TypeChange::narrowed);
    CHECK(classify_type_change("real", "double precision") == TypeChange::widened);
    CHECK(classify_type_change("double precision", "real") == TypeChange::narrowed);
    CHECK(classify_type_change("integer", "double precision") == TypeChange::widened);
    CHECK(classify_type_change("bigint", "double precision") == TypeChange::changed);  // 2^53 + 1 has no double
}

TEST_CASE("type change: strings, SQLite spellings and the rest") {
    CHECK(classify_type_change("character varying(120)", "varchar(200)") == TypeChange::widened);
    CHECK(classify_type_change("varchar(200)", "character varying(120)") == TypeChange::narrowed);
    CHECK(classify_type_change("NVARCHAR(160)", "NVARCHAR(200)") == TypeChange::widened);
    CHECK(classify_type_change("NVARCHAR(160)", "text") == TypeChange::widened);
    CHECK(classify_type_change("text", "varchar(10)") == TypeChange::narrowed);
    CHECK(classify_type_change("text", "integer") == TypeChange::narrowed);
    CHECK(classify_type_change("integer", "text") == TypeChange::changed);
    CHECK(classify_type_change("timestamp", "timestamptz") == TypeChange::changed);
    CHECK(classify_type_change("integer", "integer[]") == TypeChange::changed);
    CHECK(classify_type_change("INTEGER", "integer") == TypeChange::same);
    CHECK(classify_type_change("character varying(5)", "varchar(5)") == TypeChange::same);
    // What is not one type name is never called safe.
    CHECK(classify_type_change("integer) FROM x; --", "bigint") == TypeChange::changed);
    CHECK(classify_type_change("", "bigint") == TypeChange::changed);
}
