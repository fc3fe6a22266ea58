// What --sync logical accepts before creating anything: type changes the subscriber can read from the
// publisher's text, the derived object names, and which pg_dump runs against which server.
#include <doctest/doctest.h>

#include <set>

#include "core/shadow/logical_checks.hpp"
#include "core/shadow/logical_sync.hpp"
#include "core/shadow/pg_tools.hpp"
#include "core/util/error.hpp"
#include "support/test_support.hpp"

using namespace schemaflip;

TEST_CASE("shadow: which column type changes a subscriber can read from the publisher's text form") {
    struct Case {
        const char* publisher;   // as format_type() prints the primary's column
        const char* subscriber;  // as the DDL spells the shadow's new type
        bool reads;
    };
    // Worked out from PostgreSQL's input functions: pgoutput sends each value as its type's text output,
    // the subscriber parses it with the new type's input, which must accept it and keep its value.
    const Case cases[] = {
        {"integer", "bigint", true},
        {"smallint", "integer", true},
        {"bigint", "integer", false},  // 2^40 does not fit
        {"integer", "numeric", true},
        {"integer", "numeric(12,2)", true},  // 10 integer digits, as int4's 2147483647
        {"integer", "numeric(9,0)", false},  // 2147483647 has 10 digits
        {"integer", "double precision", true},
        {"bigint", "double precision", false},  // 2^53 + 1 comes back as 2^53
        {"real", "double precision", true},
        {"double precision", "real", false},
        {"numeric(10,2)", "numeric(12,2)", true},
        {"numeric(10,2)", "numeric(11,3)", true},
        {"numeric(10,2)", "numeric(10,3)", false},  // 12345678.00 needs 8 integer digits, 7 left
        {"numeric(10,2)", "numeric(12,1)", false},  // 0.05 rounds
        {"numeric", "numeric(10,2)", false},
        {"numeric(10,2)", "numeric", true},
        {"numeric(10,2)", "integer", false},  // '1.50' is not an integer's text
        {"character varying(40)", "varchar(80)", true},
        {"character varying(40)", "varchar(40)", true},
        {"character varying(40)", "varchar(20)", false},
        {"character varying(40)", "text", true},
        {"character varying", "varchar(200)", false},
        {"text", "varchar(200)", false},
        {"text", "integer", false},  // 'abc' is not an integer
        {"integer", "text", true},   // every text form is a text value
        {"boolean", "varchar", true},
        {"character(10)", "varchar(10)", true},
        {"character(10)", "character(5)", false},
        {"timestamp without time zone", "timestamptz", true},
        {"timestamp with time zone", "timestamp", false},  // the offset would be dropped
        {"date", "timestamp", true},
        {"timestamp(3) without time zone", "timestamp(6)", true},
        {"timestamp without time zone", "timestamp(0)", false},
        {"json", "jsonb", true},
        {"jsonb", "json", false},
        {"integer[]", "bigint[]", true},
        {"integer[]", "integer", false},
        {"integer[]", "text", true},
        {"uuid", "uuid", true},
        {"uuid", "integer", false},
        {"integer", "no such (type", false},  // not one type: never claimed readable
    };
    for (const auto& c : cases) {
        CAPTURE(std::string(c.publisher));
        CAPTURE(std::string(c.subscriber));
        CHECK(shadow::subscriber_reads_text_of(c.publisher, c.subscriber) == c.reads);
    }
}

TEST_CASE("shadow: replication object names are valid slot names, stable, and distinct per shadow") {
    const std::string long_name(100, 'x');
    const std::vector<std::string> shadows = {
        "app_shadow", "App-Shadow", "app_shadow_", "app-shadow", "\"; DROP DATABASE x; --", long_name, long_name + "y", "schön"};
    std::set<std::string> seen;
    for (const auto& shadow_name : shadows) {
        CAPTURE(shadow_name);
        const auto names = shadow::logical_names(shadow_name);
        // PostgreSQL's slot name rules (ReplicationSlotValidateName): at most 63 bytes of a-z, 0-9 and _.
        CHECK(names.slot.size() <= 63);
        CHECK(names.slot.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos);
        CHECK(names.slot.starts_with("schemaflip_"));
        CHECK(shadow::logical_names(shadow_name).slot == names.slot);
        seen.insert(names.slot);
    }
    CHECK(seen.size() == shadows.size());
    CHECK(shadow::logical_names("app_shadow").slot.starts_with("schemaflip_app_shadow_"));
}

TEST_CASE("shadow: pg_dump of at least the server's major version, or an error naming both") {
    const std::filesystem::path root = "/usr/lib/postgresql";
    // The machine's client tools are PostgreSQL 15's (Debian 12); none is newer.
    REQUIRE(std::filesystem::exists(root / "15/bin/pg_dump"));
    REQUIRE_FALSE(std::filesystem::exists(root / "16"));
    const auto same = shadow::find_pg_tools(15, root);
    CHECK(same.major == 15);
    CHECK(same.bin == root / "15/bin");
    CHECK(shadow::find_pg_tools(12, root).major == 15);  // a newer pg_dump dumps older servers
    try {
        shadow::find_pg_tools(16, root);
        FAIL("pg_dump 15 was accepted for a PostgreSQL 16 server");
    } catch (const UnavailableError& e) {
        CHECK(std::string(e.what()).find("pg_dump 15") != std::string::npos);
        CHECK(std::string(e.what()).find("PostgreSQL 16") != std::string::npos);
        CHECK(e.help().find("postgresql-client-16") != std::string::npos);
    }
    test::TempDir empty;
    CHECK_THROWS_AS(shadow::find_pg_tools(15, empty.path()), UnavailableError);
}
