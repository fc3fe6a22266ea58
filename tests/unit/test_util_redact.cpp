// Password redaction: URL userinfo, key=value strings, URL query parameters, literal secrets.
#include <doctest/doctest.h>

#include "core/util/redact.hpp"

using schemaflip::util::redact_secret;
using schemaflip::util::redact_url;

TEST_CASE("redact_url removes passwords from every connection-string form") {
    struct Case {
        const char* input;
        const char* expected;
    };
    const Case cases[] = {
        {"postgresql://alice:s3cret@db.example:5432/app", "postgresql://alice:***@db.example:5432/app"},
        {"postgres://alice:p@ss@word@host/db", "postgres://alice:***@host/db"},
        {"postgresql://alice@host/db", "postgresql://alice@host/db"},
        {"postgresql://host/db?password=hunter2&sslmode=require", "postgresql://host/db?password=***&sslmode=require"},
        {"host=localhost user=bob password=hunter2 dbname=x", "host=localhost user=bob password=*** dbname=x"},
        {"host=localhost password = 'it\\'s secret' dbname=x", "host=localhost password = *** dbname=x"},
        {"host=h PASSWORD=abc", "host=h PASSWORD=***"},
        {"sqlite:/tmp/app.db", "sqlite:/tmp/app.db"},
        {"host=h mypassword=abc", "host=h mypassword=abc"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.input);
        CHECK(redact_url(c.input) == c.expected);
    }
}

TEST_CASE("redact_secret replaces every occurrence and ignores an empty secret") {
    CHECK(redact_secret("FATAL: password hunter2 for hunter2", "hunter2") == "FATAL: password *** for ***");
    CHECK(redact_secret("nothing here", "") == "nothing here");
}
