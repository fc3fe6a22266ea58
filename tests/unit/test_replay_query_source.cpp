// Query sources for replay: logs (with bind parameters put in place), .sql files and workload profiles, and
// the classification of each statement as a read, a write or skipped, all from the parse tree.
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/replay/query_source.hpp"
#include "core/sql/query_text.hpp"
#include "core/util/error.hpp"
#include "support/test_support.hpp"

using namespace schemaflip;
using namespace schemaflip::replay;

namespace {

std::uint64_t skipped(const SourceSummary& source, const char* reason) {
    const auto found = source.skipped.find(reason);
    return found == source.skipped.end() ? 0 : found->second;
}

// The reads' indexes among the stream's statements.
std::vector<std::size_t> read_indexes(const std::vector<Statement>& statements) {
    std::vector<std::size_t> reads;
    for (std::size_t i = 0; i < statements.size(); ++i) {
        if (!statements[i].write) reads.push_back(i);
    }
    return reads;
}

std::string write_file(const test::TempDir& dir, const std::string& name, const std::string& text) {
    const auto path = dir.path() / name;
    std::ofstream(path) << text;
    return path.string();
}

}  // namespace

TEST_CASE("bind parameters are located by the parser and replaced by literals") {
    const auto text = sql::inspect_query_text("SELECT '$1 stays', $2::int FROM t WHERE a = $1 -- $3 is a comment");
    REQUIRE(text.parsed);
    CHECK(text.statements == 1);
    CHECK(text.plain_query);
    REQUIRE(text.parameters.size() == 2);
    CHECK(text.parameters[0].number == 2);
    CHECK(text.parameters[1].number == 1);
    const auto bound = sql::substitute_parameters("SELECT '$1 stays', $2::int FROM t WHERE a = $1 -- $3 is a comment",
                                                  text.parameters, {std::string("it's"), std::nullopt});
    REQUIRE(bound);
    CHECK(*bound == "SELECT '$1 stays', NULL::int FROM t WHERE a = 'it''s' -- $3 is a comment");
    CHECK_FALSE(sql::substitute_parameters("SELECT $1", sql::inspect_query_text("SELECT $1").parameters, {}).has_value());

    CHECK_FALSE(sql::inspect_query_text("COPY t TO STDOUT").plain_query);
    CHECK_FALSE(sql::inspect_query_text("EXPLAIN SELECT 1").plain_query);
    CHECK_FALSE(sql::inspect_query_text("SELECT * FROM t FOR UPDATE").plain_query);
    CHECK_FALSE(sql::inspect_query_text("SELECT 1; SELECT 2").plain_query);
    CHECK(sql::inspect_query_text("SELECT 1; SELECT 2").statements == 2);
    CHECK(sql::inspect_query_text("WITH x AS (SELECT 1) SELECT * FROM x UNION SELECT 2").plain_query);
    CHECK(sql::inspect_query_text("VALUES (1), (2)").plain_query);
    CHECK_FALSE(sql::inspect_query_text("SELEC 1").parsed);
    CHECK(sql::inspect_query_text("SELECT pg_catalog.now(), lower(x), \"Quoted\"(1) FROM t WHERE f(lower(y))").functions ==
          std::vector<std::string>{"Quoted", "f", "lower", "now"});
}

TEST_CASE("the Chinook application log: reads, writes and DDL in log order, transactions and errors left out") {
    const auto path = test::source_path("fixtures/logs/chinook_app.log").string();
    const QueryStream stream = load_queries({path}, {});
    const auto statements = stream.all();
    const auto reads = read_indexes(statements);
    REQUIRE(stream.sources.size() == 1);
    const SourceSummary& source = stream.sources.front();
    CHECK(source.type == "stderr");
    // Counted by hand in the log: 30 reads before the writes and one (track.rating) among the migration;
    // INSERT x2, UPDATE x2, DELETE x2 and five DDL statements; BEGIN and COMMIT; four ERROR records.
    CHECK(source.reads == 31);
    CHECK(source.writes == 11);
    CHECK(skipped(source, skip::k_transaction) == 2);
    CHECK(skipped(source, skip::k_error_record) == 4);
    CHECK(source.statements == 48);
    CHECK(stream.read_count() == 31);
    CHECK(stream.write_count() == 11);
    CHECK(reads.size() == 31);
    CHECK(statements.size() == 42);
    // Log order: the first statement is the first read, the first write follows the 30th read.
    CHECK(statements.front().sql.starts_with("SELECT a.title, ar.name FROM album a"));
    CHECK(origin_of(stream, statements.front()) == path + ":6");
    CHECK(reads[29] == 29);
    CHECK(statements[30].write);
    CHECK(statements[30].sql.starts_with("INSERT INTO invoice "));
    CHECK(statements[reads[30]].sql == "SELECT t.name, t.rating FROM track t WHERE t.album_id = 1;");
    for (const auto index : reads) CHECK(statements[index].info->kind == sql::StatementKind::read);
}

