// Splitting scripts, literal-stripped cache keys, fingerprints, bad input, and the StatementCache.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/sql/ddl_source.hpp"
#include "core/sql/statement_info.hpp"
#include "support/test_support.hpp"

using schemaflip::sql::StatementCache;
using schemaflip::sql::StatementKind;
using schemaflip::sql::analyze_statement;
using schemaflip::sql::literal_stripped_key;
using schemaflip::sql::split_statements;

namespace {

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::filesystem::path> job_queries() {
    std::vector<std::filesystem::path> paths;
    for (const auto& entry : std::filesystem::directory_iterator(schemaflip::test::shared_data_path("workloads/job"))) {
        const auto name = entry.path().filename().string();
        if (entry.path().extension() == ".sql" && name != "schema.sql" && name != "fkindexes.sql") paths.push_back(entry.path());
    }
    std::sort(paths.begin(), paths.end());
    return paths;
}

}  // namespace

TEST_CASE("sql: split the Chinook PostgreSQL script") {
    std::string script = read_file(schemaflip::test::shared_data_path("sampledb/chinook/Chinook_PostgreSql.sql"));
    // "\c chinook;" is a psql command, not SQL.
    const auto meta = script.find("\\c chinook;");
    REQUIRE(meta != std::string::npos);
    script.erase(meta, std::string("\\c chinook;").size());

    const auto statements = split_statements(script);
    // Counted by hand with grep: 1 DROP DATABASE, 1 CREATE DATABASE, 11 CREATE TABLE, 11 ALTER TABLE,
    // 11 CREATE INDEX, 24 INSERT INTO.
    REQUIRE(statements.size() == 59);
    CHECK(statements.front().find("DROP DATABASE IF EXISTS chinook") != std::string::npos);
    CHECK(statements.back().back() != ';');
    int inserts = 0;
    int ddl = 0;
    for (const auto& statement : statements) {
        const auto info = analyze_statement(statement);
        CAPTURE(statement.substr(0, 80));
        CHECK(info.parsed);
        if (info.kind == StatementKind::write) ++inserts;
        if (info.kind == StatementKind::ddl) ++ddl;
    }
    CHECK(inserts == 24);
    CHECK(ddl == 35);
}

TEST_CASE("sql: split respects quotes and comments, and survives broken statements") {
    CHECK(split_statements("SELECT ';'; SELECT 2 -- ; not a split\n; /* ; */ SELECT 3;") ==
          std::vector<std::string>{"SELECT ';'", "SELECT 2 -- ; not a split", "/* ; */ SELECT 3"});
    CHECK(split_statements("CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql; SELECT 2").size() == 2);
    // The parser fails on the middle statement; the scanner still finds all three.
    CHECK(split_statements("SELECT 1; SELEC oops; SELECT 3").size() == 3);
    CHECK(split_statements("").empty());
    CHECK(split_statements("  ;  ; ").empty());
    CHECK(split_statements("-- nothing\n/* here */\n").empty());
    CHECK(split_statements("SELECT 1; -- the end\n") == std::vector<std::string>{"SELECT 1"});
    CHECK(split_statements("SELECT 1; SELEC oops; -- c\n SELECT 3") ==
          std::vector<std::string>{"SELECT 1", "SELEC oops", "-- c\n SELECT 3"});
}

TEST_CASE("sql: a large script is split in pieces with the same statements as a small one") {
    // Well over the piece size (256 KB), with a BEGIN ATOMIC body whose inner ';' the scanner would cut at
    // and a broken statement, each somewhere in the middle.
    std::vector<std::string> expected;
    std::string script;
    const auto add = [&](const std::string& statement) {
        expected.push_back(statement);
        script += statement + "\n;\n";
    };
    bool body_added = false;
    for (int i = 0; i < 12000; ++i) {
        add("SELECT abalance FROM pgbench_accounts WHERE aid = " + std::to_string(i) + " -- ; a comment");
        // Just before the first cut (256 KB in), so the scanner's first ';' inside the body is the cut point.
        if (!body_added && script.size() > 256 * 1024 - 30) {
            add("CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END");
            body_added = true;
        }
        if (i == 9000) add("SELEC broken 'text; with a semicolon'");
    }
    REQUIRE(script.size() > 600 * 1024);
    const auto statements = split_statements(script);
    REQUIRE(statements.size() == expected.size());
    CHECK(statements == expected);
}

