// Database URL forms of product.md and their errors.
#include <doctest/doctest.h>

#include "core/db/url.hpp"
#include "core/util/error.hpp"

using namespace schemaflip;

TEST_CASE("parse_database_url picks the engine from every documented form") {
    struct Case {
        const char* input;
        db::Engine engine;
        const char* target;
    };
    const Case cases[] = {
        {"postgresql://u:p@h:5/db", db::Engine::postgres, "postgresql://u:p@h:5/db"},
        {"postgres://h/db", db::Engine::postgres, "postgres://h/db"},
        {"host=/tmp port=5432 dbname=x", db::Engine::postgres, "host=/tmp port=5432 dbname=x"},
        {"sqlite:/var/app.db", db::Engine::sqlite, "/var/app.db"},
        {"sqlite:///var/app.db", db::Engine::sqlite, "/var/app.db"},
        {"sqlite::memory:", db::Engine::sqlite, ":memory:"},
        {"data/app.db", db::Engine::sqlite, "data/app.db"},
        {"app.sqlite", db::Engine::sqlite, "app.sqlite"},
        {"app.sqlite3", db::Engine::sqlite, "app.sqlite3"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.input);
        const auto url = db::parse_database_url(c.input);
        CHECK(url.engine == c.engine);
        CHECK(url.target == c.target);
    }
}

TEST_CASE("parse_database_url rejects unknown forms with a usage error that hides the password") {
    CHECK_THROWS_AS(db::parse_database_url("mysql://root:pw@host/db"), UsageError);
    CHECK_THROWS_AS(db::parse_database_url("notes.txt"), UsageError);
    CHECK_THROWS_AS(db::parse_database_url("sqlite:"), UsageError);
    try {
        db::parse_database_url("mysql://root:topsecret@host/db");
        FAIL("expected an error");
    } catch (const UsageError& e) {
        CHECK(std::string(e.what()).find("topsecret") == std::string::npos);
        CHECK(e.code() == ExitCode::usage);
    }
}