TEST_CASE("extended-protocol statements run with their logged bind values") {
    const auto path = test::shared_data_path("pglogs/pgbadger__multiline_param.log").string();
    const QueryStream stream = load_queries({path}, {});
    const auto statements = stream.all();
    const auto reads = read_indexes(statements);
    // Two simple statements, then two `execute` records with their DETAIL parameters; the parse and bind
    // durations are not executions.
    REQUIRE(reads.size() == 4);
    CHECK(statements[reads[1]].sql == "SELECT current_setting('nj.maint')");
    for (const std::size_t read : {2, 3}) {
        const auto& sql = statements[reads[read]].sql;
        CAPTURE(sql);
        CHECK(sql.find('$') == std::string::npos);
        CHECK(sql.find("(t.typnamespace = '1234')") != std::string::npos);
    }
    CHECK(statements[reads[2]].sql.find("t.test = 'aaaa'") != std::string::npos);
    CHECK(statements[reads[3]].sql.find("t.test = 'iiii'") != std::string::npos);
    CHECK(origin_of(stream, statements[reads[3]]) == path + ":14");
}

TEST_CASE("a .sql file: split by the parser's splitter, each statement classified") {
    test::TempDir dir;
    const auto path = write_file(dir, "mixed.sql",
                                 "BEGIN;\n"
                                 "SELECT 1 AS one; -- a comment; with a semicolon\n"
                                 "SELECT ';' AS text;\n"
                                 "INSERT INTO t VALUES (1);\n"
                                 "CREATE INDEX i ON t (a);\n"
                                 "SET search_path = x;\n"
                                 "COPY t TO STDOUT;\n"
                                 "EXPLAIN SELECT 1;\n"
                                 "SELECT * FROM t WHERE id = $1;\n"
                                 "SELECT * FROM t FOR UPDATE;\n"
                                 "SELECT pg_catalog.pg_advisory_lock(42), now();\n"
                                 "SELEC broken;\n"
                                 "COMMIT;\n");
    const QueryStream stream = load_queries({path}, {});
    const auto statements = stream.all();
    const auto reads = read_indexes(statements);
    const SourceSummary& source = stream.sources.front();
    CHECK(source.type == "sql");
    CHECK(source.statements == 13);
    CHECK(skipped(source, skip::k_outside_effects) == 1);
    CHECK(source.reads == 2);
    CHECK(source.writes == 3);  // INSERT, CREATE INDEX, SELECT … FOR UPDATE (it locks rows)
    CHECK(skipped(source, skip::k_transaction) == 2);
    CHECK(skipped(source, skip::k_utility) == 2);    // SET, and EXPLAIN without ANALYZE
    CHECK(skipped(source, skip::k_not_plain) == 1);  // COPY … TO
    CHECK(skipped(source, skip::k_unbound) == 1);
    CHECK(skipped(source, skip::k_unparsed) == 1);
    REQUIRE(reads.size() == 2);
    CHECK(statements[reads[1]].sql.ends_with("\nSELECT ';' AS text"));
    CHECK(origin_of(stream, statements[reads[1]]) == path + "#3");
}