TEST_CASE("sql: a script read piece by piece splits as the whole text does, with each statement's line") {
    // Over 8 MB, the splitter's read-ahead, so it refills and forgets: a BEGIN ATOMIC body, a dollar-quoted
    // body with ';' in it and a quote spanning lines, each near where a refill ends; the reader hands out
    // odd-sized pieces that cut statements, quotes and bodies anywhere.
    std::vector<std::string> expected;
    std::vector<std::uint64_t> expected_lines;
    std::string script;
    std::uint64_t line = 1;
    const auto add = [&](const std::string& statement) {
        expected.push_back(statement);
        expected_lines.push_back(line);
        script += statement + ";\n";
        line += static_cast<std::uint64_t>(std::count(statement.begin(), statement.end(), '\n')) + 1;
    };
    std::size_t next_special = 8 * 1024 * 1024 - 5000;
    for (int i = 0; script.size() < 9 * 1024 * 1024; ++i) {
        add("SELECT abalance FROM pgbench_accounts WHERE aid = " + std::to_string(i) + " /* ; */");
        if (script.size() > next_special) {
            add("CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END");
            add("CREATE FUNCTION g() RETURNS int AS $body$ SELECT 1;\n SELECT 2; $body$ LANGUAGE sql");
            add("SELECT 'a quote;\nover two lines'");
            next_special += 2500;
        }
        if (i == 100000) add("SELEC broken 'text; with a semicolon'");
    }
    REQUIRE(split_statements(script) == expected);

    std::size_t given = 0;
    schemaflip::sql::ScriptSplitter splitter([&](std::string& buffer) {
        const std::size_t piece = 4093 + given % 65521;
        buffer.append(script, given, piece);
        given = std::min(script.size(), given + piece);
        return given < script.size();
    });
    std::vector<std::string> statements;
    std::vector<std::uint64_t> lines;
    std::string statement;
    std::uint64_t statement_line = 0;
    while (splitter.next(statement, statement_line)) {
        statements.push_back(statement);
        lines.push_back(statement_line);
    }
    REQUIRE(statements.size() == expected.size());
    CHECK(statements == expected);
    CHECK(lines == expected_lines);
}

TEST_CASE("sql: every JOB query parses and reads its tables") {
    const auto paths = job_queries();
    REQUIRE(paths.size() == 113);
    for (const auto& path : paths) {
        CAPTURE(path.filename().string());
        const auto statements = split_statements(read_file(path));
        REQUIRE(statements.size() == 1);
        const auto info = analyze_statement(statements.front());
        CHECK(info.parsed);
        CHECK(info.kind == StatementKind::read);
        CHECK(info.tables_read.size() >= 4);
        CHECK(!info.join_columns.empty());
        // JOB qualifies every column with an alias: all of them must be attributed.
        for (const auto& column : info.columns) CHECK_MESSAGE(!column.table.empty(), column.column);
    }
    // 1a.sql, read by hand: five tables, joined on these columns.
    const auto first = analyze_statement(read_file(schemaflip::test::shared_data_path("workloads/job/1a.sql")));
    CHECK(first.tables_read ==
          std::vector<std::string>{"company_type", "info_type", "movie_companies", "movie_info_idx", "title"});
    CHECK(std::count_if(first.join_columns.begin(), first.join_columns.end(),
                        [](const auto& c) { return c.table == "movie_companies"; }) == 2);
    CHECK(std::find(first.filter_columns.begin(), first.filter_columns.end(),
                    schemaflip::sql::ColumnRef{"movie_companies", "note"}) != first.filter_columns.end());
}

TEST_CASE("sql: literal_stripped_key merges literal-only differences and nothing else") {
    const std::pair<const char*, const char*> same[] = {
        {"SELECT * FROM t WHERE id = 1", "SELECT * FROM t WHERE id = 42"},
        {"SELECT * FROM t WHERE name = 'a'", "SELECT * FROM t WHERE name = 'it''s'"},
        {"SELECT 1.5e3, .5, 7", "SELECT 2, 3.25, 1e-9"},
        {"SELECT E'a\\'b'", "SELECT E'x'"},
        {"SELECT B'101', X'1F'", "SELECT B'0', X'AA'"},
        {"SELECT  a\n\tFROM   t", "SELECT a FROM t"},
        {"SELECT 'a' FROM t LIMIT 10", "SELECT 'bb' FROM t LIMIT 20"},
        {"INSERT INTO t VALUES (1, 'x;y')", "INSERT INTO t VALUES (2, 'z')"},
    };
    for (const auto& [a, b] : same) {
        const std::string first(a), second(b);  // clang 14: no structured binding in CAPTURE
        CAPTURE(first);
        CAPTURE(second);
        CHECK(literal_stripped_key(a) == literal_stripped_key(b));
    }
    // Keywords' case is kept: the key is never looser than needed.
    const std::pair<const char*, const char*> different[] = {
        {"SELECT a FROM t WHERE id = 1", "SELECT b FROM t WHERE id = 1"},
        {"SELECT * FROM t1", "SELECT * FROM t2"},
        {"SELECT \"x\" FROM t", "SELECT \"y\" FROM t"},
        {"SELECT \"1\" FROM t", "SELECT \"2\" FROM t"},
        {"SELECT \"a b\" FROM t", "SELECT \"a  b\" FROM t"},
        {"SELECT $1", "SELECT $2"},
        {"SELECT $$1$$", "SELECT $$2$$"},
        {"SELECT $f$ a $f$", "SELECT $f$ b $f$"},
        {"SELECT 1 -- 5\n", "SELECT 1 -- 6\n"},
        {"SELECT /* 5 */ 1", "SELECT /* 6 */ 1"},
        {"SELECT /* a /* 'x */ b */ 1", "SELECT /* a /* 'y */ b */ 1"},
        {"SELECT data ? 'k' FROM t", "SELECT data ? ? FROM t"},
        {"SELECT 1 FROM t", "SELECT ? FROM t"},
        {"SELECT a - -1", "SELECT a --1"},
        {"SELECT 'a' 'b'", "SELECT 'a'\n'b'"},
        {"SELECT 'unterminated 1", "SELECT 'unterminated 2"},
        {"SELECT '\\' or x = 1 --'", "SELECT '\\' or y = 1 --'"},  // standard_conforming_strings
        {"SELECT t1.a FROM t1", "SELECT t2.a FROM t2"},
        {"SELECT 1 FROM t", "SELECT 1 FROM u"},
        {"SELECT x1", "SELECT x2"},
        {"SELECT 1 AS a", "SELECT 1 AS b"},
    };
    for (const auto& [a, b] : different) {
        const std::string first(a), second(b);  // clang 14: no structured binding in CAPTURE
        CAPTURE(first);
        CAPTURE(second);
        CHECK(literal_stripped_key(a) != literal_stripped_key(b));
    }
    // A few exact keys, written by hand from the rules.
    CHECK(literal_stripped_key("  SELECT a, 'x' FROM t WHERE b > 10.5  ") == "SELECT a, ? FROM t WHERE b > ?");
    CHECK(literal_stripped_key("SELECT E'a', x'1f', $1, $$ 1 $$") == "SELECT E?, x?, $1, $$ 1 $$");
    CHECK(literal_stripped_key("SELECT j ? 'k'") == "SELECT j \\? ?");
}

TEST_CASE("sql: fingerprints follow pg_query: equal for literal-only differences, different for other shapes") {
    const auto a = analyze_statement("SELECT * FROM t WHERE id = 1 AND name = 'x'");
    const auto b = analyze_statement("SELECT * FROM t WHERE id = 2 AND name = 'y'");
    const auto c = analyze_statement("SELECT * FROM t WHERE id = 2 AND email = 'y'");
    const auto d = analyze_statement("SELECT * FROM u WHERE id = 2 AND name = 'y'");
    CHECK(a.fingerprint == b.fingerprint);
    CHECK(a.fingerprint_hex == b.fingerprint_hex);
    CHECK(a.fingerprint_hex.size() == 16);
    CHECK(a.fingerprint != c.fingerprint);
    CHECK(a.fingerprint != d.fingerprint);
    CHECK(a.normalized == "SELECT * FROM t WHERE id = $1 AND name = $2");
    // pg_query also treats IN lists of any length alike.
    CHECK(analyze_statement("SELECT 1 FROM t WHERE id IN (1, 2)").fingerprint ==
          analyze_statement("SELECT 1 FROM t WHERE id IN (3, 4, 5)").fingerprint);
}