TEST_CASE("a workload profile replays its examples in proportion to their counts") {
    test::TempDir dir;
    const auto log = test::source_path("fixtures/logs/chinook_app.log").string();
    const auto literal = (dir.path() / "literal.json").string();
    const auto masked = (dir.path() / "masked.json").string();
    REQUIRE(test::run_cli({"--format", "json", "analyze", "--keep-literals", "-o", literal, log}).exit_code == 0);
    REQUIRE(test::run_cli({"--format", "json", "analyze", "-o", masked, log}).exit_code == 0);

    const auto profile = nlohmann::json::parse(test::read_file(literal));
    std::uint64_t read_count = 0;
    std::uint64_t write_count = 0;
    for (const auto& fingerprint : profile["fingerprints"]) {
        if (fingerprint["kind"] == "read") read_count += fingerprint["count"].get<std::uint64_t>();
        if (fingerprint["kind"] == "write" || fingerprint["kind"] == "ddl") write_count += fingerprint["count"].get<std::uint64_t>();
    }
    REQUIRE(read_count == 31);

    SUBCASE("with literals kept, every read fingerprint runs as often as it was logged") {
        const QueryStream stream = load_queries({literal}, {});
        const auto statements = stream.all();
        const auto reads = read_indexes(statements);
        const SourceSummary& source = stream.sources.front();
        CHECK(source.type == "profile");
        CHECK(source.reads == read_count);
        CHECK(source.writes == 0);
        CHECK(skipped(source, skip::k_profile_write) == write_count);
        // Interleaved, not grouped: the first reads are all different statements.
        CHECK(statements[0].info->fingerprint != statements[1].info->fingerprint);
        CHECK(origin_of(stream, statements[0]).starts_with(literal + "@"));
    }
    SUBCASE("scaled down to the limit, each fingerprint still at least once") {
        SourceOptions options;
        options.profile_statements = 10;
        const QueryStream stream = load_queries({literal}, options);
        const auto statements = stream.all();
        const auto reads = read_indexes(statements);
        std::size_t read_fingerprints = 0;
        for (const auto& fingerprint : profile["fingerprints"]) read_fingerprints += fingerprint["kind"] == "read";
        CHECK(reads.size() >= read_fingerprints);
        CHECK(reads.size() < read_count);
    }
    SUBCASE("masked examples cannot run: only those without literals are replayed") {
        const QueryStream stream = load_queries({masked}, {});
        const auto statements = stream.all();
        const auto reads = read_indexes(statements);
        const SourceSummary& source = stream.sources.front();
        CHECK(skipped(source, skip::k_profile_placeholders) > 0);
        for (const auto index : reads) CHECK(statements[index].sql.find('$') == std::string::npos);
        // The employee listing and the genre count (ORDER BY 2 is kept by normalisation) have no masked
        // literal; each was logged twice.
        CHECK(source.reads == 4);
    }
}

TEST_CASE("query sources that are not one are bad input") {
    test::TempDir dir;
    const auto manifest = write_file(dir, "shadow.json", R"({"kind": "shadow_manifest", "schema_version": 1})");
    CHECK_THROWS_AS(load_queries({manifest}, {}), InputError);
    CHECK_THROWS_AS(load_queries({(dir.path() / "missing.log").string()}, {}), InputError);
    const auto garbage = write_file(dir, "garbage.log", "this is not a PostgreSQL log\nnor is this\n");
    CHECK_THROWS_AS(load_queries({garbage}, {}), InputError);
}

TEST_CASE("a query stream lives in an unlinked temporary file: any length, read back whole by every cursor") {
    test::TempDir dir;
    test::TempDir spool_dir;
    const auto path = (dir.path() / "many.sql").string();
    constexpr int k_statements = 60000;  // about 3 MB of records: several of the spool's 1 MB pieces
    {
        std::ofstream out(path);
        for (int i = 0; i < k_statements; ++i) {
            out << (i % 1000 == 999 ? "UPDATE t SET a = " : "SELECT a, b, c FROM some_table WHERE id = ") << i << ";\n";
        }
    }
    test::ScopedEnv tmpdir("TMPDIR", spool_dir.path().string());
    const QueryStream stream = load_queries({path}, {});
    // Unlinked at once: nothing to find in TMPDIR, nothing left behind however the process ends.
    CHECK(std::filesystem::is_empty(spool_dir.path()));
    CHECK(stream.read_count() == k_statements - k_statements / 1000);
    CHECK(stream.write_count() == k_statements / 1000);

    auto first = stream.cursor();
    auto second = stream.cursor();
    Statement a, b;
    int count = 0;
    while (first.next(a)) {
        REQUIRE(second.next(b));
        CHECK(a.sql == b.sql);
        if (count % 7919 == 0) {
            CAPTURE(count);
            CHECK(a.sql.ends_with(" " + std::to_string(count)));
            CHECK(a.write == (count % 1000 == 999));
            CHECK(a.info->kind == (a.write ? sql::StatementKind::write : sql::StatementKind::read));
            CHECK(origin_of(stream, a) == path + "#" + std::to_string(count + 1));
        }
        ++count;
    }
    CHECK_FALSE(second.next(b));
    CHECK(count == k_statements);
    // A fresh cursor starts again from the first statement.
    auto again = stream.cursor();
    REQUIRE(again.next(a));
    CHECK(a.sql == "SELECT a, b, c FROM some_table WHERE id = 0");
}

TEST_CASE("a query stream that cannot create its temporary file is bad input, saying where") {
    test::TempDir dir;
    test::ScopedEnv tmpdir("TMPDIR", (dir.path() / "missing").string());
    try {
        QueryStream stream;
        FAIL("a stream was created in a missing directory");
    } catch (const InputError& error) {
        CHECK(std::string(error.what()).find((dir.path() / "missing").string()) != std::string::npos);
    }
}