TEST_CASE("sql: bad input gives parsed=false with the parser's message, never a crash") {
    const auto truncated = analyze_statement("SELECT a, b FROM t WHERE");
    CHECK_FALSE(truncated.parsed);
    CHECK(truncated.error.find("syntax error") != std::string::npos);
    CHECK(truncated.fingerprint_hex.size() == 16);

    std::string garbage;
    for (int i = 0; i < 4096; ++i) garbage += static_cast<char>((i * 7919) % 256);
    CHECK_FALSE(analyze_statement(garbage).parsed);
    CHECK_FALSE(analyze_statement(std::string("SELECT 1\0; DROP TABLE t", 24)).parsed);
    const auto invalid_utf8 = analyze_statement("SELECT '\xff\xfe' FROM \xc3\x28");
    CHECK_FALSE(invalid_utf8.parsed);
    (void)literal_stripped_key(garbage);
    (void)split_statements(garbage);

    std::string nested = "SELECT ";
    for (int i = 0; i < 100000; ++i) nested += '(';
    CHECK_FALSE(analyze_statement(nested).parsed);

    // 10 MB in one literal, and 1 MB of IN list (the parse tree of 10 MB of list would take seconds).
    const std::string big = "SELECT '" + std::string(10'000'000, 'x') + "' FROM t";
    const auto huge = analyze_statement(big);
    CHECK(huge.parsed);
    CHECK(huge.tables_read == std::vector<std::string>{"t"});
    CHECK(literal_stripped_key(big) == "SELECT ? FROM t");
    std::string list = "SELECT 1 FROM t WHERE id IN (";
    while (list.size() < 1'000'000) list += "12345, ";
    list += "1)";
    CHECK(analyze_statement(list).filter_columns == std::vector<schemaflip::sql::ColumnRef>{{"t", "id"}});
}

TEST_CASE("sql: StatementCache analyses each shape once, also from several threads") {
    StatementCache cache;
    const auto first = cache.analyze("SELECT name FROM users WHERE id = 1");
    const auto second = cache.analyze("SELECT name FROM users WHERE id = 2");
    CHECK(first == second);
    CHECK(cache.size() == 1);
    CHECK(first->tables_read == std::vector<std::string>{"users"});

    // DDL details carry literals: varchar(20) and varchar(40) must not share an entry.
    const auto narrow = cache.analyze("ALTER TABLE t ALTER COLUMN a TYPE varchar(20)");
    const auto wide = cache.analyze("ALTER TABLE t ALTER COLUMN a TYPE varchar(40)");
    REQUIRE(narrow->ddl_changes.size() == 1);
    REQUIRE(wide->ddl_changes.size() == 1);
    CHECK(narrow->ddl_changes.front().detail == "varchar(20)");
    CHECK(wide->ddl_changes.front().detail == "varchar(40)");

    StatementCache shared;
    std::vector<std::string> queries;
    for (const auto& path : job_queries()) queries.push_back(read_file(path));
    std::atomic<int> mismatches{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int round = 0; round < 3; ++round) {
                for (std::size_t i = 0; i < queries.size(); ++i) {
                    const auto& sql = queries[(i + static_cast<std::size_t>(t) * 17) % queries.size()];
                    const auto cached = shared.analyze(sql);
                    // Also parse directly on this thread: libpg_query must be usable from several at once.
                    const auto direct = analyze_statement(sql);
                    if (!cached->parsed || cached->fingerprint != direct.fingerprint ||
                        cached->tables_read != direct.tables_read || cached->columns != direct.columns) {
                        ++mismatches;
                    }
                }
            }
        });
    }
    for (auto& thread : threads) thread.join();
    CHECK(mismatches == 0);
    std::set<std::string> shapes;
    for (const auto& sql : queries) shapes.insert(literal_stripped_key(sql));
    CHECK(shared.size() == shapes.size());
}

TEST_CASE("sql: StatementCache keeps ORDER BY ordinals apart (they share a literal-stripped key)") {
    StatementCache cache;
    const auto first = cache.analyze("SELECT a, b FROM t ORDER BY 1");
    const auto second = cache.analyze("SELECT a, b FROM t ORDER BY 2");
    REQUIRE(first->order_by_keys.size() == 1);
    REQUIRE(second->order_by_keys.size() == 1);
    CHECK(first->order_by_keys[0].position == 0);
    CHECK(second->order_by_keys[0].position == 1);
}

TEST_CASE("sql: a statement without the comments before it, by the scanner") {
    using schemaflip::sql::without_leading_comments;
    CHECK(without_leading_comments("-- add the rating\n/* reviewed; ok */ ALTER TABLE t ADD COLUMN r int -- kept") ==
          "ALTER TABLE t ADD COLUMN r int -- kept");
    CHECK(without_leading_comments("SELECT '-- not a comment'") == "SELECT '-- not a comment'");
    CHECK(without_leading_comments("-- only a comment") == "-- only a comment");
    CHECK(without_leading_comments("-- unterminated\nSELECT 'x") == "-- unterminated\nSELECT 'x");
}
